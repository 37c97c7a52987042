"""Duties that come with a major hazard source: the safety evaluation's renewal, the 包保责任人 check cycles, and
which grades must be monitored online.

Source: 《危险化学品重大危险源监督管理暂行规定》 (原国家安全监管总局令第40号, amended by 第79号令, 2015), and
《危险化学品企业重大危险源安全包保责任制办法（试行）》 (应急厅〔2021〕12号). The platform's reading of them is marked
[U] in the reference (recalled, not verified against the printed text), so every figure here is a default that the
hazards settings can replace (docs/hazards.md):

* 第十一条: the safety evaluation of a major hazard source is redone at least every **3 years**, and earlier when
  its substances, quantities, process or surroundings change.
* 包保责任制: each major hazard source has three responsible persons, 主要负责人, 技术负责人 and 操作负责人, who check
  it on a cycle: the principal at least every quarter, the technical person at least monthly, the operating person at
  least weekly ([U] recalled frequencies; reference §4).
* 第十三条: grade-1 and grade-2 sources must have automatic control with emergency shutdown, and online monitoring is
  required for every grade; the plan's target counts grade-1 and grade-2 sources.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ansheng.domain.errors import DomainError

__all__ = [
    "DUTIES",
    "EVALUATION_VALID_YEARS",
    "Duty",
    "MajorHazardError",
    "add_years",
    "due_state",
    "evaluation_valid_until",
    "next_check_due",
    "requires_shutdown_system",
]

EVALUATION_VALID_YEARS = 3  # 40号令 第十一条 [U]


class MajorHazardError(DomainError):
    """Bad input to a major-hazard duty rule."""


@dataclass(frozen=True)
class Duty:
    """One of the three 包保 duties with its default check cycle in days."""

    code: str
    label_zh: str
    label_en: str
    cycle_days: int


DUTIES: tuple[Duty, ...] = (
    Duty("principal", "主要负责人", "principal", 90),  # at least quarterly [U]
    Duty("technical", "技术负责人", "technical person", 30),  # at least monthly [U]
    Duty("operating", "操作负责人", "operating person", 7),  # at least weekly [U]
)


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def evaluation_valid_until(evaluated_on: dt.date, years: int = EVALUATION_VALID_YEARS) -> dt.date:
    """The last day an evaluation report covers: the same date ``years`` later, less one day."""
    if years < 1:
        raise MajorHazardError("not_positive", "years", "评估周期应至少1年", "the evaluation cycle must be ≥ 1 year")
    return add_years(evaluated_on, years) - dt.timedelta(days=1)


def next_check_due(last_check: dt.date | None, cycle_days: int, since: dt.date) -> dt.date:
    """When the next 包保 check is due: one cycle after the last check, or one cycle after ``since`` (the day the
    person took on the duty) when there was none."""
    if cycle_days < 1:
        raise MajorHazardError("not_positive", "cycle_days", "检查周期应至少1天", "a check cycle must be ≥ 1 day")
    start = last_check if last_check is not None and last_check >= since else since
    return start + dt.timedelta(days=cycle_days)


def due_state(due: dt.date, today: dt.date, warn_days: int = 0) -> str:
    """``overdue`` after the due day, ``due_soon`` within ``warn_days`` of it, else ``ok``."""
    if today > due:
        return "overdue"
    if (due - today).days <= warn_days:
        return "due_soon"
    return "ok"


def requires_shutdown_system(grade: int | None) -> bool:
    """第十三条: grade-1 and grade-2 sources need automatic control with emergency shutdown (SIS/ESD)."""
    return grade in {1, 2}
