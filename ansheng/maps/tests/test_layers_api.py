"""GET /api/v1/map/layers/<layer>: jurisdiction of every layer (allow and deny side by side), the dispatch to
layers other apps register, the coordinate conversion, the filters and the aggregation by zoom."""

import pytest
from django.test import Client

from ansheng.core.geo import point
from ansheng.domain.coords import gcj02_to_wgs84, haversine_m, wgs84_to_gcj02
from ansheng.maps.choices import LAYER_LABELS

pytestmark = pytest.mark.django_db

URL = "/api/v1/map/layers/"


def get(world, persona, layer, **params):
    client = Client()
    client.force_login(world.users[persona])
    return client.get(URL + layer, params)


def ids(body):
    return sorted(str(f["properties"]["id"]) for f in body["features"])


def names(body):
    return sorted(f["properties"]["name"] for f in body["features"])


# --- counties ----------------------------------------------------------------------------------------------------

COUNTY_LAYER = {
    "city_admin": ["511102", "511112"],
    "city": ["511102", "511112"],
    "county_a": ["511102"],
    "county_b": ["511112"],
    "dept_transport": ["511102", "511112"],
    "inspector": ["511102", "511112"],
    "expert": ["511102", "511112"],
    "ent_admin": ["511112"],
    "other_ent_admin": ["511102"],
}


@pytest.mark.parametrize(("persona", "expected"), sorted(COUNTY_LAYER.items()))
def test_the_counties_layer_holds_the_jurisdiction_only(world, persona, expected):
    response = get(world, persona, "counties")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["layer"] == "counties"
    assert ids(body) == expected
    feature = body["features"][0]
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert {"id", "name", "county", "enterprises", "red_orange_share", "major_dangers_per_100"} <= set(
        feature["properties"]
    )


def test_county_figures_count_what_the_user_sees_and_are_null_without_sources(world, without_grading):
    by_county = {f["properties"]["id"]: f["properties"] for f in get(world, "city", "counties").json()["features"]}
    assert by_county["511102"]["enterprises"] == 2
    assert by_county["511112"]["enterprises"] == 2
    assert by_county["511102"]["red_orange_share"] is None  # no app grades enterprises in this build
    from ansheng.core.registry import named

    if "major-dangers" in named("dashboard_sources"):  # the dangers app is installed: none open in the county
        assert by_county["511102"]["major_dangers_per_100"] == 0.0
    else:
        assert by_county["511102"]["major_dangers_per_100"] is None
    mine = get(world, "ent_admin", "counties").json()["features"][0]["properties"]
    assert mine["enterprises"] == 1  # an enterprise's map counts itself only
    transport = {
        f["properties"]["id"]: f["properties"] for f in get(world, "dept_transport", "counties").json()["features"]
    }
    assert transport["511102"]["enterprises"] == 1 and transport["511112"]["enterprises"] == 1


def test_county_figures_come_from_the_dashboard_sources_when_installed(world, extra_sources):
    extra_sources["risk-distribution"] = lambda user, region: {
        "title": "风险分布",
        "kind": "pie",
        "items": [],
        "by_region": {"511102": {"red": 1, "orange": 0, "yellow": 1, "blue": 0}, "511112": {"red": 0, "orange": 0}},
    }
    extra_sources["major-dangers"] = lambda user, region: {
        "title": "重大隐患",
        "kind": "table",
        "columns": [{"key": "name", "label": "名称"}],
        "rows": [],
        "by_region": {"511102": 1},
    }
    by_county = {f["properties"]["id"]: f["properties"] for f in get(world, "city", "counties").json()["features"]}
    assert by_county["511102"]["red_orange_share"] == 0.5
    assert by_county["511102"]["major_dangers"] == 1
    assert by_county["511102"]["major_dangers_per_100"] == 50.0
    assert by_county["511112"]["red_orange_share"] == 0.0
    assert by_county["511112"]["major_dangers_per_100"] == 0.0


