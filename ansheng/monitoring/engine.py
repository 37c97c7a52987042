"""The alarm engine's side effects: turning rule events into alarm rows and transitions, the periodic sweep
(no-data, elapsed on-delays, communications lost, shelving expiry, end of maintenance) and early warnings.

The decisions are `ansheng.domain.alarm_rules`; this module only records them. Every function runs inside the
caller's transaction and locks what it changes (the point's state row by the caller, the alarm row here).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ansheng.core.audit import append_event
from ansheng.domain import alarm_rules as rules
from ansheng.monitoring import conf, store
from ansheng.monitoring.choices import (
    AlarmType,
    NotifyState,
    PointKind,
    Severity,
    TransitionKind,
    WarningColour,
)
from ansheng.monitoring.models import (
    Alarm,
    AlarmTransition,
    EnterpriseWarning,
    MaintenanceWindow,
    WarningChange,
)

logger = logging.getLogger("ansheng.monitoring")

_RULES: dict[tuple[Any, ...], rules.Rule | None] = {}
_MISSING = object()


def no_data_after(row: store.PointRow, defaults: tuple[int, int] | None = None) -> int:
    if row.no_data_after_s:
        return int(row.no_data_after_s)
    factor, minimum = defaults or (conf.get("MONITORING_NO_DATA_FACTOR"), conf.get("MONITORING_NO_DATA_MIN_S"))
    return max(row.interval_s * factor, minimum)


def rule_defaults() -> tuple[int, int, str]:
    """The settings every point's rule depends on, read once per batch (not once per point)."""
    return (
        conf.get("MONITORING_NO_DATA_FACTOR"),
        conf.get("MONITORING_NO_DATA_MIN_S"),
        conf.get("MONITORING_NO_DATA_SEVERITY"),
    )


def rule_for(row: store.PointRow, defaults: tuple[int, int, str] | None = None) -> rules.Rule | None:
    """The domain rule of a point (cached by its settings); None when the stored settings cannot make a rule."""
    factor, minimum, severity = defaults or rule_defaults()
    key = (
        row.kind,
        row.ll,
        row.l,
        row.h,
        row.hh,
        row.deadband,
        row.on_delay_s,
        row.normal_value,
        row.severity_1,
        row.severity_2,
        no_data_after(row, (factor, minimum)),
        severity,
    )
    rule = _RULES.get(key, _MISSING)
    if rule is not _MISSING:
        return rule  # type: ignore[return-value]
    try:
        rule = rules.Rule(
            ll=row.ll,
            l=row.l,
            h=row.h,
            hh=row.hh,
            deadband=row.deadband,
            on_delay=row.on_delay_s,
            normal_value=row.normal_value if row.kind in PointKind.DISCRETE else None,
            severity_1=row.severity_1,
            severity_2=row.severity_2,
            no_data_after=key[10],
            no_data_severity=key[11],
            gas=row.kind in PointKind.GAS,
        )
    except rules.AlarmRuleError as exc:
        logger.error("point %s (%s): alarm settings unusable, not evaluated: %s", row.id, row.code, exc.message_en)
        rule = None
    if len(_RULES) > 20_000:
        _RULES.clear()
    _RULES[key] = rule
    return rule


def state_of(row: store.PointRow) -> rules.State:
    if not row.rule_state:
        return rules.State(None if row.last_ts is None else row.last_ts / 1000, row.last_value)
    data: object = None
    if row.rule_state:
        try:
            data = json.loads(row.rule_state)
        except ValueError:
            data = None
    return rules.State.from_json(data, None if row.last_ts is None else row.last_ts / 1000, row.last_value)


def dump_state(state: rules.State) -> str:
    if not state.active and not state.pending:
        return ""
    data = state.to_json()
    return json.dumps(data, separators=(",", ":")) if data else ""


def to_ms(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000)


