"""Risk sources, hazards, search and the geometry check through /api/v1/map: allow and deny side by side."""

import json

import pytest
from django.test import Client

from ansheng.domain.coords import wgs84_to_gcj02

pytestmark = pytest.mark.django_db

BASE = "/api/v1/map"


def client_for(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


LIST_COUNTS = {
    "city_admin": 4,
    "city": 4,
    "county_a": 2,
    "county_b": 2,
    "inspector": 4,
    "expert": 4,
    "dept_transport": 0,
    "ent_admin": 0,
    "public": 0,
}


@pytest.mark.parametrize(("persona", "count"), sorted(LIST_COUNTS.items()))
def test_the_list_holds_the_jurisdiction_only(world, sources, bearer, persona, count):
    body = Client().get(f"{BASE}/risk-sources", **bearer(world.users[persona])).json()
    assert body["count"] == count
    if count:
        assert {"id", "code", "name", "kind", "level", "county", "shape"} <= set(body["items"][0])


def test_list_filters(world, sources, bearer):
    headers = bearer(world.users["city"])

    def names(**params):
        return sorted(i["name"] for i in Client().get(f"{BASE}/risk-sources", params, **headers).json()["items"])

    assert names(kind="tailings_pond") == ["测试铅锌矿尾矿库"]
    assert names(level="red", county="511102") == ["测试古城文化街区"]
    assert names(q="成品油") == ["测试成品油管道（五通桥区段）", "测试成品油管道（市中区段）"]


def test_detail_allow_and_deny(world, sources):
    pk = sources["pipe_a"].pk
    ok = client_for(world, "county_a").get(f"{BASE}/risk-sources/{pk}")
    assert ok.status_code == 200
    body = ok.json()
    assert body["geometry"] == {"type": "LineString", "coordinates": [[103.75, 29.55], [103.77, 29.56]]}
    assert body["attributes"] == {"medium": "product_oil", "diameter_mm": 508} and body["hazards"] == []
    assert client_for(world, "county_b").get(f"{BASE}/risk-sources/{pk}").status_code == 404
    assert client_for(world, "ent_admin").get(f"{BASE}/risk-sources/{pk}").status_code == 404
    gcj = client_for(world, "county_a").get(f"{BASE}/risk-sources/{pk}", {"crs": "gcj02"}).json()["geometry"]
    assert gcj["coordinates"][0] == pytest.approx(list(wgs84_to_gcj02(103.75, 29.55)), abs=1e-6)


def test_create_through_the_api(world):
    county_a = client_for(world, "county_a")
    body = {
        "name": "测试燃气中压干管",
        "kind": "gas_network",
        "level": "yellow",
        "county": "511102",
        "attributes": {"pressure_class": "medium_a", "diameter_mm": 315},
        "geometry": {
            "type": "Feature",
            "properties": {},
            "geometry": {
                "type": "LineString",
                "coordinates": [list(wgs84_to_gcj02(103.75, 29.55)), list(wgs84_to_gcj02(103.76, 29.56))],
            },
        },
        "crs": "gcj02",
    }
    response = post(county_a, f"{BASE}/risk-sources", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["code"] == "RQ-511102-0001"
    assert created["geometry"]["coordinates"][0] == pytest.approx([103.75, 29.55], abs=1e-6)
    # the county supervisor of B cannot register in A; the inspector cannot register at all
    assert post(client_for(world, "county_b"), f"{BASE}/risk-sources", body).json()["code"] == "outside_jurisdiction"
    assert post(client_for(world, "inspector"), f"{BASE}/risk-sources", body).status_code == 403


@pytest.mark.parametrize(
    ("geometry", "code"),
    [
        ({"type": "LineString", "coordinates": [[103.75, 29.55]]}, "line_too_few_points"),
        ({"type": "Point", "coordinates": [2.35, 48.85]}, "outside_china"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[103.75, 29.55], [103.76, 29.56], [103.76, 29.55], [103.75, 29.56], [103.75, 29.55]]],
            },
            "self_intersecting",
        ),
    ],
)
def test_geometry_errors_come_back_as_422_with_code_and_field(world, geometry, code):
    response = post(
        client_for(world, "city"),
        f"{BASE}/risk-sources",
        {"name": "x", "kind": "other_source", "level": "blue", "county": "511102", "geometry": geometry},
    )
    assert response.status_code == 422
    assert response.json()["code"] == code and response.json()["field"] == "geometry"


def test_unknown_fields_and_missing_ones_are_422(world):
    client = client_for(world, "city")
    response = post(client, f"{BASE}/risk-sources", {"name": "x"})
    assert response.status_code == 422 and response.json()["code"] == "required"
    response = post(
        client,
        f"{BASE}/risk-sources",
        {
            "name": "x",
            "kind": "pipeline",
            "level": "red",
            "county": "511102",
            "geometry": {"type": "Point", "coordinates": [103.7, 29.5]},
            "colour": "red",
        },
    )
    assert response.json()["code"] == "unknown_field"


