"""Monitoring pages: the wall, the alarm board and its actions (htmx), reports; allow and deny side by side."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ansheng.monitoring.models import Alarm, MaintenanceWindow

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def live(plant, readings):
    now = timezone.now()
    return plant.ingest([(now - dt.timedelta(seconds=age), code, value) for age, code, value in readings], now=now)


@pytest.fixture
def alarmed(plant):
    live(plant, [(30, "V101-LT", 5.0), (30, "GT-CL-01", 0.2), (30, "SIS-01", 0), (5, "V101-LT", 9.4)])
    return Alarm.objects.get()


def test_the_wall_shows_live_values_thresholds_and_the_alarm(plant, alarmed, client_for, world):
    page = client_for(world.users["county_b"]).get(f"/monitoring/sources/{plant.source.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "1#液氯储罐液位" in text and "9.4" in text and "高高报" in text and '<svg class="spark"' in text
    fragment = client_for(world.users["ent_staff"]).get(f"/monitoring/sources/{plant.source.pk}/", **HTMX)
    text = fragment.content.decode()
    assert text.startswith('<div id="tiles"') and 'hx-trigger="every 2s"' in text
    assert client_for(world.users["county_a"]).get(f"/monitoring/sources/{plant.source.pk}/").status_code == 404
    assert client_for(world.users["other_ent_admin"]).get(f"/monitoring/sources/{plant.source.pk}/").status_code == 404


def test_the_board_lists_alarms_and_polls(alarmed, client_for, world):
    page = client_for(world.users["county_b"]).get("/monitoring/alarms/")
    assert page.status_code == 200 and f'data-testid="alarm-{alarmed.pk}"' in page.content.decode()
    assert "every 2s" in page.content.decode()
    assert f"alarm-{alarmed.pk}" not in client_for(world.users["county_a"]).get("/monitoring/alarms/").content.decode()
    assert client_for(world.users["public"]).get("/monitoring/alarms/").status_code == 404
    assert (
        client_for(world.users["county_b"])
        .get("/monitoring/alarms/", **HTMX)
        .content.decode()
        .startswith('<div id="board"')
    )


def test_acknowledge_from_the_board_returns_the_refreshed_board(alarmed, client_for, world):
    client = client_for(world.users["ent_admin"])
    response = client.post(f"/monitoring/alarms/{alarmed.pk}/acknowledge/?state=open", {"from": "board"}, **HTMX)
    assert response.status_code == 200 and response.content.decode().startswith('<div id="board"')
    alarmed.refresh_from_db()
    assert alarmed.acknowledged
    again = client.post(f"/monitoring/alarms/{alarmed.pk}/acknowledge/", {"from": "board"}, **HTMX)
    assert "报警已确认" in again.content.decode()  # the refusal is shown on the board


def test_shelve_and_feedback_from_the_pages(plant, alarmed, client_for, world):
    client = client_for(world.users["ent_admin"])
    client.post(
        f"/monitoring/alarms/{alarmed.pk}/shelve/", {"from": "board", "minutes": "60", "reason": "标定"}, **HTMX
    )
    alarmed.refresh_from_db()
    assert alarmed.is_shelved()
    response = client.post(f"/monitoring/alarms/{alarmed.pk}/unshelve/")
    assert response.status_code == 302
    early = client.post(f"/monitoring/alarms/{alarmed.pk}/close/", {"cause": "a", "measures": "b"}, follow=True)
    assert "报警仍在持续" in early.content.decode()
    live(plant, [(0, "V101-LT", 5.0)])
    empty = client.post(f"/monitoring/alarms/{alarmed.pk}/close/", {"cause": "", "measures": ""}, follow=True)
    assert "请填写原因分析" in empty.content.decode()
    client.post(f"/monitoring/alarms/{alarmed.pk}/close/", {"cause": "进料阀内漏", "measures": "更换阀门"})
    alarmed.refresh_from_db()
    assert alarmed.closed_at and alarmed.cause == "进料阀内漏"
    detail = client_for(world.users["county_b"]).get(f"/monitoring/alarms/{alarmed.pk}/").content.decode()
    assert "进料阀内漏" in detail and "全过程记录" in detail and "已关闭（处置反馈）" in detail


def test_a_county_cannot_shelve_or_close_from_the_page(alarmed, client_for, world):
    client = client_for(world.users["county_b"])
    assert client.post(f"/monitoring/alarms/{alarmed.pk}/shelve/", {"minutes": "60", "reason": "x"}).status_code == 302
    alarmed.refresh_from_db()
    assert not alarmed.is_shelved()
    page = client.get(f"/monitoring/alarms/{alarmed.pk}/").content.decode()
    assert "确认报警" in page and "搁置原因" not in page
    assert client_for(world.users["county_a"]).post(f"/monitoring/alarms/{alarmed.pk}/acknowledge/").status_code == 404


def test_point_pages(plant, alarmed, client_for, world):
    admin = client_for(world.users["ent_admin"])
    assert "历史曲线" in admin.get(f"/monitoring/points/{plant.level.pk}/").content.decode()
    listing = admin.get("/monitoring/points/").content.decode()
    assert "V101-LT" in listing and "V101-LT-M" not in listing
    created = admin.post(
        "/monitoring/points/new/",
        {
            "code": "PT-201",
            "name": "2#罐压力",
            "kind": "pressure",
            "unit": "MPa",
            "range_min": "0",
            "range_max": "2.5",
            "h": "1.6",
            "hh": "1.8",
            "deadband": "0",
            "on_delay_s": "0",
            "severity_1": "warning",
            "severity_2": "major",
            "interval_s": "60",
            "in_service": "on",
        },
    )
    assert created.status_code == 302
    bad = admin.post(
        "/monitoring/points/new/",
        {
            "code": "PT-202",
            "name": "x",
            "kind": "pressure",
            "unit": "MPa",
            "range_min": "0",
            "range_max": "2.5",
            "h": "1.9",
            "hh": "1.8",
            "deadband": "0",
            "on_delay_s": "0",
            "severity_1": "warning",
            "severity_2": "major",
            "interval_s": "60",
        },
    )
    assert bad.status_code == 422 and "LL ≤ L ≤ H ≤ HH" in bad.content.decode()
    edit = admin.post(
        f"/monitoring/points/{plant.level.pk}/edit/",
        {
            "name": "1#液氯储罐液位",
            "hazard_source": plant.source.pk,
            "unit": "m",
            "range_min": "0",
            "range_max": "10",
            "l": "1",
            "h": "7.5",
            "hh": "9",
            "deadband": "0.2",
            "on_delay_s": "5",
            "severity_1": "warning",
            "severity_2": "major",
            "interval_s": "10",
            "in_service": "on",
        },
    )
    assert edit.status_code == 302
    plant.level.refresh_from_db()
    assert (plant.level.h, plant.level.on_delay_s, plant.level.code) == (7.5, 5, "V101-LT")
    assert client_for(world.users["ent_staff"]).get(f"/monitoring/points/{plant.level.pk}/edit/").status_code == 403
    assert client_for(world.users["county_a"]).get(f"/monitoring/points/{plant.level.pk}/").status_code == 404


def test_overview_enterprise_page_and_reports(plant, alarmed, client_for, world):
    county = client_for(world.users["county_b"])
    overview = county.get("/monitoring/overview/").content.decode()
    assert "一、二级重大危险源在线监测率" in overview and plant.enterprise.name in overview
    own = client_for(world.users["ent_admin"]).get("/monitoring/", follow=True).content.decode()
    assert "橙色预警" in own and "液氯储罐区" in own
    assert county.get(f"/monitoring/enterprises/{plant.enterprise.pk}/").status_code == 200
    assert client_for(world.users["county_a"]).get(f"/monitoring/enterprises/{plant.enterprise.pk}/").status_code == 404
    stats = county.get("/monitoring/stats/?days=7").content.decode()
    assert "确认用时中位数" in stats and "per-day-data" in stats
    online = county.get(f"/monitoring/online/?enterprise={plant.enterprise.pk}").content.decode()
    assert "V101-LT" in online
    assert client_for(world.users["ent_staff"]).get("/monitoring/stats/").status_code == 404


def test_rejections_page(plant, client_for, world):
    live(plant, [(5, "NOPE", 1.0)])
    assert "unknown_point" in client_for(world.users["ent_admin"]).get("/monitoring/rejections/").content.decode()
    county = client_for(world.users["county_b"]).get("/monitoring/rejections/").content.decode()
    assert 'data-testid="rejections-by-enterprise"' in county
    assert client_for(world.users["ent_staff"]).get("/monitoring/rejections/").status_code == 404


def test_gateway_page_shows_a_new_token_once_and_revokes(plant, client_for, world):
    client = client_for(world.users["ent_admin"])
    created = client.post("/monitoring/gateways/", {"action": "create", "name": "DCS"}).content.decode()
    assert 'data-testid="new-token"' in created and "ash_" in created
    assert "ash_" not in client.get("/monitoring/gateways/").content.decode().split('data-testid="gateway-tokens"')[0]
    from ansheng.core.models import ApiToken

    token = ApiToken.objects.get(kind="gateway")
    client.post("/monitoring/gateways/", {"action": "revoke", "token": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client_for(world.users["county_b"]).get("/monitoring/gateways/").status_code == 404
    assert client_for(world.users["ent_staff"]).get("/monitoring/gateways/").status_code == 404


def test_maintenance_page(plant, client_for, world):
    client = client_for(world.users["ent_admin"])
    start = timezone.localtime().replace(second=0, microsecond=0)
    response = client.post(
        "/monitoring/maintenance/",
        {
            "action": "create",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "检修",
            "hazard_source": plant.source.pk,
        },
    )
    assert response.status_code == 302
    window = MaintenanceWindow.objects.get()
    client.post("/monitoring/maintenance/", {"action": "cancel", "window": window.pk})
    window.refresh_from_db()
    assert window.cancelled_at is not None
    county = client_for(world.users["county_b"]).get("/monitoring/maintenance/").content.decode()
    assert "检修" in county and "<h2>登记维护窗口</h2>" not in county


def test_home_panels(plant, alarmed, client_for, world):
    assert 'data-testid="monitoring-panel"' in client_for(world.users["ent_admin"]).get("/").content.decode()
    city = client_for(world.users["city"]).get("/").content.decode()
    assert "高危企业在线监测率" in city and 'data-testid="hazards-panel"' in city


def test_anonymous_visitors_are_sent_to_sign_in(plant):
    from django.test import Client

    assert Client().get("/monitoring/alarms/").status_code == 302