def test_county_shares_fall_back_to_the_colour_provider(world, colours):
    colours[world.enterprises["mine_a"].pk] = "red"
    colours[world.enterprises["chem_b"].pk] = "orange"
    colours[world.enterprises["builder_b"].pk] = "orange"
    by_county = {f["properties"]["id"]: f["properties"] for f in get(world, "city", "counties").json()["features"]}
    assert by_county["511102"]["red_orange_share"] == 0.5
    assert by_county["511112"]["red_orange_share"] == 1.0
    assert by_county["511112"]["colours"] == {"red": 0, "orange": 2, "yellow": 0, "blue": 0}


def test_county_outlines_are_served_as_published_in_gcj02_and_converted_for_wgs84(world):
    gcj = get(world, "city", "counties", crs="gcj02").json()["features"][0]
    wgs = get(world, "city", "counties").json()["features"][0]
    first_gcj = gcj["geometry"]["coordinates"][0][0] if gcj["geometry"]["type"] == "Polygon" else None
    first_wgs = wgs["geometry"]["coordinates"][0][0] if wgs["geometry"]["type"] == "Polygon" else None
    assert first_gcj and first_wgs
    back = gcj02_to_wgs84(*first_gcj)
    assert first_wgs == pytest.approx(list(back), abs=1e-6)
    # quantised to 1/1024° at the source: the GCJ-02 outline is the asset itself
    assert (first_gcj[0] * 1024) == pytest.approx(round(first_gcj[0] * 1024), abs=1e-6)


# --- enterprises -------------------------------------------------------------------------------------------------

ENTERPRISE_LAYER = {
    "city_admin": 4,
    "city": 4,
    "county_a": 2,
    "county_b": 2,
    "dept_transport": 2,
    "inspector": 4,
    "expert": 4,
    "ent_admin": 1,
    "ent_staff": 1,
    "other_ent_admin": 1,
}


@pytest.mark.parametrize(("persona", "count"), sorted(ENTERPRISE_LAYER.items()))
def test_the_enterprises_layer_holds_the_jurisdiction_only(world, persona, count):
    body = get(world, persona, "enterprises").json()
    assert body["count"] == count
    for feature in body["features"]:
        properties = feature["properties"]
        assert {"id", "name", "county", "category", "url"} <= set(properties)
        assert "colour" not in properties  # no colour provider installed
    if persona == "county_a":
        assert names(body) == ["乐山市测试运输有限公司", "市中区测试石灰石矿"]
    if persona == "county_b":
        assert "市中区测试石灰石矿" not in names(body)


def test_the_public_and_anonymous_get_no_map(world):
    assert get(world, "public", "enterprises").status_code == 403
    assert Client().get(URL + "enterprises").status_code == 401


def test_enterprise_points_carry_their_colour_and_the_colour_filter_narrows(world, colours):
    colours[world.enterprises["chem_b"].pk] = "red"
    colours[world.enterprises["mine_a"].pk] = "blue"
    body = get(world, "city", "enterprises").json()
    by_name = {f["properties"]["name"]: f["properties"] for f in body["features"]}
    assert by_name["乐山市五通桥测试化工有限公司"]["colour"] == "red"
    assert by_name["乐山市五通桥测试化工有限公司"]["colour_label"] == "重大风险"
    assert "colour" not in by_name["乐山市测试运输有限公司"]
    red = get(world, "city", "enterprises", colour="red").json()
    assert names(red) == ["乐山市五通桥测试化工有限公司"]
    # the county supervisor of A does not get B's red enterprise by asking for red
    assert get(world, "county_a", "enterprises", colour="red").json()["count"] == 0


def test_without_a_colour_provider_no_enterprise_has_a_colour(world):
    assert get(world, "city", "enterprises", colour="red").json()["count"] == 0


def test_filters_by_county_category_name_and_bbox(world):
    assert names(get(world, "city", "enterprises", county="511102").json()) == [
        "乐山市测试运输有限公司",
        "市中区测试石灰石矿",
    ]
    assert names(get(world, "city", "enterprises", category="metal_mine").json()) == ["市中区测试石灰石矿"]
    assert names(get(world, "city", "enterprises", q="石灰石").json()) == ["市中区测试石灰石矿"]
    assert get(world, "city", "enterprises", bbox="103.80,29.40,103.83,29.42").json()["count"] == 2
    assert get(world, "city", "enterprises", bbox="104.0,30.0,104.1,30.1").json()["count"] == 0
    # a filter never widens the jurisdiction
    assert get(world, "county_a", "enterprises", county="511112").json()["count"] == 0


