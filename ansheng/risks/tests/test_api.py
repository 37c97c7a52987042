"""The API: jurisdiction-scoped lists with filters, writes through the services, refusals side by side."""

import datetime as dt
import json

import pytest
import time_machine

from ansheng.risks import services
from ansheng.risks.models import Occurrence
from ansheng.risks.schedule import SHANGHAI
from ansheng.risks.tests.factories import risk_point, task

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_risk_events_are_scoped_and_filtered(world, client_for):
    _obj, _u, major, _m = risk_point(world, level="major")
    _obj2, _u2, general, _m2 = risk_point(world, code="RP-02", name="氯碱电解装置", level="general")
    risk_point(world, code="MINE-1", name="非煤矿山采场", user="other_ent_admin", enterprise="mine_a", level="general")
    county_b = client_for(world.users["county_b"])
    body = county_b.get("/api/v1/risk-events").json()
    assert body["count"] == 2
    item = body["items"][0]
    assert {"id", "enterprise", "county", "level", "colour", "control_level"} <= set(item)
    assert county_b.get("/api/v1/risk-events?level=重大").json()["count"] == 1
    assert county_b.get("/api/v1/risk-events?colour=yellow").json()["items"][0]["id"] == general.pk
    assert county_b.get("/api/v1/risk-events?colour=红").json()["items"][0]["id"] == major.pk
    assert county_b.get("/api/v1/risk-events?county=511102").json()["count"] == 0
    bad = county_b.get("/api/v1/risk-events?level=purple")
    assert bad.status_code == 422 and bad.json()["field"] == "level"
    assert client_for(world.users["city"]).get("/api/v1/risk-events").json()["count"] == 3
    assert client_for(world.users["county_a"]).get("/api/v1/risk-events").json()["count"] == 1
    assert client_for(world.users["county_a"]).get(f"/api/v1/risk-events/{major.pk}").status_code == 404
    # The transport department regulates neither the chemical plant nor the mine.
    assert client_for(world.users["dept_transport"]).get("/api/v1/risk-events").json()["count"] == 0
    assert client_for(world.users["public"]).get("/api/v1/risk-events").json()["count"] == 0
    assert client_for(world.users["other_ent_admin"]).get("/api/v1/risk-events").json()["count"] == 1


def test_create_point_unit_event_assess_and_measure_over_the_api(world, client_for):
    admin = client_for(world.users["ent_admin"])
    created = post(
        admin,
        "/api/v1/risk-objects",
        {"kind": "place", "code": "DUST-1", "name": "粉尘涉爆车间", "responsible_name": "张伟"},
    )
    assert created.status_code == 201, created.content
    obj = created.json()
    assert obj["level"] == ""
    unit = post(admin, f"/api/v1/risk-objects/{obj['id']}/units", {"name": "抛光除尘系统"})
    assert unit.status_code == 201
    event = post(
        admin,
        f"/api/v1/risk-objects/{obj['id']}/events",
        {
            "unit": unit.json()["id"],
            "description": "铝粉尘云遇点火源爆炸",
            "accident_type": "WSA10018",
            "hazard_factors": ["2"],
            "consequence": "多人伤亡",
        },
    )
    assert event.status_code == 201, event.content
    event_id = event.json()["id"]
    assessed = post(
        admin,
        f"/api/v1/risk-events/{event_id}/assessments",
        {"stage": "inherent", "method": "LS", "factors": {"L": 4, "S": 5}},
    )
    assert assessed.status_code == 201, assessed.content
    assert (assessed.json()["level"], assessed.json()["colour"]) == ("major", "red")
    bad = post(
        admin,
        f"/api/v1/risk-events/{event_id}/assessments",
        {"stage": "inherent", "method": "LS", "factors": {"L": 7, "S": 5}},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "value_not_in_table"
    measure = post(
        admin,
        f"/api/v1/risk-events/{event_id}/measures",
        {"kind": "engineering", "description": "湿式除尘，泄爆片", "responsible_name": "张伟"},
    )
    assert measure.status_code == 201 and measure.json()["control_level"] == "公司"
    # Refusals: staff cannot define; a supervisor cannot write; another enterprise sees nothing.
    staff = client_for(world.users["ent_staff"])
    assert (
        post(
            staff, "/api/v1/risk-objects", {"kind": "place", "code": "X", "name": "X", "responsible_name": "X"}
        ).status_code
        == 403
    )
    assert (
        post(
            client_for(world.users["county_b"]),
            f"/api/v1/risk-events/{event_id}/measures",
            {"kind": "engineering", "description": "x", "responsible_name": "x"},
        ).status_code
        == 403
    )
    assert (
        post(
            client_for(world.users["other_ent_admin"]),
            f"/api/v1/risk-events/{event_id}/measures",
            {"kind": "engineering", "description": "x", "responsible_name": "x"},
        ).status_code
        == 404
    )
    dup = post(
        admin, "/api/v1/risk-objects", {"kind": "place", "code": "DUST-1", "name": "重复", "responsible_name": "张伟"}
    )
    assert dup.status_code == 422 and dup.json()["field"] == "code"


def test_inspection_over_the_api_and_rates(world, client_for):
    obj, *_ = risk_point(world, level="general")
    task(world, obj, starts_on=dt.date(2026, 11, 1))
    staff = client_for(world.users["ent_staff"])
    with time_machine.travel(dt.datetime(2026, 11, 3, 10, tzinfo=SHANGHAI), tick=False):
        services.generate_occurrences()
        services.sweep_missed()
        listed = staff.get("/api/v1/inspections?status=pending").json()
        assert listed["count"] == 1
        occurrence_id = listed["items"][0]["id"]
        wrong = post(staff, f"/api/v1/inspections/{occurrence_id}/complete", {"answers": [{"result": "ok"}]})
        assert wrong.status_code == 422 and wrong.json()["code"] == "answers_incomplete"
        done = post(
            staff,
            f"/api/v1/inspections/{occurrence_id}/complete",
            {"answers": [{"result": "ok"}, {"result": "na"}, {"result": "ok"}]},
        )
        assert done.status_code == 200 and done.json()["status"] == "done"
        again = post(
            staff,
            f"/api/v1/inspections/{occurrence_id}/complete",
            {"answers": [{"result": "ok"}, {"result": "na"}, {"result": "ok"}]},
        )
        assert again.status_code == 409
        rates = (
            client_for(world.users["county_b"]).get("/api/v1/inspections/rates?start=2026-11-01&end=2026-11-03").json()
        )
    # 1 and 2 November missed, 3 November done: 1 / 3. Two operating enterprises in 五通桥, one identified.
    assert (rates["occurrences_done"], rates["occurrences_missed"], rates["occurrences_overdue"]) == (1, 2, 0)
    assert rates["inspection_completion"] == pytest.approx(1 / 3, abs=1e-4)
    assert (rates["identified_enterprises"], rates["active_enterprises"]) == (1, 2)
    assert rates["identification_coverage"] == 0.5
    assert Occurrence.objects.filter(status="missed").count() == 2
    # Without the coverage (the overview's monthly series): the same completion, no coverage figures.
    from ansheng.risks.stats import rates as risk_rates

    with time_machine.travel(dt.datetime(2026, 11, 3, 10, tzinfo=SHANGHAI), tick=False):
        lean = risk_rates(world.users["county_b"], start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 3), coverage=False)
    assert lean["inspection_completion"] == pytest.approx(1 / 3, abs=1e-4)
    assert (lean["identified_enterprises"], lean["identification_coverage"], lean["active_enterprises"]) == (
        None,
        None,
        2,
    )


