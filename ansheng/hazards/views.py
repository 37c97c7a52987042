from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansheng.core import access
from ansheng.core.errors import AnshengError, PermissionDenied, put_on_form
from ansheng.core.models import Region
from ansheng.domain import gb18218
from ansheng.enterprises.models import Enterprise
from ansheng.hazards import services
from ansheng.hazards.choices import Duty, Grade, RegistrationAction, RegistrationStatus
from ansheng.hazards.filtersets import SourceFilterForm, apply_filters
from ansheng.hazards.forms import (
    CheckForm,
    EvaluationForm,
    PersonForm,
    QuantityForm,
    RegistrationForm,
    SourceForm,
    SubstanceForm,
)
from ansheng.hazards.models import HazardSource


def _visible(request: HttpRequest) -> Any:
    return access.restrict(
        HazardSource.objects.select_related("enterprise", "enterprise__county"), request.user, "view", "hazard_source"
    )


def _source(request: HttpRequest, pk: int, action: str = "view") -> HazardSource:
    return access.get_for(
        request.user,
        HazardSource.objects.select_related("enterprise", "enterprise__county"),
        pk,
        action,
        "hazard_source",
    )


def grade_matrix(rows: Any) -> dict[str, Any]:
    """Major hazard sources by county and grade (the regulators' overview)."""
    counts = {
        (row["enterprise__county_id"], row["grade"]): row["n"]
        for row in rows.filter(is_major=True).values("enterprise__county_id", "grade").annotate(n=Count("id"))
    }
    counties = Region.objects.filter(code__in={county for county, _grade in counts}).order_by("code")
    grades = [(int(value), label, colour) for value, label, colour in Grade.CHOICES]
    table = [
        {
            "county": county,
            "cells": [counts.get((county.code, g), 0) for g, _l, _c in grades],
            "total": sum(counts.get((county.code, g), 0) for g, _l, _c in grades),
        }
        for county in counties
    ]
    totals = [sum(counts.get((county.code, g), 0) for county in counties) for g, _l, _c in grades]
    return {"grades": grades, "table": table, "totals": totals, "total": sum(totals)}


@login_required
def source_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "hazard_source"):
        raise Http404
    data = request.GET.copy() if request.GET else None
    if data is not None and "major" not in data and "submitted" not in data:
        data["major"] = "on"
    filters = SourceFilterForm(data or {"major": "on"}, user=request.user)
    params = filters.cleaned_data if filters.is_valid() else {"major": True}
    visible = _visible(request)
    rows = apply_filters(visible, params).order_by("grade", "enterprise__name", "code")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    scope = access.scope_for(request.user)
    context = {
        "filters": filters,
        "page": page,
        "querystring": query.urlencode(),
        "matrix": grade_matrix(visible) if scope.is_government else None,
        "can_create": access.can(request.user, "create", "hazard_source") and scope.kind == access.ENTERPRISE,
        "pending_review": visible.filter(registration_status=RegistrationStatus.SUBMITTED).count()
        if access.can(request.user, "review", "hazard_source")
        else 0,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "hazards/partials/table.html", context)
    return render(request, "hazards/list.html", context)


@login_required
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source(request, pk)
    today = timezone.localdate()
    persons = {p.duty: p for p in source.responsible_persons.select_related("user")}
    duties = [
        {
            "code": value,
            "label": label,
            "person": persons.get(value),
            "state": persons[value].due_state(today) if value in persons else None,
        }
        for value, label in Duty.choices()
    ]
    user = request.user
    monitoring = None
    if apps.is_installed("ansheng.monitoring"):
        from ansheng.monitoring.services import source_monitoring_summary

        monitoring = source_monitoring_summary(source)
    return render(
        request,
        "hazards/detail.html",
        {
            "source": source,
            "substances": list(source.substances.all()),
            "duties": duties,
            "checks": source.duty_checks.all()[:20],
            "evaluations": source.evaluations.all(),
            "latest_evaluation": source.latest_evaluation(),
            "steps": source.registration_steps.all()[:20],
            "can_change": access.can(user, "change", "hazard_source"),
            "can_check": access.can(user, "check", "hazard_source"),
            "can_submit": access.can(user, "submit", "hazard_source")
            and source.registration_status in services.REGISTRATION_TRANSITIONS[RegistrationAction.SUBMIT][0],
            "can_review": access.can(user, "review", "hazard_source"),
            "problems": services.submission_problems(source)
            if source.registration_status in services.REGISTRATION_TRANSITIONS[RegistrationAction.SUBMIT][0]
            else [],
            "substance_form": SubstanceForm(),
            "registration_form": RegistrationForm(),
            "monitoring": monitoring,
        },
    )


def _form_page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, context, status=status)


@login_required
def source_create(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "create", "hazard_source"):
        raise PermissionDenied()
    enterprise_id = request.user.enterprise_id or request.GET.get("enterprise") or request.POST.get("enterprise")
    if not enterprise_id:
        raise Http404
    enterprise = access.get_for(request.user, Enterprise, enterprise_id, "view", "enterprise")
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.do_create_source(
                acting_user=request.user, enterprise_id=enterprise.pk, data=form.cleaned_data
            )
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已登记单元“%(name)s”，请添加危险化学品") % {"name": source.name})
            return redirect("hazards:detail", pk=source.pk)
    return _form_page(
        request,
        "hazards/form.html",
        {"form": form, "enterprise": enterprise, "creating": True},
        422 if form.errors else 200,
    )


