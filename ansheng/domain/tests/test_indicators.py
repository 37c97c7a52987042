"""Indicator rates (GB 6441-2025 附录A; statistical communiqués) and change against a baseline."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pytest

from ansheng.domain import indicators
from ansheng.domain.indicators import IndicatorError, Target


def test_headline_rates() -> None:
    # 亿元GDP死亡率 = deaths / GDP(亿元); e.g. 41 deaths over 2 205.15 亿元
    assert indicators.gdp_death_rate(41, Decimal("2205.15")) == Fraction(41) / Fraction(Decimal("2205.15"))
    # 工矿商贸十万人死亡率 = deaths / employed × 10⁵
    assert indicators.industrial_death_rate(12, 800_000) == Fraction(3, 2)
    # 煤矿百万吨死亡率 = deaths / tonnes × 10⁶
    assert indicators.coal_death_rate(3, 2_000_000) == Fraction(3, 2)
    # 道路交通万车死亡率 = deaths / vehicles × 10⁴
    assert indicators.road_death_rate(76, 1_000_000) == Fraction(76, 100)
    assert indicators.per_thousand_death_rate(1, 500) == 2
    assert indicators.per_thousand_injury_rate(5, 1000) == 5
    assert indicators.per_10k_m3_death_rate(1, 20_000) == Fraction(1, 2)


def test_rates_can_be_shown_at_a_communiques_precision() -> None:
    # illustrative inputs of the 2007 order of magnitude (reference §6.2 prints 道路万车 5.1 for 2007)
    rate = indicators.road_death_rate(81_649, 159_800_000)
    assert indicators.display(rate, 1) == 5.1


def test_display_rounds_half_up_to_three_decimals() -> None:
    assert indicators.display(Fraction(4125, 10_000)) == 0.413  # 0.4125 → 0.413
    assert indicators.display(Fraction(2, 3)) == 0.667


@pytest.mark.parametrize(
    ("call", "code", "field"),
    [
        (lambda: indicators.gdp_death_rate(1, 0), "zero_denominator", "gdp_100m_yuan"),
        (lambda: indicators.road_death_rate(1, None), "missing_value", "vehicles"),
        (lambda: indicators.industrial_death_rate(-1, 100), "negative_value", "deaths"),
        (lambda: indicators.coal_death_rate(1, True), "wrong_type", "output_tonnes"),
        (lambda: indicators.change(10, 0), "zero_denominator", "baseline"),
        (lambda: indicators.change(None, 10), "missing_value", "actual"),
        (lambda: indicators.period_total([1, None]), "missing_value", "values[1]"),  # type: ignore[list-item]
        (lambda: indicators.occupational_health_rate("declaration", 11, 10), "part_exceeds_whole", "part"),
        (lambda: indicators.occupational_health_rate("nonsense", 1, 10), "value_not_in_table", "kind"),
        (lambda: indicators.occupational_health_rate("training", 1, 0), "zero_denominator", "whole"),
        (lambda: Target.of("halve", 1), "value_not_in_table", "kind"),
        (lambda: Target.of("reduce_by", "15%"), "wrong_type", "value"),  # type: ignore[arg-type]
    ],
)
def test_refusals(call: Callable[[], object], code: str, field: str) -> None:
    with pytest.raises(IndicatorError) as caught:
        call()
    assert (caught.value.code, caught.value.field) == (code, field)


@pytest.mark.parametrize("kind", sorted(indicators.OCCUPATIONAL_HEALTH_RATES))
def test_occupational_health_rates(kind: str) -> None:
    assert indicators.occupational_health_rate(kind, 9, 10) == 90
    assert indicators.occupational_health_rate(kind, 10, 10) == 100


def test_change_against_a_baseline_and_period_totals() -> None:
    # 专栏1 style: deaths of the period against the previous period's total
    assert indicators.period_total([10, 12, 8]) == 30
    assert indicators.change(indicators.period_total([8, 9, 8]), 30) == Fraction(-1, 6)
    assert indicators.change(Decimal("0.8"), 1) == Fraction(-1, 5)


@pytest.mark.parametrize(
    ("change", "target", "met"),
    [
        # negative target: "下降X%" met by any change ≤ −X
        (Fraction(-15, 100), -0.15, True),  # exactly −15 % meets "下降15%"
        (Fraction(-1499, 10_000), -0.15, False),
        (-0.2, -0.15, True),
        # positive target: "提高Y%" met by any change ≥ +Y
        (0.1, 0.1, True),
        (0.05, 0.1, False),
        # zero target: no increase
        (0, 0, True),
        (0.01, 0, False),
    ],
)
def test_attained(change: object, target: object, met: bool) -> None:
    assert indicators.attained(change, target) is met  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "value", "actual", "baseline", "met"),
    [
        ("reduce_by", 0.15, 85, 100, True),
        ("reduce_by", 0.15, 86, 100, False),
        ("increase_by", 0.1, 110, 100, True),
        ("increase_by", 0.1, 109, 100, False),
        ("at_least", 90, 90, None, True),  # e.g. 职业健康检查率 ≥ 90 %
        ("at_least", 90, Decimal("89.9"), None, False),
        ("at_most", Decimal("0.05"), Decimal("0.05"), None, True),
        ("at_most", Decimal("0.05"), Decimal("0.051"), None, False),
    ],
)
def test_targets(kind: str, value: object, actual: object, baseline: object, met: bool) -> None:
    assert Target.of(kind, value).attained(actual, baseline) is met  # type: ignore[arg-type]


def test_a_rate_target_needs_a_baseline() -> None:
    with pytest.raises(IndicatorError) as caught:
        Target.of("reduce_by", 0.15).attained(85)
    assert caught.value.code == "missing_value"
