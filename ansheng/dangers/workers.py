"""The deadline worker: reminds the responsible person before a deadline, flags and escalates overdue dangers.

Running it twice notifies nobody twice: reminders and overdue notices carry a dedup key per danger and deadline,
and the escalation is claimed with a conditional update of `escalated_for` (the deadline it escalated), so an
approved extension (a new deadline) can escalate again, once.

Escalation goes up one level: the enterprise's administrators for a 一般 danger, the county bureau for a 重大 one.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ansheng.core.workers import Worker
from ansheng.dangers import conf
from ansheng.dangers.choices import Grade, State
from ansheng.dangers.models import HiddenDanger, today_shanghai

BATCH = 500


def remind_due_soon(now: dt.datetime | None = None) -> int:
    from ansheng.core.services import do_notify
    from ansheng.dangers.services import danger_url

    today = today_shanghai(now)
    horizon = today + dt.timedelta(days=conf.get("DANGERS_WARN_DAYS"))
    sent = 0
    rows = HiddenDanger.objects.filter(
        state__in=State.RUNNING, deadline__gte=today, deadline__lte=horizon, responsible__isnull=False
    ).select_related("enterprise", "responsible")
    for danger in rows.order_by("deadline", "pk")[:BATCH]:
        sent += len(
            do_notify(
                [danger.responsible],
                kind="danger.due_soon",
                title=_("隐患整改期限将至（%(deadline)s）：%(title)s")
                % {"deadline": danger.deadline, "title": danger.title},
                body=f"{danger.number} {danger.enterprise.name}",
                url=danger_url(danger),
                dedup_key=f"danger.due_soon:{danger.pk}:{danger.deadline}",
            )
        )
    return sent


def flag_overdue(now: dt.datetime | None = None) -> int:
    from ansheng.core.audit import append_event
    from ansheng.core.services import do_notify
    from ansheng.dangers.services import county_supervisors, danger_url, enterprise_admins, recompute_colour_later

    today = today_shanghai(now)
    handled = 0
    rows = (
        HiddenDanger.objects.overdue(today)
        .filter(Q(escalated_for__isnull=True) | ~Q(escalated_for=F("deadline")))
        .select_related("enterprise", "responsible")
    )
    for danger in rows.order_by("deadline", "pk")[:BATCH]:
        with transaction.atomic():
            # Claim: of two workers, one moves escalated_for to this deadline and escalates; the other does nothing.
            claimed = (
                HiddenDanger.objects.filter(pk=danger.pk, state__in=State.RUNNING, deadline=danger.deadline)
                .exclude(escalated_for=danger.deadline)
                .update(escalated_for=danger.deadline)
            )
            if not claimed:
                continue
            days = (today - danger.deadline).days
            append_event(
                actor=None,
                event="danger.overdue",
                obj=danger,
                payload={"number": danger.number, "deadline": danger.deadline, "days_overdue": days},
                region_code=danger.enterprise.county_id,
                enterprise_id=danger.enterprise_id,
            )
            body = f"{danger.number} {danger.enterprise.name}"
            title = _("隐患整改已逾期（期限 %(deadline)s）：%(title)s") % {
                "deadline": danger.deadline,
                "title": danger.title,
            }
            do_notify(
                [danger.responsible],
                kind="danger.overdue",
                title=title,
                body=body,
                url=danger_url(danger),
                dedup_key=f"danger.overdue:{danger.pk}:{danger.deadline}",
            )
            upward = (
                county_supervisors(danger.enterprise.county_id)
                if danger.grade == Grade.MAJOR
                else enterprise_admins(danger.enterprise_id)
            )
            do_notify(
                upward,
                kind="danger.escalated",
                title=_("逾期隐患升级提醒：%(title)s（责任人 %(who)s）")
                % {"title": danger.title, "who": danger.responsible.full_name if danger.responsible else "—"},
                body=body,
                url=danger_url(danger),
                dedup_key=f"danger.escalated:{danger.pk}:{danger.deadline}",
            )
            recompute_colour_later(danger.enterprise_id)
            handled += 1
    return handled


def tick() -> int:
    now = timezone.now()
    return flag_overdue(now) + remind_due_soon(now)


DEADLINE_WORKER = Worker(
    "danger-deadlines",
    tick,
    interval=300.0,
    description="hidden dangers: deadline reminders, overdue flags and escalation",
)
