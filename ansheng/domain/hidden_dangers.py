"""Rules with numbers of hidden-danger investigation and governance (隐患排查治理).

- 安监总局令第16号《安全生产事故隐患排查治理暂行规定》
  - 第三条: 一般事故隐患 (low harm, easy to fix, can be fixed at once) and 重大事故隐患 (needs full or partial
    停产停业 and a period of governance, or is caused by outside factors the enterprise cannot remove itself).
  - 第十四条: statistics every quarter and every year, signed by the 主要负责人, handed in before the 15th of the next
    quarter and before 31 January of the next year [U — the two dates are recalled]; a 重大事故隐患 is also
    reported to the bureau at once, with its state and cause, its harm and difficulty, and its governance plan.
  - 第十五条: the governance plan of a 重大事故隐患 has six parts (`PLAN_ITEMS`).
  - 第十八条: after governance under 挂牌督办 the result is evaluated (by the enterprise's experts or a qualified
    安全评价机构) and the bureau reviews the written application; the review within 10 days is [U — recalled].
- 安监总局令第15号 第十七条: an enterprise that cannot meet a deadline (限期整改) for force majeure applies in writing
  at least 10 days before the deadline; the bureau answers in writing within 5 days.

Dates here are calendar dates in Asia/Shanghai: the caller converts moments with `SHANGHAI` before asking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from ansheng.domain.errors import DomainError

__all__ = [
    "EXTENSION_ANSWER_DAYS",
    "EXTENSION_NOTICE_DAYS",
    "PLAN_ITEMS",
    "REVIEW_DAYS",
    "SHANGHAI",
    "HiddenDangerError",
    "PlanItem",
    "annual_report_due",
    "check_extension_request",
    "closure_review_due",
    "days_overdue",
    "extension_answer_due",
    "is_overdue",
    "latest_extension_request_on",
    "missing_plan_items",
    "period_bounds",
    "quarter_of",
    "quarter_report_due",
    "rate",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: 15号令 第十七条: a written extension request reaches the bureau at least this many days before the deadline.
EXTENSION_NOTICE_DAYS = 10
#: 15号令 第十七条: the bureau answers an extension request in writing within this many days of receiving it.
EXTENSION_ANSWER_DAYS = 5
#: 16号令 第十八条 [U — recalled]: the bureau reviews an application to close (resume) within this many days.
REVIEW_DAYS = 10


class HiddenDangerError(DomainError):
    """Bad input to a hidden-danger rule."""


@dataclass(frozen=True)
class PlanItem:
    code: str
    label_zh: str
    label_en: str


#: 16号令 第十五条: the contents of the governance plan (治理方案) of a 重大事故隐患, in the regulation's order.
PLAN_ITEMS: tuple[PlanItem, ...] = (
    PlanItem("goals", "治理的目标和任务", "goals and tasks of the governance"),
    PlanItem("measures", "采取的方法和措施", "methods and measures"),
    PlanItem("funds", "经费和物资的落实", "funds and materials"),
    PlanItem("organisation", "负责治理的机构和人员", "organisation and people responsible"),
    PlanItem("time_limit", "治理的时限和要求", "time limit and requirements"),
    PlanItem("safety", "安全措施和应急预案", "safety measures and contingency plan during governance"),
)


def missing_plan_items(plan: Mapping[str, object]) -> tuple[PlanItem, ...]:
    """The parts of a governance plan (16号令 第十五条) that are absent or blank, in the regulation's order."""
    missing: list[PlanItem] = []
    for item in PLAN_ITEMS:
        value = plan.get(item.code)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(item)
    return tuple(missing)


def _date(value: object, field: str) -> date:
    # A datetime is a date subclass: refuse it, the caller must say which day (in Shanghai) it means.
    if not isinstance(value, date) or type(value) is not date:
        raise HiddenDangerError("wrong_type", field, f"{field}应为日期", f"{field} must be a date")
    return value


