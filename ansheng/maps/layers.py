"""The map's own layers: counties shaded by risk, enterprises as four-colour points, and risk sources that are not
enterprises. Each is a callable `(user, LayerQuery) -> [GeoJSON feature]` in WGS84, restricted through the access
door, registered in `MapsConfig.map_layers` like any other app's layer.

Enterprises at city scale (100,000 and more) are aggregated on the server by zoom: below `CLUSTER_BELOW_ZOOM`, or
when more than `POINT_LIMIT` enterprises fall in the view, they come as grid clusters (a fixed grid anchored at
0°, so clusters do not jump while panning), each with its count, its colours and its extent; closer in they come
as points. A query without a zoom (the API, exports) always gets points, up to its limit.
"""

from __future__ import annotations

import json
import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, IntegerField, Max, Min, Q, QuerySet
from django.db.models.functions import Cast, Floor
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ansheng.core import access, registry
from ansheng.core.geo import LayerQuery, bbox_q, point
from ansheng.core.models import Region
from ansheng.maps.choices import HazardStatus, RiskColour, RiskSourceKind, Shape, SourceStatus, Supervision

logger = logging.getLogger("ansheng.maps")

CLUSTER_BELOW_ZOOM = 12  # below this zoom enterprises come as grid clusters
POINT_LIMIT = 4000  # more enterprises than this in the view are clustered at any zoom
CELL_PIXELS = 64  # the cluster grid's cell, in screen pixels at the requested zoom
COLOUR_CHUNK = 10000  # ids per call to the colour provider (under the bound-parameter limits of SQLite and PostgreSQL)


def _county_names() -> dict[str, str]:
    return dict(Region.objects.filter(level="county").values_list("code", "name"))


def has_colour_provider() -> bool:
    return any(app.enterprise_colours for app in registry.platform_apps())


def colours_of(ids: Iterable[int]) -> dict[int, str]:
    """Current risk colour of each enterprise, asked of the provider in chunks; {} when none is installed."""
    ids = list(ids)
    if not ids or not has_colour_provider():
        return {}
    colours: dict[int, str] = {}
    for start in range(0, len(ids), COLOUR_CHUNK):
        chunk = registry.enterprise_colours(ids[start : start + COLOUR_CHUNK])
        colours.update({int(k): v for k, v in chunk.items() if v in RiskColour.ORDER})
    return colours


# --- dashboard figures by region, from other apps' dashboard sources ---------------------------------------------


def source_by_region(name: str, user: Any) -> dict[str, Any] | None:
    """`by_region` of a registered dashboard source (see docs/dashboard.md), or None when it is not installed, fails
    or does not give one."""
    source = registry.named("dashboard_sources").get(name)
    if source is None:
        return None
    try:
        panel = source(user, None)
    except Exception:
        logger.exception("dashboard source %s failed while the map asked for its figures", name)
        return None
    by_region = panel.get("by_region") if isinstance(panel, dict) else None
    return by_region if isinstance(by_region, dict) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


# --- counties ----------------------------------------------------------------------------------------------------


def _visible_enterprises(user: Any) -> QuerySet:
    from ansheng.enterprises.choices import Status
    from ansheng.enterprises.models import Enterprise

    return access.restrict(Enterprise.objects.exclude(status=Status.CLOSED), user, "view", "enterprise")


