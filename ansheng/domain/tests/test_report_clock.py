"""The reporting clock: deadlines from actual receipts (493号令 第十一条), countdowns across days, delays (迟报), and
the follow-up frequency of 21号令 第十一条."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ansheng.domain.accidents import AccidentError, AccidentGrade
from ansheng.domain.report_clock import countdown, duration_text, late_by, next_followup_due, step_deadline

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=SH)


def test_a_level_has_its_allowance_from_its_own_receipt() -> None:
    # The county received the report at 01:00 (the unit was 30 minutes late); its 2 hours run from then.
    assert step_deadline(at(11, 1), timedelta(hours=2)) == at(11, 3)


def test_a_link_that_a_re_grade_makes_necessary_runs_from_the_re_grade() -> None:
    # The city received the report at 02:00; on day 3 the accident became 较大 and the province link appeared.
    assert step_deadline(at(11, 2), timedelta(hours=2), at(13, 10)) == at(13, 12)
    # A link required before the receipt still runs from the receipt.
    assert step_deadline(at(11, 2), timedelta(hours=2), at(11, 1)) == at(11, 4)


def test_the_countdown_crosses_midnight_and_days() -> None:
    # Learned at 23:30; the unit's hour ends at 00:30 the next day.
    left = countdown(at(11, 0, 30), at(10, 23, 45))
    assert (left.seconds, left.overdue, left.parts) == (2700, False, (0, 0, 45, 0))
    assert left.text_zh == "剩余 45分" and left.text_en == "45min left"
    two_days = countdown(at(12, 23, 0), at(10, 22, 59, 30))
    assert two_days.parts == (2, 0, 0, 30) and two_days.text_zh == "剩余 2天"
    assert two_days.deadline_local == at(12, 23)


def test_the_countdown_shows_how_long_overdue() -> None:
    late = countdown(at(11, 3), at(12, 4, 5))
    assert late.overdue and late.seconds == -(25 * 3600 + 300)
    assert late.parts == (1, 1, 5, 0)
    assert late.text_zh == "已超时 1天1小时5分" and late.text_en == "overdue by 1d 1h 5min"


def test_the_last_second_is_not_overdue_and_the_deadline_itself_is_zero() -> None:
    assert countdown(at(11, 3), at(11, 2, 59, 59)).text_zh == "剩余 1秒"
    exact = countdown(at(11, 3), at(11, 3))
    assert (exact.seconds, exact.overdue, exact.text_zh) == (0, False, "剩余 0秒")
    # Fractions of a second are dropped towards the deadline on both sides.
    assert countdown(at(11, 3), at(11, 3) - timedelta(milliseconds=1500)).seconds == 1
    assert countdown(at(11, 3), at(11, 3) + timedelta(milliseconds=1500)).seconds == -1


def test_other_time_zones_are_the_same_moments() -> None:
    utc = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)  # 01:00 in Beijing on the 11th
    assert countdown(at(11, 3), utc).seconds == 7200


@pytest.mark.parametrize(
    ("span", "zh", "en"),
    [
        (timedelta(seconds=0), "0秒", "0s"),
        (timedelta(seconds=59), "59秒", "59s"),
        (timedelta(minutes=45), "45分", "45min"),
        (timedelta(hours=2), "2小时", "2h"),
        (timedelta(days=1, hours=2, minutes=5, seconds=9), "1天2小时5分", "1d 2h 5min"),
    ],
)
def test_durations_read_as_people_write_them(span: timedelta, zh: str, en: str) -> None:
    assert duration_text(span) == zh
    assert duration_text(span, "en") == en


def test_late_reports_carry_their_delay() -> None:
    assert late_by(at(11, 0, 30), at(11, 1)) == timedelta(minutes=30)
    assert late_by(at(11, 0, 30), at(11, 0, 30)) is None
    assert late_by(at(11, 0, 30), at(11, 0, 10)) is None


@pytest.mark.parametrize(
    ("grade", "large_risk", "hours"),
    [
        (AccidentGrade.GENERAL, False, 24),
        (AccidentGrade.LARGER, False, 24),
        ("重大", False, 12),
        (AccidentGrade.ESPECIALLY_MAJOR, False, 12),
        (None, True, 24),  # a 较大涉险事故 that is not a graded accident
    ],
)
def test_follow_ups_are_due_at_the_frequency_of_order_21(
    grade: AccidentGrade | str | None, large_risk: bool, hours: int
) -> None:
    assert next_followup_due(grade, at(11, 8), large_risk=large_risk) == at(11, 8) + timedelta(hours=hours)


@pytest.mark.parametrize(
    ("call", "code", "field"),
    [
        (lambda: step_deadline(datetime(2026, 3, 11, 1), timedelta(hours=2)), "naive_datetime", "sender_received_at"),
        (lambda: step_deadline(at(11, 1), timedelta(hours=-1)), "wrong_type", "within"),
        (lambda: step_deadline(at(11, 1), 2), "wrong_type", "within"),  # type: ignore[arg-type]
        (lambda: step_deadline(at(11, 1), timedelta(hours=2), "today"), "naive_datetime", "required_since"),  # type: ignore[arg-type]
        (lambda: countdown("soon", at(11, 1)), "naive_datetime", "deadline"),  # type: ignore[arg-type]
        (lambda: countdown(at(11, 1), datetime(2026, 3, 11)), "naive_datetime", "now"),
        (lambda: late_by(at(11, 1), None), "naive_datetime", "done_at"),  # type: ignore[arg-type]
        (lambda: duration_text(-timedelta(seconds=1)), "wrong_type", "span"),
        (lambda: next_followup_due(AccidentGrade.GENERAL, datetime(2026, 3, 11)), "naive_datetime", "last_report_at"),
        (lambda: next_followup_due(None, at(11, 1)), "missing_field", "grade"),
    ],
)
def test_refusals(call: object, code: str, field: str) -> None:
    with pytest.raises(AccidentError) as caught:
        call()  # type: ignore[operator]
    assert (caught.value.code, caught.value.field) == (code, field)
