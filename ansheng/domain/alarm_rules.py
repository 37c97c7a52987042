"""Alarm rules of online monitoring: thresholds, on-delay, deadband, no-data; escalation; early warning; online rates.

Pure functions over plain numbers (timestamps are seconds since the epoch, values are engineering units), evaluated on
whole batches: the ingest service hands every new reading of a point to :func:`evaluate` in one call, and a periodic
sweep calls :func:`sweep` for what only time can decide (an on-delay that elapsed with no new reading, a point that
fell silent).

What the rules follow, and where a choice was ours:

* Threshold levels. Tank and process level, temperature, pressure and flow have 高报/高高报 and 低报/低低报 (H, HH,
  L, LL); combustible- and toxic-gas detectors have a first and a second alarm level (GB/T 50493-2019 §5.5: 一级 and
  二级 报警; for combustible gas ≤ 25 % LEL and ≤ 50 % LEL). The level values themselves are set per point by the
  enterprise; this module only requires them to be ordered (LL ≤ L ≤ H ≤ HH).
* One alarm per (point, alarm type), after ThingsBoard: H and HH are two *levels* of the one ``high`` alarm, so the
  alarm's severity can rise while it stays active (ISA-18.2 allows separate H and HH alarms; one alarm with a rising
  severity gives an operator one line per point instead of two, and is what the national monitoring system shows).
  Severity never falls while the alarm is active: the alarm keeps the worst level it reached until it clears.
* On-delay (ISA-18.2 §10.4, OPC UA Part 9 ``OnDelay``): a level becomes active only after the condition has held for
  ``on_delay`` seconds. With readings as samples, "held" means every sample from the first one over the threshold up
  to now was over it; between samples the last value is held (sample-and-hold), as long as the point is not silent.
* Deadband (ISA-18.2 §10.4.2): an active alarm returns to normal only when the value has moved back past its lowest
  threshold by ``deadband`` engineering units, so a value hovering at a threshold does not chatter.
* No-data: a point that has reported before and has been silent for longer than ``no_data_after`` seconds raises a
  separate ``no_data`` alarm (Grafana NoData; a silent sensor is not a normal sensor). A point that never reported is
  "not connected" and raises nothing: connecting it is a registry matter, counted in the online rate.
* Discrete points (SIS / ESD status, video online) have a ``normal_value``; any other value is abnormal.

[U] Every default below is the platform's choice, configurable in the monitoring settings (docs/monitoring.md).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from fractions import Fraction
from typing import Any

from ansheng.domain.errors import DomainError
from ansheng.domain.levels import RiskLevel

__all__ = [
    "COMM_LOST",
    "HIGH",
    "LOW",
    "NO_DATA",
    "PLAN_TARGETS",
    "STATE",
    "AlarmFact",
    "AlarmRuleError",
    "EarlyWarning",
    "EscalationPolicy",
    "EscalationStep",
    "Event",
    "Outcome",
    "Reason",
    "Rule",
    "Severity",
    "State",
    "Touch",
    "WarningRule",
    "chattering",
    "comm_lost",
    "enterprise_warning",
    "escalation_tier",
    "evaluate",
    "expected_readings",
    "level_code",
    "monitored_online",
    "online_share",
    "rate",
    "reminder_due",
    "sweep",
]

# Alarm types. A point has at most one open alarm of each type.
HIGH = "high"
LOW = "low"
STATE = "state"
NO_DATA = "no_data"
COMM_LOST = "comm_lost"  # per enterprise: every point of it is silent

RAISE = "raise"
ESCALATE = "escalate"
CLEAR = "clear"


class AlarmRuleError(DomainError):
    """A rule that cannot be evaluated (thresholds out of order, a negative delay, …)."""


class Severity(IntEnum):
    """Alarm severity, ordered; each maps to one of the four warning colours."""

    MINOR = 1  # 提示, blue
    WARNING = 2  # 一般, yellow
    MAJOR = 3  # 较大, orange
    CRITICAL = 4  # 重大, red

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def level(self) -> RiskLevel:
        """The four-colour level of this severity (MINOR → 蓝 … CRITICAL → 红)."""
        return RiskLevel.from_rank(int(self))

    @classmethod
    def parse(cls, value: object, field: str | None = None) -> Severity:
        """A severity from its code (``"major"``), its number (3) or itself."""
        if isinstance(value, Severity):
            return value
        if isinstance(value, str):
            for member in cls:
                if member.code == value.strip().lower():
                    return member
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
            return cls(value)
        raise AlarmRuleError(
            "unknown_severity",
            field,
            f"未知的报警级别：{value}（应为 minor、warning、major 或 critical）",
            f"unknown severity: {value!r} (expected minor, warning, major or critical)",
        )


def level_code(alarm_type: str, level: int, *, gas: bool = False) -> str:
    """The stable code of an alarm level: ``h``/``hh``, ``l``/``ll``, ``gas1``/``gas2``, ``trip``, ``no_data``."""
    if alarm_type == HIGH:
        if gas:
            return f"gas{level}"
        return "h" * level
    if alarm_type == LOW:
        return "l" * level
    if alarm_type == STATE:
        return "trip"
    return alarm_type


def _number(value: object, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AlarmRuleError("wrong_type", field, f"{field}应为数字", f"{field} must be a number")
    if not math.isfinite(value):
        raise AlarmRuleError("not_finite", field, f"{field}应为有限数", f"{field} must be a finite number")
    return float(value)


@dataclass(frozen=True)
class Rule:
    """How one point's readings become alarms.

    ``ll``/``l``/``h``/``hh`` are thresholds in the point's unit (None where unset; for a gas detector ``h`` and
    ``hh`` are the first and second alarm levels and ``gas`` is true). ``severity_1`` applies to L, H, the first gas
    level and an abnormal discrete value; ``severity_2`` to LL, HH and the second gas level. A discrete point sets
    ``normal_value`` and no thresholds. ``no_data_after`` (seconds) enables the no-data alarm.
    """

    ll: float | None = None
    l: float | None = None  # noqa: E741  (the standard's name for the low threshold)
    h: float | None = None
    hh: float | None = None
    deadband: float = 0.0
    on_delay: float = 0.0
    normal_value: float | None = None
    severity_1: Severity = Severity.WARNING
    severity_2: Severity = Severity.MAJOR
    no_data_after: float | None = None
    no_data_severity: Severity = Severity.MINOR
    gas: bool = False
    # Derived bounds of the quiet band (no alarm, nothing pending): a reading strictly inside needs no work.
    quiet_low: float = field(init=False, repr=False, compare=False, default=-math.inf)
    quiet_high: float = field(init=False, repr=False, compare=False, default=math.inf)

    def __post_init__(self) -> None:
        thresholds = [(name, _number(getattr(self, name), name)) for name in ("ll", "l", "h", "hh")]
        for name, value in thresholds:
            object.__setattr__(self, name, value)
        for name in ("deadband", "on_delay"):
            value = _number(getattr(self, name), name)
            if value is None or value < 0:
                raise AlarmRuleError(
                    "negative_value", name, f"{name}不能为负数或空", f"{name} must be a non-negative number"
                )
            object.__setattr__(self, name, value)
        object.__setattr__(self, "normal_value", _number(self.normal_value, "normal_value"))
        no_data = _number(self.no_data_after, "no_data_after")
        if no_data is not None and no_data <= 0:
            raise AlarmRuleError(
                "not_positive", "no_data_after", "无数据报警时限应大于0", "no_data_after must be positive"
            )
        object.__setattr__(self, "no_data_after", no_data)
        for name in ("severity_1", "severity_2", "no_data_severity"):
            object.__setattr__(self, name, Severity.parse(getattr(self, name), name))
        present = [(name, value) for name, value in thresholds if value is not None]
        if self.normal_value is not None and present:
            raise AlarmRuleError(
                "discrete_with_thresholds",
                present[0][0],
                "开关量测点只设正常值，不设报警阈值",
                "a discrete point has a normal value, not thresholds",
            )
        for (low_name, low), (high_name, high) in itertools.pairwise(present):
            if low > high:
                raise AlarmRuleError(
                    "thresholds_out_of_order",
                    high_name,
                    f"报警阈值应满足 LL ≤ L ≤ H ≤ HH：{high_name.upper()}（{high}）小于 {low_name.upper()}（{low}）",
                    f"thresholds must satisfy LL ≤ L ≤ H ≤ HH: {high_name.upper()} ({high}) is below "
                    f"{low_name.upper()} ({low})",
                )
        low_first = self.l if self.l is not None else self.ll
        high_first = self.h if self.h is not None else self.hh
        object.__setattr__(self, "quiet_low", -math.inf if low_first is None else low_first)
        object.__setattr__(self, "quiet_high", math.inf if high_first is None else high_first)

    @property
    def discrete(self) -> bool:
        return self.normal_value is not None

    def severity(self, alarm_type: str, level: int) -> Severity:
        if alarm_type == NO_DATA:
            return self.no_data_severity
        return self.severity_2 if level >= 2 else self.severity_1

    def threshold(self, alarm_type: str, level: int) -> float | None:
        if alarm_type == HIGH:
            return self.hh if level >= 2 else self.h
        if alarm_type == LOW:
            return self.ll if level >= 2 else self.l
        if alarm_type == STATE:
            return self.normal_value
        return None

    def levels(self, value: float) -> tuple[int, int, int]:
        """(high level, low level, discrete abnormal) that ``value`` reaches, ignoring time."""
        if self.normal_value is not None:
            return 0, 0, int(abs(value - self.normal_value) > 1e-9)
        high = 2 if self.hh is not None and value >= self.hh else 1 if self.h is not None and value >= self.h else 0
        low = 2 if self.ll is not None and value <= self.ll else 1 if self.l is not None and value <= self.l else 0
        return high, low, 0

    def returned(self, alarm_type: str, value: float) -> bool:
        """Whether ``value`` has moved back past the alarm's lowest threshold by the deadband (ISA-18.2 §10.4.2)."""
        if alarm_type == HIGH:
            return value < self.quiet_high - self.deadband
        if alarm_type == LOW:
            return value > self.quiet_low + self.deadband
        return self.normal_value is not None and abs(value - self.normal_value) <= 1e-9


