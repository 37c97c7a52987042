"""The English interface in a real browser: the language switcher, and the scripts' strings from /jsi18n/."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_switching_to_english_translates_pages_and_scripts(page, login, live_server, world):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, "county_a")
    expect(page.get_by_role("link", name="企业名录")).to_be_visible()
    page.select_option("#lang-select", "en")  # the switcher posts to set_language and comes back
    expect(page.get_by_role("link", name="Enterprise directory")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"

    # The geometry editor's toolbar is labelled by a script, through the JavaScript catalogue.
    page.goto(f"{live_server.url}/map/risk-sources/new/")
    expect(page.locator("a.leaflet-draw-draw-polyline")).to_have_attribute("title", "Draw a line (pipeline, network)")
    assert page.evaluate("gettext('网络错误')") == "Network error"

    page.select_option("#lang-select", "zh-hans")
    expect(page.get_by_role("link", name="企业名录")).to_be_visible()
    page.goto(f"{live_server.url}/map/risk-sources/new/")
    expect(page.locator("a.leaflet-draw-draw-polyline")).to_have_attribute("title", "画线（管道、管网）")
    assert not errors, errors
