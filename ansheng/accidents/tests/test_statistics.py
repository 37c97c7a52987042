"""Statistics against values worked out by hand from the fixture records below."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ansheng.accidents import statistics
from ansheng.accidents.choices import Sector, Status
from ansheng.accidents.models import Accident
from ansheng.accidents.services import do_load_accident_history
from ansheng.accidents.tests.factories import at
from ansheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from ansheng.core.models import Region

pytestmark = pytest.mark.django_db


def record(county, when, sector, category, deaths=0, serious=0, minor=0, loss="0", **extra):
    return {
        "county": county,
        "occurred_at": when,
        "unit_name": f"{sector}单位",
        "category": category,
        "sector": sector,
        "place": "某地",
        "scene": "s",
        "course": "c",
        "measures_taken": "m",
        "deaths": deaths,
        "serious_injuries": serious,
        "minor_injuries": minor,
        "direct_loss": Decimal(loss),
        **extra,
    }


@pytest.fixture
def archive(world):
    """2015: A road 1 death; A road 较大 3 deaths; B chemicals 2 serious. 2016: B coal 1 death; B construction
    (builder_b) 2 deaths; B fire no casualties 50万 (out); B chemicals no casualties 150万 (in); a withdrawn one;
    a 较大涉险 incident without casualties (out, but counted as 较大涉险)."""
    records = [
        record("511102", at(2015, 3, 1, 9), Sector.ROAD_TRAFFIC, "road_transport", deaths=1, minor=2, loss="10"),
        record("511102", at(2015, 7, 1, 9), Sector.ROAD_TRAFFIC, "road_transport", deaths=3, serious=1, loss="50"),
        record("511112", at(2015, 9, 1, 9), Sector.CHEMICALS, "chem_production", serious=2, minor=1, loss="80"),
        record("511112", at(2016, 1, 5, 9), Sector.COAL, "coal_mine", deaths=1, loss="20"),
        record(
            "511112",
            at(2016, 5, 5, 9),
            Sector.CONSTRUCTION,
            "construction",
            deaths=2,
            loss="30",
            enterprise_id=world.enterprises["builder_b"].pk,
        ),
        record("511112", at(2016, 8, 8, 9), Sector.FIRE, "commerce", loss="50"),
        record("511112", at(2016, 9, 9, 9), Sector.CHEMICALS, "chem_production", loss="150"),
        record("511112", at(2016, 10, 1, 9), Sector.CHEMICALS, "chem_production", deaths=1, status=Status.WITHDRAWN),
        record(
            "511102",
            at(2016, 11, 1, 9),
            Sector.INDUSTRY_TRADE,
            "commerce",
            loss="5",
            large_risk=True,
            large_risk_triggers=["trapped_or_missing"],
        ),
    ]
    return do_load_accident_history(
        acting_user=world.users["city_admin"], records=records, source_note="测试", now=at(2026, 1, 1)
    )


def by_year(user, region, start, end):
    return {row["year"]: row for row in statistics.yearly(user, Region.objects.get(pk=region), start, end)}


def test_the_city_per_year(world, archive):
    rows = by_year(world.users["city"], "511100", 2015, 2016)
    y15, y16 = rows[2015], rows[2016]
    assert (y15["accidents"], y15["deaths"], y15["serious_injuries"], y15["minor_injuries"]) == (3, 4, 3, 3)
    assert y15["direct_loss_10k_yuan"] == Decimal("140.00")
    assert y15["by_grade"] == {"一般": 2, "较大": 1, "重大": 0, "特别重大": 0}
    assert y15["deaths_by_grade"] == {"一般": 1, "较大": 3, "重大": 0, "特别重大": 0}
    assert y15["by_sector"] == {
        "chemicals": {"accidents": 1, "deaths": 0, "serious_injuries": 2},
        "road_traffic": {"accidents": 2, "deaths": 4, "serious_injuries": 1},
    }
    # 2016: coal, construction and the 150万 chemical loss; the small fire, the withdrawn report and the
    # 较大涉险 incident without casualties stay out (the last is counted as 较大涉险).
    assert (y16["accidents"], y16["deaths"], y16["direct_loss_10k_yuan"]) == (3, 3, Decimal("200.00"))
    assert y16["by_grade"]["一般"] == 3 and list(y16["by_sector"]) == ["coal", "chemicals", "construction"]
    assert (y16["large_risk"], y16["provisional"], y15["large_risk"]) == (1, 0, 0)


def test_a_county_and_the_counties(world, archive):
    rows = by_year(world.users["county_b"], "511112", 2015, 2016)
    assert (rows[2015]["accidents"], rows[2016]["accidents"], rows[2016]["deaths"]) == (1, 3, 3)
    counties = statistics.by_county(world.users["city"], Region.objects.get(pk="511100"), 2015, 2016)
    assert [(c["county"], c["accidents"], c["deaths"]) for c in counties] == [("511102", 2, 4), ("511112", 4, 3)]


def test_an_industry_department_sees_the_sectors_it_regulates(world, archive):
    # The transport department: the road accidents without an enterprise, and builder_b, which names it.
    rows = by_year(world.users["dept_transport"], "511100", 2015, 2016)
    assert (rows[2015]["accidents"], rows[2015]["deaths"], rows[2016]["accidents"], rows[2016]["deaths"]) == (
        2,
        4,
        1,
        2,
    )


def test_confirmed_figures_count_over_provisional_ones(world, archive):
    Accident.objects.filter(sector=Sector.COAL).update(confirmed_deaths=2)
    assert by_year(world.users["city"], "511100", 2016, 2016)[2016]["deaths"] == 4


def test_the_region_must_lie_in_the_jurisdiction(world, archive):
    with pytest.raises(NotFound):
        statistics.region_for(world.users["county_a"], "511112")
    with pytest.raises(NotFound):
        statistics.region_for(world.users["county_a"], "511100")
    assert statistics.region_for(world.users["county_a"], None).pk == "511102"
    assert statistics.region_for(world.users["city"], None).pk == "511100"
    with pytest.raises(NotFound):
        statistics.region_for(world.users["city"], "999999")
    with pytest.raises(PermissionDenied):
        statistics.region_for(world.users["ent_admin"], "511112")


@pytest.mark.parametrize(("start", "end", "field"), [(2016, 2015, "to"), (1900, 2016, "from"), (1990, 2060, "to")])
def test_the_years_are_checked(start, end, field):
    with pytest.raises(ValidationFailed) as caught:
        statistics.check_years(start, end, 2026)
    assert caught.value.field == field


def test_monthly_rows(world, archive):
    months = statistics.yearly(world.users["city"], Region.objects.get(pk="511100"), 2015, 2015, by="month")
    assert [m["accidents"] for m in months] == [0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0]
    assert months[6]["month"] == 7 and months[6]["deaths"] == 3
