"""Plans as data: validation of a plan with the path of every problem, the accident filters, and the evaluation of
an indicator (baseline, target, actual, change, projection, attained) against values worked out by hand."""

from __future__ import annotations

import copy
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest

from ansheng.domain.plans import (
    AccidentFacts,
    AccidentFilter,
    PlanError,
    Quantity,
    accident_total,
    evaluate,
    linear_projection,
    parse_plan,
)

SECTORS = {"coal", "road_traffic", "construction", "chemicals", "fire"}
GROUPS = {"industrial": {"coal", "construction", "chemicals"}}
INPUTS = {"gdp", "vehicles", "coal_t", "oh_done", "oh_due", "workers"}


def plan_dict(*indicators: dict[str, Any], **root: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "test-2016-2020",
        "name": "测试规划",
        "region": "511100",
        "period": [2016, 2020],
        "baseline": {"period": [2011, 2015], "year": 2015},
        "indicators": list(indicators)
        or [{"no": 1, "name": "事故起数", "value": {"accidents": "count"}, "target": {"reduce_by": 0.1}}],
    }
    data.update(root)
    return data


def parse(data: Any) -> Any:
    return parse_plan(data, inputs=INPUTS, sectors=SECTORS, sector_groups=GROUPS)


ROAD_RATE = {
    "no": 8,
    "code": "road",
    "name": "道路交通万车死亡率",
    "value": {
        "formula": "road_death_rate",
        "numerator": {"accidents": "deaths", "where": {"sectors": ["road_traffic"]}},
        "denominator": {"input": "vehicles"},
    },
    "target": {"reduce_by": 0.06},
}
OH_RATE = {
    "no": 9,
    "name": "职业健康检查率",
    "value": {
        "formula": "occupational_health_rate",
        "kind": "health_examination",
        "numerator": {"input": "oh_done"},
        "denominator": {"input": "oh_due"},
    },
    "target": {"at_least": 90},
    "places": 1,
}


def test_a_plan_reads_with_its_defaults() -> None:
    plan = parse(
        plan_dict(
            {
                "no": 2,
                "name": "较大以上起数",
                "unit": "起",
                "value": {"accidents": "count", "where": {"min_grade": "较大事故"}},
                "target": {"reduce_by": 0.15},
            },
            ROAD_RATE,
            OH_RATE,
            {
                "no": 10,
                "name": "损失",
                "value": {"accidents": "direct_loss"},
                "target": {"at_most": 5000},
                "by_county": False,
                "description": "合计",
            },
            {
                "no": 11,
                "name": "千人比率",
                "value": {
                    "formula": "rate",
                    "per": 1000,
                    "numerator": {"accidents": "deaths"},
                    "denominator": {"input": "workers"},
                },
                "target": {"increase_by": 0.5},
            },
            statistics_cutoff_yuan=500000,
            source="测试",
            description="说明",
            period={"start": 2016, "end": 2020},
        )
    )
    assert (plan.start, plan.end, plan.baseline_start, plan.baseline_end, plan.baseline_year) == (
        2016,
        2020,
        2011,
        2015,
        2015,
    )
    assert list(plan.years) == [2016, 2017, 2018, 2019, 2020]
    assert list(plan.baseline_years) == [2011, 2012, 2013, 2014, 2015]
    assert plan.statistics_cutoff_yuan == 500000 and plan.source == "测试" and plan.description == "说明"
    larger = plan.indicator(2)
    assert (larger.code, larger.compare, larger.places, larger.unit) == ("i2", "period_total", 0, "起")
    assert larger.numerator.where.min_grade == 2 and larger.denominator is None
    road = plan.indicator(8)
    assert (road.compare, road.places, road.formula.name) == ("final_year", 3, "road_death_rate")
    assert road.numerator.where.sectors == frozenset({"road_traffic"}) and road.denominator == Quantity(
        input="vehicles"
    )
    assert road.numerator.is_accidents and not road.denominator.is_accidents
    oh = plan.indicator(9)
    assert (oh.unit, oh.places, oh.formula.percent, oh.target.kind) == ("%", 1, True, "at_least")
    loss = plan.indicator(10)
    assert (loss.places, loss.by_county, loss.description) == (3, False, "合计")
    generic = plan.indicator(11)
    assert generic.formula.name == "rate" and not generic.formula.percent
    assert generic.value(Fraction(3), Fraction(1500)) == 2
    assert [i.no for i in plan.indicators] == [2, 8, 9, 10, 11]


