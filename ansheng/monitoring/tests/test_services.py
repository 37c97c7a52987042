"""Every alarm transition and every refusal, through the services and the engine (injected clocks throughout)."""

from __future__ import annotations

import datetime as dt

import pytest

from ansheng.core.audit import verify_chain
from ansheng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ansheng.core.models import AuditEvent
from ansheng.monitoring import engine, services
from ansheng.monitoring.choices import NotifyState, TransitionKind
from ansheng.monitoring.models import Alarm, AlarmTransition, EnterpriseWarning, WarningChange
from ansheng.monitoring.tests.conftest import T0, at

pytestmark = pytest.mark.django_db

LATER = T0 + dt.timedelta(hours=1)


def kinds(alarm):
    return list(alarm.transitions.order_by("at", "id").values_list("kind", flat=True))


def raise_high(plant, value=8.5, t=0):
    plant.ingest([(t, "V101-LT", value)], now=LATER)
    return Alarm.objects.get(point=plant.level, type="high", closed_at__isnull=True)


# --- what the rules raise -----------------------------------------------------------------------------------------


def test_a_reading_past_h_raises_one_unacknowledged_alarm(plant):
    alarm = raise_high(plant)
    assert (alarm.type, alarm.level, alarm.severity, alarm.active, alarm.acknowledged) == (
        "high",
        "h",
        "warning",
        True,
        False,
    )
    assert (alarm.started_at, alarm.first_value, alarm.threshold, alarm.count) == (at(0), 8.5, 8.0, 1)
    assert alarm.hazard_source_id == plant.source.pk and alarm.enterprise_id == plant.enterprise.pk
    transition = alarm.transitions.get()
    assert (transition.kind, transition.notify, transition.value) == (TransitionKind.RAISED, NotifyState.PENDING, 8.5)
    assert AuditEvent.objects.filter(event="alarm.raised", object_id=str(alarm.pk)).exists()


def test_repeats_update_last_value_and_peak_without_new_rows(plant):
    raise_high(plant)
    plant.ingest([(10, "V101-LT", 8.9), (20, "V101-LT", 8.4)], now=LATER)
    alarm = Alarm.objects.get()
    assert (alarm.last_value, alarm.peak_value, alarm.last_at, alarm.count) == (8.4, 8.9, at(20), 1)
    assert kinds(alarm) == [TransitionKind.RAISED]


def test_severity_rises_on_the_same_alarm_and_needs_a_new_acknowledgement(plant, world):
    alarm = raise_high(plant)
    services.do_acknowledge_alarm(acting_user=world.users["ent_admin"], alarm_id=alarm.pk, now=at(5))
    plant.ingest([(10, "V101-LT", 9.3)], now=LATER)
    alarm.refresh_from_db()
    assert (alarm.level, alarm.severity, alarm.acknowledged, alarm.threshold) == ("hh", "major", False, 9.0)
    assert kinds(alarm) == [TransitionKind.RAISED, TransitionKind.ACKNOWLEDGED, TransitionKind.SEVERITY_RAISED]
    assert Alarm.objects.count() == 1


def test_clearing_keeps_the_alarm_open_and_a_repeat_reactivates_it(plant):
    raise_high(plant)
    plant.ingest([(10, "V101-LT", 7.7)], now=LATER)
    alarm = Alarm.objects.get()
    assert (alarm.active, alarm.cleared_at, alarm.closed_at) == (False, at(10), None)
    plant.ingest([(20, "V101-LT", 8.2)], now=LATER)
    alarm.refresh_from_db()
    assert (alarm.active, alarm.count, alarm.activated_at, alarm.started_at, alarm.cleared_at) == (
        True,
        2,
        at(20),
        at(0),
        None,
    )
    assert kinds(alarm) == [TransitionKind.RAISED, TransitionKind.CLEARED, TransitionKind.REACTIVATED]


def test_deadband_prevents_chattering_at_the_threshold(plant):
    raise_high(plant, 8.05)
    plant.ingest([(10, "V101-LT", 7.9), (20, "V101-LT", 8.02), (30, "V101-LT", 7.85)], now=LATER)
    assert kinds(Alarm.objects.get()) == [TransitionKind.RAISED]


def test_after_closing_a_new_excursion_opens_a_new_alarm(plant, world):
    first = raise_high(plant)
    plant.ingest([(10, "V101-LT", 5.0)], now=LATER)
    services.do_close_alarm(
        acting_user=world.users["ent_admin"],
        alarm_id=first.pk,
        cause="进料阀误开",
        measures="关闭进料阀，复核液位计",
        now=LATER,
    )
    second = raise_high(plant, t=20)
    assert second.pk != first.pk and Alarm.objects.count() == 2


