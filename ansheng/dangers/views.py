"""Pages of hidden-danger governance: lists, the detail with the forms of the steps the user may take now, the mobile
quick report, the regulators' page of 重大 dangers, and photos through an access-checked view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ansheng.core import access
from ansheng.core.choices import Role
from ansheng.core.errors import AnshengError, NotFound, put_on_form
from ansheng.core.models import AuditEvent
from ansheng.dangers import forms as f
from ansheng.dangers import services
from ansheng.dangers.choices import ExtensionStatus, Grade, State
from ansheng.dangers.filtersets import DangerFilterForm, apply_filters
from ansheng.dangers.models import ExtensionRequest, HiddenDanger, today_shanghai
from ansheng.enterprises.models import Enterprise

NOUN = "hidden_danger"

EVENT_LABELS = {
    "danger.reported": gettext_lazy("上报"),
    "danger.graded": gettext_lazy("定级"),
    "danger.assigned": gettext_lazy("分派整改"),
    "danger.reassigned": gettext_lazy("重新分派"),
    "danger.started": gettext_lazy("开始整改"),
    "danger.submitted": gettext_lazy("提交验收"),
    "danger.accepted": gettext_lazy("验收通过"),
    "danger.rejected": gettext_lazy("验收退回"),
    "danger.closed": gettext_lazy("销号"),
    "danger.rectified_on_the_spot": gettext_lazy("立即整改销号"),
    "danger.evaluation_submitted": gettext_lazy("提交评估报告"),
    "danger.review_approved": gettext_lazy("审核同意销号"),
    "danger.review_refused": gettext_lazy("审核不予销号"),
    "danger.supervision_ordered": gettext_lazy("挂牌督办"),
    "danger.extension_requested": gettext_lazy("申请延期"),
    "danger.extension_answered": gettext_lazy("答复延期申请"),
    "danger.overdue": gettext_lazy("逾期升级"),
}


def _visible(request: HttpRequest) -> Any:
    return access.restrict(
        HiddenDanger.objects.select_related("enterprise", "county", "responsible"),
        request.user,
        "view",
        NOUN,
    )


def _summary(rows: Any, total: int | None = None) -> dict[str, int]:
    # The open dangers are a small share of the register: count them in one aggregate over the open states (read
    # from the partial index of the open dangers alone), and the closed ones apart, rather than scanning every
    # record with seven conditions. `total`, when the caller already counted `rows`, gives the closed ones as the
    # rest (every state but closed is open), saving a second count of the whole register.
    today = today_shanghai()
    summary = rows.filter(state__in=State.OPEN).aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(state__in=State.RUNNING, deadline__lt=today)),
        major_open=Count("pk", filter=Q(grade=Grade.MAJOR)),
        supervised=Count("pk", filter=Q(supervised=True)),
        to_grade=Count("pk", filter=Q(state=State.REPORTED)),
        to_accept=Count("pk", filter=Q(state=State.SUBMITTED)),
    )
    summary["closed"] = total - summary["open"] if total is not None else rows.filter(state=State.CLOSED).count()
    return summary


@login_required
def danger_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", NOUN):
        raise Http404
    filters = DangerFilterForm(request.GET or None, user=request.user)
    params = dict(filters.cleaned_data) if filters.is_valid() else {}
    if params.pop("mine", False):
        params["responsible"] = request.user.pk
    visible = _visible(request)
    try:
        rows = apply_filters(visible, params)
    except AnshengError:
        rows = visible.none()
    page = Paginator(rows.order_by("-reported_at", "-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "querystring": query.urlencode(),
        # Unfiltered, the page's count is the count of every visible danger.
        "summary": _summary(visible, total=page.paginator.count if not params else None),
        "can_report": access.can(request.user, "report", NOUN),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "dangers/partials/table.html", context)
    return render(request, "dangers/list.html", context)


@login_required
def major_list(request: HttpRequest) -> HttpResponse:
    """Regulators' view of 重大 dangers: open ones, with who is responsible, the deadline and how late it is."""
    if not access.can(request.user, "view", NOUN):
        raise Http404
    visible = _visible(request).filter(grade=Grade.MAJOR)
    filters = DangerFilterForm(request.GET or None, user=request.user)
    params = filters.cleaned_data if filters.is_valid() else {}
    params.pop("grade", None)
    if not params.get("state"):
        params["state"] = "open"
    rows = apply_filters(visible, params).order_by("deadline", "pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    today = today_shanghai()
    open_major = visible.filter(state__in=State.OPEN)
    counts = open_major.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(state__in=State.RUNNING, deadline__lt=today)),
        supervised=Count("pk", filter=Q(supervised=True)),
        reviewing=Count("pk", filter=Q(state=State.REVIEWING)),
    )
    counts["extensions"] = (
        access.restrict(ExtensionRequest.objects.all(), request.user)
        .filter(status=ExtensionStatus.PENDING, danger__grade=Grade.MAJOR)
        .count()
    )
    by_county = (
        open_major.values("county_id", "county__name")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(state__in=State.RUNNING, deadline__lt=today)))
        .order_by("county_id")
    )
    return render(
        request,
        "dangers/major.html",
        {
            "page": page,
            "counts": counts,
            "by_county": by_county,
            "overdue_only": params.get("overdue") in {True, "1", "on"},
            "supervised_only": params.get("supervised") in {True, "1", "on"},
            "filters": filters,
            "querystring": _querystring(request),
        },
    )


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- detail and the steps --------------------------------------------------------------------------------------------


