"""The command dashboard: who sees which, placeholders for sources not installed, error panels for broken ones."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def client_for(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


def panels(response):
    data = response.context["data"] if hasattr(response, "context") and response.context else response.json()
    return {panel["source"]: panel for panel in data["panels"]}


def test_the_city_dashboard(world):
    response = client_for(world, "city").get("/dashboard/")
    assert response.status_code == 200
    by_source = panels(response)
    assert by_source["registry"]["kind"] == "bar"
    assert by_source["registry"]["headline"][0]["value"] == 4
    assert by_source["registry"]["categories"] == ["市中区", "五通桥区"]
    assert by_source["risk-sources"]["kind"] == "bar"
    # what the other apps provide shows as not installed until they are, in its place on the screen
    from ansheng.core import registry

    installed = registry.named("dashboard_sources")
    for name in ("alarms", "major-dangers", "risk-distribution", "indicators", "accidents", "online-rates"):
        assert name in by_source
        if name not in installed:
            assert by_source[name]["kind"] == "missing", name
            assert by_source[name]["title"]
    assert by_source["alarms"]["area"] == "right" and by_source["accidents"]["area"] == "bottom"
    text = response.content.decode()
    assert "乐山市安全生产风险监测指挥大屏" in text
    assert 'id="screen-data"' in text and "echarts.min.js" in text


def test_a_county_supervisor_gets_their_county_and_nothing_else(world):
    client = client_for(world, "county_a")
    assert client.get("/dashboard/").url == "/dashboard/511102/"
    own = client.get("/dashboard/511102/")
    assert own.status_code == 200
    assert panels(own)["registry"]["headline"][0]["value"] == 2
    assert "市中区安全生产风险监测指挥大屏" in own.content.decode()
    assert client.get("/dashboard/511112/").status_code == 404
    assert client.get("/dashboard/999999/").status_code == 404


def test_the_city_opens_any_county(world):
    response = client_for(world, "city").get("/dashboard/511112/")
    assert response.status_code == 200
    assert panels(response)["registry"]["headline"][0]["value"] == 2
    assert panels(response)["registry"]["categories"] == ["危险化学品", "建筑施工、道路运输"]


@pytest.mark.parametrize(("persona", "status"), [("ent_admin", 403), ("ent_staff", 403), ("public", 403)])
def test_enterprises_and_the_public_have_no_dashboard(world, persona, status):
    assert client_for(world, persona).get("/dashboard/").status_code == status


def test_anonymous_is_sent_to_sign_in(world):
    assert Client().get("/dashboard/").status_code == 302


def test_a_source_is_asked_for_the_region_and_within_the_user(world, extra_sources):
    calls = []

    def alarms(user, region):
        calls.append((user.username, region))
        return {"title": "实时报警", "kind": "stats", "items": [{"label": "未处置", "value": 1, "colour": "red"}]}

    extra_sources["alarms"] = alarms
    client_for(world, "county_a").get("/dashboard/511102/")
    client_for(world, "city").get("/dashboard/")
    assert calls == [("county_a", "511102"), ("city", None)]


def test_a_broken_source_shows_an_error_panel_and_the_page_still_works(world, extra_sources):
    def raising(user, region):
        raise ZeroDivisionError

    extra_sources["alarms"] = raising
    extra_sources["accidents"] = lambda user, region: {
        "title": "事故",
        "kind": "line",
        "categories": ["1月"],
        "series": [{"name": "今年", "values": [1, 2]}],
    }
    extra_sources["indicators"] = lambda user, region: ["not", "a", "dict"]
    response = client_for(world, "city").get("/dashboard/")
    assert response.status_code == 200
    by_source = panels(response)
    assert by_source["alarms"]["kind"] == "error" and "ZeroDivisionError" in by_source["alarms"]["message"]
    assert by_source["accidents"]["kind"] == "error" and "series[0].values" in by_source["accidents"]["message"]
    assert by_source["indicators"]["kind"] == "error"
    assert by_source["registry"]["kind"] == "bar"


def test_sources_beyond_the_known_slots_are_shown_too(world, extra_sources):
    extra_sources["weather"] = lambda user, region: {
        "title": "气象预警",
        "kind": "stats",
        "items": [{"label": "暴雨预警", "value": "橙色", "colour": "orange"}],
    }
    by_source = panels(client_for(world, "city").get("/dashboard/"))
    assert by_source["weather"]["area"] == "bottom" and by_source["weather"]["items"][0]["value"] == "橙色"


def test_the_panels_api_for_the_refresh(world, bearer, extra_sources):
    extra_sources["major-dangers"] = lambda user, region: {
        "title": "重大隐患",
        "kind": "table",
        "columns": [{"key": "name", "label": "隐患"}],
        "rows": [{"name": "占压", "_colour": "red"}],
        "by_region": {"511102": 1},
    }
    response = Client().get("/api/v1/dashboard/panels", {"region": "511102"}, **bearer(world.users["county_a"]))
    assert response.status_code == 200
    body = response.json()
    assert body["region"] == {"code": "511102", "name": "市中区"} and body["refresh_seconds"] == 30
    dangers = next(p for p in body["panels"] if p["source"] == "major-dangers")
    assert dangers["rows"] == [{"name": "占压", "_colour": "red"}] and "by_region" not in dangers
    assert (
        Client().get("/api/v1/dashboard/panels", {"region": "511112"}, **bearer(world.users["county_a"])).status_code
        == 404
    )
    assert Client().get("/api/v1/dashboard/panels", **bearer(world.users["ent_admin"])).status_code == 403


def test_the_risk_sources_panel(world, sources):
    by_source = panels(client_for(world, "county_b").get("/dashboard/511112/"))
    panel = by_source["risk-sources"]
    headline = {item["label"]: item["value"] for item in panel["headline"]}
    assert headline["风险源"] == 2 and headline["头顶库"] == 1
    assert panel["categories"] == ["油气长输管道", "尾矿库"]
    red = next(s for s in panel["series"] if s["colour"] == "red")
    assert red["values"] == [0, 1]


def test_the_map_of_the_dashboard_is_the_users(world):
    response = client_for(world, "county_a").get("/dashboard/511102/")
    html = response.content.decode()
    start = html.index('<script id="map-config" type="application/json">')
    config = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert config["county"] == "511102" and [c["code"] for c in config["counties"]] == ["511102"]
    assert all(layer["on"] for layer in config["layers"])
