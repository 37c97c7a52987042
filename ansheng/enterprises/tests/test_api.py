"""The registry through /api/v1: allow and deny side by side for every persona."""

import pytest
from django.test import Client

from ansheng.core.testing import credit_code

pytestmark = pytest.mark.django_db

LIST_COUNTS = {
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
    "public": 0,
}


@pytest.mark.parametrize(("persona", "count"), sorted(LIST_COUNTS.items()))
def test_the_list_holds_the_jurisdiction_only(world, bearer, persona, count):
    response = Client().get("/api/v1/enterprises", **bearer(world.users[persona]))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == count
    assert len(body["items"]) == count
    if count:
        item = body["items"][0]
        assert {"id", "credit_code", "name", "county", "category"} <= set(item)
        assert len(item["county"]) == 6


def test_the_list_needs_authentication(world):
    response = Client().get("/api/v1/enterprises")
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": "请先登录或提供有效的令牌", "field": None}


def test_filters_and_pagination(world, bearer):
    headers = bearer(world.users["city"])
    client = Client()

    def names(**params):
        body = client.get("/api/v1/enterprises", params, **headers).json()
        return body["count"], sorted(item["name"] for item in body["items"])

    assert names(county="511112")[0] == 2
    assert names(category="metal_mine") == (1, ["市中区测试石灰石矿"])
    assert names(q="石灰石")[1] == ["市中区测试石灰石矿"]
    assert names(q=world.enterprises["chem_b"].credit_code)[0] == 1
    assert names(status="closed")[0] == 0
    page = client.get("/api/v1/enterprises", {"limit": 2, "offset": 2}, **headers).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    assert client.get("/api/v1/enterprises", {"limit": "x"}, **headers).status_code == 422


def test_detail_is_404_outside_the_jurisdiction(world, bearer):
    chem = world.enterprises["chem_b"]
    assert Client().get(f"/api/v1/enterprises/{chem.pk}", **bearer(world.users["county_b"])).status_code == 200
    response = Client().get(f"/api/v1/enterprises/{chem.pk}", **bearer(world.users["county_a"]))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Client().get("/api/v1/enterprises/999999", **bearer(world.users["city"])).status_code == 404


def _create(world, bearer, persona, **fields):
    body = {
        "credit_code": credit_code(601),
        "name": "乐山市接口测试有限公司",
        "county": "511102",
        "category": "commerce",
        **fields,
    }
    return Client().post("/api/v1/enterprises", body, content_type="application/json", **bearer(world.users[persona]))


def test_a_county_supervisor_creates_one_and_gets_it_back(world, bearer):
    response = _create(world, bearer, "county_a", employees=12, former_names=["旧名"])
    assert response.status_code == 201
    body = response.json()
    assert body["county"] == "511102" and body["employees"] == 12 and body["former_names"] == ["旧名"]


@pytest.mark.parametrize("persona", ["dept_transport", "ent_admin", "expert", "public"])
def test_other_roles_may_not_create(world, bearer, persona):
    response = _create(world, bearer, persona)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_wrong_check_digit_is_a_422_on_the_field(world, bearer):
    good = credit_code(602)
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    response = _create(world, bearer, "county_a", credit_code=bad)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "wrong_check_digit" and body["field"] == "credit_code"
    assert good[17] in body["message"]


def test_the_error_is_in_english_when_asked(world, bearer):
    good = credit_code(603)
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    response = Client().post(
        "/api/v1/enterprises",
        {"credit_code": bad, "name": "x", "county": "511102", "category": "commerce"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(world.users["county_a"]),
    )
    assert "position 18 should be" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"name": "x", "county": "511102", "category": "commerce"}, "required", "credit_code"),
        (
            {"credit_code": "x", "name": "x", "county": "511102", "category": "commerce", "employees": "many"},
            "wrong_type",
            "employees",
        ),
        (
            {"credit_code": "x", "name": "x", "county": "511102", "category": "commerce", "colour": "red"},
            "unknown_field",
            "colour",
        ),
        (
            {"credit_code": "x", "name": "x", "county": "511102", "category": "commerce", "employees": -1},
            "out_of_range",
            "employees",
        ),
        (
            {"credit_code": "x", "name": "x", "county": "511102", "category": "commerce", "longitude": "NaN"},
            "not_finite",
            "longitude",
        ),
    ],
)
def test_bad_input_gets_a_stable_code_and_field(world, bearer, body, code, field):
    response = Client().post(
        "/api/v1/enterprises", body, content_type="application/json", **bearer(world.users["city"])
    )
    assert response.status_code == 422, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, field)


def test_malformed_json_is_a_400_with_a_code(world, bearer):
    response = Client().post(
        "/api/v1/enterprises", "{bad", content_type="application/json", **bearer(world.users["city"])
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


def test_patch_changes_only_what_is_sent(world, bearer):
    chem = world.enterprises["chem_b"]
    response = Client().patch(
        f"/api/v1/enterprises/{chem.pk}",
        {"employees": 333},
        content_type="application/json",
        **bearer(world.users["ent_admin"]),
    )
    assert response.status_code == 200
    assert response.json()["employees"] == 333
    assert response.json()["name"] == chem.name
    denied = Client().patch(
        f"/api/v1/enterprises/{chem.pk}",
        {"status": "closed"},
        content_type="application/json",
        **bearer(world.users["ent_admin"]),
    )
    assert denied.status_code == 403 and denied.json()["field"] == "status"
    hidden = Client().patch(
        f"/api/v1/enterprises/{chem.pk}",
        {"employees": 1},
        content_type="application/json",
        **bearer(world.users["county_a"]),
    )
    assert hidden.status_code == 404


def test_licences_through_the_api(world, bearer):
    chem = world.enterprises["chem_b"]
    headers = bearer(world.users["ent_admin"])
    response = Client().post(
        f"/api/v1/enterprises/{chem.pk}/licences",
        {"kind": "safety_production", "number": "N-1", "expires_on": "2029-12-31"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    licence_id = response.json()["id"]
    detail = Client().get(f"/api/v1/enterprises/{chem.pk}", **headers).json()
    assert [lic["number"] for lic in detail["licences"]] == ["N-1"]
    assert Client().delete(f"/api/v1/enterprises/{chem.pk}/licences/{licence_id}", **headers).status_code == 204


def test_the_openapi_document_is_served(world):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/enterprises" in paths and "/api/v1/auth/token" in paths
