"""Settings of monitoring and alarms, from the environment (typed, failing loudly at start-up), overridable in Django
settings under the same name without the ``ANSHENG_`` prefix (tests use that). Every one is documented with its
default in docs/monitoring.md; [U] marks platform choices where no rule fixes the value.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ansheng.config.env import Env
from ansheng.domain import alarm_rules as rules

_env = Env()


def _pairs(name: str, allowed: set[str]) -> dict[str, str]:
    raw = _env.str(name)
    values: dict[str, str] = {}
    for part in filter(None, (item.strip() for item in raw.split(","))):
        key, sep, value = part.partition("=")
        if not sep or key.strip() not in allowed:
            keys = ", ".join(sorted(allowed))
            raise ImproperlyConfigured(f"{name}={raw!r}: use key=value pairs with keys among {keys}")
        values[key.strip()] = value.strip()
    return values


def _warning_rule() -> dict[str, Any]:
    fields = {
        "red_severity",
        "red_concurrent",
        "red_unacknowledged_minutes",
        "orange_severity",
        "orange_count",
        "yellow_severity",
        "yellow_count",
        "window_hours",
    }
    raw = _pairs("ANSHENG_MONITORING_WARNING_RULE", fields)
    rule: dict[str, Any] = {
        "red_severity": "critical",
        "red_concurrent": 2,
        "red_unacknowledged_minutes": 30,
        "orange_severity": "major",
        "orange_count": 10,
        "yellow_severity": "warning",
        "yellow_count": 3,
        "window_hours": 24,
    }
    for key, value in raw.items():
        if key.endswith("_severity"):
            rule[key] = value
        else:
            try:
                rule[key] = float(value) if "." in value else int(value)
            except ValueError:
                raise ImproperlyConfigured(
                    f"ANSHENG_MONITORING_WARNING_RULE: {key}={value!r} is not a number"
                ) from None
    try:
        _build_warning_rule(rule)
    except rules.AlarmRuleError as exc:
        raise ImproperlyConfigured(f"ANSHENG_MONITORING_WARNING_RULE: {exc.message_en}") from None
    return rule


def _build_warning_rule(rule: dict[str, Any]) -> rules.WarningRule:
    return rules.WarningRule(
        red_severity=rule["red_severity"],
        red_concurrent=rule["red_concurrent"],
        red_unacknowledged_after=rule["red_unacknowledged_minutes"] * 60,
        orange_severity=rule["orange_severity"],
        orange_count=rule["orange_count"],
        yellow_severity=rule["yellow_severity"],
        yellow_count=rule["yellow_count"],
        window=rule["window_hours"] * 3600,
    )


DEFAULTS: dict[str, Any] = {
    # Storage: raw readings at least 30 days (40号令: monitoring data kept ≥ 30 days [U]); aggregates kept long.
    "MONITORING_RAW_RETENTION_DAYS": _env.int("ANSHENG_MONITORING_RAW_RETENTION_DAYS", 30, minimum=30),
    "MONITORING_MINUTE_RETENTION_DAYS": _env.int("ANSHENG_MONITORING_MINUTE_RETENTION_DAYS", 400, minimum=30),
    "MONITORING_HOUR_RETENTION_DAYS": _env.int("ANSHENG_MONITORING_HOUR_RETENTION_DAYS", 3660, minimum=365),
    "MONITORING_REJECTION_RETENTION_DAYS": _env.int("ANSHENG_MONITORING_REJECTION_RETENTION_DAYS", 90, minimum=7),
    # Validation of readings.
    "MONITORING_FUTURE_TOLERANCE_S": _env.int("ANSHENG_MONITORING_FUTURE_TOLERANCE_S", 300, minimum=0),
    "MONITORING_MAX_READINGS_PER_REQUEST": _env.int("ANSHENG_MONITORING_MAX_READINGS", 50_000, minimum=100),
    # No data: a point is silent after NO_DATA_FACTOR reporting intervals (at least NO_DATA_MIN_S) [U];
    # an enterprise has lost communications when all its points are silent for COMM_LOST_AFTER_S [U].
    "MONITORING_DEFAULT_INTERVAL_S": _env.int("ANSHENG_MONITORING_DEFAULT_INTERVAL_S", 60, minimum=1),
    "MONITORING_NO_DATA_FACTOR": _env.int("ANSHENG_MONITORING_NO_DATA_FACTOR", 3, minimum=1),
    "MONITORING_NO_DATA_MIN_S": _env.int("ANSHENG_MONITORING_NO_DATA_MIN_S", 120, minimum=10),
    "MONITORING_COMM_LOST_AFTER_S": _env.int("ANSHENG_MONITORING_COMM_LOST_AFTER_S", 600, minimum=30),
    "MONITORING_STARTUP_GRACE_S": _env.int("ANSHENG_MONITORING_STARTUP_GRACE_S", 180, minimum=0),
    "MONITORING_NO_DATA_SEVERITY": _env.choice(
        "ANSHENG_MONITORING_NO_DATA_SEVERITY", "minor", {"minor", "warning", "major", "critical"}
    ),
    "MONITORING_COMM_LOST_SEVERITY": _env.choice(
        "ANSHENG_MONITORING_COMM_LOST_SEVERITY", "warning", {"minor", "warning", "major", "critical"}
    ),
    # Escalation (enterprise → county → city) and reminders [U]: the recalled practice is feedback on red/orange
    # warnings within 30 minutes (reference §5.1).
    "MONITORING_ESCALATE_COUNTY_ACK_MIN": _env.int("ANSHENG_MONITORING_ESCALATE_COUNTY_ACK_MIN", 15, minimum=1),
    "MONITORING_ESCALATE_COUNTY_CLOSE_MIN": _env.int("ANSHENG_MONITORING_ESCALATE_COUNTY_CLOSE_MIN", 120, minimum=1),
    "MONITORING_ESCALATE_CITY_ACK_MIN": _env.int("ANSHENG_MONITORING_ESCALATE_CITY_ACK_MIN", 30, minimum=1),
    "MONITORING_ESCALATE_CITY_CLOSE_MIN": _env.int("ANSHENG_MONITORING_ESCALATE_CITY_CLOSE_MIN", 240, minimum=1),
    "MONITORING_ESCALATE_MIN_SEVERITY": _env.choice(
        "ANSHENG_MONITORING_ESCALATE_MIN_SEVERITY", "warning", {"minor", "warning", "major", "critical"}
    ),
    "MONITORING_REPEAT_MIN": _env.int("ANSHENG_MONITORING_REPEAT_MIN", 10, minimum=0),
    "MONITORING_SHELVE_MAX_HOURS": _env.int("ANSHENG_MONITORING_SHELVE_MAX_HOURS", 24, minimum=1),
    "MONITORING_WARNING_RULE": _warning_rule(),
    # Statistics and the plan's online rates [U].
    "MONITORING_ONLINE_WINDOW_HOURS": _env.int("ANSHENG_MONITORING_ONLINE_WINDOW_HOURS", 24, minimum=1),
    "MONITORING_ONLINE_MIN_SHARE_PCT": _env.int("ANSHENG_MONITORING_ONLINE_MIN_SHARE_PCT", 80, minimum=1, maximum=100),
    "MONITORING_STANDING_HOURS": _env.int("ANSHENG_MONITORING_STANDING_HOURS", 24, minimum=1),
    # MQTT ingestion.
    "MONITORING_MQTT_COUNTIES": _env.list("ANSHENG_MQTT_INGEST_COUNTIES"),
    "MONITORING_MQTT_CLIENT_ID": _env.str("ANSHENG_MQTT_CLIENT_ID"),
    "MONITORING_MQTT_BATCH_READINGS": _env.int("ANSHENG_MQTT_BATCH_READINGS", 5000, minimum=1),
    "MONITORING_MQTT_BATCH_MS": _env.int("ANSHENG_MQTT_BATCH_MS", 50, minimum=1),
    "MONITORING_MQTT_RECEIVE_MAXIMUM": _env.int("ANSHENG_MQTT_RECEIVE_MAXIMUM", 1000, minimum=1, maximum=65535),
    # The demo's built-in simulator (on by default in `ansheng demo` only).
    "MONITORING_SIMULATE": _env.bool("ANSHENG_MONITORING_SIMULATE", _env.str("ANSHENG_MODE") == "demo"),
    "MONITORING_SIMULATE_INTERVAL_S": _env.int("ANSHENG_MONITORING_SIMULATE_INTERVAL_S", 10, minimum=1),
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def severity(name: str) -> rules.Severity:
    return rules.Severity.parse(get(name))


def escalation_policy() -> rules.EscalationPolicy:
    repeat = get("MONITORING_REPEAT_MIN")
    return rules.EscalationPolicy(
        steps=(
            rules.EscalationStep(
                1, get("MONITORING_ESCALATE_COUNTY_ACK_MIN") * 60, get("MONITORING_ESCALATE_COUNTY_CLOSE_MIN") * 60
            ),
            rules.EscalationStep(
                2, get("MONITORING_ESCALATE_CITY_ACK_MIN") * 60, get("MONITORING_ESCALATE_CITY_CLOSE_MIN") * 60
            ),
        ),
        min_severity=severity("MONITORING_ESCALATE_MIN_SEVERITY"),
        repeat_every=repeat * 60 if repeat else None,
    )


def warning_rule() -> rules.WarningRule:
    return _cached_warning_rule(tuple(sorted(get("MONITORING_WARNING_RULE").items())))


@functools.lru_cache(maxsize=8)
def _cached_warning_rule(items: tuple[tuple[str, Any], ...]) -> rules.WarningRule:
    return _build_warning_rule(dict(items))


def topic_prefix() -> str:
    return str(settings.MQTT_TOPIC_PREFIX).strip("/")