@dataclass(frozen=True)
class State:
    """What the rules remember about a point between batches (stored as compact JSON by the platform).

    ``active`` maps an alarm type to the level it is active at (absent: not active); ``pending`` maps
    (type, level) to the time its condition began, for levels waiting out their on-delay.
    """

    last_ts: float | None = None
    last_value: float | None = None
    active: tuple[tuple[str, int], ...] = ()
    pending: tuple[tuple[str, int, float], ...] = ()

    @property
    def quiet(self) -> bool:
        return not self.active and not self.pending

    def level(self, alarm_type: str) -> int:
        return dict(self.active).get(alarm_type, 0)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.active:
            data["a"] = [[alarm_type, level] for alarm_type, level in self.active]
        if self.pending:
            data["p"] = [[alarm_type, level, since] for alarm_type, level, since in self.pending]
        return data

    @classmethod
    def from_json(cls, data: object, last_ts: float | None = None, last_value: float | None = None) -> State:
        """The state stored by :meth:`to_json`; anything unreadable is taken as an empty state."""
        active: list[tuple[str, int]] = []
        pending: list[tuple[str, int, float]] = []
        if isinstance(data, dict):
            for item in data.get("a") or ():
                if isinstance(item, list) and len(item) == 2:
                    active.append((str(item[0]), int(item[1])))
            for item in data.get("p") or ():
                if isinstance(item, list) and len(item) == 3:
                    pending.append((str(item[0]), int(item[1]), float(item[2])))
        return cls(last_ts=last_ts, last_value=last_value, active=tuple(active), pending=tuple(pending))


