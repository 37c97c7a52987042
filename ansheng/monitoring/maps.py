"""The `alarms` map layer and the dashboard sources `alarms` and `online-rates` (core.geo / registry contracts)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ansheng.core import access
from ansheng.core.geo import LayerQuery, point
from ansheng.monitoring import stats
from ansheng.monitoring.choices import Severity, WarningColour
from ansheng.monitoring.models import Alarm, EnterpriseWarning

SEVERITY_BY_COLOUR = {colour: value for value, _label, colour in Severity.CHOICES}


def _active_alarms(user: Any, county: str | None = None) -> Any:
    rows = access.restrict(
        Alarm.objects.filter(closed_at__isnull=True, active=True).select_related(
            "enterprise", "point", "hazard_source"
        ),
        user,
        "view",
        "alarm",
    )
    if county:
        rows = rows.filter(enterprise__county__code__startswith=county)
    return rows


def alarms_layer(user: Any, query: LayerQuery) -> list[dict[str, Any]]:
    """Live (active, not closed) alarms where they are: the hazard source's position, else the enterprise's."""
    rows = _active_alarms(user, query.county)
    if query.category:
        rows = rows.filter(enterprise__category=query.category)
    if query.colour:
        rows = rows.filter(severity=SEVERITY_BY_COLOUR.get(query.colour, ""))
    if query.q:
        rows = rows.filter(enterprise__name__icontains=query.q)
    features = []
    for alarm in rows.order_by("-activated_at")[: query.limit]:
        if alarm.hazard_source is not None:
            lon, lat = alarm.hazard_source.position
        else:
            lon, lat = alarm.enterprise.longitude, alarm.enterprise.latitude
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
                id=alarm.pk,
                name=(alarm.point.name if alarm.point_id else alarm.enterprise.name),
                enterprise=alarm.enterprise.name,
                enterprise_id=alarm.enterprise_id,
                county=alarm.enterprise.county_id,
                type=alarm.type,
                level=alarm.level,
                severity=alarm.severity,
                colour=Severity.colour(alarm.severity),
                acknowledged=alarm.acknowledged,
                tier=alarm.tier,
                value=alarm.last_value,
                started_at=alarm.activated_at.isoformat(),
                url=reverse("monitoring:alarm", args=[alarm.pk]),
            )
        )
    return features


def alarms_source(user: Any, region_code: str | None = None) -> dict[str, Any]:
    """Open alarms and enterprises' early warnings for the command dashboard."""
    counts = stats.open_alarm_counts(user, region_code)
    warnings = access.restrict(
        EnterpriseWarning.objects.exclude(colour="").select_related("enterprise"), user, "view", "alarm"
    )
    if region_code:
        from ansheng.core.models.regions import division_prefix

        warnings = warnings.filter(enterprise__county__code__startswith=division_prefix(region_code))
    warnings = sorted(warnings, key=lambda w: (-WarningColour.RANK.get(w.colour, 0), w.since))
    latest = _active_alarms(user).order_by("-activated_at")[:20]
    if region_code:
        from ansheng.core.models.regions import division_prefix

        latest = _active_alarms(user, division_prefix(region_code)).order_by("-activated_at")[:20]
    return {
        **counts,
        "warnings": {
            colour: sum(1 for w in warnings if w.colour == colour)
            for colour in (WarningColour.RED, WarningColour.ORANGE, WarningColour.YELLOW, WarningColour.BLUE)
        },
        "warning_enterprises": [
            {
                "id": w.enterprise_id,
                "name": w.enterprise.name,
                "colour": w.colour,
                "county": w.enterprise.county_id,
                "since": w.since.isoformat(),
                "reasons": [r.get("zh") for r in w.reasons],
            }
            for w in warnings[:20]
        ],
        "latest": [
            {
                "id": a.pk,
                "enterprise": a.enterprise.name,
                "point": a.point.name if a.point_id else None,
                "level": a.level,
                "severity": a.severity,
                "colour": Severity.colour(a.severity),
                "acknowledged": a.acknowledged,
                "tier": a.tier,
                "started_at": a.activated_at.isoformat(),
                "url": reverse("monitoring:alarm", args=[a.pk]),
            }
            for a in latest
        ],
    }


def online_rates_source(user: Any, region_code: str | None = None) -> dict[str, Any]:
    """The plan's two online-monitoring rates (with targets) and points online now."""
    return stats.plan_rates(user, region_code)
