"""The plan's indicators for the command dashboard (registry contract: ``(user, region_code) -> dict``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ansheng.accidents import statistics
from ansheng.core import access
from ansheng.core.errors import AnshengError
from ansheng.indicators import evaluate, plans


def indicator_source(user: Any, region_code: str | None) -> dict[str, Any]:
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
