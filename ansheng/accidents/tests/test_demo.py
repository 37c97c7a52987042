"""The demo's accident archive says what the plan says: 246 accidents in 2011, 127 in 2015, 18 较大 in 2011–2015
(12 road traffic, 6 工矿商贸), and fewer every year of 2016–2020."""

from ansheng.accidents.choices import Sector
from ansheng.accidents.demo import COAL, YEARS, _split, year_plan


def test_the_years_of_the_plan():
    counts = {year: len(year_plan(year)) for year in YEARS}
    assert (counts[2011], counts[2015]) == (246, 127)
    assert -0.484 < (counts[2015] - counts[2011]) / counts[2011] < -0.483  # the plan's −48.3 %
    assert all(counts[y] > counts[y + 1] for y in range(2011, 2020))
    larger = [sector for year in range(2011, 2016) for sector, is_larger in year_plan(year) if is_larger]
    assert len(larger) == 18
    assert larger.count(Sector.ROAD_TRAFFIC) == 12
    assert all(sector in Sector.INDUSTRIAL_COMMERCIAL for sector in larger if sector != Sector.ROAD_TRAFFIC)
    for year in YEARS:
        assert sum(1 for sector, _ in year_plan(year) if sector == Sector.COAL) == COAL[year]


def test_splitting_keeps_the_total():
    assert sum(_split(101, [("a", 62), ("b", 30), ("c", 8)]).values()) == 101
    assert _split(10, [("a", 1), ("b", 1)]) == {"a": 5, "b": 5}