def at(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def rank(severity: str) -> int:
    return Severity.RANK.get(severity, 0)


# --- transitions ---------------------------------------------------------------------------------------------------


def transition(
    alarm: Alarm,
    kind: str,
    *,
    actor: Any = None,
    value: float | None = None,
    note: str = "",
    when: dt.datetime | None = None,
    county_code: str | None = None,
) -> AlarmTransition:
    """Record one change of an alarm: a transition row (pending notification when the kind is announced and the
    alarm is neither suppressed nor shelved) and its hash-chained audit event."""
    when = when or timezone.now()
    announced = kind in TransitionKind.NOTIFY and not alarm.suppressed and not alarm.is_shelved(when)
    row = AlarmTransition.objects.create(
        alarm=alarm,
        at=when,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", None) or "system",
        severity=alarm.severity,
        active=alarm.active,
        acknowledged=alarm.acknowledged,
        tier=alarm.tier,
        value=value,
        note=note,
        notify=NotifyState.PENDING if announced else NotifyState.SKIPPED,
    )
    if county_code is None:
        county_code = alarm.enterprise.county_id
    append_event(
        actor=actor,
        event=f"alarm.{kind}",
        obj=alarm,
        payload={
            "transition": row.pk,
            "at": when,
            "point": alarm.point_id,
            "type": alarm.type,
            "level": alarm.level,
            "severity": alarm.severity,
            "active": alarm.active,
            "acknowledged": alarm.acknowledged,
            "tier": alarm.tier,
            "value": value,
            "note": note,
        },
        region_code=county_code or "",
        enterprise_id=alarm.enterprise_id,
    )
    return row


def _in_maintenance(enterprise_id: int, hazard_source_id: int | None, point_id: int | None, when: dt.datetime) -> bool:
    scope = Q(point__isnull=True, hazard_source__isnull=True)
    if point_id is not None:
        scope |= Q(point_id=point_id)
    if hazard_source_id is not None:
        scope |= Q(hazard_source_id=hazard_source_id, point__isnull=True)
    return MaintenanceWindow.objects.filter(
        scope, enterprise_id=enterprise_id, cancelled_at__isnull=True, starts_at__lte=when, ends_at__gt=when
    ).exists()


def _open_alarm(enterprise_id: int, point_id: int | None, alarm_type: str) -> Alarm | None:
    rows = Alarm.objects.select_for_update().filter(
        enterprise_id=enterprise_id, type=alarm_type, closed_at__isnull=True
    )
    rows = rows.filter(point_id=point_id) if point_id is not None else rows.filter(point__isnull=True)
    return rows.first()


def _raise(
    *,
    enterprise_id: int,
    county_code: str,
    point_id: int | None,
    hazard_source_id: int | None,
    alarm_type: str,
    level: str,
    severity: str,
    value: float | None,
    threshold: float | None,
    when: dt.datetime,
) -> Alarm:
    alarm = _open_alarm(enterprise_id, point_id, alarm_type)
    if alarm is None:
        alarm = Alarm(
            enterprise_id=enterprise_id,
            point_id=point_id,
            hazard_source_id=hazard_source_id,
            type=alarm_type,
            level=level,
            severity=severity,
            active=True,
            acknowledged=False,
            started_at=when,
            activated_at=when,
            last_at=when,
            first_value=value,
            last_value=value,
            peak_value=value,
            threshold=threshold,
            suppressed=_in_maintenance(enterprise_id, hazard_source_id, point_id, when),
            last_notified_at=when,
        )
        try:
            with transaction.atomic():
                alarm.save(force_insert=True)
        except IntegrityError:  # another worker opened it a moment ago: take theirs
            existing = _open_alarm(enterprise_id, point_id, alarm_type)
            if existing is None:  # pragma: no cover - the unique index says it exists
                raise
            alarm = existing
        else:
            transition(alarm, TransitionKind.RAISED, value=value, when=when, county_code=county_code)
            return alarm
    if alarm.active:
        # Already active (the state was reset or a worker restarted): at most a rise in severity.
        _rise(alarm, level, severity, value, threshold, when, county_code)
        return alarm
    alarm.active = True
    alarm.acknowledged = False  # a new occurrence needs a new acknowledgement (ISA-18.2)
    alarm.count += 1
    alarm.activated_at = alarm.last_at = when
    alarm.cleared_at = None
    alarm.level, alarm.severity, alarm.threshold = level, severity, threshold
    alarm.last_value = alarm.peak_value = value
    alarm.suppressed = _in_maintenance(enterprise_id, hazard_source_id, point_id, when)
    alarm.last_notified_at = when
    alarm.save()
    transition(alarm, TransitionKind.REACTIVATED, value=value, when=when, county_code=county_code)
    return alarm


def _rise(
    alarm: Alarm,
    level: str,
    severity: str,
    value: float | None,
    threshold: float | None,
    when: dt.datetime,
    county_code: str,
) -> None:
    if rank(severity) <= rank(alarm.severity) and level == alarm.level:
        return
    if rank(severity) > rank(alarm.severity):
        alarm.acknowledged = False  # a rise in severity needs a fresh acknowledgement
    alarm.level, alarm.threshold = level, threshold
    alarm.severity = max(alarm.severity, severity, key=rank)
    alarm.last_value, alarm.last_at = value, when
    alarm.save()
    transition(alarm, TransitionKind.SEVERITY_RAISED, value=value, when=when, county_code=county_code)


def _clear(alarm: Alarm, value: float | None, when: dt.datetime, county_code: str) -> None:
    alarm.active = False
    alarm.cleared_at = when
    if value is not None:
        alarm.last_value = value
    alarm.last_at = when
    alarm.save()
    transition(alarm, TransitionKind.CLEARED, value=value, when=when, county_code=county_code)
    if alarm.suppressed:
        # Raised and returned within planned maintenance: nothing for anyone to handle.
        alarm.closed_at = when
        alarm.cause = "计划维护期间产生并已恢复"
        alarm.measures = "维护窗口内，系统自动关闭"
        alarm.save(update_fields=["closed_at", "cause", "measures"])
        transition(alarm, TransitionKind.CLOSED, when=when, note="maintenance", county_code=county_code)


def apply_events(row: store.PointRow, events: Sequence[rules.Event]) -> None:
    """Record one point's rule events in order."""
    gas = row.kind in PointKind.GAS
    for event in events:
        when = at(event.ts)
        level = rules.level_code(event.alarm_type, event.level, gas=gas)
        severity = event.severity.code
        if event.action == rules.RAISE:
            _raise(
                enterprise_id=row.enterprise_id,
                county_code=row.county_code,
                point_id=row.id,
                hazard_source_id=row.hazard_source_id,
                alarm_type=event.alarm_type,
                level=level,
                severity=severity,
                value=event.value,
                threshold=event.threshold,
                when=when,
            )
            continue
        alarm = _open_alarm(row.enterprise_id, row.id, event.alarm_type)
        if alarm is None or not alarm.active:
            continue  # the alarm was closed meanwhile (it cannot be while active) or never recorded
        if event.action == rules.ESCALATE:
            _rise(alarm, level, severity, event.value, event.threshold, when, row.county_code)
        else:
            _clear(alarm, event.value, when, row.county_code)


def apply_touches(touches: dict[int, tuple[rules.Touch, ...]]) -> None:
    """Carry the latest value and the peak of alarms that stayed active through a batch onto their rows."""
    if not touches:
        return
    by_key = {(pid, touch.alarm_type): touch for pid, items in touches.items() for touch in items}
    rows = Alarm.objects.filter(point_id__in=list(touches), closed_at__isnull=True, active=True)
    changed = []
    for alarm in rows:
        touch = by_key.get((alarm.point_id, alarm.type))
        if touch is None:
            continue
        worse = max if alarm.type != AlarmType.LOW else min
        alarm.last_value = touch.value
        alarm.last_at = at(touch.ts)
        alarm.peak_value = touch.peak if alarm.peak_value is None else worse(alarm.peak_value, touch.peak)
        changed.append(alarm)
    if changed:
        Alarm.objects.bulk_update(changed, ["last_value", "last_at", "peak_value"])


# --- the sweep -----------------------------------------------------------------------------------------------------


def sweep_points(now: dt.datetime, *, detect_silence: bool = True) -> set[int]:
    """No-data alarms, elapsed on-delays and communications lost, for every point and enterprise. Returns the
    enterprises whose alarms changed. Without ``detect_silence`` (just after the platform started: the silence may be
    the platform's own downtime) nothing new is raised for silence, but what has resumed is still cleared."""
    now_ms = int(now.timestamp() * 1000)
    now_s = now_ms / 1000
    touched: set[int] = set()
    comm_after = conf.get("MONITORING_COMM_LOST_AFTER_S")
    # Enterprises whose every reporting point has been silent: one communications-lost alarm each.
    last_seen = store.load_enterprise_last_seen()
    lost = {eid for eid, last in last_seen.items() if rules.comm_lost([last / 1000], now_s, comm_after)}
    if not detect_silence:
        lost_now = lost
        lost = set()
    open_comm = {
        alarm.enterprise_id: alarm
        for alarm in Alarm.objects.filter(
            type=AlarmType.COMM_LOST, point__isnull=True, closed_at__isnull=True
        ).select_related("enterprise")
    }
    for enterprise_id in sorted(lost):
        alarm = open_comm.get(enterprise_id)
        if alarm is None or not alarm.active:
            with transaction.atomic():
                county = store.county_of(enterprise_id)
                when = at(last_seen[enterprise_id] / 1000 + comm_after)
                _raise(
                    enterprise_id=enterprise_id,
                    county_code=county,
                    point_id=None,
                    hazard_source_id=None,
                    alarm_type=AlarmType.COMM_LOST,
                    level="comm_lost",
                    severity=conf.get("MONITORING_COMM_LOST_SEVERITY"),
                    value=None,
                    threshold=None,
                    when=when,
                )
            touched.add(enterprise_id)
    for enterprise_id, alarm in open_comm.items():
        if alarm.active and enterprise_id not in (lost if detect_silence else lost_now):
            with transaction.atomic():
                locked = Alarm.objects.select_for_update().get(pk=alarm.pk)
                if locked.active:
                    seen = last_seen.get(enterprise_id)
                    _clear(locked, None, at(seen / 1000) if seen else now, alarm.enterprise.county_id)
            touched.add(enterprise_id)
    # Points: silent ones (not yet flagged) and those with a pending on-delay.
    min_silence = conf.get("MONITORING_NO_DATA_MIN_S") * 1000
    where = (
        "p.in_service = %s AND s.last_ts IS NOT NULL AND ((s.last_ts < %s AND s.rule_state NOT LIKE %s) "
        "OR s.rule_state LIKE %s)"
    )
    candidates = [
        row.id for row in store.load_points_where(where, [True, now_ms - min_silence, '%"no_data"%', '%"p":%'])
    ]
    for start in range(0, len(candidates), 500):
        with transaction.atomic():
            chunk = candidates[start : start + 500]
            store.lock_enterprises(store.enterprises_of(chunk))
            rows = store.load_points(chunk, lock=False)
            saves = []
            for row in rows.values():
                rule = rule_for(row)
                if rule is None:
                    continue
                outcome = rules.sweep(
                    rule, state_of(row), now_s, inhibit_no_data=row.enterprise_id in lost or not detect_silence
                )
                if outcome.events:
                    apply_events(row, outcome.events)
                    touched.add(row.enterprise_id)
                new_state = dump_state(outcome.state)
                if new_state != row.rule_state:
                    saves.append((row.id, row.last_ts, row.last_value, new_state))
            store.save_states(saves)
    return touched


def expire_shelving(now: dt.datetime) -> set[int]:
    """Shelving always ends: alarms whose shelving expired are announced again if still open."""
    touched = set()
    for alarm_id in Alarm.objects.filter(shelved_until__lte=now, closed_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            alarm = (
                Alarm.objects.select_for_update()
                .select_related("enterprise")
                .filter(pk=alarm_id, shelved_until__lte=now, closed_at__isnull=True)
                .first()
            )
            if alarm is None:
                continue
            alarm.shelved_until = None
            alarm.save(update_fields=["shelved_until"])
            transition(alarm, TransitionKind.UNSHELVED, when=now, note="expired")
            touched.add(alarm.enterprise_id)
    return touched


def end_maintenance(now: dt.datetime) -> set[int]:
    """Alarms still active when their maintenance window is over are announced (ISA-18.2 return from suppression)."""
    touched = set()
    for alarm in Alarm.objects.filter(suppressed=True, active=True, closed_at__isnull=True).select_related(
        "enterprise"
    ):
        if _in_maintenance(alarm.enterprise_id, alarm.hazard_source_id, alarm.point_id, now):
            continue
        with transaction.atomic():
            locked = Alarm.objects.select_for_update().select_related("enterprise").get(pk=alarm.pk)
            if not locked.suppressed or locked.closed_at is not None:
                continue
            locked.suppressed = False
            locked.last_notified_at = now
            locked.save(update_fields=["suppressed", "last_notified_at"])
            transition(locked, TransitionKind.UNSUPPRESSED, value=locked.last_value, when=now)
            touched.add(locked.enterprise_id)
    return touched


# --- early warning -------------------------------------------------------------------------------------------------


def warning_facts(enterprise_id: int, now: dt.datetime) -> list[rules.AlarmFact]:
    """The alarms the warning rule weighs: every open active alarm, and every activation within the rule's window."""
    rule = conf.warning_rule()
    since = now - dt.timedelta(seconds=rule.window)
    facts = []
    open_active = Alarm.objects.filter(enterprise_id=enterprise_id, closed_at__isnull=True, active=True)
    current = {}
    for alarm in open_active:
        current[alarm.pk] = alarm.activated_at
        facts.append(
            rules.AlarmFact(
                rules.Severity.parse(alarm.severity),
                True,
                alarm.acknowledged,
                alarm.activated_at.timestamp(),
                str(alarm.hazard_source_id or alarm.point_id or "enterprise"),
                counted=not alarm.suppressed and not alarm.is_shelved(now),
            )
        )
    activations = AlarmTransition.objects.filter(
        alarm__enterprise_id=enterprise_id, kind__in=[TransitionKind.RAISED, TransitionKind.REACTIVATED], at__gte=since
    ).values_list("alarm_id", "at", "severity", "alarm__suppressed")
    for alarm_id, when, severity, suppressed in activations:
        if current.get(alarm_id) == when:
            continue  # the activation of an alarm that is still active: counted above
        facts.append(
            rules.AlarmFact(rules.Severity.parse(severity), False, True, when.timestamp(), None, counted=not suppressed)
        )
    return facts


def refresh_warnings(enterprise_ids: Iterable[int], now: dt.datetime | None = None) -> dict[int, str]:
    """Recompute the early warning of each enterprise; a change is recorded, audited and announced."""
    from ansheng.monitoring.notifier import announce_warning

    now = now or timezone.now()
    rule = conf.warning_rule()
    changed: dict[int, str] = {}
    for enterprise_id in sorted(set(enterprise_ids)):
        result = rules.enterprise_warning(warning_facts(enterprise_id, now), now.timestamp(), rule)
        colour = result.colour or WarningColour.NONE
        reasons = [{"code": r.code, "zh": r.message_zh, "en": r.message_en} for r in result.reasons]
        with transaction.atomic():
            current = EnterpriseWarning.objects.select_for_update().filter(enterprise_id=enterprise_id).first()
            if current is None:
                if colour == WarningColour.NONE:
                    continue
                current = EnterpriseWarning(enterprise_id=enterprise_id, colour="", since=now)
            previous = current.colour
            current.reasons = reasons
            current.computed_at = now
            if previous != colour:
                current.colour = colour
                current.since = now
                WarningChange.objects.create(
                    enterprise_id=enterprise_id, at=now, previous=previous, colour=colour, reasons=reasons
                )
                county = store.county_of(enterprise_id)
                append_event(
                    actor=None,
                    event="monitoring.warning_changed",
                    object_type="enterprises.enterprise",
                    object_id=str(enterprise_id),
                    payload={"previous": previous, "colour": colour, "reasons": [r["code"] for r in reasons]},
                    region_code=county,
                    enterprise_id=enterprise_id,
                )
                changed[enterprise_id] = colour
                if WarningColour.RANK[colour] > WarningColour.RANK[previous]:
                    transaction.on_commit(lambda e=enterprise_id, c=colour, r=reasons: announce_warning(e, c, r))
            current.save()
    if changed:
        _recolour(changed)
    return changed


def _recolour(changed: dict[int, str]) -> None:
    """An enterprise's early warning is an input of its risk colour (the dual-prevention app's rule)."""
    from django.apps import apps

    if apps.is_installed("ansheng.risks"):
        from ansheng.risks.colour import recompute_enterprise_colours

        recompute_enterprise_colours(list(changed))


def run_sweep(now: dt.datetime | None = None, *, detect_silence: bool = True) -> int:
    """One pass of the alarm sweep worker; returns how many enterprises it touched."""
    now = now or timezone.now()
    touched = sweep_points(now, detect_silence=detect_silence) | expire_shelving(now) | end_maintenance(now)
    # Time alone moves warnings too (an alarm left unacknowledged, activations leaving the window).
    watched = set(touched)
    watched.update(Alarm.objects.filter(closed_at__isnull=True).values_list("enterprise_id", flat=True).distinct())
    watched.update(EnterpriseWarning.objects.exclude(colour="").values_list("enterprise_id", flat=True))
    refresh_warnings(watched, now)
    return len(touched)
