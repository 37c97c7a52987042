"""Sensor ingestion, end to end: readings/s through the ingest service, HTTP batches and MQTT, on SQLite and
PostgreSQL, beside the raw bulk-insert rate of the same database measured in the same run; and the p50/p99 delay from
a reading's arrival to its alarm being visible at a steady 10,000 readings/s.

    python bench/ingest.py                       # both databases, the full run (a few minutes)
    python bench/ingest.py --backends sqlite --readings 100000 --latency-seconds 15

"End to end" is what the platform does with every reading: validate it, store it (COPY / executemany), evaluate the
alarm rules on each point's new readings, record the alarm transitions (about one excursion in 10,000 readings
here) and refresh the enterprise's warning. Each database runs in a child process with a database of its own
(/tmp/ansheng-monitoring-bench/bench.sqlite3, PostgreSQL `ansheng_monitoring_bench`); HTTP goes to a real
`ansheng serve` process and MQTT through the broker at MQTT_URL to a real `ansheng mqtt-ingest` process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = Path("/tmp/ansheng-monitoring-bench")
PG_NAME = "ansheng_monitoring_bench"
HTTP_PORT = 8205
ENTERPRISES = 20
POINTS = 100  # per enterprise: 2,000 points in all
SECRET = "bench-secret-key-" + "x" * 40
WORKER_LOG: list[str] = []


# --- the parent: run each database in a child, print the table ----------------------------------------------------


def parent(args: argparse.Namespace) -> None:
    results = []
    for backend in args.backends.split(","):
        env = {**os.environ, **child_env(backend)}
        command = [
            sys.executable,
            __file__,
            "--child",
            backend,
            "--readings",
            str(args.readings),
            "--latency-seconds",
            str(args.latency_seconds),
            "--rate",
            str(args.rate),
        ]
        print(f"running {backend} …", file=sys.stderr, flush=True)
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            print(done.stdout[-3000:], done.stderr[-5000:], file=sys.stderr)
            raise SystemExit(f"{backend}: the benchmark failed")
        results.append(json.loads(lines[-1]))
    print_table(results, args)


def child_env(backend: str) -> dict[str, str]:
    data = WORK / backend
    url = (
        f"sqlite:///{data / 'bench.sqlite3'}"
        if backend == "sqlite"
        else f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
    )
    return {
        "DATABASE_URL": url,
        "ANSHENG_DATA_DIR": str(data),
        "ANSHENG_MODE": "production",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ANSHENG_WORKERS_IN_PROCESS": "false",
        "DJANGO_SETTINGS_MODULE": "ansheng.config.settings",
        "LOG_LEVEL": "WARNING",
        "MQTT_TOPIC_PREFIX": f"ansheng-monitoring-bench-{uuid.uuid4().hex[:6]}",
        "PYTHONUNBUFFERED": "1",
    }


def print_table(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    def rate(r: dict[str, Any], key: str) -> str:
        value = r.get(key)
        if value is None:
            return "—"
        share = "" if key == "raw" else f" ({value / r['raw'] * 100:.0f} %)"
        return f"{value:,.0f} /s{share}"

    rows = [
        ("raw bulk insert, same table shape and key (baseline)", "raw"),
        ("service, batches of 10,000 = 2,000 points × 5 readings", "service_wide"),
        ("service, batches of 10,000 = 100 points × 100 readings", "service"),
        ("HTTP POST /api/v1/readings, 10,000 per request, 2 gateways", "http"),
        ("MQTT, messages of 1,000 (100 points × 10), QoS 1", "mqtt"),
    ]
    lines = [
        f"Readings/s end to end (validate, store, evaluate, transitions); {ENTERPRISES * POINTS:,} points, "
        f"{args.readings:,} readings per path; in brackets the share of the raw rate",
        "",
        "| path | " + " | ".join(r["backend"] for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for label, key in rows:
        lines.append(f"| {label} | " + " | ".join(rate(r, key) for r in results) + " |")
    lines += [
        "",
        f"Reading → alarm visible at a steady {args.rate:,} readings/s (arrival = publish / request start):",
        "",
        "| database | path | samples | p50 | p99 | max | rate held |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for path, lat in r["latency"].items():
            lines.append(
                f"| {r['backend']} | {path} | {lat['n']} | {lat['p50']:.0f} ms | {lat['p99']:.0f} ms | "
                f"{lat['max']:.0f} ms | {lat['held']:,.0f} /s |"
            )
    print("\n".join(lines))


# --- the child: one database ------------------------------------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    backend = args.child
    data = Path(os.environ["ANSHENG_DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (data / f"bench.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(dbname="postgres", host="127.0.0.1", user="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{PG_NAME}"')
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    world = seed()
    out: dict[str, Any] = {"backend": "SQLite (WAL)" if backend == "sqlite" else "PostgreSQL 15"}
    out["raw"] = bench_raw(args.readings)
    out["service_wide"] = bench_service(world, args.readings, steps=5, enterprises=ENTERPRISES)
    out["service"] = bench_service(world, args.readings, steps=100, enterprises=1)
    server = start_server()
    try:
        out["http"] = bench_http(world, args.readings)
        latency = {"HTTP": latency_http(world, args.rate, args.latency_seconds)}
    finally:
        server.terminate()
        server.wait(30)
    worker = start_worker()
    try:
        out["mqtt"] = bench_mqtt(world, args.readings)
        latency["MQTT"] = latency_mqtt(world, args.rate, args.latency_seconds)
    finally:
        worker.terminate()
        worker.wait(30)
    out["latency"] = latency
    print(json.dumps(out))


class World:
    def __init__(self) -> None:
        self.enterprises: list[Any] = []
        self.points: dict[int, list[Any]] = {}
        self.tokens: dict[int, str] = {}
        self.clock = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=2)
        self.rng = random.Random(7)
        self.lock = threading.Lock()

    def reserve(self, seconds: float) -> dt.datetime:
        """The start of the next ``seconds`` of time: every batch is newer than all before it (as live data is)."""
        with self.lock:
            start = self.clock + dt.timedelta(seconds=1)
            self.clock += dt.timedelta(seconds=seconds + 1)
            return start

    def batch(self, enterprise: Any, steps: int, excursions: float = 1e-4) -> list[dict[str, Any]]:
        """``steps`` readings per point of an enterprise at consecutive seconds, about one in 10,000 past HH."""
        start = self.reserve(steps)
        items = []
        rng = self.rng
        for step in range(steps):
            stamp = (start + dt.timedelta(seconds=step)).isoformat()
            for point in self.points[enterprise.pk]:
                value = 9.5 if rng.random() < excursions else round(rng.uniform(3.0, 7.0), 3)
                items.append({"point": point.code, "ts": stamp, "value": value})
        return items


def seed() -> World:
    from ansheng.core.choices import RegionLevel, Role
    from ansheng.core.models import Region
    from ansheng.core.services import do_create_token, do_create_user
    from ansheng.enterprises.models import Enterprise
    from ansheng.monitoring.models import MonitoringPoint, PointState

    world = World()
    city = Region.objects.create(code="511100", name="乐山市", level=RegionLevel.CITY)
    county = Region.objects.create(code="511112", name="五通桥区", level=RegionLevel.COUNTY, parent=city)
    admin = do_create_user(
        acting_user=None, username="bench-admin", password="x", role=Role.CITY_ADMIN, region=city, check_password=False
    )
    for n in range(ENTERPRISES):
        enterprise = Enterprise.objects.create(
            credit_code=f"91511112BENCH{n:05d}", name=f"基准企业{n}", county=county, category="chem_production"
        )
        world.enterprises.append(enterprise)
        points = MonitoringPoint.objects.bulk_create(
            [
                MonitoringPoint(
                    enterprise=enterprise,
                    code=f"P{k:04d}",
                    name=f"测点{k}",
                    kind="level",
                    unit="m",
                    range_min=0,
                    range_max=10,
                    l=1,
                    h=8,
                    hh=9,
                    deadband=0.1,
                    interval_s=1,
                )
                for k in range(POINTS)
            ]
        )
        PointState.objects.bulk_create([PointState(point=p) for p in points])
        world.points[enterprise.pk] = points
        _token, raw = do_create_token(acting_user=admin, name=f"gw{n}", kind="gateway", enterprise=enterprise)
        world.tokens[enterprise.pk] = raw
    return world


def bench_raw(total: int) -> float:
    """The database's own bulk insert into a bare table of the same shape and key (the baseline)."""
    from django.db import connection, transaction

    from ansheng.monitoring import store

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_raw (point_id bigint NOT NULL, ts bigint NOT NULL, "
            "value double precision NOT NULL, PRIMARY KEY (point_id, ts))"
        )
    rng = random.Random(1)
    base = 1_700_000_000_000
    chunks = [
        [(p, base + (c * 5 + s) * 1000, rng.uniform(3, 7)) for s in range(5) for p in range(1, 2001)]
        for c in range(total // 10_000)
    ]
    started = time.perf_counter()
    for rows in chunks:
        with transaction.atomic():
            store.raw_bulk_insert("bench_raw", rows)
    return total / (time.perf_counter() - started)


def bench_service(world: World, total: int, *, steps: int, enterprises: int) -> float:
    """The ingest service called directly with parsed batches of 10,000 readings (what every gateway ends up
    calling): ``enterprises`` × 100 points × ``steps`` readings each."""
    from ansheng.monitoring.ingest import Submission, ingest

    batches = []
    for n in range(total // (POINTS * steps * enterprises) + 1):
        chosen = (
            world.enterprises[n % ENTERPRISES : n % ENTERPRISES + enterprises]
            if enterprises == 1
            else world.enterprises[:enterprises]
        )
        batches.append([Submission(e.pk, "http", items=world.batch(e, steps), source="bench") for e in chosen])
    ingest(batches.pop(0))  # warm the caches
    sent = sum(len(s.items) for b in batches for s in b)
    started = time.perf_counter()
    for submissions in batches:
        ingest(submissions)
    return sent / (time.perf_counter() - started)


def start_server() -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "ansheng.cli", "serve", "--port", str(HTTP_PORT), "--threads", "4"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the HTTP server did not start")


def _post(conn: http.client.HTTPConnection, token: str, body: bytes) -> dict[str, Any]:
    conn.request(
        "POST",
        "/api/v1/readings",
        body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    data = json.loads(response.read())
    if response.status != 200 or data.get("rejected"):
        raise SystemExit(f"HTTP ingest refused: {response.status} {str(data)[:300]}")
    return data


def bench_http(world: World, total: int, clients: int = 2) -> float:
    """Batches of 10,000 readings (one enterprise's 100 points × 100 s) posted by gateway clients."""
    bodies = []
    for n in range(total // 10_000):
        enterprise = world.enterprises[n % ENTERPRISES]
        bodies.append((world.tokens[enterprise.pk], json.dumps({"readings": world.batch(enterprise, 100)}).encode()))
    _post(http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=300), *bodies.pop(0))
    queue = list(bodies)
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=300)
        while True:
            with lock:
                if not queue:
                    return
                token, body = queue.pop(0)
            _post(conn, token, body)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(bodies) * 10_000 / (time.perf_counter() - started)


def start_worker() -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "ansheng.cli", "mqtt-ingest", "--client-id", f"bench-{uuid.uuid4().hex[:6]}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "LOG_LEVEL": "INFO"},
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline().decode()
        if "subscribed to" in line:

            def drain() -> None:
                for raw in process.stdout:  # type: ignore[union-attr]
                    WORKER_LOG.append(raw.decode(errors="replace"))

            threading.Thread(target=drain, daemon=True).start()
            return process
    process.kill()
    raise SystemExit("the MQTT ingest worker did not subscribe")


def _publisher() -> Any:
    from urllib.parse import urlparse

    import paho.mqtt.client as mqtt
    from django.conf import settings
    from paho.mqtt.enums import CallbackAPIVersion

    parsed = urlparse(settings.MQTT_URL)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:6]}")
    client.max_inflight_messages_set(200)
    client.connect(parsed.hostname or "127.0.0.1", parsed.port or 1883)
    client.loop_start()
    return client