def _danger(request: HttpRequest, pk: int) -> HiddenDanger:
    return access.get_for(request.user, _visible(request), pk, "view", NOUN)


def _pending_extension(danger: HiddenDanger) -> ExtensionRequest | None:
    return danger.extensions.filter(status=ExtensionStatus.PENDING).first()


def available_steps(danger: HiddenDanger, user: Any) -> list[str]:
    """The steps this user may take now (the services check again; this only decides which forms to show)."""

    def can(action: str) -> bool:
        return access.can(user, action, NOUN)

    steps = []
    state = danger.state
    in_enterprise = user.role in Role.ENTERPRISE and user.enterprise_id == danger.enterprise_id
    if state in {State.REPORTED, State.GRADED} and can("grade"):
        steps.append("grade")
    if state in {State.REPORTED, State.GRADED} and danger.grade != Grade.MAJOR and in_enterprise:
        steps.append("on_the_spot")
    if state in {State.GRADED, State.ASSIGNED} and can("assign"):
        steps.append("assign")
    if state == State.ASSIGNED and danger.responsible_id == user.pk:
        steps.append("start")
    if state == State.RECTIFYING and danger.responsible_id == user.pk:
        steps.append("submit")
    if state == State.SUBMITTED and can("accept") and danger.rectifier_id != user.pk:
        steps += ["accept", "reject"]
    if state == State.ACCEPTED and can("close"):
        steps.append("evaluation" if danger.grade == Grade.MAJOR else "close")
    if state == State.REVIEWING and can("supervise"):
        steps.append("review")
    major_open = danger.grade == Grade.MAJOR and state in State.OPEN - {State.REPORTED}
    if major_open and not danger.supervised and can("supervise"):
        steps.append("supervision")
    pending = _pending_extension(danger)
    if (
        state in State.RUNNING
        and pending is None
        and in_enterprise
        and (user.pk == danger.responsible_id or user.role == Role.ENTERPRISE_ADMIN)
    ):
        steps.append("extension")
    if pending is not None:
        if danger.grade == Grade.MAJOR:
            if can("supervise"):
                steps.append("answer")
        elif user.role == Role.ENTERPRISE_ADMIN and in_enterprise and user.pk != pending.requested_by_id:
            steps.append("answer")
    return steps


FORMS: dict[str, Callable[..., Any]] = {
    "grade": f.GradeForm,
    "on_the_spot": f.SubmitForm,
    "assign": f.AssignForm,
    "start": f.NoteForm,
    "submit": f.SubmitForm,
    "accept": f.NoteForm,
    "reject": f.ReasonForm,
    "close": f.NoteForm,
    "evaluation": f.EvaluationForm,
    "review": f.ReviewForm,
    "supervision": f.SupervisionForm,
    "extension": f.ExtensionForm,
    "answer": f.AnswerForm,
}

