"""Coordinates: WGS84 ↔ GCJ-02 and great-circle distance.

GCJ-02 is WGS84 shifted by the published offset function (Krasovsky-ellipsoid constants a = 6378245 m,
e² = 0.00669342162296594323), applied inside China only; outside China the conversion is the identity. "Inside
China" is the usual rough rectangle (longitude 72.004–137.8347°, latitude 0.8293–55.8271°): the true outline is not
published, so points in neighbouring countries inside the rectangle are shifted too ([U], replaceable). The inverse
has no closed form; it is found by fixed-point iteration, accurate to far under a millimetre.
All functions take (longitude, latitude) in that order, as GeoJSON does.
"""

from __future__ import annotations

import math

from ansheng.domain.errors import DomainError

__all__ = [
    "CHINA_BOX",
    "EARTH_RADIUS_M",
    "CoordError",
    "gcj02_to_wgs84",
    "haversine_m",
    "in_china",
    "wgs84_to_gcj02",
]

_A = 6378245.0
_EE = 0.00669342162296594323
CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)  # west, south, east, north
EARTH_RADIUS_M = 6371008.8  # IUGG mean radius


class CoordError(DomainError):
    """A coordinate that is not a finite longitude/latitude."""


def _check(longitude: object, latitude: object) -> tuple[float, float]:
    result: list[float] = []
    for name, value, limit in (("longitude", longitude, 180.0), ("latitude", latitude, 90.0)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CoordError("wrong_type", name, f"{name}应为数字", f"{name} must be a number")
        number = float(value)
        if not math.isfinite(number) or abs(number) > limit:
            raise CoordError(
                "out_of_range", name, f"{name}应在±{limit:g}之间", f"{name} must be between -{limit:g} and {limit:g}"
            )
        result.append(number)
    return result[0], result[1]


def in_china(longitude: float, latitude: float, box: tuple[float, float, float, float] = CHINA_BOX) -> bool:
    """Whether a point lies in the rectangle where GCJ-02 differs from WGS84."""
    west, south, east, north = box
    return west <= longitude <= east and south <= latitude <= north


def _offset(longitude: float, latitude: float) -> tuple[float, float]:
    """The GCJ-02 shift (degrees of longitude, degrees of latitude) at a WGS84 point."""
    x, y = longitude - 105.0, latitude - 35.0
    pi = math.pi
    waves_x = (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    north = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + waves_x
    north += (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    north += (160.0 * math.sin(y / 12.0 * pi) + 320.0 * math.sin(y * pi / 30.0)) * 2.0 / 3.0
    east = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + waves_x
    east += (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    east += (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0
    # Metres of the Krasovsky ellipsoid to degrees at this latitude.
    phi = latitude / 180.0 * pi
    magic = 1.0 - _EE * math.sin(phi) ** 2
    meridian_radius = _A * (1.0 - _EE) / (magic * math.sqrt(magic))
    parallel_radius = _A / math.sqrt(magic) * math.cos(phi)
    return east * 180.0 / (parallel_radius * pi), north * 180.0 / (meridian_radius * pi)


Box = tuple[float, float, float, float]


def wgs84_to_gcj02(longitude: float, latitude: float, *, box: Box = CHINA_BOX) -> tuple[float, float]:
    """WGS84 (GNSS, 天地图/CGCS2000 to within a metre) to GCJ-02 (AMap, Tencent); identity outside ``box``."""
    lon, lat = _check(longitude, latitude)
    if not in_china(lon, lat, box):
        return lon, lat
    d_lon, d_lat = _offset(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(longitude: float, latitude: float, *, box: Box = CHINA_BOX) -> tuple[float, float]:
    """GCJ-02 back to WGS84, by iterating the forward shift; identity outside ``box``."""
    lon, lat = _check(longitude, latitude)
    if not in_china(lon, lat, box):
        return lon, lat
    guess_lon, guess_lat = lon, lat
    # The shift changes by under 0.3 % of a step per step, so each pass gains more than two decimal places; eight
    # passes take any start within the shift (under 1 km) to well below a millimetre.
    for _ in range(8):
        shifted_lon, shifted_lat = wgs84_to_gcj02(guess_lon, guess_lat, box=box)
        guess_lon, guess_lat = guess_lon - (shifted_lon - lon), guess_lat - (shifted_lat - lat)
    return guess_lon, guess_lat


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres on a sphere of the mean Earth radius."""
    lon_a, lat_a = _check(lon1, lat1)
    lon_b, lat_b = _check(lon2, lat2)
    phi_a, phi_b = math.radians(lat_a), math.radians(lat_b)
    d_phi, d_lambda = phi_b - phi_a, math.radians(lon_b - lon_a)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
