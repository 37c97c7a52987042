"""Inspection windows in Beijing time: month ends, leap years, quarters, years and the day boundary."""

import datetime as dt

import pytest

from ansheng.risks.choices import Cycle
from ansheng.risks.schedule import SHANGHAI, due_date, period_containing, windows


def bj(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def test_day_boundary_is_beijing_midnight_not_utc():
    # 2026-03-01 15:59 UTC is 23:59 in Beijing: still 1 March; one minute later it is 2 March.
    assert period_containing(Cycle.DAY, dt.datetime(2026, 3, 1, 15, 59, tzinfo=dt.UTC)) == (
        bj(2026, 3, 1),
        bj(2026, 3, 2),
    )
    assert period_containing(Cycle.DAY, dt.datetime(2026, 3, 1, 16, 0, tzinfo=dt.UTC)) == (
        bj(2026, 3, 2),
        bj(2026, 3, 3),
    )


def test_leap_year_february_and_month_ends():
    assert period_containing(Cycle.MONTH, bj(2028, 2, 29, 12)) == (bj(2028, 2, 1), bj(2028, 3, 1))
    assert due_date(bj(2028, 3, 1)) == dt.date(2028, 2, 29)
    assert due_date(bj(2027, 3, 1)) == dt.date(2027, 2, 28)
    assert period_containing(Cycle.DAY, bj(2028, 2, 29, 0)) == (bj(2028, 2, 29), bj(2028, 3, 1))
    # A monthly task started on 31 January is due every month, February included.
    months = list(windows(Cycle.MONTH, starts_on=dt.date(2028, 1, 31), ends_on=None, since=None, until=bj(2028, 4, 2)))
    assert [due_date(end) for _start, end in months] == [
        dt.date(2028, 1, 31),
        dt.date(2028, 2, 29),
        dt.date(2028, 3, 31),
        dt.date(2028, 4, 30),
    ]


def test_quarter_and_year_boundaries():
    assert period_containing(Cycle.QUARTER, bj(2026, 12, 31, 23, 59)) == (bj(2026, 10, 1), bj(2027, 1, 1))
    assert period_containing(Cycle.QUARTER, bj(2027, 1, 1)) == (bj(2027, 1, 1), bj(2027, 4, 1))
    assert period_containing(Cycle.QUARTER, bj(2026, 6, 30, 12)) == (bj(2026, 4, 1), bj(2026, 7, 1))
    assert period_containing(Cycle.YEAR, bj(2028, 12, 31, 23)) == (bj(2028, 1, 1), bj(2029, 1, 1))


def test_week_starts_on_monday():
    # 2026-11-29 is a Sunday.
    assert period_containing(Cycle.WEEK, bj(2026, 11, 29, 20)) == (bj(2026, 11, 23), bj(2026, 11, 30))


def test_shifts_wrap_around_midnight():
    hours = (8, 16, 0)
    assert period_containing(Cycle.SHIFT, bj(2026, 5, 1, 7, 59), hours) == (bj(2026, 5, 1, 0), bj(2026, 5, 1, 8))
    assert period_containing(Cycle.SHIFT, bj(2026, 5, 1, 23), hours) == (bj(2026, 5, 1, 16), bj(2026, 5, 2, 0))
    assert period_containing(Cycle.SHIFT, bj(2026, 5, 1, 23), (8, 20)) == (bj(2026, 5, 1, 20), bj(2026, 5, 2, 8))
    assert period_containing(Cycle.SHIFT, bj(2026, 5, 1, 3), (8, 20)) == (bj(2026, 4, 30, 20), bj(2026, 5, 1, 8))
    day = list(
        windows(
            Cycle.SHIFT,
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 5, 1),
            since=None,
            until=bj(2026, 6, 1),
            shift_hours=(0, 8, 16),
        )
    )
    assert len(day) == 3


def test_windows_resume_from_bookmark_without_repeating():
    first = list(windows(Cycle.DAY, starts_on=dt.date(2026, 2, 27), ends_on=None, since=None, until=bj(2026, 3, 1, 9)))
    assert [s.date() for s, _e in first] == [dt.date(2026, 2, 27), dt.date(2026, 2, 28), dt.date(2026, 3, 1)]
    more = list(
        windows(Cycle.DAY, starts_on=dt.date(2026, 2, 27), ends_on=None, since=first[-1][1], until=bj(2026, 3, 2, 9))
    )
    assert [s.date() for s, _e in more] == [dt.date(2026, 3, 2)]


def test_ad_hoc_is_one_window_over_its_dates():
    spans = list(
        windows(
            Cycle.HOLIDAY,
            starts_on=dt.date(2026, 9, 30),
            ends_on=dt.date(2026, 10, 7),
            since=None,
            until=bj(2026, 10, 1),
        )
    )
    assert spans == [(bj(2026, 9, 30), bj(2026, 10, 8))]
    assert (
        list(
            windows(
                Cycle.SPECIAL,
                starts_on=dt.date(2026, 9, 30),
                ends_on=dt.date(2026, 10, 7),
                since=None,
                until=bj(2026, 9, 29),
            )
        )
        == []
    )


def test_unknown_cycle_is_refused():
    with pytest.raises(ValueError):
        period_containing("fortnight", bj(2026, 1, 1))