STEP_TITLES = {
    "grade": gettext_lazy("定级"),
    "on_the_spot": gettext_lazy("立即整改销号"),
    "assign": gettext_lazy("分派整改"),
    "start": gettext_lazy("开始整改"),
    "submit": gettext_lazy("提交整改验收"),
    "accept": gettext_lazy("验收通过"),
    "reject": gettext_lazy("验收退回"),
    "close": gettext_lazy("销号"),
    "evaluation": gettext_lazy("提交治理评估报告"),
    "review": gettext_lazy("销号审核"),
    "supervision": gettext_lazy("挂牌督办"),
    "extension": gettext_lazy("申请延期"),
    "answer": gettext_lazy("答复延期申请"),
}


def _make_form(step: str, danger: HiddenDanger, data: Any = None, files: Any = None) -> Any:
    cls = FORMS[step]
    kwargs = {"danger": danger} if step == "assign" else {}
    return cls(data, files, prefix=step, **kwargs) if data is not None else cls(prefix=step, **kwargs)


def _run_step(step: str, request: HttpRequest, danger: HiddenDanger, data: dict[str, Any], form: Any) -> str:
    """Call the step's service; returns the success message."""
    user, pk = request.user, danger.pk
    if step == "grade":
        services.do_grade_danger(
            acting_user=user,
            danger_id=pk,
            grade=data["grade"],
            note=data["note"],
            cause=data["cause"],
            harm=data["harm"],
        )
    elif step == "on_the_spot":
        services.do_rectify_on_the_spot(
            acting_user=user, danger_id=pk, description=data["description"], photos=data["photos"]
        )
    elif step == "assign":
        services.do_assign_danger(
            acting_user=user,
            danger_id=pk,
            responsible_id=data["responsible"],
            deadline=data["deadline"],
            measures=data["measures"],
            plan=form.plan() if danger.grade == Grade.MAJOR else None,
        )
    elif step == "start":
        services.do_start_rectification(acting_user=user, danger_id=pk)
    elif step == "submit":
        services.do_submit_rectification(
            acting_user=user, danger_id=pk, description=data["description"], photos=data["photos"]
        )
    elif step == "accept":
        services.do_accept_rectification(acting_user=user, danger_id=pk, note=data["note"])
    elif step == "reject":
        services.do_reject_rectification(acting_user=user, danger_id=pk, reason=data["reason"])
    elif step == "close":
        services.do_close_danger(acting_user=user, danger_id=pk, note=data["note"])
    elif step == "evaluation":
        services.do_submit_evaluation(
            acting_user=user, danger_id=pk, agency=data["agency"], conclusion=data["conclusion"]
        )
    elif step == "review":
        services.do_review_closure(acting_user=user, danger_id=pk, approve=data["approve"], note=data["note"])
    elif step == "supervision":
        services.do_order_supervision(acting_user=user, danger_id=pk, due=data["due"], note=data["note"])
    elif step == "extension":
        services.do_request_extension(
            acting_user=user, danger_id=pk, new_deadline=data["new_deadline"], reason=data["reason"]
        )
    elif step == "answer":
        pending = _pending_extension(danger)
        if pending is None:
            raise NotFound()
        services.do_answer_extension(
            acting_user=user, extension_id=pending.pk, approve=data["approve"], note=data["note"]
        )
    return _("已完成：%(step)s") % {"step": STEP_TITLES[step]}