def test_enterprises_cluster_at_low_zoom_and_come_as_points_close_in(world):
    low = get(world, "city", "enterprises", zoom=8).json()
    assert low["mode"] == "clusters"
    clusters = [f for f in low["features"] if f["properties"].get("cluster")]
    assert sorted(f["properties"]["count"] for f in clusters) == [2, 2]  # two enterprises at each county seat
    for cluster in clusters:
        assert cluster["properties"]["county"] in {"511102", "511112"}
        assert len(cluster["properties"]["bbox"]) == 4
    close = get(world, "city", "enterprises", zoom=14).json()
    assert close["mode"] == "features" and close["count"] == 4


def test_clusters_carry_the_colours_of_their_members(world, colours):
    colours[world.enterprises["chem_b"].pk] = "orange"
    colours[world.enterprises["builder_b"].pk] = "yellow"
    body = get(world, "city", "enterprises", zoom=8).json()
    b = next(f for f in body["features"] if f["properties"].get("county") == "511112")
    assert b["properties"]["colours"] == {"red": 0, "orange": 1, "yellow": 1, "blue": 0}
    assert b["properties"]["colour"] == "orange"  # the worst colour in the cluster


def test_a_dense_view_is_clustered_even_close_in(world, monkeypatch):
    monkeypatch.setattr("ansheng.maps.layers.POINT_LIMIT", 1)
    assert get(world, "city", "enterprises", zoom=15).json()["mode"] == "clusters"


def test_a_lone_enterprise_in_its_cell_comes_as_a_point(world):
    from ansheng.enterprises.services import do_update_enterprise

    do_update_enterprise(
        acting_user=world.users["city_admin"],
        enterprise_id=world.enterprises["transport_a"].pk,
        changes={"longitude": "103.600000", "latitude": "29.700000"},
    )
    body = get(world, "city", "enterprises", zoom=9).json()
    assert sorted(f["properties"]["name"] for f in body["features"] if not f["properties"].get("cluster")) == [
        "乐山市测试运输有限公司",
        "市中区测试石灰石矿",
    ]
    assert [f["properties"]["count"] for f in body["features"] if f["properties"].get("cluster")] == [2]


# --- risk sources ------------------------------------------------------------------------------------------------

SOURCE_LAYER = {
    "city_admin": [
        "测试古城文化街区",
        "测试成品油管道（五通桥区段）",
        "测试成品油管道（市中区段）",
        "测试铅锌矿尾矿库",
    ],
    "city": ["测试古城文化街区", "测试成品油管道（五通桥区段）", "测试成品油管道（市中区段）", "测试铅锌矿尾矿库"],
    "county_a": ["测试古城文化街区", "测试成品油管道（市中区段）"],
    "county_b": ["测试成品油管道（五通桥区段）", "测试铅锌矿尾矿库"],
    "dept_transport": [],
    "inspector": ["测试古城文化街区", "测试成品油管道（五通桥区段）", "测试成品油管道（市中区段）", "测试铅锌矿尾矿库"],
    "ent_admin": [],
}


@pytest.mark.parametrize(("persona", "expected"), sorted(SOURCE_LAYER.items()))
def test_the_risk_sources_layer_holds_the_jurisdiction_only(world, sources, persona, expected):
    response = get(world, persona, "risk-sources")
    assert response.status_code == 200
    assert names(response.json()) == expected


def test_a_department_sees_the_kinds_it_supervises(world, sources):
    housing = world.orgs["transport"]
    housing.sectors = [*housing.sectors, "pipeline"]
    housing.save()
    user = world.users["dept_transport"]
    user.refresh_from_db()
    assert names(get(world, "dept_transport", "risk-sources").json()) == [
        "测试成品油管道（五通桥区段）",
        "测试成品油管道（市中区段）",
    ]


