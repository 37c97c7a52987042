"""The map page, the exports and the risk-source pages: allow and deny side by side."""

import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from ansheng.maps.models import RiskSource, SourceHazard

pytestmark = pytest.mark.django_db


def client_for(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


def config_of(response):
    html = response.content.decode()
    start = html.index('<script id="map-config" type="application/json">') + len(
        '<script id="map-config" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_the_map_page_for_a_county_supervisor(world):
    response = client_for(world, "county_a").get("/map/")
    assert response.status_code == 200
    config = config_of(response)
    assert [c["code"] for c in config["counties"]] == ["511102"]
    assert [layer["name"] for layer in config["layers"]][:3] == ["counties", "enterprises", "risk-sources"]
    assert config["crs"] == "gcj02"  # no tile layer: drawn on the county outlines as published
    assert config["tile"] is None and config["can_export"] is True
    assert config["api"] == "/api/v1/map/layers/"


def test_the_map_page_follows_the_tile_settings(world, settings):
    settings.MAP_TILE_URL = "https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY"
    settings.MAP_TILE_CRS = "wgs84"
    settings.MAP_TILE_ATTRIBUTION = "天地图"
    config = config_of(client_for(world, "city").get("/map/"))
    assert config["crs"] == "wgs84" and config["tile"]["attribution"] == "天地图"


def test_an_enterprise_sees_its_own_map_and_the_public_none(world):
    response = client_for(world, "ent_staff").get("/map/")
    assert response.status_code == 200
    names = [layer["name"] for layer in config_of(response)["layers"]]
    assert "enterprises" in names and "risk-sources" not in names  # not a layer of theirs
    assert client_for(world, "public").get("/map/").status_code == 404
    assert Client().get("/map/").status_code == 302


def test_focus_on_a_record_inside_the_jurisdiction_only(world, sources):
    pk = sources["pipe_a"].pk
    config = config_of(client_for(world, "county_a").get(f"/map/?focus=risk-sources:{pk}"))
    assert config["focus"]["layer"] == "risk-sources" and config["focus"]["id"] == str(pk)
    assert config_of(client_for(world, "county_b").get(f"/map/?focus=risk-sources:{pk}"))["focus"] is None
    mine = world.enterprises["mine_a"].pk
    assert config_of(client_for(world, "county_a").get(f"/map/?focus=enterprises:{mine}"))["focus"]["point"]
    assert config_of(client_for(world, "county_a").get("/map/?focus=alarms:9&at=103.7,29.5"))["focus"]["id"] == "9"
    assert config_of(client_for(world, "county_a").get("/map/?focus=alarms:9&at=x"))["focus"] is None


def test_the_geojson_export_holds_the_filtered_features_of_the_jurisdiction(world, sources):
    response = client_for(world, "county_a").get("/map/export.geojson", {"layers": "enterprises,risk-sources"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    layers = sorted({f["properties"]["layer"] for f in body["features"]})
    assert layers == ["enterprises", "risk-sources"]
    assert {f["properties"]["county"] for f in body["features"]} == {"511102"}
    assert len(body["features"]) == 4
    narrowed = json.loads(
        client_for(world, "county_a")
        .get(
            "/map/export.geojson",
            {
                "layers": "enterprises,risk-sources",
                "risk-sources.category": "pipeline",
                "enterprises.category": "metal_mine",
            },
        )
        .content
    )
    assert sorted(f["properties"]["name"] for f in narrowed["features"]) == [
        "市中区测试石灰石矿",
        "测试成品油管道（市中区段）",
    ]


def test_the_excel_export(world, sources):
    response = client_for(world, "city").get("/map/export.xlsx", {"layers": "enterprises,risk-sources", "crs": "gcj02"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["企业（四色）", "其他风险源"]
    sheet = book["其他风险源"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["编号（系统）", "代码", "名称", "区县代码", "区县"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4
    pond = next(r for r in rows if r[2] == "测试铅锌矿尾矿库")
    lon_col = header.index("经度（WGS84）")
    assert pond[lon_col] == pytest.approx(103.815, abs=1e-6)  # WGS84 even when the map asked for GCJ-02
    assert pond[header.index("风险等级（颜色）")] == "重大风险"


def test_exports_are_for_those_who_may_export(world):
    assert client_for(world, "ent_staff").get("/map/export.geojson").status_code == 403
    assert client_for(world, "public").get("/map/export.xlsx").status_code == 403
    assert client_for(world, "city").get("/map/export.geojson", {"layers": "volcanoes"}).status_code == 404
    assert client_for(world, "city").get("/map/export.geojson", {"colour": "pink"}).status_code == 422


def test_the_risk_source_list_holds_the_jurisdiction(world, sources):
    page = client_for(world, "county_a").get("/map/risk-sources/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "测试古城文化街区" in text and "测试铅锌矿尾矿库" not in text
    filtered = client_for(world, "city").get("/map/risk-sources/", {"kind": "tailings_pond"}, HTTP_HX_REQUEST="true")
    assert "测试铅锌矿尾矿库" in filtered.content.decode() and "古城" not in filtered.content.decode()
    assert client_for(world, "ent_admin").get("/map/risk-sources/").status_code == 404


def test_the_detail_page(world, sources):
    pk = sources["pond_b"].pk
    page = client_for(world, "county_b").get(f"/map/risk-sources/{pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "头顶库" in text and "下游最近居民或重要设施距离" in text and "600 m" in text
    assert client_for(world, "county_a").get(f"/map/risk-sources/{pk}/").status_code == 404


def test_register_a_source_with_pasted_coordinates(world):
    client = client_for(world, "county_a")
    assert client.get("/map/risk-sources/new/").status_code == 200
    response = client.post(
        "/map/risk-sources/new/",
        {
            "name": "测试人民广场",
            "kind": "crowded_place",
            "level": "orange",
            "county": "511102",
            "status": "in_service",
            "attr-crowded_place-place_type": "scenic_area",
            "attr-crowded_place-peak_people": "20000",
            "attr-pipeline-diameter_mm": "not for this kind",
            "crs": "wgs84",
            "coordinates": "103.760,29.553\n103.764,29.553\n103.764,29.556\n103.760,29.556",
            "shape": "area",
        },
    )
    source = RiskSource.objects.get(name="测试人民广场")
    assert response.status_code == 302 and response.url == f"/map/risk-sources/{source.pk}/"
    assert source.shape == "area" and source.attributes == {"place_type": "scenic_area", "peak_people": 20000}


def test_errors_are_shown_beside_their_fields(world):
    response = client_for(world, "city").post(
        "/map/risk-sources/new/",
        {
            "name": "测试",
            "kind": "crowded_place",
            "level": "orange",
            "county": "511102",
            "status": "in_service",
            "attr-crowded_place-peak_people": "很多",
            "crs": "wgs84",
            "geometry": json.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [[[103.75, 29.55], [103.76, 29.56], [103.76, 29.55], [103.75, 29.56]]],
                }
            ),
        },
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert 'data-testid="error-geometry"' in text and "自相交" in text
    assert not RiskSource.objects.exists()


def test_edit_keeps_an_untouched_geometry_and_logs_the_reason(world, sources):
    pk = sources["pipe_a"].pk
    client = client_for(world, "county_a")
    form = client.get(f"/map/risk-sources/{pk}/edit/")
    assert form.status_code == 200
    initial = form.context["geometry_form"].initial["geometry"]
    response = client.post(
        f"/map/risk-sources/{pk}/edit/",
        {
            "name": "改名后的管道",
            "kind": "pipeline",
            "level": "red",
            "county": "511102",
            "status": "in_service",
            "code": sources["pipe_a"].code,
            "attr-pipeline-medium": "product_oil",
            "crs": "gcj02",
            "geometry": initial,
            "reason": "名称核实",
        },
    )
    assert response.status_code == 302
    source = RiskSource.objects.get(pk=pk)
    assert source.name == "改名后的管道" and source.geometry == sources["pipe_a"].geometry
    assert client_for(world, "county_b").get(f"/map/risk-sources/{pk}/edit/").status_code == 404


def test_hazard_pages(world, sources):
    pk = sources["pipe_a"].pk
    client = client_for(world, "county_a")
    assert client.get(f"/map/risk-sources/{pk}/hazards/new/").status_code == 200
    bad = client.post(
        f"/map/risk-sources/{pk}/hazards/new/",
        {"category": "occupation", "description": "", "supervision": "none", "found_on": "2026-01-01"},
    )
    assert bad.status_code == 422
    ok = client.post(
        f"/map/risk-sources/{pk}/hazards/new/",
        {"category": "occupation", "description": "违建占压", "supervision": "none", "found_on": "2026-01-01"},
    )
    assert ok.status_code == 302
    hazard = SourceHazard.objects.get()
    done = client.post(f"/map/hazards/{hazard.pk}/rectify/", {"rectified_on": "2026-02-01", "note": "已拆除"})
    assert done.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "rectified"
    assert client_for(world, "county_b").post(f"/map/hazards/{hazard.pk}/reopen/", {"reason": "x"}).status_code == 404
    client.post(f"/map/hazards/{hazard.pk}/reopen/", {"reason": "复查"})
    hazard.refresh_from_db()
    assert hazard.status == "open"
    # a source with hazards is not deleted; the page says why
    refused = client.post(f"/map/risk-sources/{pk}/delete/", follow=True)
    assert "不能删除" in refused.content.decode()


def test_the_home_page_leads_to_the_map(world, sources):
    text = client_for(world, "county_b").get("/").content.decode()
    assert 'data-testid="map-panel-home"' in text and "/dashboard/" in text and "头顶库" in text
    staff = client_for(world, "ent_staff").get("/").content.decode()
    assert 'data-testid="map-panel-home"' in staff and "/dashboard/" not in staff and "头顶库" not in staff
    assert 'data-testid="map-panel-home"' not in client_for(world, "public").get("/").content.decode()
