"""The registry in a real browser, in Chinese: sign in, find, create with a field error, fix it, import."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_supervisor_sees_only_their_county(world, page, login, live_server):
    login(page, "county_a")
    page.get_by_role("link", name="企业名录").first.click()
    table = page.get_by_test_id("enterprise-table")
    expect(table).to_contain_text("市中区测试石灰石矿")
    expect(table).not_to_contain_text("五通桥测试化工")
    page.goto(f"{live_server.url}/enterprises/{world.enterprises['chem_b'].pk}/")
    expect(page.locator("h1")).to_contain_text("404")