def test_risk_source_features_carry_the_standard_properties(world, sources):
    body = get(world, "city", "risk-sources").json()
    by_name = {f["properties"]["name"]: f for f in body["features"]}
    pond = by_name["测试铅锌矿尾矿库"]["properties"]
    assert pond["colour"] == "red" and pond["county"] == "511112" and pond["overhead_pond"] is True
    assert pond["badge"] == "头顶库"
    assert pond["url"] == f"/map/risk-sources/{sources['pond_b'].pk}/"
    assert by_name["测试成品油管道（市中区段）"]["geometry"]["type"] == "LineString"
    assert by_name["测试古城文化街区"]["geometry"]["type"] == "Polygon"


def test_risk_source_filters(world, sources):
    assert names(get(world, "city", "risk-sources", category="pipeline").json()) == [
        "测试成品油管道（五通桥区段）",
        "测试成品油管道（市中区段）",
    ]
    assert names(get(world, "city", "risk-sources", colour="red").json()) == ["测试古城文化街区", "测试铅锌矿尾矿库"]
    assert names(get(world, "city", "risk-sources", county="511112", colour="red").json()) == ["测试铅锌矿尾矿库"]
    # a line is in a view its extent overlaps, even when no vertex is inside the view
    assert names(get(world, "city", "risk-sources", bbox="103.755,29.50,103.765,29.60").json()) == [
        "测试古城文化街区",
        "测试成品油管道（市中区段）",
    ]


def test_open_hazards_are_counted_on_the_feature(world, sources):
    import datetime as dt

    from ansheng.maps.services import do_add_source_hazard

    do_add_source_hazard(
        acting_user=world.users["city"],
        source_id=sources["pipe_a"].pk,
        data={
            "category": "occupation",
            "description": "占压",
            "supervision": "province",
            "found_on": dt.date(2026, 1, 5),
            "deadline": dt.date(2026, 3, 1),
        },
        today=dt.date(2026, 11, 1),
    )
    pipe = next(
        f
        for f in get(world, "city", "risk-sources").json()["features"]
        if f["properties"]["id"] == sources["pipe_a"].pk
    )
    assert pipe["properties"]["open_hazards"] == 1
    assert pipe["properties"]["provincial_hazards"] == 1
    assert pipe["properties"]["overdue_hazards"] == 1


# --- coordinate conversion ---------------------------------------------------------------------------------------


def test_points_are_converted_to_gcj02_at_known_points(world):
    chem = world.enterprises["chem_b"]
    wgs = get(world, "city", "enterprises", q="五通桥测试化工").json()["features"][0]["geometry"]["coordinates"]
    gcj = get(world, "city", "enterprises", q="五通桥测试化工", crs="gcj02").json()["features"][0]["geometry"][
        "coordinates"
    ]
    assert wgs == [float(chem.longitude), float(chem.latitude)]
    assert gcj == pytest.approx(list(wgs84_to_gcj02(103.818, 29.4062)), abs=1e-6)
    # at Leshan the shift is about +0.0022° longitude and −0.0028° latitude, some 370 m to the south-east
    assert gcj[0] - wgs[0] == pytest.approx(0.0022, abs=0.0002)
    assert gcj[1] - wgs[1] == pytest.approx(-0.0028, abs=0.0002)
    assert 300 < haversine_m(*wgs, *gcj) < 450


def test_lines_and_areas_are_converted_vertex_by_vertex(world, sources):
    wgs = {f["properties"]["id"]: f for f in get(world, "city", "risk-sources").json()["features"]}
    gcj = {f["properties"]["id"]: f for f in get(world, "city", "risk-sources", crs="gcj02").json()["features"]}
    pipe = sources["pipe_a"].pk
    for a, b in zip(wgs[pipe]["geometry"]["coordinates"], gcj[pipe]["geometry"]["coordinates"], strict=True):
        assert b == pytest.approx(list(wgs84_to_gcj02(*a)), abs=1e-6)
    ring = gcj[sources["square_a"].pk]["geometry"]["coordinates"][0]
    assert ring[0] == pytest.approx(list(wgs84_to_gcj02(103.760, 29.554)), abs=1e-6)


