"""Alarm rule evaluation with hand-made series: thresholds, on-delay, deadband, no-data, escalation, warnings."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansheng.domain import alarm_rules as ar
from ansheng.domain.alarm_rules import (
    CLEAR,
    ESCALATE,
    HIGH,
    LOW,
    NO_DATA,
    RAISE,
    STATE,
    AlarmFact,
    AlarmRuleError,
    EscalationPolicy,
    EscalationStep,
    Rule,
    Severity,
    State,
    WarningRule,
)
from ansheng.domain.levels import RiskLevel

# A tank level in metres: LL 0.5, L 1.0, H 8.0, HH 9.0 (range 0-10 m), deadband 0.2 m.
TANK = Rule(ll=0.5, l=1.0, h=8.0, hh=9.0, deadband=0.2)


def run(rule: Rule, series: list[tuple[float, float]], state: State | None = None) -> ar.Outcome:
    return ar.evaluate(rule, state or State(), series)


def actions(outcome: ar.Outcome) -> list[tuple[str, str, int, float]]:
    return [(e.alarm_type, e.action, e.level, e.ts) for e in outcome.events]


# --- rules -----------------------------------------------------------------------------------------------------


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(AlarmRuleError) as error:
        Rule(l=5, h=4)
    assert error.value.code == "thresholds_out_of_order"
    assert error.value.field == "h"
    Rule(ll=1, l=1, h=1, hh=1)  # equal thresholds are allowed


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"deadband": -1}, "negative_value", "deadband"),
        ({"on_delay": None}, "negative_value", "on_delay"),
        ({"h": "9"}, "wrong_type", "h"),
        ({"h": True}, "wrong_type", "h"),
        ({"hh": math.nan}, "not_finite", "hh"),
        ({"no_data_after": 0}, "not_positive", "no_data_after"),
        ({"normal_value": 0, "h": 1}, "discrete_with_thresholds", "h"),
        ({"severity_1": "loud"}, "unknown_severity", "severity_1"),
    ],
)
def test_it_refuses_a_bad_rule(kwargs: dict[str, object], code: str, field: str) -> None:
    with pytest.raises(AlarmRuleError) as error:
        Rule(**kwargs)  # type: ignore[arg-type]
    assert (error.value.code, error.value.field) == (code, field)


def test_severity_parses_codes_numbers_and_itself_and_maps_to_colours() -> None:
    assert Severity.parse("MAJOR ") is Severity.MAJOR
    assert Severity.parse(4) is Severity.CRITICAL
    assert Severity.parse(Severity.MINOR) is Severity.MINOR
    with pytest.raises(AlarmRuleError):
        Severity.parse(5)
    with pytest.raises(AlarmRuleError):
        Severity.parse(True)
    assert [s.level.colour for s in Severity] == ["blue", "yellow", "orange", "red"]
    assert Severity.WARNING.code == "warning"


def test_level_codes() -> None:
    assert ar.level_code(HIGH, 2) == "hh"
    assert ar.level_code(HIGH, 1, gas=True) == "gas1"
    assert ar.level_code(LOW, 2) == "ll"
    assert ar.level_code(STATE, 1) == "trip"
    assert ar.level_code(NO_DATA, 1) == "no_data"


def test_rule_reports_severity_and_threshold_per_level() -> None:
    rule = Rule(ll=1, l=2, h=8, hh=9, severity_1="warning", severity_2="critical", no_data_severity=2)
    assert rule.severity(HIGH, 2) is Severity.CRITICAL
    assert rule.severity(LOW, 1) is Severity.WARNING
    assert rule.severity(NO_DATA, 1) is Severity.WARNING
    assert (rule.threshold(HIGH, 1), rule.threshold(HIGH, 2), rule.threshold(LOW, 1), rule.threshold(LOW, 2)) == (
        8,
        9,
        2,
        1,
    )
    assert rule.threshold(NO_DATA, 1) is None
    assert Rule(normal_value=0).threshold(STATE, 1) == 0


# --- thresholds ------------------------------------------------------------------------------------------------


def test_quiet_readings_raise_nothing_and_advance_the_state() -> None:
    outcome = run(TANK, [(1, 5.0), (2, 5.1), (3, 4.9)])
    assert outcome.events == ()
    assert (outcome.state.last_ts, outcome.state.last_value, outcome.evaluated) == (3, 4.9, 3)


def test_a_reading_at_h_raises_high_at_the_first_level() -> None:
    outcome = run(TANK, [(1, 5.0), (2, 8.0)])
    assert actions(outcome) == [(HIGH, RAISE, 1, 2)]
    event = outcome.events[0]
    assert (event.severity, event.value, event.threshold) == (Severity.WARNING, 8.0, 8.0)
    assert outcome.state.level(HIGH) == 1


def test_severity_rises_from_h_to_hh_on_the_same_alarm_and_never_falls_while_active() -> None:
    outcome = run(TANK, [(1, 8.5), (2, 9.2), (3, 8.4), (4, 9.5)])
    assert actions(outcome) == [(HIGH, RAISE, 1, 1), (HIGH, ESCALATE, 2, 2)]
    assert outcome.events[1].severity is Severity.MAJOR
    assert outcome.state.level(HIGH) == 2
    assert outcome.touches == (ar.Touch(HIGH, 4, 9.5, 9.5),)


def test_a_jump_straight_past_hh_raises_once_at_hh() -> None:
    outcome = run(TANK, [(1, 9.9)])
    assert actions(outcome) == [(HIGH, RAISE, 2, 1)]


def test_low_side_mirrors_the_high_side() -> None:
    outcome = run(TANK, [(1, 0.9), (2, 0.4), (3, 0.3), (4, 1.25)])
    assert actions(outcome) == [(LOW, RAISE, 1, 1), (LOW, ESCALATE, 2, 2), (LOW, CLEAR, 2, 4)]
    assert outcome.state.active == ()


def test_only_hh_set_raises_at_the_second_level() -> None:
    rule = Rule(hh=10)
    outcome = run(rule, [(1, 10.0), (2, 9.0)])
    assert actions(outcome) == [(HIGH, RAISE, 2, 1), (HIGH, CLEAR, 2, 2)]


def test_only_ll_set_raises_low_at_the_second_level() -> None:
    outcome = run(Rule(ll=1), [(1, 1.0), (2, 2.0)])
    assert actions(outcome) == [(LOW, RAISE, 2, 1), (LOW, CLEAR, 2, 2)]


def test_touches_carry_the_peak_of_a_low_alarm_as_its_minimum() -> None:
    outcome = run(TANK, [(1, 0.9), (2, 0.7), (3, 0.8)])
    assert outcome.touches == (ar.Touch(LOW, 3, 0.8, 0.7),)


# --- deadband --------------------------------------------------------------------------------------------------


def test_deadband_keeps_the_alarm_until_the_value_is_back_past_it() -> None:
    # H = 8.0, deadband 0.2: 7.9 and 7.85 stay in the band; 7.79 returns.
    outcome = run(TANK, [(1, 8.1), (2, 7.9), (3, 8.05), (4, 7.85), (5, 7.79)])
    assert actions(outcome) == [(HIGH, RAISE, 1, 1), (HIGH, CLEAR, 1, 5)]


def test_without_deadband_a_hovering_value_chatters() -> None:
    rule = Rule(h=8.0)
    outcome = run(rule, [(1, 8.1), (2, 7.9), (3, 8.05), (4, 7.95)])
    assert [e.action for e in outcome.events] == [RAISE, CLEAR, RAISE, CLEAR]


def test_falling_from_hh_to_between_h_and_hh_stays_active_at_hh() -> None:
    outcome = run(TANK, [(1, 9.5), (2, 8.5)])
    assert actions(outcome) == [(HIGH, RAISE, 2, 1)]
    assert outcome.state.level(HIGH) == 2


# --- on-delay --------------------------------------------------------------------------------------------------


def test_on_delay_needs_the_condition_to_hold_for_the_delay() -> None:
    rule = Rule(h=8, hh=9, on_delay=10)
    outcome = run(rule, [(0, 8.5), (5, 8.6), (9, 8.7), (10, 8.8)])
    assert actions(outcome) == [(HIGH, RAISE, 1, 10)]


def test_on_delay_restarts_when_the_condition_breaks() -> None:
    rule = Rule(h=8, on_delay=10)
    outcome = run(rule, [(0, 8.5), (5, 7.0), (8, 8.5), (17, 8.6), (18, 8.7)])
    assert actions(outcome) == [(HIGH, RAISE, 1, 18)]


def test_on_delay_applies_to_a_rise_in_severity_too() -> None:
    rule = Rule(h=8, hh=9, on_delay=10)
    outcome = run(rule, [(0, 8.5), (10, 9.5), (15, 9.6), (20, 9.7)])
    assert actions(outcome) == [(HIGH, RAISE, 1, 10), (HIGH, ESCALATE, 2, 20)]


def test_a_spike_shorter_than_the_on_delay_raises_nothing() -> None:
    rule = Rule(h=8, on_delay=30)
    outcome = run(rule, [(0, 7.0), (10, 9.0), (20, 7.0), (30, 7.1)])
    assert outcome.events == ()
    assert outcome.state.pending == ()


def test_pending_timers_survive_between_batches() -> None:
    rule = Rule(h=8, on_delay=10)
    first = run(rule, [(0, 8.5)])
    assert first.state.pending == ((HIGH, 1, 0.0),)
    stored = State.from_json(first.state.to_json(), first.state.last_ts, first.state.last_value)
    second = run(rule, [(10, 8.5)], stored)
    assert actions(second) == [(HIGH, RAISE, 1, 10)]


# --- order, duplicates, discrete points -------------------------------------------------------------------------


def test_readings_are_taken_in_time_order_and_old_ones_are_skipped() -> None:
    first = run(TANK, [(3, 5.0), (1, 9.5), (2, 5.0)])
    assert actions(first) == [(HIGH, RAISE, 2, 1), (HIGH, CLEAR, 2, 2)]
    again = run(TANK, [(1, 9.5), (2, 5.0), (3, 5.0)], first.state)
    assert again.events == () and again.evaluated == 0


def test_a_discrete_point_alarms_on_any_value_but_its_normal_one() -> None:
    sis = Rule(normal_value=0, severity_1="critical")
    outcome = run(sis, [(1, 0), (2, 1), (3, 1), (4, 0)])
    assert actions(outcome) == [(STATE, RAISE, 1, 2), (STATE, CLEAR, 1, 4)]
    assert outcome.events[0].severity is Severity.CRITICAL
    assert outcome.events[0].threshold == 0
    assert sis.discrete and not TANK.discrete


def test_a_discrete_point_respects_its_on_delay() -> None:
    video = Rule(normal_value=1, on_delay=60, severity_1="minor")
    outcome = run(video, [(0, 0), (30, 0), (59, 1), (60, 0), (120, 0)])
    assert actions(outcome) == [(STATE, RAISE, 1, 120)]


def test_levels_and_return_for_each_side() -> None:
    assert TANK.levels(9.0) == (2, 0, 0)
    assert TANK.levels(0.5) == (0, 2, 0)
    assert TANK.returned(HIGH, 7.7) and not TANK.returned(HIGH, 7.9)
    assert TANK.returned(LOW, 1.3) and not TANK.returned(LOW, 1.1)
    assert not Rule().returned(STATE, 0)
    assert Rule().quiet_low == -math.inf and Rule().quiet_high == math.inf


# --- no data ---------------------------------------------------------------------------------------------------


def test_a_silent_point_raises_no_data_at_the_moment_it_went_silent() -> None:
    rule = Rule(h=8, no_data_after=180)
    state = State(last_ts=1000, last_value=5)
    assert ar.sweep(rule, state, 1180).events == ()
    outcome = ar.sweep(rule, state, 1181)
    assert actions(outcome) == [(NO_DATA, RAISE, 1, 1180)]
    assert outcome.events[0].severity is Severity.MINOR
    assert outcome.events[0].threshold is None
    assert ar.sweep(rule, outcome.state, 1300).events == ()  # raised once


def test_the_next_reading_clears_no_data() -> None:
    rule = Rule(h=8, no_data_after=180)
    silent = ar.sweep(rule, State(last_ts=0, last_value=5), 500).state
    outcome = run(rule, [(600, 5.0)], silent)
    assert actions(outcome) == [(NO_DATA, CLEAR, 1, 600)]


def test_a_reading_after_silence_can_clear_no_data_and_raise_a_threshold_alarm() -> None:
    rule = Rule(h=8, no_data_after=180)
    silent = ar.sweep(rule, State(last_ts=0, last_value=5), 500).state
    assert actions(run(rule, [(600, 8.5)], silent)) == [(NO_DATA, CLEAR, 1, 600), (HIGH, RAISE, 1, 600)]


def test_a_point_that_never_reported_is_not_connected_and_raises_nothing() -> None:
    assert ar.sweep(Rule(no_data_after=60), State(), 10_000).events == ()


def test_communications_lost_inhibits_the_points_no_data_alarms() -> None:
    rule = Rule(no_data_after=60)
    outcome = ar.sweep(rule, State(last_ts=0, last_value=1), 100, inhibit_no_data=True)
    assert outcome.events == ()


def test_no_data_off_means_silence_raises_nothing() -> None:
    assert ar.sweep(Rule(h=1), State(last_ts=0, last_value=0), 10**9).events == ()


def test_silence_drops_pending_timers() -> None:
    rule = Rule(h=8, on_delay=120, no_data_after=60)
    state = run(rule, [(0, 9.0)]).state
    outcome = ar.sweep(rule, state, 100)
    assert actions(outcome) == [(NO_DATA, RAISE, 1, 60)]
    assert outcome.state.pending == ()


def test_sweep_fires_an_elapsed_on_delay_with_the_held_value() -> None:
    rule = Rule(h=8, hh=9, on_delay=30, no_data_after=300)
    state = run(rule, [(0, 9.5)]).state
    assert ar.sweep(rule, state, 29).events == ()
    outcome = ar.sweep(rule, state, 45)
    assert actions(outcome) == [(HIGH, RAISE, 1, 30), (HIGH, ESCALATE, 2, 30)]
    assert outcome.events[0].value == 9.5
    assert outcome.state.pending == ()


def test_comm_lost_when_every_point_has_been_silent_too_long() -> None:
    assert ar.comm_lost([0, 100, None], now=400, after=299)
    assert not ar.comm_lost([0, 100, None], now=400, after=300)
    assert not ar.comm_lost([None, None], now=10**9, after=1)
    assert not ar.comm_lost([], now=10**9, after=1)


def test_state_json_round_trip_and_bad_json_is_an_empty_state() -> None:
    state = State(last_ts=5, last_value=1.5, active=((HIGH, 2),), pending=((LOW, 1, 3.0),))
    assert State.from_json(state.to_json(), 5, 1.5) == state
    assert State.from_json(None) == State()
    assert State.from_json({"a": [["high"]], "p": [[1, 2]]}) == State()
    assert State().to_json() == {}
    assert State().quiet and not state.quiet


# --- escalation and reminders ----------------------------------------------------------------------------------

POLICY = EscalationPolicy(steps=(EscalationStep(1, 900, 7200), EscalationStep(2, 1800, 14400)))


@pytest.mark.parametrize(
    ("elapsed", "acknowledged_at", "expected"),
    [
        (899, None, 0),
        (900, None, 1),
        (1799, None, 1),
        (1800, None, 2),
        (3000, 100, 0),  # acknowledged in time: no ack escalation, not yet late to close
        (7200, 100, 1),  # acknowledged but not closed within 2 h
        (14400, 100, 2),
    ],
)
def test_escalation_by_time_to_acknowledge_and_time_to_close(
    elapsed: float, acknowledged_at: float | None, expected: int
) -> None:
    tier = ar.escalation_tier(
        severity=Severity.MAJOR,
        active_since=0,
        acknowledged_at=acknowledged_at,
        closed=False,
        current_tier=0,
        now=elapsed,
        policy=POLICY,
    )
    assert tier == expected


def test_escalation_never_lowers_the_tier_and_skips_closed_or_minor_alarms() -> None:
    kwargs = {"active_since": 0, "acknowledged_at": None, "now": 10_000, "policy": POLICY}
    assert ar.escalation_tier(severity=Severity.MAJOR, closed=False, current_tier=2, **kwargs) == 2  # type: ignore[arg-type]
    assert ar.escalation_tier(severity=Severity.MAJOR, closed=True, current_tier=0, **kwargs) == 0  # type: ignore[arg-type]
    assert ar.escalation_tier(severity=Severity.MINOR, closed=False, current_tier=0, **kwargs) == 0  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"steps": (EscalationStep(2, 1, 1), EscalationStep(1, 1, 1))},
        {"steps": (EscalationStep(0, 1, 1),)},
        {"steps": (EscalationStep(1, -1, 1),)},
        {"repeat_every": 0},
    ],
)
def test_it_refuses_a_bad_escalation_policy(kwargs: dict[str, object]) -> None:
    with pytest.raises(AlarmRuleError):
        EscalationPolicy(**kwargs)  # type: ignore[arg-type]


def test_reminders_repeat_while_unacknowledged() -> None:
    due = {"last_notified": 0, "policy": POLICY}
    assert ar.reminder_due(acknowledged=False, closed=False, now=600, **due)  # type: ignore[arg-type]
    assert not ar.reminder_due(acknowledged=False, closed=False, now=599, **due)  # type: ignore[arg-type]
    assert not ar.reminder_due(acknowledged=True, closed=False, now=10**6, **due)  # type: ignore[arg-type]
    assert not ar.reminder_due(acknowledged=False, closed=True, now=10**6, **due)  # type: ignore[arg-type]
    never = EscalationPolicy(repeat_every=None)
    assert not ar.reminder_due(acknowledged=False, closed=False, last_notified=0, now=10**6, policy=never)


def test_chattering_is_three_activations_within_a_minute() -> None:
    assert ar.chattering([0, 30, 60])
    assert not ar.chattering([0, 30, 61])
    assert ar.chattering([500, 0, 100, 130, 150])
    assert not ar.chattering([0, 10])


# --- early warning ---------------------------------------------------------------------------------------------

NOW = 100_000.0


def fact(
    severity: str,
    *,
    active: bool = True,
    acknowledged: bool = True,
    age: float = 60,
    source: str | None = "s1",
    counted: bool = True,
) -> AlarmFact:
    return AlarmFact(Severity.parse(severity), active, acknowledged, NOW - age, source, counted)


@pytest.mark.parametrize(
    ("facts", "level", "code"),
    [
        ([], None, None),
        ([fact("minor")], RiskLevel.LOW, "blue_active"),
        ([fact("warning")], RiskLevel.GENERAL, "yellow_severity"),
        ([fact("warning", active=False)] * 3, RiskLevel.GENERAL, "yellow_count"),
        ([fact("warning", active=False, age=90_000)] * 3, None, None),  # outside the 24 h window
        ([fact("major")], RiskLevel.LARGE, "orange_severity"),
        ([fact("minor", active=False)] * 10, RiskLevel.LARGE, "orange_count"),
        ([fact("critical")], RiskLevel.MAJOR, "red_severity"),
        ([fact("major"), fact("major")], RiskLevel.MAJOR, "red_concurrent"),
        ([fact("major", source="s1"), fact("major", source="s2")], RiskLevel.LARGE, "orange_severity"),
        ([fact("major", source=None), fact("major", source=None)], RiskLevel.LARGE, "orange_severity"),
        ([fact("major", acknowledged=False, age=1800)], RiskLevel.MAJOR, "red_unacknowledged"),
        ([fact("major", acknowledged=False, age=1799)], RiskLevel.LARGE, "orange_severity"),
        ([fact("critical", counted=False)], None, None),  # shelved or suppressed alarms do not count
    ],
)
def test_enterprise_warning_rule(facts: list[AlarmFact], level: RiskLevel | None, code: str | None) -> None:
    warning = ar.enterprise_warning(facts, NOW)
    assert warning.level is level
    assert (warning.reasons[0].code if warning.reasons else None) == code
    assert warning.colour == (None if level is None else level.colour)


def test_warning_rule_is_configurable_and_validated() -> None:
    strict = WarningRule(yellow_count=1, orange_severity="warning")
    assert ar.enterprise_warning([fact("warning")], NOW, strict).level is RiskLevel.LARGE
    for bad in ({"red_concurrent": 0}, {"orange_count": True}, {"window": -1}):
        with pytest.raises(AlarmRuleError):
            WarningRule(**bad)  # type: ignore[arg-type]


# --- online rates ----------------------------------------------------------------------------------------------


def test_online_rates() -> None:
    assert ar.expected_readings(3600, 60) == 60
    assert ar.expected_readings(30, 60) == 1
    assert ar.expected_readings(0, 60) == 0
    with pytest.raises(AlarmRuleError):
        ar.expected_readings(60, 0)
    assert ar.online_share(30, 60) == Fraction(1, 2)
    assert ar.online_share(90, 60) == 1
    assert ar.online_share(0, 0) is None
    with pytest.raises(AlarmRuleError):
        ar.online_share(-1, 1)
    assert ar.monitored_online(5, 4) and not ar.monitored_online(5, 3) and not ar.monitored_online(0, 0)
    assert ar.rate(4, 5) == Fraction(4, 5) and ar.rate(0, 0) is None
    with pytest.raises(AlarmRuleError):
        ar.rate(6, 5)
    assert ar.PLAN_TARGETS["high_risk_enterprises"] == Fraction(4, 5)


# --- properties ------------------------------------------------------------------------------------------------

values = st.floats(min_value=-5, max_value=15, allow_nan=False)


@given(st.lists(values, min_size=1, max_size=60))
def test_property_at_most_one_active_high_alarm_and_events_alternate(series: list[float]) -> None:
    outcome = run(TANK, [(float(i), v) for i, v in enumerate(series)])
    active = 0
    for event in outcome.events:
        if event.alarm_type != HIGH:
            continue
        if event.action == RAISE:
            assert active == 0
            active = event.level
        elif event.action == ESCALATE:
            assert 0 < active < event.level
            active = event.level
        else:
            assert active
            active = 0
    assert outcome.state.level(HIGH) == active


@given(st.lists(values, min_size=1, max_size=40), st.integers(min_value=1, max_value=39))
def test_property_splitting_a_series_into_batches_changes_nothing(series: list[float], cut: int) -> None:
    rule = Rule(ll=0.5, l=1, h=8, hh=9, deadband=0.3, on_delay=2)
    points = [(float(i), v) for i, v in enumerate(series)]
    whole = run(rule, points)
    first = run(rule, points[:cut])
    second = run(rule, points[cut:], first.state)
    assert first.events + second.events == whole.events
    assert second.state == whole.state if cut < len(points) else first.state == whole.state


def test_old_readings_are_skipped_while_an_alarm_is_active_and_equal_stamps_keep_the_first() -> None:
    active = run(TANK, [(10, 9.5)]).state
    outcome = run(TANK, [(5, 5.0), (10, 5.0), (20, 9.6)], active)
    assert outcome.evaluated == 1 and outcome.events == ()
    first_wins = run(TANK, [(1, 9.5), (1, 5.0)])
    assert actions(first_wins) == [(HIGH, RAISE, 2, 1)] and first_wins.state.last_value == 9.5
