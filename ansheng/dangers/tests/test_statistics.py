"""The rates, checked against records counted by hand (docs/dangers.md gives each definition)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ansheng.dangers import statistics
from ansheng.dangers.choices import Grade, State
from ansheng.dangers.models import HiddenDanger

pytestmark = pytest.mark.django_db
UTC = dt.UTC
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def make(
    world,
    *,
    reported,
    state,
    grade=Grade.GENERAL,
    deadline=None,
    accepted=None,
    closed=None,
    rejections=0,
    on_the_spot=False,
    enterprise="chem_b",
):
    return HiddenDanger.objects.create(
        enterprise=world.enterprises[enterprise],
        source="inspection",
        title="t",
        description="d",
        reported_at=reported,
        found_at=reported,
        state=state,
        grade=grade,
        deadline=deadline,
        accepted_at=accepted,
        closed_at=closed,
        rejections=rejections,
        on_the_spot=on_the_spot,
    )


@pytest.fixture
def records(world):
    d = dt.datetime
    # D1: accepted 23:30 Beijing on its deadline day: on time; never rejected; closed in the quarter.
    make(
        world,
        reported=d(2026, 1, 5, 2, tzinfo=UTC),
        state=State.CLOSED,
        deadline=dt.date(2026, 2, 10),
        accepted=d(2026, 2, 10, 15, 30, tzinfo=UTC),
        closed=d(2026, 2, 11, 2, tzinfo=UTC),
    )
    # D2: accepted 00:30 Beijing the day after its deadline: late; rejected once; closed after the quarter.
    make(
        world,
        reported=d(2026, 1, 20, 2, tzinfo=UTC),
        state=State.CLOSED,
        deadline=dt.date(2026, 2, 10),
        accepted=d(2026, 2, 10, 16, 30, tzinfo=UTC),
        closed=d(2026, 4, 2, 2, tzinfo=UTC),
        rejections=1,
    )
    # D3: deadline passed in the quarter, never accepted.
    make(world, reported=d(2026, 2, 1, 2, tzinfo=UTC), state=State.RECTIFYING, deadline=dt.date(2026, 3, 15))
    # D4: reported before the quarter, deadline after it, accepted in it without rejection.
    make(
        world,
        reported=d(2025, 12, 20, 2, tzinfo=UTC),
        state=State.ACCEPTED,
        deadline=dt.date(2026, 4, 10),
        accepted=d(2026, 3, 20, 2, tzinfo=UTC),
    )
    # D5: fixed on the spot.
    make(
        world,
        reported=d(2026, 3, 1, 2, tzinfo=UTC),
        state=State.CLOSED,
        deadline=dt.date(2026, 3, 1),
        accepted=d(2026, 3, 1, 3, tzinfo=UTC),
        closed=d(2026, 3, 1, 3, tzinfo=UTC),
        on_the_spot=True,
    )
    # D6: reported 23:50 Beijing on 31 March: in the quarter. D7: 00:10 Beijing on 1 April: not.
    make(world, reported=d(2026, 3, 31, 15, 50, tzinfo=UTC), state=State.REPORTED, grade="")
    make(world, reported=d(2026, 3, 31, 16, 10, tzinfo=UTC), state=State.REPORTED, grade="")
    # In county A: must not count for county B's supervisor.
    make(
        world,
        reported=d(2026, 2, 1, 2, tzinfo=UTC),
        state=State.CLOSED,
        deadline=dt.date(2026, 2, 5),
        accepted=d(2026, 2, 4, 2, tzinfo=UTC),
        closed=d(2026, 2, 4, 2, tzinfo=UTC),
        enterprise="mine_a",
    )


def test_the_three_rates_match_the_hand_count(world, records):
    result = statistics.rates(world.users["county_b"], start=Q1[0], end=Q1[1])
    on_time, one_pass, closure = result["on_time"], result["one_pass"], result["closure"]
    assert (on_time.numerator, on_time.denominator) == (2, 4)  # D1, D5 of D1, D2, D3, D5
    assert (one_pass.numerator, one_pass.denominator) == (2, 3)  # D1, D4 of D1, D2, D4
    assert (closure.numerator, closure.denominator) == (2, 5)  # D1, D5 of D1, D2, D3, D5, D6
    assert closure.value == Fraction(2, 5) and closure.percent == 40.0


def test_the_city_counts_both_counties_and_an_empty_period_has_no_rate(world, records):
    city = statistics.rates(world.users["city"], start=Q1[0], end=Q1[1])
    assert (city["on_time"].numerator, city["on_time"].denominator) == (3, 5)
    empty = statistics.rates(world.users["county_b"], start=dt.date(2020, 1, 1), end=dt.date(2020, 3, 31))
    assert empty["closure"].value is None and empty["closure"].percent is None


def test_rates_by_county_and_enterprise(world, records):
    by_county = {row["key"]: row for row in statistics.rates_by(world.users["city"], "county", start=Q1[0], end=Q1[1])}
    assert by_county["511112"]["rates"]["closure"].denominator == 5
    assert by_county["511102"]["rates"]["on_time"].value == 1
    by_industry = statistics.rates_by(world.users["city"], "industry", start=Q1[0], end=Q1[1])
    assert {row["key"] for row in by_industry} == {"chem_production", "metal_mine"}


def test_the_quarterly_report_counts_by_grade_and_gives_the_due_date(world, records):
    report = statistics.period_report(world.users["ent_admin"], year=2026, quarter=1)
    assert report["due"] == dt.date(2026, 4, 15)
    assert report["found"] == {"general": 4, "major": 0, "total": 5}
    assert report["rectified"]["total"] == 2
    annual = statistics.period_report(world.users["ent_admin"], year=2026)
    assert annual["due"] == dt.date(2027, 1, 31) and annual["found"]["total"] == 6


def test_the_monthly_trend(world, records):
    data = statistics.trend(world.users["county_b"], start=Q1[0], end=Q1[1])
    assert data["months"] == ["2026-01", "2026-02", "2026-03"]
    assert data["closure"][0] == 0.0  # January: D1 and D2 reported, neither closed by 31 January
    assert data["on_time"][1] == 50.0  # February: D1 on time, D2 late


def test_months_between_crosses_years():
    assert statistics.months_between(dt.date(2025, 12, 15), dt.date(2026, 2, 3)) == [
        (dt.date(2025, 12, 15), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 3)),
    ]


def test_the_statistics_page_and_its_exports(world, records, client_for):
    client = client_for(world.users["county_b"])
    page = client.get("/dangers/stats/?year=2026&quarter=1")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="rate-closure">40.0%' in body
    xlsx = client.get("/dangers/stats/report.xlsx?year=2026&quarter=1")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "主要负责人（签字）：" in values and "2026-04-15" in values
    assert client.get("/dangers/stats/?county=511102").status_code == 404  # another county's figures


@pytest.mark.slow
def test_the_pdf_report_carries_the_signature_block(world, records, client_for, pdf_text):
    response = client_for(world.users["ent_admin"]).get("/dangers/stats/report.pdf?year=2026&quarter=1")
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    text = pdf_text(response.content)
    assert "主要负责人（签字）" in text and "第1季度" in text


def test_the_risks_rates_are_merged_in_when_the_risks_app_is_installed(world, records, client_for, monkeypatch):
    import sys
    import types

    from django.apps import apps

    seen = {}

    def risk_rates(user, *, region_code=None, enterprise_id=None, start, end):
        seen.update(user=user.username, region_code=region_code, start=start, end=end)
        return {
            "coverage": {"label": "辨识覆盖率", "percent": 87.5},
            "completion": {"label": "排查任务完成率", "value": None},
        }

    module = types.ModuleType("ansheng.risks.stats")
    module.rates = risk_rates
    monkeypatch.setitem(sys.modules, "ansheng.risks", types.ModuleType("ansheng.risks"))
    monkeypatch.setitem(sys.modules, "ansheng.risks.stats", module)
    real = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name == "ansheng.risks" or real(name))
    result = statistics.rates(world.users["county_b"], start=Q1[0], end=Q1[1])
    assert result["risks"]["coverage"]["percent"] == 87.5
    body = client_for(world.users["county_b"]).get("/dangers/stats/?year=2026&quarter=1").content.decode()
    assert "辨识覆盖率" in body and "87.5" in body and "排查任务完成率" in body
    assert seen["user"] == "county_b" and seen["start"] == Q1[0]


def test_without_the_risks_app_there_are_no_risks_rates(world, records):
    from django.apps import apps

    if apps.is_installed("ansheng.risks"):
        pytest.skip("the risks app is installed in this build")
    assert statistics.rates(world.users["county_b"], start=Q1[0], end=Q1[1])["risks"] is None


def test_the_trend_agrees_with_the_rates_of_each_month(world, records):
    data = statistics.trend(world.users["city"], start=dt.date(2025, 12, 1), end=Q1[1])
    for index, (first, last) in enumerate(statistics.months_between(dt.date(2025, 12, 1), Q1[1])):
        month = statistics.rates(world.users["city"], start=first, end=last)
        for key in statistics.RATE_KEYS:
            assert data[key][index] == month[key].percent, (first, key)
