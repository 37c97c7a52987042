"""Helpers for the accident tests: Beijing-time moments and a report with sensible defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from ansheng.accidents import services

SH = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SH)


REPORT = {
    "place": "二车间",
    "scene": "反应釜泄漏",
    "course": "出料时法兰垫片失效",
    "measures_taken": "停车、送医、警戒",
}


def report(
    user: Any, *, occurred: dt.datetime, learned: dt.datetime | None = None, now: dt.datetime | None = None, **data: Any
) -> Any:
    """File a first report as ``user``; the unit head learned 10 minutes after, the report follows 10 later."""
    learned = learned or occurred + dt.timedelta(minutes=10)
    payload = {**REPORT, "occurred_at": occurred, "learned_at": learned, **data}
    return services.do_report_accident(acting_user=user, data=payload, now=now or learned + dt.timedelta(minutes=10))


def bureau_report(user: Any, county: str, *, occurred: dt.datetime, now: dt.datetime | None = None, **data: Any) -> Any:
    payload = {**REPORT, "county": county, "unit_name": "某道路交通事故", "occurred_at": occurred, **data}
    return services.do_report_accident(acting_user=user, data=payload, now=now or occurred + dt.timedelta(hours=1))


def step(accident: Any, sender: str, recipient: str, channel: str = "written") -> Any:
    return accident.steps.get(sender=sender, recipient=recipient, channel=channel)
