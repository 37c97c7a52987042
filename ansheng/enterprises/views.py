from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansheng.core import access
from ansheng.core.errors import AnshengError, PermissionDenied, put_on_form
from ansheng.core.models import ObjectChange, Region
from ansheng.enterprises import services
from ansheng.enterprises.choices import Category
from ansheng.enterprises.excel import build_export, build_template
from ansheng.enterprises.filtersets import EnterpriseFilterForm, apply_filters
from ansheng.enterprises.forms import EnterpriseForm, ImportForm, LicenceForm
from ansheng.enterprises.models import Enterprise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible(request: HttpRequest) -> Any:
    return access.restrict(Enterprise.objects.select_related("county"), request.user, "view", "enterprise")


def _require_view(request: HttpRequest) -> None:
    if not access.can(request.user, "view", "enterprise"):
        raise Http404


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    filters = EnterpriseFilterForm(request.GET or None, user=request.user)
    params = filters.cleaned_data if filters.is_valid() else {}
    rows = apply_filters(_visible(request), params).order_by("name", "id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "querystring": query.urlencode(),
        "can_create": access.can(request.user, "create", "enterprise"),
        "can_import": access.can(request.user, "import", "enterprise"),
        "can_export": access.can(request.user, "export", "enterprise"),
        "today": timezone.localdate(),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "enterprises/partials/table.html", context)
    return render(request, "enterprises/list.html", context)


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access.get_for(
        request.user,
        Enterprise.objects.select_related("county", "township", "park").prefetch_related("licences", "regulators"),
        pk,
        "view",
        "enterprise",
    )
    changes = []
    if access.can(request.user, "view", "changelog"):
        changes = list(access.restrict(ObjectChange.objects.filter(enterprise_id=enterprise.pk), request.user)[:20])
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "warnings": enterprise.expiry_warnings(),
            "changes": changes,
            "can_change": access.can(request.user, "change", "enterprise"),
            "members": enterprise.members.filter(is_active=True)
            if access.scope_for(request.user).is_government or request.user.enterprise_id == enterprise.pk
            else [],
        },
    )


@login_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "create", "enterprise"):
        raise PermissionDenied()
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.do_create_enterprise(acting_user=request.user, data=form.service_data())
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已登记企业“%(name)s”") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request, "enterprises/form.html", {"form": form, "creating": True}, status=422 if form.errors else 200
    )


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access.get_for(request.user, Enterprise, pk, "change", "enterprise")
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_enterprise(
                acting_user=request.user,
                enterprise_id=enterprise.pk,
                changes=form.service_data(),
                reason=request.POST.get("reason", ""),
            )
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "enterprise": enterprise, "creating": False},
        status=422 if form.errors else 200,
    )


@login_required
def licence_edit(request: HttpRequest, pk: int, licence_id: int | None = None) -> HttpResponse:
    enterprise = access.get_for(request.user, Enterprise, pk, "change", "enterprise")
    licence = access.get_for(request.user, enterprise.licences.all(), licence_id) if licence_id else None
    form = LicenceForm(request.POST or None, instance=licence)
    if request.method == "POST" and form.is_valid():
        try:
            if licence is None:
                services.do_add_licence(acting_user=request.user, enterprise_id=pk, data=form.cleaned_data)
            else:
                services.do_update_licence(
                    acting_user=request.user, enterprise_id=pk, licence_id=licence.pk, changes=form.cleaned_data
                )
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("许可证已保存"))
            return redirect("enterprises:detail", pk=pk)
    return render(
        request, "enterprises/licence_form.html", {"form": form, "enterprise": enterprise, "licence": licence}
    )


@login_required
@require_POST
def licence_delete(request: HttpRequest, pk: int, licence_id: int) -> HttpResponse:
    services.do_remove_licence(acting_user=request.user, enterprise_id=pk, licence_id=licence_id)
    messages.success(request, _("许可证已删除"))
    return redirect("enterprises:detail", pk=pk)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "import", "enterprise"):
        raise PermissionDenied()
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job, rows = services.do_queue_import(
                acting_user=request.user,
                upload=form.cleaned_data["file"],
                update_existing=form.cleaned_data["update_existing"],
            )
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.info(request, _("已开始导入 %(rows)s 行") % {"rows": rows})
            return redirect("core:job", job_id=job.pk)
    return render(request, "enterprises/import.html", {"form": form}, status=422 if form.errors else 200)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(build_template(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=enterprise-import-template.xlsx"
    return response


@login_required
def export(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "export", "enterprise"):
        raise PermissionDenied()
    filters = EnterpriseFilterForm(request.GET or None, user=request.user)
    params = filters.cleaned_data if filters.is_valid() else {}
    rows = apply_filters(_visible(request), params).order_by("county_id", "name")
    response = HttpResponse(build_export(rows), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=enterprises-{timezone.localdate():%Y%m%d}.xlsx"
    return response


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The registry at a glance: enterprises by county and by regulatory category, within the jurisdiction."""
    if not access.can(request.user, "view", "enterprise"):
        return None
    rows = _visible(request)
    by_county = {row["county_id"]: row["n"] for row in rows.values("county_id").annotate(n=Count("id"))}
    counties = Region.objects.filter(code__in=by_county).order_by("code")
    by_category = {row["category"]: row["n"] for row in rows.values("category").annotate(n=Count("id"))}
    categories = [(value, label, by_category[value]) for value, label in Category.choices() if value in by_category]
    matrix = {
        (row["county_id"], row["category"]): row["n"]
        for row in rows.values("county_id", "category").annotate(n=Count("id"))
    }
    table = [
        {
            "county": county,
            "total": by_county[county.code],
            "cells": [matrix.get((county.code, value), 0) for value, _label, _n in categories],
        }
        for county in counties
    ]
    return {
        "order": 10,
        "template": "enterprises/partials/home_panel.html",
        "total": sum(by_county.values()),
        "categories": categories,
        "table": table,
        "warnings": apply_filters(rows, {"expiring": True}).count(),
    }
