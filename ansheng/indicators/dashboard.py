"""The plan's indicators for the command dashboard (registry contract: ``(user, region_code) -> dict``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ansheng.accidents import statistics
from ansheng.core import access
from ansheng.core.errors import AnshengError
from ansheng.indicators import evaluate, plans


def indicator_figures(user: Any, region_code: str | None) -> dict[str, Any]:
    """The current plan's (or the latest ended plan's) indicators for a region within the user's jurisdiction."""
    if not access.can(user, "view", "indicator"):
        return {}
    try:
        region = statistics.region_for(user, region_code, noun="indicator")
    except AnshengError:
        return {}
    plan = plans.current_plan(timezone.localdate().year, region.pk)
    if plan is None:
        return {}
    result = evaluate.evaluate_plan(user, plan, region)
    items = [row.as_dict() for row in result.rows]
    return {
        "plan": plan.code,
        "plan_name": plan.name,
        "region": region.pk,
        "as_of": result.as_of,
        "items": items,
        "attained": sum(1 for i in items if i["status"] in {"attained", "on_track"}),
        "missed": sum(1 for i in items if i["status"] in {"missed", "off_track"}),
    }


STATUS = {
    "attained": (gettext_lazy("已达成"), "green"),
    "on_track": (gettext_lazy("进度正常"), "teal"),
    "off_track": (gettext_lazy("进度滞后"), "orange"),
    "missed": (gettext_lazy("未达成"), "red"),
    "not_started": (gettext_lazy("未开始"), "grey"),
    "no_data": (gettext_lazy("缺数据"), "grey"),
}


def indicator_source(user: Any, region_code: str | None) -> dict[str, Any]:
    """The dashboard panel (docs/dashboard.md): each indicator of the plan with its target, actual and status."""
    figures = indicator_figures(user, region_code)
    if not figures:
        return {
            "title": _("规划指标"),
            "kind": "table",
            "columns": [{"key": "x", "label": "—"}],
            "rows": [],
            "empty": _("无权查看或没有适用的规划"),
        }
    rows = []
    for item in figures["items"]:
        label, colour = STATUS.get(item["status"], (item["status"], "grey"))
        rows.append(
            {
                "no": item["no"],
                "name": _(item["name"]),
                "target": item["target"],
                "actual": item["actual"],
                "status": str(label),
                "_colour": colour,
                "_link": f"/indicators/plans/{figures['plan']}/{item['no']}/",
            }
        )
    return {
        "title": _("规划指标"),
        "subtitle": _(str(figures["plan_name"]))[:80],
        "kind": "table",
        "link": "/indicators/dashboard/",
        "headline": [
            {"label": _("达成或正常"), "value": figures["attained"], "unit": _("项"), "colour": "green"},
            {
                "label": _("未达成或滞后"),
                "value": figures["missed"],
                "unit": _("项"),
                "colour": "red" if figures["missed"] else "green",
            },
        ],
        "columns": [
            {"key": "no", "label": _("序号"), "align": "right"},
            {"key": "name", "label": _("指标")},
            {"key": "target", "label": _("目标"), "align": "right"},
            {"key": "actual", "label": _("实际"), "align": "right"},
            {"key": "status", "label": _("状态")},
        ],
        "rows": rows,
    }