def _detail_context(request: HttpRequest, danger: HiddenDanger, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    steps = available_steps(danger, request.user)
    forms = {step: (bound or {}).get(step) or _make_form(step, danger) for step in steps}
    timeline = AuditEvent.objects.filter(object_type="dangers.hiddendanger", object_id=str(danger.pk)).order_by("seq")
    return {
        "danger": danger,
        "forms": [(step, STEP_TITLES[step], forms[step]) for step in steps],
        "before_photos": [p for p in danger.photos.all() if p.kind == "before"],
        "after_photos": [p for p in danger.photos.all() if p.kind == "after"],
        "extensions": list(danger.extensions.select_related("requested_by", "answered_by")),
        "timeline": [(event, EVENT_LABELS.get(event.event, event.event)) for event in timeline],
    }


@login_required
def danger_detail(request: HttpRequest, pk: int) -> HttpResponse:
    danger = _danger(request, pk)
    return render(request, "dangers/detail.html", _detail_context(request, danger))


@login_required
@require_POST
def step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    danger = _danger(request, pk)
    if step not in FORMS:
        raise Http404
    form = _make_form(step, danger, request.POST, request.FILES)
    status = 422
    if form.is_valid():
        try:
            message = _run_step(step, request, danger, form.cleaned_data, form)
        except AnshengError as exc:
            put_on_form(form, exc)
            status = exc.status
        else:
            messages.success(request, message)
            return redirect("dangers:detail", pk=pk)
    danger = _danger(request, pk)
    context = _detail_context(request, danger, {step: form})
    if step not in {name for name, _title, _form in context["forms"]}:
        context["forms"].insert(0, (step, STEP_TITLES[step], form))
    context["failed_step"] = step
    return render(request, "dangers/detail.html", context, status=status)


# --- reporting -------------------------------------------------------------------------------------------------------


def _risk_object_label(object_id: str) -> str:
    """The risk point a QR code led to: its id carried into the report (the risks app may not be installed)."""
    if not object_id.isdigit() or not apps.is_installed("ansheng.risks"):
        return ""
    return _("风险点 #%(id)s") % {"id": object_id}


@login_required
def quick_report(request: HttpRequest) -> HttpResponse:
    """随手拍 on a phone: a photo from the camera, a description, the place, optionally the position."""
    if not access.can(request.user, "report", NOUN):
        raise Http404
    user = request.user
    enterprises = (
        None
        if user.role in Role.ENTERPRISE
        else access.restrict(Enterprise.objects.only("pk", "name"), user).order_by("name")
    )
    object_id = (request.GET.get("object") or request.POST.get("object") or "").strip()
    origin_label = _risk_object_label(object_id)
    if request.method == "POST":
        form = f.ReportForm(request.POST, request.FILES, user=user, enterprises=enterprises)
        if form.is_valid():
            data = form.cleaned_data
            stage = "report"
            try:
                with services.discarding_files_on_error(), transaction.atomic():
                    danger = services.do_report_danger(
                        acting_user=user,
                        enterprise_id=data.get("enterprise") or user.enterprise_id,
                        source=data["source"],
                        title=data["title"],
                        description=data["description"],
                        location=data["location"] or origin_label,
                        photos=data["photos"],
                        latitude=data["latitude"],
                        longitude=data["longitude"],
                        origin_label=origin_label,
                    )
                    if data.get("fixed"):
                        stage = "fixed"
                        services.do_rectify_on_the_spot(
                            acting_user=user,
                            danger_id=danger.pk,
                            description=data["fixed_note"] or _("已当场整改"),
                            photos=data["after_photos"],
                        )
            except AnshengError as exc:
                put_on_form(
                    form,
                    exc,
                    renames={"photos": "after_photos", "description": "fixed_note"} if stage == "fixed" else None,
                )
            else:
                messages.success(request, _("隐患已上报，编号 %(number)s") % {"number": danger.number})
                return redirect("dangers:detail", pk=danger.pk)
    else:
        form = f.ReportForm(
            user=user,
            enterprises=enterprises,
            initial={"location": origin_label, "enterprise": request.GET.get("enterprise", "")},
        )
    return render(
        request,
        "dangers/quick_report.html",
        {"form": form, "object_id": object_id if origin_label else "", "origin_label": origin_label},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo, only to those who may see its danger (404 across jurisdictions)."""
    try:
        item = services.photo_for(request.user, pk)
    except NotFound:
        raise Http404 from None
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- statistics ------------------------------------------------------------------------------------------------------


def _int(value: Any, default: int | None, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


def _stats_scope(request: HttpRequest) -> tuple[str | None, int | None, str]:
    """(county filter, enterprise filter, subject name) of a statistics request, within the user's jurisdiction."""
    from ansheng.core.models import Region

    user = request.user
    scope = access.scope_for(user)
    if scope.kind == access.ENTERPRISE:
        enterprise = Enterprise.objects.filter(pk=scope.enterprise_id).first()
        return None, scope.enterprise_id, enterprise.name if enterprise else ""
    enterprise_id = _int(request.GET.get("enterprise"), None, 1, 2**62)
    if enterprise_id is not None:
        enterprise = access.get_for(user, Enterprise.objects.all(), enterprise_id, "view", "enterprise")
        return None, enterprise.pk, enterprise.name
    county = (request.GET.get("county") or "").strip()
    if county:
        region = access.visible_regions(user).filter(code=county).first()
        if region is None:
            raise Http404
        return region.code, None, region.name
    own = Region.objects.filter(code=user.region_id).first() if user.region_id else None
    return None, None, own.name if own else _("全市")


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    from ansheng.dangers import statistics

    if not access.can(request.user, "view", NOUN):
        raise Http404
    county, enterprise_id, subject = _stats_scope(request)
    today = today_shanghai()
    year = _int(request.GET.get("year"), today.year, 2000, 2100) or today.year
    quarter = _int(request.GET.get("quarter"), None, 1, 4)
    from ansheng.domain.hidden_dangers import period_bounds

    start, end = period_bounds(year, quarter)
    group = request.GET.get("group") if request.GET.get("group") in statistics.GROUPS else None
    scope = access.scope_for(request.user)
    if group is None:
        group = "enterprise" if scope.kind == access.ENTERPRISE or county or enterprise_id else "county"
    if scope.kind == access.ENTERPRISE:
        group = None
    rates = statistics.rates(
        request.user, start=start, end=max(start, min(end, today)), region_code=county, enterprise_id=enterprise_id
    )
    chart = statistics.trend(
        request.user, start=start, end=max(start, min(end, today)), region_code=county, enterprise_id=enterprise_id
    )
    table = (
        statistics.rates_by(request.user, group, start=start, end=min(end, today), region_code=county)
        if group and not enterprise_id
        else []
    )
    risks = rates.pop("risks")
    query = request.GET.copy()
    query.pop("group", None)
    return render(
        request,
        "dangers/stats.html",
        {
            "subject": subject,
            "year": year,
            "quarter": quarter,
            "start": start,
            "end": end,
            "years": list(range(today.year, today.year - 6, -1)),
            "rates": [
                (statistics.RATE_LABELS[key], rates[key], statistics.RATE_HINTS[key]) for key in statistics.RATE_KEYS
            ],
            "risks": _risk_rows(risks),
            "chart": chart,
            "group": group,
            "table": table,
            "counties": access.visible_regions(request.user) if scope.is_government else [],
            "county": county,
            "enterprise_id": enterprise_id,
            "export_query": query.urlencode(),
        },
    )


def _risk_rows(risks: Any) -> list[tuple[str, Any]]:
    """The risks app's rates, shown as they come (label and value, or a number)."""
    if not risks:
        return []
    rows = []
    for key, value in risks.items():
        if isinstance(value, dict):
            label = value.get("label") or key
            shown = value.get("percent", value.get("value"))
        else:
            label = getattr(value, "label", key)
            shown = getattr(value, "percent", value)
        rows.append((str(label), shown))
    return rows


@login_required
def stats_report(request: HttpRequest, fmt: str) -> HttpResponse:
    """The quarterly or annual statistics form (16号令 第十四条) as .xlsx or .pdf."""
    from ansheng.dangers import reports, statistics

    if not access.can(request.user, "export", NOUN) or fmt not in {"xlsx", "pdf"}:
        raise Http404
    county, enterprise_id, subject = _stats_scope(request)
    today = today_shanghai()
    year = _int(request.GET.get("year"), today.year, 2000, 2100) or today.year
    quarter = _int(request.GET.get("quarter"), None, 1, 4)
    report = statistics.period_report(
        request.user, year=year, quarter=quarter, enterprise_id=enterprise_id, region_code=county
    )
    name = f"hidden-dangers-{year}" + (f"-Q{quarter}" if quarter else "")
    if fmt == "xlsx":
        body = reports.workbook(report, subject)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = reports.pdf(report, subject)
        content_type = "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Home page: the user's own tasks (to rectify, to accept) and the jurisdiction's open and overdue dangers."""
    if not access.can(request.user, "view", NOUN):
        return None
    visible = _visible(request)
    summary = _summary(visible)
    mine = visible.filter(responsible=request.user, state__in=State.RUNNING - {State.SUBMITTED}).count()
    if not summary["open"] and not mine and not summary["closed"]:
        return None
    return {"order": 25, "template": "dangers/partials/home_panel.html", "summary": summary, "mine": mine}
