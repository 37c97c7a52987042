"""The monthly, quarterly and annual safety-statistics reports (安全生产统计月报、季报、年报) of a region, as data,
as an Excel workbook (openpyxl) and as a PDF (WeasyPrint, Noto Sans CJK SC, "第 N 页 / 共 M 页").

A report gives, for the period and for the year to date, each against the same period of the year before (同比):
accidents, deaths, injuries and loss; the same by grade, by sector and by county; the 较大 and higher accidents and
the 较大涉险 incidents of the period; the reports made late (迟报) or not by the unit; and, in the annual report,
where the plan's indicators stand at the end of the year.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ansheng.accidents import statistics
from ansheng.accidents.choices import Grade, Sector, Status, StepState
from ansheng.accidents.models import Accident
from ansheng.core import access
from ansheng.core.errors import ValidationFailed
from ansheng.core.models import Region
from ansheng.core.models.regions import division_prefix

KINDS = ("monthly", "quarterly", "annual")


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int  # month 1–12, quarter 1–4, or 0 for the year

    @property
    def months(self) -> tuple[int, int]:
        if self.kind == "monthly":
            return self.number, self.number
        if self.kind == "quarterly":
            return 3 * self.number - 2, 3 * self.number
        return 1, 12

    @property
    def title(self) -> str:
        if self.kind == "monthly":
            return _("%(y)s年%(m)s月") % {"y": self.year, "m": self.number}
        if self.kind == "quarterly":
            return _("%(y)s年第%(q)s季度") % {"y": self.year, "q": self.number}
        return _("%(y)s年") % {"y": self.year}

    @property
    def kind_label(self) -> str:
        return {"monthly": _("月报"), "quarterly": _("季报"), "annual": _("年报")}[self.kind]

    @property
    def slug(self) -> str:
        if self.kind == "monthly":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarterly":
            return f"{self.year}-Q{self.number}"
        return str(self.year)


def period_from(kind: str, year: Any, number: Any) -> Period:
    if kind not in KINDS:
        raise ValidationFailed(_("报表类型应为月报、季报或年报"), code="invalid_choice", field="kind")
    try:
        year, number = int(year), int(number or 0)
    except (TypeError, ValueError):
        raise ValidationFailed(_("请填写年份和月份或季度"), code="invalid_number", field="year") from None
    statistics.check_years(year, year, year)
    limits = {"monthly": (1, 12), "quarterly": (1, 4), "annual": (0, 0)}[kind]
    if kind == "annual":
        number = 0
    elif not limits[0] <= number <= limits[1]:
        raise ValidationFailed(_("月份应为 1–12，季度应为 1–4"), code="invalid_number", field="number")
    return Period(kind, year, number)


def _totals(rows: QuerySet[Accident]) -> dict[str, Any]:
    found = rows.aggregate(
        accidents=Count("id"),
        deaths=Sum(statistics.stat_expr("deaths")),
        missing=Sum(statistics.stat_expr("missing")),
        serious_injuries=Sum(statistics.stat_expr("serious_injuries")),
        minor_injuries=Sum(statistics.stat_expr("minor_injuries")),
        direct_loss=Sum(statistics.stat_expr("direct_loss")),
    )
    return {key: found[key] or (Decimal(0) if key == "direct_loss" else 0) for key in found}


def _compare(now: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    return {
        key: {"now": now[key], "before": before[key], "change": statistics.change(now[key], before[key])} for key in now
    }


def _grouped(rows: QuerySet[Accident], key: str) -> dict[Any, dict[str, Any]]:
    return {
        group[key]: {"accidents": group["n"], "deaths": group["d"] or 0, "serious_injuries": group["s"] or 0}
        for group in rows.values(key).annotate(
            n=Count("id"), d=Sum(statistics.stat_expr("deaths")), s=Sum(statistics.stat_expr("serious_injuries"))
        )
    }


def build_report(user: Any, region: Region, period: Period) -> dict[str, Any]:
    base = statistics.counted(user, region)
    first, last = period.months

    def span(year: int, months: tuple[int, int]) -> QuerySet[Accident]:
        return base.filter(year=year, month__gte=months[0], month__lte=months[1])

    this = span(period.year, (first, last))
    before = span(period.year - 1, (first, last))
    ytd = span(period.year, (1, last))
    ytd_before = span(period.year - 1, (1, last))
    summary = _compare(_totals(this), _totals(before))
    summary_ytd = _compare(_totals(ytd), _totals(ytd_before))
    grades = []
    g_now, g_ytd, g_before = _grouped(this, "grade"), _grouped(ytd, "grade"), _grouped(ytd_before, "grade")
    for level, key in Grade.KEYS.items():
        grades.append(
            {"grade": key, "now": g_now.get(level, {}), "ytd": g_ytd.get(level, {}), "before": g_before.get(level, {})}
        )
    s_now, s_ytd, s_before = _grouped(this, "sector"), _grouped(ytd, "sector"), _grouped(ytd_before, "sector")
    sectors = [
        {
            "sector": code,
            "label": str(Sector.label(code)),
            "now": s_now.get(code, {}),
            "ytd": s_ytd.get(code, {}),
            "before": s_before.get(code, {}),
            "change": statistics.change(s_ytd.get(code, {}).get("deaths", 0), s_before.get(code, {}).get("deaths", 0)),
        }
        for code in Sector.values()
        if code in s_now or code in s_ytd or code in s_before
    ]
    c_now, c_ytd, c_before = _grouped(this, "county"), _grouped(ytd, "county"), _grouped(ytd_before, "county")
    counties = [
        {
            "county": c.pk,
            "name": c.name,
            "now": c_now.get(c.pk, {}),
            "ytd": c_ytd.get(c.pk, {}),
            "before": c_before.get(c.pk, {}),
        }
        for c in access.visible_regions(user).filter(code__startswith=division_prefix(region.pk)).order_by("code")
    ]
    visible = access.restrict(Accident.objects.exclude(status=Status.WITHDRAWN), user, "view", "accident").filter(
        county__code__startswith=division_prefix(region.pk), year=period.year, month__gte=first, month__lte=last
    )
    serious = list(
        visible.filter(Q(grade__gte=2) | Q(large_risk=True)).select_related("county").order_by("occurred_at")
    )
    late = visible.filter(Q(steps__late_seconds__gt=0) | Q(steps__state=StepState.NOT_REPORTED)).distinct().count()
    plan_rows = None
    plan = None
    if period.kind == "annual":
        from ansheng.indicators import evaluate, plans

        plan = plans.current_plan(period.year, region.pk)
        if plan is not None and plan.start <= period.year <= plan.end and access.can(user, "view", "indicator"):
            plan_rows = evaluate.evaluate_plan(user, plan, region, period.year).rows
        else:
            plan = None
    return {
        "region": region,
        "period": period,
        "title": _("%(region)s%(period)s生产安全事故统计%(kind)s")
        % {"region": region.name, "period": period.title, "kind": period.kind_label},
        "summary": summary,
        "summary_ytd": summary_ytd,
        "grades": grades,
        "sectors": sectors,
        "counties": counties,
        "serious": serious,
        "late": late,
        "plan": plan,
        "plan_rows": plan_rows,
        "generated_at": timezone.localtime(),
        "provisional": this.filter(figures_frozen_at__isnull=True).count(),
    }


FIGURE_LABELS = (  # translated where shown (gettext_noop only marks them for the catalogue)
    ("accidents", gettext_noop("事故起数")),
    ("deaths", gettext_noop("死亡人数")),
    ("missing", gettext_noop("失踪人数")),
    ("serious_injuries", gettext_noop("重伤人数")),
    ("minor_injuries", gettext_noop("轻伤人数")),
    ("direct_loss", gettext_noop("直接经济损失（万元）")),
)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}%"


def report_xlsx(report: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ansheng.accidents.excel import style_header, widths

    with translation.override("zh-hans"):
        wb = Workbook()
        ws = wb.active
        ws.title = _("总体情况")
        ws.append([report["title"]])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([_("制表时间"), report["generated_at"].strftime("%Y-%m-%d %H:%M")])
        ws.append([])
        ws.append([_("项目"), _("本期"), _("去年同期"), _("同比"), _("本年累计"), _("去年同期累计"), _("累计同比")])
        style_header(ws, ws.max_row)
        for key, label in FIGURE_LABELS:
            now, ytd = report["summary"][key], report["summary_ytd"][key]
            ws.append(
                [
                    _(label),
                    float(now["now"]),
                    float(now["before"]),
                    _pct(now["change"]),
                    float(ytd["now"]),
                    float(ytd["before"]),
                    _pct(ytd["change"]),
                ]
            )
        ws.append([])
        ws.append([_("迟报或单位未报的事故"), report["late"]])
        ws.append([_("数字尚未核定（统计期内）的事故"), report["provisional"]])
        widths(ws, [26, 12, 12, 10, 12, 14, 10])

        def table(title: str, head: list[str], rows: list[list[Any]], column_widths: list[int]) -> None:
            sheet = wb.create_sheet(title)
            sheet.append(head)
            style_header(sheet)
            for row in rows:
                sheet.append(row)
            widths(sheet, column_widths)

        def cell(d: dict[str, Any], key: str) -> int:
            return int(d.get(key, 0) or 0)

        # the period's, the year-to-date and last year's same period: accidents and deaths
        period_head = [_("本期起数"), _("本期死亡"), _("累计起数"), _("累计死亡"), _("去年累计起数"), _("去年累计死亡")]

        def period_row(label: Any, figures: dict[str, Any]) -> list[Any]:
            periods = ("now", "ytd", "before")
            return [label] + [cell(figures[p], key) for p in periods for key in ("accidents", "deaths")]

        table(
            _("分等级"),
            [_("等级"), *period_head],
            [period_row(g["grade"], g) for g in report["grades"]],
            [10, 10, 10, 10, 10, 12, 12],
        )
        table(
            _("分行业领域"),
            [
                _("行业领域"),
                _("本期起数"),
                _("本期死亡"),
                _("累计起数"),
                _("累计死亡"),
                _("去年累计死亡"),
                _("死亡同比"),
            ],
            [
                [
                    s["label"],
                    cell(s["now"], "accidents"),
                    cell(s["now"], "deaths"),
                    cell(s["ytd"], "accidents"),
                    cell(s["ytd"], "deaths"),
                    cell(s["before"], "deaths"),
                    _pct(s["change"]),
                ]
                for s in report["sectors"]
            ],
            [30, 10, 10, 10, 10, 12, 10],
        )
        table(
            _("分区县"),
            [_("区县"), *period_head],
            [period_row(c["name"], c) for c in report["counties"]],
            [16, 10, 10, 10, 10, 12, 12],
        )
        table(
            _("较大以上及涉险事故"),
            [
                _("编号"),
                _("发生时间"),
                _("区县"),
                _("单位"),
                _("行业领域"),
                _("等级"),
                _("死亡"),
                _("重伤"),
                _("较大涉险"),
            ],
            [
                [
                    a.number,
                    timezone.localtime(a.occurred_at).strftime("%Y-%m-%d %H:%M"),
                    a.county.name,
                    a.unit_name,
                    str(a.get_sector_display()),
                    Grade.KEYS[a.grade],
                    a.stat("deaths"),
                    a.stat("serious_injuries"),
                    _("是") if a.large_risk else "",
                ]
                for a in report["serious"]
            ],
            [22, 18, 12, 30, 18, 8, 8, 8, 10],
        )
        if report["plan_rows"]:
            table(
                _("规划指标"),
                [_("序号"), _("指标"), _("单位"), _("基期"), _("目标"), _("实际"), _("变化"), _("状态")],
                [
                    [
                        r.indicator.no,
                        r.indicator.name,
                        r.indicator.unit,
                        r.rounded(r.result.baseline),
                        r.rounded(r.result.target),
                        r.rounded(r.result.actual),
                        _pct(float(r.result.change)) if r.result.change is not None else "—",
                        str(STATUS_LABELS.get(r.result.status, r.result.status)),
                    ]
                    for r in report["plan_rows"]
                ],
                [6, 40, 12, 10, 10, 10, 10, 10],
            )
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()


STATUS_LABELS = {
    "attained": "已完成",
    "missed": "未完成",
    "on_track": "进度正常",
    "off_track": "进度滞后",
    "no_data": "缺少数据",
    "not_started": "未开始",
}


def report_html(report: dict[str, Any]) -> str:
    with translation.override("zh-hans"):
        return render_to_string(
            "indicators/report_pdf.html", {"r": report, "labels": FIGURE_LABELS, "status_labels": STATUS_LABELS}
        )


def report_pdf(report: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(report)).write_pdf()
