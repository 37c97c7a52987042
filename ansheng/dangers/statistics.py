"""Hidden-danger statistics: the rates users ask for, and the quarterly and annual report of 16号令 第十四条.

Rates (each an exact share, None — shown as "—" — when there is nothing to count; docs/dangers.md):

- 按期整改率 (on-time rectification): of the dangers whose rectification deadline falls in the period and that are
  either accepted or past their deadline, the share accepted on or before the deadline (Beijing date). Dangers
  still within their deadline and not yet accepted are not counted yet. Dangers fixed on the spot count as on time.
- 一次验收通过率 (one-pass acceptance): of the dangers accepted in the period (not those fixed on the spot, which
  have no separate acceptance), the share never sent back.
- 销号率 (closure): of the dangers reported in the period, the share closed (销号) by the end of the period.

All periods are Beijing calendar days, inclusive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.apps import apps
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from ansheng.core import access
from ansheng.dangers.choices import Grade
from ansheng.dangers.models import HiddenDanger, today_shanghai
from ansheng.domain import hidden_dangers as rules

RATE_KEYS = ("on_time", "one_pass", "closure")
RATE_LABELS = {"on_time": _("按期整改率"), "one_pass": _("一次验收通过率"), "closure": _("销号率")}
RATE_HINTS = {
    "on_time": _("期限在本期内且已验收或已到期的隐患中，按期验收的比例"),
    "one_pass": _("本期验收的隐患（不含立即整改）中，未被退回的比例"),
    "closure": _("本期上报的隐患中，期末前已销号的比例"),
}


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=rules.SHANGHAI)


def visible(user: Any, *, region_code: str | None = None, enterprise_id: int | None = None) -> QuerySet:
    rows = access.restrict(HiddenDanger.objects.all(), user, "view", "hidden_danger")
    if region_code:
        rows = rows.filter(enterprise__county__code__startswith=region_code)
    if enterprise_id:
        rows = rows.filter(enterprise_id=enterprise_id)
    return rows


def _counts(rows: QuerySet, start: dt.date, end: dt.date, group: str | None = None) -> Any:
    """The numerators and denominators of the three rates, in one aggregate query (per group when given)."""
    today = today_shanghai()
    after = _moment(end + dt.timedelta(days=1))
    due = Q(deadline__gte=start, deadline__lte=end) & (Q(accepted_at__isnull=False) | Q(deadline__lt=today))
    on_time = due & Q(accepted_day__lte=F("deadline"))
    accepted = Q(accepted_at__gte=_moment(start), accepted_at__lt=after, on_the_spot=False)
    reported = Q(reported_at__gte=_moment(start), reported_at__lt=after)
    annotated = rows.annotate(accepted_day=TruncDate("accepted_at", tzinfo=rules.SHANGHAI))
    measures = {
        "due": Count("pk", filter=due),
        "on_time": Count("pk", filter=on_time),
        "accepted": Count("pk", filter=accepted),
        "one_pass": Count("pk", filter=accepted & Q(rejections=0)),
        "reported": Count("pk", filter=reported),
        "closed": Count("pk", filter=reported & Q(closed_at__lt=after)),
    }
    if group is None:
        return annotated.aggregate(**measures)
    return annotated.order_by().values(group).annotate(**measures)


@dataclass(frozen=True)
class Rate:
    key: str
    numerator: int
    denominator: int

    @property
    def value(self) -> Fraction | None:
        return rules.rate(self.numerator, self.denominator)

    @property
    def percent(self) -> float | None:
        value = self.value
        return None if value is None else round(float(value) * 100, 1)


def _rates(counts: dict[str, int]) -> dict[str, Rate]:
    return {
        "on_time": Rate("on_time", counts["on_time"], counts["due"]),
        "one_pass": Rate("one_pass", counts["one_pass"], counts["accepted"]),
        "closure": Rate("closure", counts["closed"], counts["reported"]),
    }


def rates(
    user: Any,
    *,
    start: dt.date,
    end: dt.date,
    region_code: str | None = None,
    enterprise_id: int | None = None,
    industry: str | None = None,
) -> dict[str, Any]:
    """The three hidden-danger rates, plus the risks app's identification coverage and inspection completion when
    it is installed (its `ansheng.risks.stats.rates`)."""
    rows = visible(user, region_code=region_code, enterprise_id=enterprise_id)
    if industry:
        rows = rows.filter(enterprise__category=industry)
    result: dict[str, Any] = dict(_rates(_counts(rows, start, end)))
    result["risks"] = risks_rates(user, region_code=region_code, enterprise_id=enterprise_id, start=start, end=end)
    return result


def risks_rates(user: Any, **kwargs: Any) -> dict[str, Any] | None:
    if not apps.is_installed("ansheng.risks"):
        return None
    try:
        from ansheng.risks.stats import rates as risk_rates
    except ImportError:  # the risks app without its statistics yet
        return None
    return dict(risk_rates(user, **kwargs))


GROUPS = {
    "enterprise": ("enterprise_id", "enterprise__name"),
    "county": ("enterprise__county_id", "enterprise__county__name"),
    "industry": ("enterprise__category", None),
}


def rates_by(
    user: Any, group: str, *, start: dt.date, end: dt.date, region_code: str | None = None
) -> list[dict[str, Any]]:
    """The three rates per enterprise, county or industry (监管类别)."""
    key, name_path = GROUPS[group]
    rows = visible(user, region_code=region_code)
    names: dict[Any, str] = {}
    if name_path:
        names = dict(rows.order_by().values_list(key, name_path).distinct())
    else:
        from ansheng.enterprises.choices import Category

        names = {value: str(label) for value, label in Category.choices()}
    table = []
    for row in _counts(rows, start, end, group=key):
        if not (row["due"] or row["accepted"] or row["reported"]):
            continue
        table.append({"key": row[key], "name": names.get(row[key], row[key]), "rates": _rates(row), **row})
    return sorted(table, key=lambda item: str(item["name"]))


def months_between(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    months = []
    first = start.replace(day=1)
    while first <= end:
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        months.append((max(first, start), min(following - dt.timedelta(days=1), end)))
        first = following
    return months


def trend(
    user: Any, *, start: dt.date, end: dt.date, region_code: str | None = None, enterprise_id: int | None = None
) -> dict[str, Any]:
    """Monthly rates for the ECharts trend (percent, null when nothing to count)."""
    rows = visible(user, region_code=region_code, enterprise_id=enterprise_id)
    months = months_between(start, end)[-24:]
    series: dict[str, list[float | None]] = {key: [] for key in RATE_KEYS}
    for first, last in months:
        month_rates = _rates(_counts(rows, first, last))
        for key in RATE_KEYS:
            series[key].append(month_rates[key].percent)
    return {"months": [f"{first:%Y-%m}" for first, _last in months], **series}


# --- the quarterly and annual report (16号令 第十四条) ----------------------------------------------------------


def period_report(
    user: Any,
    *,
    year: int,
    quarter: int | None = None,
    enterprise_id: int | None = None,
    region_code: str | None = None,
) -> dict[str, Any]:
    """The statistics of a quarter or a year: found, rectified and open dangers by grade, the 重大 dangers, the rates,
    and the date the form is due (signed by the principal)."""
    start, end = rules.period_bounds(year, quarter)
    rows = visible(user, region_code=region_code, enterprise_id=enterprise_id)
    after = _moment(end + dt.timedelta(days=1))
    found = rows.filter(reported_at__gte=_moment(start), reported_at__lt=after)

    def by_grade(queryset: QuerySet) -> dict[str, int]:
        counts = dict(queryset.order_by().values_list("grade").annotate(n=Count("pk")))
        return {
            "general": counts.get(Grade.GENERAL, 0),
            "major": counts.get(Grade.MAJOR, 0),
            "total": sum(counts.values()),
        }

    open_at_end = rows.filter(reported_at__lt=after).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=after))
    overdue_at_end = open_at_end.filter(deadline__lt=min(end, today_shanghai())).exclude(accepted_at__lt=after)
    majors = (
        rows.filter(grade=Grade.MAJOR, reported_at__lt=after)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=_moment(start)))
        .select_related("enterprise", "responsible")
        .order_by("reported_at")
    )
    return {
        "year": year,
        "quarter": quarter,
        "start": start,
        "end": end,
        "due": rules.quarter_report_due(year, quarter) if quarter else rules.annual_report_due(year),
        "found": by_grade(found),
        "rectified": by_grade(found.filter(closed_at__lt=after)),
        "open_at_end": by_grade(open_at_end),
        "overdue_at_end": overdue_at_end.count(),
        "supervised": majors.filter(supervised=True).count(),
        "majors": list(majors[:200]),
        "rates": _rates(_counts(rows, start, end)),
        "by_enterprise": rates_by(user, "enterprise", start=start, end=end, region_code=region_code)
        if enterprise_id is None
        else [],
    }
