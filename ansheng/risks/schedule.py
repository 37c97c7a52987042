"""The windows of inspection cycles in Beijing time (Asia/Shanghai), as aware datetimes.

A window is [start, end). 每班: from each configured shift start to the next; 每日: midnight to midnight; 每周: Monday
to Monday; 每月, 每季度, 每年: from the first day of the month, quarter or year to the next (so February 2028 ends on
the 29th and a monthly task started on 31 January is due by the end of each month, never skipped). Ad-hoc tasks
(seasonal, holiday, special) have one window from their start date to the end of their end date.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from zoneinfo import ZoneInfo

from ansheng.risks.choices import Cycle

SHANGHAI = ZoneInfo("Asia/Shanghai")


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def _month_start(year: int, month: int) -> dt.date:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, 1)


def period_containing(
    cycle: str, moment: dt.datetime, shift_hours: Sequence[int] = (0, 8, 16)
) -> tuple[dt.datetime, dt.datetime]:
    """The window of a periodic cycle that contains `moment`."""
    local = moment.astimezone(SHANGHAI)
    day = local.date()
    if cycle == Cycle.SHIFT:
        hours = sorted(shift_hours)
        starts = [midnight(day - dt.timedelta(days=1)) + dt.timedelta(hours=hours[-1])]
        starts += [midnight(day) + dt.timedelta(hours=h) for h in hours]
        starts.append(midnight(day + dt.timedelta(days=1)) + dt.timedelta(hours=hours[0]))
        for start, end in itertools.pairwise(starts):
            if start <= local < end:
                return start, end
        raise AssertionError("a moment lies in some shift")  # pragma: no cover
    if cycle == Cycle.DAY:
        return midnight(day), midnight(day + dt.timedelta(days=1))
    if cycle == Cycle.WEEK:
        monday = day - dt.timedelta(days=day.weekday())
        return midnight(monday), midnight(monday + dt.timedelta(days=7))
    if cycle == Cycle.MONTH:
        return midnight(_month_start(day.year, day.month)), midnight(_month_start(day.year, day.month + 1))
    if cycle == Cycle.QUARTER:
        first = (day.month - 1) // 3 * 3 + 1
        return midnight(_month_start(day.year, first)), midnight(_month_start(day.year, first + 3))
    if cycle == Cycle.YEAR:
        return midnight(dt.date(day.year, 1, 1)), midnight(dt.date(day.year + 1, 1, 1))
    raise ValueError(f"{cycle!r} is not a periodic cycle")


def windows(
    cycle: str,
    *,
    starts_on: dt.date,
    ends_on: dt.date | None,
    since: dt.datetime | None,
    until: dt.datetime,
    shift_hours: Sequence[int] = (0, 8, 16),
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Every window of a task that starts before `until` and at or after `since` (None: from the task's start),
    within the task's dates. The first window is the one containing the start date's midnight."""
    first_moment = midnight(starts_on)
    last_end = midnight(ends_on + dt.timedelta(days=1)) if ends_on else None
    if cycle in Cycle.AD_HOC:
        if last_end is None:
            return
        if first_moment < until and (since is None or first_moment >= since):
            yield first_moment, last_end
        return
    moment = max(first_moment, since) if since is not None else first_moment
    start, end = period_containing(cycle, moment, shift_hours)
    if since is not None and start < since:
        start, end = period_containing(cycle, end, shift_hours)
    while start < until:
        if last_end is not None and start >= last_end:
            return
        yield start, end
        start, end = period_containing(cycle, end, shift_hours)


def due_date(end: dt.datetime) -> dt.date:
    """The last Beijing-time day of a window ending at `end` (exclusive)."""
    return (end.astimezone(SHANGHAI) - dt.timedelta(microseconds=1)).date()
