"""Accident fines: 应急管理部令第14号《生产安全事故罚款处罚规定》 (in force since 2024-03-01).

The unit fine (第十四–十七条): within the accident's grade, three brackets, each reached by deaths, serious injuries
or direct loss (joined by "或者"); the bracket is the highest one any criterion reaches. 以上 includes and 以下
excludes the number, as in 493号令 第三条 (the brackets' own wording: "3人以上6人以下"). For a 一般 accident the
first bracket has no death criterion ("—"): 1 death is bracket 2 and 2 deaths bracket 3.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ansheng.domain._data import load
from ansheng.domain._num import Number, as_exact
from ansheng.domain.accidents import AccidentGrade, AccidentGrading, Authority, grade
from ansheng.domain.errors import DomainError

__all__ = [
    "FineError",
    "Range",
    "UnitFine",
    "aggravated_range",
    "authority_of",
    "concealment_fine",
    "decided_by",
    "direct_responsible_percent",
    "investor_fine",
    "other_responsible_percent",
    "percent_of",
    "principal_conduct_percent",
    "principal_percent",
    "unit_fine",
]

# 第十一条: the conduct of the 主要负责人 and the item of the article that covers it.
_CONDUCT = {
    "no_rescue": "late_false_concealed",  # 不立即组织事故抢救
    "left_post": "late_false_concealed",  # 事故调查处理期间擅离职守
    "concealed": "late_false_concealed",  # 瞒报
    "false": "late_false_concealed",  # 谎报
    "late": "late_false_concealed",  # 迟报
    "fled": "late_false_concealed",  # 事故发生后逃匿
    "omitted": "omitted",  # 漏报
    "obstruction": "obstruction",  # 伪造、破坏现场，转移、隐匿资金，拒绝调查，作伪证等
}


class FineError(DomainError):
    """Bad input to an accident-fine rule."""


@dataclass(frozen=True)
class Range:
    """A closed range [low, high], in yuan or in percent of last year's income."""

    low: Fraction
    high: Fraction


@dataclass(frozen=True)
class UnitFine:
    """The fine on the responsible unit and the facts around it."""

    grading: AccidentGrading
    bracket: int
    by_deaths: int | None
    by_serious_injuries: int | None
    by_direct_loss: int | None
    fine: Range
    aggravated: Range
    clause: str
    decided_by: Authority

    @property
    def grade(self) -> AccidentGrade:
        return self.grading.grade


def _raw() -> Any:
    return load("fines.json")


def _key(value: object) -> str:
    if not isinstance(value, AccidentGrade):
        raise FineError("wrong_type", "grade", "事故等级应为AccidentGrade", "grade must be an AccidentGrade")
    return str(int(value))


def _range(pair: list[int]) -> Range:
    return Range(Fraction(pair[0]), Fraction(pair[1]))


@functools.cache
def _brackets(level: AccidentGrade) -> tuple[str, tuple[dict[str, Any], ...]]:
    table = _raw()["unit_brackets"][str(int(level))]
    return table["clause"], tuple(table["brackets"])


def _bracket_of(rows: tuple[dict[str, Any], ...], criterion: str, value: Fraction) -> int | None:
    reached = [row["bracket"] for row in rows if row[criterion] is not None and value >= row[criterion]]
    return max(reached) if reached else None


def aggravated_range(fine: Range) -> Range:
    """第十八条: in the listed 情节特别严重、影响特别恶劣 cases the unit may be fined 2 to 5 times the amount.

    [U] The platform applies the multipliers to the bracket's range: 2 × its low end to 5 × its high end.
    """
    low, high = _raw()["aggravation_multiplier"]
    return Range(fine.low * low, fine.high * high)


def authority_of(code: str) -> Authority:
    row = _raw()["authorities"][code]
    return Authority(code, row["zh"], row["en"])


def decided_by(level: AccidentGrade, *, coal_mine: bool = False) -> Authority:
    """Who decides the fines (第六条: 一般 county, 较大 city, 重大 province, 特别重大 the ministry;
    第七条 for coal mines: 特别重大 国家矿山安全监察局, others its provincial bureau)."""
    table = _raw()["decided_by_coal_mine" if coal_mine else "decided_by"]
    return authority_of(table[_key(level)])


