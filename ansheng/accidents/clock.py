"""The reporting clock as the pages show it: each link of the chain with its countdown, who may record it, and
what is late. The arithmetic is ``ansheng.domain.report_clock``; this module only arranges it for a viewer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone, translation

from ansheng.accidents.choices import Channel, Status, StepState
from ansheng.accidents.models import Accident, ReportStep
from ansheng.core import access
from ansheng.domain import report_clock
from ansheng.domain.report_clock import Countdown


def _language() -> str:
    return "en" if (translation.get_language() or "zh-hans").startswith("en") else "zh"


def countdown_text(value: Countdown) -> str:
    return value.text_en if _language() == "en" else value.text_zh


def delay_text(seconds: int | None) -> str:
    if not seconds:
        return ""
    return report_clock.duration_text(dt.timedelta(seconds=seconds), _language())


@dataclass
class StepView:
    step: ReportStep
    sender: str
    recipient: str
    channel: Any
    countdown: Countdown | None
    mine: bool

    @property
    def countdown_text(self) -> str:
        return countdown_text(self.countdown) if self.countdown else ""

    @property
    def late_text(self) -> str:
        return delay_text(self.step.late_seconds)

    @property
    def state(self) -> str:
        return self.step.state

    @property
    def overdue(self) -> bool:
        return bool(self.countdown and self.countdown.overdue)


def may_record(user: Any, accident: Accident, step: ReportStep) -> bool:
    from ansheng.accidents.services import may_send

    return (
        step.tracked
        and step.state in {StepState.PENDING, StepState.NOT_REPORTED}
        and accident.status not in {Status.WITHDRAWN, Status.CLOSED}
        and access.can(user, "record_step", "accident")
        and may_send(user, accident, step.sender)
    )


def step_views(accident: Accident, user: Any, now: dt.datetime | None = None) -> list[StepView]:
    now = now or timezone.now()
    views = []
    for step in accident.steps.all():
        sender, recipient = step.labels()
        running = step.state in {StepState.PENDING, StepState.NOT_REPORTED} and step.tracked
        views.append(
            StepView(
                step=step,
                sender=sender,
                recipient=recipient,
                channel=Channel.label(step.channel),
                countdown=report_clock.countdown(step.deadline, now) if running else None,
                mine=may_record(user, accident, step),
            )
        )
    return views


def late_summary(accident: Accident) -> list[dict[str, Any]]:
    """The links reported late (迟报) with the delay, and those not reported by the unit."""
    rows = []
    for step in accident.steps.all():
        if step.late_seconds or step.state == StepState.NOT_REPORTED:
            sender, recipient = step.labels()
            rows.append(
                {
                    "sender": sender,
                    "recipient": recipient,
                    "late": delay_text(step.late_seconds),
                    "not_reported": step.state == StepState.NOT_REPORTED,
                }
            )
    return rows


def duty_level(user: Any) -> str | None:
    """The level of the reporting chain whose reports are this user's duty (the unit, the county, the city)."""
    from ansheng.core.choices import Role

    role = getattr(user, "role", None)
    if role == Role.ENTERPRISE_ADMIN:
        return "enterprise"
    if role == Role.COUNTY_SUPERVISOR:
        return "county"
    if role in {Role.CITY_SUPERVISOR, Role.CITY_ADMIN}:
        return "city"
    return None


def pending_steps(user: Any, now: dt.datetime | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The open links of the reporting chains the user's level must send, soonest first (home panel)."""
    now = now or timezone.now()
    level = duty_level(user)
    if level is None:
        return []
    visible = access.restrict(Accident.objects.all(), user, "view", "accident").filter(status__in=Status.OPEN)
    steps: QuerySet[ReportStep] = (
        ReportStep.objects.filter(accident__in=visible, tracked=True, state=StepState.PENDING)
        .select_related("accident", "accident__county")
        .order_by("deadline")
    )
    rows = []
    for step in steps[: limit * 4]:
        if step.sender != level or not may_record(user, step.accident, step):
            continue
        sender, recipient = step.labels()
        countdown = report_clock.countdown(step.deadline, now)
        rows.append(
            {
                "accident": step.accident,
                "step": step,
                "sender": sender,
                "recipient": recipient,
                "countdown": countdown,
                "text": countdown_text(countdown),
            }
        )
        if len(rows) >= limit:
            break
    return rows


def followup_countdown(accident: Accident, now: dt.datetime | None = None) -> Countdown | None:
    if accident.next_followup_due is None or not accident.is_open:
        return None
    return report_clock.countdown(accident.next_followup_due, now or timezone.now())
