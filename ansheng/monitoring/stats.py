"""Alarm statistics (ISA-18.2 §16 and what regulators ask for) and online rates, within a user's jurisdiction.

* alarms per day (activations: raised or re-activated), by severity;
* standing alarms: active for longer than MONITORING_STANDING_HOURS;
* chattering points: three or more activations within a minute (ISA-18.2);
* time to acknowledge (from activation) and time to close (from first activation), median and 90th percentile;
* online rate per point (readings received / readings expected over MONITORING_ONLINE_WINDOW_HOURS) and per
  enterprise, and the plan's two rates: grade-1/2 major hazard sources monitored online, high-risk enterprises
  monitored online (a source or an enterprise is monitored online when it has in-service points and at least
  MONITORING_ONLINE_MIN_SHARE_PCT % of them reported within the window) [U].
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ansheng.core import access
from ansheng.domain import alarm_rules as rules
from ansheng.enterprises.choices import Category, Status
from ansheng.enterprises.models import Enterprise
from ansheng.monitoring import conf, store
from ansheng.monitoring.choices import Severity, TransitionKind
from ansheng.monitoring.models import Alarm, AlarmTransition, MonitoringPoint

ACTIVATIONS = (TransitionKind.RAISED, TransitionKind.REACTIVATED)


def no_data_after(point: MonitoringPoint) -> int:
    if point.no_data_after_s:
        return int(point.no_data_after_s)
    return max(point.interval_s * conf.get("MONITORING_NO_DATA_FACTOR"), conf.get("MONITORING_NO_DATA_MIN_S"))


def online_now(point: MonitoringPoint, now_ms: int) -> bool:
    """Whether the point has reported within its no-data limit."""
    last = point.state.last_ts if hasattr(point, "state") else None
    return last is not None and now_ms - last <= no_data_after(point) * 1000


def point_status(point: MonitoringPoint, now_ms: int) -> str:
    """``online``, ``offline`` (reported before, silent now) or ``never`` (not connected yet)."""
    last = point.state.last_ts if hasattr(point, "state") else None
    if last is None:
        return "never"
    return "online" if now_ms - last <= no_data_after(point) * 1000 else "offline"


def percent(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


def _rate(part: int, whole: int, target: Fraction) -> dict[str, Any]:
    value = rules.rate(part, whole)
    return {
        "numerator": part,
        "denominator": whole,
        "rate": percent(value),
        "target": percent(target),
        "met": None if value is None else value >= target,
    }


def _in_region(rows: QuerySet[Any], path: str, region_code: str | None) -> QuerySet[Any]:
    if not region_code:
        return rows
    from ansheng.core.models.regions import division_prefix

    return rows.filter(**{f"{path}__startswith": division_prefix(region_code)})


def visible_points(user: Any, region_code: str | None = None) -> QuerySet[MonitoringPoint]:
    rows = access.restrict(
        MonitoringPoint.objects.select_related("state", "enterprise"), user, "view", "monitoring_point"
    )
    return _in_region(rows, "enterprise__county__code", region_code)


def plan_rates(user: Any, region_code: str | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """The plan's two online-monitoring rates, and the points online now, within the user's jurisdiction."""
    from ansheng.hazards.choices import SourceStatus
    from ansheng.hazards.models import HazardSource

    now = now or timezone.now()
    now_ms = int(now.timestamp() * 1000)
    since_ms = now_ms - conf.get("MONITORING_ONLINE_WINDOW_HOURS") * 3_600_000
    min_share = Fraction(conf.get("MONITORING_ONLINE_MIN_SHARE_PCT"), 100)
    points = list(
        visible_points(user, region_code)
        .filter(in_service=True)
        .values_list("pk", "enterprise_id", "hazard_source_id", "state__last_ts")
    )
    by_source: dict[int, list[bool]] = defaultdict(list)
    by_enterprise: dict[int, list[bool]] = defaultdict(list)
    for _pk, enterprise_id, source_id, last in points:
        reporting = last is not None and last >= since_ms
        by_enterprise[enterprise_id].append(reporting)
        if source_id:
            by_source[source_id].append(reporting)

    sources = access.restrict(HazardSource.objects.all(), user, "view", "hazard_source")
    sources = _in_region(sources, "enterprise__county__code", region_code).filter(
        is_major=True, grade__in=[1, 2], status=SourceStatus.IN_USE
    )
    source_ids = list(sources.values_list("pk", flat=True))
    monitored_sources = sum(
        rules.monitored_online(len(by_source.get(sid, [])), sum(by_source.get(sid, [])), min_share)
        for sid in source_ids
    )
    enterprises = access.restrict(Enterprise.objects.all(), user, "view", "enterprise")
    enterprises = _in_region(enterprises, "county__code", region_code).filter(
        category__in=sorted(Category.HIGH_RISK), status=Status.OPERATING
    )
    enterprise_ids = list(enterprises.values_list("pk", flat=True))
    monitored_enterprises = sum(
        rules.monitored_online(len(by_enterprise.get(eid, [])), sum(by_enterprise.get(eid, [])), min_share)
        for eid in enterprise_ids
    )
    online = 0
    never = 0
    for point in visible_points(user, region_code).filter(in_service=True):
        status = point_status(point, now_ms)
        online += status == "online"
        never += status == "never"
    return {
        "major_hazard_sources": _rate(monitored_sources, len(source_ids), rules.PLAN_TARGETS["major_hazard_sources"]),
        "high_risk_enterprises": _rate(
            monitored_enterprises, len(enterprise_ids), rules.PLAN_TARGETS["high_risk_enterprises"]
        ),
        "points": {
            "total": len(points),
            "online": online,
            "never": never,
            "rate": percent(rules.rate(online, len(points))),
        },
        "window_hours": conf.get("MONITORING_ONLINE_WINDOW_HOURS"),
        "min_share": percent(min_share),
    }


def online_report(
    user: Any, region_code: str | None = None, enterprise_id: int | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Online rate per point and per enterprise over the online window (from the minute aggregates)."""
    now = now or timezone.now()
    now_ms = int(now.timestamp() * 1000)
    window_h = conf.get("MONITORING_ONLINE_WINDOW_HOURS")
    start = (now_ms - window_h * 3_600_000) // 60_000 * 60_000
    points = (
        visible_points(user, region_code).filter(in_service=True).select_related("hazard_source", "enterprise__county")
    )
    if enterprise_id:
        points = points.filter(enterprise_id=enterprise_id)
    points = list(points.order_by("enterprise__name", "code"))
    received = store.received_counts([p.pk for p in points], start, now_ms)
    rows = []
    enterprises: dict[int, dict[str, Any]] = {}
    for point in points:
        expected = rules.expected_readings(window_h * 3600, point.interval_s)
        got = received.get(point.pk, 0)
        share = rules.online_share(got, expected)
        status = point_status(point, now_ms)
        rows.append({"point": point, "expected": expected, "received": got, "rate": percent(share), "status": status})
        entry = enterprises.setdefault(
            point.enterprise_id,
            {"enterprise": point.enterprise, "points": 0, "online": 0, "never": 0, "expected": 0, "received": 0},
        )
        entry["points"] += 1
        entry["online"] += status == "online"
        entry["never"] += status == "never"
        entry["expected"] += expected
        entry["received"] += min(got, expected)
    for entry in enterprises.values():
        entry["rate"] = percent(rules.online_share(entry["received"], entry["expected"]))
    return {
        "points": rows,
        "enterprises": sorted(enterprises.values(), key=lambda e: e["rate"] or 0),
        "window_hours": window_h,
    }


