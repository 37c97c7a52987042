"""What the accident register gives the rest of the platform: the map layer, the dashboard sources, the clock
worker's warnings and freezing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ansheng.accidents import workers
from ansheng.accidents.tests.factories import bureau_report, report
from ansheng.core.geo import LayerQuery
from ansheng.core.models import Notification
from ansheng.core.registry import named

pytestmark = pytest.mark.django_db


@pytest.fixture
def recent(world):
    now = timezone.now()
    general = report(
        world.users["ent_admin"],
        occurred=now - dt.timedelta(hours=3),
        learned=now - dt.timedelta(hours=3),
        now=now - dt.timedelta(hours=2, minutes=50),
        deaths=1,
    )
    larger = bureau_report(
        world.users["county_a"],
        "511102",
        occurred=now - dt.timedelta(hours=1),
        deaths=3,
        longitude="103.76",
        latitude="29.55",
        now=now - dt.timedelta(minutes=30),
    )
    return general, larger


def test_the_map_layer_draws_points_by_grade_within_the_jurisdiction(world, recent):
    general, larger = recent
    layer = named("map_layers")["accidents"]
    features = layer(world.users["city"], LayerQuery())
    assert {f["properties"]["grade"] for f in features} == {"一般", "较大"}
    assert all(f["geometry"]["type"] == "Point" for f in features)
    by_grade = layer(world.users["city"], LayerQuery(grade="较大"))
    assert [f["properties"]["id"] for f in by_grade] == [larger.pk]
    assert by_grade[0]["properties"]["url"] == f"/accidents/{larger.pk}/"
    assert [f["properties"]["id"] for f in layer(world.users["county_b"], LayerQuery())] == [general.pk]
    assert layer(world.users["public"], LayerQuery()) == []
    past = timezone.localdate() - dt.timedelta(days=30)
    assert layer(world.users["city"], LayerQuery(date_to=past)) == []
    assert layer(world.users["city"], LayerQuery(grade="huge")) == []


def test_the_dashboard_source_compares_this_year_with_last(world, recent):
    from ansheng.accidents.dashboard import accident_figures as source

    figures = source(world.users["city"], None)
    assert figures["this_year"]["accidents"] == 2 and figures["this_year"]["deaths"] == 4
    assert figures["this_year"]["by_grade"]["较大"] == 1 and figures["last_year"]["accidents"] == 0
    assert figures["change"]["accidents"] is None and figures["open"] == 2
    assert source(world.users["county_b"], "511112")["this_year"]["accidents"] == 1
    assert source(world.users["county_b"], "511102") == {}
    assert source(world.users["public"], None) == {}


def test_the_indicator_source_for_a_region(world, recent):
    from ansheng.indicators.dashboard import indicator_figures as source

    figures = source(world.users["city"], "511100")
    assert figures["plan"] == "leshan-2016-2020" and len(figures["items"]) == 12
    assert source(world.users["county_a"], "511112") == {}
    assert source(world.users["ent_admin"], None) == {}


def test_the_clock_warns_the_level_that_must_report(world, recent):
    _general, _larger = recent
    now = timezone.now()
    sent = workers.warn_due_steps(now)
    assert sent > 0
    titles = list(Notification.objects.filter(user=world.users["county_b"]).values_list("title", flat=True))
    assert any(title.startswith("事故迟报") for title in titles)  # the general accident's county link is overdue
    assert workers.warn_due_steps(now) == 0  # once only
    assert workers.warn_due_followups(now + dt.timedelta(days=2)) > 0


def test_the_worker_freezes_figures_after_the_window(world, recent, monkeypatch):
    later = timezone.now() + dt.timedelta(days=40)
    monkeypatch.setattr(workers.timezone, "now", lambda: later)
    workers.tick()
    general, _larger = recent
    general.refresh_from_db()
    assert general.figures_frozen_at == later and general.confirmed_deaths == 1


def test_both_dashboard_sources_follow_the_panel_protocol(world, recent):
    from ansheng.dashboard.panels import validate

    accidents = validate(named("dashboard_sources")["accidents"](world.users["city"], None))
    assert accidents["kind"] == "bar" and accidents["series"][0]["values"][:2] == [2, 4]
    indicators = validate(named("dashboard_sources")["indicators"](world.users["city"], "511100"))
    assert indicators["kind"] == "table" and len(indicators["rows"]) == 12
    denied = validate(named("dashboard_sources")["accidents"](world.users["county_b"], "511102"))
    assert denied["rows"] == []