def test_low_side_and_gas_levels_and_the_sis_trip(plant):
    plant.ingest([(0, "V101-LT", 0.9), (0, "GT-CL-01", 2.5), (0, "SIS-01", 1)], now=LATER)
    low = Alarm.objects.get(type="low")
    gas = Alarm.objects.get(type="high", point=plant.gas)
    sis = Alarm.objects.get(type="state")
    assert (low.level, low.severity) == ("l", "warning")
    assert (gas.level, gas.severity) == ("gas2", "major")
    assert (sis.level, sis.severity) == ("trip", "critical")


def test_the_on_delay_holds_the_alarm_until_the_sweep_sees_the_delay_out(plant, world):
    services.do_update_point(acting_user=world.users["ent_admin"], point_id=plant.level.pk, changes={"on_delay_s": 30})
    plant.ingest([(0, "V101-LT", 8.5)], now=at(1))
    assert not Alarm.objects.exists()
    engine.sweep_points(at(20))
    assert not Alarm.objects.exists()
    engine.sweep_points(at(35))
    alarm = Alarm.objects.get()
    assert alarm.activated_at == at(30)


# --- no data and communications lost ----------------------------------------------------------------------------


def test_a_silent_point_raises_no_data_and_the_next_reading_clears_it(plant):
    plant.ingest([(0, "V101-LT", 5.0), (0, "GT-CL-01", 0.1)], now=at(1))
    plant.ingest([(200, "GT-CL-01", 0.1)], now=at(201))  # the detector keeps reporting: no communications loss
    engine.sweep_points(at(210))
    alarm = Alarm.objects.get(type="no_data")
    assert (alarm.point_id, alarm.severity, alarm.started_at) == (plant.level.pk, "minor", at(120))
    plant.ingest([(215, "V101-LT", 5.0)], now=at(216))
    alarm.refresh_from_db()
    assert (alarm.active, alarm.cleared_at) == (False, at(215))


def test_communications_lost_is_one_alarm_that_mutes_the_points_no_data(plant, settings):
    settings.MONITORING_COMM_LOST_AFTER_S = 300
    plant.ingest([(0, "V101-LT", 5.0), (0, "GT-CL-01", 0.1), (0, "SIS-01", 0)], now=at(1))
    engine.sweep_points(at(400))
    assert list(Alarm.objects.values_list("type", flat=True)) == ["comm_lost"]
    comm = Alarm.objects.get()
    assert (comm.point_id, comm.enterprise_id, comm.started_at, comm.severity) == (
        None,
        plant.enterprise.pk,
        at(300),
        "warning",
    )
    engine.sweep_points(at(500))
    assert Alarm.objects.count() == 1
    plant.ingest([(600, "V101-LT", 5.0)], now=at(601))
    engine.sweep_points(at(602))
    comm.refresh_from_db()
    assert comm.active is False


def test_a_point_that_never_reported_raises_nothing(plant):
    engine.sweep_points(at(10_000))
    assert not Alarm.objects.exists()


# --- people's transitions and their refusals -----------------------------------------------------------------------


def test_acknowledge(plant, world):
    alarm = raise_high(plant)
    services.do_acknowledge_alarm(acting_user=world.users["ent_staff"], alarm_id=alarm.pk, note="已派人查看", now=LATER)
    alarm.refresh_from_db()
    assert (alarm.acknowledged, alarm.acknowledged_at, alarm.acknowledged_by) == (True, LATER, world.users["ent_staff"])
    assert alarm.transitions.last().note == "已派人查看"
    with pytest.raises(Conflict) as error:
        services.do_acknowledge_alarm(acting_user=world.users["ent_admin"], alarm_id=alarm.pk)
    assert error.value.code == "already_acknowledged"


def test_the_county_may_acknowledge_but_not_close_and_other_counties_see_nothing(plant, world):
    alarm = raise_high(plant)
    with pytest.raises(NotFound):
        services.do_acknowledge_alarm(acting_user=world.users["county_a"], alarm_id=alarm.pk)
    with pytest.raises(NotFound):
        services.do_acknowledge_alarm(acting_user=world.users["other_ent_admin"], alarm_id=alarm.pk)
    with pytest.raises(NotFound):
        services.do_acknowledge_alarm(acting_user=world.users["public"], alarm_id=alarm.pk)
    with pytest.raises(PermissionDenied):
        services.do_acknowledge_alarm(acting_user=world.users["expert"], alarm_id=alarm.pk)
    services.do_acknowledge_alarm(acting_user=world.users["county_b"], alarm_id=alarm.pk)
    plant.ingest([(10, "V101-LT", 5.0)], now=LATER)
    with pytest.raises(PermissionDenied):
        services.do_close_alarm(acting_user=world.users["county_b"], alarm_id=alarm.pk, cause="x", measures="y")


