"""Serving layers: parse a layer request, dispatch to the registered layer, check and filter what it returns,
convert coordinates for the base map, and wrap it as a GeoJSON FeatureCollection. Search and exports build on it.

Layers are registered by apps (`PlatformApp.map_layers`); this module trusts none of them blindly. Features that
are not well-formed are dropped (and logged), and a government user's features outside their jurisdiction are
dropped (and logged) too, so a faulty layer cannot show a county supervisor another county's records. The
filters a feature's standard properties can answer (county, colour, grade, date, bbox) are applied again here, so
a layer that ignores one of them still answers correctly.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ansheng.core import access, registry
from ansheng.core.errors import AnshengError, FieldError, NotFound, ValidationFailed
from ansheng.core.geo import LayerQuery
from ansheng.maps.choices import LAYER_LABELS, RiskColour
from ansheng.maps.geometry import CRS_CHOICES, GCJ02, WGS84, transform

logger = logging.getLogger("ansheng.maps")

MAX_LIMIT = 100_000
EXPORT_LIMIT = 50_000
SEARCH_PER_LAYER = 8


class LayerFailed(AnshengError):
    """A registered layer raised while answering: the map shows that layer as unavailable, the others still work."""

    status = 503
    code = "layer_failed"
    default_message = _("该图层暂时无法加载")


def layer_names() -> list[str]:
    """The registered layers, in the map's order (the known names first, then any others by name)."""
    names = list(registry.named("map_layers"))
    order = list(LAYER_LABELS)
    return sorted(names, key=lambda name: (order.index(name) if name in order else len(order), name))


def layer_label(name: str) -> str:
    return str(LAYER_LABELS.get(name, name))


# --- parsing -----------------------------------------------------------------------------------------------------


def _text(params: Mapping[str, Any], name: str, max_length: int = 64) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    if len(value) > max_length:
        raise ValidationFailed(_("超过最大长度 %(n)s") % {"n": max_length}, code="too_long", field=name)
    return value


def _date(params: Mapping[str, Any], name: str) -> dt.date | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(_("日期格式应为 YYYY-MM-DD"), code="wrong_type", field=name) from None


def parse_bbox(value: Any) -> tuple[float, float, float, float] | None:
    if value in (None, ""):
        return None
    parts = str(value).split(",")
    message = _("bbox 应为“最小经度,最小纬度,最大经度,最大纬度”")
    if len(parts) != 4:
        raise ValidationFailed(message, code="invalid_bbox", field="bbox")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise ValidationFailed(message, code="invalid_bbox", field="bbox") from None
    min_lon, min_lat, max_lon, max_lat = numbers
    if not all(math.isfinite(n) for n in numbers):
        raise ValidationFailed(message, code="invalid_bbox", field="bbox")
    if min_lon > max_lon or min_lat > max_lat:
        raise ValidationFailed(_("bbox 的最小值不能大于最大值"), code="invalid_bbox", field="bbox")
    # a view wider than the world (zoomed far out) is the world
    return max(min_lon, -180.0), max(min_lat, -90.0), min(max_lon, 180.0), min(max_lat, 90.0)


