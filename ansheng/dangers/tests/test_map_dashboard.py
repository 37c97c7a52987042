"""The hidden-dangers map layer and the major-dangers dashboard source, within the jurisdiction."""

from __future__ import annotations

import datetime as dt

import pytest

from ansheng.dangers.dashboard import major_dangers
from ansheng.dangers.models import HiddenDanger
from ansheng.dangers.tests.helpers import today, walk

pytestmark = pytest.mark.django_db


def test_the_layer_over_the_map_api(world, api_client, bearer):
    major = walk(world, "rectifying", grade="major", latitude="29.41", longitude="103.82")
    general = walk(world, "assigned")
    walk(world, "closed")
    HiddenDanger.objects.filter(pk=general.pk).update(deadline=today() - dt.timedelta(days=1))
    body = api_client.get("/api/v1/map/layers/hidden-dangers", **bearer(world.users["county_b"])).json()
    props = {f["properties"]["id"]: f["properties"] for f in body["features"]}
    assert set(props) == {major.pk, general.pk}  # open ones only
    assert {"id", "name", "county", "grade", "overdue"} <= set(props[major.pk])
    assert (props[major.pk]["grade"], props[major.pk]["overdue"], props[major.pk]["emphasis"]) == ("重大", False, True)
    assert (props[general.pk]["grade"], props[general.pk]["overdue"], props[general.pk]["emphasis"]) == (
        "一般",
        True,
        True,
    )
    feature = next(f for f in body["features"] if f["properties"]["id"] == major.pk)
    assert feature["geometry"]["coordinates"] == [103.82, 29.41]  # where it was reported
    assert (
        api_client.get("/api/v1/map/layers/hidden-dangers", **bearer(world.users["county_a"])).json()["features"] == []
    )
    only_major = api_client.get(
        "/api/v1/map/layers/hidden-dangers", {"grade": "重大"}, **bearer(world.users["county_b"])
    ).json()
    assert [f["properties"]["id"] for f in only_major["features"]] == [major.pk]


def test_the_dashboard_source_follows_the_protocol_and_counts_per_county(world):
    from ansheng.dashboard.panels import validate

    supervised = walk(world, "rectifying", grade="major")
    from ansheng.dangers.services import do_order_supervision

    do_order_supervision(
        acting_user=world.users["county_b"], danger_id=supervised.pk, due=today() + dt.timedelta(days=10)
    )
    late = walk(world, "assigned", grade="major")
    HiddenDanger.objects.filter(pk=late.pk).update(deadline=today() - dt.timedelta(days=3))
    walk(world, "graded", grade="major")
    walk(world, "closed", grade="major")
    walk(world, "assigned")
    panel = major_dangers(world.users["city"], None)
    validate(panel)
    assert panel["by_region"] == {"511112": 3}
    assert [item["value"] for item in panel["headline"]] == [3, 1, 1]
    assert panel["total"] == 2 and panel["rows"][0]["state"] == "逾期 3 天"
    assert major_dangers(world.users["city"], "511102")["by_region"] == {}
    assert major_dangers(world.users["county_a"], None)["headline"][0]["value"] == 0


def test_the_map_shades_counties_by_open_major_dangers(world, api_client, bearer):
    walk(world, "assigned", grade="major")
    walk(world, "closed", grade="major")
    body = api_client.get("/api/v1/map/layers/counties", **bearer(world.users["city"])).json()
    by_county = {f["properties"]["id"]: f["properties"] for f in body["features"]}
    assert by_county["511112"]["major_dangers"] == 1
    assert by_county["511102"]["major_dangers"] == 0
