"""Geometry of risk sources: parse, validate, normalise, convert and measure GeoJSON geometries.

Input comes as a GeoJSON geometry (or a Feature, or a FeatureCollection of one feature), as its JSON text, or as
pasted coordinate pairs ("103.76,29.55" one per line) with the intended shape. Every problem is a
`ValidationFailed` with a stable code and the field, and says which point is wrong:

    geometry_required, geometry_malformed, geometry_type_unsupported, coordinates_invalid, outside_china,
    line_too_few_points, polygon_too_few_points, self_intersecting, polygon_invalid, too_many_points

Stored geometries are WGS84 (longitude, latitude), rounded to 7 decimals (about 1 cm). Input in GCJ-02 (drawn on
an AMap base or copied from AMap) is converted first, through `ansheng.domain.coords`.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from ansheng.core.errors import ValidationFailed
from ansheng.domain.coords import gcj02_to_wgs84, haversine_m, in_china, wgs84_to_gcj02
from ansheng.maps.choices import Shape

WGS84 = "wgs84"
GCJ02 = "gcj02"
CRS_CHOICES = (WGS84, GCJ02)
SUPPORTED = ("Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
SHAPES = {
    "Point": Shape.POINT,
    "LineString": Shape.LINE,
    "MultiLineString": Shape.LINE,
    "Polygon": Shape.AREA,
    "MultiPolygon": Shape.AREA,
}
MAX_POSITIONS = 20_000
DECIMALS = 7

Position = list[float]
Transform = Callable[[float, float], tuple[float, float]]


def _fail(code: str, message: Any, field: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, field=field)


# --- parsing -----------------------------------------------------------------------------------------------------


def parse(value: Any, *, field: str = "geometry") -> dict[str, Any]:
    """A GeoJSON geometry from a dict or JSON text (a Feature or a one-feature FeatureCollection is unwrapped)."""
    if value is None or (isinstance(value, str) and not value.strip()) or value == {}:
        raise _fail("geometry_required", _("请绘制或填写空间位置"), field)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _fail("geometry_malformed", _("空间位置不是合法的 GeoJSON"), field) from None
    if not isinstance(value, dict):
        raise _fail("geometry_malformed", _("空间位置应为 GeoJSON 几何对象"), field)
    kind = value.get("type")
    if kind == "FeatureCollection":
        features = value.get("features")
        if not isinstance(features, list) or len(features) != 1:
            raise _fail("geometry_malformed", _("要素集合中应恰好包含一个要素"), field)
        value = features[0]
        kind = value.get("type") if isinstance(value, dict) else None
    if kind == "Feature":
        value = value.get("geometry")
        if not isinstance(value, dict):
            raise _fail("geometry_required", _("要素没有几何对象"), field)
        kind = value.get("type")
    if not isinstance(kind, str):
        raise _fail("geometry_malformed", _("空间位置缺少几何类型（type）"), field)
    if kind not in SUPPORTED:
        raise _fail(
            "geometry_type_unsupported",
            _("不支持的几何类型“%(type)s”：请使用点、线或面（Point、LineString、Polygon 及其 Multi 形式）")
            % {"type": kind[:40]},
            field,
        )
    if "coordinates" not in value:
        raise _fail("geometry_malformed", _("空间位置缺少坐标（coordinates）"), field)
    return {"type": kind, "coordinates": value["coordinates"]}


_PAIR = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[,，\s]\s*([-+]?\d+(?:\.\d+)?)\s*$")


def from_text(text: str, shape: str, *, field: str = "geometry") -> dict[str, Any]:
    """A geometry from pasted text: GeoJSON, or coordinate pairs "经度,纬度" separated by new lines or semicolons."""
    text = (text or "").strip()
    if not text:
        raise _fail("geometry_required", _("请粘贴坐标"), field)
    if text.startswith(("{", "[")):
        if text.startswith("["):
            text = json.dumps({"type": _geojson_type(shape), "coordinates": _loads(text, field)})
        return parse(text, field=field)
    positions: list[Position] = []
    for number, chunk in enumerate((c for c in re.split(r"[\n;；]+", text) if c.strip()), start=1):
        match = _PAIR.match(chunk)
        if match is None:
            raise _fail(
                "coordinates_invalid",
                _("第 %(n)s 行“%(text)s”不是“经度,纬度”形式的坐标") % {"n": number, "text": chunk.strip()[:40]},
                field,
            )
        positions.append([float(match.group(1)), float(match.group(2))])
    if shape == Shape.POINT:
        if len(positions) != 1:
            raise _fail("geometry_malformed", _("点只需一对坐标，实际有 %(n)s 对") % {"n": len(positions)}, field)
        return {"type": "Point", "coordinates": positions[0]}
    if shape == Shape.LINE:
        return {"type": "LineString", "coordinates": positions}
    if shape == Shape.AREA:
        return {"type": "Polygon", "coordinates": [positions]}
    raise _fail("invalid_choice", _("请选择图形：点、线或面"), "shape")


def _geojson_type(shape: str) -> str:
    return {Shape.POINT: "Point", Shape.LINE: "LineString", Shape.AREA: "Polygon"}.get(shape, "Point")


def _loads(text: str, field: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise _fail("geometry_malformed", _("坐标数组不是合法的 JSON"), field) from None


# --- validation --------------------------------------------------------------------------------------------------


def _position(raw: Any, number: int, field: str) -> Position:
    if not isinstance(raw, list | tuple) or len(raw) not in (2, 3):
        raise _fail("coordinates_invalid", _("第 %(n)s 个点应为 [经度, 纬度]") % {"n": number}, field)
    values = []
    for item in raw[:2]:
        if isinstance(item, bool) or not isinstance(item, int | float) or not math.isfinite(item):
            raise _fail("coordinates_invalid", _("第 %(n)s 个点的坐标不是有限数字") % {"n": number}, field)
        values.append(float(item))
    lon, lat = values
    if abs(lon) > 180 or abs(lat) > 90:
        if abs(lat) <= 180 and abs(lon) <= 90 and in_china(lat, lon):
            raise _fail(
                "coordinates_invalid",
                _("第 %(n)s 个点 (%(lon)s, %(lat)s) 超出经纬度范围：经度和纬度可能填反了（应先经度后纬度）")
                % {"n": number, "lon": f"{lon:g}", "lat": f"{lat:g}"},
                field,
            )
        raise _fail(
            "coordinates_invalid",
            _("第 %(n)s 个点 (%(lon)s, %(lat)s) 超出经纬度范围（经度±180，纬度±90）")
            % {"n": number, "lon": f"{lon:g}", "lat": f"{lat:g}"},
            field,
        )
    if not in_china(lon, lat):
        hint = _("：经度和纬度可能填反了（应先经度后纬度）") if in_china(lat, lon) else ""
        raise _fail(
            "outside_china",
            _("第 %(n)s 个点 (%(lon)s, %(lat)s) 不在中国境内%(hint)s")
            % {"n": number, "lon": f"{lon:g}", "lat": f"{lat:g}", "hint": hint},
            field,
        )
    return [round(lon, DECIMALS), round(lat, DECIMALS)]


class _Counter:
    def __init__(self, field: str) -> None:
        self.n = 0
        self.field = field

    def next(self) -> int:
        self.n += 1
        if self.n > MAX_POSITIONS:
            raise _fail(
                "too_many_points", _("点数过多：最多 %(n)s 个点，请简化图形") % {"n": MAX_POSITIONS}, self.field
            )
        return self.n


def _positions(raw: Any, counter: _Counter, what: Any) -> list[Position]:
    if not isinstance(raw, list):
        raise _fail("geometry_malformed", _("%(what)s的坐标应为点的数组") % {"what": what}, counter.field)
    return [_position(item, counter.next(), counter.field) for item in raw]


def _distinct(positions: list[Position]) -> int:
    return len({(p[0], p[1]) for p in positions})


def _line(raw: Any, counter: _Counter) -> list[Position]:
    positions = _positions(raw, counter, _("线"))
    if _distinct(positions) < 2:
        raise _fail(
            "line_too_few_points",
            _("线至少需要两个不同的点（现有 %(n)s 个）") % {"n": _distinct(positions)},
            counter.field,
        )
    return positions


def _ring(raw: Any, counter: _Counter) -> list[Position]:
    positions = _positions(raw, counter, _("面"))
    if positions and positions[0] != positions[-1]:
        positions.append(list(positions[0]))  # close the ring (drawing tools and pasted lists often leave it open)
    if _distinct(positions) < 3:
        raise _fail(
            "polygon_too_few_points",
            _("面至少需要三个不同的顶点（现有 %(n)s 个）") % {"n": _distinct(positions)},
            counter.field,
        )
    return positions


def _polygon(raw: Any, counter: _Counter) -> list[list[Position]]:
    if not isinstance(raw, list) or not raw:
        raise _fail("geometry_malformed", _("面的坐标应为环的数组"), counter.field)
    return [_ring(ring, counter) for ring in raw]


def _list(raw: Any, field: str) -> list[Any]:
    if not isinstance(raw, list) or not raw:
        raise _fail("geometry_malformed", _("坐标数组不能为空"), field)
    return raw


def validate(value: Any, *, field: str = "geometry", crs: str = WGS84) -> dict[str, Any]:
    """A valid, normalised WGS84 geometry from any accepted input; raises ValidationFailed on the first problem.

    `crs` says what the input coordinates are: "wgs84" (GNSS, 天地图) or "gcj02" (AMap, or a drawing on a GCJ-02
    base); GCJ-02 input is converted to WGS84 after the checks on the input itself."""
    if crs not in CRS_CHOICES:
        raise _fail("invalid_crs", _("坐标系应为 wgs84 或 gcj02"), "crs")
    geometry = parse(value, field=field)
    kind, raw = geometry["type"], geometry["coordinates"]
    counter = _Counter(field)
    coordinates: Any
    if kind == "Point":
        coordinates = _position(raw, counter.next(), field)
    elif kind == "LineString":
        coordinates = _line(raw, counter)
    elif kind == "MultiLineString":
        coordinates = [_line(line, counter) for line in _list(raw, field)]
    elif kind == "Polygon":
        coordinates = _polygon(raw, counter)
    else:
        coordinates = [_polygon(polygon, counter) for polygon in _list(raw, field)]
    result = {"type": kind, "coordinates": coordinates}
    if kind in ("Polygon", "MultiPolygon"):
        _check_area(result, field)
    if crs == GCJ02:
        result = transform(result, gcj02_to_wgs84)
    return result


def _check_area(geometry: dict[str, Any], field: str) -> None:
    from shapely.geometry import shape
    from shapely.validation import explain_validity

    polygon = shape(geometry)
    if polygon.is_valid:
        return
    reason = explain_validity(polygon)
    where = re.search(r"\[([-\d.e]+)\s+([-\d.e]+)\]", reason)
    place = (
        _("，在 (%(lon)s, %(lat)s) 附近")
        % {"lon": f"{float(where.group(1)):.6f}", "lat": f"{float(where.group(2)):.6f}"}
        if where
        else ""
    )
    if "Self-intersection" in reason:
        raise _fail("self_intersecting", _("面的边界自相交%(where)s：请调整顶点顺序") % {"where": place}, field)
    raise _fail(
        "polygon_invalid", _("面的形状无效%(where)s（%(reason)s）") % {"where": place, "reason": reason[:80]}, field
    )


# --- conversion and measures -------------------------------------------------------------------------------------


def transform(geometry: dict[str, Any], fn: Transform, decimals: int = DECIMALS) -> dict[str, Any]:
    """A copy of a geometry with `fn(lon, lat)` applied to every position."""

    def walk(node: Any) -> Any:
        if node and isinstance(node[0], int | float):
            lon, lat = fn(float(node[0]), float(node[1]))
            return [round(lon, decimals), round(lat, decimals)]
        return [walk(child) for child in node]

    return {**geometry, "coordinates": walk(geometry["coordinates"])}


def to_crs(geometry: dict[str, Any], crs: str) -> dict[str, Any]:
    """A stored (WGS84) geometry in the coordinate system a base map uses."""
    if crs == GCJ02:
        return transform(geometry, wgs84_to_gcj02)
    return geometry


def positions(geometry: dict[str, Any]) -> Iterator[tuple[float, float]]:
    def walk(node: Any) -> Iterator[tuple[float, float]]:
        if node and isinstance(node[0], int | float):
            yield float(node[0]), float(node[1])
        else:
            for child in node:
                yield from walk(child)

    yield from walk(geometry["coordinates"])


def bounds(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    lons, lats = zip(*positions(geometry), strict=True)
    return min(lons), min(lats), max(lons), max(lats)


def _lines(geometry: dict[str, Any]) -> list[list[Position]]:
    if geometry["type"] == "LineString":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiLineString":
        return list(geometry["coordinates"])
    return []


def length_m(geometry: dict[str, Any]) -> float | None:
    """Great-circle length of a line in metres (None for points and areas)."""
    lines = _lines(geometry)
    if not lines:
        return None
    return sum(haversine_m(a[0], a[1], b[0], b[1]) for line in lines for a, b in itertools.pairwise(line))


def area_m2(geometry: dict[str, Any]) -> float | None:
    """Area of an area in square metres, on a local equirectangular projection (well under 1 % off at county
    scale; for display, not for surveying). None for points and lines."""
    if geometry["type"] not in ("Polygon", "MultiPolygon"):
        return None
    from shapely.geometry import shape

    _min_lon, min_lat, _max_lon, max_lat = bounds(geometry)
    mid = math.radians((min_lat + max_lat) / 2)
    metres = math.pi * 6371008.8 / 180  # metres per degree of latitude on the mean sphere
    projected = transform(geometry, lambda lon, lat: (lon * metres * math.cos(mid), lat * metres), decimals=3)
    return float(shape(projected).area)


@dataclass(frozen=True)
class Derived:
    shape: str
    longitude: float
    latitude: float
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    length_m: float | None
    area_m2: float | None


def derive(geometry: dict[str, Any]) -> Derived:
    """The columns kept beside a stored geometry: shape, representative point, bounding box, length, area."""
    from shapely.geometry import shape

    geom = shape(geometry)
    if geometry["type"] == "Point":
        point = geom
    elif geometry["type"] in ("LineString", "MultiLineString"):
        # the middle of the line along its length, so a label or a search result lands on the line itself
        from shapely.ops import linemerge

        merged = linemerge(geom) if geometry["type"] == "MultiLineString" else geom
        point = (
            merged.interpolate(0.5, normalized=True)
            if merged.geom_type == "LineString"
            else geom.geoms[0].interpolate(0.5, normalized=True)
        )
    else:
        point = geom.representative_point()
    min_lon, min_lat, max_lon, max_lat = bounds(geometry)
    return Derived(
        shape=SHAPES[geometry["type"]],
        longitude=round(point.x, DECIMALS),
        latitude=round(point.y, DECIMALS),
        min_lon=min_lon,
        min_lat=min_lat,
        max_lon=max_lon,
        max_lat=max_lat,
        length_m=length_m(geometry),
        area_m2=area_m2(geometry),
    )


def near_region(geometry: dict[str, Any], region_shape: Any, tolerance_deg: float = 0.02) -> bool:
    """Whether a geometry touches a county's outline, within a tolerance (the outline is a display-grade GCJ-02
    drawing quantised to about 100 m, converted to WGS84; 0.02° is about 2 km)."""
    from shapely.geometry import shape

    return bool(shape(geometry).intersects(region_shape.buffer(tolerance_deg)))
