"""The dashboard's own source: the enterprise registry at a glance (enterprises by county, or by category within a
county), in the panel protocol of ansheng/dashboard/panels.py."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ansheng.core import access
from ansheng.core.models import Region
from ansheng.enterprises.choices import Category, Status
from ansheng.enterprises.models import Enterprise

# The registry's categories in the groups a command centre reads them by.
GROUPS: list[tuple[Any, frozenset[str], str]] = [
    (gettext_lazy("矿山"), Category.MINES, "purple"),
    (gettext_lazy("危险化学品"), Category.HAZARDOUS_CHEMICALS, "red"),
    (gettext_lazy("烟花爆竹"), frozenset({Category.FIREWORKS}), "orange"),
    (gettext_lazy("冶金有色"), frozenset({Category.METALLURGY, Category.NONFERROUS}), "yellow"),
    (gettext_lazy("其他工贸"), Category.INDUSTRY_AND_TRADE - {Category.METALLURGY, Category.NONFERROUS}, "blue"),
    (gettext_lazy("建筑施工、道路运输"), frozenset({Category.CONSTRUCTION, Category.ROAD_TRANSPORT}), "teal"),
    (gettext_lazy("其他"), frozenset({Category.OTHER}), "grey"),
]


def _group(category: str) -> int:
    for index, (_label, members, _colour) in enumerate(GROUPS):
        if category in members:
            return index
    return len(GROUPS) - 1


def registry(user: Any, region_code: str | None) -> dict[str, Any]:
    """Enterprises in operation or suspended, by county (the city) or by category group (a county)."""
    rows = access.restrict(Enterprise.objects.exclude(status=Status.CLOSED), user, "view", "enterprise")
    if region_code:
        rows = rows.filter(county__code__startswith=region_code)
    figures = rows.aggregate(
        total=Count("id"),
        high_risk=Count("id", filter=Q(category__in=sorted(Category.HIGH_RISK))),
        above_scale=Count("id", filter=Q(is_above_scale=True)),
        suspended=Count("id", filter=Q(status=Status.SUSPENDED)),
    )
    link = reverse("enterprises:list") + (f"?county={region_code}" if region_code else "")
    headline = [
        {"label": _("企业"), "value": figures["total"], "unit": _("家"), "link": link},
        {
            "label": _("高危行业"),
            "value": figures["high_risk"],
            "unit": _("家"),
            "hint": _("矿山、危化、烟花爆竹、冶金"),
        },
        {"label": _("规模以上"), "value": figures["above_scale"], "unit": _("家")},
        {"label": _("停产停业"), "value": figures["suspended"], "unit": _("家")},
    ]
    by_pair = rows.values("county_id", "category").annotate(n=Count("id"))
    counties = dict(Region.objects.filter(level="county").values_list("code", "name"))
    if region_code and len(region_code) >= 6:
        totals = [0] * len(GROUPS)
        for row in by_pair:
            totals[_group(row["category"])] += row["n"]
        present = [i for i, n in enumerate(totals) if n]
        categories = [str(GROUPS[i][0]) for i in present]
        series = [{"name": _("企业数"), "values": [totals[i] for i in present], "colour": "blue"}]
        title = _("%(county)s企业分布") % {"county": counties.get(region_code, "")}
    else:
        codes = sorted({row["county_id"] for row in by_pair})
        cells = {(row["county_id"], _group(row["category"])): 0 for row in by_pair}
        for row in by_pair:
            cells[(row["county_id"], _group(row["category"]))] += row["n"]
        categories = [counties.get(code, code) for code in codes]
        series = [
            {
                "name": str(label),
                "values": [cells.get((code, index), 0) for code in codes],
                "colour": colour,
                "stack": "all",
            }
            for index, (label, _members, colour) in enumerate(GROUPS)
            if any(cells.get((code, index)) for code in codes)
        ] or [{"name": _("企业数"), "values": [0] * len(codes)}]
        title = _("企业分布")
    return {
        "title": title,
        "kind": "bar",
        "link": link,
        "headline": headline,
        "categories": categories,
        "series": series,
        "unit": _("家"),
        "note": _("在营及停产停业企业，来自企业名录"),
        "updated_at": timezone.localtime().isoformat(timespec="seconds"),
    }
