"""The accident pages: who sees what, the report form with its errors, the steps' pages, statistics and export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from ansheng.accidents.models import Accident
from ansheng.accidents.tests.factories import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def accident(world):
    now = timezone.now()
    return report(
        world.users["ent_admin"],
        occurred=now - dt.timedelta(minutes=40),
        learned=now - dt.timedelta(minutes=30),
        now=now - dt.timedelta(minutes=20),
        deaths=1,
    )


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("ent_admin", 200),
        ("county_b", 200),
        ("city", 200),
        ("expert", 200),
        ("county_a", 404),
        ("other_ent_admin", 404),
        ("public", 404),
    ],
)
def test_the_accident_page_follows_the_jurisdiction(world, accident, client_for, persona, status):
    response = client_for(world.users[persona]).get(f"/accidents/{accident.pk}/")
    assert response.status_code == status
    if status == 200:
        assert accident.number in response.content.decode()


def test_the_county_sees_its_countdown_and_may_record_the_report(world, accident, client_for):
    page = client_for(world.users["county_b"]).get(f"/accidents/{accident.pk}/").content.decode()
    assert "县级应急管理部门" in page and "剩余 " in page and "记录上报" in page
    enterprise_page = client_for(world.users["ent_admin"]).get(f"/accidents/{accident.pk}/").content.decode()
    assert "记录上报" not in enterprise_page  # the county's link is not the unit's to record
    fragment = client_for(world.users["county_b"]).get(f"/accidents/{accident.pk}/?part=clock", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()


def test_an_enterprise_reports_through_the_form(world, client_for):
    client = client_for(world.users["ent_admin"])
    assert client.get("/accidents/report/").status_code == 200
    now = timezone.now()
    response = client.post(
        "/accidents/report/",
        {
            "occurred_at": local(now - dt.timedelta(minutes=30)),
            "learned_at": local(now - dt.timedelta(minutes=20)),
            "place": "罐区",
            "scene": "泄漏",
            "course": "阀门失效",
            "measures_taken": "堵漏",
            "deaths": "0",
            "serious_injuries": "1",
            "direct_loss": "20",
        },
    )
    accident = Accident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/accidents/{accident.pk}/"
    assert accident.enterprise == world.enterprises["chem_b"] and accident.serious_injuries == 1


def test_the_form_shows_what_is_wrong(world, client_for):
    now = timezone.now()
    response = client_for(world.users["ent_admin"]).post(
        "/accidents/report/",
        {
            "occurred_at": local(now + dt.timedelta(hours=2)),
            "learned_at": local(now + dt.timedelta(hours=3)),
            "place": "罐区",
            "scene": "泄漏",
            "course": "阀门失效",
            "measures_taken": "堵漏",
        },
    )
    assert response.status_code == 422
    assert "发生时间不能晚于现在" in response.content.decode()
    assert not Accident.objects.exists()


def test_a_bureau_names_an_unknown_enterprise(world, client_for):
    now = timezone.now()
    response = client_for(world.users["county_a"]).post(
        "/accidents/report/",
        {
            "enterprise_code": "91511102MA00000000",
            "county": "511102",
            "occurred_at": local(now),
            "learned_at": local(now),
            "place": "x",
            "scene": "x",
            "course": "x",
            "measures_taken": "x",
        },
    )
    assert response.status_code == 422 and "所选企业不存在或不在您的辖区内" in response.content.decode()


@pytest.mark.parametrize("persona", ["ent_staff", "inspector", "public"])
def test_only_reporters_open_the_report_form(world, client_for, persona):
    assert client_for(world.users[persona]).get("/accidents/report/").status_code in {403, 404}


def test_a_correction_through_its_page_regrades(world, accident, client_for):
    client = client_for(world.users["county_b"])
    assert client.get(f"/accidents/{accident.pk}/figures/").status_code == 200
    response = client.post(
        f"/accidents/{accident.pk}/figures/",
        {
            "deaths": "3",
            "missing": "0",
            "serious_injuries": "0",
            "poisonings": "0",
            "minor_injuries": "0",
            "direct_loss": "0",
            "reason": "两名伤员抢救无效死亡",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/accidents/{accident.pk}/").content.decode()
    assert "较大事故" in page and "两名伤员抢救无效死亡" in page
    refused = client.post(
        f"/accidents/{accident.pk}/figures/",
        {
            "deaths": "3",
            "missing": "0",
            "serious_injuries": "0",
            "poisonings": "0",
            "minor_injuries": "0",
            "direct_loss": "0",
            "reason": "重复",
        },
    )
    assert refused.status_code == 422 and "数字没有变化" in refused.content.decode()


def test_recording_a_link_through_its_page(world, accident, client_for):
    link = accident.steps.get(sender="county", recipient="city")
    client = client_for(world.users["county_b"])
    assert client.get(f"/accidents/{accident.pk}/steps/{link.pk}/").status_code == 200
    assert client.post(f"/accidents/{accident.pk}/steps/{link.pk}/", {"recipient_contact": "值班室"}).status_code == 302
    link.refresh_from_db()
    assert link.state == "done"
    assert (
        client_for(world.users["ent_admin"]).post(f"/accidents/{accident.pk}/steps/{link.pk}/", {}).status_code == 422
    )


def test_the_lifecycle_pages(world, accident, client_for):
    county = client_for(world.users["county_b"])
    for url in ["followup", "verify", "withdraw", "response-ended"]:
        assert county.get(f"/accidents/{accident.pk}/{url}/").status_code == 200
    assert (
        county.post(
            f"/accidents/{accident.pk}/verify/", {"sector": "chemicals", "category": "chem_production"}
        ).status_code
        == 302
    )
    assert county.get(f"/accidents/{accident.pk}/investigation/").status_code == 200
    assert county.post(f"/accidents/{accident.pk}/investigation/", {"led_by": "五通桥区人民政府"}).status_code == 302
    assert county.get(f"/accidents/{accident.pk}/investigation/report/").status_code == 200
    response = county.post(
        f"/accidents/{accident.pk}/investigation/report/",
        {
            "cause": "阀门老化",
            "nature": "liability",
            "resp-TOTAL_FORMS": "3",
            "resp-INITIAL_FORMS": "0",
            "resp-0-party": "李某",
            "resp-0-party_kind": "person",
            "resp-0-finding": "违章作业",
            "resp-0-handling": "internal",
            "measure-TOTAL_FORMS": "3",
            "measure-INITIAL_FORMS": "0",
            "measure-0-description": "更换阀门",
            "measure-0-responsible": "企业",
            "measure-0-due_on": "2027-01-31",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    accident.refresh_from_db()
    assert accident.status == "report_submitted" and accident.ordered_measures.count() == 1
    assert (
        county.post(f"/accidents/{accident.pk}/investigation/approve/", {"document": "五府函〔2026〕1号"}).status_code
        == 302
    )
    closing = county.post(f"/accidents/{accident.pk}/close/")
    assert closing.status_code == 302
    accident.refresh_from_db()
    assert accident.status == "approved"  # not all four checks hold yet


def test_the_list_filters_and_its_fragment(world, accident, client_for):
    client = client_for(world.users["city"])
    assert accident.number in client.get("/accidents/").content.decode()
    fragment = client.get("/accidents/?grade=2", HTTP_HX_REQUEST="true").content.decode()
    assert accident.number not in fragment and "<html" not in fragment
    assert accident.number not in client_for(world.users["county_a"]).get("/accidents/").content.decode()


def test_the_home_panel_lists_the_county_reports_due(world, accident, client_for):
    page = client_for(world.users["county_b"]).get("/").content.decode()
    assert 'data-testid="pending-steps"' in page and accident.unit_name in page
    assert 'data-testid="pending-steps"' not in client_for(world.users["county_a"]).get("/").content.decode()


def test_statistics_page_and_export(world, accident, client_for):
    client = client_for(world.users["city"])
    year = timezone.localdate().year
    page = client.get(f"/accidents/statistics/?region=511100&from={year}&to={year}")
    assert page.status_code == 200 and "化工和危险化学品" in page.content.decode()
    export = client.get(f"/accidents/statistics.xlsx?region=511100&from={year}&to={year}")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert sheet.cell(row=2, column=1).value == year and sheet.cell(row=2, column=2).value == 1
    assert client_for(world.users["ent_admin"]).get("/accidents/statistics/").status_code == 404
    assert client_for(world.users["county_a"]).get("/accidents/statistics/?region=511112").status_code == 404
