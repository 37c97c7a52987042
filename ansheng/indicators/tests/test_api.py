"""The plans and statistics-inputs API, allow and deny side by side."""

from __future__ import annotations

import json

import pytest

from ansheng.indicators.tests import fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(world):
    fixtures.load(world)
    return world


def get(api_client, bearer, user, url):
    if user.role == "public":
        api_client.force_login(user)
        return api_client.get(url)
    return api_client.get(url, **bearer(user))


def test_the_indicators_of_a_plan_for_the_city(loaded, api_client, bearer):
    response = get(api_client, bearer, loaded.users["city"], "/api/v1/plans/leshan-2016-2020/indicators?region=511100")
    assert response.status_code == 200
    body = response.json()
    assert (body["region"], body["as_of"], body["count"]) == ("511100", 2020, 12)
    first = body["items"][0]
    assert {k: first[k] for k in ("no", "name", "baseline", "target", "actual", "change", "attained")} == {
        "no": 1,
        "name": "生产安全事故起数",
        "baseline": 9,
        "target": 8,
        "actual": 5,
        "change": -0.4444,
        "attained": True,
    }
    assert [item["no"] for item in body["items"]] == list(range(1, 13))
    assert [item["attained"] for item in body["items"]] == [True] * 5 + [False] + [True] * 3 + [False, True, True]
    assert body["items"][8]["baseline"] == 75.0 and body["items"][8]["actual"] == 92.5


@pytest.mark.parametrize(
    ("persona", "url", "status"),
    [
        ("city", "/api/v1/plans/leshan-2016-2020/indicators", 200),
        ("county_b", "/api/v1/plans/leshan-2016-2020/indicators?region=511112", 200),
        ("county_b", "/api/v1/plans/leshan-2016-2020/indicators?region=511102", 404),
        ("county_b", "/api/v1/plans/leshan-2016-2020/indicators?region=511100", 404),
        ("inspector", "/api/v1/plans/leshan-2016-2020/indicators", 200),
        ("expert", "/api/v1/plans/leshan-2016-2020/indicators", 200),
        ("dept_transport", "/api/v1/plans/leshan-2016-2020/indicators", 403),
        ("ent_admin", "/api/v1/plans/leshan-2016-2020/indicators", 403),
        ("public", "/api/v1/plans/leshan-2016-2020/indicators", 403),
        ("city", "/api/v1/plans/nowhere-2016-2020/indicators", 404),
        ("city", "/api/v1/plans/leshan-2016-2020/indicators?as_of=1800", 422),
        ("city", "/api/v1/plans", 200),
        ("ent_admin", "/api/v1/plans", 403),
        ("city", "/api/v1/plans/leshan-2016-2020", 200),
        ("city", "/api/v1/plans/leshan-2016-2020/indicators/7", 200),
        ("city", "/api/v1/plans/leshan-2016-2020/indicators/13", 404),
        ("county_b", "/api/v1/plans/leshan-2016-2020/indicators/1?region=511102", 404),
    ],
)
def test_allow_and_deny(loaded, api_client, bearer, persona, url, status):
    assert get(api_client, bearer, loaded.users[persona], url).status_code == status


def test_one_indicator_with_its_counties_and_accidents(loaded, api_client, bearer):
    body = get(api_client, bearer, loaded.users["city"], "/api/v1/plans/leshan-2016-2020/indicators/3").json()
    assert body["indicator"]["actual"] == 1
    assert sorted(a["year"] for a in body["accidents"]) == [2011, 2014, 2018]
    assert {c["region"]: c["indicator"]["actual"] for c in body["counties"]} == {"511102": 0, "511112": 1}
    rate = get(api_client, bearer, loaded.users["city"], "/api/v1/plans/leshan-2016-2020/indicators/9").json()
    assert {(i["item"], i["year"]): i["value"] for i in rate["inputs"]}[("oh_declared", 2015)] == 150


def test_a_plan_definition(loaded, api_client, bearer):
    body = get(api_client, bearer, loaded.users["city"], "/api/v1/plans/leshan-2016-2020").json()
    third = body["indicators"][2]
    assert third["target"] == {"reduce_by": 0.15} and third["numerator"]["where"]["min_grade"] == 2
    assert body["indicators"][4]["denominator"] == {"input": "gdp"}


def put(api_client, bearer, user, rows):
    return api_client.put(
        "/api/v1/statistics/inputs", data=json.dumps({"rows": rows}), content_type="application/json", **bearer(user)
    )


@pytest.mark.parametrize(
    ("persona", "region", "status"),
    [
        ("city", "511100", 200),
        ("county_a", "511102", 200),
        ("county_a", "511112", 422),
        ("inspector", "511100", 403),
        ("expert", "511100", 403),
        ("ent_admin", "511112", 403),
    ],
)
def test_setting_inputs(world, api_client, bearer, persona, region, status):
    response = put(
        api_client,
        bearer,
        world.users[persona],
        [{"region": region, "year": 2025, "item": "motor_vehicles", "value": 1000, "source": "交警年报"}],
    )
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json()["items"][0]["item_name"] == "机动车保有量"


def test_reading_inputs_follows_the_jurisdiction(loaded, api_client, bearer):
    city = get(api_client, bearer, loaded.users["city"], "/api/v1/statistics/inputs?limit=500").json()
    county = get(api_client, bearer, loaded.users["county_a"], "/api/v1/statistics/inputs?limit=500").json()
    assert city["count"] == 40 and county["count"] == 16  # 8 city values + 2 × 16 county values
    assert {row["region"] for row in county["items"]} == {"511102"}
    assert get(api_client, bearer, loaded.users["ent_admin"], "/api/v1/statistics/inputs").json()["count"] == 0
    items = get(api_client, bearer, loaded.users["city"], "/api/v1/statistics/items").json()
    assert items[0]["code"] == "gdp" and any(i["part_of"] == "oh_declare_due" for i in items)
    assert get(api_client, bearer, loaded.users["ent_admin"], "/api/v1/statistics/items").status_code == 403


def test_a_malformed_row_is_a_422_with_its_field(world, api_client, bearer):
    response = put(
        api_client,
        bearer,
        world.users["city"],
        [{"region": "511100", "year": 2025, "item": "gnp", "value": 1, "source": "x"}],
    )
    assert response.status_code == 422 and response.json()["field"] == "rows[0].item"
