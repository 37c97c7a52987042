"""The accident layer of the map (core/geo.py contract): points by period and grade, within the jurisdiction."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ansheng.accidents.choices import Grade, Status
from ansheng.accidents.models import Accident
from ansheng.core import access
from ansheng.core.geo import LayerQuery, bbox_q, point


def accident_layer(user: Any, query: LayerQuery) -> list[dict[str, Any]]:
    """Accidents with a location as GeoJSON points (WGS84). Filters: period (occurred date), grade (一般/较大/重大/
    特别重大 or 1–4), county, sector (``category``), text. Properties: id, name, county, grade (Chinese key),
    grade_level, colour, sector, occurred_at, deaths, serious_injuries, status, large_risk, url."""
    if not access.can(user, "view", "accident"):
        return []
    rows = access.restrict(Accident.objects.exclude(status=Status.WITHDRAWN), user, "view", "accident")
    rows = rows.filter(longitude__isnull=False, latitude__isnull=False).filter(bbox_q(query))
    if query.county:
        rows = rows.filter(county__code__startswith=query.county)
    if query.date_from:
        rows = rows.filter(occurred_at__date__gte=query.date_from)
    if query.date_to:
        rows = rows.filter(occurred_at__date__lte=query.date_to)
    if query.grade:
        level = _grade_level(query.grade)
        rows = rows.filter(grade=level) if level else rows.none()
    if query.category:
        rows = rows.filter(sector=query.category)
    if query.q:
        rows = rows.filter(unit_name__icontains=query.q)
    rows = rows.select_related("county").order_by("-occurred_at")[: max(0, query.limit)]
    return [
        point(
            a.longitude,
            a.latitude,
            id=a.pk,
            name=f"{a.unit_name}（{a.number}）",
            county=a.county_id,
            grade=Grade.KEYS[a.grade],
            grade_level=a.grade,
            colour=a.grade_colour,
            sector=a.sector,
            occurred_at=a.occurred_at.isoformat(),
            deaths=a.stat("deaths"),
            serious_injuries=a.stat("serious_injuries"),
            status=a.status,
            large_risk=a.large_risk,
            url=reverse("accidents:detail", args=[a.pk]),
        )
        for a in rows
    ]


def _grade_level(value: str) -> int | None:
    text = str(value).strip().removesuffix("事故")
    for level, key in Grade.KEYS.items():
        if text in {key, str(level)}:
            return level
    return None