def parse_query(params: Mapping[str, Any], *, default_limit: int = 20_000) -> tuple[LayerQuery, str]:
    """A LayerQuery and the output coordinate system from request parameters; every bad value is a 422."""
    errors: list[FieldError] = []

    def attempt(fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except ValidationFailed as exc:
            errors.extend(exc.errors)
            return None

    bbox = attempt(parse_bbox, params.get("bbox"))
    county = attempt(_text, params, "county", 12)
    if county and not (county.isdigit() and len(county) in (2, 4, 6, 9, 12)):
        errors.append(FieldError("county", "invalid_region", _("区划代码应为 6 位数字（或其前缀）")))
    category = attempt(_text, params, "category", 32)
    colour = attempt(_text, params, "colour", 16)
    if colour and colour not in RiskColour.ORDER:
        errors.append(FieldError("colour", "invalid_choice", _("颜色应为 red、orange、yellow 或 blue")))
    grade = attempt(_text, params, "grade", 32)
    date_from = attempt(_date, params, "date_from")
    date_to = attempt(_date, params, "date_to")
    if date_from and date_to and date_from > date_to:
        errors.append(FieldError("date_to", "end_before_start", _("结束日期不能早于开始日期")))
    zoom = None
    raw_zoom = params.get("zoom")
    if raw_zoom not in (None, ""):
        try:
            zoom = int(str(raw_zoom))
            if not 0 <= zoom <= 22:
                raise ValueError
        except ValueError:
            errors.append(FieldError("zoom", "out_of_range", _("缩放级别应为 0 到 22 的整数")))
    limit = default_limit
    raw_limit = params.get("limit")
    if raw_limit not in (None, ""):
        try:
            limit = int(str(raw_limit))
            if not 1 <= limit <= MAX_LIMIT:
                raise ValueError
        except ValueError:
            errors.append(FieldError("limit", "out_of_range", _("limit 应为 1 到 %(n)s 的整数") % {"n": MAX_LIMIT}))
    q = attempt(_text, params, "q", 100)
    crs = (attempt(_text, params, "crs", 8) or WGS84).lower()
    if crs not in CRS_CHOICES:
        errors.append(FieldError("crs", "invalid_crs", _("坐标系应为 wgs84 或 gcj02")))
    if errors:
        raise ValidationFailed(errors=errors)
    if bbox is not None and crs == GCJ02:
        # the bbox comes in the client's system (its view of a GCJ-02 base); layers select in WGS84
        from ansheng.domain.coords import gcj02_to_wgs84

        x0, y0 = gcj02_to_wgs84(bbox[0], bbox[1])
        x1, y1 = gcj02_to_wgs84(bbox[2], bbox[3])
        bbox = (x0, y0, x1, y1)
    query = LayerQuery(
        bbox=bbox,
        county=county,
        category=category,
        colour=colour,
        grade=grade,
        date_from=date_from,
        date_to=date_to,
        zoom=zoom,
        q=q,
        limit=limit,
    )
    return query, crs


# --- checking what a layer returned ------------------------------------------------------------------------------


def _positions_ok(node: Any, depth: int) -> bool:
    if depth == 0:
        return (
            isinstance(node, list | tuple)
            and len(node) >= 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in node[:2])
        )
    return isinstance(node, list | tuple) and len(node) > 0 and all(_positions_ok(child, depth - 1) for child in node)


DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def _point_ok(position: Any) -> bool:
    if type(position) is not list or len(position) < 2:
        return _positions_ok(position, 0)
    x, y = position[0], position[1]
    return (type(x) is float and type(y) is float and math.isfinite(x) and math.isfinite(y)) or _positions_ok(
        position, 0
    )


def well_formed(feature: Any) -> bool:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return False
    geometry, properties = feature.get("geometry"), feature.get("properties")
    if not isinstance(geometry, dict) or not isinstance(properties, dict):
        return False
    kind = geometry.get("type")
    if kind == "Point":  # the common case, checked without recursion
        if not _point_ok(geometry.get("coordinates")):
            return False
    else:
        depth = DEPTH.get(kind)  # type: ignore[arg-type]
        if depth is None or not _positions_ok(geometry.get("coordinates"), depth):
            return False
    return properties.get("id") is not None and bool(properties.get("name")) and "county" in properties


