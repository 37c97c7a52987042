"""The monitoring API: points, readings with gateway tokens, alarms and their actions; allow and deny side by side."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from ansheng.core.services import do_create_token
from ansheng.monitoring.models import Alarm, Reading, Rejection

pytestmark = pytest.mark.django_db


def now_iso(seconds_ago: float = 0) -> str:
    return (timezone.now() - dt.timedelta(seconds=seconds_ago)).isoformat()


def post_json(client: Client, url: str, body, headers=None):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **(headers or {}))


@pytest.fixture
def gateway(plant, world):
    from ansheng.monitoring.services import do_create_gateway_token

    _token, raw = do_create_gateway_token(acting_user=world.users["ent_admin"], name="DCS 网关")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# --- points -------------------------------------------------------------------------------------------------------


def test_points_list_is_jurisdiction_scoped_with_the_documented_fields(plant, client_for, world):
    body = client_for(world.users["county_b"]).get("/api/v1/monitoring/points").json()
    assert body["count"] == 3
    level = next(item for item in body["items"] if item["code"] == "V101-LT")
    assert level["enterprise"] == plant.enterprise.pk
    assert (level["kind"], level["unit"], level["on_delay_s"]) == ("level", "m", 0)
    assert level["thresholds"] == {"ll": None, "l": 1.0, "h": 8.0, "hh": 9.0}
    assert level["status"] == "never"
    county_a = client_for(world.users["county_a"]).get("/api/v1/monitoring/points").json()
    assert [item["code"] for item in county_a["items"]] == ["V101-LT-M"]
    own = client_for(world.users["ent_admin"]).get("/api/v1/monitoring/points?kind=gas_toxic").json()
    assert [item["code"] for item in own["items"]] == ["GT-CL-01"]
    assert client_for(world.users["public"]).get("/api/v1/monitoring/points").json()["count"] == 0
    assert Client().get("/api/v1/monitoring/points").status_code == 401


def test_one_point_outside_the_jurisdiction_is_404(plant, client_for, world):
    url = f"/api/v1/monitoring/points/{plant.level.pk}"
    assert client_for(world.users["county_b"]).get(url).status_code == 200
    assert client_for(world.users["county_a"]).get(url).json()["code"] == "not_found"
    assert client_for(world.users["other_ent_admin"]).get(url).status_code == 404


def test_the_enterprise_registers_and_edits_its_points(plant, client_for, world):
    admin = client_for(world.users["ent_admin"])
    created = post_json(
        admin,
        "/api/v1/monitoring/points",
        {
            "code": "P-101",
            "name": "1#罐压力",
            "kind": "pressure",
            "unit": "MPa",
            "range_min": 0,
            "range_max": 2.5,
            "h": 1.6,
            "hh": 1.8,
            "hazard_source": plant.source.pk,
        },
    )
    assert created.status_code == 201, created.json()
    point_id = created.json()["id"]
    changed = admin.patch(
        f"/api/v1/monitoring/points/{point_id}", data=json.dumps({"on_delay_s": 15}), content_type="application/json"
    )
    assert changed.json()["on_delay_s"] == 15
    bad = post_json(
        admin,
        "/api/v1/monitoring/points",
        {
            "code": "P-102",
            "name": "x",
            "kind": "pressure",
            "unit": "MPa",
            "range_min": 0,
            "range_max": 2.5,
            "h": 1.8,
            "hh": 1.6,
        },
    )
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (422, "thresholds_out_of_order", "hh")
    staff = post_json(
        client_for(world.users["ent_staff"]),
        "/api/v1/monitoring/points",
        {"code": "P-103", "name": "x", "kind": "pressure", "range_min": 0, "range_max": 1},
    )
    assert staff.status_code == 403
    county = post_json(
        client_for(world.users["county_b"]),
        "/api/v1/monitoring/points",
        {"code": "P-104", "name": "x", "kind": "pressure", "range_min": 0, "range_max": 1},
    )
    assert county.status_code == 403


def test_series_returns_raw_readings_with_thresholds(plant, client_for, world, gateway):
    post_json(
        Client(),
        "/api/v1/readings",
        {
            "readings": [
                {"point": "V101-LT", "ts": now_iso(20), "value": 5.0},
                {"point": "V101-LT", "ts": now_iso(10), "value": 5.5},
            ]
        },
        gateway,
    )
    body = client_for(world.users["county_b"]).get(f"/api/v1/monitoring/points/{plant.level.pk}/series").json()
    assert body["resolution"] == "raw" and [row[1] for row in body["data"]] == [5.0, 5.5]
    assert body["thresholds"]["hh"] == 9.0
    bad = (
        client_for(world.users["county_b"])
        .get(f"/api/v1/monitoring/points/{plant.level.pk}/series?resolution=5s")
        .json()
    )
    assert bad["code"] == "invalid_choice"


# --- readings -------------------------------------------------------------------------------------------------------


def test_a_gateway_token_posts_readings_for_its_enterprise(plant, gateway):
    response = post_json(
        Client(),
        "/api/v1/readings",
        {
            "readings": [
                {"point": "V101-LT", "ts": now_iso(5), "value": 5.0},
                {"point": "GT-CL-01", "ts": now_iso(5), "value": "high"},
                {"point": "V101-LT-M", "ts": now_iso(5), "value": 3.0},
            ]
        },
        gateway,
    )
    assert response.status_code == 200
    assert response.json() == {
        "accepted": 1,
        "duplicates": 0,
        "rejected": [
            {"index": 1, "code": "not_a_number", "message": "数值应为数字"},
            {"index": 2, "code": "foreign_point", "message": "测点属于其他企业"},
        ],
    }
    assert Reading.objects.count() == 1
    assert Rejection.objects.filter(source="token:DCS 网关").count() == 2


def test_resending_the_same_batch_is_harmless(plant, gateway):
    body = {"readings": [{"point": "V101-LT", "ts": now_iso(5), "value": 9.5}]}
    post_json(Client(), "/api/v1/readings", body, gateway)
    again = post_json(Client(), "/api/v1/readings", body, gateway).json()
    assert (again["accepted"], again["duplicates"]) == (1, 1)
    assert Alarm.objects.count() == 1


def test_the_enterprise_administrators_own_token_works_too_but_not_others(plant, world, bearer):
    body = {"readings": [{"point": "V101-LT", "ts": now_iso(5), "value": 5.0}]}
    assert post_json(Client(), "/api/v1/readings", body, bearer(world.users["ent_admin"])).status_code == 200
    for persona in ("ent_staff", "city_admin", "county_b"):
        response = post_json(Client(), "/api/v1/readings", body, bearer(world.users[persona]))
        assert (response.status_code, response.json()["code"]) == (403, "not_a_gateway"), persona
    assert post_json(Client(), "/api/v1/readings", body).status_code == 401


def test_a_revoked_gateway_token_is_refused(plant, world, client_for):
    created = post_json(client_for(world.users["ent_admin"]), "/api/v1/monitoring/gateways", {"name": "旧网关"})
    assert created.status_code == 201
    token = created.json()["token"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {"readings": [{"point": "V101-LT", "ts": now_iso(5), "value": 5.0}]}
    assert post_json(Client(), "/api/v1/readings", body, headers).status_code == 200
    revoked = client_for(world.users["ent_admin"]).delete(f"/api/v1/monitoring/gateways/{created.json()['id']}")
    assert revoked.status_code == 204
    assert post_json(Client(), "/api/v1/readings", body, headers).status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [(b"{oops", 400, "malformed_json"), (b'{"values": []}', 422, "invalid_body"), (b"[1]", 422, "invalid_body")],
)
def test_a_body_that_is_not_readings_is_refused_and_logged(plant, gateway, body, status, code):
    response = post_json(Client(), "/api/v1/readings", body, gateway)
    assert (response.status_code, response.json()["code"]) == (status, code)
    row = Rejection.objects.get()
    assert (row.code, row.enterprise_id, row.payload) == (code, plant.enterprise.pk, body.decode())


def test_too_many_readings_are_refused_with_413(plant, gateway, settings):
    settings.MONITORING_MAX_READINGS_PER_REQUEST = 2
    response = post_json(Client(), "/api/v1/readings", {"readings": [{}, {}, {}]}, gateway)
    assert (response.status_code, response.json()["code"]) == (413, "too_many_readings")


def test_gateway_tokens_are_the_enterprise_administrators(plant, world, client_for, gateway):
    assert client_for(world.users["ent_staff"]).get("/api/v1/monitoring/gateways").status_code == 403
    tokens = client_for(world.users["ent_admin"]).get("/api/v1/monitoring/gateways").json()
    assert [t["name"] for t in tokens] == ["DCS 网关"]
    other = client_for(world.users["other_ent_admin"])
    assert other.get("/api/v1/monitoring/gateways").json() == []
    assert other.delete(f"/api/v1/monitoring/gateways/{tokens[0]['id']}").status_code == 404


# --- alarms -------------------------------------------------------------------------------------------------------


@pytest.fixture
def active_alarm(plant, gateway):
    post_json(
        Client(), "/api/v1/readings", {"readings": [{"point": "V101-LT", "ts": now_iso(30), "value": 9.4}]}, gateway
    )
    return Alarm.objects.get()


def test_active_alarms_list_with_the_documented_fields(active_alarm, client_for, world):
    body = client_for(world.users["county_b"]).get("/api/v1/alarms?state=active").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert {k: item[k] for k in ("id", "point", "type", "severity", "active", "acknowledged")} == {
        "id": active_alarm.pk,
        "point": "V101-LT",
        "type": "high",
        "severity": "major",
        "active": True,
        "acknowledged": False,
    }
    assert item["started_at"] and item["level"] == "hh" and item["colour"] == "orange"
    assert client_for(world.users["county_a"]).get("/api/v1/alarms?state=active").json()["count"] == 0
    assert client_for(world.users["county_a"]).get(f"/api/v1/alarms/{active_alarm.pk}").status_code == 404
    assert client_for(world.users["ent_admin"]).get("/api/v1/alarms?state=closed").json()["count"] == 0
    bad = client_for(world.users["county_b"]).get("/api/v1/alarms?state=loud").json()
    assert (bad["code"], bad["field"]) == ("invalid_choice", "state")


def test_acknowledge_shelve_and_close_through_the_api(plant, active_alarm, client_for, world, gateway):
    admin = client_for(world.users["ent_admin"])
    url = f"/api/v1/alarms/{active_alarm.pk}"
    assert post_json(admin, f"{url}/acknowledge", {"note": "现场确认"}).json()["acknowledged"] is True
    again = post_json(admin, f"{url}/acknowledge", {})
    assert (again.status_code, again.json()["code"]) == (409, "already_acknowledged")
    no_reason = post_json(admin, f"{url}/shelve", {"reason": "", "minutes": 30})
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    no_until = post_json(admin, f"{url}/shelve", {"reason": "标定"})
    assert no_until.json()["field"] == "until"
    shelved = post_json(admin, f"{url}/shelve", {"reason": "液位计标定", "minutes": 30}).json()
    assert shelved["shelved"] is True
    assert post_json(admin, f"{url}/unshelve", {}).json()["shelved"] is False
    still = post_json(admin, f"{url}/close", {"cause": "进料过量", "measures": "停止进料"})
    assert (still.status_code, still.json()["code"]) == (409, "still_active")
    post_json(
        Client(), "/api/v1/readings", {"readings": [{"point": "V101-LT", "ts": now_iso(0), "value": 5.0}]}, gateway
    )
    missing = post_json(admin, f"{url}/close", {"cause": "进料过量", "measures": " "})
    assert (missing.status_code, missing.json()["field"]) == (422, "measures")
    assert (
        post_json(client_for(world.users["county_b"]), f"{url}/close", {"cause": "a", "measures": "b"}).status_code
        == 403
    )
    closed = post_json(
        client_for(world.users["ent_staff"]), f"{url}/close", {"cause": "进料过量", "measures": "停止进料，倒罐"}
    )
    assert closed.status_code == 200
    detail = closed.json()
    assert detail["closed_at"] and detail["cause"] == "进料过量"
    assert [t["kind"] for t in detail["transitions"]] == [
        "raised",
        "acknowledged",
        "shelved",
        "unshelved",
        "cleared",
        "closed",
    ]


def test_actions_outside_the_jurisdiction_are_404_and_beside_the_role_403(active_alarm, client_for, world):
    url = f"/api/v1/alarms/{active_alarm.pk}"
    assert post_json(client_for(world.users["county_a"]), f"{url}/acknowledge", {}).status_code == 404
    assert post_json(client_for(world.users["other_ent_admin"]), f"{url}/acknowledge", {}).status_code == 404
    assert post_json(client_for(world.users["expert"]), f"{url}/acknowledge", {}).status_code == 403
    assert (
        post_json(client_for(world.users["county_b"]), f"{url}/shelve", {"reason": "x", "minutes": 5}).status_code
        == 403
    )
    assert post_json(client_for(world.users["county_b"]), f"{url}/acknowledge", {}).status_code == 200


def test_statistics_rates_warnings_and_rejections(active_alarm, client_for, world):
    county = client_for(world.users["county_b"])
    stats = county.get("/api/v1/monitoring/stats?days=7").json()
    assert stats["total"] == 1 and stats["active"] == 1 and len(stats["per_day"]) == 7
    rates = county.get("/api/v1/monitoring/online-rates").json()
    assert rates["major_hazard_sources"]["denominator"] == 1
    assert rates["major_hazard_sources"]["numerator"] == 0  # 1 of 3 points reported: below 80 %
    assert rates["high_risk_enterprises"]["target"] == 80.0
    assert client_for(world.users["ent_staff"]).get("/api/v1/monitoring/stats").status_code == 403
    assert county.get("/api/v1/monitoring/stats?days=0").status_code == 422
    warnings = county.get("/api/v1/monitoring/warnings").json()
    assert [w["colour"] for w in warnings["items"]] == ["orange"]
    assert client_for(world.users["county_a"]).get("/api/v1/monitoring/warnings").json()["count"] == 0


def test_maintenance_windows_through_the_api(plant, client_for, world):
    admin = client_for(world.users["ent_admin"])
    start = timezone.now()
    created = post_json(
        admin,
        "/api/v1/monitoring/maintenance",
        {
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
            "reason": "储罐检修",
            "hazard_source": plant.source.pk,
        },
    )
    assert created.status_code == 201
    assert admin.get("/api/v1/monitoring/maintenance").json()["count"] == 1
    assert post_json(admin, f"/api/v1/monitoring/maintenance/{created.json()['id']}/cancel", {}).json()["cancelled_at"]
    assert (
        post_json(
            client_for(world.users["county_b"]),
            "/api/v1/monitoring/maintenance",
            {
                "enterprise": plant.enterprise.pk,
                "starts_at": start.isoformat(),
                "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
                "reason": "x",
            },
        ).status_code
        == 403
    )


def test_rejections_are_visible_to_the_enterprise_and_countable_by_the_county(plant, gateway, client_for, world):
    post_json(Client(), "/api/v1/readings", {"readings": [{"point": "NOPE", "ts": now_iso(5), "value": 1}]}, gateway)
    assert client_for(world.users["ent_admin"]).get("/api/v1/monitoring/rejections").json()["count"] == 1
    assert (
        client_for(world.users["county_b"]).get("/api/v1/monitoring/rejections?code=unknown_point").json()["count"] == 1
    )
    assert client_for(world.users["county_a"]).get("/api/v1/monitoring/rejections").json()["count"] == 0
    assert client_for(world.users["other_ent_admin"]).get("/api/v1/monitoring/rejections").json()["count"] == 0


def test_a_personal_token_cannot_be_bound_to_an_enterprise(world):
    from ansheng.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        do_create_token(acting_user=world.users["ent_admin"], name="x", enterprise=world.enterprises["chem_b"])
