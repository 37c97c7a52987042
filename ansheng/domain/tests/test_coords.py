"""WGS84 ↔ GCJ-02 and great-circle distance."""

from __future__ import annotations

import math

import pytest

from ansheng.domain import coords
from ansheng.domain.coords import CoordError


def test_leshan_offset_matches_the_bundled_county_map() -> None:
    # stack notes: at Leshan GCJ-02 − WGS84 ≈ +0.00221° longitude, −0.00275° latitude (about 370 m)
    lon, lat = 103.7656, 29.5521
    g_lon, g_lat = coords.wgs84_to_gcj02(lon, lat)
    assert g_lon - lon == pytest.approx(0.00221, abs=0.00005)
    assert g_lat - lat == pytest.approx(-0.00275, abs=0.00005)
    assert 300 < coords.haversine_m(lon, lat, g_lon, g_lat) < 450


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(103.7656, 29.5521), (116.397428, 39.90923), (121.4737, 31.2304), (87.6168, 43.8256), (113.2644, 23.1291)],
)
def test_round_trip_within_a_millimetre(lon: float, lat: float) -> None:
    back = coords.gcj02_to_wgs84(*coords.wgs84_to_gcj02(lon, lat))
    assert coords.haversine_m(lon, lat, *back) < 0.001


@pytest.mark.parametrize(("lon", "lat"), [(2.3522, 48.8566), (-74.006, 40.7128), (151.2093, -33.8688), (72.0, 30.0)])
def test_identity_outside_china(lon: float, lat: float) -> None:
    assert coords.wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert coords.gcj02_to_wgs84(lon, lat) == (lon, lat)
    assert not coords.in_china(lon, lat)


def test_the_china_box_is_replaceable() -> None:
    # a box around Sichuan only: Beijing is then left alone, Leshan still shifted
    sichuan = (97.3, 26.0, 108.6, 34.4)
    assert coords.wgs84_to_gcj02(116.397428, 39.90923, box=sichuan) == (116.397428, 39.90923)
    assert coords.gcj02_to_wgs84(116.397428, 39.90923, box=sichuan) == (116.397428, 39.90923)
    shifted = coords.wgs84_to_gcj02(103.7656, 29.5521, box=sichuan)
    assert shifted != (103.7656, 29.5521)
    assert coords.haversine_m(103.7656, 29.5521, *coords.gcj02_to_wgs84(*shifted, box=sichuan)) < 0.001


def test_haversine() -> None:
    # one degree of latitude on the mean sphere: π R / 180
    assert coords.haversine_m(0, 0, 0, 1) == pytest.approx(math.pi * coords.EARTH_RADIUS_M / 180)
    assert coords.haversine_m(103.7, 29.5, 103.7, 29.5) == 0
    assert coords.haversine_m(0, 0, 180, 0) == pytest.approx(math.pi * coords.EARTH_RADIUS_M)


@pytest.mark.parametrize(
    ("lon", "lat", "code", "field"),
    [
        (181, 0, "out_of_range", "longitude"),
        (0, -90.5, "out_of_range", "latitude"),
        (float("nan"), 0, "out_of_range", "longitude"),
        (0, float("inf"), "out_of_range", "latitude"),
        ("103.7", 29.5, "wrong_type", "longitude"),
        (103.7, None, "wrong_type", "latitude"),
        (True, 29.5, "wrong_type", "longitude"),
    ],
)
def test_refusals(lon: object, lat: object, code: str, field: str) -> None:
    with pytest.raises(CoordError) as caught:
        coords.wgs84_to_gcj02(lon, lat)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == (code, field)
