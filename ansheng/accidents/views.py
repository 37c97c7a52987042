"""Pages of the accident register: the list, the report form, one accident with its live reporting clock, and one
small page per step of its lifecycle. Every change goes through ``services``; every read through the access door."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ansheng.accidents import clock, services
from ansheng.accidents.choices import Sector, Status, StepState
from ansheng.accidents.filtersets import AccidentFilterForm, apply_filters
from ansheng.accidents.forms import (
    AppraisalForm,
    ApproveForm,
    ExtendForm,
    FiguresForm,
    FollowUpForm,
    InvestigationReportForm,
    MeasureFormSet,
    NoteForm,
    OpenInvestigationForm,
    ReasonForm,
    ReportForm,
    ResponsibilityFormSet,
    StepForm,
    VerifyForm,
    rows,
)
from ansheng.accidents.models import Accident
from ansheng.accidents.models.accidents import FIGURES, local_name
from ansheng.core import access
from ansheng.core.errors import AnshengError, PermissionDenied, put_on_form
from ansheng.domain import accidents as rules
from ansheng.domain import report_clock


def _posted(request: HttpRequest) -> Any:
    """The submitted data of a POST (even an empty one: a form of optional fields is still submitted), else None."""
    return request.POST if request.method == "POST" else None


def _visible(request: HttpRequest) -> Any:
    return access.restrict(Accident.objects.select_related("county"), request.user, "view", "accident")


def _require_view(request: HttpRequest) -> None:
    if not access.can(request.user, "view", "accident"):
        raise Http404


@login_required
def accident_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    visible = _visible(request)
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    filters = AccidentFilterForm(request.GET or None, user=request.user, years=years)
    params = filters.cleaned_data if filters.is_valid() else {}
    rows_ = apply_filters(visible, params).prefetch_related("steps").order_by("-occurred_at", "-id")
    page = Paginator(rows_, 30).get_page(request.GET.get("page"))
    now = timezone.now()
    items = [{"accident": a, "next": _next_step(a, now), "late": _is_late(a)} for a in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "items": items,
        "querystring": query.urlencode(),
        "can_report": access.can(request.user, "report", "accident"),
        "can_statistics": access.can(request.user, "view", "accident_statistics"),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "accidents/partials/table.html", context)
    return render(request, "accidents/list.html", context)


def _next_step(accident: Accident, now: Any) -> dict[str, Any] | None:
    pending = [s for s in accident.steps.all() if s.tracked and s.state == StepState.PENDING]
    if not pending or not accident.is_open:
        return None
    step = min(pending, key=lambda s: s.deadline)
    sender, recipient = step.labels()
    countdown = report_clock.countdown(step.deadline, now)
    return {
        "step": step,
        "sender": sender,
        "recipient": recipient,
        "countdown": countdown,
        "text": clock.countdown_text(countdown),
    }


def _is_late(accident: Accident) -> str:
    """ "late" when a link was reported late (迟报), "unreported" when the unit never reported, else ""."""
    steps = list(accident.steps.all())
    if any(s.late_seconds for s in steps):
        return "late"
    if any(s.state == StepState.NOT_REPORTED for s in steps):
        return "unreported"
    return ""


@login_required
def accident_report(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "report", "accident"):
        raise PermissionDenied()
    form = ReportForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            accident = services.do_report_accident(acting_user=request.user, data=form.service_data())
        except AnshengError as exc:
            put_on_form(form, exc, {"enterprise": "enterprise_code"})
        else:
            messages.success(request, _("事故快报已提交：%(number)s") % {"number": accident.number})
            return redirect("accidents:detail", pk=accident.pk)
    enterprise = getattr(request.user, "enterprise", None)
    return render(
        request, "accidents/report.html", {"form": form, "enterprise": enterprise}, status=422 if form.errors else 200
    )


def _detail_queryset() -> Any:
    return Accident.objects.select_related("county", "township", "enterprise", "reported_by").prefetch_related(
        "steps", "followups", "figure_changes", "responsibilities", "ordered_measures"
    )


@login_required
def accident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    accident = access.get_for(request.user, _detail_queryset(), pk, "view", "accident")
    now = timezone.now()
    investigation = getattr(accident, "investigation", None) if hasattr(accident, "investigation") else None
    user = request.user
    can = {
        action: access.can(user, action, "accident")
        for action in ("follow_up", "correct", "verify", "withdraw", "investigate", "close", "complete_measure")
    }
    within = accident.figures_frozen_at is None and now < accident.recount_until
    checks = services.four_checks(accident) if accident.status in {Status.APPROVED, Status.CLOSED} else None
    followup = clock.followup_countdown(accident, now)
    figures = [
        {
            "name": name,
            "label": Accident._meta.get_field(name).verbose_name,
            "provisional": getattr(accident, name),
            "confirmed": getattr(accident, f"confirmed_{name}"),
        }
        for name in FIGURES
    ]
    context = {
        "accident": accident,
        "investigation": investigation,
        "steps": clock.step_views(accident, user, now),
        "late": clock.late_summary(accident),
        "followup_countdown": followup,
        "followup_text": clock.countdown_text(followup) if followup else "",
        "recount_text": clock.countdown_text(report_clock.countdown(accident.recount_until, now)) if within else "",
        "recount_days": rules.recount_window_days(Sector.recount_kind(accident.sector)),
        "within_window": within,
        "figures": figures,
        "changes": list(accident.figure_changes.all()),
        "followups": list(accident.followups.all()),
        "can": can,
        "checks": [{"label": services.FOUR_LABELS[key], "ok": ok} for key, ok in checks.items()] if checks else None,
        "is_open": accident.is_open,
        "is_enterprise": user.role in {"enterprise_admin", "enterprise_staff"},
        "city_level": user.role in {"city_admin", "city_supervisor"},
        "grading": services._grading(accident),
        "authority_of": rules.authority,
        "investigation_plan": rules.investigation(rules.AccidentGrade(accident.grade), accident.occurred_at),
        "investigated_by": local_name(
            rules.investigation(rules.AccidentGrade(accident.grade), accident.occurred_at).investigated_by
        ),
        "now": now,
    }
    if request.htmx and request.GET.get("part") == "clock":  # type: ignore[attr-defined]
        return render(request, "accidents/partials/steps.html", context)
    return render(request, "accidents/detail.html", context)


# --- one page per step --------------------------------------------------------------------------------------------


def _action(
    request: HttpRequest,
    pk: int,
    *,
    permission: str,
    form: Any,
    title: Any,
    run: Callable[[Accident, dict[str, Any]], Any],
    done: Any,
    intro: Any = "",
    renames: dict[str, str] | None = None,
    template: str = "accidents/action.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    accident = access.get_for(request.user, Accident.objects.select_related("county"), pk, permission, "accident")
    if (
        request.method == "POST"
        and form.is_valid()
        and all(f.is_valid() for f in (extra or {}).values() if hasattr(f, "is_valid"))
    ):
        try:
            run(accident, form.cleaned_data)
        except AnshengError as exc:
            put_on_form(form, exc, renames)
        else:
            messages.success(request, str(done))
            return redirect("accidents:detail", pk=accident.pk)
    return render(
        request,
        template,
        {"form": form, "accident": accident, "title": title, "intro": intro, **(extra or {})},
        status=422 if form.errors else 200,
    )


@login_required
def record_step(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    accident = access.get_for(request.user, Accident.objects.all(), pk, "record_step", "accident")
    step = accident.steps.filter(pk=step_id).first()
    if step is None:
        raise Http404
    sender, recipient = step.labels()
    countdown = report_clock.countdown(step.deadline, timezone.now())
    return _action(
        request,
        pk,
        permission="record_step",
        form=StepForm(_posted(request)),
        title=_("记录上报：%(s)s → %(r)s") % {"s": sender, "r": recipient},
        intro=_("时限 %(deadline)s（%(left)s）。依据：%(clause)s")
        % {
            "deadline": timezone.localtime(step.deadline).strftime("%Y-%m-%d %H:%M"),
            "left": clock.countdown_text(countdown),
            "clause": step.clause,
        },
        run=lambda a, d: services.do_record_step(acting_user=request.user, accident_id=a.pk, step_id=step_id, **d),
        done=gettext_lazy("已记录上报"),
    )


@login_required
def correct_figures(request: HttpRequest, pk: int) -> HttpResponse:
    accident = access.get_for(request.user, Accident.objects.all(), pk, "correct", "accident")
    initial = {name: getattr(accident, name) for name in FIGURES}
    days = rules.recount_window_days(Sector.recount_kind(accident.sector))

    def run(a: Accident, data: dict[str, Any]) -> None:
        changes = {name: data[name] for name in FIGURES}
        services.do_correct_figures(acting_user=request.user, accident_id=a.pk, changes=changes, reason=data["reason"])

    return _action(
        request,
        pk,
        permission="correct",
        form=FiguresForm(_posted(request), initial=initial),
        title=_("更正伤亡人数和损失"),
        intro=_(
            "自事故发生之日起 %(days)s 日内伤亡人数变化的，重新确定事故等级（493号令 第十三条、第二十条）；"
            "期满后数字冻结。统计期截止：%(until)s。"
        )
        % {"days": days, "until": timezone.localtime(accident.recount_until).strftime("%Y-%m-%d %H:%M")},
        run=run,
        done=gettext_lazy("数字已更正"),
    )


@login_required
def add_followup(request: HttpRequest, pk: int) -> HttpResponse:
    form = FollowUpForm(_posted(request))

    def run(a: Accident, data: dict[str, Any]) -> None:
        services.do_add_followup(
            acting_user=request.user, accident_id=a.pk, text=data["text"], figures=form.figures(), at=data.get("at")
        )

    return _action(
        request,
        pk,
        permission="follow_up",
        form=form,
        title=_("续报"),
        intro=_(
            "一般、较大事故和较大涉险事故每日至少续报 1 次，重大、特别重大事故每日至少 2 次（21号令 第十一条）。"
            "伤亡人数有变化的，填写变化后的人数；不变的留空。"
        ),
        run=run,
        done=gettext_lazy("续报已提交"),
    )


@login_required
def end_response(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        permission="follow_up",
        form=NoteForm(_posted(request)),
        title=_("应急处置结束"),
        intro=_("记录后不再提示每日续报；统计期内伤亡人数变化仍须当日续报。"),
        run=lambda a, d: services.do_end_response(
            acting_user=request.user, accident_id=a.pk, at=d.get("at"), note=d["note"]
        ),
        done=gettext_lazy("已记录应急处置结束"),
    )


@login_required
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    accident = access.get_for(request.user, Accident.objects.all(), pk, "verify", "accident")
    initial = {
        "sector": accident.sector,
        "category": accident.category,
        "type_1986": accident.type_1986,
        "type_2025": accident.type_2025,
        "industry_code": accident.industry_code,
        "socially_significant": accident.socially_significant,
    }
    form = VerifyForm(_posted(request), initial=initial)
    return _action(
        request,
        pk,
        permission="verify",
        form=form,
        title=_("核实事故"),
        intro=_("确认属于生产安全事故，并核定统计行业领域和事故类型。"),
        run=lambda a, d: services.do_verify_accident(
            acting_user=request.user, accident_id=a.pk, changes=form.changes(), note=d.get("note", "")
        ),
        done=gettext_lazy("已核实"),
    )


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        permission="withdraw",
        form=ReasonForm(_posted(request)),
        title=_("撤销事故报告"),
        intro=_("经核实不属于生产安全事故或为重复报告的，撤销后不再纳入统计。"),
        run=lambda a, d: services.do_withdraw_accident(acting_user=request.user, accident_id=a.pk, reason=d["reason"]),
        done=gettext_lazy("已撤销"),
    )


@login_required
def open_investigation(request: HttpRequest, pk: int) -> HttpResponse:
    accident = access.get_for(request.user, Accident.objects.all(), pk, "investigate", "accident")
    plan = rules.investigation(rules.AccidentGrade(accident.grade), accident.occurred_at)
    return _action(
        request,
        pk,
        permission="investigate",
        form=OpenInvestigationForm(_posted(request), initial={"led_by": plan.investigated_by.zh}),
        title=_("成立事故调查组"),
        intro=_(
            "%(grade)s事故由%(who)s负责调查；调查报告应于 %(due)s 前提交（60 日，技术鉴定时间不计入，"
            "可延长一次，最长 60 日）。"
        )
        % {
            "grade": accident.grade_label,
            "who": local_name(plan.investigated_by),
            "due": timezone.localtime(plan.report_due).strftime("%Y-%m-%d") if plan.report_due else "",
        },
        run=lambda a, d: services.do_open_investigation(acting_user=request.user, accident_id=a.pk, **d),
        done=gettext_lazy("调查组已成立"),
    )


@login_required
def extend_investigation(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        permission="investigate",
        form=ExtendForm(_posted(request)),
        title=_("延长调查期限"),
        intro=_("经负责调查的人民政府批准，可以延长一次，延长期限最长不超过 60 日（493号令 第二十九条）。"),
        run=lambda a, d: services.do_extend_investigation(acting_user=request.user, accident_id=a.pk, **d),
        done=gettext_lazy("已延长调查期限"),
    )


@login_required
def record_appraisal(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        permission="investigate",
        form=AppraisalForm(_posted(request)),
        title=_("登记技术鉴定"),
        intro=_("技术鉴定所需时间不计入事故调查期限（493号令 第二十七条）。填写累计天数。"),
        run=lambda a, d: services.do_record_appraisal(acting_user=request.user, accident_id=a.pk, **d),
        done=gettext_lazy("已登记技术鉴定"),
    )


@login_required
def submit_report(request: HttpRequest, pk: int) -> HttpResponse:
    form = InvestigationReportForm(_posted(request))
    people_set = ResponsibilityFormSet(_posted(request), prefix="resp")
    measure_set = MeasureFormSet(_posted(request), prefix="measure")

    def run(a: Accident, data: dict[str, Any]) -> None:
        services.do_submit_investigation_report(
            acting_user=request.user,
            accident_id=a.pk,
            cause=data["cause"],
            nature=data["nature"],
            summary=data.get("summary", ""),
            document=data.get("document", ""),
            submitted_at=data.get("submitted_at"),
            confirmed_direct_loss=data.get("confirmed_direct_loss"),
            responsibilities=rows(people_set, ("party", "finding")),
            measures=rows(measure_set, ("description", "responsible")),
        )

    return _action(
        request,
        pk,
        permission="investigate",
        form=form,
        title=_("提交事故调查报告"),
        intro=_("调查报告应当包括事故原因和性质、责任认定及处理建议、整改和防范措施（493号令 第三十条）。"),
        run=run,
        done=gettext_lazy("调查报告已提交，待批复"),
        template="accidents/investigation_report.html",
        extra={"people_set": people_set, "measure_set": measure_set},
    )


@login_required
def return_report(request: HttpRequest, pk: int) -> HttpResponse:
    form = NoteForm(_posted(request))
    form.fields["at"].widget = form.fields["at"].hidden_widget()
    return _action(
        request,
        pk,
        permission="investigate",
        form=form,
        title=_("退回调查报告"),
        run=lambda a, d: services.do_return_investigation_report(
            acting_user=request.user, accident_id=a.pk, note=d["note"]
        ),
        done=gettext_lazy("已退回调查组"),
    )


@login_required
def approve_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        permission="investigate",
        form=ApproveForm(_posted(request)),
        title=_("批复调查报告"),
        intro=_(
            "重大、较大、一般事故自收到报告之日起 15 日内批复；特别重大事故 30 日内，可延长最长 30 日"
            "（493号令 第三十二条）。"
        ),
        run=lambda a, d: services.do_approve_investigation_report(acting_user=request.user, accident_id=a.pk, **d),
        done=gettext_lazy("已批复"),
    )


@login_required
def record_handling(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    return _action(
        request,
        pk,
        permission="investigate",
        form=NoteForm(_posted(request)),
        title=_("登记责任追究落实"),
        run=lambda a, d: services.do_record_handling(
            acting_user=request.user, accident_id=a.pk, responsibility_id=rid, note=d["note"], at=d.get("at")
        ),
        done=gettext_lazy("已登记处理结果"),
    )


@login_required
def record_education(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        permission="investigate",
        form=NoteForm(_posted(request)),
        title=_("登记警示教育"),
        intro=_("有关人员未受到教育不放过：记录组织的警示教育（时间、范围、人数）。"),
        run=lambda a, d: services.do_record_education(
            acting_user=request.user, accident_id=a.pk, note=d["note"], at=d.get("at")
        ),
        done=gettext_lazy("已登记警示教育"),
    )


@login_required
def complete_measure(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    form = NoteForm(_posted(request))
    form.fields["at"].widget = form.fields["at"].hidden_widget()
    return _action(
        request,
        pk,
        permission="complete_measure",
        form=form,
        title=_("登记整改落实"),
        run=lambda a, d: services.do_complete_measure(
            acting_user=request.user, accident_id=a.pk, measure_id=mid, note=d["note"]
        ),
        done=gettext_lazy("已登记落实，待监管部门核验"),
    )


@login_required
@require_POST
def verify_measure(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    accept = request.POST.get("accept", "1") == "1"
    services.do_verify_measure(
        acting_user=request.user,
        accident_id=pk,
        measure_id=mid,
        accept=accept,
        note=request.POST.get("note", "") or ("" if accept else _("未达到要求")),
    )
    messages.success(request, _("已核验") if accept else _("已退回"))
    return redirect("accidents:detail", pk=pk)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.do_close_accident(acting_user=request.user, accident_id=pk)
    except AnshengError as exc:
        if exc.status != 422:
            raise
        for error in exc.errors:
            messages.error(request, str(error.message))
    else:
        messages.success(request, _("已结案"))
    return redirect("accidents:detail", pk=pk)


# --- home -------------------------------------------------------------------------------------------------------


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The reports the user's level must still make, with their live countdowns, and this year's figures."""
    if not access.can(request.user, "view", "accident"):
        return None
    now = timezone.now()
    pending = clock.pending_steps(request.user, now, limit=8)
    year = timezone.localdate().year
    visible = _visible(request).filter(year=year, in_statistics=True).exclude(status=Status.WITHDRAWN)
    from django.db.models import Count, Sum

    from ansheng.accidents.statistics import stat_expr

    totals = visible.aggregate(n=Count("id"), deaths=Sum(stat_expr("deaths")))
    followups_due = _visible(request).filter(status__in=Status.OPEN, next_followup_due__lte=now).count()
    return {
        "order": 5,
        "template": "accidents/partials/home_panel.html",
        "script": "accidents/partials/clock_script.html",
        "pending": pending,
        "year": year,
        "accidents": totals["n"] or 0,
        "deaths": totals["deaths"] or 0,
        "followups_due": followups_due,
        "can_report": access.can(request.user, "report", "accident"),
    }