def test_shelving_needs_a_reason_and_an_expiry_within_the_limit(plant, world):
    alarm = raise_high(plant)
    admin = world.users["ent_admin"]
    with pytest.raises(ValidationFailed) as error:
        services.do_shelve_alarm(
            acting_user=admin, alarm_id=alarm.pk, until=LATER + dt.timedelta(hours=1), reason=" ", now=LATER
        )
    assert (error.value.code, error.value.field) == ("required", "reason")
    with pytest.raises(ValidationFailed) as error:
        services.do_shelve_alarm(acting_user=admin, alarm_id=alarm.pk, until=LATER, reason="检修", now=LATER)
    assert error.value.code == "in_the_past"
    with pytest.raises(ValidationFailed) as error:
        services.do_shelve_alarm(
            acting_user=admin, alarm_id=alarm.pk, until=LATER + dt.timedelta(hours=25), reason="检修", now=LATER
        )
    assert error.value.code == "too_long"
    with pytest.raises(PermissionDenied):
        services.do_shelve_alarm(
            acting_user=world.users["ent_staff"],
            alarm_id=alarm.pk,
            until=LATER + dt.timedelta(hours=1),
            reason="检修",
            now=LATER,
        )
    services.do_shelve_alarm(
        acting_user=admin, alarm_id=alarm.pk, until=LATER + dt.timedelta(hours=1), reason="液位计标定", now=LATER
    )
    alarm.refresh_from_db()
    assert alarm.is_shelved(LATER) and alarm.shelve_reason == "液位计标定"
    assert alarm.transitions.last().notify == NotifyState.SKIPPED


def test_shelving_expires_by_itself(plant, world):
    alarm = raise_high(plant)
    services.do_shelve_alarm(
        acting_user=world.users["ent_admin"],
        alarm_id=alarm.pk,
        until=LATER + dt.timedelta(minutes=30),
        reason="检修",
        now=LATER,
    )
    assert engine.expire_shelving(LATER + dt.timedelta(minutes=29)) == set()
    assert engine.expire_shelving(LATER + dt.timedelta(minutes=31)) == {plant.enterprise.pk}
    alarm.refresh_from_db()
    assert alarm.shelved_until is None
    last = alarm.transitions.last()
    assert (last.kind, last.notify, last.actor_name) == (TransitionKind.UNSHELVED, NotifyState.PENDING, "system")


def test_unshelve_refuses_an_alarm_that_is_not_shelved(plant, world):
    alarm = raise_high(plant)
    with pytest.raises(Conflict) as error:
        services.do_unshelve_alarm(acting_user=world.users["ent_admin"], alarm_id=alarm.pk)
    assert error.value.code == "not_shelved"
    services.do_shelve_alarm(
        acting_user=world.users["ent_admin"],
        alarm_id=alarm.pk,
        until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
        reason="检修",
    )
    services.do_unshelve_alarm(acting_user=world.users["ent_admin"], alarm_id=alarm.pk)
    assert kinds(alarm)[-1] == TransitionKind.UNSHELVED


def test_closing_needs_the_handling_feedback_and_a_cleared_alarm(plant, world):
    alarm = raise_high(plant)
    admin = world.users["ent_admin"]
    with pytest.raises(ValidationFailed) as error:
        services.do_close_alarm(acting_user=admin, alarm_id=alarm.pk, cause="", measures="")
    assert [(e.field, e.code) for e in error.value.errors] == [("cause", "required"), ("measures", "required")]
    with pytest.raises(Conflict) as error:
        services.do_close_alarm(acting_user=admin, alarm_id=alarm.pk, cause="进料过量", measures="停止进料")
    assert error.value.code == "still_active"
    plant.ingest([(10, "V101-LT", 6.0)], now=LATER)
    services.do_close_alarm(
        acting_user=world.users["ent_staff"],
        alarm_id=alarm.pk,
        cause="进料过量",
        measures="停止进料，倒罐至2#罐",
        note="班长签字",
        now=LATER,
    )
    alarm.refresh_from_db()
    assert (alarm.closed_at, alarm.cause, alarm.measures, alarm.acknowledged) == (
        LATER,
        "进料过量",
        "停止进料，倒罐至2#罐",
        True,
    )
    with pytest.raises(Conflict) as error:
        services.do_acknowledge_alarm(acting_user=admin, alarm_id=alarm.pk)
    assert error.value.code == "closed"
    with pytest.raises(Conflict):
        services.do_close_alarm(acting_user=admin, alarm_id=alarm.pk, cause="a", measures="b")
    assert AuditEvent.objects.filter(event="alarm.closed").exists()
    assert verify_chain().ok


