"""The ingest service: validation with a reason for every refusal, bulk storage, idempotency, live state."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ansheng.monitoring.ingest import Submission, ingest, parse_payload
from ansheng.monitoring.models import Alarm, PointState, Reading, Rejection
from ansheng.monitoring.tests.conftest import T0, at

pytestmark = pytest.mark.django_db

NOW = T0 + dt.timedelta(minutes=10)


def test_it_stores_valid_readings_and_keeps_the_last_as_the_live_value(plant):
    result, totals = plant.ingest([(0, "V101-LT", 5.0), (10, "V101-LT", 5.1), (10, "GT-CL-01", 0.1)], now=NOW)
    assert (result.accepted, result.duplicates, result.rejected) == (3, 0, [])
    assert (totals.stored, totals.evaluated) == (3, 3)
    assert list(Reading.objects.filter(point=plant.level).order_by("ts").values_list("value", flat=True)) == [5.0, 5.1]
    state = PointState.objects.get(point=plant.level)
    assert state.last_value == 5.1 and state.last_at == at(10)


def test_a_reading_sent_twice_is_stored_once_and_raises_one_alarm(plant):
    batch = [(0, "V101-LT", 9.5), (10, "V101-LT", 9.6)]
    plant.ingest(batch, now=NOW)
    result, totals = plant.ingest(batch, now=NOW)
    assert (result.accepted, result.duplicates, totals.stored, totals.evaluated) == (2, 2, 0, 0)
    assert Reading.objects.filter(point=plant.level).count() == 2
    assert Alarm.objects.count() == 1
    assert Alarm.objects.get().transitions.count() == 1


def test_duplicates_inside_one_batch_keep_the_first(plant):
    result, _totals = plant.ingest([(0, "V101-LT", 5.0), (0, "V101-LT", 6.0)], now=NOW)
    assert (result.accepted, result.duplicates) == (2, 1)
    assert Reading.objects.get(point=plant.level).value == 5.0


def test_a_retransmission_mixed_with_new_readings_stores_only_the_new_ones(plant):
    plant.ingest([(0, "V101-LT", 5.0)], now=NOW)
    result, totals = plant.ingest([(0, "V101-LT", 5.0), (10, "V101-LT", 5.2)], now=NOW)
    assert (result.duplicates, totals.stored) == (1, 1)
    assert Reading.objects.filter(point=plant.level).count() == 2


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ({"point": "NOPE", "ts": "2026-05-01T08:00:00+08:00", "value": 1}, "unknown_point"),
        ({"point": "V101-LT-M", "ts": "2026-05-01T08:00:00+08:00", "value": 1}, "foreign_point"),
        ({"point": "V101-LT", "ts": "2026-05-01T08:00:00+08:00", "value": float("nan")}, "not_finite"),
        ({"point": "V101-LT", "ts": "2026-05-01T08:00:00+08:00", "value": float("inf")}, "not_finite"),
        ({"point": "V101-LT", "ts": "2026-05-01T08:00:00+08:00", "value": "5"}, "not_a_number"),
        ({"point": "V101-LT", "ts": "2026-05-01T08:00:00+08:00", "value": True}, "not_a_number"),
        ({"point": "V101-LT", "ts": "2026-05-01T08:00:00+08:00"}, "missing_value"),
        ({"point": "V101-LT", "ts": "2026-05-01T08:00:00+08:00", "value": 10.5}, "out_of_range"),
        ({"point": "V101-LT", "ts": "2026-05-01T08:00:00+08:00", "value": -0.1}, "out_of_range"),
        ({"point": "V101-LT", "ts": "2026-05-01T08:00:00+08:00", "value": 10**400}, "out_of_range"),
        ({"point": "V101-LT", "ts": "2026-05-01T09:00:00+08:00", "value": 1}, "future_timestamp"),
        ({"point": "V101-LT", "ts": "2026-03-01T08:00:00+08:00", "value": 1}, "too_old"),
        ({"point": "V101-LT", "ts": "yesterday", "value": 1}, "invalid_timestamp"),
        ({"point": "V101-LT", "ts": [], "value": 1}, "invalid_timestamp"),
        ({"point": "V101-LT", "value": 1}, "missing_ts"),
        ({"ts": "2026-05-01T08:00:00+08:00", "value": 1}, "missing_point"),
        ({"point": 7, "ts": "2026-05-01T08:00:00+08:00", "value": 1}, "missing_point"),
        ([1, 2, 3], "invalid_item"),
    ],
)
def test_each_bad_reading_goes_to_the_rejection_log_with_its_reason(plant, item, code):
    result, totals = plant.ingest(
        [{"point": "V101-LT", "ts": "2026-05-01T07:59:00+08:00", "value": 5.0}, item], now=NOW
    )
    assert result.accepted == 1
    assert [(r["index"], r["code"]) for r in result.rejected] == [(1, code)]
    assert totals.stored == 1
    row = Rejection.objects.get()
    assert (row.code, row.index, row.enterprise_id, row.region_code, row.channel) == (
        code,
        1,
        plant.enterprise.pk,
        "511112",
        "http",
    )
    assert row.message


def test_a_point_out_of_service_refuses_readings(plant, world):
    from ansheng.monitoring.services import do_update_point

    do_update_point(acting_user=world.users["ent_admin"], point_id=plant.level.pk, changes={"in_service": False})
    result, _totals = plant.ingest([(0, "V101-LT", 5.0)], now=NOW)
    assert [r["code"] for r in result.rejected] == ["point_out_of_service"]


def test_a_changed_range_applies_at_once_in_this_process(plant, world):
    from ansheng.monitoring.services import do_update_point

    plant.ingest([(0, "V101-LT", 5.0)], now=NOW)
    do_update_point(acting_user=world.users["ent_admin"], point_id=plant.level.pk, changes={"range_max": 12})
    result, _totals = plant.ingest([(10, "V101-LT", 11.0)], now=NOW)
    assert result.rejected == []


def test_a_point_created_in_another_process_is_found_on_a_miss(plant, world):
    from ansheng.monitoring.ingest import directory
    from ansheng.monitoring.models import MonitoringPoint, PointState

    directory.get(plant.enterprise.pk)  # cached without the new point
    new = MonitoringPoint.objects.create(
        enterprise=plant.enterprise, code="NEW-1", name="新测点", kind="pressure", unit="MPa", range_min=0, range_max=2
    )
    PointState.objects.create(point=new)
    directory._entries[plant.enterprise.pk] = (
        0.0,
        directory._entries[plant.enterprise.pk][1],
        directory._entries[plant.enterprise.pk][2],
    )
    result, _totals = plant.ingest([(0, "NEW-1", 1.0)], now=NOW)
    assert result.rejected == [] and result.accepted == 1


def test_timestamps_without_an_offset_are_beijing_time_and_epoch_numbers_are_accepted(plant):
    plant.ingest(
        [
            {"point": "V101-LT", "ts": "2026-05-01T08:00:00", "value": 1.5},
            {"point": "V101-LT", "ts": int(at(10).timestamp()), "value": 1.6},
            {"point": "V101-LT", "ts": int(at(20).timestamp() * 1000), "value": 1.7},
            {"point": "V101-LT", "ts": "2026-05-01T00:00:30Z", "value": 1.8},
        ],
        now=NOW,
    )
    stamps = list(Reading.objects.filter(point=plant.level).order_by("ts").values_list("ts", flat=True))
    base = int(T0.timestamp() * 1000)
    assert stamps == [base, base + 10_000, base + 20_000, base + 30_000]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "malformed_json"),
        (b"\xff\xfe", "malformed_json"),
        (b'{"data": []}', "invalid_body"),
        (b"[]", "invalid_body"),
        (b'{"readings": {}}', "invalid_body"),
    ],
)
def test_a_message_that_is_not_a_readings_body_is_logged_whole(plant, body, code):
    items, error = parse_payload(body)
    assert items is None and error[0] == code
    text = body.decode("utf-8", "replace")
    results, _totals = ingest([Submission(plant.enterprise.pk, "mqtt", error=error, payload=text, source="topic")])
    row = Rejection.objects.get()
    assert (row.code, row.index, row.channel, row.source) == (code, None, "mqtt", "topic")
    assert results[0].rejected == [{"index": None, "code": code, "message": str(error[1])}]


def test_nan_in_json_text_is_refused_not_stored(plant):
    body = b'{"readings": [{"point": "V101-LT", "ts": "2026-05-01T08:00:00+08:00", "value": NaN}]}'
    items, error = parse_payload(body)
    assert error is None
    results, _totals = ingest([Submission(plant.enterprise.pk, "http", items=items)], now=NOW)
    assert results[0].rejected[0]["code"] == "not_finite"
    assert not Reading.objects.exists()


def test_an_unknown_enterprise_is_refused_with_its_county(db):
    results, _totals = ingest([Submission(None, "mqtt", items=[], region_code="511112", source="x")])
    assert results[0].rejected[0]["code"] == "unknown_enterprise"
    assert Rejection.objects.get().region_code == "511112"


def test_too_many_readings_in_one_message_are_refused(plant, settings):
    settings.MONITORING_MAX_READINGS_PER_REQUEST = 2
    results, _totals = ingest([Submission(plant.enterprise.pk, "http", items=[{}, {}, {}])], now=NOW)
    assert results[0].rejected[0]["code"] == "too_many_readings"


def test_late_readings_are_stored_but_change_no_alarm(plant):
    plant.ingest([(100, "V101-LT", 5.0)], now=NOW)
    _result, totals = plant.ingest([(50, "V101-LT", 9.9)], now=NOW)
    assert (totals.stored, totals.evaluated) == (1, 0)
    assert not Alarm.objects.exists()
    assert PointState.objects.get(point=plant.level).last_value == 5.0


def test_backfill_may_store_old_readings(plant):
    old = timezone.now() - dt.timedelta(days=200)
    results, totals = ingest(
        [
            Submission(
                plant.enterprise.pk,
                "csv",
                items=[{"point": "V101-LT", "ts": old.isoformat(), "value": 3.0}],
                max_age_s=None,
            )
        ],
        evaluate=False,
    )
    assert results[0].rejected == [] and totals.stored == 1 and totals.evaluated == 0


def test_many_submissions_in_one_call_each_bound_to_its_enterprise(plant):
    results, totals = ingest(
        [
            Submission(
                plant.enterprise.pk, "mqtt", items=[{"point": "V101-LT", "ts": at(0).isoformat(), "value": 2.0}]
            ),
            Submission(
                plant.world.enterprises["mine_a"].pk,
                "mqtt",
                items=[
                    {"point": "V101-LT-M", "ts": at(0).isoformat(), "value": 2.0},
                    {"point": "V101-LT", "ts": at(0).isoformat(), "value": 2.0},
                ],
            ),
        ],
        now=NOW,
    )
    assert totals.stored == 2
    assert results[1].rejected[0]["code"] == "foreign_point"
