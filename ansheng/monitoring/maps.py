"""The `alarms` map layer and the dashboard sources `alarms` and `online-rates` (core.geo / registry contracts)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

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


def _by_county(user: Any, region_code: str | None) -> dict[str, int]:
    """Active alarms per county code (for the map's county shading)."""
    from ansheng.core.models.regions import division_prefix

    alarms = _active_alarms(user, division_prefix(region_code) if region_code else None)
    return dict(Counter(alarms.values_list("enterprise__county__code", flat=True)))


def alarms_source(user: Any, region_code: str | None = None) -> dict[str, Any]:
    """The dashboard panel (docs/dashboard.md): active alarms, the latest of them, and enterprises' early warnings."""
    from ansheng.core.models.regions import division_prefix

    counts = stats.open_alarm_counts(user, region_code)
    warnings = access.restrict(EnterpriseWarning.objects.exclude(colour=""), user, "view", "alarm")
    if region_code:
        warnings = warnings.filter(enterprise__county__code__startswith=division_prefix(region_code))
    by_colour = dict(Counter(warnings.values_list("colour", flat=True)))
    alarms = _active_alarms(user, division_prefix(region_code) if region_code else None)
    latest = alarms.select_related("enterprise", "point").order_by("-activated_at")[:12]
    tz = timezone.get_current_timezone()
    return {
        "title": _("实时报警与预警"),
        "kind": "table",
        "link": reverse("monitoring:alarms"),
        "headline": [
            {"label": _("报警中"), "value": counts["active"], "unit": _("起"), "colour": "red"},
            {"label": _("未确认"), "value": counts["unacknowledged"], "unit": _("起"), "colour": "orange"},
            {"label": _("已升级"), "value": counts["escalated"], "unit": _("起"), "colour": "purple"},
            {
                "label": _("红色/橙色预警企业"),
                "value": by_colour.get(WarningColour.RED, 0) + by_colour.get(WarningColour.ORANGE, 0),
                "unit": _("家"),
                "colour": "red" if by_colour.get(WarningColour.RED) else "orange",
            },
        ],
        "columns": [
            {"key": "at", "label": _("开始")},
            {"key": "enterprise", "label": _("企业")},
            {"key": "point", "label": _("监测点")},
            {"key": "level", "label": _("级别"), "align": "center"},
        ],
        "rows": [
            {
                "at": timezone.localtime(a.activated_at, tz).strftime("%m-%d %H:%M"),
                "enterprise": a.enterprise.name,
                "point": a.point.name if a.point_id else "—",
                "level": a.level.upper() if a.level else "—",
                "_colour": Severity.colour(a.severity) or None,
                "_link": reverse("monitoring:alarm", args=[a.pk]),
            }
            for a in latest
        ],
        "total": counts["active"],
        "empty": _("当前无报警"),
        "by_region": _by_county(user, region_code),
        "updated_at": timezone.localtime(timezone.now(), tz).isoformat(),
    }


def online_rates_source(user: Any, region_code: str | None = None) -> dict[str, Any]:
    """The dashboard panel: the plan's two online-monitoring rates against their targets, and points online now."""
    rates = stats.plan_rates(user, region_code)

    def rate_stat(label: str, rate: dict[str, Any]) -> dict[str, Any]:
        met = rate["met"]
        return {
            "label": label,
            "value": rate["rate"],
            "unit": "%",
            "colour": None if met is None else ("green" if met else "red"),
            "hint": _("%(n)s / %(d)s，目标 %(t)s%%")
            % {"n": rate["numerator"], "d": rate["denominator"], "t": rate["target"]},
        }

    points = rates["points"]
    return {
        "title": _("在线监测联网率"),
        "kind": "stats",
        "link": reverse("monitoring:overview"),
        "items": [
            rate_stat(_("一、二级重大危险源"), rates["major_hazard_sources"]),
            rate_stat(_("高危企业"), rates["high_risk_enterprises"]),
            {
                "label": _("监测点在线"),
                "value": points["rate"],
                "unit": "%",
                "hint": _("%(n)s / %(d)s 个点") % {"n": points["online"], "d": points["total"]},
            },
        ],
        "note": _("近 %(h)s 小时内有数据的测点占比不低于 %(s)s%% 计为在线监测") % {
            "h": rates["window_hours"],
            "s": rates["min_share"],
        },
    }
