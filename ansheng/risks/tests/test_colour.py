"""The enterprise risk colour rule, its stored table, the provider, the dashboard source and the map."""

import pytest

from ansheng.core import registry
from ansheng.risks import colour
from ansheng.risks.colour import decide, recompute_enterprise_colours
from ansheng.risks.dashboard import risk_distribution
from ansheng.risks.models import EnterpriseColour
from ansheng.risks.tests.factories import risk_point

pytestmark = pytest.mark.django_db


def test_rule_defaults():
    assert decide(event_rank=0, open_major=0, overdue=0, warning="")[0] == "blue"
    assert decide(event_rank=2, open_major=0, overdue=0, warning="")[0] == "yellow"
    assert decide(event_rank=2, open_major=1, overdue=0, warning="")[0] == "red"
    assert decide(event_rank=2, open_major=0, overdue=2, warning="")[0] == "yellow"
    colour_, reasons = decide(event_rank=2, open_major=0, overdue=3, warning="")
    assert colour_ == "orange" and reasons[-1]["code"] == "overdue_dangers"
    assert decide(event_rank=4, open_major=0, overdue=9, warning="")[0] == "red"  # never above red
    assert decide(event_rank=1, open_major=0, overdue=0, warning="orange")[0] == "orange"
    assert decide(event_rank=3, open_major=0, overdue=0, warning="yellow")[0] == "orange"


def test_rule_is_configurable(settings):
    settings.RISKS_COLOUR_MAJOR_DANGER_RED = False
    settings.RISKS_COLOUR_OVERDUE_STEP = 0
    settings.RISKS_COLOUR_BASE = "yellow"
    assert decide(event_rank=0, open_major=3, overdue=10, warning="")[0] == "yellow"


def test_assessment_recomputes_and_the_provider_reads_the_table(world, django_capture_on_commit_callbacks):
    chem = world.enterprises["chem_b"]
    with django_capture_on_commit_callbacks(execute=True):
        _obj, _unit, event, _m = risk_point(world, level="general")
    stored = EnterpriseColour.objects.get(enterprise=chem)
    assert stored.colour == "yellow" and stored.county_code == "511112"
    assert registry.enterprise_colours([chem.pk, world.enterprises["mine_a"].pk]) == {chem.pk: "yellow"}
    from ansheng.risks import services

    with django_capture_on_commit_callbacks(execute=True):
        services.do_assess_event(
            acting_user=world.users["ent_admin"],
            event_id=event.pk,
            stage="inherent",
            method="LEC",
            factors={"L": 6, "E": 6, "C": 15},
        )
    assert colour.enterprise_colours([chem.pk]) == {chem.pk: "red"}
    with django_capture_on_commit_callbacks(execute=True):
        services.do_update_event(acting_user=world.users["ent_admin"], event_id=event.pk, changes={"is_active": False})
    assert colour.enterprise_colours([chem.pk]) == {chem.pk: "blue"}


def test_monitoring_warning_raises_the_colour(world, monkeypatch):
    chem = world.enterprises["chem_b"]
    monkeypatch.setattr(colour, "_warnings", lambda ids: {chem.pk: "orange"})
    recompute_enterprise_colours([chem.pk])
    row = EnterpriseColour.objects.get(enterprise=chem)
    assert row.colour == "orange" and row.reasons[-1]["code"] == "monitoring_warning"


def test_sweep_fills_every_enterprise_and_dashboard_counts_by_county(world):
    risk_point(world, level="major")
    assert colour.sweep() == len(world.enterprises)
    assert colour.sweep() == 0
    panel = risk_distribution(world.users["city"], None)
    assert panel["kind"] == "pie"
    assert {item["colour"]: item["value"] for item in panel["items"]} == {"red": 1, "orange": 0, "yellow": 0, "blue": 3}
    assert panel["by_region"]["511112"]["red"] == 1 and panel["by_region"]["511102"]["blue"] == 2
    county_a = risk_distribution(world.users["county_a"], None)
    assert set(county_a["by_region"]) == {"511102"}
    assert risk_distribution(world.users["ent_admin"], None)["by_region"] == {
        "511112": {"red": 1, "orange": 0, "yellow": 0, "blue": 0}
    }
    from ansheng.dashboard.panels import validate

    validate(panel)


def test_map_colours_enterprises_from_the_stored_table(world, client_for):
    risk_point(world, level="major")
    colour.sweep()
    body = client_for(world.users["city"]).get("/api/v1/map/layers/enterprises").json()
    colours = {f["properties"].get("name"): f["properties"].get("colour") for f in body["features"]}
    assert colours["乐山市五通桥测试化工有限公司"] == "red"


def test_a_changed_monitoring_warning_recolours_the_enterprise(world):
    from ansheng.monitoring.engine import _recolour
    from ansheng.monitoring.models import EnterpriseWarning

    chem = world.enterprises["chem_b"]
    EnterpriseWarning.objects.create(enterprise=chem, colour="orange")
    _recolour({chem.pk: "orange"})
    row = EnterpriseColour.objects.get(enterprise=chem)
    assert row.colour == "orange" and row.reasons[-1]["code"] == "monitoring_warning"


def test_the_risks_worker_generates_sweeps_and_recolours(world):
    import datetime as dt

    import time_machine

    from ansheng.core.workers import all_workers
    from ansheng.risks.models import Occurrence
    from ansheng.risks.schedule import SHANGHAI
    from ansheng.risks.tests.factories import task

    obj, *_ = risk_point(world)
    task(world, obj, starts_on=dt.date(2026, 11, 27))
    worker = all_workers()["risks"]
    with time_machine.travel(dt.datetime(2026, 11, 29, 9, tzinfo=SHANGHAI), tick=False):
        assert worker.tick() == 3 + len(world.enterprises)  # 3 windows (2 already past: missed), every colour
        assert worker.tick() == 0
    assert Occurrence.objects.filter(status="missed").count() == 2


def test_map_shades_counties_from_the_stored_colours(world, client_for):
    risk_point(world, level="major")
    colour.sweep()
    body = client_for(world.users["city"]).get("/api/v1/map/layers/counties").json()
    by_code = {f["properties"]["county"]: f["properties"] for f in body["features"]}
    wutongqiao = by_code["511112"]
    assert wutongqiao["colours"]["red"] == 1 and wutongqiao["red_orange_share"] == 0.5
