"""The `risk-distribution` dashboard source: enterprises by risk colour (docs/dashboard.md protocol)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from ansheng.core import access
from ansheng.risks.choices import Colour
from ansheng.risks.models import EnterpriseColour


def risk_distribution(user: Any, region_code: str | None) -> dict[str, Any]:
    rows = access.restrict(EnterpriseColour.objects.all(), user, "view", "risk_colour")
    if region_code:
        rows = rows.filter(county_code__startswith=region_code)
    by_region: dict[str, dict[str, int]] = {}
    totals = dict.fromkeys(Colour.values(), 0)
    for row in rows.values("county_code", "colour").annotate(n=Count("pk")):
        by_region.setdefault(row["county_code"], dict.fromkeys(Colour.values(), 0))[row["colour"]] = row["n"]
        totals[row["colour"]] += row["n"]
    updated = rows.aggregate(at=Max("computed_at"))["at"]
    labels = {"red": _("重大风险"), "orange": _("较大风险"), "yellow": _("一般风险"), "blue": _("低风险")}
    return {
        "title": _("风险分布（四色）"),
        "kind": "pie",
        "unit": _("家"),
        "link": "/risks/overview/" + (f"?county={region_code}" if region_code else ""),
        "note": _("企业风险颜色：风险事件最高等级，叠加重大隐患、逾期隐患与监测预警"),
        "updated_at": updated.isoformat() if updated else None,
        "headline": [
            {"label": _("红色企业"), "value": totals["red"], "unit": _("家"), "colour": "red"},
            {"label": _("橙色企业"), "value": totals["orange"], "unit": _("家"), "colour": "orange"},
        ],
        "items": [{"label": labels[c], "value": totals[c], "colour": c} for c in Colour.values()],
        "by_region": by_region,
    }