@dataclass(frozen=True)
class Event:
    """A change of an alarm: ``raise`` (becomes active), ``escalate`` (severity rose) or ``clear``."""

    alarm_type: str
    action: str
    level: int
    severity: Severity
    ts: float
    value: float | None
    threshold: float | None


@dataclass(frozen=True)
class Touch:
    """An alarm that stayed active through the batch: its latest value and its peak (worst) value."""

    alarm_type: str
    ts: float
    value: float
    peak: float


@dataclass(frozen=True)
class Outcome:
    state: State
    events: tuple[Event, ...]
    touches: tuple[Touch, ...]
    evaluated: int


class _Run:
    """Mutable working copy of a state while one batch is evaluated."""

    __slots__ = ("active", "events", "last_ts", "last_value", "peaks", "pending", "rule")

    def __init__(self, rule: Rule, state: State) -> None:
        self.rule = rule
        self.active: dict[str, int] = dict(state.active)
        self.pending: dict[tuple[str, int], float] = {(t, lv): since for t, lv, since in state.pending}
        self.last_ts = state.last_ts
        self.last_value = state.last_value
        self.events: list[Event] = []
        self.peaks: dict[str, tuple[float, float, float]] = {}  # type → (ts, value, peak)

    def fire(self, alarm_type: str, level: int, ts: float, value: float | None) -> None:
        current = self.active.get(alarm_type, 0)
        action = RAISE if current == 0 else ESCALATE
        self.active[alarm_type] = level
        for key in [key for key in self.pending if key[0] == alarm_type and key[1] <= level]:
            del self.pending[key]
        rule = self.rule
        self.events.append(
            Event(
                alarm_type,
                action,
                level,
                rule.severity(alarm_type, level),
                ts,
                value,
                rule.threshold(alarm_type, level),
            )
        )

    def clear(self, alarm_type: str, ts: float, value: float | None) -> None:
        level = self.active.pop(alarm_type)
        self.peaks.pop(alarm_type, None)
        rule = self.rule
        self.events.append(
            Event(
                alarm_type, CLEAR, level, rule.severity(alarm_type, level), ts, value, rule.threshold(alarm_type, level)
            )
        )

    def side(self, alarm_type: str, reached: int, ts: float, value: float) -> None:
        """One side (high, low or discrete) of one reading: pending timers, activation, escalation, return."""
        rule = self.rule
        current = self.active.get(alarm_type, 0)
        if current and reached < current and rule.returned(alarm_type, value):
            self.clear(alarm_type, ts, value)
            current = 0
        fired = 0
        for level in (1, 2):
            key = (alarm_type, level)
            if level <= current or level > reached:
                self.pending.pop(key, None)
                continue
            since = self.pending.setdefault(key, ts)
            if ts - since >= rule.on_delay:
                fired = level
        if fired:
            self.fire(alarm_type, fired, ts, value)
        if alarm_type in self.active:
            previous = self.peaks.get(alarm_type)
            worse = max if alarm_type == HIGH else min
            peak = value if previous is None else worse(previous[2], value)
            self.peaks[alarm_type] = (ts, value, peak)

    def outcome(self, evaluated: int) -> Outcome:
        state = State(
            last_ts=self.last_ts,
            last_value=self.last_value,
            active=tuple(sorted(self.active.items())),
            pending=tuple(sorted((t, lv, since) for (t, lv), since in self.pending.items())),
        )
        touches = tuple(
            Touch(alarm_type, ts, value, peak)
            for alarm_type, (ts, value, peak) in sorted(self.peaks.items())
            if alarm_type in self.active
        )
        return Outcome(state, tuple(self.events), touches, evaluated)


