"""Background workers of monitoring (run in-process by `ansheng demo`/`serve`, or as `ansheng worker <name>`)."""

from __future__ import annotations

import threading
import time

from ansheng.core.workers import Worker

_STARTED = time.monotonic()


def _sweep() -> int:
    from ansheng.monitoring import conf
    from ansheng.monitoring.engine import run_sweep

    # Just after a (re)start, silence may be the platform's own downtime: give gateways time to deliver before
    # points and enterprises count as silent.
    run_sweep(detect_silence=time.monotonic() - _STARTED >= conf.get("MONITORING_STARTUP_GRACE_S"))
    return 0  # time-driven: one pass per interval


def _notify() -> int:
    from ansheng.monitoring.notifier import tick

    return tick()


def _rollup() -> int:
    from ansheng.monitoring.rollup import tick

    return tick()


def _simulate() -> int:
    from ansheng.monitoring.simulator import tick

    return tick()


def _mqtt(stop: threading.Event) -> None:
    from ansheng.monitoring.mqtt import run

    run(stop)


SWEEP = Worker(
    "monitoring-sweep",
    _sweep,
    interval=5.0,
    description="alarm sweep: no data, on-delays, communications lost, shelving, early warnings",
)
NOTIFY = Worker(
    "monitoring-notify",
    _notify,
    interval=2.0,
    description="alarm notices, reminders and escalation (enterprise → county → city)",
)
ROLLUP = Worker(
    "monitoring-rollup", _rollup, interval=30.0, description="1-minute / 1-hour aggregates and retention of readings"
)
MQTT = Worker(
    "mqtt-ingest",
    lambda: 0,
    run=_mqtt,
    description="MQTT ingest (ANSHENG_MQTT_INGEST_COUNTIES splits the topics between workers)",
)
SIMULATOR = Worker(
    "monitoring-simulator",
    _simulate,
    interval=1.0,
    description="demo sensor simulator (only when ANSHENG_MONITORING_SIMULATE is on)",
)
