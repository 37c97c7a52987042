"""应急管理部令第14号 生产安全事故罚款处罚规定."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import pytest

from ansheng.domain import fines
from ansheng.domain.accidents import AccidentGrade
from ansheng.domain.errors import DomainError
from ansheng.domain.fines import FineError, Range

G, L, M, E = AccidentGrade.GENERAL, AccidentGrade.LARGER, AccidentGrade.MAJOR, AccidentGrade.ESPECIALLY_MAJOR
WAN = 10_000


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "grade", "bracket", "by", "low", "high"),
    [
        # 第十四条 一般: bracket 1 has no death criterion; 1 death → 2, 2 deaths → 3
        (0, 0, 0, G, 1, (None, 1, 1), 30, 50),
        (0, 2, 2_999_999, G, 1, (None, 1, 1), 30, 50),
        (1, 0, 0, G, 2, (2, 1, 1), 50, 70),
        (0, 3, 0, G, 2, (None, 2, 1), 50, 70),
        (0, 0, 300 * WAN, G, 2, (None, 1, 2), 50, 70),
        (2, 0, 0, G, 3, (3, 1, 1), 70, 100),
        (0, 6, 0, G, 3, (None, 3, 1), 70, 100),
        (0, 9, 999 * WAN, G, 3, (None, 3, 3), 70, 100),
        (1, 6, 0, G, 3, (2, 3, 1), 70, 100),  # the highest bracket any criterion reaches
        # 第十五条 较大
        (3, 0, 0, L, 1, (1, None, None), 100, 120),
        (5, 0, 0, L, 2, (2, None, None), 120, 150),
        (7, 0, 0, L, 3, (3, None, None), 150, 200),
        (0, 20, 0, L, 2, (None, 2, None), 120, 150),
        (0, 30, 0, L, 3, (None, 3, None), 150, 200),
        (0, 0, 2000 * WAN, L, 2, (None, None, 2), 120, 150),
        (0, 0, 3000 * WAN, L, 3, (None, None, 3), 150, 200),
        (3, 25, 1000 * WAN, L, 2, (1, 2, 1), 120, 150),
        # 第十六条 重大
        (10, 0, 0, M, 1, (1, None, None), 200, 400),
        (13, 0, 0, M, 2, (2, None, None), 400, 600),
        (15, 0, 0, M, 3, (3, None, None), 600, 1000),
        (0, 60, 0, M, 2, (None, 2, None), 400, 600),
        (0, 70, 0, M, 3, (None, 3, None), 600, 1000),
        (0, 0, 7000 * WAN, M, 3, (None, None, 3), 600, 1000),
        # 第十七条 特别重大
        (30, 0, 0, E, 1, (1, None, None), 1000, 1200),
        (40, 0, 0, E, 2, (2, None, None), 1200, 1500),
        (50, 0, 0, E, 3, (3, None, None), 1500, 2000),
        (0, 120, 0, E, 2, (None, 2, None), 1200, 1500),
        (0, 150, 0, E, 3, (None, 3, None), 1500, 2000),
        (0, 0, 15000 * WAN, E, 2, (None, None, 2), 1200, 1500),
        (0, 0, 20000 * WAN, E, 3, (None, None, 3), 1500, 2000),
    ],
)
def test_unit_fine_brackets(
    deaths: int,
    injuries: int,
    loss: int,
    grade: AccidentGrade,
    bracket: int,
    by: tuple[int | None, int | None, int | None],
    low: int,
    high: int,
) -> None:
    result = fines.unit_fine(deaths, injuries, loss)
    assert result.grade is grade
    assert result.bracket == bracket
    assert (result.by_deaths, result.by_serious_injuries, result.by_direct_loss) == by
    assert result.fine == Range(Fraction(low * WAN), Fraction(high * WAN))
    # 第十八条: 2–5 times (applied to the bracket's range, [U])
    assert result.aggravated == Range(Fraction(2 * low * WAN), Fraction(5 * high * WAN))


@pytest.mark.parametrize(
    ("grade", "clause", "decider", "coal"),
    [
        # 第六条 and 第七条
        (G, "第十四条", "county", "mine_safety_province"),
        (L, "第十五条", "city", "mine_safety_province"),
        (M, "第十六条", "province", "mine_safety_province"),
        (E, "第十七条", "ministry", "mine_safety_national"),
    ],
)
def test_who_decides(grade: AccidentGrade, clause: str, decider: str, coal: str) -> None:
    assert fines.decided_by(grade).code == decider
    assert fines.decided_by(grade, coal_mine=True).code == coal
    deaths = {G: 0, L: 3, M: 10, E: 30}[grade]
    result = fines.unit_fine(deaths, 0, 0, coal_mine=True)
    assert result.clause == clause
    assert result.decided_by.code == coal


def test_the_city_bureau_decides_larger_accidents() -> None:
    # 第六条(三): 较大 → 设区的市级 bureau, i.e. Leshan's
    assert fines.decided_by(L).zh == "设区的市级人民政府应急管理部门"
    assert fines.authority_of("ministry").en == "Ministry of Emergency Management"


@pytest.mark.parametrize(
    ("grade", "principal", "others", "concealment", "concealment_aggravated", "investor"),
    [
        # 第十九条, 第二十条, 第十三条, 第二十一条
        (G, 40, (20, 30), (100, 150), (300, 350), (2, 5)),
        (L, 60, (30, 40), (150, 200), (350, 400), (5, 10)),
        (M, 80, (40, 50), (200, 250), (400, 450), (10, 15)),
        (E, 100, (50, 50), (250, 300), (450, 500), (15, 20)),
    ],
)
def test_individual_and_concealment_fines(
    grade: AccidentGrade,
    principal: int,
    others: tuple[int, int],
    concealment: tuple[int, int],
    concealment_aggravated: tuple[int, int],
    investor: tuple[int, int],
) -> None:
    assert fines.principal_percent(grade) == principal
    assert fines.other_responsible_percent(grade) == Range(Fraction(others[0]), Fraction(others[1]))
    assert fines.concealment_fine(grade) == Range(Fraction(concealment[0] * WAN), Fraction(concealment[1] * WAN))
    assert fines.concealment_fine(grade, aggravated=True) == Range(
        Fraction(concealment_aggravated[0] * WAN), Fraction(concealment_aggravated[1] * WAN)
    )
    assert fines.investor_fine(grade) == Range(Fraction(investor[0] * WAN), Fraction(investor[1] * WAN))


@pytest.mark.parametrize(
    ("conduct", "normal", "aggravated"),
    [
        # 第十一条 (一)–(三)
        ("late", (60, 80), (80, 100)),
        ("concealed", (60, 80), (80, 100)),
        ("false", (60, 80), (80, 100)),
        ("no_rescue", (60, 80), (80, 100)),
        ("left_post", (60, 80), (80, 100)),
        ("fled", (60, 80), (80, 100)),
        ("omitted", (40, 60), (60, 80)),
        ("obstruction", (60, 80), (80, 100)),
    ],
)
def test_principal_conduct_percent(conduct: str, normal: tuple[int, int], aggravated: tuple[int, int]) -> None:
    assert fines.principal_conduct_percent(conduct) == Range(Fraction(normal[0]), Fraction(normal[1]))
    assert fines.principal_conduct_percent(conduct, aggravated=True) == Range(
        Fraction(aggravated[0]), Fraction(aggravated[1])
    )


def test_directly_responsible_people() -> None:
    # 第十二条
    assert fines.direct_responsible_percent() == Range(Fraction(60), Fraction(80))
    assert fines.direct_responsible_percent(aggravated=True) == Range(Fraction(80), Fraction(100))


def test_percent_of_income_is_exact() -> None:
    assert fines.percent_of(123_456, 40) == Fraction(123_456 * 40, 100)
    assert fines.percent_of(100_000.5, 30) == Fraction(3000015, 100)


@pytest.mark.parametrize(
    ("call", "code", "field"),
    [
        (lambda: fines.principal_conduct_percent("speeding"), "value_not_in_table", "conduct"),
        (
            lambda: fines.principal_conduct_percent(3),  # type: ignore[arg-type]
            "value_not_in_table",
            "conduct",
        ),
        (
            lambda: fines.principal_percent(2),  # type: ignore[arg-type]
            "wrong_type",
            "grade",
        ),
        (lambda: fines.percent_of(-1, 40), "negative_value", "income_yuan"),
        (lambda: fines.unit_fine(0, 0, -5), "negative_value", "direct_loss_yuan"),
    ],
)
def test_fine_refusals(call: Callable[[], object], code: str, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        call()
    assert (caught.value.code, caught.value.field) == (code, field)


def test_fine_errors_are_domain_errors() -> None:
    with pytest.raises(FineError):
        fines.principal_conduct_percent("speeding")