def test_a_bbox_is_read_in_the_system_of_the_request(world):
    # chem_b's GCJ-02 position is about 370 m from its WGS84 one: a tight GCJ-02 box around it finds it only
    # when the box is read as GCJ-02
    x, y = wgs84_to_gcj02(103.818, 29.4062)
    box = f"{x - 0.0005},{y - 0.0005},{x + 0.0005},{y + 0.0005}"
    assert get(world, "city", "enterprises", bbox=box, crs="gcj02", q="化工").json()["count"] == 1
    assert get(world, "city", "enterprises", bbox=box, q="化工").json()["count"] == 0


# --- dispatch to other apps' layers ------------------------------------------------------------------------------


def fake_alarms(user, query):
    """An 'alarms' layer as the monitoring app would register it: honours jurisdiction only, no other filter."""
    from ansheng.core import access

    scope = access.scope_for(user)
    rows = [
        point(
            103.7613, 29.5554, id=1, name="甲烷超限报警", county="511102", grade="1", date="2026-11-01T08:00:00+08:00"
        ),
        point(
            103.818,
            29.4062,
            id=2,
            name="液位高报警",
            county="511112",
            grade="2",
            date="2026-10-01T08:00:00+08:00",
            colour="red",
        ),
    ]
    return [r for r in rows if scope.covers_region(r["properties"]["county"])]


def test_the_endpoint_dispatches_to_a_registered_layer(world, extra_layers):
    seen = []

    def layer(user, query):
        seen.append(query)
        return fake_alarms(user, query)

    extra_layers["alarms"] = layer
    body = get(
        world,
        "city",
        "alarms",
        county="5111",
        category="gas",
        grade="1",
        colour="red",
        date_from="2026-10-15",
        date_to="2026-11-30",
        zoom="9",
        q="报警",
        bbox="103,29,104,30",
    ).json()
    query = seen[-1]
    assert query.county == "5111" and query.category == "gas" and query.grade == "1" and query.colour == "red"
    assert str(query.date_from) == "2026-10-15" and str(query.date_to) == "2026-11-30"
    assert query.zoom == 9 and query.q == "报警" and query.bbox == (103.0, 29.0, 104.0, 30.0)
    # the layer ignored the filters; the endpoint applies those the standard properties answer (a filter on a
    # property a feature does not carry, like alarm 1's colour, does not apply to it)
    assert ids(body) == ["1"]
    assert ids(get(world, "city", "alarms", grade="1").json()) == ["1"]
    assert ids(get(world, "city", "alarms", colour="red").json()) == ["1", "2"]  # 1 has no colour property
    assert ids(get(world, "city", "alarms", date_from="2026-10-15").json()) == ["1"]
    assert ids(get(world, "city", "alarms", bbox="103.80,29.40,103.83,29.42").json()) == ["2"]
    assert ids(get(world, "city", "alarms", county="511112").json()) == ["2"]


def test_a_registered_layer_honours_jurisdiction_and_converts(world, extra_layers):
    extra_layers["alarms"] = fake_alarms
    assert ids(get(world, "county_a", "alarms").json()) == ["1"]
    assert ids(get(world, "county_b", "alarms").json()) == ["2"]
    assert ids(get(world, "city", "alarms").json()) == ["1", "2"]
    gcj = get(world, "county_a", "alarms", crs="gcj02").json()["features"][0]["geometry"]["coordinates"]
    assert gcj == pytest.approx(list(wgs84_to_gcj02(103.7613, 29.5554)), abs=1e-6)


def test_features_a_faulty_layer_leaks_outside_the_jurisdiction_are_dropped(world, extra_layers):
    extra_layers["alarms"] = lambda user, query: fake_alarms(world.users["city"], query)  # ignores the user
    assert ids(get(world, "county_a", "alarms").json()) == ["1"]
    assert ids(get(world, "county_b", "alarms").json()) == ["2"]


def test_malformed_features_are_dropped_not_served(world, extra_layers):
    extra_layers["alarms"] = lambda user, query: [
        point(103.76, 29.55, id=1, name="好的", county="511102"),
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": ["x", 1]},
            "properties": {"id": 2, "name": "坏", "county": "511102"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [103.7, 29.5]},
            "properties": {"name": "缺id", "county": "511102"},
        },
        {"type": "Feature", "geometry": None, "properties": {"id": 4, "name": "无几何", "county": "511102"}},
        "not a feature",
    ]
    assert ids(get(world, "city", "alarms").json()) == ["1"]