def counties(user: Any, query: LayerQuery) -> list[dict[str, Any]]:
    """The county outlines in the user's jurisdiction with their risk figures: enterprises, the share of red and
    orange enterprises, and open major hidden dangers per 100 enterprises (None where no app provides them)."""
    from ansheng.maps import boundaries

    if not access.can(user, "view", "map"):
        return []
    regions = access.visible_regions(user)
    if query.county:
        regions = regions.filter(code__startswith=query.county)
    regions = list(regions.order_by("code"))
    if not regions:
        return []
    enterprises = _visible_enterprises(user)
    if query.category:
        enterprises = enterprises.filter(category=query.category)
    totals = dict(enterprises.values("county_id").annotate(n=Count("id")).values_list("county_id", "n"))

    colours: dict[str, dict[str, int]] | None = None
    by_colour = None if query.category else source_by_region("risk-distribution", user)
    if by_colour is not None:
        colours = {}
        for code, counts in by_colour.items():
            if isinstance(counts, dict):
                colours[str(code)] = {c: int(_number(counts.get(c)) or 0) for c in RiskColour.ORDER}
    elif has_colour_provider():
        rows = _fetch(enterprises.order_by().values_list("id", "county_id"))
        found = colours_of(pk for pk, _county in rows)
        colours = defaultdict(lambda: dict.fromkeys(RiskColour.ORDER, 0))
        for pk, county in rows:
            if pk in found:
                colours[county][found[pk]] += 1
    dangers = None if query.category else source_by_region("major-dangers", user)
    can_list = access.can(user, "view", "enterprise")

    features = []
    for region in regions:
        drawn = boundaries.outline(region.code)
        if drawn is None:
            continue
        geometry, label = drawn
        total = totals.get(region.code, 0)
        county_colours = colours.get(region.code, dict.fromkeys(RiskColour.ORDER, 0)) if colours is not None else None
        red_orange = share = None
        if county_colours is not None:
            red_orange = county_colours["red"] + county_colours["orange"]
            share = round(red_orange / total, 4) if total else 0.0
        major = per_100 = None
        if dangers is not None:
            major = int(_number(dangers.get(region.code)) or 0)
            per_100 = round(major * 100 / total, 2) if total else 0.0
        summary = [[_("企业数"), total]]
        if share is not None:
            summary.append(
                [_("红橙企业占比"), _("%(share)s%%（%(n)s 家）") % {"share": f"{share * 100:.1f}", "n": red_orange}]
            )
        if per_100 is not None:
            summary.append(
                [_("每百家企业未销号重大隐患"), _("%(value)s（%(n)s 项）") % {"value": f"{per_100:g}", "n": major}]
            )
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "id": region.code,
                    "name": region.name,
                    "county": region.code,
                    "kind": "county",
                    "enterprises": total,
                    "colours": county_colours,
                    "red_orange": red_orange,
                    "red_orange_share": share,
                    "major_dangers": major,
                    "major_dangers_per_100": per_100,
                    "label_point": list(label),
                    "url": reverse("enterprises:list") + f"?county={region.code}" if can_list else "",
                    "summary": summary,
                },
            }
        )
    return features


# --- enterprises -------------------------------------------------------------------------------------------------


def _enterprise_rows(user: Any, query: LayerQuery) -> QuerySet:
    rows = _visible_enterprises(user).filter(longitude__isnull=False, latitude__isnull=False)
    if query.county:
        rows = rows.filter(county__code__startswith=query.county)
    if query.category:
        rows = rows.filter(category=query.category)
    if query.q:
        rows = rows.filter(search_text__contains=query.q.strip().lower())
    if query.bbox:
        rows = rows.filter(bbox_q(query))
    return rows


def cell_size(zoom: int) -> float:
    """Degrees of longitude covered by CELL_PIXELS screen pixels at a Web-Mercator zoom level."""
    return CELL_PIXELS * 360.0 / (256 * 2**zoom)


def _point_features(rows: list[tuple], colours: dict[int, str], names: dict[str, str], with_aka: bool) -> list:
    from ansheng.enterprises.choices import Category

    detail = reverse("enterprises:detail", args=[0])[:-2]  # "/enterprises/" + id + "/"
    categories = {value: str(label) for value, label in Category.choices()}
    colour_labels = {value: str(label) for value, label in RiskColour.choices()}
    features = []
    for pk, name, code, county, category, lon, lat, former in rows:
        if isinstance(former, str):  # JSON text as the cursor returns it on SQLite
            former = json.loads(former or "[]")
        properties: dict[str, Any] = {
            "id": pk,
            "name": name,
            "county": county,
            "county_name": names.get(county, county),
            "kind": "enterprise",
            "code": code,
            "category": category,
            "category_label": categories.get(category, category),
            "url": f"{detail}{pk}/",
        }
        colour = colours.get(pk)
        if colour:
            properties["colour"] = colour
            properties["colour_label"] = colour_labels[colour]
        if with_aka and former:
            properties["former_names"] = former
        features.append(point(lon, lat, **properties))
    return features


