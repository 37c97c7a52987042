"""The accident reporting clock: when each report is due, how long is left, how late a report was, and when the
next follow-up report (续报) is due. All moments are timezone-aware and shown in Asia/Shanghai time.

- 493号令 第九条 and 21号令 第六条: the unit head reports within 1 hour of learning of the accident.
- 493号令 第十一条 and 21号令 第七条: each bureau reports up within 2 hours **of receiving the report itself**, so a
  level's deadline runs from the moment that level actually received it, not from the accident.
- 493号令 第二十条: when re-grading makes a higher level necessary, that level's report becomes due then; a link
  first required at ``required_since`` is due ``within`` after the later of the sender's receipt and that moment.
- 21号令 第十一条: follow-up reports at least once a day (较大涉险, 一般, 较大) or twice a day (重大, 特别重大)
  until the emergency response ends. [U] "a day" is read as the 24 hours after the previous report (12 hours for
  twice a day): a report is due that long after the last one, whichever kind it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ansheng.domain.accidents import SHANGHAI, AccidentError, AccidentGrade, followups_per_day

__all__ = [
    "Countdown",
    "countdown",
    "duration_text",
    "late_by",
    "next_followup_due",
    "step_deadline",
]


def _aware(value: object, field: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise AccidentError(
            "naive_datetime", field, f"{field}须为带时区的日期时间", f"{field} must be a timezone-aware datetime"
        )
    return value


def _span(value: object, field: str) -> timedelta:
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise AccidentError("wrong_type", field, f"{field}应为非负时长", f"{field} must be a non-negative duration")
    return value


@dataclass(frozen=True)
class Countdown:
    """Time left until ``deadline`` at ``now`` (negative when overdue), split for display."""

    deadline: datetime
    now: datetime
    seconds: int  # whole seconds left; negative when overdue

    @property
    def overdue(self) -> bool:
        return self.seconds < 0

    @property
    def parts(self) -> tuple[int, int, int, int]:
        """(days, hours, minutes, seconds) of the absolute time left or past."""
        total = abs(self.seconds)
        days, rest = divmod(total, 86_400)
        hours, rest = divmod(rest, 3600)
        minutes, seconds = divmod(rest, 60)
        return days, hours, minutes, seconds

    @property
    def text_zh(self) -> str:
        text = duration_text(timedelta(seconds=abs(self.seconds)))
        return f"已超时 {text}" if self.overdue else f"剩余 {text}"

    @property
    def text_en(self) -> str:
        text = duration_text(timedelta(seconds=abs(self.seconds)), "en")
        return f"overdue by {text}" if self.overdue else f"{text} left"

    @property
    def deadline_local(self) -> datetime:
        return self.deadline.astimezone(SHANGHAI)


def countdown(deadline: datetime, now: datetime) -> Countdown:
    """The countdown to ``deadline`` as seen at ``now``; a deadline on another calendar day counts the full days."""
    end = _aware(deadline, "deadline")
    moment = _aware(now, "now")
    left = end - moment
    # Whole seconds, rounded towards the deadline so that "0 seconds left" is never shown as overdue.
    seconds = int(left.total_seconds() // 1) if left >= timedelta(0) else -int((-left).total_seconds() // 1)
    return Countdown(end, moment, seconds)


def duration_text(span: timedelta, language: str = "zh") -> str:
    """A duration as people write it: ``1天2小时5分``, ``45分``, ``30秒`` (seconds only under a minute)."""
    total = int(_span(span, "span").total_seconds())
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    english = language.lower().startswith("en")
    units = ((days, "天", "d"), (hours, "小时", "h"), (minutes, "分", "min"))
    parts = [f"{n}{en if english else zh}" for n, zh, en in units if n]
    if not parts:
        return f"{seconds}{'s' if english else '秒'}"
    return " ".join(parts) if english else "".join(parts)


def step_deadline(sender_received_at: datetime, within: timedelta, required_since: datetime | None = None) -> datetime:
    """When one link of the reporting chain is due: ``within`` after the sender received the report, or after the
    link became necessary (a re-grade) if that came later (493号令 第十一条、第二十条)."""
    received = _aware(sender_received_at, "sender_received_at")
    start = received if required_since is None else max(received, _aware(required_since, "required_since"))
    return start + _span(within, "within")


def late_by(deadline: datetime, done_at: datetime) -> timedelta | None:
    """How late a report made at ``done_at`` was (迟报), or None when it was on time."""
    end = _aware(deadline, "deadline")
    done = _aware(done_at, "done_at")
    return done - end if done > end else None


def next_followup_due(
    grade: AccidentGrade | str | None, last_report_at: datetime, *, large_risk: bool = False
) -> datetime:
    """When the next follow-up report is due after the last report (initial or follow-up) at ``last_report_at``."""
    last = _aware(last_report_at, "last_report_at")
    per_day = followups_per_day(grade, large_risk=large_risk)
    return last + timedelta(hours=24) / per_day