def test_a_failing_layer_answers_503_and_the_others_still_work(world, extra_layers):
    def broken(user, query):
        raise RuntimeError("database on fire")

    extra_layers["alarms"] = broken
    response = get(world, "city", "alarms")
    assert response.status_code == 503
    assert response.json()["code"] == "layer_failed"
    assert get(world, "city", "enterprises").status_code == 200


def test_an_unknown_layer_is_404_with_its_code(world):
    response = get(world, "city", "volcanoes")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_layer"
    # a layer the issue names that no installed app provides is unknown too
    from ansheng.core import registry

    for name in ("hazard-sources", "hidden-dangers", "alarms", "accidents"):
        if name not in registry.named("map_layers"):
            assert get(world, "city", name).json()["code"] == "unknown_layer"


def test_the_layer_list_names_what_is_installed(world, extra_layers):
    extra_layers["alarms"] = fake_alarms
    client = Client()
    client.force_login(world.users["county_a"])
    body = client.get("/api/v1/map/layers").json()
    names = [layer["name"] for layer in body]
    assert names[:3] == ["counties", "enterprises", "risk-sources"]  # the map's own, first
    assert {"name": "alarms", "label": "实时报警", "url": "/api/v1/map/layers/alarms"} in body
    known = [name for name in LAYER_LABELS if name in names]
    assert names[: len(known)] == known  # the known layers in the map's order, any others after them


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"bbox": "1,2,3"}, "invalid_bbox", "bbox"),
        ({"bbox": "a,b,c,d"}, "invalid_bbox", "bbox"),
        ({"bbox": "104,29,103,30"}, "invalid_bbox", "bbox"),
        ({"bbox": "nan,29,103,30"}, "invalid_bbox", "bbox"),
        ({"colour": "purple"}, "invalid_choice", "colour"),
        ({"zoom": "23"}, "out_of_range", "zoom"),
        ({"zoom": "x"}, "out_of_range", "zoom"),
        ({"crs": "bd09"}, "invalid_crs", "crs"),
        ({"date_from": "2026-13-01"}, "wrong_type", "date_from"),
        ({"date_from": "2026-11-02", "date_to": "2026-11-01"}, "end_before_start", "date_to"),
        ({"county": "abc"}, "invalid_region", "county"),
        ({"limit": "0"}, "out_of_range", "limit"),
    ],
)
def test_bad_parameters_are_422_with_code_and_field(world, params, code, field):
    response = get(world, "city", "enterprises", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code and body["field"] == field
    assert body["message"]


def test_the_limit_truncates_and_says_so(world):
    body = get(world, "city", "enterprises", limit="3").json()
    assert body["count"] == 3 and body["truncated"] is True
    assert get(world, "city", "enterprises", limit="4").json()["truncated"] is False
    body = get(world, "city", "counties", limit="1").json()
    assert body["count"] == 1 and body["truncated"] is True


def test_the_colour_filter_applies_to_clusters_too(world, colours):
    colours[world.enterprises["chem_b"].pk] = "orange"
    colours[world.enterprises["builder_b"].pk] = "orange"
    colours[world.enterprises["mine_a"].pk] = "red"
    orange = get(world, "city", "enterprises", zoom=8, colour="orange").json()["features"]
    assert [f["properties"]["count"] for f in orange] == [2]
    assert orange[0]["properties"]["colours"] == {"red": 0, "orange": 2, "yellow": 0, "blue": 0}
    red = get(world, "city", "enterprises", zoom=8, colour="red").json()["features"]
    assert [(f["properties"]["name"], f["properties"]["colour"]) for f in red] == [("市中区测试石灰石矿", "red")]
    assert get(world, "city", "enterprises", zoom=8, colour="blue").json()["count"] == 0
    assert get(world, "county_a", "enterprises", zoom=8, colour="orange").json()["count"] == 0
