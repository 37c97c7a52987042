"""Duties of a major hazard source: evaluation renewal, 包保 check cycles, shutdown systems by grade."""

from __future__ import annotations

import datetime as dt

import pytest

from ansheng.domain import major_hazards as mh

D = dt.date


def test_the_three_duties_and_their_default_cycles() -> None:
    assert [(d.code, d.label_zh, d.cycle_days) for d in mh.DUTIES] == [
        ("principal", "主要负责人", 90),
        ("technical", "技术负责人", 30),
        ("operating", "操作负责人", 7),
    ]


@pytest.mark.parametrize(
    ("evaluated", "until"),
    [
        (D(2024, 3, 15), D(2027, 3, 14)),
        (D(2024, 2, 29), D(2027, 2, 27)),  # no 29 February in 2027: 28 February less one day
        (D(2023, 1, 1), D(2025, 12, 31)),
    ],
)
def test_an_evaluation_is_valid_for_three_years(evaluated: dt.date, until: dt.date) -> None:
    assert mh.evaluation_valid_until(evaluated) == until


def test_the_evaluation_cycle_is_configurable_but_not_below_a_year() -> None:
    assert mh.evaluation_valid_until(D(2024, 1, 1), years=1) == D(2024, 12, 31)
    with pytest.raises(mh.MajorHazardError) as error:
        mh.evaluation_valid_until(D(2024, 1, 1), years=0)
    assert error.value.code == "not_positive"


def test_next_check_is_one_cycle_after_the_last_check_or_after_taking_the_duty() -> None:
    assert mh.next_check_due(D(2026, 1, 10), 7, since=D(2025, 1, 1)) == D(2026, 1, 17)
    assert mh.next_check_due(None, 30, since=D(2026, 1, 1)) == D(2026, 1, 31)
    # a check recorded before the person took the duty does not count for them
    assert mh.next_check_due(D(2025, 12, 1), 30, since=D(2026, 1, 1)) == D(2026, 1, 31)
    with pytest.raises(mh.MajorHazardError):
        mh.next_check_due(None, 0, since=D(2026, 1, 1))


@pytest.mark.parametrize(
    ("today", "state"),
    [(D(2026, 1, 11), "overdue"), (D(2026, 1, 10), "due_soon"), (D(2026, 1, 8), "due_soon"), (D(2026, 1, 7), "ok")],
)
def test_due_state(today: dt.date, state: str) -> None:
    assert mh.due_state(D(2026, 1, 10), today, warn_days=2) == state


def test_grade_1_and_2_need_an_emergency_shutdown_system() -> None:
    assert [mh.requires_shutdown_system(g) for g in (1, 2, 3, 4, None)] == [True, True, False, False, False]


def test_add_years() -> None:
    assert mh.add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert mh.add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
