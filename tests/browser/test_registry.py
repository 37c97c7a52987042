"""The registry in a real browser, in Chinese: sign in, find, create with a field error, fix it, import."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from ansheng.core.testing import credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_supervisor_sees_only_their_county(world, page, login, live_server):
    login(page, "county_a")
    expect(page.get_by_test_id("enterprise-total")).to_have_text("2")
    page.get_by_role("link", name="企业名录").first.click()
    table = page.get_by_test_id("enterprise-table")
    expect(table).to_contain_text("市中区测试石灰石矿")
    expect(table).not_to_contain_text("五通桥测试化工")
    page.get_by_label("搜索").fill("运输")
    page.get_by_role("button", name="查询").click()
    expect(table).to_contain_text("乐山市测试运输有限公司")
    expect(table).not_to_contain_text("石灰石矿")
    page.goto(f"{live_server.url}/enterprises/{world.enterprises['chem_b'].pk}/")
    expect(page.locator("h1")).to_contain_text("404")


def test_a_wrong_credit_code_is_explained_then_fixed_and_logged(world, page, login):
    login(page, "county_a")
    page.get_by_role("link", name="企业名录").first.click()
    page.get_by_role("link", name="登记企业").click()
    good = credit_code(901)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    page.get_by_label("统一社会信用代码").fill(bad)
    page.get_by_label("企业名称").fill("乐山市浏览器登记有限公司")
    page.get_by_label("所在区县").select_option(label="市中区")
    page.get_by_label("监管类别").select_option(label="商贸")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("error-credit_code")).to_contain_text(f"第18位应为“{good[17]}”")
    page.get_by_label("统一社会信用代码").fill(good)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("乐山市浏览器登记有限公司")
    page.get_by_role("link", name="编辑").click()
    page.get_by_label("从业人员数").fill("42")
    page.get_by_label("修改原因（记入变更记录）").fill("核实人数")
    page.get_by_role("button", name="保存").click()
    changes = page.get_by_test_id("changes")
    expect(changes).to_contain_text("employees")
    expect(changes).to_contain_text("核实人数")
    page.get_by_role("link", name="变更记录").first.click()
    expect(page.get_by_test_id("changelog")).to_contain_text("乐山市浏览器登记有限公司")


def _xlsx(tmp_path):
    from ansheng.enterprises.excel import COLUMNS

    wb = Workbook()
    ws = wb.active
    ws.append([str(c.header) for c in COLUMNS])
    for seed, county in [(911, "市中区"), (912, "市中区"), (913, "不存在区")]:
        row = {
            "统一社会信用代码": credit_code(seed),
            "企业名称": f"乐山市批量{seed}有限公司",
            "所在区县": county,
            "监管类别": "机械",
        }
        ws.append([row.get(str(c.header)) for c in COLUMNS])
    path = tmp_path / "企业导入.xlsx"
    wb.save(path)
    return path


def test_an_import_shows_progress_and_the_rows_that_failed(world, page, login, tmp_path):
    from ansheng.core.workers import start_in_process

    stop, threads = start_in_process(["jobs"])
    try:
        login(page, "county_a")
        page.get_by_role("link", name="企业名录").first.click()
        page.get_by_role("link", name="Excel 导入").click()
        page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(_xlsx(tmp_path)))
        page.get_by_role("button", name="开始导入").click()
        expect(page.get_by_test_id("job-summary")).to_contain_text("新增 2 家", timeout=30000)
        expect(page.get_by_test_id("job-summary")).to_contain_text("失败 1 行")
        with page.expect_download() as download:
            page.get_by_test_id("failures-download").click()
        from openpyxl import load_workbook

        with open(download.value.path(), "rb") as handle:
            wb = load_workbook(io.BytesIO(handle.read()))
        assert "不存在区" in wb.worksheets[0]["B2"].value
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)


def test_the_registry_works_on_a_phone(world, phone, login, live_server):
    login(phone, "county_b")
    phone.get_by_role("button", name="菜单").click()
    phone.get_by_role("link", name="企业名录").click()
    expect(phone.get_by_test_id("enterprise-table")).to_contain_text("五通桥测试化工")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "no horizontal scrolling on a phone"