# --- statistics tables ------------------------------------------------------------------------------------------


def _statistics_context(request: HttpRequest) -> dict[str, Any]:
    from ansheng.accidents import statistics
    from ansheng.accidents.choices import Grade

    region = statistics.region_for(request.user, request.GET.get("region") or None)
    this_year = timezone.localdate().year
    try:
        start = int(request.GET.get("from") or this_year - 9)
        end = int(request.GET.get("to") or this_year)
    except ValueError:
        start, end = this_year - 9, this_year
    start, end = statistics.check_years(start, end, this_year)
    years = statistics.yearly(request.user, region, start, end)
    sectors = [code for code in Sector.values() if any(code in y["by_sector"] for y in years)]
    totals = {
        key: sum(y[key] for y in years)
        for key in (
            "accidents",
            "deaths",
            "missing",
            "serious_injuries",
            "minor_injuries",
            "direct_loss_10k_yuan",
            "large_risk",
        )
    }
    totals["by_grade"] = {k: sum(y["by_grade"][k] for y in years) for k in Grade.KEYS.values()}
    sector_rows = [
        {
            "code": code,
            "label": Sector.label(code),
            "cells": [y["by_sector"].get(code, {"accidents": 0, "deaths": 0}) for y in years],
            "accidents": sum(y["by_sector"].get(code, {}).get("accidents", 0) for y in years),
            "deaths": sum(y["by_sector"].get(code, {}).get("deaths", 0) for y in years),
        }
        for code in sectors
    ]
    regions = statistics.region_choices(request.user)
    return {
        "region": region,
        "start": start,
        "end": end,
        "years": years,
        "totals": totals,
        "grades": list(Grade.KEYS.values()),
        "sector_rows": sector_rows,
        "counties": statistics.by_county(request.user, region, start, end),
        "regions": regions,
        "chart": {
            "years": [y["year"] for y in years],
            "accidents": [y["accidents"] for y in years],
            "deaths": [y["deaths"] for y in years],
        },
    }


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "accident_statistics"):
        raise Http404
    return render(request, "accidents/statistics.html", _statistics_context(request))


@login_required
def statistics_export(request: HttpRequest) -> HttpResponse:
    from ansheng.accidents.excel import statistics_workbook

    if not access.can(request.user, "export", "accident_statistics"):
        raise PermissionDenied()
    context = _statistics_context(request)
    response = HttpResponse(
        statistics_workbook(context),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f"attachment; filename=accident-statistics-{context['region'].pk}-{context['start']}-{context['end']}.xlsx"
    )
    return response
