"""The HTTP API: jurisdiction-scoped list with its filters, every transition, allow and deny side by side."""

from __future__ import annotations

import datetime as dt

import pytest

from ansheng.dangers.models import HiddenDanger
from ansheng.dangers.tests.helpers import PLAN, photo, today, walk

pytestmark = pytest.mark.django_db
BASE = "/api/v1/hidden-dangers"


def test_the_list_is_scoped_to_the_jurisdiction_and_carries_the_contract_fields(world, api_client, bearer):
    major = walk(world, "assigned", grade="major")
    walk(world, "closed")
    body = api_client.get(BASE, **bearer(world.users["county_b"])).json()
    assert body["count"] == 2
    item = next(i for i in body["items"] if i["id"] == major.pk)
    assert {"id", "enterprise", "county", "grade", "state", "deadline", "overdue"} <= set(item)
    assert (item["grade"], item["state"], item["county"], item["overdue"]) == ("重大", "assigned", "511112", False)
    assert item["enterprise"] == world.enterprises["chem_b"].pk
    assert api_client.get(BASE, **bearer(world.users["county_a"])).json()["count"] == 0
    assert api_client.get(BASE, **bearer(world.users["other_ent_admin"])).json()["count"] == 0
    assert api_client.get(BASE, **bearer(world.users["city"])).json()["count"] == 2


def test_the_list_filters(world, api_client, bearer):
    major = walk(world, "rectifying", grade="major")
    general = walk(world, "rectifying")
    HiddenDanger.objects.filter(pk=major.pk).update(deadline=today() - dt.timedelta(days=2))
    auth = bearer(world.users["city"])

    def ids(**params):
        response = api_client.get(BASE, params, **auth)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert ids(grade="重大") == {major.pk} == ids(grade="major")
    assert ids(grade="一般") == {general.pk}
    assert ids(overdue="true") == {major.pk}
    assert ids(overdue="false") == {general.pk}
    assert ids(state="rectifying") == {major.pk, general.pk}
    assert ids(state="closed") == set()
    assert ids(county="511112") == {major.pk, general.pk}
    assert ids(county="511102") == set()
    assert ids(enterprise=world.enterprises["chem_b"].pk) == {major.pk, general.pk}
    assert ids(grade="重大", overdue="true", county="511112") == {major.pk}
    overdue = api_client.get(BASE, {"overdue": "true"}, **auth).json()["items"][0]
    assert overdue["overdue"] is True and overdue["days_overdue"] == 2 and overdue["responsible_name"] == "ent_staff"
    bad = api_client.get(BASE, {"grade": "较大"}, **auth)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_choice"
    assert api_client.get(BASE, {"state": "nonsense"}, **auth).status_code == 422


def test_the_whole_loop_over_http(world, api_client, bearer):
    staff, admin = bearer(world.users["ent_staff"]), bearer(world.users["ent_admin"])
    created = api_client.post(
        BASE, {"description": "配电室门口堆放纸箱", "location": "配电室", "photos": [photo()]}, **staff
    )
    assert created.status_code == 201, created.content
    danger = created.json()
    assert danger["state"] == "reported" and danger["enterprise"] == world.enterprises["chem_b"].pk
    assert len(danger["photos"]) == 1
    pk = danger["id"]
    photo_url = danger["photos"][0]["url"]
    assert api_client.get(photo_url, **staff).status_code == 200
    assert api_client.get(photo_url, **bearer(world.users["county_a"])).status_code == 404
    assert api_client.get(photo_url, **bearer(world.users["other_ent_admin"])).status_code == 404

    graded = api_client.post(f"{BASE}/{pk}/grade", {"grade": "一般"}, content_type="application/json", **staff)
    assert graded.status_code == 403
    graded = api_client.post(f"{BASE}/{pk}/grade", {"grade": "一般"}, content_type="application/json", **admin)
    assert graded.json()["grade"] == "一般"
    deadline = (today() + dt.timedelta(days=7)).isoformat()
    assigned = api_client.post(
        f"{BASE}/{pk}/assign",
        {"responsible": world.users["ent_staff"].pk, "deadline": deadline},
        content_type="application/json",
        **admin,
    )
    assert assigned.status_code == 200 and assigned.json()["deadline"] == deadline
    wrong = api_client.post(f"{BASE}/{pk}/start", **admin)
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_person"
    assert api_client.post(f"{BASE}/{pk}/start", **staff).json()["state"] == "rectifying"
    missing = api_client.post(f"{BASE}/{pk}/submit", {"description": "已清理"}, **staff)
    assert missing.status_code == 422 and missing.json()["code"] == "missing_photo"
    submitted = api_client.post(f"{BASE}/{pk}/submit", {"description": "已清理", "photos": [photo()]}, **staff)
    assert submitted.json()["state"] == "submitted"
    own = api_client.post(f"{BASE}/{pk}/accept", {}, content_type="application/json", **staff)
    assert own.status_code == 403 and own.json()["code"] == "rectifier_cannot_accept"
    accepted = api_client.post(f"{BASE}/{pk}/accept", {"note": "合格"}, content_type="application/json", **admin)
    assert accepted.json()["state"] == "accepted"
    again = api_client.post(f"{BASE}/{pk}/accept", {}, content_type="application/json", **admin)
    assert again.status_code == 409 and again.json()["code"] == "wrong_state"
    closed = api_client.post(f"{BASE}/{pk}/close", {}, content_type="application/json", **admin)
    assert closed.json()["state"] == "closed"