def test_the_shape_of_filters() -> None:
    plan = parse(
        plan_dict(
            {
                "no": 1,
                "name": "工矿商贸",
                "value": {
                    "accidents": "deaths",
                    "where": {
                        "sectors": ["industrial", "fire"],
                        "exclude_sectors": "coal",
                        "min_grade": 1,
                        "min_deaths": 1,
                        "min_serious_injuries": 0,
                        "large_risk": False,
                    },
                },
                "target": {"reduce_by": 0.1},
            }
        )
    )
    where = plan.indicator(1).numerator.where
    assert where.sectors == frozenset({"coal", "construction", "chemicals", "fire"})
    assert where.exclude_sectors == frozenset({"coal"})
    assert (where.min_grade, where.min_deaths, where.large_risk) == (1, 1, False)


def test_a_percentage_rate_of_a_generic_formula() -> None:
    plan = parse(
        plan_dict(
            {
                "no": 1,
                "name": "比例",
                "value": {
                    "formula": "rate",
                    "per": 100,
                    "numerator": {"input": "oh_done"},
                    "denominator": {"input": "oh_due"},
                },
                "target": {"at_least": 80},
            }
        )
    )
    assert plan.indicator(1).formula.percent and plan.indicator(1).unit == "%"


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        target: Any = data
        parts = path.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if value is KeyError:
            del target[last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


@pytest.mark.parametrize(
    ("mutate", "code", "field"),
    [
        (lambda d: d.clear() or d.update({"x": 1}), "unknown_key", "x"),
        (_set("code", KeyError), "required", "code"),
        (_set("code", "bad code"), "invalid_code", "code"),
        (_set("code", True), "wrong_type", "code"),
        (_set("code", "  "), "wrong_type", "code"),
        (_set("region", "5111"), "invalid_region", "region"),
        (_set("period", [2020, 2016]), "end_before_start", "period"),
        (_set("period", "2016-2020"), "wrong_type", "period"),
        (_set("period", {"start": 2016}), "required", "period"),
        (_set("period", [2016, 99]), "invalid_year", "period[1]"),
        (_set("period", {"start": True, "end": 2020}), "invalid_year", "period.start"),
        (_set("baseline", [2011, 2015]), "wrong_type", "baseline"),
        (_set("baseline.period", [2011, 2016]), "baseline_not_before_period", "baseline"),
        (_set("baseline.year", 2016), "baseline_not_before_period", "baseline"),
        (_set("statistics_cutoff_yuan", "100万"), "wrong_type", "statistics_cutoff_yuan"),
        (_set("statistics_cutoff_yuan", -1), "negative_value", "statistics_cutoff_yuan"),
        (_set("indicators", []), "required", "indicators"),
        (_set("indicators", "all"), "required", "indicators"),
        (_set("indicators.0", "accidents"), "wrong_type", "indicators[0]"),
        (_set("indicators.0.colour", "red"), "unknown_key", "indicators[0].colour"),
        (_set("indicators.0.no", 0), "wrong_type", "indicators[0].no"),
        (_set("indicators.0.no", False), "wrong_type", "indicators[0].no"),
        (_set("indicators.0.name", KeyError), "required", "indicators[0].name"),
        (_set("indicators.0.value", KeyError), "wrong_type", "indicators[0].value"),
        (_set("indicators.0.value.weight", 10), "unknown_key", "indicators[0].value.weight"),
        (
            _set(
                "indicators.0.value",
                {
                    "formula": "gdp_death_rate",
                    "numerator": {"accidents": "deaths", "unit": "人"},
                    "denominator": {"input": "gdp"},
                },
            ),
            "unknown_key",
            "indicators[0].value.numerator.unit",
        ),
        (_set("indicators.0.value", {}), "ambiguous_quantity", "indicators[0].value"),
        (
            _set("indicators.0.value", {"accidents": "count", "input": "gdp"}),
            "ambiguous_quantity",
            "indicators[0].value",
        ),
        (_set("indicators.0.value", {"input": "gdp", "where": {}}), "unknown_key", "indicators[0].value.where"),
        (_set("indicators.0.value", {"input": "gnp"}), "unknown_input", "indicators[0].value.input"),
        (_set("indicators.0.value", {"accidents": "injuries"}), "unknown_measure", "indicators[0].value.accidents"),
        (
            _set("indicators.0.value", {"accidents": "count", "numerator": {"accidents": "count"}}),
            "ambiguous_quantity",
            "indicators[0].value",
        ),
        (
            _set("indicators.0.value", {"formula": "gdp_death_rate", "numerator": {"accidents": "deaths"}}),
            "required",
            "indicators[0].value.denominator",
        ),
        (
            _set("indicators.0.value", {"accidents": "count", "denominator": {"input": "gdp"}}),
            "unexpected",
            "indicators[0].value.denominator",
        ),
        (
            _set("indicators.0.value", {"formula": "gdp_rate", "numerator": {"accidents": "deaths"}}),
            "unknown_formula",
            "indicators[0].value.formula",
        ),
        (
            _set(
                "indicators.0.value",
                {
                    "formula": "occupational_health_rate",
                    "kind": "hearing",
                    "numerator": {"input": "oh_done"},
                    "denominator": {"input": "oh_due"},
                },
            ),
            "unknown_kind",
            "indicators[0].value.kind",
        ),
        (
            _set(
                "indicators.0.value",
                {"formula": "rate", "numerator": {"input": "oh_done"}, "denominator": {"input": "oh_due"}},
            ),
            "wrong_type",
            "indicators[0].value.per",
        ),
        (
            _set("indicators.0.value", {"accidents": "count", "where": {"sector": "coal"}}),
            "unknown_key",
            "indicators[0].value.where.sector",
        ),
        (
            _set("indicators.0.value", {"accidents": "count", "where": {"sectors": ["mining"]}}),
            "unknown_sector",
            "indicators[0].value.where.sectors[0]",
        ),
        (
            _set("indicators.0.value", {"accidents": "count", "where": {"sectors": []}}),
            "wrong_type",
            "indicators[0].value.where.sectors",
        ),
        (
            _set("indicators.0.value", {"accidents": "count", "where": {"sectors": {"coal": 1}}}),
            "wrong_type",
            "indicators[0].value.where.sectors",
        ),
        (
            _set("indicators.0.value", {"accidents": "count", "where": {"min_deaths": -1}}),
            "wrong_type",
            "indicators[0].value.where.min_deaths",
        ),
        (
            _set("indicators.0.value", {"accidents": "count", "where": {"min_deaths": 1.5}}),
            "wrong_type",
            "indicators[0].value.where.min_deaths",
        ),
        (
            _set("indicators.0.value", {"accidents": "count", "where": {"min_grade": "一般以上"}}),
            "unknown_grade",
            "indicators[0].value.where.min_grade",
        ),
        (
            _set("indicators.0.value", {"accidents": "count", "where": {"min_grade": 5}}),
            "unknown_grade",
            "indicators[0].value.where.min_grade",
        ),
        (
            _set("indicators.0.value", {"accidents": "count", "where": {"large_risk": "yes"}}),
            "wrong_type",
            "indicators[0].value.where.large_risk",
        ),
        (
            _set("indicators.0.value", {"accidents": "count", "where": ["coal"]}),
            "wrong_type",
            "indicators[0].value.where",
        ),
        (_set("indicators.0.compare", "average"), "unknown_comparison", "indicators[0].compare"),
        (_set("indicators.0.places", 9), "wrong_type", "indicators[0].places"),
        (_set("indicators.0.places", True), "wrong_type", "indicators[0].places"),
        (_set("indicators.0.by_county", "yes"), "wrong_type", "indicators[0].by_county"),
        (_set("indicators.0.target", KeyError), "wrong_type", "indicators[0].target"),
        (_set("indicators.0.target", {"reduce_by": 0.1, "at_least": 90}), "invalid_target", "indicators[0].target"),
        (_set("indicators.0.target", {"halve": 0.5}), "invalid_target", "indicators[0].target"),
        (_set("indicators.0.target", {"reduce_by": "15%"}), "wrong_type", "indicators[0].target.reduce_by"),
        (_set("indicators.0.target", {"reduce_by": True}), "wrong_type", "indicators[0].target.reduce_by"),
        (_set("indicators.0.target", {"reduce_by": 15}), "out_of_range", "indicators[0].target.reduce_by"),
        (_set("indicators.0.target", {"reduce_by": 0}), "out_of_range", "indicators[0].target.reduce_by"),
        (_set("indicators.0.target", {"increase_by": 100}), "out_of_range", "indicators[0].target.increase_by"),
        (_set("indicators.0.target", {"at_least": -5}), "negative_value", "indicators[0].target.at_least"),
    ],
)
def test_a_malformed_plan_is_refused_with_the_path_of_the_problem(
    mutate: Callable[[dict[str, Any]], None], code: str, field: str
) -> None:
    data = copy.deepcopy(plan_dict())
    mutate(data)
    with pytest.raises(PlanError) as caught:
        parse(data)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert caught.value.message_zh.startswith(field) and caught.value.message_en.startswith(field)


def test_a_plan_that_is_not_a_mapping_and_repeated_indicators() -> None:
    with pytest.raises(PlanError) as caught:
        parse(["code: x"])
    assert (caught.value.code, caught.value.field) == ("wrong_type", "plan")
    first = {"no": 1, "name": "a", "value": {"accidents": "count"}, "target": {"reduce_by": 0.1}}
    with pytest.raises(PlanError) as caught:
        parse(plan_dict(first, {**first, "code": "b"}))
    assert (caught.value.code, caught.value.field) == ("duplicate", "indicators[1].no")
    with pytest.raises(PlanError) as caught:
        parse(plan_dict({**first, "code": "same"}, {**first, "no": 2, "code": "same"}))
    assert (caught.value.code, caught.value.field) == ("duplicate", "indicators[1].code")
    with pytest.raises(PlanError) as caught:
        parse(plan_dict()).indicator(7)
    assert caught.value.code == "unknown_indicator"


# --- accidents and filters ------------------------------------------------------------------------------------


ROAD = AccidentFacts("road_traffic", 1, deaths=1, serious_injuries=1, minor_injuries=2, direct_loss=Fraction(15))
ROAD_LARGER = AccidentFacts("road_traffic", 2, deaths=3, missing=1)
MINE = AccidentFacts("coal", 1, deaths=0, serious_injuries=2, large_risk=True)


def test_filters_match_by_sector_grade_deaths_and_large_risk() -> None:
    assert AccidentFilter().matches(MINE)
    assert AccidentFilter(sectors=frozenset({"road_traffic"})).matches(ROAD)
    assert not AccidentFilter(sectors=frozenset({"road_traffic"})).matches(MINE)
    assert not AccidentFilter(exclude_sectors=frozenset({"coal"})).matches(MINE)
    assert AccidentFilter(min_grade=2).matches(ROAD_LARGER) and not AccidentFilter(min_grade=2).matches(ROAD)
    assert not AccidentFilter(min_deaths=1).matches(MINE)
    assert AccidentFilter(min_serious_injuries=2).matches(MINE) and not AccidentFilter(min_serious_injuries=2).matches(
        ROAD
    )
    assert AccidentFilter(large_risk=True).matches(MINE) and not AccidentFilter(large_risk=True).matches(ROAD)


def test_accidents_alike_count_together() -> None:
    group = AccidentFacts("road_traffic", 1, deaths=1, serious_injuries=2, minor_injuries=5, count=4)
    assert [group.measure(m) for m in ("count", "deaths", "serious_injuries", "minor_injuries")] == [4, 4, 8, 5]
    assert accident_total(Quantity(accidents="deaths", where=AccidentFilter(min_deaths=1)), [group, MINE]) == 4


def test_accident_totals_by_measure() -> None:
    facts = [ROAD, ROAD_LARGER, MINE]
    assert accident_total(Quantity(accidents="count"), facts) == 3
    assert accident_total(Quantity(accidents="deaths"), facts) == 4
    assert accident_total(Quantity(accidents="missing"), facts) == 1
    assert accident_total(Quantity(accidents="direct_loss"), facts) == 15
    assert accident_total(Quantity(accidents="deaths", where=AccidentFilter(min_grade=2)), facts) == 3
    assert accident_total(Quantity(accidents="count", where=AccidentFilter(min_grade=3)), facts) == 0
    with pytest.raises(PlanError) as caught:
        accident_total(Quantity(input="gdp"), facts)
    assert caught.value.code == "not_accidents"
    with pytest.raises(PlanError) as caught:
        accident_total(Quantity(accidents="injuries"), facts)
    assert caught.value.code == "unknown_measure"
    assert accident_total(Quantity(accidents="serious_injuries"), facts) == 3
    assert accident_total(Quantity(accidents="minor_injuries"), facts) == 2
    with pytest.raises(PlanError) as caught:
        ROAD.measure("injuries")
    assert caught.value.code == "unknown_measure"


def test_the_least_squares_projection() -> None:
    # y = 10 − 2 (x − 2015): exactly on a line
    points = [(2015, Fraction(10)), (2016, Fraction(8)), (2017, Fraction(6))]
    assert linear_projection(points, 2020) == 0
    # (0,1), (1,2), (2,2): slope 1/2, mean (1, 5/3) → at 4: 5/3 + 3/2 = 19/6
    assert linear_projection([(0, Fraction(1)), (1, Fraction(2)), (2, Fraction(2))], 4) == Fraction(19, 6)
    assert linear_projection([(2018, Fraction(7))], 2020) == 7
    with pytest.raises(PlanError):
        linear_projection([], 2020)


# --- evaluation -----------------------------------------------------------------------------------------------


COUNT = {"no": 1, "name": "起数", "value": {"accidents": "count"}, "target": {"reduce_by": 0.1}}


def test_a_period_total_over_the_whole_period() -> None:
    plan = parse(plan_dict(COUNT))
    counts = {2011: 50, 2012: 40, 2013: 40, 2014: 40, 2015: 30, 2016: 40, 2017: 35, 2018: 35, 2019: 30, 2020: 30}
    result = evaluate(plan, plan.indicator(1), counts, as_of=2020)
    # baseline 200, target 180, actual 170, change −15 %
    assert (result.baseline, result.target, result.actual, result.actual_year) == (200, 180, 170, 2020)
    assert result.change == Fraction(-3, 20) and result.attained is True and result.status == "attained"
    assert result.final and result.projection == 170 and result.on_track is True
    assert result.yearly[2011] == 50 and result.missing == ()
    later = evaluate(plan, plan.indicator(1), counts, as_of=2026)
    assert later.actual == 170 and later.final


def test_a_period_total_while_the_period_runs() -> None:
    plan = parse(plan_dict(COUNT))
    counts = {2011: 40, 2012: 40, 2013: 40, 2014: 40, 2015: 40, 2016: 38, 2017: 34}
    result = evaluate(plan, plan.indicator(1), counts, as_of=2017)
    # 72 in two years → 36 a year → 180 projected, exactly the target 180: on track, not yet attained
    assert (result.actual, result.projection, result.target) == (72, 180, 180)
    assert result.attained is None and result.on_track is True and result.status == "on_track"
    assert not result.final and result.projected_change == Fraction(-1, 10)
    worse = evaluate(plan, plan.indicator(1), {**counts, 2017: 40}, as_of=2017)
    assert worse.projection == 195 and worse.on_track is False and worse.status == "off_track"
    # A running total above the whole period's allowance can no longer be met.
    blown = evaluate(plan, plan.indicator(1), {**counts, 2016: 100, 2017: 90}, as_of=2017)
    assert blown.attained is False and blown.status == "missed"


def test_a_period_total_of_a_rate_is_the_ratio_of_the_sums() -> None:
    plan = parse(
        plan_dict(
            {
                "no": 1,
                "name": "亿元GDP死亡率（期间）",
                "compare": "period_total",
                "value": {
                    "formula": "gdp_death_rate",
                    "numerator": {"accidents": "deaths"},
                    "denominator": {"input": "gdp"},
                },
                "target": {"reduce_by": 0.3},
            }
        )
    )
    deaths = dict.fromkeys(range(2011, 2021), 10)
    gdp = dict.fromkeys(range(2011, 2016), 100) | dict.fromkeys(range(2016, 2018), 200)
    running = evaluate(plan, plan.indicator(1), deaths, gdp, as_of=2017)
    # baseline 50/500 = 0.1; to date 20/400 = 0.05; projected (20×5/2)/(400×5/2) = 0.05
    assert (running.baseline, running.actual, running.projection) == (Fraction(1, 10), Fraction(1, 20), Fraction(1, 20))
    assert running.attained is None and running.on_track is True


def test_a_final_year_rate_against_the_base_year() -> None:
    plan = parse(plan_dict(ROAD_RATE))
    deaths = {2015: 80, 2016: 75, 2017: 70, 2018: 60, 2019: 50, 2020: 40}
    vehicles = {2015: 500_000, 2016: 550_000, 2017: 600_000, 2018: 650_000, 2019: 700_000, 2020: 800_000}
    result = evaluate(plan, plan.indicator(8), deaths, vehicles, as_of=2020)
    # 2015: 80 / 500 000 × 10⁴ = 1.6; 2020: 40 / 800 000 × 10⁴ = 0.5; target 1.6 × 0.94 = 1.504
    assert (result.baseline, result.actual, result.target) == (Fraction(8, 5), Fraction(1, 2), Fraction(188, 125))
    assert result.change == Fraction(-11, 16) and result.attained is True and result.projection == Fraction(1, 2)
    # as of 2017, the line through 1.6 (2015), 1.3636… (2016) and 1.1666… (2017) reaches 2020 well below target
    running = evaluate(plan, plan.indicator(8), deaths, vehicles, as_of=2017)
    assert running.actual == Fraction(70 * 10_000, 600_000) and running.attained is None
    assert running.projection is not None and running.projection < running.target and running.on_track is True


def test_a_final_year_value_missing_in_the_last_year() -> None:
    plan = parse(plan_dict(ROAD_RATE))
    deaths = {2015: 80, 2019: 50, 2020: 40}
    vehicles = {2015: 500_000, 2019: 700_000}  # 2020 not entered yet
    result = evaluate(plan, plan.indicator(8), deaths, vehicles, as_of=2020)
    assert result.actual_year == 2019 and result.attained is None and result.status in {"on_track", "off_track"}
    nothing = evaluate(plan, plan.indicator(8), {2015: 80}, {2015: 500_000}, as_of=2018)
    assert nothing.actual is None and nothing.status == "no_data" and "2018:numerator" in nothing.missing
    zero = evaluate(plan, plan.indicator(8), {2015: 80, 2016: 1}, {2015: 500_000, 2016: 0}, as_of=2016)
    assert zero.yearly[2016] is None and zero.actual is None


def test_a_level_target_and_the_percentage_clamp() -> None:
    plan = parse(plan_dict(OH_RATE))
    done = {2015: 70, 2016: 80, 2017: 90}
    due = {2015: 100, 2016: 100, 2017: 100}
    running = evaluate(plan, plan.indicator(9), done, due, as_of=2017)
    # 70, 80, 90 → the line reaches 120 in 2020, shown as 100 %
    assert running.target == 90 and running.actual == 90 and running.projection == 100
    assert running.on_track is True and running.attained is None and running.change == Fraction(2, 7)
    final = evaluate(plan, plan.indicator(9), {**done, 2020: 88}, {**due, 2020: 100}, as_of=2020)
    assert final.attained is False and final.status == "missed"
    at_most = parse(
        plan_dict(
            {
                "no": 1,
                "name": "损失",
                "value": {"accidents": "direct_loss"},
                "compare": "final_year",
                "target": {"at_most": 100},
            }
        )
    )
    assert evaluate(at_most, at_most.indicator(1), {2015: 150, 2020: 90}, as_of=2020).attained is True


def test_before_the_period_and_without_a_baseline() -> None:
    plan = parse(plan_dict(COUNT, ROAD_RATE))
    early = evaluate(plan, plan.indicator(1), {2011: 5}, as_of=2015)
    assert early.status == "not_started" and early.actual is None and early.baseline is None
    no_base = evaluate(plan, plan.indicator(8), {2016: 10}, {2016: 100_000}, as_of=2016)
    assert no_base.baseline is None and no_base.target is None and no_base.on_track is None
    assert no_base.projection == 1 and no_base.status == "no_data" and "2015:denominator" in no_base.missing


def test_a_zero_baseline() -> None:
    plan = parse(
        plan_dict(COUNT, {"no": 2, "name": "上升", "value": {"accidents": "count"}, "target": {"increase_by": 0.1}})
    )
    zeros = dict.fromkeys(range(2011, 2016), 0)
    assert (
        evaluate(plan, plan.indicator(1), {**zeros, **dict.fromkeys(range(2016, 2021), 0)}, as_of=2020).attained is True
    )
    some = {**zeros, **dict.fromkeys(range(2016, 2021), 1)}
    reduce = evaluate(plan, plan.indicator(1), some, as_of=2020)
    assert reduce.attained is False and reduce.change is None
    assert evaluate(plan, plan.indicator(2), some, as_of=2020).attained is True
