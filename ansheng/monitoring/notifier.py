"""The notifier: announces alarm transitions, repeats unacknowledged alarms and escalates them from the enterprise to
the county and the city (healthchecks' flips + Alertmanager's repeat_interval + Zabbix's escalation steps).

Work is claimed with conditional updates (`UPDATE … WHERE notify = 'pending'`, `… WHERE tier = <seen>`,
`… WHERE last_notified_at = <seen>`): of two notifier workers, exactly one wins each item, so no notice is sent twice.
Notices go through `ansheng.core.services.do_notify` (in the platform, then e-mail/SMS by the core notify worker).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ansheng.core.choices import Role
from ansheng.core.models import User
from ansheng.core.services import do_notify
from ansheng.domain import alarm_rules as rules
from ansheng.monitoring import conf
from ansheng.monitoring.choices import AlarmLevel, NotifyState, Severity, TransitionKind, WarningColour
from ansheng.monitoring.engine import transition
from ansheng.monitoring.models import Alarm, AlarmTransition

logger = logging.getLogger("ansheng.monitoring.notifier")

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
STALE_CLAIM = dt.timedelta(minutes=5)


def recipients(alarm: Alarm, tier: int | None = None) -> list[User]:
    """Who hears of an alarm at a tier: the enterprise's administrators and the hazard source's 包保 persons
    (tier 0); the county's supervisors (tier 1); the city's supervisors and administrators (tier 2)."""
    tier = alarm.tier if tier is None else tier
    people: dict[int, User] = {}
    enterprise_q = Q(enterprise_id=alarm.enterprise_id, role=Role.ENTERPRISE_ADMIN)
    if alarm.hazard_source_id:
        enterprise_q |= Q(hazard_duties__source_id=alarm.hazard_source_id, enterprise_id=alarm.enterprise_id)
    for user in User.objects.filter(enterprise_q, is_active=True).distinct():
        people[user.pk] = user
    county = alarm.enterprise.county_id
    if tier >= 1:
        for user in User.objects.filter(role=Role.COUNTY_SUPERVISOR, region_id=county, is_active=True):
            people[user.pk] = user
    if tier >= 2:
        city = county[:4] + "00"
        for user in User.objects.filter(
            Q(region_id=city) | Q(region__isnull=True), role__in=[Role.CITY_SUPERVISOR, Role.CITY_ADMIN], is_active=True
        ):
            people[user.pk] = user
    return list(people.values())


def describe(alarm: Alarm) -> str:
    what = alarm.point.name if alarm.point_id else alarm.enterprise.name
    level = AlarmLevel.label(alarm.level)
    value = ""
    if alarm.last_value is not None and alarm.point_id:
        value = f" {alarm.last_value:g}{alarm.point.unit}"
    return f"【{Severity.label(alarm.severity)}】{alarm.enterprise.name} {what} {level}{value}"


def _body(alarm: Alarm, kind: str) -> str:
    lines = [
        str(TransitionKind.label(kind)),
        _("企业：%(name)s") % {"name": alarm.enterprise.name},
    ]
    if alarm.point_id:
        lines.append(_("测点：%(name)s（%(code)s）") % {"name": alarm.point.name, "code": alarm.point.code})
    if alarm.threshold is not None:
        lines.append(_("阈值：%(value)g") % {"value": alarm.threshold})
    lines.append(_("首次报警：%(at)s") % {"at": timezone.localtime(alarm.started_at).strftime("%Y-%m-%d %H:%M:%S")})
    if alarm.tier:
        tiers = [_("企业"), _("区县应急局"), _("市应急局")]
        lines.append(_("已上报至：%(tier)s") % {"tier": tiers[min(alarm.tier, 2)]})
    return "\n".join(lines)


def _title(alarm: Alarm, kind: str) -> str:
    prefix = {
        TransitionKind.CLEARED: _("[已恢复] "),
        TransitionKind.ESCALATED: _("[逐级上报] "),
        TransitionKind.SEVERITY_RAISED: _("[级别升高] "),
        TransitionKind.UNSUPPRESSED: _("[维护结束仍报警] "),
        TransitionKind.UNSHELVED: _("[搁置到期] "),
    }.get(kind, "")
    return prefix + describe(alarm)


def deliver_transitions(*, now: dt.datetime | None = None, worker: str = WORKER_ID, batch: int = 100) -> int:
    """Announce pending transitions; each one is claimed by one worker only."""
    now = now or timezone.now()
    # A worker that died holding a claim: after a while its rows are pending again (dedup keys keep it once-only).
    AlarmTransition.objects.filter(notify=NotifyState.CLAIMED, claimed_at__lt=now - STALE_CLAIM).update(
        notify=NotifyState.PENDING
    )
    handled = 0
    pending = AlarmTransition.objects.filter(notify=NotifyState.PENDING).order_by("at", "id")
    for transition_id in list(pending.values_list("pk", flat=True)[:batch]):
        won = AlarmTransition.objects.filter(pk=transition_id, notify=NotifyState.PENDING).update(
            notify=NotifyState.CLAIMED, claimed_at=now, claimed_by=worker[:64]
        )
        if not won:
            continue
        row = AlarmTransition.objects.select_related("alarm", "alarm__enterprise", "alarm__point").get(pk=transition_id)
        alarm = row.alarm
        people = recipients(alarm, row.tier)
        with transaction.atomic():
            notes = do_notify(
                people,
                kind=f"alarm.{row.kind}",
                title=_title(alarm, row.kind),
                body=_body(alarm, row.kind),
                url=reverse("monitoring:alarm", args=[alarm.pk]),
                dedup_key=f"alarm-transition:{row.pk}",
            )
            AlarmTransition.objects.filter(pk=row.pk).update(notify=NotifyState.DONE, notified=len(notes))
            if row.kind != TransitionKind.CLEARED:
                Alarm.objects.filter(pk=alarm.pk).update(last_notified_at=now)
        handled += 1
    return handled


def escalate(*, now: dt.datetime | None = None) -> int:
    """Raise the tier of alarms not acknowledged or not handled in time (enterprise → county → city)."""
    now = now or timezone.now()
    policy = conf.escalation_policy()
    escalated = 0
    candidates = (
        Alarm.objects.filter(closed_at__isnull=True, suppressed=False, tier__lt=2)
        .filter(Q(shelved_until__isnull=True) | Q(shelved_until__lte=now))
        .select_related("enterprise")
    )
    for alarm in candidates:
        target = rules.escalation_tier(
            severity=rules.Severity.parse(alarm.severity),
            active_since=alarm.activated_at.timestamp(),
            acknowledged_at=alarm.acknowledged_at.timestamp() if alarm.acknowledged and alarm.acknowledged_at else None,
            closed=False,
            current_tier=alarm.tier,
            now=now.timestamp(),
            policy=policy,
        )
        if target <= alarm.tier:
            continue
        with transaction.atomic():
            won = Alarm.objects.filter(pk=alarm.pk, tier=alarm.tier, closed_at__isnull=True).update(
                tier=target, tier_at=now
            )
            if not won:
                continue
            alarm.tier, alarm.tier_at = target, now
            reason = _("未按时确认") if not alarm.acknowledged else _("未按时处置反馈")
            transition(alarm, TransitionKind.ESCALATED, value=alarm.last_value, when=now, note=str(reason))
        escalated += 1
    return escalated


def remind(*, now: dt.datetime | None = None) -> int:
    """Announce unacknowledged open alarms again every MONITORING_REPEAT_MIN minutes."""
    now = now or timezone.now()
    policy = conf.escalation_policy()
    if policy.repeat_every is None:
        return 0
    due_before = now - dt.timedelta(seconds=policy.repeat_every)
    sent = 0
    rows = Alarm.objects.filter(
        Q(shelved_until__isnull=True) | Q(shelved_until__lte=now),
        closed_at__isnull=True,
        acknowledged=False,
        suppressed=False,
        last_notified_at__lte=due_before,
    ).select_related("enterprise", "point")
    for alarm in rows:
        won = Alarm.objects.filter(pk=alarm.pk, last_notified_at=alarm.last_notified_at, acknowledged=False).update(
            last_notified_at=now
        )
        if not won:
            continue
        do_notify(
            recipients(alarm),
            kind="alarm.reminder",
            title=_("[未确认提醒] ") + describe(alarm),
            body=_body(alarm, TransitionKind.RAISED),
            url=reverse("monitoring:alarm", args=[alarm.pk]),
            dedup_key=f"alarm-reminder:{alarm.pk}:{int(now.timestamp())}",
        )
        sent += 1
    return sent


def announce_warning(enterprise_id: int, colour: str, reasons: Iterable[dict[str, Any]]) -> None:
    """Tell the enterprise and its county when its early warning rises (to orange or red, the county too)."""
    from ansheng.enterprises.models import Enterprise

    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        return
    people = list(User.objects.filter(enterprise_id=enterprise_id, role=Role.ENTERPRISE_ADMIN, is_active=True))
    if WarningColour.RANK.get(colour, 0) >= WarningColour.RANK[WarningColour.ORANGE]:
        people += list(User.objects.filter(role=Role.COUNTY_SUPERVISOR, region_id=enterprise.county_id, is_active=True))
    text = "；".join(str(r.get("zh", "")) for r in reasons)
    do_notify(
        people,
        kind="monitoring.warning",
        title=f"{WarningColour.label(colour)}：{enterprise.name}",
        body=text,
        url=reverse("monitoring:enterprise", args=[enterprise_id]),
        dedup_key=f"warning:{enterprise_id}:{colour}:{int(timezone.now().timestamp() // 60)}",
    )


def tick(now: dt.datetime | None = None) -> int:
    """One pass of the notifier worker."""
    return escalate(now=now) + deliver_transitions(now=now) + remind(now=now)
