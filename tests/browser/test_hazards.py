"""Major hazard sources in a real browser, in Chinese: the enterprise registers a tank farm and sees it graded; the
county bureau sees it by grade and accepts its 备案."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_grade_and_file_a_major_hazard_source(world, page, login, live_server):
    login(page, "ent_admin")
    page.get_by_role("link", name="重大危险源").first.click()
    page.get_by_role("link", name="登记单元").click()
    page.get_by_label("单元编号").fill("HS-01")
    page.get_by_label("单元名称").fill("液氯储罐区")
    page.get_by_label("单元类型").select_option(label="储存单元")
    page.get_by_label("厂区外500米范围内常住人口").fill("120")
    page.get_by_role("button", name="保存").click()

    page.get_by_role("link", name="添加危险化学品").click()
    page.get_by_role("combobox", name="物质").fill("液氯")
    page.get_by_label("设计最大量（吨）").fill("90")
    page.get_by_role("button", name="添加并重新分级").click()
    expect(page.get_by_test_id("grade")).to_contain_text("一级")
    expect(page.get_by_test_id("r-value")).to_have_text("144.00")
    expect(page.get_by_test_id("substances")).to_contain_text("18.0000")

    page.get_by_role("link", name="添加危险化学品").click()
    page.get_by_role("combobox", name="物质").fill("不存在的物质")
    page.get_by_label("设计最大量（吨）").fill("1")
    page.get_by_role("button", name="添加并重新分级").click()
    expect(page.get_by_test_id("error-query")).to_contain_text("GB 18218-2018表1中没有")
    page.get_by_role("link", name="取消").click()

    for duty, name in (("主要负责人", "王总"), ("技术负责人", "李工"), ("操作负责人", "张班长")):
        page.get_by_test_id("duties").get_by_role("row", name=duty).get_by_role("link", name="指定").click()
        page.get_by_label("姓名").fill(name)
        page.get_by_role("button", name="保存").click()
    page.get_by_role("link", name="登记评估报告").click()
    page.get_by_label("报告编号").fill("川安评2026-017")
    page.get_by_label("评估机构").fill("四川某安全评价有限公司")
    page.get_by_label("评估日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="提交备案").click()
    expect(page.get_by_test_id("registration-status")).to_have_text("待审核")

    page.context.clear_cookies()
    login(page, "county_b")
    page.get_by_role("link", name="重大危险源").first.click()
    expect(page.get_by_test_id("grade-matrix")).to_contain_text("五通桥区")
    page.get_by_role("link", name="液氯储罐区").click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_test_id("registration-status")).to_have_text("已备案")