def test_department_supervisors_see_the_sectors_they_regulate(world, client_for):
    from ansheng.core.choices import Role
    from ansheng.core.services import do_create_user

    builder = world.enterprises["builder_b"]  # construction, naming the transport department among its regulators
    do_create_user(
        acting_user=None,
        username="builder_admin",
        password="Correct-Horse-42",
        role=Role.ENTERPRISE_ADMIN,
        enterprise=builder,
        check_password=False,
    )
    from ansheng.core.models import User

    world.users["builder_admin"] = User.objects.get(username="builder_admin")
    risk_point(world, code="C-1", name="塔吊作业", user="builder_admin", enterprise="builder_b", level="general")
    risk_point(world, level="major")
    transport = client_for(world.users["dept_transport"]).get("/api/v1/risk-events").json()
    assert [item["enterprise"] for item in transport["items"]] == [builder.pk]
    assert client_for(world.users["county_b"]).get("/api/v1/risk-events").json()["count"] == 2


def test_tasks_can_be_deactivated_and_posts_listed_over_the_api(world, client_for):
    obj, *_ = risk_point(world)
    t = task(world, obj, starts_on=dt.date(2026, 11, 1))
    admin = client_for(world.users["ent_admin"])
    url = f"/api/v1/inspections/tasks/{t.pk}"
    patch = admin.patch(url, data=json.dumps({"is_active": False}), content_type="application/json")
    assert patch.status_code == 200 and patch.json()["is_active"] is False
    staff = client_for(world.users["ent_staff"])
    assert staff.patch(url, data=json.dumps({"is_active": True}), content_type="application/json").status_code == 403
    other = client_for(world.users["other_ent_admin"])
    assert other.patch(url, data=json.dumps({"is_active": True}), content_type="application/json").status_code == 404
    bad = admin.patch(url, data=json.dumps({"cycle": "holiday"}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "ends_on"
    created = post(admin, "/api/v1/risk-posts", {"name": "液氯充装工", "risk_objects": [obj.pk]})
    assert created.status_code == 201 and created.json()["risk_objects"] == [obj.pk]
    foreign = risk_point(world, code="M-1", name="采场", user="other_ent_admin", enterprise="mine_a")[0]
    refused = post(admin, "/api/v1/risk-posts", {"name": "采场工", "risk_objects": [foreign.pk]})
    assert refused.status_code == 422 and refused.json()["field"] == "risk_objects"
    assert client_for(world.users["county_a"]).get("/api/v1/risk-posts").json()["count"] == 0
    assert client_for(world.users["county_b"]).get("/api/v1/risk-posts").json()["count"] == 1