def _detail_columns(rows: QuerySet) -> QuerySet:
    lon, lat = Cast(F("longitude"), FloatField()), Cast(F("latitude"), FloatField())
    return rows.annotate(x=lon, y=lat).values_list(
        "id", "name", "credit_code", "county_id", "category", "x", "y", "former_names"
    )


def _details(rows: QuerySet, ids: list[int] | None = None, limit: int | None = None) -> list[tuple]:
    """Rows of (id, name, code, county, category, lon, lat, former names): of the given ids, or of the queryset in
    id order (cheap on the primary key, and a truncated answer is the same on every call). Read from the cursor
    with the positions as floats (the ORM would build a Decimal for each)."""
    if ids is not None:
        found: list[tuple] = []
        for start in range(0, len(ids), COLOUR_CHUNK):
            chunk = rows.model.objects.filter(pk__in=ids[start : start + COLOUR_CHUNK]).order_by()
            found += _fetch(_detail_columns(chunk))
        return found
    ordered = _detail_columns(rows.order_by("id"))
    return _fetch(ordered if limit is None else ordered[:limit])


def _cluster(key: tuple[int, int], zoom: int, members: dict[str, Any]) -> dict[str, Any]:
    count = members["n"]
    cmin, cmax = members["cmin"], members["cmax"]
    properties: dict[str, Any] = {
        "id": f"c{zoom}:{key[0]}:{key[1]}",
        "name": _("%(n)s 家企业") % {"n": count},
        # a cluster spanning counties belongs to the city; the access door already kept only visible members
        "county": cmin if cmin == cmax else settings.CITY_CODE,
        "kind": "cluster",
        "cluster": True,
        "count": count,
        "bbox": [members["x0"], members["y0"], members["x1"], members["y1"]],
    }
    if members.get("colours") is not None:
        properties["colours"] = members["colours"]
        worst = RiskColour.worst(c for c, n in members["colours"].items() if n)
        if worst:
            properties["colour"] = worst
    return point(round(members["lon"], 6), round(members["lat"], 6), **properties)


def _sql_clusters(rows: QuerySet, zoom: int) -> tuple[list[dict[str, Any]], list[int]]:
    """Grid clusters counted by the database; returns the clusters and the ids of cells holding one enterprise."""
    size = cell_size(zoom)
    lon, lat = Cast(F("longitude"), FloatField()), Cast(F("latitude"), FloatField())
    grouped = (
        rows.order_by()
        .annotate(gx=Floor(lon / size), gy=Floor(lat / size))
        .values("gx", "gy")
        .annotate(
            n=Count("id"),
            lon=Avg(lon),
            lat=Avg(lat),
            x0=Min(lon),
            y0=Min(lat),
            x1=Max(lon),
            y1=Max(lat),
            cmin=Min("county_id"),
            cmax=Max("county_id"),
            one=Min("id"),
        )
    )
    clusters, singles = [], []
    for cell in grouped:
        if cell["n"] == 1:
            singles.append(cell["one"])
        else:
            clusters.append(_cluster((int(cell["gx"]), int(cell["gy"])), zoom, cell))
    return clusters, singles