def _first(reading: tuple[float, float]) -> float:
    return reading[0]


def evaluate(rule: Rule, state: State, readings: Iterable[tuple[float, float]]) -> Outcome:
    """Evaluate one point's new readings ``(ts, value)`` in time order.

    Readings at or before the state's last timestamp were evaluated before (or arrived late) and are skipped: they
    are stored but change no alarm, which also makes a redelivered batch harmless.
    """
    # In time order; of two readings with the same timestamp the one sent first counts (as the database keeps it).
    ordered = readings if isinstance(readings, list) and len(readings) == 1 else sorted(readings, key=_first)
    low_bound, high_bound = rule.quiet_low, rule.quiet_high
    discrete, normal = rule.discrete, rule.normal_value
    if not state.active and not state.pending:
        # The common case, without building a working copy: nothing active or pending and every new reading
        # inside the quiet band. Only the last reading is remembered.
        last = state.last_ts
        fresh = [(ts, value) for ts, value in ordered if last is None or ts > last]
        if discrete:
            quiet = all(abs(value - normal) <= 1e-9 for _ts, value in fresh)  # type: ignore[operator]
        else:
            quiet = all(low_bound < value < high_bound for _ts, value in fresh)
        if quiet:
            if not fresh:
                return Outcome(state, (), (), 0)
            ts, value = fresh[-1]
            return Outcome(State(last_ts=ts, last_value=value), (), (), len(fresh))
    run = _Run(rule, state)
    evaluated = 0
    for ts, value in ordered:
        if run.last_ts is not None and ts <= run.last_ts:
            continue
        evaluated += 1
        run.last_ts, run.last_value = ts, value
        if NO_DATA in run.active:
            run.clear(NO_DATA, ts, value)
        if not run.active and not run.pending:
            # The common case: nothing active or pending and the value inside the quiet band.
            if discrete:
                if normal is not None and abs(value - normal) <= 1e-9:
                    continue
            elif low_bound < value < high_bound:
                continue
        high, low, abnormal = rule.levels(value)
        if discrete:
            run.side(STATE, abnormal, ts, value)
        else:
            run.side(HIGH, high, ts, value)
            run.side(LOW, low, ts, value)
    return run.outcome(evaluated)