def _stored() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM monitoring_reading")
        return int(cursor.fetchone()[0])


def bench_mqtt(world: World, total: int) -> float:
    """Messages of 1,000 readings (one enterprise's 100 points × 10 s) published at QoS 1; timed until all stored."""
    from ansheng.monitoring.mqtt import topic_for

    messages = []
    for n in range(total // 1000):
        enterprise = world.enterprises[n % ENTERPRISES]
        messages.append(
            (
                topic_for(enterprise.county_id, enterprise.credit_code),
                json.dumps({"readings": world.batch(enterprise, 10)}),
            )
        )
    client = _publisher()
    before = _stored()
    started = time.perf_counter()
    infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
    for info in infos:
        info.wait_for_publish(120)
    target = before + len(messages) * 1000
    while _stored() < target:
        if time.perf_counter() - started > 300:
            from ansheng.monitoring.models import Rejection

            codes = list(Rejection.objects.values_list("code", "message")[:5])
            raise SystemExit(
                f"MQTT: {_stored() - before} of {target - before} readings stored; rejections {codes}; "
                f"worker: {''.join(WORKER_LOG[-20:])}"
            )
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    client.loop_stop()
    return len(messages) * 1000 / elapsed


# --- latency at a steady rate -------------------------------------------------------------------------------------


class Watcher:
    """Polls for new alarms and notes when each became visible (committed and readable)."""

    def __init__(self) -> None:
        from ansheng.monitoring.models import Alarm

        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        self.start_id = Alarm.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        from django.db import close_old_connections, connection

        last = self.start_id
        while not self.stop.is_set():
            with connection.cursor() as cursor:
                cursor.execute("SELECT id, point_id FROM monitoring_alarm WHERE id > %s ORDER BY id", [last])
                rows = cursor.fetchall()
            now = time.perf_counter()
            for alarm_id, point_id in rows:
                last = max(last, alarm_id)
                self.seen.setdefault(point_id, now)
            time.sleep(0.01)
        close_old_connections()


def _steady(world: World, rate: int, seconds: float, send: Any) -> tuple[dict[int, float], float]:
    """Send ``rate`` readings/s in ten slices a second; four readings a second cross HH on fresh points."""
    all_points = [(e, p) for e in world.enterprises for p in world.points[e.pk]]
    shuffled = list(all_points)
    world.rng.shuffle(shuffled)
    spikes = iter(shuffled)
    sent_at: dict[int, float] = {}
    per_slice = rate // 10
    started = time.perf_counter()
    slices = int(seconds * 10)
    sent = 0
    first = world.reserve(seconds + 1)
    for n in range(slices):
        moment = first + dt.timedelta(milliseconds=100 * n)
        stamp = moment.isoformat()
        by_enterprise: dict[int, list[dict[str, Any]]] = {}
        chosen = [next(spikes) for _ in range(4)] if n % 10 == 0 else []
        spike_ids = {p.pk for _e, p in chosen}
        for k in range(per_slice):
            enterprise, point = all_points[(n * per_slice + k) % len(all_points)]
            if point.pk in spike_ids:
                continue
            by_enterprise.setdefault(enterprise.pk, []).append(
                {"point": point.code, "ts": stamp, "value": round(world.rng.uniform(3.0, 7.0), 3)}
            )
        for enterprise, point in chosen:
            by_enterprise.setdefault(enterprise.pk, []).append({"point": point.code, "ts": stamp, "value": 9.5})
        for point_id, arrival in send(by_enterprise, [p.pk for _e, p in chosen]):
            sent_at[point_id] = arrival
        sent += sum(len(v) for v in by_enterprise.values())
        pause = started + (n + 1) * 0.1 - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    return sent_at, sent / (time.perf_counter() - started)


def _summary(sent_at: dict[int, float], watcher: Watcher, held: float) -> dict[str, Any]:
    deadline = time.perf_counter() + 10
    while len([p for p in sent_at if p in watcher.seen]) < len(sent_at) and time.perf_counter() < deadline:
        time.sleep(0.05)
    watcher.stop.set()
    delays = sorted((watcher.seen[p] - t) * 1000 for p, t in sent_at.items() if p in watcher.seen)
    if not delays:
        raise SystemExit("no alarm became visible")
    missing = len(sent_at) - len(delays)
    p99 = delays[min(len(delays) - 1, round(0.99 * (len(delays) - 1)))]
    return {
        "n": len(delays),
        "missing": missing,
        "p50": statistics.median(delays),
        "p99": p99,
        "max": delays[-1],
        "held": held,
    }


def latency_http(world: World, rate: int, seconds: float) -> dict[str, Any]:
    """Each enterprise's gateway posts its slice of readings on its own connection, without waiting for others."""
    import queue as queue_module

    watcher = Watcher()
    owner = {p.pk: e.pk for e in world.enterprises for p in world.points[e.pk]}
    queues: dict[int, queue_module.Queue[Any]] = {e.pk: queue_module.Queue() for e in world.enterprises}
    arrivals: list[tuple[int, float]] = []

    def gateway(enterprise_id: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=60)
        while True:
            job = queues[enterprise_id].get()
            if job is None:
                return
            items, spikes = job
            arrival = time.perf_counter()
            _post(conn, world.tokens[enterprise_id], json.dumps({"readings": items}).encode())
            arrivals.extend((p, arrival) for p in spikes)

    threads = [threading.Thread(target=gateway, args=(e.pk,), daemon=True) for e in world.enterprises]
    for thread in threads:
        thread.start()

    def send(by_enterprise: dict[int, list[dict[str, Any]]], spikes: list[int]) -> list[tuple[int, float]]:
        for enterprise_id, items in by_enterprise.items():
            queues[enterprise_id].put((items, [p for p in spikes if owner[p] == enterprise_id]))
        return []

    _sent, held = _steady(world, rate, seconds, send)
    for q in queues.values():
        q.put(None)
    for thread in threads:
        thread.join(120)
    return _summary(dict(arrivals), watcher, held)


def latency_mqtt(world: World, rate: int, seconds: float) -> dict[str, Any]:
    from ansheng.monitoring.mqtt import topic_for

    client = _publisher()
    watcher = Watcher()
    enterprises = {e.pk: e for e in world.enterprises}
    owner = {p.pk: e.pk for e in world.enterprises for p in world.points[e.pk]}

    def send(by_enterprise: dict[int, list[dict[str, Any]]], spikes: list[int]) -> list[tuple[int, float]]:
        arrivals = []
        for enterprise_id, items in by_enterprise.items():
            enterprise = enterprises[enterprise_id]
            arrival = time.perf_counter()
            client.publish(
                topic_for(enterprise.county_id, enterprise.credit_code), json.dumps({"readings": items}), qos=1
            )
            arrivals += [(p, arrival) for p in spikes if owner[p] == enterprise_id]
        return arrivals

    sent_at, held = _steady(world, rate, seconds, send)
    result = _summary(sent_at, watcher, held)
    client.loop_stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--readings", type=int, default=300_000)
    parser.add_argument("--latency-seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=int, default=10_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