def _fetch(rows: QuerySet, *columns: Any) -> list[tuple]:
    """Rows of plain values straight from the database cursor (a map of the city reads every located enterprise:
    skipping the ORM's per-value conversion halves the time)."""
    from django.db import connections

    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _colour_clusters(
    rows: QuerySet, query: LayerQuery, zoom: int
) -> tuple[list[dict[str, Any]], list[int], dict[int, str]]:
    """Grid clusters with the colours of their members (colours come from another app, not the database), counted
    with numpy over arrays of the located enterprises."""
    import numpy as np

    lon, lat = Cast(F("longitude"), FloatField()), Cast(F("latitude"), FloatField())
    county = Cast(F("county_id"), IntegerField())
    located = _fetch(rows.order_by().annotate(x=lon, y=lat, c=county).values_list("id", "x", "y", "c"))
    if not located:
        return [], [], {}
    table = np.array(located, dtype=np.float64)  # ids and county codes are exact in a double (< 2^53)
    ids, xs, ys, counties = table[:, 0].astype(np.int64), table[:, 1], table[:, 2], table[:, 3].astype(np.int64)
    colours = colours_of(ids.tolist())
    none = len(RiskColour.ORDER)
    shade = np.full(len(ids), none, dtype=np.int64)
    if colours:
        # place each colour by binary search over the sorted ids (no Python loop over every enterprise)
        order = np.argsort(ids)
        keys = np.fromiter(colours.keys(), dtype=np.int64, count=len(colours))
        index = {colour: i for i, colour in enumerate(RiskColour.ORDER)}
        codes = np.fromiter((index[c] for c in colours.values()), dtype=np.int64, count=len(colours))
        where = np.searchsorted(ids, keys, sorter=order)
        found = where < len(ids)
        hits = order[where[found]]
        matched = ids[hits] == keys[found]
        shade[hits[matched]] = codes[found][matched]
    if query.colour:
        keep = shade == RiskColour.ORDER.index(query.colour)
        ids, xs, ys, counties, shade = ids[keep], xs[keep], ys[keep], counties[keep], shade[keep]
        if not len(ids):
            return [], [], colours
    size = cell_size(zoom)
    gx = np.floor(xs / size).astype(np.int64)
    gy = np.floor(ys / size).astype(np.int64)
    keys = gx * 10_000_019 + gy  # a cell per (gx, gy): |gx|, |gy| < 10^7 at any zoom the map uses
    cells, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable")
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sum_x = np.bincount(inverse, weights=xs, minlength=len(cells))
    sum_y = np.bincount(inverse, weights=ys, minlength=len(cells))
    x0, x1 = np.minimum.reduceat(xs[order], starts), np.maximum.reduceat(xs[order], starts)
    y0, y1 = np.minimum.reduceat(ys[order], starts), np.maximum.reduceat(ys[order], starts)
    c0, c1 = np.minimum.reduceat(counties[order], starts), np.maximum.reduceat(counties[order], starts)
    tally = np.bincount(inverse * (none + 1) + shade, minlength=len(cells) * (none + 1)).reshape(-1, none + 1)
    first_ids = ids[order][starts]
    clusters, singles = [], []
    for cell in range(len(cells)):
        n = int(counts[cell])
        if n == 1:
            singles.append(int(first_ids[cell]))
            continue
        key = int(cells[cell])
        gx_cell, gy_cell = divmod(key, 10_000_019)
        if gy_cell > 5_000_009:  # undo the floor of a negative row index
            gx_cell, gy_cell = gx_cell + 1, gy_cell - 10_000_019
        summary = {
            "n": n,
            "lon": float(sum_x[cell]) / n,
            "lat": float(sum_y[cell]) / n,
            "x0": float(x0[cell]),
            "y0": float(y0[cell]),
            "x1": float(x1[cell]),
            "y1": float(y1[cell]),
            "cmin": str(int(c0[cell])),
            "cmax": str(int(c1[cell])),
            "colours": {colour: int(tally[cell][i]) for i, colour in enumerate(RiskColour.ORDER)},
        }
        clusters.append(_cluster((gx_cell, gy_cell), zoom, summary))
    return clusters, singles, colours


def enterprises(user: Any, query: LayerQuery) -> list[dict[str, Any]]:
    """Enterprises as points coloured by their current risk colour, or grid clusters by zoom (see module doc).

    Honours county, category, colour, q and bbox; closed enterprises and those without a location are left out."""
    if not access.can(user, "view", "map"):
        return []
    provider = has_colour_provider()
    if query.colour and not provider:
        return []  # no app grades enterprises, so none has the colour asked for
    rows = _enterprise_rows(user, query)
    names = _county_names()
    zoom = query.zoom
    clustered = zoom is not None and zoom < CLUSTER_BELOW_ZOOM
    if not clustered:
        # A view: at most POINT_LIMIT points, else clusters (read one row more to know). No view (the API, an
        # export): up to the limit, and one more so the endpoint can say the answer was cut short.
        wanted = POINT_LIMIT + 1 if zoom is not None else None
        if not provider and zoom is None:
            wanted = query.limit + 1
        details = _details(rows, limit=wanted)
        clustered = zoom is not None and len(details) > POINT_LIMIT
    if not clustered:
        if not provider:
            return _point_features(details, {}, names, bool(query.q))
        colours = colours_of(row[0] for row in details)
        if query.colour:
            details = [row for row in details if colours.get(row[0]) == query.colour]
        return _point_features(details[: query.limit + 1], colours, names, bool(query.q))
    assert zoom is not None
    if provider:
        clusters, singles, colours = _colour_clusters(rows, query, zoom)
    else:
        colours = {}
        clusters, singles = _sql_clusters(rows, zoom)
    return clusters + _point_features(_details(rows, singles), colours, names, False)