def sweep(rule: Rule, state: State, now: float, *, inhibit_no_data: bool = False) -> Outcome:
    """What time alone decides for a point at ``now``.

    * An on-delay that has elapsed while the last value still held the condition fires (sample-and-hold), as long
      as the point is not silent; it fires at the moment the delay ran out.
    * A point that reported before and has been silent longer than ``no_data_after`` raises ``no_data`` (unless
      ``inhibit_no_data``: its enterprise has lost communications as a whole, which is one alarm, not one per
      point). A silent point's pending timers are dropped: a held value is not evidence once the sensor is silent.
    """
    run = _Run(rule, state)
    if state.last_ts is None:
        return run.outcome(0)
    limit = rule.no_data_after
    if limit is not None and now - state.last_ts > limit:
        run.pending.clear()
        if NO_DATA not in run.active and not inhibit_no_data:
            run.fire(NO_DATA, 1, state.last_ts + limit, None)
        return run.outcome(0)
    # Each level that is due fires at the moment its delay ran out, lower levels first (a raise, then a rise).
    for (alarm_type, level), since in sorted(run.pending.items()):
        if now - since >= rule.on_delay and level > run.active.get(alarm_type, 0):
            run.fire(alarm_type, level, since + rule.on_delay, state.last_value)
    return run.outcome(0)


def comm_lost(last_seen: Sequence[float | None], now: float, after: float) -> bool:
    """Whether an enterprise has lost communications: it has points that reported before, and none has reported
    for longer than ``after`` seconds (Alertmanager-style inhibition then mutes the points' own no-data alarms)."""
    seen = [ts for ts in last_seen if ts is not None]
    if not seen:
        return False
    return now - max(seen) > after


# --- escalation and reminders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationStep:
    """Escalate to ``tier`` (1 county, 2 city) when an alarm is not acknowledged within ``ack_within`` seconds or
    not closed (handled, with feedback) within ``close_within`` seconds of becoming active."""

    tier: int
    ack_within: float
    close_within: float


@dataclass(frozen=True)
class EscalationPolicy:
    steps: tuple[EscalationStep, ...] = (
        EscalationStep(1, 15 * 60, 2 * 3600),
        EscalationStep(2, 30 * 60, 4 * 3600),
    )
    min_severity: Severity = Severity.WARNING
    repeat_every: float | None = 10 * 60

    def __post_init__(self) -> None:
        tiers = [step.tier for step in self.steps]
        if tiers != sorted(set(tiers)) or any(tier < 1 for tier in tiers):
            raise AlarmRuleError(
                "bad_escalation", "steps", "升级层级应从1开始递增", "escalation tiers must rise from 1"
            )
        for step in self.steps:
            if step.ack_within < 0 or step.close_within < 0:
                raise AlarmRuleError(
                    "negative_value", "steps", "升级时限不能为负数", "escalation times must not be negative"
                )
        if self.repeat_every is not None and self.repeat_every <= 0:
            raise AlarmRuleError(
                "not_positive", "repeat_every", "提醒间隔应大于0", "the reminder interval must be positive"
            )


