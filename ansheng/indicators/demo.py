"""Demo statistics inputs for Leshan, 2011–2025, of plausible size, so that every indicator has a value.

GDP grows from about 1 000 to 1 600 亿元 over 2011–2020; motor vehicles from about 0.3 to 0.8 million; raw coal
output falls from 5.2 to 1.3 million tonnes as small mines close (faster than coal deaths fall, so the coal-mine rate
misses its target); the occupational-health rates rise, and the periodic-testing rate stops short of its 85 %.
Counties carry every item; the city has its own GDP, employment, coal, vehicles and population (its statistics
communiqué) and takes the occupational-health counts as the sum of its counties.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

GDP = {
    2011: 1000,
    2012: 1080,
    2013: 1150,
    2014: 1210,
    2015: 1300,
    2016: 1360,
    2017: 1420,
    2018: 1480,
    2019: 1540,
    2020: 1600,
    2021: 1680,
    2022: 1760,
    2023: 1840,
    2024: 1920,
    2025: 2000,
}
COAL_T = {
    2011: 5_200_000,
    2012: 4_800_000,
    2013: 4_200_000,
    2014: 3_600_000,
    2015: 3_000_000,
    2016: 2_600_000,
    2017: 2_200_000,
    2018: 1_900_000,
    2019: 1_600_000,
    2020: 1_300_000,
    2021: 1_200_000,
    2022: 1_100_000,
    2023: 1_000_000,
    2024: 900_000,
    2025: 800_000,
}
VEHICLES = {
    2011: 300_000,
    2012: 345_000,
    2013: 395_000,
    2014: 450_000,
    2015: 505_000,
    2016: 560_000,
    2017: 620_000,
    2018: 680_000,
    2019: 740_000,
    2020: 800_000,
    2021: 850_000,
    2022: 890_000,
    2023: 930_000,
    2024: 965_000,
    2025: 1_000_000,
}
# Occupational-health rates (%) of the city by year: declaration, periodic testing, examination, training.
OH_RATES = {
    2011: (55, 50, 66, 74),
    2012: (60, 54, 70, 78),
    2013: (64, 58, 73, 81),
    2014: (68, 62, 76, 83),
    2015: (72, 65, 78, 85),
    2016: (77, 69, 82, 88),
    2017: (82, 73, 85, 91),
    2018: (86, 77, 88, 93),
    2019: (90, 80, 90, 95),
    2020: (93, 83, 91.5, 96),
    2021: (94, 85, 92, 96),
    2022: (95, 87, 93, 97),
    2023: (95, 88, 93, 97),
    2024: (96, 89, 94, 97),
    2025: (96, 90, 94, 98),
}
SHARE_GDP = {
    "511102": 26,
    "511111": 7,
    "511112": 10,
    "511113": 2,
    "511123": 10,
    "511124": 7,
    "511126": 9,
    "511129": 4,
    "511132": 3,
    "511133": 3,
    "511181": 19,
}
SHARE_PEOPLE = {
    "511102": 22,
    "511111": 6,
    "511112": 9,
    "511113": 2,
    "511123": 12,
    "511124": 9,
    "511126": 9,
    "511129": 6,
    "511132": 3,
    "511133": 4,
    "511181": 18,
}
SHARE_COAL = {"511123": 35, "511129": 25, "511133": 15, "511132": 10, "511111": 10, "511113": 5}
CITY_SOURCE = "乐山市{year}年国民经济和社会发展统计公报"


def _split(total: int, shares: dict[str, int], rng: Any, jitter: float = 0.04) -> dict[str, int]:
    """``total`` over the counties by share, each share a little off, summing exactly to ``total``."""
    weights = {code: share * (1 + rng.uniform(-jitter, jitter)) for code, share in shares.items()}
    whole = sum(weights.values())
    values = {code: int(total * weight / whole) for code, weight in weights.items()}
    first = max(values, key=lambda code: values[code])
    values[first] += total - sum(values.values())
    return values


def load_statistics_inputs(ctx: Any) -> None:
    from ansheng.indicators.services import do_set_inputs

    rng = ctx.rng
    city = ctx.refs["city"].pk
    rows: list[dict[str, Any]] = []

    def add(region: str, year: int, item: str, value: Any, source: str) -> None:
        rows.append({"region": region, "year": year, "item": item, "value": value, "source": source})

    for year in GDP:
        employed = 640_000 - 4_000 * (year - 2011) if year <= 2020 else 604_000 - 3_000 * (year - 2020)
        population = 3_250_000 - 9_000 * (year - 2011)
        city_source = CITY_SOURCE.format(year=year)
        gdp = _split(GDP[year] * 100, SHARE_GDP, rng)  # in 0.01 亿元, so that counties add up to the city
        jobs = _split(employed, SHARE_GDP, rng)
        coal = _split(COAL_T[year], SHARE_COAL, rng, 0.1)
        cars = _split(VEHICLES[year], SHARE_PEOPLE, rng)
        people = _split(population, SHARE_PEOPLE, rng, 0.01)
        add(city, year, "gdp", Decimal(GDP[year]), city_source)
        add(city, year, "employed_industrial", employed, city_source)
        add(city, year, "coal_output", COAL_T[year], "乐山市经济和信息化局煤炭生产统计")
        add(city, year, "motor_vehicles", VEHICLES[year], "乐山市公安局交通警察支队年报")
        add(city, year, "population", population, city_source)
        firms = _split(1500 + 20 * (year - 2011), SHARE_GDP, rng)
        workers = _split(62_000 + 800 * (year - 2011), SHARE_GDP, rng)
        managers = _split(3000 + 40 * (year - 2011), SHARE_GDP, rng)
        rates = OH_RATES[year]
        for code, name in ((c, r.name) for c, r in ctx.refs["counties"].items()):
            county_source = f"{name}{year}年国民经济和社会发展统计公报"
            add(code, year, "gdp", Decimal(gdp[code]) / 100, county_source)
            add(code, year, "employed_industrial", jobs[code], county_source)
            add(code, year, "coal_output", coal.get(code, 0), "乐山市经济和信息化局煤炭生产统计")
            add(code, year, "motor_vehicles", cars[code], "乐山市公安局交通警察支队年报")
            add(code, year, "population", people[code], county_source)
            oh_source = f"{name}卫生健康局职业健康工作统计（{year}）"
            for due, done, whole, rate in (
                ("oh_declare_due", "oh_declared", firms[code], rates[0]),
                ("oh_testing_due", "oh_tested", firms[code], rates[1]),
                ("oh_exam_due", "oh_examined", workers[code], rates[2]),
                ("oh_training_due", "oh_trained", managers[code], rates[3]),
            ):
                # Each county a little above or below the city's rate; never above 100 %.
                share = min(100.0, rate * (1 + rng.uniform(-0.02, 0.02)))
                add(code, year, due, whole, oh_source)
                add(code, year, done, int(whole * share / 100), oh_source)
    do_set_inputs(acting_user=ctx.admin, rows=rows)
    ctx.log(f"  {len(rows)} statistics inputs")
