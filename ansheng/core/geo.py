"""The contract between apps and the map: layer queries and GeoJSON features.

An app that has something to draw declares `map_layers = (("hidden-dangers", "ansheng.dangers.maps.layer"),)` in
its AppConfig. The layer callable takes `(user, query: LayerQuery)` and returns a list of GeoJSON features in
WGS84 (longitude, latitude), already restricted to the user's jurisdiction through the access door. The map app
serves them at `/api/v1/map/layers/<name>` as a FeatureCollection and converts coordinates to GCJ-02 when the
base map asks for it. Every feature's properties carry at least `id`, `name`, `county` and, where it applies,
`colour` or `grade`, plus `url` (the record's page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q


@dataclass(frozen=True)
class LayerQuery:
    bbox: tuple[float, float, float, float] | None = None  # WGS84: min lon, min lat, max lon, max lat
    county: str | None = None
    category: str | None = None
    colour: str | None = None  # red / orange / yellow / blue
    grade: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    zoom: int | None = None
    q: str | None = None
    limit: int = 20000


def point(lon: Any, lat: Any, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
        "properties": properties,
    }


def bbox_q(query: LayerQuery, lon_path: str = "longitude", lat_path: str = "latitude") -> Q:
    if query.bbox is None:
        return Q()
    min_lon, min_lat, max_lon, max_lat = query.bbox
    return Q(
        **{
            f"{lon_path}__gte": min_lon,
            f"{lon_path}__lte": max_lon,
            f"{lat_path}__gte": min_lat,
            f"{lat_path}__lte": max_lat,
        }
    )
