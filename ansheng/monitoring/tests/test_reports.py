"""Aggregates and retention, statistics and online rates, the map layer and dashboard sources, the simulator and the
CSV backfill command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ansheng.core.geo import LayerQuery
from ansheng.monitoring import maps, rollup, services, stats, store
from ansheng.monitoring.models import Alarm, Reading, ReadingHour, ReadingMinute, Rejection

pytestmark = pytest.mark.django_db

MINUTE = 60_000


def ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def test_minute_and_hour_aggregates_are_rolled_up_and_late_data_is_folded_in(plant):
    now = timezone.now().replace(second=0, microsecond=0)
    start = now - dt.timedelta(minutes=5)
    plant.ingest(
        [(start + dt.timedelta(seconds=s), "V101-LT", v) for s, v in ((0, 4.0), (20, 6.0), (40, 5.0), (60, 7.0))],
        now=now,
    )
    rollup.roll(now)
    first = ReadingMinute.objects.get(point=plant.level, bucket=ms(start))
    assert (first.vmin, first.vmax, first.vsum, first.n) == (4.0, 6.0, 15.0, 3)
    plant.ingest([(start + dt.timedelta(seconds=50), "V101-LT", 1.5)], now=now)  # late but in the window
    rollup.roll(now + dt.timedelta(minutes=1))
    first.refresh_from_db()
    assert (first.vmin, first.n) == (1.5, 4)
    hour = ReadingHour.objects.get(point=plant.level)
    assert hour.n == 5 and hour.vmax == 7.0


def test_a_backfill_redo_recomputes_old_buckets(plant):
    old = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(days=3)
    from ansheng.monitoring.ingest import Submission, ingest

    ingest(
        [
            Submission(
                plant.enterprise.pk,
                "csv",
                items=[{"point": "V101-LT", "ts": old.isoformat(), "value": 2.0}],
                max_age_s=None,
            )
        ],
        evaluate=False,
    )
    rollup.roll()
    assert not ReadingMinute.objects.filter(bucket=ms(old)).exists()
    rollup.request_redo(ms(old))
    rollup.roll()
    assert ReadingMinute.objects.get(bucket=ms(old)).vsum == 2.0


def test_retention_deletes_what_is_older_than_each_table_keeps(plant, settings):
    now = timezone.now()
    old = now - dt.timedelta(days=31)
    Reading.objects.bulk_create(
        [Reading(point=plant.level, ts=ms(old), value=1.0), Reading(point=plant.level, ts=ms(now), value=2.0)]
    )
    ReadingMinute.objects.create(
        point=plant.level, bucket=ms(now - dt.timedelta(days=500)), vmin=1, vmax=1, vsum=1, n=1
    )
    Rejection.objects.create(channel="http", code="x", message="x", received_at=now - dt.timedelta(days=100))
    deleted = rollup.apply_retention(now, force=True)
    assert deleted[store.READING_TABLE] == 1 and deleted[store.MINUTE_TABLE] == 1 and deleted["rejections"] == 1
    assert list(Reading.objects.values_list("value", flat=True)) == [2.0]
    assert rollup.apply_retention(now) == {}  # at most once an hour


def test_received_counts_join_minute_and_hour_aggregates(plant):
    hour = 3_600_000
    start = 10 * hour + 30 * MINUTE
    ReadingMinute.objects.create(point=plant.level, bucket=start + 10 * MINUTE, vmin=1, vmax=1, vsum=6, n=6)
    ReadingMinute.objects.create(point=plant.level, bucket=start - MINUTE, vmin=1, vmax=1, vsum=6, n=6)  # before
    ReadingHour.objects.create(point=plant.level, bucket=11 * hour, vmin=1, vmax=1, vsum=360, n=360)
    ReadingHour.objects.create(point=plant.level, bucket=12 * hour, vmin=1, vmax=1, vsum=100, n=100)
    assert store.received_counts([plant.level.pk], start, 12 * hour + 20 * MINUTE) == {plant.level.pk: 466}


def test_alarm_statistics(plant, world):
    now = timezone.now()
    base = now - dt.timedelta(hours=3)
    # Three activations of the level within a minute (chattering), one acknowledged after 2 minutes, closed.
    plant.ingest(
        [
            (base, "V101-LT", 8.5),
            (base + dt.timedelta(seconds=10), "V101-LT", 5.0),
            (base + dt.timedelta(seconds=20), "V101-LT", 8.5),
            (base + dt.timedelta(seconds=30), "V101-LT", 5.0),
            (base + dt.timedelta(seconds=40), "V101-LT", 8.5),
        ],
        now=now,
    )
    alarm = Alarm.objects.get()
    services.do_acknowledge_alarm(
        acting_user=world.users["ent_admin"], alarm_id=alarm.pk, now=base + dt.timedelta(seconds=160)
    )
    plant.ingest([(base + dt.timedelta(seconds=50), "V101-LT", 5.0)], now=now)
    services.do_close_alarm(
        acting_user=world.users["ent_admin"],
        alarm_id=alarm.pk,
        cause="a",
        measures="b",
        now=base + dt.timedelta(minutes=30),
    )
    plant.ingest([(now - dt.timedelta(hours=30), "GT-CL-01", 1.5)], now=now)  # a standing alarm
    data = stats.alarm_stats(world.users["county_b"], days=7)
    assert data["total"] == 4 and data["by_severity"]["warning"] == 4
    assert [p.code for p in data["chattering"]] == ["V101-LT"]
    assert data["time_to_acknowledge"] == {"n": 1, "median_min": 2.0, "p90_min": 2.0}
    assert data["time_to_close"]["median_min"] == 30.0
    assert data["standing"] == 1
    assert data["top_points"][0] == (plant.level, 3)
    assert stats.alarm_stats(world.users["county_a"], days=7)["total"] == 0


def test_plan_rates_and_the_online_report(plant, world):
    from ansheng.hazards.services import do_add_substance, do_create_source

    now = timezone.now()
    plant.ingest(
        [
            (now - dt.timedelta(seconds=5), code, v)
            for code, v in (("V101-LT", 5.0), ("GT-CL-01", 0.1), ("SIS-01", 0.0))
        ],
        now=now,
    )
    rollup.roll(now + dt.timedelta(minutes=1))
    # A second grade-1 source with no points: not monitored online.
    admin = world.users["city_admin"]
    other = do_create_source(
        acting_user=admin,
        enterprise_id=plant.enterprise.pk,
        data={"code": "HS-02", "name": "液氨储罐区", "unit_kind": "storage", "people_within_500m": 150},
    )
    do_add_substance(acting_user=admin, source_id=other.pk, query="液氨", max_quantity_t=500)
    rates = stats.plan_rates(world.users["city"], now=now)
    assert rates["major_hazard_sources"] == {
        "numerator": 1,
        "denominator": 2,
        "rate": 50.0,
        "target": 100.0,
        "met": False,
    }
    # high-risk enterprises in the test city: the chemical plant (monitored) and the mine (not)
    assert (rates["high_risk_enterprises"]["numerator"], rates["high_risk_enterprises"]["denominator"]) == (1, 2)
    assert rates["points"]["online"] == 3 and rates["points"]["never"] == 1
    assert stats.plan_rates(world.users["county_a"], now=now)["major_hazard_sources"]["denominator"] == 0
    report = stats.online_report(world.users["ent_admin"], now=now)
    level_row = next(r for r in report["points"] if r["point"].code == "V101-LT")
    assert (level_row["expected"], level_row["received"], level_row["status"]) == (8640, 1, "online")
    assert report["enterprises"][0]["online"] == 3


def test_map_layer_and_dashboard_sources_respect_the_jurisdiction(plant, world):
    now = timezone.now()
    plant.ingest([(now - dt.timedelta(seconds=5), "V101-LT", 9.5)], now=now)
    features = maps.alarms_layer(world.users["county_b"], LayerQuery())
    assert len(features) == 1
    props = features[0]["properties"]
    assert (props["severity"], props["colour"], props["county"]) == ("major", "orange", "511112")
    assert props["url"].startswith("/monitoring/alarms/")
    assert maps.alarms_layer(world.users["county_a"], LayerQuery()) == []
    assert maps.alarms_layer(world.users["city"], LayerQuery(colour="red")) == []
    assert maps.alarms_layer(world.users["city"], LayerQuery(bbox=(0, 0, 1, 1))) == []
    # the dashboard sources speak the panel protocol (docs/dashboard.md), within the jurisdiction
    from ansheng.dashboard.panels import validate

    panel = validate(maps.alarms_source(world.users["city"], None))
    headline = {item["label"]: item["value"] for item in panel["headline"]}
    assert (headline["报警中"], headline["红色/橙色预警企业"]) == (1, 1)
    assert [(row["level"], row["_colour"]) for row in panel["rows"]] == [("HH", "orange")]
    assert panel["by_region"] == {"511112": 1}
    county_a = validate(maps.alarms_source(world.users["city"], "511102"))
    assert county_a["rows"] == [] and county_a["headline"][0]["value"] == 0
    assert validate(maps.alarms_source(world.users["county_a"], None))["rows"] == []
    rates = validate(maps.online_rates_source(world.users["county_b"], None))
    assert rates["items"][0]["hint"] == "0 / 1，目标 100.0%"  # its one source, not yet monitored online
    assert validate(maps.online_rates_source(world.users["county_a"], None))["items"][0]["value"] is None


def test_hazard_sources_layer(plant, world):
    from ansheng.hazards.maps import hazard_sources_layer

    features = hazard_sources_layer(world.users["county_b"], LayerQuery())
    assert [(f["properties"]["grade"], f["properties"]["colour"]) for f in features] == [(1, "red")]
    assert hazard_sources_layer(world.users["county_a"], LayerQuery()) == []
    assert hazard_sources_layer(world.users["city"], LayerQuery(grade="2")) == []
    assert len(hazard_sources_layer(world.users["city"], LayerQuery(colour="red", q="液氯"))) == 1


def test_the_simulator_feeds_connected_points_and_makes_excursions(plant):
    from ansheng.monitoring.simulator import Simulator

    now = timezone.now()
    plant.ingest(
        [(now - dt.timedelta(seconds=30), "V101-LT", 5.0), (now - dt.timedelta(seconds=30), "SIS-01", 0.0)], now=now
    )
    sim = Simulator(seed=1, excursion_rate=1.0)
    batches = sim.readings(now)
    assert set(batches) == {plant.enterprise.pk}
    assert {item["point"] for item in batches[plant.enterprise.pk]} == {"V101-LT", "SIS-01"}  # the gas never reported
    values = [
        next(
            item["value"]
            for item in sim.readings(now + dt.timedelta(seconds=10 * i))[plant.enterprise.pk]
            if item["point"] == "V101-LT"
        )
        for i in range(1, 20)
    ]
    assert max(values) >= 8.0  # the forced excursion passed H
    assert all(0 <= v <= 10 for v in values)


def test_without_excursions_simulated_values_stay_in_their_normal_band(plant):
    from ansheng.monitoring.simulator import Simulator

    now = timezone.now()
    plant.ingest(
        [
            (now - dt.timedelta(seconds=30), code, v)
            for code, v in (("V101-LT", 5.0), ("GT-CL-01", 0.3), ("SIS-01", 0.0))
        ],
        now=now,
    )
    sim = Simulator(seed=2, excursion_rate=0.0)
    seen: dict[str, list[float]] = {}
    for i in range(200):
        for item in sim.readings(now + dt.timedelta(seconds=10 * i))[plant.enterprise.pk]:
            seen.setdefault(item["point"], []).append(item["value"])
    assert all(1.0 < v < 8.0 for v in seen["V101-LT"])  # between L and H
    assert all(0 <= v < 1.0 for v in seen["GT-CL-01"])  # below the first alarm level
    assert set(seen["SIS-01"]) == {0.0}


def test_backfill_command(plant, tmp_path, capsys):
    from ansheng.cli import main

    now = timezone.now().replace(microsecond=0)
    path = tmp_path / "history.csv"
    rows = (
        ["point,ts,value"]
        + [f"V101-LT,{(now - dt.timedelta(days=2, minutes=i)).isoformat()},{5 + i / 100}" for i in range(10)]
        + ["V101-LT,bad,1", "NOPE,2026-01-01T00:00:00,1"]
    )
    path.write_text("\n".join(rows), "utf-8")
    status = main(["backfill-readings", str(path), "--enterprise", plant.enterprise.credit_code])
    out = capsys.readouterr().out
    assert status == 0 and "12 rows: 10 accepted (10 new), 2 rejected" in out and "invalid_timestamp 1" in out
    assert ReadingMinute.objects.filter(point=plant.level).count() == 10
    assert main(["backfill-readings", str(path), "--enterprise", plant.enterprise.credit_code, "--strict"]) == 3
    assert main(["backfill-readings", str(path), "--enterprise", "91511112MA00000000"]) == 2
