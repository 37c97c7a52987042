"""The accident register's write path: reporting and its clock, grading and re-grading at the window's edges, the
report lifecycle with every transition and refusal, the investigation and "四不放过"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ansheng.accidents import clock, services
from ansheng.accidents.choices import MeasureStatus, Sector, Source, Status, StepState
from ansheng.accidents.models import Accident, FigureChange
from ansheng.accidents.tests.factories import at, bureau_report, report, step
from ansheng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ansheng.core.models import AuditEvent

pytestmark = pytest.mark.django_db

OCCURRED = at(2026, 3, 10, 14, 0)


def events(accident: Accident, name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="accidents.accident", object_id=str(accident.pk), event=name))


# --- reporting ----------------------------------------------------------------------------------------------------


def test_an_enterprise_reports_its_own_accident_and_the_county_clock_starts(world):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=1, serious_injuries=2, direct_loss="120.5")
    chem = world.enterprises["chem_b"]
    assert (accident.enterprise_id, accident.county_id, accident.unit_name) == (chem.pk, "511112", chem.name)
    assert accident.number == "SG511112-2026-0001" and accident.source == Source.ENTERPRISE
    assert (accident.grade, accident.sector, accident.category) == (1, Sector.CHEMICALS, "chem_production")
    assert accident.status == Status.REPORTED and accident.in_statistics
    unit = step(accident, "enterprise", "county")
    # Learned 14:10, reported 14:20: on time, and the county's 2 hours run from 14:20.
    assert (unit.state, unit.done_at, unit.deadline, unit.late_seconds) == (
        StepState.DONE,
        at(2026, 3, 10, 14, 20),
        at(2026, 3, 10, 15, 10),
        None,
    )
    assert step(accident, "county", "city").deadline == at(2026, 3, 10, 16, 20)
    assert step(accident, "county", "county_government").deadline == at(2026, 3, 10, 16, 20)
    # A 一般 accident goes up to the city only (493号令 第十条): no provincial link.
    assert not accident.steps.filter(recipient="province").exists()
    assert accident.next_followup_due == at(2026, 3, 11, 14, 20)
    assert accident.recount_until == at(2026, 4, 10)
    [event] = events(accident, "accident.reported")
    assert event.actor == world.users["ent_admin"] and event.data["grade"] == 1


def test_a_late_report_is_marked_with_its_delay_and_the_county_runs_from_its_receipt(world):
    accident = report(
        world.users["ent_admin"],
        occurred=OCCURRED,
        learned=at(2026, 3, 10, 14, 0),
        now=at(2026, 3, 10, 15, 30),
        deaths=1,
    )
    unit = step(accident, "enterprise", "county")
    assert unit.late_seconds == 1800 and unit.deadline == at(2026, 3, 10, 15, 0)
    assert step(accident, "county", "city").deadline == at(2026, 3, 10, 17, 30)
    assert clock.late_summary(accident)[0]["late"] == "30分"


def test_a_bureau_reports_an_accident_the_unit_did_not_report(world):
    accident = bureau_report(
        world.users["county_a"],
        "511102",
        occurred=OCCURRED,
        sector=Sector.ROAD_TRAFFIC,
        bureau_learned_at=at(2026, 3, 10, 16, 0),
        now=at(2026, 3, 10, 16, 5),
        deaths=2,
    )
    assert accident.source == Source.BUREAU and accident.category == "road_transport"
    assert accident.learned_at == OCCURRED  # the unit's own moment unknown: the strictest reading
    assert step(accident, "enterprise", "county").state == StepState.NOT_REPORTED
    # The county received it at 16:00, when it learned of it.
    assert step(accident, "county", "city").deadline == at(2026, 3, 10, 18, 0)
    assert accident.recount_until == at(2026, 3, 18)  # road traffic: 7 days


def test_a_bureau_names_a_registered_enterprise_within_its_jurisdiction(world):
    accident = bureau_report(
        world.users["county_a"], "511102", occurred=OCCURRED, enterprise=world.enterprises["mine_a"].pk, deaths=1
    )
    assert accident.enterprise == world.enterprises["mine_a"] and accident.sector == Sector.METAL_MINE
    with pytest.raises(ValidationFailed) as caught:
        bureau_report(world.users["county_a"], "511102", occurred=OCCURRED, enterprise=world.enterprises["chem_b"].pk)
    assert (caught.value.code, caught.value.field) == ("unknown_enterprise", "enterprise")


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"place": ""}, "required", "place"),
        ({"occurred_at": at(2026, 3, 10, 15, 0)}, "in_future", "occurred_at"),
        ({"learned_at": at(2026, 3, 10, 13, 0)}, "before_occurrence", "learned_at"),
        ({"poisonings": 3, "serious_injuries": 2}, "poisonings_exceed_serious", "poisonings"),
        ({"deaths": -1}, "invalid_number", "deaths"),
        ({"deaths": "两人"}, "invalid_number", "deaths"),
        ({"direct_loss": "很多"}, "invalid_number", "direct_loss"),
        ({"type_2025": "WSA19999"}, "invalid_wsa_code", "type_2025"),
        ({"type_1986": 21}, "invalid_choice", "type_1986"),
        ({"sector": "space"}, "invalid_choice", "sector"),
        ({"industry_code": "C99"}, "unknown_division", "industry_code"),
        ({"colour": "red"}, "unknown_field", "colour"),
        ({"occurred_at": "yesterday"}, "invalid_datetime", "occurred_at"),
    ],
)
def test_a_bad_report_is_refused_with_the_field(world, changes, code, field):
    data = {"occurred_at": at(2026, 3, 10, 14, 0), "learned_at": at(2026, 3, 10, 14, 5), **changes}
    with pytest.raises(ValidationFailed) as caught:
        report(
            world.users["ent_admin"],
            occurred=data.pop("occurred_at"),
            learned=data.pop("learned_at"),
            now=at(2026, 3, 10, 14, 30),
            **data,
        )
    assert any((e.code, e.field) == (code, field) for e in caught.value.errors), caught.value.errors
    assert not Accident.objects.exists()


def test_a_county_reports_only_in_its_own_county(world):
    with pytest.raises(ValidationFailed) as caught:
        bureau_report(world.users["county_a"], "511112", occurred=OCCURRED)
    assert caught.value.code == "outside_jurisdiction"
    with pytest.raises(ValidationFailed) as caught:
        bureau_report(world.users["city"], "511100", occurred=OCCURRED)
    assert caught.value.code == "invalid_county"


@pytest.mark.parametrize("persona", ["ent_staff", "public", "dept_transport", "inspector", "expert"])
def test_only_the_unit_and_the_bureaus_file_reports(world, persona):
    with pytest.raises(PermissionDenied):
        report(world.users[persona], occurred=OCCURRED, county="511102", unit_name="x")


def test_numbers_run_per_county_and_year(world):
    first = bureau_report(world.users["county_a"], "511102", occurred=OCCURRED)
    second = bureau_report(world.users["county_a"], "511102", occurred=OCCURRED)
    other = bureau_report(world.users["county_a"], "511102", occurred=at(2025, 12, 31, 23, 0), now=at(2026, 1, 1, 1, 0))
    assert [first.number, second.number, other.number] == [
        "SG511102-2026-0001",
        "SG511102-2026-0002",
        "SG511102-2025-0001",
    ]


# --- grading ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "grade"),
    [
        ({"deaths": 2, "serious_injuries": 9, "direct_loss": "999.99"}, 1),
        ({"deaths": 3}, 2),
        ({"serious_injuries": 10}, 2),
        ({"direct_loss": "1000"}, 2),
        ({"deaths": 10}, 3),
        ({"serious_injuries": 100}, 4),
    ],
)
def test_the_grade_is_the_highest_any_criterion_reaches(world, figures, grade):
    assert report(world.users["ent_admin"], occurred=OCCURRED, **figures).grade == grade


def test_regrading_within_the_window_up_to_its_last_second(world):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=2)
    # Occurred 10 March: 30 days not counting that day end at 24:00 on 9 April (Asia/Shanghai).
    last_second = at(2026, 4, 9, 23, 59, 59)
    services.do_correct_figures(
        acting_user=world.users["county_b"],
        accident_id=accident.pk,
        changes={"deaths": 3},
        reason="重伤者医院抢救无效死亡",
        now=last_second,
    )
    accident.refresh_from_db()
    assert accident.grade == 2 and accident.graded_at == last_second
    # The grade now requires the province: the new links are due from the re-grade.
    assert step(accident, "county", "province", "phone").deadline == last_second + dt.timedelta(hours=1)
    assert step(accident, "enterprise", "province").deadline == last_second + dt.timedelta(hours=1)
    [change] = FigureChange.objects.filter(accident=accident)
    assert (change.field, change.before, change.after, change.grade_before, change.grade_after) == (
        "deaths",
        "2",
        "3",
        1,
        2,
    )
    assert change.by == world.users["county_b"] and change.reason == "重伤者医院抢救无效死亡"
    [event] = events(accident, "accident.figures_changed")
    assert event.data["changes"] == {"deaths": [2, 3]} and event.data["reason"] == "重伤者医院抢救无效死亡"
    assert events(accident, "accident.regraded")[0].data["grade"] == [1, 2]


def test_after_the_window_the_figures_are_frozen(world):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=2)
    with pytest.raises(Conflict) as caught:
        services.do_correct_figures(
            acting_user=world.users["county_b"],
            accident_id=accident.pk,
            changes={"deaths": 3},
            reason="迟到的死亡",
            now=at(2026, 4, 10, 0, 0),
        )
    assert caught.value.code == "recount_window_closed" and "2026-04-09" in str(caught.value.message)
    accident.refresh_from_db()
    assert accident.grade == 1 and accident.deaths == 2
    assert services.freeze_due_figures(now=at(2026, 4, 9, 23, 59)) == 0
    assert services.freeze_due_figures(now=at(2026, 4, 10, 0, 0)) == 1
    accident.refresh_from_db()
    assert accident.confirmed_deaths == 2 and accident.figures_frozen_at == at(2026, 4, 10)
    assert services.freeze_due_figures(now=at(2026, 5, 1)) == 0
    assert events(accident, "accident.figures_frozen")[0].data["grade"] == 1


@pytest.mark.parametrize("sector", [Sector.ROAD_TRAFFIC, Sector.FIRE])
def test_road_traffic_and_fire_have_seven_days(world, sector):
    accident = bureau_report(
        world.users["county_a"],
        "511102",
        occurred=at(2026, 3, 10, 23, 30),
        sector=sector,
        deaths=2,
        now=at(2026, 3, 11, 0, 30),
    )
    services.do_correct_figures(
        acting_user=world.users["county_a"],
        accident_id=accident.pk,
        changes={"deaths": 3},
        reason="伤者死亡",
        now=at(2026, 3, 17, 23, 59, 59),
    )
    with pytest.raises(Conflict):
        services.do_correct_figures(
            acting_user=world.users["county_a"],
            accident_id=accident.pk,
            changes={"deaths": 4},
            reason="伤者死亡",
            now=at(2026, 3, 18, 0, 0),
        )
    accident.refresh_from_db()
    assert (accident.deaths, accident.grade) == (3, 2)


def test_counting_the_first_day_is_a_setting(world, settings):
    settings.ACCIDENT_COUNT_FIRST_DAY = True
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=1)
    assert accident.recount_until == at(2026, 4, 9)


def test_a_downgrade_retires_the_links_no_longer_needed(world):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=3)
    assert step(accident, "city", "province").state == StepState.PENDING
    services.do_correct_figures(
        acting_user=world.users["county_b"],
        accident_id=accident.pk,
        changes={"deaths": 2},
        reason="核实后一人为自然死亡",
        now=at(2026, 3, 11),
    )
    accident.refresh_from_db()
    assert accident.grade == 1
    assert step(accident, "city", "province").state == StepState.NOT_REQUIRED
    assert step(accident, "county", "city").state == StepState.PENDING


def test_corrections_need_a_reason_and_a_change(world):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=1)
    with pytest.raises(ValidationFailed) as caught:
        services.do_correct_figures(
            acting_user=world.users["county_b"],
            accident_id=accident.pk,
            changes={"deaths": 2},
            reason=" ",
            now=at(2026, 3, 11),
        )
    assert (caught.value.code, caught.value.field) == ("required", "reason")
    with pytest.raises(ValidationFailed) as caught:
        services.do_correct_figures(
            acting_user=world.users["county_b"],
            accident_id=accident.pk,
            changes={"deaths": 1},
            reason="同前",
            now=at(2026, 3, 11),
        )
    assert caught.value.code == "no_change"
    with pytest.raises(NotFound):
        services.do_correct_figures(
            acting_user=world.users["county_a"],
            accident_id=accident.pk,
            changes={"deaths": 2},
            reason="x",
            now=at(2026, 3, 11),
        )
    with pytest.raises(NotFound):
        services.do_correct_figures(
            acting_user=world.users["other_ent_admin"],
            accident_id=accident.pk,
            changes={"deaths": 2},
            reason="x",
            now=at(2026, 3, 11),
        )
    with pytest.raises(PermissionDenied):
        services.do_correct_figures(
            acting_user=world.users["inspector"],
            accident_id=accident.pk,
            changes={"deaths": 2},
            reason="x",
            now=at(2026, 3, 11),
        )


# --- the reporting clock across days and levels -----------------------------------------------------------------


def test_the_chain_of_a_larger_accident_across_midnight(world):
    learned = at(2026, 3, 10, 23, 30)
    accident = report(
        world.users["ent_admin"],
        occurred=at(2026, 3, 10, 23, 20),
        learned=learned,
        now=at(2026, 3, 10, 23, 50),
        deaths=3,
    )
    # The unit: county and province within 1 hour of learning (21号令 第六条), i.e. by 00:30 the next day.
    assert step(accident, "enterprise", "province").deadline == at(2026, 3, 11, 0, 30)
    # The county received it at 23:50: 1 hour to phone the province, 2 hours in writing to the city.
    assert step(accident, "county", "province", "phone").deadline == at(2026, 3, 11, 0, 50)
    assert step(accident, "county", "city").deadline == at(2026, 3, 11, 1, 50)
    # The city has not received it yet: its links run from the latest moment it may receive it.
    assert step(accident, "city", "province").deadline == at(2026, 3, 11, 3, 50)
    views = {
        (v.step.sender, v.step.recipient, v.step.channel): v
        for v in clock.step_views(accident, world.users["county_b"], at(2026, 3, 10, 23, 55))
    }
    assert views[("county", "city", "written")].countdown_text == "剩余 1小时55分"
    assert views[("county", "city", "written")].mine and not views[("city", "province", "written")].mine
    assert views[("enterprise", "province", "written")].countdown_text == "剩余 35分"
    # The county reports to the city at 01:00: the city's clock now runs from then.
    services.do_record_step(
        acting_user=world.users["county_b"],
        accident_id=accident.pk,
        step_id=step(accident, "county", "city").pk,
        done_at=at(2026, 3, 11, 1, 0),
        recipient_contact="市局值班室",
        now=at(2026, 3, 11, 1, 5),
    )
    assert step(accident, "city", "province", "phone").deadline == at(2026, 3, 11, 2, 0)
    assert step(accident, "city", "province").deadline == at(2026, 3, 11, 3, 0)
    overdue = {
        v.step.recipient + v.step.channel: v
        for v in clock.step_views(accident, world.users["city"], at(2026, 3, 11, 2, 30))
    }
    assert overdue["provincephone"].countdown_text == "已超时 30分" and overdue["provincephone"].overdue
    assert overdue["provincephone"].mine
    # The county's phone report to the province was never recorded: it shows overdue for the county.
    pending = clock.pending_steps(world.users["county_b"], at(2026, 3, 11, 2, 30))
    assert [(p["step"].recipient, p["step"].channel) for p in pending] == [
        ("province", "phone"),
        ("county_government", "written"),
    ]


def test_recording_a_link_is_the_sending_levels_act(world):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=3)
    county_link = step(accident, "county", "city")
    with pytest.raises(PermissionDenied) as caught:
        services.do_record_step(
            acting_user=world.users["ent_admin"],
            accident_id=accident.pk,
            step_id=county_link.pk,
            now=at(2026, 3, 10, 15),
        )
    assert caught.value.code == "not_your_level"
    with pytest.raises(PermissionDenied):
        services.do_record_step(
            acting_user=world.users["city"], accident_id=accident.pk, step_id=county_link.pk, now=at(2026, 3, 10, 15)
        )
    with pytest.raises(NotFound):
        services.do_record_step(
            acting_user=world.users["county_a"],
            accident_id=accident.pk,
            step_id=county_link.pk,
            now=at(2026, 3, 10, 15),
        )
    with pytest.raises(ValidationFailed) as caught:
        services.do_record_step(
            acting_user=world.users["county_b"],
            accident_id=accident.pk,
            step_id=county_link.pk,
            done_at=at(2026, 3, 10, 16),
            now=at(2026, 3, 10, 15),
        )
    assert caught.value.field == "done_at"
    services.do_record_step(
        acting_user=world.users["county_b"], accident_id=accident.pk, step_id=county_link.pk, now=at(2026, 3, 10, 15)
    )
    with pytest.raises(Conflict) as caught:
        services.do_record_step(
            acting_user=world.users["county_b"],
            accident_id=accident.pk,
            step_id=county_link.pk,
            now=at(2026, 3, 10, 15),
        )
    assert caught.value.code == "step_closed"
    with pytest.raises(NotFound):
        services.do_record_step(
            acting_user=world.users["county_b"], accident_id=accident.pk, step_id=999999, now=at(2026, 3, 10, 15)
        )
    # The unit learned at 14:10; its report to the province at 15:40 is 30 minutes late.
    services.do_record_step(
        acting_user=world.users["ent_admin"],
        accident_id=accident.pk,
        step_id=step(accident, "enterprise", "province").pk,
        now=at(2026, 3, 10, 15, 40),
    )
    assert step(accident, "enterprise", "province").late_seconds == 1800


def test_links_outside_the_platform_are_shown_not_recorded(world):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=10)
    ministry = step(accident, "province", "ministry")
    assert not ministry.tracked
    with pytest.raises(Conflict) as caught:
        services.do_record_step(
            acting_user=world.users["city_admin"], accident_id=accident.pk, step_id=ministry.pk, now=at(2026, 3, 10, 15)
        )
    assert caught.value.code == "step_not_tracked"


# --- follow-ups -------------------------------------------------------------------------------------------------


def test_follow_ups_are_due_daily_and_may_carry_new_figures(world):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=1, serious_injuries=3)
    followup = services.do_add_followup(
        acting_user=world.users["ent_admin"],
        accident_id=accident.pk,
        text="1 名重伤人员死亡",
        figures={"deaths": 2, "serious_injuries": 2},
        now=at(2026, 3, 11, 16, 0),
    )
    assert followup.due_at == at(2026, 3, 11, 14, 20) and followup.late_seconds == 100 * 60
    accident.refresh_from_db()
    assert (accident.deaths, accident.serious_injuries, accident.grade) == (2, 2, 1)
    assert accident.next_followup_due == at(2026, 3, 12, 16, 0)
    assert FigureChange.objects.filter(accident=accident, source="followup").count() == 2
    services.do_end_response(acting_user=world.users["ent_admin"], accident_id=accident.pk, now=at(2026, 3, 12, 9, 0))
    accident.refresh_from_db()
    assert accident.next_followup_due is None
    with pytest.raises(Conflict):
        services.do_end_response(
            acting_user=world.users["ent_admin"], accident_id=accident.pk, now=at(2026, 3, 12, 9, 0)
        )
    with pytest.raises(ValidationFailed):
        services.do_add_followup(
            acting_user=world.users["ent_admin"], accident_id=accident.pk, text="", now=at(2026, 3, 12, 10, 0)
        )


def test_a_major_accident_reports_twice_a_day(world):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=10)
    assert accident.next_followup_due == accident.reported_at + dt.timedelta(hours=12)


def test_a_follow_up_after_the_window_cannot_change_figures(world):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=1)
    with pytest.raises(Conflict):
        services.do_add_followup(
            acting_user=world.users["ent_admin"],
            accident_id=accident.pk,
            text="又一人死亡",
            figures={"deaths": 2},
            now=at(2026, 4, 20),
        )
    services.do_add_followup(
        acting_user=world.users["ent_admin"], accident_id=accident.pk, text="善后处置完毕", now=at(2026, 4, 20)
    )


# --- the lifecycle ------------------------------------------------------------------------------------------------


def test_verification_settles_the_sector_and_its_window(world):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=1)
    assert accident.recount_until == at(2026, 4, 10)
    services.do_verify_accident(
        acting_user=world.users["county_b"],
        accident_id=accident.pk,
        changes={"sector": Sector.FIRE, "type_2025": "WSA10009", "type_1986": 8},
        note="装置火灾",
        now=at(2026, 3, 11),
    )
    accident.refresh_from_db()
    assert (accident.status, accident.sector, accident.recount_until) == (Status.VERIFIED, Sector.FIRE, at(2026, 3, 18))
    with pytest.raises(Conflict) as caught:
        services.do_verify_accident(acting_user=world.users["county_b"], accident_id=accident.pk, now=at(2026, 3, 11))
    assert caught.value.code == "invalid_transition"
    with pytest.raises(PermissionDenied):
        services.do_verify_accident(acting_user=world.users["ent_admin"], accident_id=accident.pk)


def test_a_withdrawn_report_leaves_the_statistics(world):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=1)
    with pytest.raises(ValidationFailed):
        services.do_withdraw_accident(acting_user=world.users["county_b"], accident_id=accident.pk, reason="")
    services.do_withdraw_accident(
        acting_user=world.users["county_b"],
        accident_id=accident.pk,
        reason="经核实为自杀，不属于生产安全事故",
        now=at(2026, 3, 11),
    )
    accident.refresh_from_db()
    assert accident.status == Status.WITHDRAWN and not accident.in_statistics
    assert not accident.steps.filter(state=StepState.PENDING).exists()
    with pytest.raises(Conflict):
        services.do_correct_figures(
            acting_user=world.users["county_b"],
            accident_id=accident.pk,
            changes={"deaths": 2},
            reason="x",
            now=at(2026, 3, 12),
        )


def test_a_concurrent_transition_loses_cleanly(world):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=1)
    stale = Accident.objects.get(pk=accident.pk)
    Accident.objects.filter(pk=accident.pk).update(version=stale.version + 1)
    with pytest.raises(Conflict):
        services._transition(stale, "verify", at(2026, 3, 11))
    assert Accident.objects.get(pk=accident.pk).status == Status.REPORTED


def _verified(world, **figures):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, **({"deaths": 1} | figures))
    services.do_verify_accident(acting_user=world.users["county_b"], accident_id=accident.pk, now=at(2026, 3, 11))
    return accident


def test_the_investigation_of_a_general_accident_by_the_county(world):
    accident = _verified(world)
    investigation = services.do_open_investigation(
        acting_user=world.users["county_b"], accident_id=accident.pk, led_by="五通桥区人民政府", now=at(2026, 3, 12)
    )
    # 60 days from 10 March (day of the accident not counted): due by 24:00 on 9 May.
    assert investigation.level == "county_government" and investigation.report_due == at(2026, 5, 10)
    services.do_record_appraisal(
        acting_user=world.users["county_b"], accident_id=accident.pk, days=12, now=at(2026, 4, 1)
    )
    investigation.refresh_from_db()
    assert investigation.report_due == at(2026, 5, 22)
    services.do_extend_investigation(
        acting_user=world.users["county_b"], accident_id=accident.pk, days=30, reason="需补充检测", now=at(2026, 5, 1)
    )
    investigation.refresh_from_db()
    assert investigation.report_due == at(2026, 6, 21) and investigation.extension_days == 30
    with pytest.raises(Conflict) as caught:
        services.do_extend_investigation(
            acting_user=world.users["county_b"], accident_id=accident.pk, days=10, reason="再延", now=at(2026, 5, 2)
        )
    assert caught.value.code == "already_extended"


def test_an_extension_is_at_most_sixty_days(world):
    accident = _verified(world)
    services.do_open_investigation(
        acting_user=world.users["county_b"], accident_id=accident.pk, led_by="区政府", now=at(2026, 3, 12)
    )
    with pytest.raises(ValidationFailed) as caught:
        services.do_extend_investigation(
            acting_user=world.users["county_b"], accident_id=accident.pk, days=61, reason="长", now=at(2026, 5, 1)
        )
    assert (caught.value.code, caught.value.field) == ("extension_too_long", "extension_days")


def test_a_larger_accident_is_investigated_by_the_city(world):
    accident = _verified(world, deaths=3)
    with pytest.raises(PermissionDenied) as caught:
        services.do_open_investigation(
            acting_user=world.users["county_b"], accident_id=accident.pk, led_by="区政府", now=at(2026, 3, 12)
        )
    assert caught.value.code == "not_your_level"
    investigation = services.do_open_investigation(
        acting_user=world.users["city"], accident_id=accident.pk, led_by="乐山市人民政府", now=at(2026, 3, 12)
    )
    assert investigation.level == "city_government"


def test_only_an_accident_without_casualties_may_be_left_to_the_unit(world):
    accident = _verified(world)
    with pytest.raises(ValidationFailed) as caught:
        services.do_open_investigation(
            acting_user=world.users["county_b"],
            accident_id=accident.pk,
            led_by="企业",
            delegated_to_enterprise=True,
            now=at(2026, 3, 12),
        )
    assert caught.value.code == "delegation_not_allowed"
    no_harm = _verified(world, deaths=0, direct_loss="150")
    investigation = services.do_open_investigation(
        acting_user=world.users["county_b"],
        accident_id=no_harm.pk,
        led_by="企业",
        delegated_to_enterprise=True,
        now=at(2026, 3, 12),
    )
    assert investigation.delegated_to_enterprise


def _investigated(world):
    accident = _verified(world)
    services.do_open_investigation(
        acting_user=world.users["county_b"], accident_id=accident.pk, led_by="区政府", now=at(2026, 3, 12)
    )
    return accident


def _submit(world, accident, **overrides):
    data = {
        "cause": "法兰垫片老化未及时更换",
        "nature": "liability",
        "submitted_at": at(2026, 5, 1),
        "confirmed_direct_loss": "130",
        "responsibilities": [
            {"party": "张某", "position": "车间主任", "finding": "未落实检维修制度", "handling": "penalty"}
        ],
        "measures": [{"description": "全面排查法兰垫片", "responsible": "企业", "due_on": "2026-06-30"}],
        **overrides,
    }
    return services.do_submit_investigation_report(
        acting_user=world.users["county_b"], accident_id=accident.pk, now=at(2026, 5, 1, 12), **data
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cause": ""}, "cause"),
        ({"nature": "fate"}, "nature"),
        ({"measures": []}, "measures"),
        ({"responsibilities": []}, "responsibilities"),
        ({"measures": [{"description": "x"}]}, "measures[0]"),
        ({"responsibilities": [{"party": "张某", "finding": "x", "handling": "fine"}]}, "responsibilities[0].handling"),
        ({"submitted_at": at(2026, 3, 1)}, "submitted_at"),
    ],
)
def test_an_incomplete_investigation_report_is_refused(world, overrides, field):
    accident = _investigated(world)
    with pytest.raises(ValidationFailed) as caught:
        _submit(world, accident, **overrides)
    assert field in {e.field for e in caught.value.errors}
    assert Accident.objects.get(pk=accident.pk).status == Status.INVESTIGATING


def test_from_report_to_closing_with_the_four_checks(world):
    accident = _investigated(world)
    investigation = _submit(world, accident)
    accident.refresh_from_db()
    assert accident.status == Status.REPORT_SUBMITTED
    assert investigation.approval_due == at(2026, 5, 17)  # 15 days, the day of receipt not counted
    # The investigation confirmed the loss; the window has closed, so the figures were frozen first.
    assert (accident.confirmed_direct_loss, accident.direct_loss) == (Decimal("130.00"), Decimal("0.00"))
    assert FigureChange.objects.get(accident=accident, source="investigation").confirmed
    services.do_return_investigation_report(
        acting_user=world.users["county_b"], accident_id=accident.pk, note="责任认定不充分", now=at(2026, 5, 3)
    )
    _submit(world, accident)
    with pytest.raises(ValidationFailed):
        services.do_approve_investigation_report(
            acting_user=world.users["county_b"], accident_id=accident.pk, document=" ", now=at(2026, 5, 5)
        )
    services.do_approve_investigation_report(
        acting_user=world.users["county_b"], accident_id=accident.pk, document="五府函〔2026〕12号", now=at(2026, 5, 5)
    )
    accident.refresh_from_db()
    assert accident.status == Status.APPROVED
    with pytest.raises(ValidationFailed) as caught:
        services.do_close_accident(acting_user=world.users["county_b"], accident_id=accident.pk)
    assert {e.field for e in caught.value.errors} == {"responsibility", "measures", "education"}
    measure = accident.ordered_measures.get()
    services.do_complete_measure(
        acting_user=world.users["ent_admin"], accident_id=accident.pk, measure_id=measure.pk, note="已更换 120 处垫片"
    )
    with pytest.raises(Conflict):
        services.do_complete_measure(
            acting_user=world.users["ent_admin"], accident_id=accident.pk, measure_id=measure.pk, note="again"
        )
    with pytest.raises(PermissionDenied):
        services.do_verify_measure(acting_user=world.users["ent_admin"], accident_id=accident.pk, measure_id=measure.pk)
    services.do_verify_measure(
        acting_user=world.users["county_b"],
        accident_id=accident.pk,
        measure_id=measure.pk,
        accept=False,
        note="缺少更换记录",
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.OPEN
    services.do_complete_measure(
        acting_user=world.users["ent_admin"], accident_id=accident.pk, measure_id=measure.pk, note="补交记录"
    )
    services.do_verify_measure(acting_user=world.users["county_b"], accident_id=accident.pk, measure_id=measure.pk)
    person = accident.responsibilities.get()
    services.do_record_handling(
        acting_user=world.users["county_b"], accident_id=accident.pk, responsibility_id=person.pk, note="罚款 2 万元"
    )
    services.do_record_education(
        acting_user=world.users["county_b"], accident_id=accident.pk, note="全区化工企业警示教育会，120 人"
    )
    services.do_close_accident(acting_user=world.users["county_b"], accident_id=accident.pk)
    accident.refresh_from_db()
    assert accident.status == Status.CLOSED and all(services.four_checks(accident).values())
    trail = list(
        AuditEvent.objects.filter(object_id=str(accident.pk), object_type="accidents.accident").values_list(
            "event", flat=True
        )
    )
    assert trail[0] == "accident.reported" and trail[-1] == "accident.closed"
    assert "accident.investigation_report_returned" in trail and "accident.measure_returned" in trail


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        ("do_open_investigation", {"led_by": "区政府"}),
        (
            "do_submit_investigation_report",
            {
                "cause": "c",
                "nature": "no_liability",
                "measures": [{"description": "m", "responsible": "r", "due_on": "2026-06-01"}],
            },
        ),
        ("do_approve_investigation_report", {"document": "d"}),
        ("do_record_education", {"note": "n"}),
        ("do_close_accident", {}),
    ],
)
def test_each_step_only_from_its_state(world, action, kwargs):
    accident = report(world.users["ent_admin"], occurred=OCCURRED, deaths=1)  # still "reported"
    with pytest.raises(Conflict):
        getattr(services, action)(acting_user=world.users["county_b"], accident_id=accident.pk, **kwargs)


# --- history ------------------------------------------------------------------------------------------------------


def test_history_is_loaded_graded_and_frozen_in_one_batch(world):
    records = [
        {
            "county": "511102",
            "occurred_at": at(2015, 5, 1, 9),
            "unit_name": "某矿",
            "category": "metal_mine",
            "sector": Sector.METAL_MINE,
            "place": "采场",
            "scene": "s",
            "course": "c",
            "measures_taken": "m",
            "deaths": 3,
        },
        {
            "county": "511102",
            "occurred_at": at(2015, 6, 1, 9),
            "unit_name": "某路",
            "category": "road_transport",
            "sector": Sector.ROAD_TRAFFIC,
            "place": "G213",
            "scene": "s",
            "course": "c",
            "measures_taken": "m",
            "deaths": 1,
            "direct_loss": Decimal("10"),
        },
    ]
    rows = services.do_load_accident_history(
        acting_user=world.users["city_admin"], records=records, source_note="台账", now=at(2026, 3, 1)
    )
    assert [r.number for r in rows] == ["SG511102-2015-0001", "SG511102-2015-0002"]
    first = Accident.objects.get(number="SG511102-2015-0001")
    assert (first.grade, first.status, first.confirmed_deaths, first.source) == (2, Status.CLOSED, 3, "history")
    assert AuditEvent.objects.get(event="accident.history_loaded").data["count"] == 2
    with pytest.raises(ValidationFailed) as caught:
        services.do_load_accident_history(
            acting_user=world.users["city_admin"], records=[{**records[0], "county": "999999"}], source_note="x"
        )
    assert caught.value.field == "records[0].county"
