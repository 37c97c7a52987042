"""Pages of risk grading and control: risk points and their structure, tasks, notices, the mobile page and the
regulators' overview. Every read goes through the access door; every write through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansheng.core import access
from ansheng.core.errors import AnshengError, PermissionDenied, put_on_form
from ansheng.domain.risk import method_table
from ansheng.risks import notices, services, stats
from ansheng.risks.choices import AnswerResult, Colour, Level, Method, OccurrenceStatus
from ansheng.risks.filtersets import ObjectFilterForm, apply_event_filters, apply_object_filters
from ansheng.risks.forms import AssessForm, EventForm, MeasureForm, ObjectForm, PostForm, TaskForm, UnitForm
from ansheng.risks.models import (
    AnalysisUnit,
    Answer,
    EnterpriseColour,
    Occurrence,
    Post,
    RiskEvent,
    RiskObject,
)


def _objects(request: HttpRequest) -> Any:
    return access.restrict(
        RiskObject.objects.select_related("enterprise", "enterprise__county"), request.user, "view", "risk"
    )


def _object(request: HttpRequest, pk: int, action: str = "view") -> RiskObject:
    return access.get_for(
        request.user, RiskObject.objects.select_related("enterprise", "enterprise__county"), pk, action, "risk"
    )


def _status(form: Any) -> int:
    return 422 if form.errors else 200


@login_required
def object_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "risk"):
        raise Http404
    filters = ObjectFilterForm(request.GET or None, user=request.user)
    params = filters.cleaned_data if filters.is_valid() else {}
    rows = apply_object_filters(_objects(request), params).order_by("enterprise__name", "code")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    scope = access.scope_for(request.user)
    return render(
        request,
        "risks/list.html",
        {
            "filters": filters,
            "page": page,
            "querystring": query.urlencode(),
            "can_create": access.can(request.user, "create", "risk") and scope.kind == access.ENTERPRISE,
            "is_enterprise": scope.kind == access.ENTERPRISE,
        },
    )


@login_required
def object_create(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "create", "risk") or not request.user.enterprise_id:
        raise PermissionDenied()
    form = ObjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.do_create_object(
                acting_user=request.user, enterprise_id=request.user.enterprise_id, data=form.cleaned_data
            )
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已登记风险点“%(name)s”，请添加分析单元和风险事件") % {"name": obj.name})
            return redirect("risks:object", pk=obj.pk)
    return render(request, "risks/form.html", {"form": form, "title": _("登记风险点")}, status=_status(form))


@login_required
def object_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _object(request, pk, "change")
    form = ObjectForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_object(acting_user=request.user, object_id=pk, changes=form.cleaned_data)
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("risks:object", pk=pk)
    return render(
        request,
        "risks/form.html",
        {"form": form, "title": _("编辑风险点"), "back": reverse("risks:object", args=[pk])},
        status=_status(form),
    )


@login_required
def object_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _object(request, pk)
    units = list(obj.units.prefetch_related("events__measures"))
    tasks = list(obj.tasks.prefetch_related("assignees").select_related("measure"))
    recent = (
        Occurrence.objects.filter(task__risk_object=obj, period_start__lte=timezone.now())
        .select_related("task", "completed_by")
        .order_by("-period_start")[:20]
    )
    return render(
        request,
        "risks/detail.html",
        {
            "obj": obj,
            "units": units,
            "tasks": tasks,
            "recent": recent,
            "posts": obj.posts.all(),
            "can_change": access.can(request.user, "change", "risk"),
            "can_task": access.can(request.user, "create", "inspection"),
            "unit_form": UnitForm(),
            "mobile_url": request.build_absolute_uri(reverse("risks:mobile", args=[obj.qr_token])),
        },
    )


@login_required
@require_POST
def unit_add(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _object(request, pk, "change")
    form = UnitForm(request.POST)
    if form.is_valid():
        try:
            services.do_add_unit(acting_user=request.user, object_id=obj.pk, data=form.cleaned_data)
        except AnshengError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("已添加分析单元"))
    else:
        messages.error(request, _("请填写分析单元名称"))
    return redirect("risks:object", pk=pk)


@login_required
def event_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access.get_for(request.user, AnalysisUnit.objects.select_related("risk_object"), unit_id, "change", "risk")
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.do_add_event(acting_user=request.user, unit_id=unit.pk, data=form.cleaned_data)
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已添加风险事件，请评估风险"))
            return redirect("risks:event", pk=event.pk)
    return render(
        request,
        "risks/form.html",
        {
            "form": form,
            "title": _("添加风险事件"),
            "subtitle": f"{unit.risk_object.name} · {unit.name}",
            "back": reverse("risks:object", args=[unit.risk_object_id]),
        },
        status=_status(form),
    )


def _event(request: HttpRequest, pk: int, action: str = "view") -> RiskEvent:
    return access.get_for(
        request.user,
        RiskEvent.objects.select_related("unit", "unit__risk_object", "enterprise", "enterprise__county"),
        pk,
        action,
        "risk",
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    return _event_page(request, event, AssessForm(initial={"method": Method.LEC}), MeasureForm())


def _event_page(request: HttpRequest, event: RiskEvent, assess_form: Any, measure_form: Any, status: int = 200) -> Any:
    return render(
        request,
        "risks/event.html",
        {
            "event": event,
            "obj": event.unit.risk_object,
            "assessments": event.assessments.select_related("assessed_by"),
            "measures": event.measures.all(),
            "can_change": access.can(request.user, "change", "risk"),
            "can_assess": access.can(request.user, "assess", "risk"),
            "assess_form": assess_form,
            "measure_form": measure_form,
            "tables": [method_table(m) for m in Method.values()],
        },
        status=status,
    )


@login_required
@require_POST
def event_assess(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, "assess")
    form = AssessForm(request.POST)
    if form.is_valid():
        try:
            services.do_assess_event(
                acting_user=request.user,
                event_id=event.pk,
                stage=form.cleaned_data["stage"],
                method=form.cleaned_data["method"],
                factors=form.factors(),
                note=form.cleaned_data["note"],
            )
        except AnshengError as exc:
            put_on_form(form, exc, renames={exc.field or "": f"{form.data.get('method')}_{exc.field}"})
        else:
            messages.success(request, _("已评估"))
            return redirect("risks:event", pk=pk)
    return _event_page(request, event, form, MeasureForm(), 422)


@login_required
@require_POST
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, "change")
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.do_add_measure(acting_user=request.user, event_id=event.pk, data=form.cleaned_data)
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已添加管控措施"))
            return redirect("risks:event", pk=pk)
    return _event_page(request, event, AssessForm(initial={"method": Method.LEC}), form, 422)


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _object(request, pk)
    if not access.can(request.user, "create", "inspection"):
        raise PermissionDenied()
    form = TaskForm(request.POST or None, risk_object=obj, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.do_create_task(acting_user=request.user, object_id=obj.pk, data=form.data_for_service())
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            services.generate_occurrences(task_ids=[created.pk])
            messages.success(request, _("已创建排查任务"))
            return redirect("risks:object", pk=pk)
    return render(
        request,
        "risks/form.html",
        {"form": form, "title": _("新建排查任务"), "subtitle": obj.name, "back": reverse("risks:object", args=[pk])},
        status=_status(form),
    )


# --- notices ------------------------------------------------------------------------------------------------------


@login_required
def object_card(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _object(request, pk)
    url = request.build_absolute_uri(reverse("risks:mobile", args=[obj.qr_token]))
    response = HttpResponse(notices.object_card_pdf(obj, url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="risk-card-{obj.pk}.pdf"'
    return response


@login_required
def post_card(request: HttpRequest, pk: int) -> HttpResponse:
    post = access.get_for(request.user, Post.objects.select_related("enterprise"), pk, "view", "risk")
    urls = {
        obj.pk: request.build_absolute_uri(reverse("risks:mobile", args=[obj.qr_token]))
        for obj in post.risk_objects.all()
    }
    response = HttpResponse(notices.post_card_pdf(post, urls), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="post-card-{post.pk}.pdf"'
    return response


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "risk"):
        raise Http404
    posts = access.restrict(Post.objects.select_related("enterprise"), request.user, "view", "risk").prefetch_related(
        "risk_objects"
    )
    form = None
    enterprise_id = request.user.enterprise_id
    if access.can(request.user, "create", "risk") and enterprise_id:
        form = PostForm(request.POST or None, enterprise_id=enterprise_id)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            data["risk_objects"] = [o.pk for o in data["risk_objects"]]
            try:
                services.do_save_post(acting_user=request.user, enterprise_id=enterprise_id, data=data)
            except AnshengError as exc:
                put_on_form(form, exc)
            else:
                messages.success(request, _("已保存岗位"))
                return redirect("risks:posts")
    elif request.method == "POST":
        raise PermissionDenied()
    return render(
        request,
        "risks/posts.html",
        {"posts": posts[:200], "form": form},
        status=422 if form is not None and form.errors else 200,
    )


# --- the mobile page ---------------------------------------------------------------------------------------------


def quick_report_url(obj: RiskObject) -> str | None:
    """The dangers app's 随手拍 page for this risk point, or None when that app is not installed."""
    try:
        return reverse("dangers:quick-report") + f"?object={obj.pk}"
    except NoReverseMatch:
        return None


