"""The `hazard-sources` map layer: major hazard sources as points with their grade (core.geo contract)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from ansheng.core import access
from ansheng.core.geo import LayerQuery, point
from ansheng.hazards.choices import Grade, SourceStatus
from ansheng.hazards.models import HazardSource

GRADE_BY_COLOUR = {colour: int(value) for value, _label, colour in Grade.CHOICES}


def hazard_sources_layer(user: Any, query: LayerQuery) -> list[dict[str, Any]]:
    rows = access.restrict(
        HazardSource.objects.select_related("enterprise", "enterprise__county")
        .filter(is_major=True)
        .exclude(status=SourceStatus.RETIRED),
        user,
        "view",
        "hazard_source",
    )
    if query.county:
        rows = rows.filter(enterprise__county__code__startswith=query.county)
    if query.category:
        rows = rows.filter(enterprise__category=query.category)
    if query.grade:
        rows = rows.filter(grade=int(query.grade)) if str(query.grade).isdigit() else rows.none()
    if query.colour:
        rows = rows.filter(grade=GRADE_BY_COLOUR.get(query.colour, 0))
    if query.q:
        rows = rows.filter(Q(name__icontains=query.q) | Q(enterprise__name__icontains=query.q))
    features = []
    for source in rows.order_by("grade", "id")[: query.limit]:
        lon, lat = source.position
        if lon is None or lat is None:
            continue
        if query.bbox is not None:
            min_lon, min_lat, max_lon, max_lat = query.bbox
            if not (min_lon <= float(lon) <= max_lon and min_lat <= float(lat) <= max_lat):
                continue
        features.append(
            point(
                lon,
                lat,
                id=source.pk,
                name=source.name,
                enterprise=source.enterprise.name,
                enterprise_id=source.enterprise_id,
                county=source.enterprise.county_id,
                grade=source.grade,
                grade_label=source.grade_label,
                colour=source.grade_colour,
                r=float(source.r_value) if source.r_value is not None else None,
                registration_status=source.registration_status,
                url=reverse("hazards:detail", args=[source.pk]),
            )
        )
    return features
