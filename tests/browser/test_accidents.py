"""In a real browser, in Chinese: an enterprise reports an accident, the county sees the reporting countdown,
corrects a figure within the window, the grade changes, and the indicator dashboard shows the change."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = """\
code: browser-plan
name: 测试规划
region: "511100"
period: [{start}, {end}]
baseline: {{period: [{b0}, {b1}], year: {b1}}}
indicators:
  - no: 1
    name: 较大以上事故起数
    value: {{accidents: count, where: {{min_grade: 较大}}}}
    target: {{reduce_by: 0.15}}
"""


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_report_countdown_correction_and_dashboard(world, page, login, live_server, settings, tmp_path):
    year = timezone.localdate().year
    settings.PLANS_DIR = tmp_path
    (tmp_path / "browser.yaml").write_text(PLAN.format(start=year, end=year + 4, b0=year - 5, b1=year - 1), "utf-8")
    now = timezone.now()

    # The enterprise reports its accident within the hour.
    login(page, "ent_admin")
    page.get_by_role("link", name="事故报告").first.click()
    page.get_by_test_id("report-accident").click()
    page.get_by_label("事故发生时间").fill(local(now - dt.timedelta(minutes=30)))
    page.get_by_label("单位负责人接报时间").fill(local(now - dt.timedelta(minutes=20)))
    page.get_by_label("发生地点").fill("二车间氯化工段")
    page.get_by_label("现场情况").fill("管线法兰泄漏，1 名操作工中毒")
    page.get_by_label("事故简要经过").fill("出料作业时法兰垫片失效")
    page.get_by_label("已采取的措施").fill("停车切断物料，伤员送医")
    page.get_by_label("死亡人数").fill("1")
    page.get_by_role("button", name="提交快报").click()
    expect(page.get_by_test_id("grade")).to_have_text("一般事故")
    number = page.locator("h1 small").inner_text()
    accident_url = page.url

    # The county supervisor sees the accident and its 2-hour countdown running.
    page.context.clear_cookies()
    login(page, "county_b")
    page.goto(f"{live_server.url}/indicators/dashboard/?plan=browser-plan&as_of={year}")
    expect(page.get_by_test_id("ytd-grade-2")).to_have_text("0")
    expect(page.get_by_test_id("actual-1")).to_have_text("0")
    page.goto(f"{live_server.url}/")
    panel = page.get_by_test_id("pending-steps")
    expect(panel).to_contain_text("乐山市五通桥测试化工有限公司")
    expect(panel.locator(".countdown").first).to_contain_text("剩余")
    page.goto(accident_url)
    expect(page.locator("h1")).to_contain_text(number)
    county_row = page.locator('[data-step="county-city-written"]')
    expect(county_row.get_by_test_id("countdown")).to_contain_text("剩余 1小时")

    # Within the window two injured workers die: the county corrects the figure and the accident becomes 较大.
    page.get_by_test_id("correct").click()
    page.get_by_label("死亡人数").fill("3")
    page.get_by_label("变更原因").fill("2 名中毒人员经抢救无效死亡")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("grade")).to_have_text("较大事故")
    expect(page.get_by_test_id("figure-changes")).to_contain_text("2 名中毒人员经抢救无效死亡")
    expect(page.get_by_test_id("provisional-deaths")).to_have_text("3")
    # The grade now requires the province: the county's phone report to it is due within the hour.
    expect(page.locator('[data-step="county-province-phone"]').get_by_test_id("countdown")).to_contain_text("剩余")

    # The dashboard shows the change.
    page.goto(f"{live_server.url}/indicators/dashboard/?plan=browser-plan&as_of={year}")
    expect(page.get_by_test_id("ytd-grade-2")).to_have_text("1")
    expect(page.get_by_test_id("ytd-deaths")).to_have_text("3")
    expect(page.get_by_test_id("actual-1")).to_have_text("1")


def test_a_county_supervisor_on_a_phone_sees_only_their_county(world, phone, login, live_server):
    from ansheng.accidents.tests.factories import report

    now = timezone.now()
    accident = report(
        world.users["ent_admin"],
        occurred=now - dt.timedelta(minutes=30),
        learned=now - dt.timedelta(minutes=25),
        now=now - dt.timedelta(minutes=20),
        deaths=1,
    )
    login(phone, "county_a")
    phone.goto(f"{live_server.url}/accidents/")
    expect(phone.get_by_test_id("accident-table")).not_to_contain_text(accident.number)
    phone.goto(f"{live_server.url}/accidents/{accident.pk}/")
    expect(phone.locator("h1")).to_contain_text("404")
