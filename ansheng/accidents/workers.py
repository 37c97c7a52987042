"""The reporting clock worker: freezes figures when the re-count window closes, and warns the level that must
report when a link of the chain is about to fall due or is overdue, and when a follow-up is due."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from ansheng.accidents.choices import Status, StepState
from ansheng.accidents.models import Accident, ReportStep
from ansheng.core.workers import Worker

WARN_BEFORE = dt.timedelta(minutes=30)


def _recipients(step: ReportStep) -> list:
    from ansheng.accidents import services

    if step.sender == "enterprise":
        return services.enterprise_admins(step.accident) or services.county_supervisors(step.accident)
    if step.sender == "county":
        return services.county_supervisors(step.accident)
    return services.city_supervisors()


def warn_due_steps(now: dt.datetime | None = None) -> int:
    from ansheng.core.services import do_notify

    now = now or timezone.now()
    sent = 0
    steps = ReportStep.objects.filter(
        tracked=True, state=StepState.PENDING, deadline__lte=now + WARN_BEFORE, accident__status__in=Status.OPEN
    ).select_related("accident")
    for step in steps[:200]:
        overdue = step.deadline <= now
        sender, recipient = step.labels()
        kind = "overdue" if overdue else "due"
        title = (
            _("事故迟报：%(s)s 应于 %(t)s 前报 %(r)s")
            if overdue
            else _("事故上报即将到时：%(s)s 应于 %(t)s 前报 %(r)s")
        ) % {"s": sender, "r": recipient, "t": timezone.localtime(step.deadline).strftime("%m-%d %H:%M")}
        created = do_notify(
            _recipients(step),
            kind=f"accident.step_{kind}",
            title=title,
            body=f"{step.accident.number} {step.accident.unit_name}",
            url=f"/accidents/{step.accident_id}/",
            dedup_key=f"accident.step_{kind}:{step.pk}",
        )
        sent += len(created)
    return sent


def warn_due_followups(now: dt.datetime | None = None) -> int:
    from ansheng.accidents import services
    from ansheng.core.services import do_notify

    now = now or timezone.now()
    sent = 0
    for accident in Accident.objects.filter(status__in=Status.OPEN, next_followup_due__lte=now)[:200]:
        users = services.enterprise_admins(accident) or services.county_supervisors(accident)
        created = do_notify(
            users,
            kind="accident.followup_due",
            title=_("事故续报已到时限：%(unit)s") % {"unit": accident.unit_name},
            body=accident.number,
            url=f"/accidents/{accident.pk}/",
            dedup_key=f"accident.followup_due:{accident.pk}:{accident.next_followup_due.isoformat()}",
        )
        sent += len(created)
    return sent


def tick() -> int:
    from ansheng.accidents.services import freeze_due_figures

    now = timezone.now()
    return freeze_due_figures(now=now) + warn_due_steps(now) + warn_due_followups(now)


CLOCK_WORKER = Worker(
    "accident-clock",
    tick,
    interval=30.0,
    description="accident reporting clock: due and overdue reports, figure freezing",
)
