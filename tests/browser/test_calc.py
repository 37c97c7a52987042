"""The calculator pages in a real browser, in Chinese: an engineer grades a storage unit under GB 18218-2018.

Expected figures (GB 18218-2018): 氯 is Table 1 row 12 with Q = 5 t and β = 4 (Table 3); 甲醇 is row 65 with Q = 500 t
and β = 1 (Table 4, W5.3); 40 residents within 500 m give α = 1.2 (Table 5, 30–49 人). For 30 t of 液氯 and 300 t of
甲醇: S = 30/5 + 300/500 = 6.6 ≥ 1 (§4.2.1); R = 1.2 × (4 × 6 + 1 × 0.6) = 29.52, so 三级 (Table 6: 10 ≤ R < 50).
"""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_row(page, index, name, tonnes):
    row = page.get_by_test_id("substance-row").nth(index)
    row.get_by_label("物质", exact=True).fill(name)
    row.get_by_label("设计最大量（吨）").fill(tonnes)
    return row


def test_an_engineer_grades_a_storage_unit_with_two_substances(world, page, login, live_server):
    login(page, "ent_admin")
    page.get_by_role("link", name="计算器").first.click()
    page.get_by_role("link", name="危险化学品重大危险源辨识与分级（GB 18218-2018）").click()

    page.get_by_label("厂区边界外500米范围内常住人口").fill("40")
    row = page.get_by_test_id("substance-row").nth(0)
    row.get_by_label("物质", exact=True).press_sequentially("液氯", delay=30)
    # suggestions come from Table 1 by alias; choosing one fills the box with the standard's name
    row.get_by_test_id("suggestion").filter(has_text="7782-50-5").click()
    expect(row.get_by_label("物质", exact=True)).to_have_value("氯")
    row.get_by_label("设计最大量（吨）").fill("30")
    _fill_row(page, 1, "67-56-1", "300")
    page.get_by_role("button", name="计算").click()

    result = page.get_by_test_id("result")
    expect(result.get_by_test_id("s")).to_have_text("6.6")
    expect(result.get_by_test_id("r")).to_have_text("29.52")
    expect(result.get_by_test_id("grade")).to_have_text("三级")
    table = result.get_by_test_id("contributions")
    expect(table.locator("tbody tr").nth(0)).to_contain_text("氯")
    expect(table.locator("tbody tr").nth(0)).to_contain_text("24")  # β·q/Q = 4 × 6
    expect(table.locator("tbody tr").nth(1)).to_contain_text("甲醇")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("0.6")
    expect(result.get_by_test_id("chart").locator("svg")).to_be_visible()  # the ECharts bar chart
    assert "substance=" in page.url  # the answer has an address that can be shared and printed

    # a third substance added in place updates the answer: 500 t of a Table 2 category W5.3 (Q 1000 t, β 1)
    page.get_by_role("button", name="添加物质").click()
    _fill_row(page, 2, "W5.3", "500")
    page.get_by_label("设计最大量（吨）").nth(2).blur()
    expect(result.get_by_test_id("s")).to_have_text("7.1")
    expect(result.get_by_test_id("grade")).to_have_text("三级")  # R = 1.2 × 25.1 = 30.12


def test_a_bad_value_shows_a_field_error_and_no_grade(page, live_server):
    page.goto(f"{live_server.url}/calc/gb18218/")
    page.get_by_label("厂区边界外500米范围内常住人口").fill("10")
    _fill_row(page, 0, "氯", "-5")
    page.get_by_role("button", name="计算").click()
    row = page.get_by_test_id("substance-row").nth(0)
    expect(row.get_by_role("alert")).to_have_text("“设计最大量（吨）”不能为负数")
    expect(page.get_by_test_id("grade")).to_have_count(0)

    _fill_row(page, 0, "不存在的物质", "5")
    page.get_by_role("button", name="计算").click()
    expect(row.get_by_role("alert")).to_contain_text("GB 18218-2018表1中没有“不存在的物质”")


def test_the_page_answers_without_javascript(browser, live_server):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/calc/gb18218/")
        page.get_by_label("厂区边界外500米范围内常住人口").fill("100")
        # R exactly 100 is 一级 (Table 6: R ≥ 100): α = 2 (100人以上), β = 4, q/Q = 62.5/5 = 12.5
        _fill_row(page, 0, "液氯", "62.5")
        page.get_by_role("button", name="计算").click()
        expect(page.get_by_test_id("r")).to_have_text("100")
        expect(page.get_by_test_id("grade")).to_have_text("一级")
    finally:
        context.close()


def test_the_risk_page_shows_the_factor_meanings_and_the_colour(page, live_server):
    page.goto(f"{live_server.url}/calc/risk/")
    page.get_by_label("3 可能，但不经常").check()  # L
    page.get_by_label("6 每天工作时间内暴露").check()  # E
    page.get_by_label("15 非常严重，一人死亡").check()  # C
    # D = 3 × 6 × 15 = 270: 160 ≤ D < 320 is 较大 (orange) under the platform's default LEC bands
    expect(page.get_by_test_id("formula")).to_have_text("D = 3 × 6 × 15 = 270")
    expect(page.get_by_test_id("level")).to_have_text("较大风险")
    expect(page.get_by_test_id("colour")).to_have_text("橙")
    expect(page.get_by_test_id("control-level")).to_have_text("部门")