def _bounds(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    lons: list[float] = []
    lats: list[float] = []

    def walk(node: Any) -> None:
        if node and isinstance(node[0], int | float):
            lons.append(float(node[0]))
            lats.append(float(node[1]))
        else:
            for child in node:
                walk(child)

    walk(geometry["coordinates"])
    return min(lons), min(lats), max(lons), max(lats)


def _feature_date(properties: dict[str, Any]) -> dt.date | None:
    value = properties.get("date")
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _keep(feature: dict[str, Any], query: LayerQuery, scope: access.Scope) -> bool:
    properties = feature["properties"]
    county = properties.get("county")
    if scope.kind in (access.REGION, access.DEPARTMENT) and not scope.covers_region(county):
        return False
    if query.county and not str(county or "").startswith(query.county):
        return False
    if query.colour and "colour" in properties and properties["colour"] != query.colour:
        return False
    if query.grade and "grade" in properties and str(properties["grade"]) != query.grade:
        return False
    if query.date_from or query.date_to:
        day = _feature_date(properties)
        if day is not None and ((query.date_from and day < query.date_from) or (query.date_to and day > query.date_to)):
            return False
    if query.bbox:
        min_lon, min_lat, max_lon, max_lat = _bounds(feature["geometry"])
        q0, q1, q2, q3 = query.bbox
        if min_lon > q2 or max_lon < q0 or min_lat > q3 or max_lat < q1:
            return False
    return True


def _to_crs(feature: dict[str, Any], crs: str) -> dict[str, Any]:
    if crs == WGS84:
        return feature
    from ansheng.domain.coords import wgs84_to_gcj02

    properties = feature["properties"]
    if properties.get("kind") == "county" and crs == GCJ02:
        # county outlines are GCJ-02 at the source: serve them exactly as published instead of converting back
        from ansheng.maps import boundaries

        published = boundaries.outline(str(properties.get("id")), GCJ02)
        if published is not None:
            geometry, label = published
            return {**feature, "geometry": geometry, "properties": {**properties, "label_point": list(label)}}
    converted = {**feature, "geometry": transform(feature["geometry"], wgs84_to_gcj02, decimals=6)}
    extra = {}
    label = properties.get("label_point")
    if isinstance(label, list | tuple) and len(label) == 2:
        extra["label_point"] = [round(v, 6) for v in wgs84_to_gcj02(float(label[0]), float(label[1]))]
    box = properties.get("bbox")
    if isinstance(box, list | tuple) and len(box) == 4:
        x0, y0 = wgs84_to_gcj02(float(box[0]), float(box[1]))
        x1, y1 = wgs84_to_gcj02(float(box[2]), float(box[3]))
        extra["bbox"] = [round(x0, 6), round(y0, 6), round(x1, 6), round(y1, 6)]
    if extra:
        converted["properties"] = {**properties, **extra}
    return converted


def features_of(user: Any, name: str, query: LayerQuery) -> tuple[list[dict[str, Any]], bool]:
    """The checked, filtered WGS84 features of one layer for a user, and whether the limit cut them short."""
    access.require(user, "view", "map")
    layer = registry.named("map_layers").get(name)
    if layer is None:
        raise NotFound(_("没有名为“%(name)s”的图层") % {"name": name[:40]}, code="unknown_layer", field="layer")
    try:
        raw = layer(user, query)
    except AnshengError:
        raise
    except Exception as exc:
        logger.exception("map layer %s failed", name)
        raise LayerFailed(field="layer") from exc
    scope = access.scope_for(user)
    kept = []
    malformed = outside = 0
    for feature in raw or []:
        if not well_formed(feature):
            malformed += 1
            continue
        if scope.kind in (access.REGION, access.DEPARTMENT) and not scope.covers_region(
            feature["properties"]["county"]
        ):
            outside += 1
            continue
        if _keep(feature, query, scope):
            kept.append(feature)
    if malformed:
        logger.warning("map layer %s returned %s malformed features (dropped)", name, malformed)
    if outside:
        logger.error("map layer %s returned %s features outside %s's jurisdiction (dropped)", name, outside, user)
    truncated = len(kept) > query.limit
    return kept[: query.limit], truncated


def collection(user: Any, name: str, query: LayerQuery, crs: str = WGS84) -> dict[str, Any]:
    """A layer as a GeoJSON FeatureCollection, with foreign members saying what it is (RFC 7946 §6.1)."""
    features, truncated = features_of(user, name, query)
    converted = [_to_crs(feature, crs) for feature in features]
    mode = "clusters" if any(f["properties"].get("cluster") for f in converted) else "features"
    return {
        "type": "FeatureCollection",
        "layer": name,
        "label": layer_label(name),
        "crs": crs,
        "count": len(converted),
        "truncated": truncated,
        "mode": mode,
        "features": converted,
    }


# --- search ------------------------------------------------------------------------------------------------------


def _matches(properties: dict[str, Any], needle: str) -> bool:
    values = [properties.get("name"), properties.get("code"), *(properties.get("former_names") or [])]
    return any(needle in str(value).lower() for value in values if value)


def search(user: Any, q: str, *, crs: str = WGS84, per_layer: int = SEARCH_PER_LAYER) -> list[dict[str, Any]]:
    """Records whose name or code contains `q`, across every layer the user sees, with where to fly to."""
    access.require(user, "view", "map")
    needle = (q or "").strip().lower()
    if len(needle) < 2 and not needle.isdigit():
        return []
    results = []
    for name in layer_names():
        query = LayerQuery(q=needle, limit=per_layer * 4)
        try:
            features, _truncated = features_of(user, name, query)
        except (LayerFailed, NotFound):
            continue
        found = 0
        for feature in features:
            properties = feature["properties"]
            if properties.get("cluster") or not _matches(properties, needle):
                continue
            converted = _to_crs(feature, crs)
            x0, y0, x1, y1 = _bounds(converted["geometry"])
            point = properties.get("label_point")
            if point is not None:
                point = _to_crs(
                    {"type": "Feature", "geometry": {"type": "Point", "coordinates": point}, "properties": {}}, crs
                )["geometry"]["coordinates"]
            results.append(
                {
                    "layer": name,
                    "layer_label": layer_label(name),
                    "id": properties["id"],
                    "name": properties["name"],
                    "code": properties.get("code", ""),
                    "county": properties.get("county"),
                    "county_name": properties.get("county_name", ""),
                    "colour": properties.get("colour"),
                    "url": properties.get("url", ""),
                    "bbox": [x0, y0, x1, y1],
                    "point": point or [(x0 + x1) / 2, (y0 + y1) / 2],
                }
            )
            found += 1
            if found >= per_layer:
                break
    return results


# --- exports -----------------------------------------------------------------------------------------------------


def export_collections(user: Any, names: list[str], params: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The filtered features of the given layers, as points (never clusters), for a GeoJSON or Excel export.

    Per-layer parameters may be given as `<layer>.<param>` (e.g. `risk-sources.category=pipeline`), as the map page
    keeps a category and a grade per layer."""
    access.require(user, "export", "map")
    base, crs = parse_query(params, default_limit=EXPORT_LIMIT)
    known = registry.named("map_layers")
    result = {}
    for name in names:
        if name not in known:
            raise NotFound(_("没有名为“%(name)s”的图层") % {"name": name[:40]}, code="unknown_layer", field="layers")
        own = {key.split(".", 1)[1]: value for key, value in params.items() if key.startswith(name + ".")}
        query = base
        if own:
            layered, _crs = parse_query(
                {**{k: v for k, v in params.items() if "." not in k}, **own}, default_limit=EXPORT_LIMIT
            )
            query = layered
        result[name] = collection(user, name, replace(query, zoom=None), crs)
    return result


def display_crs() -> str:
    """The coordinate system the map page draws in: the tile layer's when one is configured, else GCJ-02 (the
    county outlines' own, so they are drawn as published and only points are shifted)."""
    if settings.MAP_TILE_URL:
        return str(settings.MAP_TILE_CRS)
    return GCJ02
