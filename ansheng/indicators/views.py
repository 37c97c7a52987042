"""Pages: the indicator dashboard, one indicator with its drill-down, the plans, the statistics inputs, and the
monthly / quarterly / annual safety-statistics reports (Excel and PDF)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ansheng.accidents import statistics
from ansheng.accidents.models import Accident
from ansheng.core import access
from ansheng.core.errors import AnshengError, PermissionDenied
from ansheng.core.models import Region
from ansheng.domain.plans import PlanError
from ansheng.indicators import evaluate, excel, plans, reports, services
from ansheng.indicators.catalogue import items
from ansheng.indicators.models import StatInput

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS = {
    "attained": (gettext_lazy("已完成"), "green"),
    "missed": (gettext_lazy("未完成"), "red"),
    "on_track": (gettext_lazy("进度正常"), "teal"),
    "off_track": (gettext_lazy("进度滞后"), "orange"),
    "no_data": (gettext_lazy("缺少数据"), "grey"),
    "not_started": (gettext_lazy("未开始"), "grey"),
}


def _require(request: HttpRequest, noun: str, action: str = "view") -> None:
    if not access.can(request.user, action, noun):
        raise Http404


def _plan_and_region(request: HttpRequest) -> tuple[Any, Region, int | None]:
    loaded = plans.all_plans()
    if not loaded:
        raise Http404
    code = request.GET.get("plan") or ""
    plan = plans.get_plan(code) if code else (plans.current_plan(timezone.localdate().year) or loaded[0].plan)
    region = statistics.region_for(request.user, request.GET.get("region") or None, noun="indicator")
    as_of = None
    if request.GET.get("as_of"):
        try:
            as_of = int(request.GET["as_of"])
        except ValueError:
            as_of = None
        if as_of is not None and not plan.start - 1 <= as_of <= plan.end:
            as_of = None
    return plan, region, as_of


def _card(row: evaluate.Row) -> dict[str, Any]:
    label, colour = STATUS[row.result.status]
    return {"row": row, "data": row.as_dict(), "status_label": label, "colour": colour, "progress": row.progress}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request, "indicator")
    plan, region, as_of = _plan_and_region(request)
    result = evaluate.evaluate_plan(request.user, plan, region, as_of)
    cards = [_card(row) for row in result.rows]
    county_values: dict[str, list[dict[str, Any]]] = {}
    for row in result.rows:
        county_values[str(row.indicator.no)] = [
            {
                "name": r.region.name,
                "code": r.region.pk,
                "value": r.rounded(r.result.actual),
                "baseline": r.rounded(r.result.baseline),
                "status": r.result.status,
            }
            for r in evaluate.by_county(request.user, result, row.indicator)
        ]
    chart = {
        "years": evaluate.plan_years(plan),
        "plan": {"start": plan.start, "end": plan.end, "baseline_year": plan.baseline_year},
        "indicators": [
            {
                "no": c["data"]["no"],
                "name": c["data"]["name"],
                "unit": c["data"]["unit"],
                "yearly": c["data"]["yearly"],
                "target": c["data"]["target"],
                "baseline": c["data"]["baseline"],
                "compare": c["data"]["compare"],
                "status": c["data"]["status"],
                "progress": None if c["progress"] is None else round(c["progress"] * 100, 1),
                "bar": None if c["progress"] is None else max(-100.0, min(200.0, round(c["progress"] * 100, 1))),
            }
            for c in cards
        ],
        "counties": county_values,
    }
    counts = {key: sum(1 for c in cards if c["row"].result.status == key) for key in STATUS}
    this_year = None
    if access.can(request.user, "view", "accident"):
        from ansheng.accidents.dashboard import accident_figures

        this_year = accident_figures(request.user, region.pk)
    context = {
        "plan": plan,
        "plans": [p.plan for p in plans.all_plans()],
        "region": region,
        "regions": statistics.region_choices(request.user),
        "as_of": result.as_of,
        "as_of_choices": list(range(plan.start - 1, min(plan.end, timezone.localdate().year) + 1)),
        "cards": cards,
        "counts": [(STATUS[k][0], STATUS[k][1], counts[k]) for k in STATUS if counts[k]],
        "chart": chart,
        "this_year": this_year,
        "problems": plans.problems() if request.user.role == "city_admin" else [],
    }
    return render(request, "indicators/dashboard.html", context)


@login_required
def indicator_detail(request: HttpRequest, code: str, no: int) -> HttpResponse:
    _require(request, "indicator")
    plan = plans.get_plan(code)
    try:
        indicator = plan.indicator(no)
    except PlanError:
        raise Http404 from None
    region = statistics.region_for(request.user, request.GET.get("region") or None, noun="indicator")
    as_of = None
    if (request.GET.get("as_of") or "").isdigit():
        as_of = int(request.GET["as_of"])
        as_of = as_of if plan.start - 1 <= as_of <= plan.end else None
    result = evaluate.evaluate_plan(request.user, plan, region, as_of)
    row = result.row(no)
    years = evaluate.plan_years(plan)
    table = []
    for year in years:
        future = year > result.as_of  # "as of" a year: the later years are not known yet
        table.append(
            {
                "year": year,
                "numerator": None if future else row.numerators.get(year),
                "denominator": None if future else (row.denominators or {}).get(year),
                "value": None if future else row.result.yearly.get(year),
                "phase": "baseline" if year in plan.baseline_years or year == plan.baseline_year else "plan",
                "future": future,
            }
        )
    county_rows = [_card(r) for r in evaluate.by_county(request.user, result, indicator)]
    facts = evaluate.contributing(result, indicator, years)
    by_id = {
        a.pk: a
        for a in access.restrict(Accident.objects.select_related("county"), request.user, "view", "accident").filter(
            pk__in=[f.id for f in facts]
        )
    }
    drill = [{"fact": f, "accident": by_id.get(f.id)} for f in facts]
    if indicator.compare == "period_total":
        baseline_years = set(plan.baseline_years)
        actual_years = set(range(plan.start, result.as_of + 1))
    else:
        baseline_years = {plan.baseline_year}
        actual_years = {row.result.actual_year} if row.result.actual_year else set()
    baseline_drill = [d for d in drill if d["fact"].year in baseline_years]
    plan_drill = [d for d in drill if d["fact"].year in actual_years]
    context = {
        "plan": plan,
        "indicator": indicator,
        "region": region,
        "as_of": result.as_of,
        "card": _card(row),
        "table": table,
        "counties": county_rows,
        "baseline_drill": baseline_drill,
        "plan_drill": plan_drill,
        "baseline_years": sorted(baseline_years),
        "actual_years": sorted(actual_years),
        "numerator_places": _places(indicator.numerator),
        "denominator_places": _places(indicator.denominator),
        "inputs": evaluate.input_rows(result, indicator),
        "where": _describe(indicator.numerator),
        "chart": {
            "years": years,
            "values": [row.rounded(row.result.yearly.get(y)) if y <= result.as_of else None for y in years],
            "target": row.rounded(row.result.target),
            "baseline": row.rounded(row.result.baseline),
            "compare": indicator.compare,
            "counties": [{"name": c["row"].region.name, "value": c["data"]["actual"]} for c in county_rows],
        },
    }
    return render(request, "indicators/indicator.html", context)


def _places(quantity: Any) -> int:
    if quantity is None:
        return 0
    if quantity.input:
        item = items().get(quantity.input)
        return item.decimals if item else 2
    return 2 if quantity.accidents == "direct_loss" else 0


def _describe(quantity: Any) -> str:
    from ansheng.accidents.choices import Grade, Sector

    if quantity is None:
        return ""
    if quantity.input:
        item = items().get(quantity.input)
        return _("统计基础数据：%(name)s") % {"name": _(item.name) if item else quantity.input}
    where = quantity.where
    parts = []
    if where.sectors is not None:
        parts.append("、".join(str(Sector.label(s)) for s in sorted(where.sectors)))
    else:
        parts.append(_("全部行业领域"))
    if where.exclude_sectors:
        parts.append(_("不含 %(s)s") % {"s": "、".join(str(Sector.label(s)) for s in sorted(where.exclude_sectors))})
    if where.min_grade > 1:
        parts.append(_("%(g)s及以上事故") % {"g": Grade.label(str(where.min_grade))})
    if where.min_deaths:
        parts.append(_("死亡 %(n)s 人以上") % {"n": where.min_deaths})
    if where.min_serious_injuries:
        parts.append(_("重伤 %(n)s 人以上") % {"n": where.min_serious_injuries})
    if where.large_risk is not None:
        parts.append(_("仅较大涉险事故") if where.large_risk else _("不含较大涉险事故"))
    from ansheng.domain.plans import ACCIDENT_MEASURES

    return _("事故统计：%(what)s（%(where)s）") % {
        "what": ACCIDENT_MEASURES[quantity.accidents][0],
        "where": "，".join(parts),
    }


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    _require(request, "indicator")
    return render(
        request,
        "indicators/plans.html",
        {
            "plans": plans.all_plans(),
            "problems": plans.problems(),
            "plans_dir": getattr(settings, "PLANS_DIR", ""),
        },
    )


# --- statistics inputs ------------------------------------------------------------------------------------------


def _years(request: HttpRequest) -> list[int]:
    this_year = timezone.localdate().year
    try:
        start = int(request.GET.get("from") or this_year - 9)
        end = int(request.GET.get("to") or this_year)
    except ValueError:
        start, end = this_year - 9, this_year
    start, end = statistics.check_years(start, end, this_year)
    return list(range(start, end + 1))


@login_required
def inputs_page(request: HttpRequest) -> HttpResponse:
    _require(request, "statistics_input")
    regions = statistics.region_choices(request.user)
    code = request.GET.get("region") or (regions[0].pk if regions else "")
    region = next((r for r in regions if r.pk == code), None)
    if region is None:
        raise Http404
    years = _years(request)
    stored = {(row.item, row.year): row for row in StatInput.objects.filter(region=region, year__in=years)}
    counties = evaluate.counties_of(request.user, region) if region.level == "city" else []
    derived = evaluate.load_inputs([c.pk for c in counties], list(items()), years) if counties else None
    grid = []
    for item in items().values():
        cells = []
        for year in years:
            row = stored.get((item.code, year))
            value = row.value if row else None
            summed = None
            if row is None and derived is not None and item.additive:
                total = derived.series(item.code, Region(pk=region.pk, level="city"), counties, [year])[year]
                summed = None if total is None else float(total)
            cells.append({"year": year, "row": row, "value": value, "summed": summed})
        grid.append({"item": item, "cells": cells})
    return render(
        request,
        "indicators/inputs.html",
        {
            "region": region,
            "regions": regions,
            "years": years,
            "grid": grid,
            "can_change": access.can(request.user, "change", "statistics_input"),
        },
    )


class InputsForm(forms.Form):
    source = forms.CharField(
        label=gettext_lazy("数据来源"),
        max_length=200,
        help_text=gettext_lazy("如：乐山市统计年鉴2016；市公安局交警支队年报"),
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in items().values():
            # Names from the shipped inputs.yaml are in the catalogue (ansheng/core/data_strings.py).
            name = _(item.name)
            self.fields[item.code] = forms.DecimalField(
                label=_("%(name)s（%(unit)s）") % {"name": name, "unit": _(item.unit)} if item.unit else name,
                required=False,
                min_value=0,
                decimal_places=item.decimals or 0,
                max_digits=20,
                help_text=_(item.help) if item.help else "",
            )


@login_required
def inputs_edit(request: HttpRequest, region_code: str, year: int) -> HttpResponse:
    if not access.can(request.user, "change", "statistics_input"):
        raise PermissionDenied()
    region = next((r for r in statistics.region_choices(request.user) if r.pk == region_code), None)
    if region is None:
        raise Http404
    stored = {row.item: row for row in StatInput.objects.filter(region=region, year=year)}
    initial = {code: row.value for code, row in stored.items()}
    if stored:
        first = next(iter(stored.values()))
        initial.update(source=first.source, note=first.note)
    form = InputsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        rows = [
            {
                "region": region.pk,
                "year": year,
                "item": code,
                "value": form.cleaned_data[code],
                "source": form.cleaned_data["source"],
                "note": form.cleaned_data.get("note", ""),
            }
            for code in items()
            if form.cleaned_data.get(code) is not None
        ]
        try:
            services.do_set_inputs(acting_user=request.user, rows=rows)
        except AnshengError as exc:
            for error in exc.errors:
                field = (error.field or "").rsplit(".", 1)[-1]
                form.add_error(None if field not in form.fields or field == "value" else field, str(error.message))
        else:
            messages.success(
                request, _("已保存 %(region)s %(year)s 年统计基础数据") % {"region": region.name, "year": year}
            )
            return redirect(f"{_url('indicators:inputs')}?region={region.pk}")
    return render(
        request,
        "indicators/inputs_edit.html",
        {"form": form, "region": region, "year": year},
        status=422 if form.errors else 200,
    )


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"))


@login_required
def inputs_import(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "import", "statistics_input"):
        raise PermissionDenied()
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx") or upload.size > settings.UPLOAD_MAX_BYTES:
            form.add_error("file", _("只接受不超过上传限制的 .xlsx 文件（请使用平台提供的模板）"))
        else:
            try:
                result = excel.import_workbook(upload, acting_user=request.user)
            except AnshengError as exc:
                form.add_error("file", str(exc.message))
            else:
                if result.saved:
                    messages.success(
                        request,
                        _("已导入 %(rows)s 行、%(values)s 个数值") % {"rows": result.saved, "values": result.values},
                    )
    return render(
        request, "indicators/inputs_import.html", {"form": form, "result": result}, status=422 if form.errors else 200
    )


@login_required
def inputs_template(request: HttpRequest) -> HttpResponse:
    _require(request, "statistics_input")
    regions = statistics.region_choices(request.user)
    response = HttpResponse(excel.build_workbook(regions, _years(request), with_values=False), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=statistics-inputs-template.xlsx"
    return response


@login_required
def inputs_export(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "export", "statistics_input"):
        raise PermissionDenied()
    regions = statistics.region_choices(request.user)
    response = HttpResponse(excel.build_workbook(regions, _years(request), with_values=True), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=statistics-inputs-{timezone.localdate():%Y%m%d}.xlsx"
    return response


# --- reports ----------------------------------------------------------------------------------------------------


def _report(request: HttpRequest) -> dict[str, Any]:
    if not access.can(request.user, "view", "safety_report"):
        raise Http404
    region = statistics.region_for(request.user, request.GET.get("region") or None, noun="safety_report")
    today = timezone.localdate()
    kind = request.GET.get("kind") or "monthly"
    default_number = {"monthly": today.month, "quarterly": (today.month - 1) // 3 + 1, "annual": 0}.get(kind, 0)
    period = reports.period_from(
        kind, request.GET.get("year") or today.year, request.GET.get("number") or default_number
    )
    return reports.build_report(request.user, region, period)


@login_required
def reports_page(request: HttpRequest) -> HttpResponse:
    report = _report(request)
    query = (
        f"region={report['region'].pk}&kind={report['period'].kind}&year={report['period'].year}"
        f"&number={report['period'].number}"
    )
    return render(
        request,
        "indicators/reports.html",
        {
            "r": report,
            "regions": statistics.region_choices(request.user),
            "query": query,
            "labels": reports.FIGURE_LABELS,
            "status_labels": reports.STATUS_LABELS,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 16, -1)),
        },
    )


@login_required
def report_xlsx(request: HttpRequest) -> HttpResponse:
    report = _report(request)
    response = HttpResponse(reports.report_xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=safety-statistics-{report['region'].pk}-{report['period'].slug}.xlsx"
    )
    return response


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    report = _report(request)
    response = HttpResponse(reports.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = (
        f"attachment; filename=safety-statistics-{report['region'].pk}-{report['period'].slug}.pdf"
    )
    return response


# --- home -------------------------------------------------------------------------------------------------------


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Where the current (or latest) plan's indicators stand for the user's region."""
    if not access.can(request.user, "view", "indicator"):
        return None
    plan = plans.current_plan(timezone.localdate().year)
    if plan is None:
        return None
    try:
        region = statistics.region_for(request.user, None, noun="indicator")
    except AnshengError:
        return None
    result = evaluate.evaluate_plan(request.user, plan, region)
    cards = [_card(row) for row in result.rows]
    return {
        "order": 20,
        "template": "indicators/partials/home_panel.html",
        "plan": plan,
        "region": region,
        "as_of": result.as_of,
        "cards": cards,
        "counts": [(STATUS[k][0], STATUS[k][1], sum(1 for c in cards if c["row"].result.status == k)) for k in STATUS],
    }