@login_required
def mobile(request: HttpRequest, token: str) -> HttpResponse:
    rows = _objects(request).filter(qr_token=token)
    obj = rows.first()
    if obj is None:
        raise Http404
    now = timezone.now()
    due = [
        occurrence
        for occurrence in Occurrence.objects.filter(
            task__risk_object=obj, status=OccurrenceStatus.PENDING, period_start__lte=now, period_end__gt=now
        )
        .select_related("task")
        .order_by("period_end")
        if services.may_perform(request.user, occurrence)
    ]
    errors: dict[str, str] = {}
    if request.method == "POST":
        occurrence = next((o for o in due if str(o.pk) == request.POST.get("occurrence")), None)
        if occurrence is None:
            messages.error(request, _("该排查已完成或已过期"))
            return redirect("risks:mobile", token=token)
        answers = [
            {
                "result": request.POST.get(f"result-{i}") or "",
                "note": request.POST.get(f"note-{i}", ""),
                "photo": request.FILES.get(f"photo-{i}"),
            }
            for i in range(len(occurrence.task.checklist))
        ]
        try:
            done = services.do_complete_occurrence(
                acting_user=request.user, occurrence_id=occurrence.pk, answers=answers
            )
        except AnshengError as exc:
            errors[exc.field or ""] = str(exc.message)
        else:
            if done.findings:
                messages.success(request, _("排查已提交，发现隐患 %(n)s 项，已上报") % {"n": done.findings})
            else:
                messages.success(request, _("排查已提交"))
            return redirect("risks:mobile", token=token)
    events = list(
        RiskEvent.objects.filter(unit__risk_object=obj, is_active=True).prefetch_related("measures").order_by("unit_id")
    )
    return render(
        request,
        "risks/mobile.html",
        {
            "obj": obj,
            "events": events,
            "due": due,
            "errors": errors,
            "posted": request.POST if errors else {},
            "results": AnswerResult.choices(),
            "quick_report": quick_report_url(obj),
        },
        status=422 if errors else 200,
    )