# --- maintenance windows -------------------------------------------------------------------------------------------


def test_an_alarm_inside_a_maintenance_window_is_recorded_but_not_announced(plant, world):
    services.do_create_maintenance_window(
        acting_user=world.users["ent_admin"],
        enterprise_id=plant.enterprise.pk,
        starts_at=T0 - dt.timedelta(hours=1),
        ends_at=T0 + dt.timedelta(hours=2),
        reason="检修",
        hazard_source=plant.source.pk,
        now=T0,
    )
    alarm = raise_high(plant)
    assert alarm.suppressed and alarm.transitions.get().notify == NotifyState.SKIPPED
    plant.ingest([(10, "V101-LT", 5.0)], now=LATER)
    alarm.refresh_from_db()
    assert alarm.closed_at is not None  # raised and returned inside maintenance: closed by the system
    assert kinds(alarm) == [TransitionKind.RAISED, TransitionKind.CLEARED, TransitionKind.CLOSED]


def test_an_alarm_still_active_when_maintenance_ends_is_announced(plant, world):
    window = services.do_create_maintenance_window(
        acting_user=world.users["ent_admin"],
        enterprise_id=plant.enterprise.pk,
        starts_at=T0 - dt.timedelta(hours=1),
        ends_at=T0 + dt.timedelta(hours=2),
        reason="检修",
        now=T0,
    )
    alarm = raise_high(plant)
    engine.end_maintenance(at(60))
    alarm.refresh_from_db()
    assert alarm.suppressed
    services.do_cancel_maintenance_window(acting_user=world.users["ent_admin"], window_id=window.pk, now=at(120))
    engine.end_maintenance(at(121))
    alarm.refresh_from_db()
    assert not alarm.suppressed
    assert alarm.transitions.last().kind == TransitionKind.UNSUPPRESSED


@pytest.mark.parametrize(
    ("delta_start", "delta_end", "code"),
    [(0, -1, "end_before_start"), (-3, -2, "in_the_past"), (0, 24 * 31, "too_long")],
)
def test_maintenance_window_refusals(plant, world, delta_start, delta_end, code):
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(ValidationFailed) as error:
        services.do_create_maintenance_window(
            acting_user=world.users["ent_admin"],
            enterprise_id=plant.enterprise.pk,
            starts_at=now + dt.timedelta(hours=delta_start),
            ends_at=now + dt.timedelta(hours=delta_end),
            reason="检修",
        )
    assert error.value.code == code
    with pytest.raises(PermissionDenied):
        services.do_create_maintenance_window(
            acting_user=world.users["county_b"],
            enterprise_id=plant.enterprise.pk,
            starts_at=now,
            ends_at=now + dt.timedelta(hours=1),
            reason="x",
        )


# --- early warning -----------------------------------------------------------------------------------------------


def test_the_enterprise_warning_follows_its_alarms(plant, world):
    assert services.enterprise_warning_colour(plant.enterprise.pk) is None
    plant.ingest([(0, "V101-LT", 8.5)], now=at(1))
    assert services.enterprise_warning_colour(plant.enterprise.pk) == "yellow"
    plant.ingest([(10, "V101-LT", 9.5)], now=at(11))
    assert services.enterprise_warning_colour(plant.enterprise.pk) == "orange"
    plant.ingest([(20, "SIS-01", 1)], now=at(21))
    assert services.enterprise_warning_colour(plant.enterprise.pk) == "red"
    assert services.enterprise_warning_colours() == {plant.enterprise.pk: "red"}
    assert list(WarningChange.objects.order_by("at", "id").values_list("colour", flat=True)) == [
        "yellow",
        "orange",
        "red",
    ]
    assert AuditEvent.objects.filter(event="monitoring.warning_changed").count() == 3
    warning = EnterpriseWarning.objects.get()
    assert warning.reasons[0]["code"] == "red_severity"


def test_a_serious_alarm_left_unacknowledged_turns_the_warning_red(plant):
    plant.ingest([(0, "V101-LT", 9.5)], now=at(1))
    assert engine.refresh_warnings([plant.enterprise.pk], at(10)) == {}
    assert services.enterprise_warning_colour(plant.enterprise.pk) == "orange"
    assert engine.refresh_warnings([plant.enterprise.pk], at(31 * 60)) == {plant.enterprise.pk: "red"}