def escalation_tier(
    *,
    severity: Severity,
    active_since: float,
    acknowledged_at: float | None,
    closed: bool,
    current_tier: int,
    now: float,
    policy: EscalationPolicy,
) -> int:
    """The tier an alarm should have reached at ``now`` (never lower than it has): 0 enterprise, 1 county, 2 city."""
    if closed or severity < policy.min_severity:
        return current_tier
    elapsed = now - active_since
    tier = current_tier
    for step in policy.steps:
        late_ack = acknowledged_at is None and elapsed >= step.ack_within
        if late_ack or elapsed >= step.close_within:
            tier = max(tier, step.tier)
    return tier


def reminder_due(
    *, acknowledged: bool, closed: bool, last_notified: float, now: float, policy: EscalationPolicy
) -> bool:
    """Whether an unacknowledged open alarm should be announced again (Alertmanager ``repeat_interval``)."""
    if acknowledged or closed or policy.repeat_every is None:
        return False
    return now - last_notified >= policy.repeat_every


def chattering(times: Sequence[float], *, count: int = 3, window: float = 60.0) -> bool:
    """ISA-18.2 (§16.7) chattering: ``count`` or more activations of one alarm within ``window`` seconds."""
    ordered = sorted(times)
    return any(ordered[i + count - 1] - ordered[i] <= window for i in range(len(ordered) - count + 1))


# --- enterprise early warning (预警) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AlarmFact:
    """What the warning rule needs of one alarm: counted alarms exclude shelved, suppressed and inhibited ones."""

    severity: Severity
    active: bool
    acknowledged: bool
    started_at: float
    source: str | None = None  # the hazard source (or unit) the point belongs to
    counted: bool = True


