from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansheng.core import access, services
from ansheng.core.audit import verify_chain
from ansheng.core.errors import AnshengError, put_on_form
from ansheng.core.models import ApiToken, AuditEvent, Job, Notification, ObjectChange
from ansheng.core.registry import collect


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")[:64]


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    context: dict[str, Any] = {"next": next_url, "username": "", "error": None}
    if request.method == "POST":
        username = request.POST.get("username", "")
        context["username"] = username
        try:
            user = services.do_sign_in(
                username=username,
                password=request.POST.get("password", ""),
                address=client_address(request),
                request=request,
            )
        except AnshengError as exc:
            context["error"] = exc.message
            return render(request, "registration/login.html", context, status=exc.status)
        login(request, user)
        return HttpResponseRedirect(next_url or reverse("core:home"))
    if request.user.is_authenticated:
        return redirect("core:home")
    return render(request, "registration/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("core:login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    panels = []
    for panel in collect("home_panels"):
        content = panel(request)
        if content:
            panels.append(content)
    panels.sort(key=lambda item: item.get("order", 100))
    return render(request, "core/home.html", {"panels": panels, "scope": access.scope_for(request.user)})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                _token, new_token = services.do_create_token(
                    acting_user=request.user, name=request.POST.get("name", "")
                )
                messages.success(request, _("令牌已创建，请立即复制保存：它只显示这一次。"))
            elif action == "revoke":
                services.do_revoke_token(acting_user=request.user, token_id=int(request.POST.get("token", "0") or 0))
                messages.success(request, _("令牌已吊销。"))
        except AnshengError as exc:
            messages.error(request, str(exc.message))
        if new_token is None:
            return redirect("core:profile")
    tokens = ApiToken.objects.filter(user=request.user).select_related("enterprise")
    return render(request, "core/profile.html", {"tokens": tokens, "new_token": new_token})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.do_mark_read(acting_user=request.user)
        return redirect("core:notifications")
    rows = Notification.objects.filter(user=request.user)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
def changelog(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "changelog"):
        raise Http404
    rows = access.restrict(ObjectChange.objects.all(), request.user)
    object_type = request.GET.get("type", "")
    object_id = request.GET.get("id", "")
    if object_type:
        rows = rows.filter(object_type=object_type)
    if object_id:
        rows = rows.filter(object_id=object_id)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "core/changelog.html", {"page": page, "object_type": object_type, "object_id": object_id})


@login_required
def events(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "audit_event"):
        raise Http404
    report = verify_chain() if request.method == "POST" else None
    rows = access.restrict(AuditEvent.objects.order_by("-seq"), request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "core/events.html", {"page": page, "report": report})


def _job_for(request: HttpRequest, job_id: int) -> Job:
    job = Job.objects.filter(pk=job_id, created_by=request.user).first()
    if job is None:
        raise Http404
    return job


@login_required
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    template = "core/partials/job.html" if request.htmx else "core/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})


@login_required
def job_result(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    if not job.result_file:
        raise Http404
    path = Path(job.result_file)
    root = Path(settings.MEDIA_ROOT).resolve()
    if not path.resolve().is_relative_to(root) or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"import-{job.pk}-errors.xlsx")


@login_required
def users(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "user"):
        raise Http404
    rows = services.managed_users(request.user).order_by("role", "username")
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(enterprise__name__icontains=q))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "core/users.html", {"page": page, "q": q})


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    from ansheng.core.forms import UserCreateForm

    if not access.can(request.user, "create", "user"):
        raise Http404
    form = UserCreateForm(request.POST or None, user=request.user)
    created = password = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = secrets.token_urlsafe(9)
        try:
            created = services.do_create_user(
                acting_user=request.user,
                password=password,
                check_password=False,
                **{k: v for k, v in data.items() if v not in (None, "")},
            )
        except AnshengError as exc:
            put_on_form(form, exc)
            password = None
    status = 422 if form.errors else 200
    return render(
        request, "core/user_form.html", {"form": form, "created": created, "password": password}, status=status
    )


@login_required
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    from ansheng.core.forms import UserEditForm

    target = services.managed_users(request.user).filter(pk=user_id).first()
    if target is None:
        raise Http404
    password = None
    form = UserEditForm(
        request.POST or None,
        initial={
            "full_name": target.full_name,
            "phone": target.phone,
            "email": target.email,
            "is_active": target.is_active,
        },
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "reset":
                _user, password = services.do_reset_password(acting_user=request.user, user_id=target.pk)
                form = UserEditForm(initial=form.initial)
            elif form.is_valid():
                services.do_update_user(acting_user=request.user, user_id=target.pk, changes=form.cleaned_data)
                messages.success(request, _("已保存"))
                return redirect("core:users")
        except AnshengError as exc:
            put_on_form(form, exc)
    return render(request, "core/user_edit.html", {"form": form, "target": target, "password": password})


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 404, "title": _("页面不存在或不在您的辖区内")}, status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 403, "title": _("无权访问")}, status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html", {"status": 500, "title": _("服务器出错，请稍后再试")}, status=500)


def healthz(request: HttpRequest) -> HttpResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