def test_patch_and_delete(world, sources):
    pk = sources["square_a"].pk
    response = patch(client_for(world, "county_a"), f"{BASE}/risk-sources/{pk}", {"level": "orange", "reason": "复核"})
    assert response.status_code == 200 and response.json()["level"] == "orange"
    assert patch(client_for(world, "county_b"), f"{BASE}/risk-sources/{pk}", {"level": "blue"}).status_code == 404
    assert patch(client_for(world, "expert"), f"{BASE}/risk-sources/{pk}", {"level": "blue"}).status_code == 403
    assert client_for(world, "county_b").delete(f"{BASE}/risk-sources/{pk}").status_code == 404
    assert client_for(world, "county_a").delete(f"{BASE}/risk-sources/{pk}").status_code == 204
    assert client_for(world, "county_a").get(f"{BASE}/risk-sources/{pk}").status_code == 404


def test_hazards_through_the_api(world, sources):
    pk = sources["pipe_a"].pk
    county_a = client_for(world, "county_a")
    payload = {
        "category": "occupation",
        "description": "占压",
        "supervision": "city",
        "found_on": "2026-01-10",
        "deadline": "2026-03-10",
    }
    response = post(county_a, f"{BASE}/risk-sources/{pk}/hazards", payload)
    assert response.status_code == 201
    hazard = response.json()
    assert hazard["status"] == "open" and hazard["overdue"] is True
    assert post(client_for(world, "county_b"), f"{BASE}/risk-sources/{pk}/hazards", payload).status_code == 404
    rectify = {"rectified_on": "2026-03-01", "note": "已拆除"}
    denied = post(county_a, f"{BASE}/hazards/{hazard['id']}/rectify", rectify)
    assert denied.status_code == 403 and denied.json()["code"] == "closed_by_city"
    done = post(client_for(world, "city"), f"{BASE}/hazards/{hazard['id']}/rectify", rectify)
    assert done.status_code == 200 and done.json()["status"] == "rectified"
    again = post(client_for(world, "city"), f"{BASE}/hazards/{hazard['id']}/rectify", rectify)
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    reopened = post(client_for(world, "inspector"), f"{BASE}/hazards/{hazard['id']}/reopen", {"reason": "复查未整改"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert (
        post(client_for(world, "county_b"), f"{BASE}/hazards/{hazard['id']}/reopen", {"reason": "x"}).status_code == 404
    )


def test_search_flies_within_the_jurisdiction(world, sources):
    county_a = client_for(world, "county_a")
    hits = county_a.get(f"{BASE}/search", {"q": "测试"}).json()
    layers = {(hit["layer"], hit["name"]) for hit in hits}
    assert ("enterprises", "市中区测试石灰石矿") in layers
    assert ("risk-sources", "测试古城文化街区") in layers
    assert not any("五通桥" in name for _layer, name in layers)
    by_code = county_a.get(f"{BASE}/search", {"q": world.enterprises["mine_a"].credit_code}).json()
    assert [hit["name"] for hit in by_code] == ["市中区测试石灰石矿"]
    assert by_code[0]["point"] == [103.7613, 29.5554] and by_code[0]["url"].endswith(
        f"/{world.enterprises['mine_a'].pk}/"
    )
    gcj = county_a.get(f"{BASE}/search", {"q": world.enterprises["mine_a"].credit_code, "crs": "gcj02"}).json()
    assert gcj[0]["point"] == pytest.approx(list(wgs84_to_gcj02(103.7613, 29.5554)), abs=1e-6)
    assert client_for(world, "county_b").get(f"{BASE}/search", {"q": "石灰石"}).json() == []
    assert county_a.get(f"{BASE}/search", {"q": "测"}).json() == []  # one character finds nothing
    assert client_for(world, "public").get(f"{BASE}/search", {"q": "测试"}).status_code == 403


def test_search_finds_counties_and_former_names(world):
    from ansheng.enterprises.services import do_update_enterprise

    do_update_enterprise(
        acting_user=world.users["city"],
        enterprise_id=world.enterprises["mine_a"].pk,
        changes={"former_names": ["乐山老石灰厂"]},
    )
    hits = client_for(world, "city").get(f"{BASE}/search", {"q": "老石灰"}).json()
    assert [hit["name"] for hit in hits] == ["市中区测试石灰石矿"]
    hits = client_for(world, "city").get(f"{BASE}/search", {"q": "五通桥区"}).json()
    assert ("counties", "五通桥区") in {(hit["layer"], hit["name"]) for hit in hits}


def test_the_geometry_check(world):
    client = client_for(world, "county_a")
    ok = post(
        client,
        f"{BASE}/geometry/check",
        {"text": "103.75,29.55\n103.76,29.55\n103.76,29.56", "shape": "area", "out_crs": "gcj02"},
    )
    assert ok.status_code == 200
    body = ok.json()
    assert (
        body["shape"] == "area"
        and body["points"] == 4
        and body["area_m2"] == pytest.approx(1111.95 * 967.9 / 2, rel=0.01)
    )
    assert body["geometry"]["coordinates"][0][0] == pytest.approx(list(wgs84_to_gcj02(103.75, 29.55)), abs=1e-6)
    bad = post(client, f"{BASE}/geometry/check", {"geometry": {"type": "LineString", "coordinates": [[103.7, 29.5]]}})
    assert bad.status_code == 422 and bad.json()["code"] == "line_too_few_points"
    assert post(client_for(world, "public"), f"{BASE}/geometry/check", {"text": "103.7,29.5"}).status_code == 403