@dataclass(frozen=True)
class WarningRule:
    """[U] The platform's rule from an enterprise's alarms to its four-colour warning (docs/monitoring.md).

    The national system grades warnings 红/橙/黄/蓝 (reference §5.1) but its conversion rule is not published; this
    rule is configurable and applied in order, first match wins:

    红: an active alarm of ``red_severity`` or worse; or ``red_concurrent`` active alarms of ``orange_severity`` or
        worse at one hazard source; or an active alarm of ``orange_severity`` or worse left unacknowledged for
        ``red_unacknowledged_after`` seconds.
    橙: an active alarm of ``orange_severity`` or worse; or ``orange_count`` alarms within ``window`` seconds.
    黄: an active alarm of ``yellow_severity`` or worse; or ``yellow_count`` alarms within ``window`` seconds.
    蓝: any other active alarm (no data, communications lost, video offline).
    """

    red_severity: Severity = Severity.CRITICAL
    red_concurrent: int = 2
    red_unacknowledged_after: float = 30 * 60
    orange_severity: Severity = Severity.MAJOR
    orange_count: int = 10
    yellow_severity: Severity = Severity.WARNING
    yellow_count: int = 3
    window: float = 24 * 3600

    def __post_init__(self) -> None:
        for name in ("red_concurrent", "orange_count", "yellow_count"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise AlarmRuleError("not_positive", name, f"{name}应为正整数", f"{name} must be a positive integer")
        for name in ("red_unacknowledged_after", "window"):
            if getattr(self, name) < 0:
                raise AlarmRuleError("negative_value", name, f"{name}不能为负数", f"{name} must not be negative")
        for name in ("red_severity", "orange_severity", "yellow_severity"):
            object.__setattr__(self, name, Severity.parse(getattr(self, name), name))


@dataclass(frozen=True)
class Reason:
    code: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class EarlyWarning:
    level: RiskLevel | None
    reasons: tuple[Reason, ...]

    @property
    def colour(self) -> str | None:
        return None if self.level is None else self.level.colour


def enterprise_warning(facts: Iterable[AlarmFact], now: float, rule: WarningRule | None = None) -> EarlyWarning:
    """The enterprise's warning level from its alarms (open ones, and those started within the rule's window)."""
    rule = rule or WarningRule()
    counted = [fact for fact in facts if fact.counted]
    active = [fact for fact in counted if fact.active]
    recent = [fact for fact in counted if now - fact.started_at <= rule.window]
    hours = f"{rule.window / 3600:g}"

    red: list[Reason] = []
    worst = max((fact.severity for fact in active), default=None)
    if worst is not None and worst >= rule.red_severity:
        red.append(Reason("red_severity", "存在重大级别的报警", "an alarm of the highest severity is active"))
    serious = [fact for fact in active if fact.severity >= rule.orange_severity]
    per_source: dict[str, int] = {}
    for fact in serious:
        if fact.source is not None:
            per_source[fact.source] = per_source.get(fact.source, 0) + 1
    if any(n >= rule.red_concurrent for n in per_source.values()):
        red.append(
            Reason(
                "red_concurrent",
                f"同一重大危险源有{rule.red_concurrent}个及以上较大级别报警同时发生",
                f"{rule.red_concurrent} or more serious alarms are active at one hazard source",
            )
        )
    minutes = f"{rule.red_unacknowledged_after / 60:g}"
    if any(not f.acknowledged and now - f.started_at >= rule.red_unacknowledged_after for f in serious):
        red.append(
            Reason(
                "red_unacknowledged",
                f"较大级别报警超过{minutes}分钟未确认",
                f"a serious alarm has not been acknowledged for {minutes} minutes",
            )
        )
    if red:
        return EarlyWarning(RiskLevel.MAJOR, tuple(red))

    if serious:
        reason = Reason("orange_severity", "存在较大级别的报警", "a serious alarm is active")
        return EarlyWarning(RiskLevel.LARGE, (reason,))
    if len(recent) >= rule.orange_count:
        return EarlyWarning(
            RiskLevel.LARGE,
            (
                Reason(
                    "orange_count",
                    f"{hours}小时内报警{len(recent)}次",
                    f"{len(recent)} alarms within {hours} hours",
                ),
            ),
        )
    if worst is not None and worst >= rule.yellow_severity:
        return EarlyWarning(RiskLevel.GENERAL, (Reason("yellow_severity", "存在一般级别的报警", "an alarm is active"),))
    if len(recent) >= rule.yellow_count:
        return EarlyWarning(
            RiskLevel.GENERAL,
            (
                Reason(
                    "yellow_count",
                    f"{hours}小时内报警{len(recent)}次",
                    f"{len(recent)} alarms within {hours} hours",
                ),
            ),
        )
    if active:
        return EarlyWarning(
            RiskLevel.LOW,
            (
                Reason(
                    "blue_active",
                    "存在提示级别的报警（如测点无数据）",
                    "a minor alarm (such as a silent point) is active",
                ),
            ),
        )
    return EarlyWarning(None, ())


# --- online rates ------------------------------------------------------------------------------------------------

# The plan's online-monitoring targets: every grade-1 and grade-2 major hazard source monitored online, and at least
# 80 % of high-risk enterprises (issue 5, from the city's work-safety plan).
PLAN_TARGETS: dict[str, Fraction] = {
    "major_hazard_sources": Fraction(1),
    "high_risk_enterprises": Fraction(4, 5),
}


def expected_readings(period: float, interval: float) -> int:
    """How many readings a point reporting every ``interval`` seconds should send in ``period`` seconds."""
    if interval <= 0:
        raise AlarmRuleError("not_positive", "interval", "上报间隔应大于0", "the reporting interval must be positive")
    if period <= 0:
        return 0
    return max(1, math.floor(period / interval))


def online_share(received: int, expected: int) -> Fraction | None:
    """Readings received over readings expected, capped at 1 (a point reporting faster than required is 100 %)."""
    if received < 0 or expected < 0:
        raise AlarmRuleError("negative_value", None, "数量不能为负数", "counts must not be negative")
    if expected == 0:
        return None
    return min(Fraction(1), Fraction(received, expected))


def monitored_online(points: int, reporting: int, min_share: Fraction = Fraction(4, 5)) -> bool:
    """[U] A hazard source or enterprise is "monitored online" when it has in-service points and at least
    ``min_share`` of them reported within the online window (docs/monitoring.md)."""
    if points <= 0:
        return False
    return Fraction(reporting, points) >= min_share


def rate(part: int, whole: int) -> Fraction | None:
    """part / whole, or None for an empty whole (no denominator: the rate is undefined, not 0 % or 100 %)."""
    if part < 0 or whole < 0 or part > whole:
        raise AlarmRuleError("bad_counts", None, "分子应在0与分母之间", "the part must lie between 0 and the whole")
    return None if whole == 0 else Fraction(part, whole)