@login_required
def answer_photo(request: HttpRequest, pk: int) -> HttpResponse:
    answer = access.get_for(request.user, Answer.objects.all(), pk, "view", "inspection")
    if not answer.photo:
        raise Http404
    handle = answer.photo.open("rb")
    head = handle.read(12)
    handle.seek(0)
    kind = next((ctype for ctype, magic in services.PHOTO_TYPES.items() if head.startswith(magic)), None)
    if kind is None:
        raise Http404
    response = FileResponse(handle, content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- regulators ---------------------------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(day=1)
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "risk_colour") or not access.scope_for(request.user).is_government:
        raise Http404
    county = request.GET.get("county") or None
    regions = access.visible_regions(request.user)
    if county and not regions.filter(code=county).exists():
        raise Http404
    start, end = _period(request)
    colours = access.restrict(EnterpriseColour.objects.all(), request.user, "view", "risk_colour")
    events = access.restrict(RiskEvent.objects.filter(is_active=True).exclude(level=""), request.user, "view", "risk")
    if county:
        colours = colours.filter(county_code__startswith=county)
        events = events.filter(enterprise__county__code__startswith=county)
    by_colour = {
        (row["county_code"], row["colour"]): row["n"]
        for row in colours.values("county_code", "colour").annotate(n=Count("pk"))
    }
    by_level = {
        (row["enterprise__county_id"], row["level"]): row["n"]
        for row in events.values("enterprise__county_id", "level").annotate(n=Count("pk"))
    }
    shown = regions.filter(code=county) if county else regions
    table = [
        {
            "county": region,
            "colours": [by_colour.get((region.code, c), 0) for c in Colour.values()],
            "levels": [by_level.get((region.code, lv), 0) for lv in Level.values()],
            "rates": stats.rates(request.user, region_code=region.code, start=start, end=end),
        }
        for region in shown.order_by("code")
    ]
    chart = {
        "counties": [row["county"].name for row in table],
        "colours": [
            {
                "name": _("%(colour)s色企业") % {"colour": label},
                "colour": value,
                "values": [row["colours"][i] for row in table],
            }
            for i, (value, label, _c) in enumerate(Colour.CHOICES)
        ],
        "months": [],
        "completion": [],
        "completion_label": _("排查任务完成率"),
    }
    month = timezone.localdate().replace(day=1)
    for back in range(5, -1, -1):
        first = _month_add(month, -back)
        last = _month_add(first, 1) - dt.timedelta(days=1)
        chart["months"].append(f"{first:%Y-%m}")
        figures = stats.rates(
            request.user, region_code=county, start=first, end=min(last, timezone.localdate()), coverage=False
        )
        value = figures["inspection_completion"]
        chart["completion"].append(None if value is None else round(value * 100, 1))
    red = (
        colours.filter(colour=Colour.RED)
        .select_related("enterprise", "enterprise__county")
        .order_by("enterprise__name")[:50]
    )
    return render(
        request,
        "risks/overview.html",
        {
            "table": table,
            "colour_choices": Colour.CHOICES,
            "level_choices": Level.CHOICES,
            "totals": stats.rates(request.user, region_code=county, start=start, end=end),
            "red": red,
            "county": county,
            "regions": regions,
            "start": start,
            "end": end,
            "chart": chart,
        },
    )


