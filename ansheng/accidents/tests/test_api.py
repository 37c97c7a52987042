"""The accident API, allow and deny side by side for every persona; 404 outside the jurisdiction."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from ansheng.accidents.tests.factories import REPORT, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def accident(world):
    now = timezone.now()
    return report(
        world.users["ent_admin"],
        occurred=now - dt.timedelta(hours=2),
        learned=now - dt.timedelta(hours=1, minutes=50),
        now=now - dt.timedelta(hours=1, minutes=40),
        deaths=1,
        serious_injuries=2,
    )


def call(api_client, bearer, user, method, url, body=None):
    """As ``user``: by bearer token, or by session for the public (who may not hold tokens)."""
    if user.role == "public":
        api_client.force_login(user)
        headers = {}
    else:
        headers = bearer(user)
    if body is None:
        return getattr(api_client, method)(url, **headers)
    return getattr(api_client, method)(
        url, data=json.dumps(body, default=str), content_type="application/json", **headers
    )


@pytest.mark.parametrize(
    ("persona", "count"),
    [
        ("ent_admin", 1),
        ("ent_staff", 1),
        ("other_ent_admin", 0),
        ("county_b", 1),
        ("county_a", 0),
        ("city", 1),
        ("inspector", 1),
        ("expert", 1),
        ("dept_transport", 0),
        ("public", 0),
    ],
)
def test_the_list_is_the_jurisdiction(world, accident, api_client, bearer, persona, count):
    response = call(api_client, bearer, world.users[persona], "get", "/api/v1/accidents")
    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("ent_admin", 200),
        ("county_b", 200),
        ("city", 200),
        ("county_a", 404),
        ("other_ent_admin", 404),
        ("public", 404),
        ("dept_transport", 404),
    ],
)
def test_one_accident(world, accident, api_client, bearer, persona, status):
    response = call(api_client, bearer, world.users[persona], "get", f"/api/v1/accidents/{accident.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["number"] == accident.number and body["grade_label"] == "一般"
        steps = {(s["sender"], s["recipient"]): s for s in body["steps"]}
        assert steps[("county", "city")]["seconds_left"] > 0 and steps[("enterprise", "county")]["state"] == "done"
    else:
        assert response.json()["code"] == "not_found"


def test_unauthenticated_callers_get_401(world, accident, api_client):
    assert api_client.get("/api/v1/accidents").status_code == 401
    assert api_client.get("/api/v1/accidents/statistics").status_code == 401


def _payload(**extra):
    now = timezone.now()
    return {
        **REPORT,
        "occurred_at": (now - dt.timedelta(minutes=30)).isoformat(),
        "learned_at": (now - dt.timedelta(minutes=20)).isoformat(),
        "deaths": 1,
        **extra,
    }


@pytest.mark.parametrize(
    ("persona", "extra", "status", "code"),
    [
        ("ent_admin", {}, 201, None),
        ("county_a", {"county": "511102", "unit_name": "某单位"}, 201, None),
        ("county_a", {"county": "511112", "unit_name": "某单位"}, 422, "outside_jurisdiction"),
        ("ent_staff", {}, 403, "permission_denied"),
        ("public", {}, 403, "permission_denied"),
        ("dept_transport", {"county": "511102", "unit_name": "某单位"}, 403, "permission_denied"),
        ("ent_admin", {"deaths": -1}, 422, "out_of_range"),
        ("ent_admin", {"type_2025": "WSA99999"}, 422, "invalid_wsa_code"),
    ],
)
def test_reporting(world, api_client, bearer, persona, extra, status, code):
    response = call(api_client, bearer, world.users[persona], "post", "/api/v1/accidents", _payload(**extra))
    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code
    else:
        assert response.json()["status"] == "reported"


def test_a_report_without_its_time_or_in_bad_json(world, api_client, bearer):
    headers = bearer(world.users["ent_admin"])
    response = api_client.post("/api/v1/accidents", data="{", content_type="application/json", **headers)
    assert response.status_code in {400, 422} and response.json()["code"] == "malformed_json"
    payload = _payload()
    del payload["occurred_at"]
    response = call(api_client, bearer, world.users["ent_admin"], "post", "/api/v1/accidents", payload)
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("required", "occurred_at")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("county_b", 200), ("ent_admin", 200), ("county_a", 404), ("inspector", 403), ("expert", 403)],
)
def test_correcting_figures(world, accident, api_client, bearer, persona, status):
    response = call(
        api_client,
        bearer,
        world.users[persona],
        "post",
        f"/api/v1/accidents/{accident.pk}/figures",
        {"changes": {"deaths": 3}, "reason": "伤者死亡"},
    )
    assert response.status_code == status
    if status == 200:
        assert response.json()["grade"] == 2 and response.json()["figure_changes"][0]["reason"] == "伤者死亡"


def test_a_correction_after_the_window_is_a_conflict(world, api_client, bearer):
    old = timezone.now() - dt.timedelta(days=40)
    accident = report(world.users["ent_admin"], occurred=old, now=old + dt.timedelta(minutes=30), deaths=1)
    response = call(
        api_client,
        bearer,
        world.users["county_b"],
        "post",
        f"/api/v1/accidents/{accident.pk}/figures",
        {"changes": {"deaths": 3}, "reason": "迟到"},
    )
    assert response.status_code == 409 and response.json()["code"] == "recount_window_closed"


def test_recording_a_link_and_the_level_that_may(world, accident, api_client, bearer):
    link = accident.steps.get(sender="county", recipient="city")
    url = f"/api/v1/accidents/{accident.pk}/steps/{link.pk}"
    denied = call(api_client, bearer, world.users["ent_admin"], "post", url, {"recipient_contact": "x"})
    assert denied.status_code == 403 and denied.json()["code"] == "not_your_level"
    hidden = call(api_client, bearer, world.users["county_a"], "post", url, {})
    assert hidden.status_code == 404
    done = call(api_client, bearer, world.users["county_b"], "post", url, {"recipient_contact": "市局值班室"})
    assert done.status_code == 200 and done.json()["state"] == "done" and done.json()["late_seconds"] is None


def test_follow_ups_and_verification(world, accident, api_client, bearer):
    followup = call(
        api_client,
        bearer,
        world.users["ent_admin"],
        "post",
        f"/api/v1/accidents/{accident.pk}/followups",
        {"text": "伤员情况稳定"},
    )
    assert followup.status_code == 201 and followup.json()["text"] == "伤员情况稳定"
    assert (
        call(
            api_client, bearer, world.users["ent_admin"], "post", f"/api/v1/accidents/{accident.pk}/verify", {}
        ).status_code
        == 403
    )
    verified = call(
        api_client,
        bearer,
        world.users["county_b"],
        "post",
        f"/api/v1/accidents/{accident.pk}/verify",
        {"type_2025": "WSA10023"},
    )
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    again = call(api_client, bearer, world.users["county_b"], "post", f"/api/v1/accidents/{accident.pk}/verify", {})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


@pytest.mark.parametrize(
    ("persona", "query", "status"),
    [
        ("city", "region=511100&from=2025&to=2026", 200),
        ("county_b", "region=511112&from=2026&to=2026", 200),
        ("county_b", "from=2026&to=2026", 200),
        ("county_a", "region=511112&from=2026&to=2026", 404),
        ("county_a", "region=511100", 404),
        ("inspector", "region=511100", 200),
        ("dept_transport", "region=511100", 200),
        ("ent_admin", "region=511112", 403),
        ("public", "region=511100", 403),
        ("city", "region=511100&from=2026&to=2020", 422),
        ("city", "region=511100&from=abc", 422),
    ],
)
def test_statistics_allow_and_deny(world, accident, api_client, bearer, persona, query, status):
    response = call(api_client, bearer, world.users[persona], "get", f"/api/v1/accidents/statistics?{query}")
    assert response.status_code == status, response.content


def test_statistics_per_year_with_grades_keyed_in_chinese(world, accident, api_client, bearer):
    year = timezone.localdate().year
    body = call(
        api_client,
        bearer,
        world.users["city"],
        "get",
        f"/api/v1/accidents/statistics?region=511100&from={year - 1}&to={year}",
    ).json()
    assert body["region"] == "511100" and body["count"] == 2
    last, this = body["items"]
    assert (last["year"], last["accidents"]) == (year - 1, 0)
    assert (this["accidents"], this["deaths"], this["serious_injuries"]) == (1, 1, 2)
    assert this["by_grade"] == {"一般": 1, "较大": 0, "重大": 0, "特别重大": 0}
    assert this["by_sector"] == {"chemicals": {"accidents": 1, "deaths": 1, "serious_injuries": 2}}
    assert this["provisional"] == 1 and "direct_loss_10k_yuan" in this


def test_the_openapi_document_describes_the_new_routes(api_client):
    paths = api_client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/accidents/statistics" in paths and "/api/v1/plans/{code}/indicators" in paths
    assert "/api/v1/statistics/inputs" in paths