# --- risk sources ------------------------------------------------------------------------------------------------


def _source_rows(user: Any, query: LayerQuery) -> QuerySet:
    from ansheng.maps.models import RiskSource

    rows = access.restrict(
        RiskSource.objects.filter(status__in=SourceStatus.ON_MAP), user, "view", "risk_source"
    ).select_related("county")
    if query.county:
        rows = rows.filter(county__code__startswith=query.county)
    if query.category:
        rows = rows.filter(kind=query.category)
    if query.colour:
        rows = rows.filter(level=query.colour)
    if query.q:
        rows = rows.filter(search_text__contains=query.q.strip().lower())
    if query.bbox:
        min_lon, min_lat, max_lon, max_lat = query.bbox
        rows = rows.filter(min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat)
    return rows


def risk_sources(user: Any, query: LayerQuery) -> list[dict[str, Any]]:
    """Risk sources that are not enterprises, as points, lines or areas in their risk colour, with their open
    hazards (those under supervision and those overdue counted apart). Honours county, category (the kind),
    colour, q and bbox; decommissioned sources are left out."""
    if not access.can(user, "view", "risk_source"):
        return []
    today = timezone.localdate()
    is_open = Q(hazards__status=HazardStatus.OPEN)
    rows = _source_rows(user, query).annotate(
        open_hazards=Count("hazards", filter=is_open),
        supervised=Count("hazards", filter=is_open & ~Q(hazards__supervision=Supervision.NONE)),
        provincial=Count("hazards", filter=is_open & Q(hazards__supervision=Supervision.PROVINCE)),
        overdue=Count("hazards", filter=is_open & Q(hazards__deadline__lt=today)),
    )
    features = []
    for source in rows[: query.limit + 1]:
        summary: list[list[Any]] = [[_("类型"), source.get_kind_display()], [_("编号"), source.code]]
        if source.group:
            summary.append([_("所属线路或系统"), source.group])
        if source.operator:
            summary.append([_("运营（管理）单位"), source.operator])
        if source.size_text:
            summary.append([_("长度") if source.shape == Shape.LINE else _("面积"), source.size_text])
        summary += [[label, value] for label, value in source.describe_attributes()]
        if source.open_hazards:
            text = _("%(n)s 项") % {"n": source.open_hazards}
            if source.supervised:
                text += _("（挂牌督办 %(n)s 项）") % {"n": source.supervised}
            if source.overdue:
                text += _("，逾期 %(n)s 项") % {"n": source.overdue}
            summary.append([_("未销号隐患"), text])
        properties = {
            "id": source.pk,
            "name": source.name,
            "county": source.county_id,
            "county_name": source.county.name,
            "kind": "risk_source",
            "code": source.code,
            "category": source.kind,
            "category_label": source.get_kind_display(),
            "colour": source.level,
            "colour_label": source.get_level_display(),
            "shape": source.shape,
            "group": source.group,
            "open_hazards": source.open_hazards,
            "supervised_hazards": source.supervised,
            "provincial_hazards": source.provincial,
            "overdue_hazards": source.overdue,
            "overhead_pond": source.is_overhead_pond,
            "url": reverse("maps:risk_source", args=[source.pk]),
            "summary": summary,
        }
        if source.is_overhead_pond:
            properties["badge"] = _("头顶库")
        features.append({"type": "Feature", "geometry": source.geometry, "properties": properties})
    return features


def risk_source_kinds() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in RiskSourceKind.choices()]
