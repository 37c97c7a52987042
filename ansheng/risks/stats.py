"""Rates of dual prevention's risk half, within the user's jurisdiction (definitions in docs/risks.md §rates).

* identification coverage (风险辨识覆盖率) = in-scope operating enterprises with at least one assessed active risk
  event / in-scope operating enterprises;
* inspection completion (排查任务完成率) = occurrences done / (done + missed + pending whose window has ended), over
  occurrences due (last day of their window, Beijing time) in [start, end].

Both are None when their denominator is 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from ansheng.core import access
from ansheng.enterprises.choices import Status
from ansheng.enterprises.models import Enterprise
from ansheng.risks.choices import OccurrenceStatus
from ansheng.risks.models import Occurrence, RiskEvent


def _ratio(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(numerator / denominator, 4)


def rates(
    user: Any,
    *,
    region_code: str | None = None,
    enterprise_id: int | None = None,
    start: dt.date,
    end: dt.date,
    coverage: bool = True,
) -> dict[str, Any]:
    """`coverage=False` skips the identification coverage (a join over every risk event, the same for any period):
    for a series of periods of which only the inspection completion is wanted (its figures are then None)."""
    enterprises = access.restrict(Enterprise.objects.filter(status=Status.OPERATING), user, "view", "enterprise")
    if region_code:
        enterprises = enterprises.filter(county__code__startswith=region_code)
    if enterprise_id is not None:
        enterprises = enterprises.filter(pk=enterprise_id)
    active = enterprises.count()
    identified = (
        enterprises.filter(
            pk__in=RiskEvent.objects.filter(is_active=True, unit__risk_object__is_active=True)
            .exclude(level="")
            .values("enterprise_id")
        ).count()
        if active and coverage
        else 0
    )
    occurrences = access.restrict(Occurrence.objects.all(), user, "view", "inspection").filter(
        due_on__gte=start, due_on__lte=end, enterprise__in=enterprises.values("pk")
    )
    now = timezone.now()
    counts = occurrences.aggregate(
        done=Count("pk", filter=Q(status=OccurrenceStatus.DONE)),
        missed=Count("pk", filter=Q(status=OccurrenceStatus.MISSED)),
        overdue=Count("pk", filter=Q(status=OccurrenceStatus.PENDING, period_end__lte=now)),
        open=Count("pk", filter=Q(status=OccurrenceStatus.PENDING, period_end__gt=now)),
    )
    done, missed, overdue = counts["done"], counts["missed"], counts["overdue"]
    return {
        "start": start,
        "end": end,
        "active_enterprises": active,
        "identified_enterprises": identified if coverage else None,
        "identification_coverage": _ratio(identified, active) if coverage else None,
        "occurrences_done": done,
        "occurrences_missed": missed,
        "occurrences_overdue": overdue,
        "occurrences_open": counts["open"],
        "inspection_completion": _ratio(done, done + missed + overdue),
    }