def test_shelved_alarms_do_not_count_in_the_warning(plant, world):
    alarm = raise_high(plant)
    services.do_shelve_alarm(
        acting_user=world.users["ent_admin"],
        alarm_id=alarm.pk,
        until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
        reason="标定",
    )
    assert services.enterprise_warning_colour(plant.enterprise.pk) is None


# --- points -------------------------------------------------------------------------------------------------------


def test_a_point_code_never_changes_and_other_enterprises_cannot_edit(plant, world):
    with pytest.raises(ValidationFailed) as error:
        services.do_update_point(
            acting_user=world.users["ent_admin"], point_id=plant.level.pk, changes={"code": "OTHER"}
        )
    assert error.value.code == "code_immutable"
    with pytest.raises(NotFound):
        services.do_update_point(acting_user=world.users["other_ent_admin"], point_id=plant.level.pk, changes={"h": 7})
    with pytest.raises(PermissionDenied):
        services.do_update_point(acting_user=world.users["ent_staff"], point_id=plant.level.pk, changes={"h": 7})


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"range_min": 10, "range_max": 0}, "range_max", "range_inverted"),
        ({"h": 9, "hh": 8}, "hh", "thresholds_out_of_order"),
        ({"h": 12}, "h", "threshold_outside_range"),
        ({"unit": "ft"}, "unit", "invalid_unit"),
        ({"code": "has space"}, "code", "invalid_code"),
        ({"code": "V101-LT"}, "code", "unique"),
        ({"hazard_source": 999999}, "hazard_source", "foreign_source"),
        ({"colour": "red"}, "colour", "unknown_field"),
    ],
)
def test_point_validation(plant, world, data, field, code):
    base = {"code": "P-2", "name": "2#罐液位", "kind": "level", "unit": "m", "range_min": 0, "range_max": 10}
    with pytest.raises(ValidationFailed) as error:
        services.do_create_point(
            acting_user=world.users["ent_admin"], enterprise_id=plant.enterprise.pk, data={**base, **data}
        )
    assert (error.value.errors[0].field, error.value.errors[0].code) == (field, code)


def test_gas_and_discrete_point_rules(plant, world):
    admin = world.users["ent_admin"]
    with pytest.raises(ValidationFailed) as error:
        services.do_create_point(
            acting_user=admin,
            enterprise_id=plant.enterprise.pk,
            data={"code": "G2", "name": "可燃", "kind": "gas_combustible", "range_min": 0, "range_max": 100, "l": 5},
        )
    assert error.value.code == "gas_with_low_thresholds"
    with pytest.raises(ValidationFailed) as error:
        services.do_create_point(
            acting_user=admin,
            enterprise_id=plant.enterprise.pk,
            data={"code": "V2", "name": "视频", "kind": "video", "h": 1},
        )
    assert error.value.code == "discrete_with_thresholds"
    video = services.do_create_point(
        acting_user=admin,
        enterprise_id=plant.enterprise.pk,
        data={"code": "CAM-1", "name": "罐区视频", "kind": "video"},
    )
    assert (video.normal_value, video.range_min, video.range_max, video.unit) == (1.0, 0, 1, "")


def test_every_transition_is_a_row_and_an_audit_event(plant, world):
    alarm = raise_high(plant)
    services.do_acknowledge_alarm(acting_user=world.users["ent_admin"], alarm_id=alarm.pk)
    plant.ingest([(10, "V101-LT", 6.0)], now=LATER)
    services.do_close_alarm(acting_user=world.users["ent_admin"], alarm_id=alarm.pk, cause="a", measures="b")
    rows = AlarmTransition.objects.filter(alarm=alarm).count()
    events = AuditEvent.objects.filter(object_type="monitoring.alarm", object_id=str(alarm.pk)).count()
    assert rows == events == 4
    assert verify_chain().ok


def test_just_after_a_restart_silence_raises_nothing_but_what_resumed_clears(plant, settings):
    settings.MONITORING_COMM_LOST_AFTER_S = 300
    plant.ingest([(0, "V101-LT", 5.0), (0, "GT-CL-01", 0.1), (0, "SIS-01", 0)], now=at(1))
    engine.sweep_points(at(400), detect_silence=False)
    assert not Alarm.objects.exists()
    engine.sweep_points(at(400))
    comm = Alarm.objects.get(type="comm_lost")
    plant.ingest([(500, "V101-LT", 5.0)], now=at(501))
    engine.sweep_points(at(502), detect_silence=False)
    comm.refresh_from_db()
    assert not comm.active
