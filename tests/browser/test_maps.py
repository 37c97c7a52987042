"""The risk map and the command dashboard in a real browser, in Chinese, with no network beyond the platform."""

import io
import re
import statistics

import pytest
from PIL import Image
from playwright.sync_api import expect

from ansheng.maps.tests.conftest import colours, sources  # noqa: F401  (the colour provider, risk sources)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def offline(page, live_server):
    """Refuse every request that does not go to the platform itself; returns the list of refused URLs."""
    refused = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(live_server.url) or url.startswith("data:") or url.startswith("blob:"):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    page.route("**/*", route)
    return refused


def count(page, layer):
    return int(page.get_by_test_id(f"count-{layer}").get_attribute("data-count") or -1)


def wait_count(page, layer, expected):
    page.wait_for_function(
        "([layer, n]) => { const el = document.querySelector(`[data-testid=count-${layer}]`);"
        " return el && el.getAttribute('data-count') === String(n); }",
        arg=[layer, expected],
    )


def spread(world):
    """Move the test enterprises apart (they all sit on their county seat) so each is its own point close in."""
    from ansheng.enterprises.services import do_update_enterprise

    places = {
        "mine_a": ("103.740000", "29.560000"),
        "transport_a": ("103.775000", "29.575000"),
        "chem_b": ("103.818000", "29.406200"),
        "builder_b": ("103.840000", "29.390000"),
    }
    for key, (lon, lat) in places.items():
        do_update_enterprise(
            acting_user=world.users["city_admin"],
            enterprise_id=world.enterprises[key].pk,
            changes={"longitude": lon, "latitude": lat},
        )


def installed_sources():
    from ansheng.core import registry

    return registry.named("dashboard_sources")


def map_pixels(page):
    image = Image.open(io.BytesIO(page.get_by_test_id("map").screenshot())).convert("RGB")
    return image


def has_colour(image, rgb, tolerance=40):
    r0, g0, b0 = rgb
    data = image.tobytes()
    return any(
        abs(data[i] - r0) < tolerance and abs(data[i + 1] - g0) < tolerance and abs(data[i + 2] - b0) < tolerance
        for i in range(0, len(data), 3)
    )


def grey_values(image, step):
    return list(image.convert("L").tobytes()[::step])


def test_the_map_loads_offline_with_the_county_outlines_and_coloured_points(world, colours, page, login, live_server):  # noqa: F811
    spread(world)
    colours[world.enterprises["chem_b"].pk] = "red"
    colours[world.enterprises["builder_b"].pk] = "blue"
    refused = offline(page, live_server)
    login(page, "city")
    page.get_by_role("link", name="风险一张图", exact=True).click()
    expect(page.get_by_role("heading", name="图层")).to_be_visible()
    wait_count(page, "counties", 2)
    wait_count(page, "enterprises", 4)
    outlines = page.evaluate("window.anshengMap.state.counties.data.features.map(f => f.properties.name)")
    assert sorted(outlines) == ["五通桥区", "市中区"]
    # close in on 五通桥: the red and the blue enterprise are drawn as points in their colours
    page.evaluate("""() => { const f = window.anshengMap.state.counties.data.features
                       .find(x => x.properties.id === '511112');
                     window.anshengMap.map.setView([29.40, 103.83], 13); }""")
    page.wait_for_function(
        "window.anshengMap.state.enterprises.data && window.anshengMap.state.enterprises.data.mode === 'features'"
    )
    page.wait_for_timeout(300)
    image = map_pixels(page)
    assert has_colour(image, (0xD3, 0x2F, 0x2F)), "no red point on the map"
    assert has_colour(image, (0x15, 0x65, 0xC0)), "no blue point on the map"
    # the view exports as a PNG with the points in it
    with page.expect_download() as download:
        page.get_by_role("button", name="导出图片（PNG）").click()
    assert download.value.suggested_filename.startswith("ansheng-map-")
    exported = Image.open(download.value.path()).convert("RGB")
    assert exported.width >= image.width and exported.height > image.height  # title and legend added
    assert has_colour(exported, (0xD3, 0x2F, 0x2F))
    assert refused == []


def test_a_filter_narrows_the_points(world, page, login):
    login(page, "county_b")
    page.goto(page.url + "map/")
    wait_count(page, "enterprises", 2)
    page.get_by_label("企业类别").select_option(label="危险化学品生产")
    wait_count(page, "enterprises", 1)
    page.get_by_label("企业类别").select_option(label="道路运输")
    wait_count(page, "enterprises", 0)
    page.get_by_label("企业类别").select_option(value="")
    wait_count(page, "enterprises", 2)
    # the county supervisor's map holds their county only
    assert page.evaluate("window.anshengMap.state.counties.data.features.map(f => f.properties.id)") == ["511112"]


def test_a_click_opens_the_record(world, colours, page, login, live_server):  # noqa: F811
    spread(world)
    colours[world.enterprises["chem_b"].pk] = "orange"
    login(page, "city")
    page.goto(f"{live_server.url}/map/")
    wait_count(page, "counties", 2)  # drawn and fitted: the view is ours to move now
    wait_count(page, "enterprises", 4)
    page.evaluate("window.anshengMap.map.setView([29.4035, 103.8202], 15)")
    page.wait_for_function(
        "window.anshengMap.state.enterprises.data && window.anshengMap.state.enterprises.data.features"
        ".some(f => f.properties.name === '乐山市五通桥测试化工有限公司' && !f.properties.cluster)"
    )
    point = page.evaluate("""() => {
        const m = window.anshengMap;
        const f = m.state.enterprises.data.features.find(x => x.properties.name === '乐山市五通桥测试化工有限公司');
        const p = m.map.latLngToContainerPoint([f.geometry.coordinates[1], f.geometry.coordinates[0]]);
        return [p.x, p.y]; }""")
    box = page.get_by_test_id("map").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    popup = page.get_by_test_id("map-popup")
    expect(popup).to_contain_text("乐山市五通桥测试化工有限公司")
    expect(popup).to_contain_text("较大风险")
    popup.get_by_role("link", name="查看详情").click()
    expect(page.locator("h1")).to_have_text("乐山市五通桥测试化工有限公司")


