"""A small record of accidents and statistics inputs for 2011–2020 in the test city (two counties, A 511102 and
B 511112), with every figure the 12 indicators of leshan-2016-2020 need; the tests work the indicators out by hand
from exactly these records.

Baseline 2011–2015 (9 accidents, 14 deaths; 较大: 2 accidents, 7 deaths):
  2011 A road 较大 3 deaths · A road 1 · B coal 1
  2012 B construction 1
  2013 A road 2
  2014 B chemicals 较大 4
  2015 A road 1 · B coal 1 · A construction 0 deaths, 1 serious injury
Plan years 2016–2020 (5 accidents, 7 deaths; 较大: 1 accident, 3 deaths):
  2016 A road 1 · 2017 B coal 1 · 2018 B road 较大 3 · 2020 A road 1 · B industry & trade 1
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ansheng.accidents.choices import Sector
from ansheng.accidents.services import do_load_accident_history
from ansheng.accidents.tests.factories import at
from ansheng.indicators.services import do_set_inputs

A, B, CITY = "511102", "511112", "511100"
CATEGORY = {
    Sector.ROAD_TRAFFIC: "road_transport",
    Sector.COAL: "coal_mine",
    Sector.CONSTRUCTION: "construction",
    Sector.CHEMICALS: "chem_production",
    Sector.INDUSTRY_TRADE: "machinery",
}
ACCIDENTS = [
    (A, 2011, Sector.ROAD_TRAFFIC, 3, 0),
    (A, 2011, Sector.ROAD_TRAFFIC, 1, 0),
    (B, 2011, Sector.COAL, 1, 0),
    (B, 2012, Sector.CONSTRUCTION, 1, 0),
    (A, 2013, Sector.ROAD_TRAFFIC, 2, 0),
    (B, 2014, Sector.CHEMICALS, 4, 0),
    (A, 2015, Sector.ROAD_TRAFFIC, 1, 0),
    (B, 2015, Sector.COAL, 1, 0),
    (A, 2015, Sector.CONSTRUCTION, 0, 1),
    (A, 2016, Sector.ROAD_TRAFFIC, 1, 0),
    (B, 2017, Sector.COAL, 1, 0),
    (B, 2018, Sector.ROAD_TRAFFIC, 3, 0),
    (A, 2020, Sector.ROAD_TRAFFIC, 1, 0),
    (B, 2020, Sector.INDUSTRY_TRADE, 1, 0),
]
CITY_INPUTS = {
    2015: {"gdp": "1000", "employed_industrial": 50_000, "coal_output": 500_000, "motor_vehicles": 20_000},
    2020: {"gdp": "1600", "employed_industrial": 40_000, "coal_output": 400_000, "motor_vehicles": 50_000},
}
# Occupational-health counts by county only: the city's are their sums.
COUNTY_INPUTS = {
    (A, 2015): {
        "oh_declare_due": 100,
        "oh_declared": 80,
        "oh_testing_due": 100,
        "oh_tested": 60,
        "oh_exam_due": 600,
        "oh_examined": 420,
        "oh_training_due": 50,
        "oh_trained": 40,
    },
    (B, 2015): {
        "oh_declare_due": 100,
        "oh_declared": 70,
        "oh_testing_due": 100,
        "oh_tested": 60,
        "oh_exam_due": 400,
        "oh_examined": 280,
        "oh_training_due": 50,
        "oh_trained": 40,
    },
    (A, 2020): {
        "oh_declare_due": 100,
        "oh_declared": 95,
        "oh_testing_due": 100,
        "oh_tested": 85,
        "oh_exam_due": 600,
        "oh_examined": 560,
        "oh_training_due": 50,
        "oh_trained": 48,
    },
    (B, 2020): {
        "oh_declare_due": 100,
        "oh_declared": 90,
        "oh_testing_due": 100,
        "oh_tested": 80,
        "oh_exam_due": 400,
        "oh_examined": 350,
        "oh_training_due": 50,
        "oh_trained": 47,
    },
}


def load(world: Any) -> None:
    records = []
    for index, (county, year, sector, deaths, serious) in enumerate(ACCIDENTS):
        records.append(
            {
                "county": county,
                "occurred_at": at(year, 1 + index % 12, 10, 9),
                "unit_name": f"单位{index}",
                "category": CATEGORY[sector],
                "sector": sector,
                "place": "某地",
                "scene": "s",
                "course": "c",
                "measures_taken": "m",
                "deaths": deaths,
                "serious_injuries": serious,
                "direct_loss": Decimal(10),
            }
        )
    do_load_accident_history(
        acting_user=world.users["city_admin"], records=records, source_note="测试", now=at(2026, 1, 1)
    )
    rows = [
        {"region": CITY, "year": year, "item": item, "value": value, "source": "统计公报"}
        for year, values in CITY_INPUTS.items()
        for item, value in values.items()
    ]
    rows += [
        {"region": county, "year": year, "item": item, "value": value, "source": "卫健局"}
        for (county, year), values in COUNTY_INPUTS.items()
        for item, value in values.items()
    ]
    do_set_inputs(acting_user=world.users["city_admin"], rows=rows)