def unit_fine(deaths: int, serious_injuries: int, direct_loss_yuan: Number, *, coal_mine: bool = False) -> UnitFine:
    """The grade (493号令 第三条), bracket and fine range of the responsible unit (14号令 第十四–十七条)."""
    grading = grade(deaths, serious_injuries, direct_loss_yuan)
    clause, rows = _brackets(grading.grade)
    by_deaths = _bracket_of(rows, "deaths", Fraction(grading.deaths))
    by_injuries = _bracket_of(rows, "serious_injuries", Fraction(grading.serious_injuries))
    by_loss = _bracket_of(rows, "direct_loss_yuan", grading.direct_loss_yuan)
    # The criterion that set the grade always reaches bracket 1 or higher, so the maximum exists.
    bracket = max(b for b in (by_deaths, by_injuries, by_loss) if b is not None)
    row = rows[bracket - 1]
    fine = Range(Fraction(row["fine_min_yuan"]), Fraction(row["fine_max_yuan"]))
    return UnitFine(
        grading=grading,
        bracket=bracket,
        by_deaths=by_deaths,
        by_serious_injuries=by_injuries,
        by_direct_loss=by_loss,
        fine=fine,
        aggravated=aggravated_range(fine),
        clause=clause,
        decided_by=decided_by(grading.grade, coal_mine=coal_mine),
    )


def principal_percent(level: AccidentGrade) -> Fraction:
    """第十九条: the 主要负责人 who failed their duties pays 40 / 60 / 80 / 100 % of last year's income."""
    return Fraction(_raw()["principal_percent"][_key(level)])


def other_responsible_percent(level: AccidentGrade) -> Range:
    """第二十条: other 负责人 and safety managers pay 20–30 / 30–40 / 40–50 / 50 % of last year's income."""
    return _range(_raw()["other_responsible_percent"][_key(level)])


def concealment_fine(level: AccidentGrade, *, aggravated: bool = False) -> Range:
    """第十三条: a unit that 谎报/瞒报 (or did 493号令 第三十六条 (一)–(五)) pays 100–150万 … 250–300万 yuan by grade;
    300–350万 … 450–500万 when it delayed rescue, enlarged the accident, hindered the investigation or caused
    major social impact (``aggravated``)."""
    return _range(_raw()["concealment_unit"]["aggravated" if aggravated else "normal"][_key(level)])


def principal_conduct_percent(conduct: str, *, aggravated: bool = False) -> Range:
    """第十一条: the 主要负责人's fine in % of last year's income for ``conduct``: ``late``, ``concealed``,
    ``false``, ``no_rescue``, ``left_post``, ``fled`` (60–80 %, 80–100 % aggravated), ``omitted`` (40–60 %, 60–80 %)
    or ``obstruction`` (60–80 %, 80–100 %)."""
    item = _CONDUCT.get(conduct) if isinstance(conduct, str) else None
    if item is None:
        raise FineError(
            "value_not_in_table",
            "conduct",
            f"未知的行为：{conduct}（应为{'、'.join(_CONDUCT)}之一）",
            f"unknown conduct: {conduct!r} (expected one of {', '.join(_CONDUCT)})",
        )
    return _range(_raw()["principal_conduct_percent"][item]["aggravated" if aggravated else "normal"])


def direct_responsible_percent(*, aggravated: bool = False) -> Range:
    """第十二条: directly responsible managers and staff: 60–80 % (80–100 % aggravated) of last year's income."""
    return _range(_raw()["direct_responsible_percent"]["aggravated" if aggravated else "normal"])


def investor_fine(level: AccidentGrade) -> Range:
    """第二十一条: the investor of a sole proprietorship who did not fund safety: 2–5万 … 15–20万 yuan."""
    return _range(_raw()["investor_fine"][_key(level)])


def percent_of(income_yuan: Number, percent: Number) -> Fraction:
    """``percent`` % of last year's income (第四条 defines that income), exactly."""
    income = as_exact(income_yuan, "income_yuan", FineError)
    share = as_exact(percent, "percent", FineError)
    return income * share / 100