def latest_extension_request_on(deadline: date) -> date:
    """15号令 第十七条: the last day on which an extension of `deadline` may be requested (10 days before it)."""
    return _date(deadline, "deadline") - timedelta(days=EXTENSION_NOTICE_DAYS)


def check_extension_request(*, deadline: date, requested_on: date, new_deadline: date) -> None:
    """Refuse an extension request that 15号令 第十七条 does not allow: too late (fewer than 10 days before the
    deadline), or asking for a date that does not extend the deadline."""
    deadline = _date(deadline, "deadline")
    requested_on = _date(requested_on, "requested_on")
    new_deadline = _date(new_deadline, "new_deadline")
    if requested_on > latest_extension_request_on(deadline):
        raise HiddenDangerError(
            "extension_too_late",
            "new_deadline",
            f"延期申请须在整改期限届满{EXTENSION_NOTICE_DAYS}日前提出（最迟 {latest_extension_request_on(deadline)}）",
            f"an extension must be requested at least {EXTENSION_NOTICE_DAYS} days before the deadline "
            f"(by {latest_extension_request_on(deadline)})",
        )
    if new_deadline <= deadline:
        raise HiddenDangerError(
            "extension_not_later",
            "new_deadline",
            "申请的新期限须晚于原整改期限",
            "the requested deadline must be later than the current one",
        )


def extension_answer_due(requested_on: date) -> date:
    """15号令 第十七条: the day by which the bureau answers an extension request received on `requested_on`."""
    return _date(requested_on, "requested_on") + timedelta(days=EXTENSION_ANSWER_DAYS)


def closure_review_due(applied_on: date) -> date:
    """16号令 第十八条 [U]: the day by which the bureau reviews an application to close a supervised danger."""
    return _date(applied_on, "applied_on") + timedelta(days=REVIEW_DAYS)


def is_overdue(deadline: date | None, today: date) -> bool:
    """A danger is overdue from the day after its deadline (the deadline day itself is still in time)."""
    if deadline is None:
        return False
    return _date(today, "today") > _date(deadline, "deadline")


def days_overdue(deadline: date | None, today: date) -> int:
    """Whole days past the deadline (0 when in time or without a deadline)."""
    if not is_overdue(deadline, today):
        return 0
    assert deadline is not None  # is_overdue is False without a deadline
    return (today - deadline).days


def quarter_of(day: date) -> int:
    return (_date(day, "day").month - 1) // 3 + 1


def _check_quarter(quarter: int | None) -> None:
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise HiddenDangerError("invalid_quarter", "quarter", "季度须为 1 至 4", "the quarter must be 1 to 4")


def period_bounds(year: int, quarter: int | None = None) -> tuple[date, date]:
    """First and last day of a year, or of one of its quarters (16号令 第十四条 statistics periods)."""
    _check_quarter(quarter)
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, after - timedelta(days=1)


def quarter_report_due(year: int, quarter: int) -> date:
    """16号令 第十四条 [U — recalled date]: a quarter's statistics are due by the 15th of the next quarter."""
    _check_quarter(quarter)
    if quarter == 4:
        return date(year + 1, 1, 15)
    return date(year, 3 * quarter + 1, 15)


def annual_report_due(year: int) -> date:
    """16号令 第十四条 [U — recalled date]: a year's statistics are due by 31 January of the next year."""
    return date(year + 1, 1, 31)


def rate(numerator: int, denominator: int) -> Fraction | None:
    """A share, exactly; None when there is nothing to count (shown as "—", never as 0 % or 100 %)."""
    if numerator < 0 or denominator < 0 or numerator > denominator:
        raise HiddenDangerError(
            "invalid_rate",
            None,
            "比率的分子须在 0 与分母之间",
            "a rate's numerator must lie between 0 and its denominator",
        )
    if denominator == 0:
        return None
    return Fraction(numerator, denominator)
