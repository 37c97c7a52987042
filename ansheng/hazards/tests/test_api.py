"""The hazard-source API and pages: allow and deny side by side, 404 outside the jurisdiction."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def source(world, client_for):
    admin = client_for(world.users["ent_admin"])
    created = post(
        admin,
        "/api/v1/hazard-sources",
        {"code": "HS-01", "name": "液氯储罐区", "unit_kind": "storage", "people_within_500m": 120},
    )
    assert created.status_code == 201, created.json()
    body = post(
        admin, f"/api/v1/hazard-sources/{created.json()['id']}/substances", {"query": "液氯", "max_quantity_t": "90"}
    )
    assert body.status_code == 201, body.json()
    return body.json()


def test_the_enterprise_registers_a_unit_and_sees_its_grading(source):
    assert (source["grade"], source["is_major"], source["s"], source["r"]) == (1, True, "18.0000", "144.0000")
    substance = source["substances"][0]
    assert (substance["name"], substance["ratio"], substance["weighted"], substance["beta"]) == (
        "氯",
        "18.0000",
        "72.0000",
        "4.00",
    )
    assert any("包保责任人" in p for p in source["submission_problems"])


def test_list_and_summary_by_grade_within_the_jurisdiction(source, client_for, world):
    county = client_for(world.users["county_b"])
    listing = county.get("/api/v1/hazard-sources?major=true&grade=1").json()
    assert listing["count"] == 1 and listing["items"][0]["county"] == "511112"
    summary = county.get("/api/v1/hazard-sources/summary").json()
    assert summary["total"] == 1 and summary["counties"][0]["counts"] == [1, 0, 0, 0]
    assert client_for(world.users["county_a"]).get("/api/v1/hazard-sources").json()["count"] == 0
    assert client_for(world.users["county_a"]).get(f"/api/v1/hazard-sources/{source['id']}").status_code == 404
    assert client_for(world.users["other_ent_admin"]).get("/api/v1/hazard-sources").json()["count"] == 0
    assert client_for(world.users["public"]).get("/api/v1/hazard-sources").json()["count"] == 0


def test_changes_are_the_enterprises_and_refused_to_others(source, client_for, world):
    url = f"/api/v1/hazard-sources/{source['id']}"
    body = {"name": "改名"}
    assert client_for(world.users["county_b"]).patch(url, json.dumps(body), "application/json").status_code == 403
    assert client_for(world.users["ent_staff"]).patch(url, json.dumps(body), "application/json").status_code == 403
    assert client_for(world.users["county_a"]).patch(url, json.dumps(body), "application/json").status_code == 404
    changed = (
        client_for(world.users["ent_admin"])
        .patch(url, json.dumps({"people_within_500m": 0}), "application/json")
        .json()
    )
    assert (changed["alpha"], changed["r"], changed["grade"]) == ("0.50", "36.0000", 3)
    bad = post(client_for(world.users["ent_admin"]), f"{url}/substances", {"query": "unobtainium", "max_quantity_t": 1})
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (422, "unknown_substance", "query")


def test_persons_checks_evaluations_and_registration_through_the_api(source, client_for, world):
    admin = client_for(world.users["ent_admin"])
    url = f"/api/v1/hazard-sources/{source['id']}"
    for duty in ("principal", "technical", "operating"):
        response = admin.put(f"{url}/persons/{duty}", json.dumps({"name": f"{duty}-人"}), "application/json")
        assert response.status_code == 200 and response.json()["due_state"] in {"ok", "due_soon"}
    check = post(
        client_for(world.users["ent_staff"]),
        f"{url}/checks",
        {"duty": "operating", "checked_on": timezone.localdate().isoformat(), "result": "normal"},
    )
    assert check.status_code == 201
    assert (
        post(
            admin,
            f"{url}/evaluations",
            {"report_no": "R-1", "agency": "评价所", "evaluated_on": timezone.localdate().isoformat()},
        ).status_code
        == 201
    )
    submitted = post(admin, f"{url}/registration/submit", {})
    assert submitted.json()["registration_status"] == "submitted"
    again = post(admin, f"{url}/registration/submit", {})
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    assert post(admin, f"{url}/registration/accept", {}).status_code == 403
    accepted = post(client_for(world.users["county_b"]), f"{url}/registration/accept", {})
    assert accepted.json()["registration_status"] == "registered"


def test_hazard_pages(source, client_for, world):
    county = client_for(world.users["county_b"])
    listing = county.get("/hazards/").content.decode()
    assert 'data-testid="grade-matrix"' in listing and "液氯储罐区" in listing
    detail = county.get(f"/hazards/{source['id']}/").content.decode()
    assert "144.00" in detail and "一级" in detail and "包保责任人" in detail
    assert client_for(world.users["county_a"]).get(f"/hazards/{source['id']}/").status_code == 404
    admin = client_for(world.users["ent_admin"])
    assert "添加危险化学品" in admin.get(f"/hazards/{source['id']}/").content.decode()
    added = admin.post(f"/hazards/{source['id']}/substances/new/", {"query": "氢", "max_quantity_t": "2"})
    assert added.status_code == 302
    bad = admin.post(f"/hazards/{source['id']}/substances/new/", {"query": "氢", "max_quantity_t": "2"})
    assert bad.status_code == 422 and "该单元已登记" in bad.content.decode()
    person = admin.post(f"/hazards/{source['id']}/persons/principal/", {"name": "王总", "cycle_days": ""})
    assert person.status_code == 302
    check = client_for(world.users["ent_staff"]).post(
        f"/hazards/{source['id']}/checks/principal/new/",
        {"checked_on": timezone.localdate().isoformat(), "result": "issues", "findings": ""},
    )
    assert check.status_code == 422 and "发现问题时请填写检查情况" in check.content.decode()
    assert client_for(world.users["county_b"]).get(f"/hazards/{source['id']}/edit/").status_code == 403
    created = admin.post(
        "/hazards/new/",
        {"code": "HS-02", "name": "甲醇罐区", "unit_kind": "storage", "status": "in_use", "people_within_500m": "10"},
    )
    assert created.status_code == 302
    refused = admin.post(f"/hazards/{source['id']}/registration/submit/", follow=True)
    assert "缺少包保责任人" in refused.content.decode() or "提交备案" in refused.content.decode()