def _month_add(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "risk"):
        raise Http404
    rows = access.restrict(
        RiskEvent.objects.select_related("unit__risk_object", "enterprise", "enterprise__county"),
        request.user,
        "view",
        "risk",
    )
    rows = apply_event_filters(rows, request.GET).order_by("-assessed_at", "pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "risks/events.html",
        {"page": page, "querystring": query.urlencode(), "params": request.GET, "levels": Level.CHOICES},
    )


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Home: an enterprise user's inspections due now (with links to their mobile pages); a supervisor's enterprises
    by risk colour."""
    user = request.user
    if not access.can(user, "view", "risk"):
        return None
    scope = access.scope_for(user)
    if scope.kind == access.ENTERPRISE:
        now = timezone.now()
        open_now = (
            access.restrict(Occurrence.objects.all(), user, "view", "inspection")
            .filter(status=OccurrenceStatus.PENDING, period_start__lte=now, period_end__gt=now)
            .select_related("task", "task__risk_object")
            .order_by("period_end")
        )
        due = [o for o in open_now[:50] if services.may_perform(user, o)][:10]
        colour = EnterpriseColour.objects.filter(enterprise_id=user.enterprise_id).first()
        return {"order": 26, "template": "risks/partials/home_panel.html", "due": due, "colour": colour}
    rows = access.restrict(EnterpriseColour.objects.all(), user, "view", "risk_colour")
    counts = dict(rows.values_list("colour").annotate(n=Count("pk")))
    return {
        "order": 26,
        "template": "risks/partials/home_panel.html",
        "colours": [(value, label, c, counts.get(value, 0)) for value, label, c in Colour.CHOICES],
    }