def _quantiles(values: Sequence[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0, "median_min": None, "p90_min": None}
    ordered = sorted(values)

    def q(p: float) -> float:
        k = (len(ordered) - 1) * p
        lo, hi = math.floor(k), math.ceil(k)
        return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)

    return {"n": len(ordered), "median_min": round(q(0.5) / 60, 1), "p90_min": round(q(0.9) / 60, 1)}


def alarm_stats(
    user: Any,
    region_code: str | None = None,
    enterprise_id: int | None = None,
    days: int = 30,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    transitions = access.restrict(AlarmTransition.objects.all(), user, "view", "alarm")
    transitions = _in_region(transitions, "alarm__enterprise__county__code", region_code)
    alarms = access.restrict(Alarm.objects.all(), user, "view", "alarm")
    alarms = _in_region(alarms, "enterprise__county__code", region_code)
    if enterprise_id:
        transitions = transitions.filter(alarm__enterprise_id=enterprise_id)
        alarms = alarms.filter(enterprise_id=enterprise_id)
    rows = list(
        transitions.filter(at__gte=since)
        .filter(kind__in=[*ACTIVATIONS, TransitionKind.ACKNOWLEDGED, TransitionKind.CLOSED])
        .order_by("alarm_id", "at", "id")
        .values_list(
            "alarm_id", "kind", "at", "severity", "alarm__point_id", "alarm__enterprise_id", "alarm__started_at"
        )
    )
    days_list = [
        (now - dt.timedelta(days=i)).astimezone(timezone.get_current_timezone()).date() for i in range(days - 1, -1, -1)
    ]
    per_day: dict[dt.date, Counter[str]] = {day: Counter() for day in days_list}
    activations_by_point: dict[int, list[float]] = defaultdict(list)
    by_enterprise: Counter[int] = Counter()
    by_point: Counter[int] = Counter()
    ack_times: list[float] = []
    close_times: list[float] = []
    last_activation: dict[int, dt.datetime] = {}
    for alarm_id, kind, when, severity, point_id, ent_id, started in rows:
        if kind in ACTIVATIONS:
            day = timezone.localtime(when).date()
            if day in per_day:
                per_day[day][severity] += 1
            last_activation[alarm_id] = when
            by_enterprise[ent_id] += 1
            if point_id:
                activations_by_point[point_id].append(when.timestamp())
                by_point[point_id] += 1
        elif kind == TransitionKind.ACKNOWLEDGED and alarm_id in last_activation:
            ack_times.append((when - last_activation.pop(alarm_id)).total_seconds())
        elif kind == TransitionKind.CLOSED:
            close_times.append((when - started).total_seconds())
    standing_before = now - dt.timedelta(hours=conf.get("MONITORING_STANDING_HOURS"))
    standing = alarms.filter(closed_at__isnull=True, active=True, activated_at__lt=standing_before)
    chattering_ids = [pid for pid, times in activations_by_point.items() if rules.chattering(times)]
    points = {
        p.pk: p
        for p in MonitoringPoint.objects.filter(
            pk__in=set(chattering_ids) | {pid for pid, _n in by_point.most_common(10)}
        ).select_related("enterprise")
    }
    top = [eid for eid, _n in by_enterprise.most_common(10)]
    enterprises = {e.pk: e for e in Enterprise.objects.filter(pk__in=top)}
    total = sum(sum(c.values()) for c in per_day.values())
    return {
        "days": days,
        "per_day": [
            {
                "date": day.isoformat(),
                **{s: per_day[day][s] for s in Severity.values()},
                "total": sum(per_day[day].values()),
            }
            for day in days_list
        ],
        "total": total,
        "per_day_average": round(total / days, 1) if days else 0,
        "open": alarms.filter(closed_at__isnull=True).count(),
        "active": alarms.filter(closed_at__isnull=True, active=True).count(),
        "unacknowledged": alarms.filter(closed_at__isnull=True, acknowledged=False).count(),
        "standing": standing.count(),
        "standing_alarms": list(standing.select_related("point", "enterprise")[:20]),
        "chattering": [points[pid] for pid in chattering_ids if pid in points],
        "time_to_acknowledge": _quantiles(ack_times),
        "time_to_close": _quantiles(close_times),
        "top_points": [(points[pid], n) for pid, n in by_point.most_common(10) if pid in points],
        "top_enterprises": [(enterprises[eid], n) for eid, n in by_enterprise.most_common(10) if eid in enterprises],
        "by_severity": {s: sum(per_day[d][s] for d in days_list) for s in Severity.values()},
    }


def open_alarm_counts(user: Any, region_code: str | None = None) -> dict[str, Any]:
    alarms = _in_region(
        access.restrict(Alarm.objects.filter(closed_at__isnull=True), user, "view", "alarm"),
        "enterprise__county__code",
        region_code,
    )
    by_severity = Counter(alarms.filter(active=True).values_list("severity", flat=True))
    return {
        "open": alarms.count(),
        "active": sum(by_severity.values()),
        "unacknowledged": alarms.filter(acknowledged=False).count(),
        "escalated": alarms.filter(tier__gte=1).count(),
        "by_severity": {s: by_severity.get(s, 0) for s in Severity.values()},
    }
