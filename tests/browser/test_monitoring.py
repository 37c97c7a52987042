"""Monitoring in a real browser, in Chinese: a reading above HH shows on the wall and the alarm board (without a
reload); the enterprise acknowledges it and closes it with its handling feedback; an alarm nobody acknowledges
escalates to the county's board."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plant(world):
    from ansheng.monitoring.ingest import directory
    from ansheng.monitoring.tests.conftest import make_plant

    directory.invalidate()
    return make_plant(world)


def send(plant, code, value, seconds_ago=0.0):
    moment = timezone.now() - dt.timedelta(seconds=seconds_ago)
    return plant.ingest([(moment, code, value)], now=timezone.now())


def test_a_reading_above_hh_shows_on_the_wall_and_the_board_and_is_handled(plant, page, login, live_server):
    send(plant, "V101-LT", 5.0, seconds_ago=20)
    send(plant, "GT-CL-01", 0.1, seconds_ago=20)
    login(page, "ent_admin")
    page.goto(f"{live_server.url}/monitoring/sources/{plant.source.pk}/")
    tile = page.get_by_test_id("tile-V101-LT")
    expect(tile).to_contain_text("5")
    expect(tile).to_contain_text("正常")

    send(plant, "V101-LT", 9.6)  # above HH = 9.0: the wall updates by itself (htmx polling)
    expect(tile.get_by_test_id("value")).to_contain_text("9.6", timeout=10_000)
    expect(tile.get_by_test_id("tile-alarm")).to_contain_text("高高报")

    page.get_by_role("link", name="报警看板").first.click()
    board = page.get_by_test_id("alarm-board")
    expect(board).to_contain_text("1#液氯储罐液位")
    expect(board).to_contain_text("高高报")
    expect(board).to_contain_text("未确认")
    board.get_by_role("button", name="确认").click()
    expect(board).to_contain_text("已确认")
    expect(board).not_to_contain_text("未确认")

    send(plant, "V101-LT", 6.0)  # back to normal: the board shows it cleared, waiting for feedback
    expect(board).to_contain_text("已恢复", timeout=10_000)
    board.get_by_text("处置反馈").click()
    board.get_by_label("原因分析").fill("进料阀内漏，液位持续上升")
    board.get_by_label("处置措施").fill("关闭进料阀、倒罐至2#罐，更换阀门")
    board.get_by_role("button", name="提交并关闭").click()
    expect(page.get_by_test_id("no-alarms")).to_be_visible()

    page.goto(f"{live_server.url}/monitoring/alarms/?state=closed")
    page.get_by_test_id("alarm-board").get_by_role("link", name=re.compile("五通桥测试化工")).first.click()
    expect(page.get_by_test_id("cause")).to_contain_text("进料阀内漏")
    expect(page.get_by_test_id("measures")).to_contain_text("倒罐")
    timeline = page.get_by_test_id("timeline")
    for step in ("报警产生", "已确认", "恢复正常", "已关闭（处置反馈）"):
        expect(timeline).to_contain_text(step)


def test_an_unacknowledged_alarm_escalates_to_the_countys_board(plant, page, login, live_server, world):
    from ansheng.monitoring import notifier
    from ansheng.monitoring.models import Alarm

    send(plant, "GT-CL-01", 2.4)  # chlorine past the second alarm level
    alarm = Alarm.objects.get()
    login(page, "county_b")
    page.goto(f"{live_server.url}/monitoring/alarms/")
    row = page.get_by_test_id(f"alarm-{alarm.pk}")
    expect(row).to_contain_text("二级报警")
    expect(row.get_by_test_id("tier")).to_have_count(0)

    # Nobody at the plant acknowledges it: a quarter of an hour later the notifier escalates it to the county.
    later = timezone.now() + dt.timedelta(minutes=16)
    assert notifier.escalate(now=later) == 1
    notifier.deliver_transitions(now=later)
    expect(row.get_by_test_id("tier")).to_have_text("已报区县", timeout=10_000)
    page.reload()
    expect(page.get_by_test_id("unread")).to_be_visible()  # the escalation notice (and the orange warning)
    page.get_by_title("通知").click()
    expect(page.locator("main")).to_contain_text("[逐级上报]")
    page.goto(f"{live_server.url}/monitoring/alarms/")
    page.get_by_test_id(f"ack-{alarm.pk}").click()
    expect(page.get_by_test_id(f"alarm-{alarm.pk}")).to_contain_text("已确认")

    # The other county never sees it.
    page.context.clear_cookies()
    login(page, "county_a")
    page.goto(f"{live_server.url}/monitoring/alarms/")
    expect(page.get_by_test_id("alarm-board")).not_to_contain_text("五通桥测试化工")


def test_the_board_works_on_a_phone(plant, phone, login, live_server):
    send(plant, "V101-LT", 9.4)
    login(phone, "ent_staff")
    phone.goto(f"{live_server.url}/monitoring/alarms/")
    expect(phone.get_by_test_id("alarm-board")).to_contain_text("高高报")
    phone.get_by_role("button", name="确认").click()
    expect(phone.get_by_test_id("alarm-board")).to_contain_text("已确认")
