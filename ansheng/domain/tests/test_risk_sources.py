"""头顶库, 高层 and 超高层 thresholds, at and around each boundary (the cited clauses are in the module)."""

from __future__ import annotations

import pytest

from ansheng.domain import risk_sources as rs


@pytest.mark.parametrize(
    ("distance", "overhead"),
    [(0, True), (999.9, True), (1000, True), (1000.1, False), (5000, False)],  # "1公里（含）": 1000 m is inside
)
def test_overhead_tailings_pond(distance: float, overhead: bool) -> None:
    assert rs.is_overhead_tailings_pond(distance) is overhead


@pytest.mark.parametrize(
    ("height", "residential", "high"),
    [(27, True, False), (27.01, True, True), (24, False, False), (24.5, False, True), (26, True, False)],
)
def test_high_rise(height: float, residential: bool, high: bool) -> None:
    assert rs.is_high_rise(height, residential=residential) is high


@pytest.mark.parametrize(("height", "super_high"), [(100, False), (100.5, True), (250, True)])
def test_super_high_rise(height: float, super_high: bool) -> None:
    assert rs.is_super_high_rise(height) is super_high


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12", "wrong_type"),
        (True, "wrong_type"),
        (None, "wrong_type"),
        (-1, "out_of_range"),
        (float("inf"), "out_of_range"),
    ],
)
def test_bad_input_is_refused_with_a_code(value: object, code: str) -> None:
    with pytest.raises(rs.RiskSourceError) as caught:
        rs.is_overhead_tailings_pond(value)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert caught.value.field == "downstream_distance_m"
    with pytest.raises(rs.RiskSourceError) as caught:
        rs.is_super_high_rise(value)  # type: ignore[arg-type]
    assert caught.value.field == "height_m"
