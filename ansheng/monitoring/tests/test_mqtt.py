"""Integration with the real Mosquitto: publish → store → alarm, and a worker killed mid-stream (a real subprocess,
SIGKILL) and restarted loses nothing it acknowledged and duplicates no alarm.

The ingest workers run as `ansheng mqtt-ingest` subprocesses against a database of their own (a fresh SQLite file,
or a fresh PostgreSQL database when the suite runs on PostgreSQL), migrated and seeded by subprocesses too, so
nothing depends on the test runner's in-memory database. Topics are unique per run, so runs on a shared broker do
not see each other. Without a broker these tests skip locally and fail in CI (CI=true).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.mqtt

BASE = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=4)

ROOT = Path(__file__).resolve().parents[3]
SEED = """
import django, json
django.setup()
from ansheng.core.testing import build_world
from ansheng.monitoring.tests.conftest import make_plant
world = build_world()
plant = make_plant(world)
print(json.dumps({"county": plant.enterprise.county_id, "credit": plant.enterprise.credit_code}))
"""


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _broker() -> tuple[str, int]:
    from django.conf import settings

    parsed = urlparse(settings.MQTT_URL)
    return parsed.hostname or "127.0.0.1", parsed.port or 1883


@pytest.fixture(scope="module")
def broker() -> tuple[str, int]:
    host, port = _broker()
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        if _ci():
            pytest.fail(f"MQTT broker {host}:{port} unreachable ({exc}); CI requires the broker tests")
        pytest.skip(f"MQTT broker {host}:{port} unreachable ({exc})")
    return host, port


class External:
    """A database for subprocesses, with the test city's chemical plant in it."""

    def __init__(self, tmp: Path) -> None:
        from django.db import connection

        self.tmp = tmp
        self.prefix = f"ansheng-monitoring-test-{uuid.uuid4().hex[:8]}"
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            import psycopg

            settings = connection.settings_dict
            self.pg = {
                "host": settings["HOST"] or "127.0.0.1",
                "port": settings["PORT"] or "5432",
                "user": settings["USER"],
                "password": settings["PASSWORD"],
            }
            self.name = f"test_ansheng_mqtt_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(dbname="postgres", autocommit=True, **self.pg) as admin:
                admin.execute(f'CREATE DATABASE "{self.name}"')
            auth = self.pg["user"] + (f":{self.pg['password']}" if self.pg["password"] else "")
            self.url = f"postgres://{auth}@{self.pg['host']}:{self.pg['port']}/{self.name}"
        else:
            self.url = f"sqlite:///{tmp / 'mqtt.sqlite3'}"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "ANSHENG_DATA_DIR": str(tmp),
            "ANSHENG_MODE": "test",
            "MQTT_TOPIC_PREFIX": self.prefix,
            "DJANGO_SETTINGS_MODULE": "ansheng.config.settings",
            "ANSHENG_WORKERS_IN_PROCESS": "false",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "ANSHENG_MQTT_BATCH_MS": "20",
        }
        self.run(["-m", "ansheng.cli", "migrate"])
        self.plant = json.loads(self.run(["-c", SEED]).strip().splitlines()[-1])

    def run(self, args: list[str]) -> str:
        done = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(dbname=self.name, **self.pg) as conn:
                return list(conn.execute(sql).fetchall())
        with sqlite3.connect(self.tmp / "mqtt.sqlite3", timeout=30) as conn:
            return list(conn.execute(sql).fetchall())

    def drop(self) -> None:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(dbname="postgres", autocommit=True, **self.pg) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def external(
    broker: tuple[str, int], tmp_path_factory: pytest.TempPathFactory, django_db_blocker: Any
) -> Iterator[External]:
    with django_db_blocker.unblock():
        db = External(tmp_path_factory.mktemp("mqtt"))
    yield db
    with django_db_blocker.unblock():
        db.drop()


class WorkerProcess:
    def __init__(self, external: External, client_id: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ansheng.cli", "mqtt-ingest", "--client-id", client_id],
            cwd=ROOT,
            env=external.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.subscribed = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self.subscribed.wait(180):
            self.kill()
            raise AssertionError("the ingest worker did not subscribe:\n" + "".join(self.lines[-30:]))

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if "subscribed to" in line:
                self.subscribed.set()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


def publisher(broker: tuple[str, int]) -> Any:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"test-publisher-{uuid.uuid4().hex[:8]}")
    client.connect(*broker)
    client.loop_start()
    return client


def publish(client: Any, external: External, readings: list[dict[str, Any]]) -> None:
    topic = f"{external.prefix}/readings/{external.plant['county']}/{external.plant['credit']}"
    info = client.publish(topic, json.dumps({"readings": readings}), qos=1)
    info.wait_for_publish(30)
    assert info.is_published()