def test_search_flies_to_a_record_and_opens_it(world, sources, page, login, live_server):  # noqa: F811
    login(page, "county_a")
    page.goto(f"{live_server.url}/map/")
    wait_count(page, "risk-sources", 2)
    page.get_by_label("搜索名称或代码").fill("古城")
    page.get_by_role("button", name="搜索", exact=True).click()
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("测试古城文化街区")
    # clicked while a zoom animation runs (as when the counties' first fit is still moving): Leaflet drops a zoom
    # asked for then, so the map must wait for the animation and fly afterwards
    hit = results.get_by_role("button", name="测试古城文化街区")
    hit.wait_for()
    # (polled until a zoom animation is running at the moment of the click: on a busy machine one may not start)
    page.wait_for_function(
        """() => { const m = window.anshengMap.map;
                  if (!m._animatingZoom) { m.setZoom(m.getZoom() >= 11 ? 10 : 11, {animate: true}); }
                  if (!m._animatingZoom) { return false; }
                  [...document.querySelectorAll('[data-testid=search-results] button')]
                    .find((b) => b.textContent.includes('测试古城文化街区')).click();
                  return true; }"""
    )
    popup = page.get_by_test_id("map-popup")
    expect(popup).to_contain_text("测试古城文化街区")
    expect(popup).to_contain_text("人员密集场所")
    page.wait_for_function("window.anshengMap.map.getZoom() >= 13")  # flown in (after the zoom animation)
    # 五通桥's sources are not found from 市中区
    page.get_by_label("搜索名称或代码").fill("尾矿库")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(results).to_contain_text("未找到")


def test_register_a_risk_source_by_pasting_coordinates(world, page, login, live_server):
    login(page, "county_a")
    page.goto(f"{live_server.url}/map/risk-sources/new/")
    page.get_by_label(re.compile(r"^名称\*?$")).fill("测试滨江步道")
    page.get_by_label(re.compile(r"^类型\*?$")).select_option(label="人员密集场所")
    page.get_by_label(re.compile(r"^风险等级\*?$")).select_option(label="一般风险")
    page.get_by_label(re.compile(r"^所在区县（属地）\*?$")).select_option(label="市中区")
    page.get_by_label("场所类型 *").select_option(label="旅游景区")
    page.get_by_label("坐标系").select_option(value="wgs84")
    page.get_by_label(re.compile(r"^图形\*?$")).select_option(label="面")
    # a bow tie: refused with the place of the crossing
    page.get_by_label("粘贴坐标").fill("103.750,29.550\n103.760,29.560\n103.760,29.550\n103.750,29.560")
    page.get_by_role("button", name="检查并在图上显示").click()
    expect(page.get_by_test_id("geo-status")).to_contain_text("自相交")
    page.get_by_label("粘贴坐标").fill("103.750,29.550\n103.760,29.550\n103.760,29.556\n103.750,29.556")
    page.get_by_role("button", name="检查并在图上显示").click()
    expect(page.get_by_test_id("geo-status")).to_contain_text("有效：面")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("测试滨江步道")
    expect(page.get_by_test_id("source-map")).to_be_visible()


def test_the_dashboard_renders_at_1920_by_1080(world, sources, browser, live_server):  # noqa: F811
    from ansheng.core.testing import PASSWORD

    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(15000)
    page = context.new_page()
    refused = offline(page, live_server)
    try:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill("city")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/dashboard/")
        expect(page.get_by_test_id("screen-title")).to_have_text("乐山市安全生产风险监测指挥大屏")
        registry = page.get_by_test_id("panel-registry")
        expect(registry).to_contain_text("企业分布")
        expect(registry.locator("canvas")).to_be_visible()
        missing = [name for name in ("alarms", "online-rates", "major-dangers") if name not in installed_sources()]
        for name in missing:  # a source no installed app provides shows as such, in its place
            expect(page.get_by_test_id(f"panel-{name}")).to_contain_text("未接入")
        expect(page.get_by_test_id("panel-risk-sources")).to_contain_text("头顶库")
        page.wait_for_function(
            "(window.anshengDashboard.map.state.counties.data || {features: []}).features.length === 2"
        )
        page.wait_for_timeout(800)  # chart animations
        # the whole screen fits without scrolling on a wall screen
        assert page.evaluate("document.documentElement.scrollHeight") <= 1080
        shot = Image.open(io.BytesIO(page.screenshot()))
        assert shot.size == (1920, 1080)
        values = grey_values(shot, 7)
        assert statistics.pstdev(values) > 12, "the dashboard looks blank"
        # the map panel is drawn too (not a flat area)
        map_shot = Image.open(io.BytesIO(page.locator("#screen-map").screenshot()))
        assert statistics.pstdev(grey_values(map_shot, 5)) > 5
        assert refused == []
        assert re.match(r"\d\d:\d\d:\d\d", page.get_by_test_id("updated").inner_text())
    finally:
        context.close()
