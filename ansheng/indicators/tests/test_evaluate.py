"""Every indicator of leshan-2016-2020 against values worked out by hand from the fixture records (fixtures.py)."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from ansheng.core.models import Region
from ansheng.indicators import evaluate, plans
from ansheng.indicators.tests import fixtures

pytestmark = pytest.mark.django_db

# no: (baseline, target, actual, change, attained) — the fixture's docstring has the records.
EXPECTED = {
    1: (F(9), F(81, 10), F(5), F(-4, 9), True),  # 9 → 5 accidents; target 9 × 0.9
    2: (F(14), F(63, 5), F(7), F(-1, 2), True),  # 14 → 7 deaths
    3: (F(2), F(17, 10), F(1), F(-1, 2), True),  # 较大 and above: 2 → 1
    4: (F(7), F(119, 20), F(3), F(-4, 7), True),  # their deaths: 3 + 4 → 3
    5: (F(1, 500), F(7, 5000), F(1, 800), F(-3, 8), True),  # 2 / 1000 亿元 → 2 / 1600
    6: (F(2), F(81, 50), F(5, 2), F(1, 4), False),  # 工矿商贸 1 / 50 000 × 10⁵ → 1 / 40 000 × 10⁵
    7: (F(2), F(17, 10), F(0), F(-1), True),  # coal 1 / 500 000 t × 10⁶ → 0
    8: (F(1, 2), F(47, 100), F(1, 5), F(-3, 5), True),  # road 1 / 20 000 × 10⁴ → 1 / 50 000 × 10⁴
    9: (F(75), F(90), F(185, 2), F(7, 30), True),  # (80 + 70) / 200 → (95 + 90) / 200, the counties' sums
    10: (F(60), F(85), F(165, 2), F(3, 8), False),  # 120 / 200 → 165 / 200
    11: (F(70), F(90), F(91), F(3, 10), True),  # 700 / 1000 → 910 / 1000
    12: (F(80), F(95), F(95), F(3, 16), True),  # 80 / 100 → 95 / 100: exactly at the target
}


@pytest.fixture
def city(world):
    fixtures.load(world)
    return Region.objects.get(pk="511100")


def test_every_indicator_for_the_city(world, city):
    plan = plans.get_plan("leshan-2016-2020")
    result = evaluate.evaluate_plan(world.users["city"], plan, city, 2020)
    assert [row.indicator.no for row in result.rows] == list(range(1, 13))
    for row in result.rows:
        r = row.result
        assert (r.baseline, r.target, r.actual, r.change, r.attained) == EXPECTED[row.indicator.no], row.indicator.no
        assert r.final and r.status == ("attained" if r.attained else "missed")


def test_the_answer_is_rounded_only_for_display(world, city):
    plan = plans.get_plan("leshan-2016-2020")
    rows = {
        row.indicator.no: row.as_dict() for row in evaluate.evaluate_plan(world.users["city"], plan, city, 2020).rows
    }
    assert (rows[1]["baseline"], rows[1]["target"], rows[1]["actual"], rows[1]["change"]) == (9, 8, 5, -0.4444)
    assert (rows[5]["baseline"], rows[5]["target"], rows[5]["actual"], rows[5]["change"]) == (
        0.002,
        0.001,
        0.001,
        -0.375,
    )
    assert (rows[9]["baseline"], rows[9]["actual"], rows[9]["target"]) == (75.0, 92.5, 90.0)
    assert rows[6]["attained"] is False and rows[6]["status"] == "missed"
    assert rows[2]["yearly"]["2011"] == 5 and rows[2]["yearly"]["2019"] == 0


def test_while_the_period_runs(world, city):
    plan = plans.get_plan("leshan-2016-2020")
    rows = {row.indicator.no: row.result for row in evaluate.evaluate_plan(world.users["city"], plan, city, 2018).rows}
    # 2016–2018: 3 accidents, 5 deaths → at that pace 5 accidents and 25/3 deaths over five years.
    assert (rows[1].actual, rows[1].projection, rows[1].attained, rows[1].status) == (3, 5, None, "on_track")
    assert rows[2].projection == F(25, 3)
    # No 2016–2018 inputs: the rates have no value yet.
    assert rows[5].status == "no_data" and "2018:denominator" in rows[5].missing


def test_by_county_where_the_data_allow(world, city):
    plan = plans.get_plan("leshan-2016-2020")
    result = evaluate.evaluate_plan(world.users["city"], plan, city, 2020)
    counts = {
        row.region.pk: (row.result.baseline, row.result.actual)
        for row in evaluate.by_county(world.users["city"], result, plan.indicator(1))
    }
    assert counts == {"511102": (5, 2), "511112": (4, 3)}
    health = {
        row.region.pk: (row.result.baseline, row.result.actual, row.result.attained)
        for row in evaluate.by_county(world.users["city"], result, plan.indicator(9))
    }
    assert health == {"511102": (80, 95, True), "511112": (70, 90, True)}
    # The counties have no GDP of their own in the fixture: no rate.
    gdp = evaluate.by_county(world.users["city"], result, plan.indicator(5))
    assert {row.result.status for row in gdp} == {"no_data"}


def test_a_county_supervisor_sees_the_county(world, city):
    plan = plans.get_plan("leshan-2016-2020")
    county = Region.objects.get(pk="511112")
    row = evaluate.evaluate_plan(world.users["county_b"], plan, county, 2020).row(1)
    assert (row.result.baseline, row.result.actual) == (4, 3)


def test_the_drill_down_names_the_accidents_behind_a_figure(world, city):
    plan = plans.get_plan("leshan-2016-2020")
    result = evaluate.evaluate_plan(world.users["city"], plan, city, 2020)
    larger = evaluate.contributing(result, plan.indicator(3), range(2011, 2021))
    assert sorted((f.year, f.county, f.facts.sector) for f in larger) == [
        (2011, "511102", "road_traffic"),
        (2014, "511112", "chemicals"),
        (2018, "511112", "road_traffic"),
    ]
    deaths_2015 = evaluate.contributing(result, plan.indicator(2), [2015])
    assert len(deaths_2015) == 2  # the construction accident of 2015 had no death
    inputs = {(i["item"], i["year"]): i for i in evaluate.input_rows(result, plan.indicator(9))}
    assert inputs[("oh_declared", 2020)]["value"] == 185 and inputs[("oh_declared", 2020)]["derived"]
    gdp = {(i["item"], i["year"]): i for i in evaluate.input_rows(result, plan.indicator(5))}
    assert gdp[("gdp", 2015)]["source"] == "统计公报" and not gdp[("gdp", 2015)]["derived"]