def wait_for(check: Any, timeout: float = 240.0) -> Any:  # generous: CI machines are shared and slow
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def iso(seconds: float) -> str:
    return (BASE + dt.timedelta(seconds=seconds)).isoformat()


def test_published_readings_are_stored_and_raise_the_alarm(broker: tuple[str, int], external: External) -> None:
    worker = WorkerProcess(external, f"{external.prefix}-ingest-a")
    client = publisher(broker)
    try:
        publish(
            client,
            external,
            [{"point": "V101-LT", "ts": iso(0), "value": 5.0}, {"point": "GT-CL-01", "ts": iso(0), "value": 0.1}],
        )
        publish(
            client,
            external,
            [{"point": "V101-LT", "ts": iso(10), "value": 9.6}, {"point": "NOPE", "ts": iso(10), "value": 1.0}],
        )
        client.publish(
            f"{external.prefix}/readings/{external.plant['county']}/{external.plant['credit']}", b"{broken", qos=1
        ).wait_for_publish(30)
        stored = wait_for(lambda: external.query("SELECT count(*) FROM monitoring_reading")[0][0] == 3)
        assert stored, external.query("SELECT count(*) FROM monitoring_reading")
        alarms = wait_for(
            lambda: external.query(
                "SELECT type, level, severity, active FROM monitoring_alarm WHERE point_id IS NOT NULL"
            )
        )
        assert [tuple(row[:3]) for row in alarms] == [("high", "hh", "major")]
        rejected = wait_for(lambda: len(external.query("SELECT code FROM monitoring_rejection")) == 2)
        assert rejected
        codes = sorted(row[0] for row in external.query("SELECT code FROM monitoring_rejection"))
        assert codes == ["malformed_json", "unknown_point"]
    finally:
        client.loop_stop()
        worker.stop()


def test_a_killed_worker_loses_nothing_it_acknowledged_and_duplicates_no_alarm(
    broker: tuple[str, int], external: External
) -> None:
    client_id = f"{external.prefix}-ingest-b"
    before = external.query("SELECT count(*) FROM monitoring_reading")[0][0]
    level_alarms = (
        "SELECT id FROM monitoring_alarm WHERE type = 'high' AND point_id = "
        "(SELECT id FROM monitoring_monitoringpoint WHERE code = 'V101-LT')"
    )
    activations_sql = (
        "SELECT count(*) FROM monitoring_alarmtransition WHERE kind IN ('raised', 'reactivated') "  # noqa: S608
        f"AND alarm_id IN ({level_alarms})"
    )
    activations_before = external.query(activations_sql)[0][0]
    # 240 messages of 10 readings: the level crosses HH up every 20th message and back down 10 messages later.
    series: list[list[dict[str, Any]]] = []
    crossings = 0
    start = 10_000
    for m in range(240):
        high = (m // 10) % 2 == 1
        crossings += high and m % 10 == 0
        series.append(
            [{"point": "V101-LT", "ts": iso(start + m * 10 + k), "value": 9.5 if high else 5.0} for k in range(10)]
        )
    worker = WorkerProcess(external, client_id)
    client = publisher(broker)
    try:
        for m, readings in enumerate(series):
            publish(client, external, readings)
            if m == 80:
                # Mid-stream: wait until the worker has stored something, then kill it without warning.
                progressed = wait_for(
                    lambda: external.query("SELECT count(*) FROM monitoring_reading")[0][0] > before + 200
                )
                assert progressed, "".join(worker.lines[-30:])
                worker.kill()
            time.sleep(0.003)
        worker = WorkerProcess(external, client_id)  # the same client id: the broker kept our session
        expected = before + 2400
        done = wait_for(lambda: external.query("SELECT count(*) FROM monitoring_reading")[0][0] >= expected, 400)
        assert done, (external.query("SELECT count(*) FROM monitoring_reading"), "".join(worker.lines[-30:]))
        time.sleep(1.0)  # anything still arriving would be a duplicate delivery
        assert external.query("SELECT count(*) FROM monitoring_reading")[0][0] == expected
        rows = external.query(
            "SELECT id, count, closed_at FROM monitoring_alarm WHERE type = 'high' AND point_id = "
            "(SELECT id FROM monitoring_monitoringpoint WHERE code = 'V101-LT')"
        )
        open_rows = [row for row in rows if row[2] is None]
        assert len(open_rows) == 1  # at most one open alarm for (point, type)
        # Every upward crossing of HH in the published series is one activation, none twice after redelivery.
        activations = external.query(activations_sql)[0][0] - activations_before
        assert activations == crossings == 12, (activations, "".join(worker.lines[-30:]))
    finally:
        client.loop_stop()
        worker.stop()
