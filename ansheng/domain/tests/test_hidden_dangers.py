"""Hidden-danger rules (安监总局令第16号, 第15号), table-driven with the clause of each case."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

import pytest

from ansheng.domain import hidden_dangers as hd


def test_the_plan_has_the_six_parts_of_16_article_15_in_order() -> None:
    assert [item.code for item in hd.PLAN_ITEMS] == [
        "goals",
        "measures",
        "funds",
        "organisation",
        "time_limit",
        "safety",
    ]
    assert hd.PLAN_ITEMS[5].label_zh == "安全措施和应急预案"


def test_missing_plan_items_lists_blank_and_absent_parts() -> None:
    full = {item.code: "有" for item in hd.PLAN_ITEMS}
    assert hd.missing_plan_items(full) == ()
    partial = {**full, "funds": "  ", "safety": None}
    del partial["goals"]
    assert [item.code for item in hd.missing_plan_items(partial)] == ["goals", "funds", "safety"]
    assert hd.missing_plan_items({**full, "funds": 450000}) == ()  # a number is filled in


@pytest.mark.parametrize(
    ("deadline", "requested_on", "allowed"),
    [
        # 15号令 第十七条: at least 10 days before the deadline.
        (date(2026, 3, 31), date(2026, 3, 21), True),
        (date(2026, 3, 31), date(2026, 3, 22), False),
        (date(2026, 3, 1), date(2026, 2, 19), True),  # across February
        (date(2024, 3, 1), date(2024, 2, 20), True),  # leap year: 29 February lies between
        (date(2024, 3, 1), date(2024, 2, 21), False),
    ],
)
def test_an_extension_is_requested_at_least_ten_days_before(deadline: date, requested_on: date, allowed: bool) -> None:
    new = date(2026, 12, 31)
    if allowed:
        hd.check_extension_request(deadline=deadline, requested_on=requested_on, new_deadline=new)
    else:
        with pytest.raises(hd.HiddenDangerError) as caught:
            hd.check_extension_request(deadline=deadline, requested_on=requested_on, new_deadline=new)
        assert caught.value.code == "extension_too_late"
        assert caught.value.field == "new_deadline"


def test_an_extension_must_be_later_than_the_deadline() -> None:
    with pytest.raises(hd.HiddenDangerError) as caught:
        hd.check_extension_request(
            deadline=date(2026, 5, 1), requested_on=date(2026, 4, 1), new_deadline=date(2026, 5, 1)
        )
    assert caught.value.code == "extension_not_later"


def test_the_bureau_answers_within_five_days_and_reviews_within_ten() -> None:
    assert hd.extension_answer_due(date(2026, 12, 29)) == date(2027, 1, 3)
    assert hd.latest_extension_request_on(date(2026, 1, 5)) == date(2025, 12, 26)
    assert hd.closure_review_due(date(2026, 2, 25)) == date(2026, 3, 7)


def test_dates_must_be_plain_dates() -> None:
    with pytest.raises(hd.HiddenDangerError) as caught:
        hd.extension_answer_due(datetime(2026, 1, 1, 8, 0))  # type: ignore[arg-type]
    assert caught.value.code == "wrong_type"
    with pytest.raises(hd.HiddenDangerError):
        hd.is_overdue("2026-01-01", date(2026, 1, 2))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("deadline", "today", "overdue", "days"),
    [
        (date(2026, 6, 30), date(2026, 6, 30), False, 0),  # the deadline day itself is in time
        (date(2026, 6, 30), date(2026, 7, 1), True, 1),
        (date(2026, 6, 30), date(2026, 6, 1), False, 0),
        (None, date(2026, 7, 1), False, 0),
        (date(2025, 12, 31), date(2026, 1, 31), True, 31),
    ],
)
def test_overdue_from_the_day_after_the_deadline(deadline: date | None, today: date, overdue: bool, days: int) -> None:
    assert hd.is_overdue(deadline, today) is overdue
    assert hd.days_overdue(deadline, today) == days


@pytest.mark.parametrize(
    ("year", "quarter", "first", "last", "due"),
    [
        (2026, 1, date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 15)),
        (2026, 2, date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 15)),
        (2026, 3, date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 15)),
        (2026, 4, date(2026, 10, 1), date(2026, 12, 31), date(2027, 1, 15)),
    ],
)
def test_quarters_and_their_16_article_14_due_dates(
    year: int, quarter: int, first: date, last: date, due: date
) -> None:
    assert hd.period_bounds(year, quarter) == (first, last)
    assert hd.quarter_report_due(year, quarter) == due
    assert hd.quarter_of(first) == quarter == hd.quarter_of(last)


def test_the_year_and_its_report_due_date() -> None:
    assert hd.period_bounds(2024) == (date(2024, 1, 1), date(2024, 12, 31))
    assert hd.annual_report_due(2026) == date(2027, 1, 31)


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_a_quarter_is_one_to_four(quarter: int) -> None:
    with pytest.raises(hd.HiddenDangerError) as caught:
        hd.period_bounds(2026, quarter)
    assert caught.value.code == "invalid_quarter"
    with pytest.raises(hd.HiddenDangerError):
        hd.quarter_report_due(2026, quarter)


def test_rates_are_exact_and_undefined_without_records() -> None:
    assert hd.rate(2, 3) == Fraction(2, 3)
    assert hd.rate(0, 0) is None
    assert hd.rate(0, 4) == 0
    for bad in [(3, 2), (-1, 2), (1, -1)]:
        with pytest.raises(hd.HiddenDangerError) as caught:
            hd.rate(*bad)
        assert caught.value.code == "invalid_rate"