def test_a_major_assignment_without_a_plan_is_refused_over_http(world, api_client, bearer):
    danger = walk(world, "graded", grade="major")
    admin = bearer(world.users["ent_admin"])
    body = {"responsible": world.users["ent_staff"].pk, "deadline": (today() + dt.timedelta(days=30)).isoformat()}
    refused = api_client.post(f"{BASE}/{danger.pk}/assign", body, content_type="application/json", **admin)
    assert refused.status_code == 422 and refused.json()["code"] == "missing_plan"
    assert len(refused.json()["errors"]) == 6
    ok = api_client.post(f"{BASE}/{danger.pk}/assign", {**body, "plan": PLAN}, content_type="application/json", **admin)
    assert ok.status_code == 200 and ok.json()["plan"]["funds"] == PLAN["funds"]


def test_supervision_extension_and_review_over_http(world, api_client, bearer):
    danger = walk(world, "rectifying", grade="major")
    county = bearer(world.users["county_b"])
    due = (today() + dt.timedelta(days=30)).isoformat()
    denied = api_client.post(
        f"{BASE}/{danger.pk}/supervision",
        {"due": due},
        content_type="application/json",
        **bearer(world.users["county_a"]),
    )
    assert denied.status_code == 404
    ok = api_client.post(f"{BASE}/{danger.pk}/supervision", {"due": due}, content_type="application/json", **county)
    assert ok.json()["supervised"] is True and ok.json()["supervision_due"] == due
    extension = api_client.post(
        f"{BASE}/{danger.pk}/extensions",
        {"new_deadline": (today() + dt.timedelta(days=50)).isoformat(), "reason": "备件到货延迟"},
        content_type="application/json",
        **bearer(world.users["ent_staff"]),
    )
    assert extension.status_code == 201
    answer = api_client.post(
        f"{BASE}/extensions/{extension.json()['id']}/answer",
        {"approve": True},
        content_type="application/json",
        **county,
    )
    assert answer.status_code == 200 and answer.json()["status"] == "approved"
    assert (
        api_client.get(f"{BASE}/{danger.pk}", **county).json()["deadline"]
        == (today() + dt.timedelta(days=50)).isoformat()
    )


def test_unknown_fields_and_anonymous_callers_are_refused(world, api_client, bearer):
    danger = walk(world, "reported")
    odd = api_client.post(
        f"{BASE}/{danger.pk}/grade",
        {"grade": "一般", "colour": "red"},
        content_type="application/json",
        **bearer(world.users["ent_admin"]),
    )
    assert odd.status_code == 422
    assert api_client.get(BASE).status_code == 401
    assert api_client.get(f"{BASE}/{danger.pk}", **bearer(world.users["county_a"])).status_code == 404