@login_required
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source(request, pk, "change")
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_source(
                acting_user=request.user, source_id=pk, changes=form.cleaned_data, reason=request.POST.get("reason", "")
            )
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("hazards:detail", pk=pk)
    return _form_page(
        request, "hazards/form.html", {"form": form, "source": source, "creating": False}, 422 if form.errors else 200
    )


@login_required
def substance_add(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source(request, pk, "change")
    form = SubstanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.do_add_substance(
                acting_user=request.user,
                source_id=pk,
                query=data["query"],
                no=data["no"],
                max_quantity_t=data["max_quantity_t"],
                beta_symbol=data["beta_symbol"],
                label=data["label"],
            )
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已添加“%(name)s”，单元已重新辨识分级") % {"name": item.name})
            return redirect("hazards:detail", pk=pk)
    return _form_page(
        request,
        "hazards/substance_form.html",
        {"form": form, "source": source, "names": _substance_names()},
        422 if form.errors else 200,
    )


def _substance_names() -> list[str]:
    return [s.name for s in gb18218.table1()] + [s.symbol or "" for s in gb18218.table2()]


@login_required
def substance_edit(request: HttpRequest, pk: int, substance_id: int) -> HttpResponse:
    source = _source(request, pk, "change")
    item = access.get_for(request.user, source.substances.all(), substance_id)
    form = QuantityForm(request.POST or None, initial={"max_quantity_t": item.max_quantity_t})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_substance(
                acting_user=request.user,
                source_id=pk,
                substance_id=substance_id,
                max_quantity_t=form.cleaned_data["max_quantity_t"],
            )
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已保存，单元已重新辨识分级"))
            return redirect("hazards:detail", pk=pk)
    return _form_page(
        request,
        "hazards/quantity_form.html",
        {"form": form, "source": source, "item": item},
        422 if form.errors else 200,
    )


@login_required
@require_POST
def substance_delete(request: HttpRequest, pk: int, substance_id: int) -> HttpResponse:
    services.do_remove_substance(acting_user=request.user, source_id=pk, substance_id=substance_id)
    messages.success(request, _("已删除，单元已重新辨识分级"))
    return redirect("hazards:detail", pk=pk)


@login_required
def person_edit(request: HttpRequest, pk: int, duty: str) -> HttpResponse:
    source = _source(request, pk, "change")
    if duty not in Duty.values():
        raise Http404
    person = source.responsible_persons.filter(duty=duty).first()
    form = PersonForm(request.POST or None, instance=person, enterprise_id=source.enterprise_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_set_responsible_person(
                acting_user=request.user, source_id=pk, duty=duty, data=form.cleaned_data
            )
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已保存包保责任人"))
            return redirect("hazards:detail", pk=pk)
    return _form_page(
        request,
        "hazards/person_form.html",
        {"form": form, "source": source, "duty_label": Duty.label(duty)},
        422 if form.errors else 200,
    )


@login_required
def check_add(request: HttpRequest, pk: int, duty: str) -> HttpResponse:
    source = _source(request, pk, "check")
    if duty not in Duty.values():
        raise Http404
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_record_duty_check(acting_user=request.user, source_id=pk, duty=duty, **form.cleaned_data)
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已记录包保检查"))
            return redirect("hazards:detail", pk=pk)
    return _form_page(
        request,
        "hazards/check_form.html",
        {"form": form, "source": source, "duty_label": Duty.label(duty)},
        422 if form.errors else 200,
    )


@login_required
def evaluation_add(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source(request, pk, "change")
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_add_evaluation_report(acting_user=request.user, source_id=pk, data=form.cleaned_data)
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已登记安全评估报告"))
            return redirect("hazards:detail", pk=pk)
    return _form_page(
        request, "hazards/evaluation_form.html", {"form": form, "source": source}, 422 if form.errors else 200
    )


@login_required
@require_POST
def registration(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    form = RegistrationForm(request.POST)
    form.is_valid()
    try:
        source = services.do_registration(
            acting_user=request.user,
            source_id=pk,
            action=action,
            note=form.cleaned_data.get("note", ""),
            registration_no=form.cleaned_data.get("registration_no", ""),
        )
    except AnshengError as exc:
        if exc.status == 404:
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("备案状态：%(status)s") % {"status": RegistrationStatus.label(source.registration_status)}
        )
    return redirect("hazards:detail", pk=pk)


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not access.can(request.user, "view", "hazard_source"):
        return None
    visible = _visible(request)
    major = visible.filter(is_major=True)
    if not major.exists() and access.scope_for(request.user).kind == access.ENTERPRISE and not visible.exists():
        return None
    by_grade = {row["grade"]: row["n"] for row in major.values("grade").annotate(n=Count("id"))}
    grades = [(value, label, colour, by_grade.get(int(value), 0)) for value, label, colour in Grade.CHOICES]
    return {
        "order": 30,
        "template": "hazards/partials/home_panel.html",
        "grades": grades,
        "total": sum(by_grade.values()),
        "pending_review": major.filter(registration_status=RegistrationStatus.SUBMITTED).count()
        if access.can(request.user, "review", "hazard_source")
        else 0,
        "unregistered": major.filter(~Q(registration_status=RegistrationStatus.REGISTERED)).count(),
    }
