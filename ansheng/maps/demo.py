"""Demo risk sources for Leshan: long-distance oil and gas pipelines crossing counties (one section per county, as
属地 management keeps them) with their hazards, 8 of them under provincial supervision; tailings ponds in the
mining counties, most of them 头顶库; crowded places, high-rise buildings and gas networks in the towns.

Names, operators and figures are fictional; shapes are plausible and lie inside their counties. Everything is
drawn from the demo's seeded generator and saved through the services, so the change log and the audit chain
hold it like any other record.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

from ansheng.maps.choices import HazardCategory, RiskSourceKind, Supervision

# Long-distance lines: (line name, medium, diameter mm, pressure MPa, year, operator, WGS84 waypoints)
PIPELINES = [
    (
        "西南成品油管道（乐山段）",
        "product_oil",
        508,
        10.0,
        2002,
        "西南油品管道有限公司乐山输油站",
        [
            (103.598, 29.905),
            (103.571, 29.772),
            (103.640, 29.655),
            (103.735, 29.585),
            (103.790, 29.470),
            (103.842, 29.372),
            (103.930, 29.250),
            (103.985, 29.150),
            (104.040, 29.040),
        ],
    ),
    (
        "川中天然气干线（乐山段）",
        "natural_gas",
        1016,
        10.0,
        2012,
        "川中天然气输送有限公司乐山作业区",
        [
            (104.230, 29.742),
            (104.085, 29.660),
            (103.975, 29.560),
            (103.880, 29.480),
            (103.700, 29.440),
            (103.560, 29.420),
            (103.470, 29.520),
            (103.430, 29.640),
        ],
    ),
    (
        "乐山—犍为天然气输气管道",
        "natural_gas",
        406,
        6.3,
        2015,
        "乐山嘉禾天然气输配有限公司",
        [
            (103.770, 29.540),
            (103.815, 29.430),
            (103.880, 29.330),
            (103.940, 29.215),
            (103.905, 29.080),
            (103.900, 28.975),
        ],
    ),
]
PIPELINE_HAZARDS = [
    (HazardCategory.OCCUPATION, "管道中心线两侧5米范围内新建厂房占压管道", Supervision.PROVINCE),
    (HazardCategory.OCCUPATION, "村民自建房占压管道约40米", Supervision.PROVINCE),
    (HazardCategory.SPACING, "加油站与管道安全间距不足", Supervision.PROVINCE),
    (HazardCategory.THIRD_PARTY, "道路拓宽施工在管道上方开挖，未签订保护协议", Supervision.PROVINCE),
    (HazardCategory.CROSSING, "穿越河道段管道露管约15米", Supervision.PROVINCE),
    (HazardCategory.GEOLOGICAL, "管道沿线边坡滑塌威胁管道安全", Supervision.PROVINCE),
    (HazardCategory.SPACING, "新建小区与管道高后果区安全间距不足", Supervision.PROVINCE),
    (HazardCategory.OCCUPATION, "物流仓库堆场占压管道", Supervision.PROVINCE),
    (HazardCategory.CORROSION, "阴极保护电位不达标，外防腐层破损", Supervision.CITY),
    (HazardCategory.THIRD_PARTY, "光缆敷设施工与管道交叉未采取防护", Supervision.CITY),
    (HazardCategory.FACILITY, "线路截断阀室可燃气体检测报警器失效", Supervision.CITY),
    (HazardCategory.CROSSING, "跨越桥梁段防护栏损坏", Supervision.COUNTY),
    (HazardCategory.MANAGEMENT, "巡线记录不完整，未按规定频次巡护", Supervision.COUNTY),
    (HazardCategory.SPACING, "农家乐与管道间距不足", Supervision.COUNTY),
    (HazardCategory.OCCUPATION, "果园种植深根植物于管道正上方", Supervision.NONE),
    (HazardCategory.FACILITY, "管道标志桩缺失3处", Supervision.NONE),
    (HazardCategory.THIRD_PARTY, "河道采砂作业靠近管道穿越段", Supervision.NONE),
    (HazardCategory.GEOLOGICAL, "汛期冲刷致管道埋深不足", Supervision.NONE),
]
TAILINGS = [
    ("511132", "峨边{w}铅锌矿尾矿库", "铅锌", 620, 180, "四等"),
    ("511132", "峨边{w}磷矿尾矿库", "磷矿", 1800, 0, "五等"),
    ("511113", "金口河{w}铅锌矿尾矿库", "铅锌", 450, 260, "四等"),
    ("511133", "马边{w}磷矿尾矿库", "磷矿", 850, 120, "四等"),
    ("511111", "沙湾{w}选矿厂尾矿库", "铁矿", 300, 410, "四等"),
    ("511181", "峨眉山{w}石英砂矿尾矿库", "石英砂", 980, 60, "五等"),
    ("511129", "沐川{w}铅锌矿尾矿库", "铅锌", 2600, 0, "五等"),
]
CROWDED = [
    ("511102", "嘉州古城文化街区", "scenic_area", 30000, 45000, (0.004, 0.006), "area", "orange"),
    ("511102", "城南高铁站站前广场", "station", 8000, 26000, (-0.035, -0.032), "area", "orange"),
    ("511102", "凤洲岛会展中心", "venue", 12000, 3000, (0.012, -0.018), "area", "yellow"),
    ("511102", "峨秀湖商业广场", "mall", 15000, 38000, (-0.020, 0.012), "area", "yellow"),
    ("511102", "三江汇流观景平台", "scenic_area", 6000, 15000, (0.010, -0.006), "point", "orange"),
    ("511181", "峨秀山景区游客中心", "scenic_area", 20000, 30000, (-0.080, -0.020), "area", "red"),
    ("511181", "峨眉城北客运枢纽", "station", 5000, 12000, (0.010, 0.015), "area", "yellow"),
    ("511181", "报国古镇步行街", "scenic_area", 9000, 20000, (-0.060, -0.010), "point", "orange"),
    ("511126", "千佛岩景区入口广场", "scenic_area", 6000, 8000, (0.035, 0.010), "point", "yellow"),
    ("511123", "犍为古城老街", "scenic_area", 4000, 6000, (0.005, 0.004), "point", "blue"),
    ("511112", "五通桥小西湖公园", "scenic_area", 5000, 7000, (0.004, 0.003), "point", "blue"),
]
HIGH_RISE = [
    ("511102", "嘉州国际金融中心", 188, "public"),
    ("511102", "乐山中心商务大厦", 132, "public"),
    ("511102", "岷江一号住宅小区3号楼", 99, "residential"),
    ("511102", "凤洲国际公寓", 86, "mixed"),
    ("511102", "九峰新城商住楼", 72, "mixed"),
    ("511102", "城南滨江花园12号楼", 96, "residential"),
    ("511102", "乐山市人民医院门诊综合楼", 64, "public"),
    ("511102", "嘉州广场酒店", 110, "public"),
    ("511181", "峨眉山国际酒店", 58, "public"),
    ("511181", "名山新城18号楼", 78, "residential"),
    ("511112", "五通桥商贸大厦", 52, "public"),
    ("511123", "犍为金江公寓", 60, "residential"),
    ("511126", "夹江瓷都大厦", 68, "public"),
]
GAS_NETWORKS = [
    ("511102", "市中区中压燃气干管（城北环线）", "medium_a", 315, 7.5),
    ("511102", "市中区中压燃气干管（岷江东岸）", "medium_a", 250, 5.0),
    ("511102", "市中区次高压燃气管道（门站—城南调压站）", "sub_high_b", 406, 9.0),
    ("511102", "城南新区中压燃气管网", "medium_b", 200, 4.0),
    ("511181", "峨眉山城区中压燃气干管", "medium_a", 250, 6.0),
    ("511181", "峨眉山景区供气管道", "medium_b", 160, 8.0),
    ("511112", "五通桥城区中压燃气干管", "medium_a", 200, 4.5),
    ("511123", "犍为城区中压燃气干管", "medium_b", 160, 3.5),
]
GAS_OPERATOR = "乐山嘉州燃气有限责任公司"
WORDS = ["大河", "金岩", "青杠", "黑竹", "白岩", "石板", "凉水", "龙池", "高峰", "新场"]
# The kinds each industry department supervises, added to its sectors so its users see those sources.
DEPARTMENT_KINDS = {
    "housing": [RiskSourceKind.GAS_NETWORK, RiskSourceKind.HIGH_RISE],
    "fire": [RiskSourceKind.CROWDED_PLACE, RiskSourceKind.HIGH_RISE],
    "economy": [RiskSourceKind.PIPELINE],
    "resources": [RiskSourceKind.TAILINGS_POND],
}


class _Places:
    """Points near a county seat and inside the county (WGS84), from the repaired boundary when present."""

    def __init__(self, rng: Any, counties: dict[str, Any]) -> None:
        from ansheng.maps import boundaries

        self.rng = rng
        self.counties = counties
        self.shapes = {code: boundaries.shape_wgs84(code) for code in counties}

    def inside(self, code: str, lon: float, lat: float) -> bool:
        shape = self.shapes.get(code)
        if shape is None:
            return True
        from shapely.geometry import Point

        return bool(shape.contains(Point(lon, lat)))

    def near(self, code: str, spread: float, offset: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float]:
        county = self.counties[code]
        lon0, lat0 = float(county.longitude) + offset[0], float(county.latitude) + offset[1]
        for _attempt in range(300):
            lon = lon0 + self.rng.gauss(0, spread)
            lat = lat0 + self.rng.gauss(0, spread)
            if self.inside(code, lon, lat):
                return round(lon, 6), round(lat, 6)
            spread = min(spread * 1.1, 0.3)
        shape = self.shapes[code]
        point = shape.representative_point()
        return round(point.x, 6), round(point.y, 6)


def _blob(rng: Any, lon: float, lat: float, radius_m: float, corners: int = 7) -> dict[str, Any]:
    """An irregular area around a point, `radius_m` across, that does not cross itself (a star-shaped ring)."""
    ring = []
    for i in range(corners):
        angle = 2 * math.pi * i / corners + rng.uniform(-0.2, 0.2)
        r = radius_m * rng.uniform(0.6, 1.0)
        ring.append(
            [
                round(lon + r * math.cos(angle) / (111_320 * math.cos(math.radians(lat))), 6),
                round(lat + r * math.sin(angle) / 110_574, 6),
            ]
        )
    ring.append(list(ring[0]))
    return {"type": "Polygon", "coordinates": [ring]}


def _wiggle(rng: Any, waypoints: list[tuple[float, float]], step_deg: float = 0.01) -> list[list[float]]:
    """A route through the waypoints with the small bends a buried line follows."""
    route: list[list[float]] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(waypoints):
        steps = max(2, int(math.hypot(x1 - x0, y1 - y0) / step_deg))
        nx, ny = -(y1 - y0), x1 - x0
        norm = math.hypot(nx, ny) or 1
        phase = rng.uniform(0, math.pi)
        for k in range(steps):
            t = k / steps
            bend = 0.004 * math.sin(phase + t * math.pi * 2) + rng.gauss(0, 0.0008)
            route.append(
                [round(x0 + (x1 - x0) * t + nx / norm * bend, 6), round(y0 + (y1 - y0) * t + ny / norm * bend, 6)]
            )
    route.append([round(waypoints[-1][0], 6), round(waypoints[-1][1], 6)])
    return route


def _sections(route: list[list[float]], places: _Places) -> list[tuple[str, dict[str, Any]]]:
    """The route cut into one section per county it crosses (pieces shorter than about 1 km are left out)."""
    from shapely.geometry import LineString, mapping

    line = LineString(route)
    sections = []
    for code in places.counties:
        shape = places.shapes.get(code)
        if shape is None:
            continue
        piece = line.intersection(shape)
        if piece.is_empty or piece.length < 0.01:
            continue
        if piece.geom_type == "GeometryCollection":
            parts = [g for g in piece.geoms if g.geom_type in ("LineString", "MultiLineString")]
            if not parts:
                continue
            from shapely.ops import linemerge, unary_union

            piece = linemerge(unary_union(parts))
        if piece.geom_type == "MultiLineString":
            kept = [g for g in piece.geoms if g.length >= 0.005]
            if not kept:
                continue
            geometry = (
                mapping(kept[0])
                if len(kept) == 1
                else {"type": "MultiLineString", "coordinates": [list(map(list, g.coords)) for g in kept]}
            )
        else:
            geometry = mapping(piece)
        coordinates = geometry["coordinates"]
        sections.append((code, {"type": geometry["type"], "coordinates": _listify(coordinates)}))
    if not sections:  # no boundary asset: one section per waypoint leg, by the nearest county seat
        for index in range(0, len(route) - 1, max(1, len(route) // 4)):
            chunk = route[index : index + max(2, len(route) // 4) + 1]
            mid = chunk[len(chunk) // 2]
            code = min(
                places.counties,
                key=lambda c: (
                    (float(places.counties[c].longitude) - mid[0]) ** 2
                    + (float(places.counties[c].latitude) - mid[1]) ** 2
                ),
            )
            sections.append((code, {"type": "LineString", "coordinates": chunk}))
    return sections


def _listify(node: Any) -> Any:
    if isinstance(node, tuple | list) and node and isinstance(node[0], int | float):
        return [round(float(node[0]), 6), round(float(node[1]), 6)]
    return [_listify(child) for child in node]


def _point_on(geometry: dict[str, Any]) -> tuple[float, float]:
    line = geometry["coordinates"] if geometry["type"] == "LineString" else geometry["coordinates"][0]
    middle = line[len(line) // 2]
    return float(middle[0]), float(middle[1])


def load_risk_sources(ctx: Any) -> None:
    from ansheng.core.models import Organisation
    from ansheng.maps import services

    rng = ctx.rng
    admin = ctx.admin
    counties = ctx.refs["counties"]
    departments = ctx.refs.get("departments", {})
    for slug, kinds in DEPARTMENT_KINDS.items():
        department = departments.get(slug)
        if department is not None:
            department.sectors = sorted({*(department.sectors or []), *kinds})
            Organisation.objects.filter(pk=department.pk).update(sectors=department.sectors)
    places = _Places(rng, counties)
    today = dt.date(2026, 11, 1)
    created: dict[str, list[Any]] = {}

    def create(data: dict[str, Any]) -> Any:
        source = services.do_create_risk_source(acting_user=admin, data=data)
        created.setdefault(data["kind"], []).append(source)
        return source

    # pipelines, one section per county
    pipeline_sections = []
    for name, medium, diameter, pressure, year, operator, waypoints in PIPELINES:
        route = _wiggle(rng, waypoints)
        for code, geometry in _sections(route, places):
            populous = code in {"511102", "511112", "511181"}
            pipeline_sections.append(
                create(
                    {
                        "name": f"{name.replace('（乐山段）', '')}（{counties[code].name}段）",
                        "kind": RiskSourceKind.PIPELINE,
                        "level": "orange" if populous else rng.choice(["yellow", "yellow", "orange"]),
                        "county": counties[code],
                        "group": name,
                        "operator": operator,
                        "department": departments.get("economy"),
                        "contact_name": rng.choice("王李张刘陈杨") + rng.choice(["建国", "志强", "海燕", "明"]),
                        "contact_phone": "0833-" + str(rng.randint(2100000, 2999999)),
                        "address": f"{counties[code].name}境内，沿线途经{rng.randint(2, 6)}个乡镇",
                        "description": "长输管道，沿线设线路截断阀室；管道两侧5米为保护范围，禁止占压、取土、挖塘。",
                        "attributes": {
                            "medium": medium,
                            "diameter_mm": diameter,
                            "design_pressure_mpa": pressure,
                            "high_consequence_areas": rng.randint(1, 6 if populous else 3),
                            "commissioned_year": year,
                        },
                        "geometry": geometry,
                    }
                )
            )
    # their hazards: the first eight are listed by the province
    for index, (category, text, supervision) in enumerate(PIPELINE_HAZARDS):
        section = pipeline_sections[index * 7 % len(pipeline_sections)]
        found = today - dt.timedelta(days=rng.randint(30, 400))
        deadline = found + dt.timedelta(days=rng.choice([90, 180, 365]))
        lon, lat = _point_on(section.geometry)
        hazard = services.do_add_source_hazard(
            acting_user=admin,
            source_id=section.pk,
            data={
                "category": category,
                "description": text,
                "location_text": f"桩号 K{rng.randint(10, 260)}+{rng.randint(0, 9)}00 附近",
                "longitude": lon,
                "latitude": lat,
                "supervision": supervision,
                "found_on": found,
                "deadline": deadline,
            },
            today=today,
        )
        if index % 4 == 3 and deadline - dt.timedelta(days=30) > found:
            services.do_rectify_source_hazard(
                acting_user=admin,
                hazard_id=hazard.pk,
                rectified_on=min(today, deadline - dt.timedelta(days=20)),
                note="已拆除违建、恢复管道保护范围并经管道企业确认",
                today=today,
            )

    # tailings ponds (头顶库 when residents are within 1 km downstream)
    for code, template, mineral, distance, residents, grade in TAILINGS:
        lon, lat = places.near(code, 0.08)
        overhead = distance <= 1000
        create(
            {
                "name": template.format(w=rng.choice(WORDS)),
                "kind": RiskSourceKind.TAILINGS_POND,
                "level": "red" if overhead and residents > 150 else "orange" if overhead else "yellow",
                "county": counties[code],
                "operator": template.format(w="").replace("尾矿库", "") + "有限公司",
                "department": departments.get("resources"),
                "address": f"{counties[code].name}山区沟谷",
                "description": "上游式筑坝，设排洪隧洞；汛期实行24小时值守，下游居民撤离路线已公示。"
                if overhead
                else "上游式筑坝，设排洪设施。",
                "attributes": {
                    "grade": {"四等": "4", "五等": "5"}[grade],
                    "dam_height_m": rng.choice([18, 24, 32, 38, 45]),
                    "capacity_10k_m3": rng.choice([35, 80, 120, 260]),
                    "downstream_distance_m": distance,
                    "downstream_residents": residents,
                    "mineral": mineral,
                },
                "geometry": _blob(rng, lon, lat, rng.uniform(180, 320)),
            }
        )

    # crowded places
    for code, name, place_type, peak, daily, offset, shape, level in CROWDED:
        lon, lat = places.near(code, 0.004, offset)
        geometry = (
            _blob(rng, lon, lat, rng.uniform(120, 300), 8)
            if shape == "area"
            else {"type": "Point", "coordinates": [lon, lat]}
        )
        create(
            {
                "name": name,
                "kind": RiskSourceKind.CROWDED_PLACE,
                "level": level,
                "county": counties[code],
                "operator": f"{name}管理处" if place_type == "scenic_area" else f"{name}运营公司",
                "department": departments.get("fire"),
                "description": "节假日人流高峰实行限流与单向通行，设应急疏散通道与广播。",
                "attributes": {"place_type": place_type, "peak_people": peak, "daily_people": daily},
                "geometry": geometry,
            }
        )

    # high-rise buildings
    for code, name, height, use in HIGH_RISE:
        lon, lat = places.near(code, 0.012)
        create(
            {
                "name": name,
                "kind": RiskSourceKind.HIGH_RISE,
                "level": "orange" if height > 100 else "yellow" if height > 54 else "blue",
                "county": counties[code],
                "operator": f"{name}物业服务中心",
                "department": departments.get("fire"),
                "attributes": {
                    "height_m": height,
                    "floors": max(8, round(height / 3.2)),
                    "use": use,
                    "completed_year": rng.randint(2005, 2023),
                },
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
        )

    # gas networks
    for code, name, pressure, diameter, length_km in GAS_NETWORKS:
        start = places.near(code, 0.01)
        angle = rng.uniform(0, 2 * math.pi)
        end = (start[0] + math.cos(angle) * length_km / 97, start[1] + math.sin(angle) * length_km / 111)
        mid = ((start[0] + end[0]) / 2 + rng.uniform(-0.01, 0.01), (start[1] + end[1]) / 2 + rng.uniform(-0.01, 0.01))
        route = _wiggle(rng, [start, mid, end], step_deg=0.004)
        route = [p for p in route if places.inside(code, p[0], p[1])] or route
        create(
            {
                "name": name,
                "kind": RiskSourceKind.GAS_NETWORK,
                "level": "orange" if pressure.startswith("sub_high") else "yellow",
                "county": counties[code],
                "group": f"{counties[code].name}城镇燃气管网",
                "operator": GAS_OPERATOR,
                "department": departments.get("housing"),
                "description": "埋地敷设，沿线设警示桩；第三方施工须提前报备并现场监护。",
                "attributes": {
                    "pressure_class": pressure,
                    "diameter_mm": diameter,
                    "material": "pe" if diameter <= 250 else "steel",
                    "commissioned_year": rng.randint(2008, 2022),
                },
                "geometry": {"type": "LineString", "coordinates": route},
            }
        )
    ctx.refs["risk_sources"] = created
