"""A sensor simulator that keeps the demo's monitoring wall alive: realistic readings per kind of point (tank levels
that fill and empty, temperatures that follow the day, noisy pressures, gas detectors near zero) and, now and then,
an excursion past H or HH that lasts a few minutes and returns.

It feeds points that are connected (have reported before), so the demo's "not connected" points stay so and the
online rates stay real. Three ways in: straight through the ingest service (the in-process demo worker), HTTP with
a gateway token per enterprise, or MQTT on the documented topics.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import random
import time
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from ansheng.monitoring import conf
from ansheng.monitoring.choices import Channel, PointKind

logger = logging.getLogger("ansheng.monitoring.simulator")


@dataclass
class SimPoint:
    id: int
    code: str
    kind: str
    enterprise_id: int
    lo: float
    hi: float
    ll: float | None
    l: float | None  # noqa: E741
    h: float | None
    hh: float | None
    normal: float | None
    interval: float = 10.0
    due: float = 0.0  # when the next reading is due (epoch seconds)
    value: float = 0.0
    drift: float = 1.0
    excursion: int = 0  # readings left in the current excursion
    target: float = 0.0
    phase: float = field(default_factory=lambda: random.random() * 6.28)

    def start(self, rng: random.Random, last: float | None) -> None:
        low = self.l if self.l is not None else self.lo + (self.hi - self.lo) * 0.1
        high = self.h if self.h is not None else self.lo + (self.hi - self.lo) * 0.9
        if self.kind in PointKind.GAS:
            self.value = last if last is not None and last < (self.h or self.hi) else 0.0
        elif self.kind in PointKind.DISCRETE:
            self.value = self.normal if self.normal is not None else 0.0
        else:
            middle = (low + high) / 2
            fresh = middle + (high - low) * rng.uniform(-0.2, 0.2)
            self.value = last if last is not None and low < last < high else fresh
        self.drift = rng.choice((-1.0, 1.0))

    @property
    def band(self) -> tuple[float, float]:
        low = self.l if self.l is not None else self.lo + (self.hi - self.lo) * 0.1
        high = self.h if self.h is not None else self.lo + (self.hi - self.lo) * 0.9
        return low, high

    def excursion_start(self, rng: random.Random, readings: int) -> bool:
        if self.kind in PointKind.DISCRETE or (self.h is None and self.hh is None):
            return False
        first = self.h if self.h is not None else self.hh
        second = self.hh if self.hh is not None else first
        assert first is not None and second is not None
        # Most excursions pass H only; about a third reach HH (or the second gas level).
        if second > first and rng.random() < 0.35:
            self.target = min(self.hi, second + (second - first) * 0.2)
        elif second > first:
            self.target = first + (second - first) * rng.uniform(0.2, 0.7)
        else:
            self.target = min(self.hi, first + (self.hi - first) * 0.3)
        self.excursion = readings
        return True

    def next(self, rng: random.Random, now: dt.datetime) -> float:
        span = self.hi - self.lo
        if self.kind in PointKind.DISCRETE:
            normal = self.normal if self.normal is not None else 0.0
            if self.kind == PointKind.VIDEO and rng.random() < 0.0005:
                return 1.0 - normal
            return normal
        if self.excursion > 0:
            self.excursion -= 1
            self.value += (self.target - self.value) * 0.6
        else:
            low, high = self.band
            if self.kind == PointKind.LEVEL:
                # A tank fills or empties slowly and turns round well inside its L and H.
                self.value += self.drift * span * 0.002 + rng.gauss(0, span * 0.0005)
                margin = (high - low) * 0.15
                if self.value > high - margin:
                    self.drift = -1.0
                elif self.value < low + margin:
                    self.drift = 1.0
            elif self.kind == PointKind.TEMPERATURE:
                hour = timezone.localtime(now).hour + timezone.localtime(now).minute / 60
                centre = (low + high) / 2 + (high - low) * 0.1 * math.sin((hour - 9) / 24 * 2 * math.pi)
                self.value += (centre - self.value) * 0.2 + rng.gauss(0, span * 0.002)
            elif self.kind in PointKind.GAS:
                limit = (self.h if self.h is not None else self.hi) * 0.12
                self.value = max(0.0, min(limit, self.value * 0.7 + abs(rng.gauss(0, limit * 0.3))))
            else:
                centre = (low + high) / 2
                self.value += (centre - self.value) * 0.3 + rng.gauss(0, (high - low) * 0.03)
            if self.kind not in PointKind.GAS and not low <= self.value <= high:
                # Outside an excursion a value stays inside its normal band (a level is held near its edge).
                if self.kind == PointKind.LEVEL:
                    self.value = min(max(self.value, low + (high - low) * 0.1), high - (high - low) * 0.1)
                else:
                    self.value = (low + high) / 2 + (high - low) * rng.uniform(-0.1, 0.1)
        return round(min(self.hi, max(self.lo, self.value)), 3)


class Simulator:
    def __init__(
        self,
        *,
        seed: int | None = None,
        excursion_rate: float = 0.03,
        connected_only: bool = True,
        enterprise_ids: list[int] | None = None,
        focus: list[int] | None = None,
    ) -> None:
        self.rng = random.Random(seed)
        self.excursion_rate = excursion_rate  # chance per round that one point starts an excursion
        self.focus = set(focus or [])  # enterprises that get half of the excursions (the demo's ent-chem)
        self.connected_only = connected_only
        self.enterprise_ids = enterprise_ids
        self.points: dict[int, SimPoint] = {}
        self.loaded_at = 0.0

    def load(self) -> None:
        from ansheng.monitoring.models import MonitoringPoint

        rows = MonitoringPoint.objects.filter(in_service=True).select_related("state")
        chosen = self._demo_points()
        if chosen is not None:
            rows = rows.filter(pk__in=chosen)
        elif self.connected_only:
            rows = rows.filter(state__last_ts__isnull=False)
        if self.enterprise_ids:
            rows = rows.filter(enterprise_id__in=self.enterprise_ids)
        fresh = {}
        for p in rows:
            existing = self.points.get(p.pk)
            sim = SimPoint(
                p.pk,
                p.code,
                p.kind,
                p.enterprise_id,
                p.range_min,
                p.range_max,
                p.ll,
                p.l,
                p.h,
                p.hh,
                p.normal_value,
                interval=float(p.interval_s),
            )
            if existing is not None:
                sim.value, sim.drift, sim.excursion, sim.target, sim.due = (
                    existing.value,
                    existing.drift,
                    existing.excursion,
                    existing.target,
                    existing.due,
                )
            else:
                sim.start(self.rng, p.state.last_value)
            fresh[p.pk] = sim
        self.points = fresh
        self.loaded_at = time.monotonic()

    def _demo_points(self) -> list[int] | None:
        """The points the demo loader chose to keep alive (the others stay never-connected or silent)."""
        from django.conf import settings

        path = settings.DATA_DIR / "simulator.json"
        if not self.connected_only or not path.exists():
            return None
        try:
            return [int(pk) for pk in json.loads(path.read_text("utf-8"))["points"]]
        except (ValueError, KeyError, TypeError):
            return None

    def readings(self, now: dt.datetime | None = None) -> dict[int, list[dict[str, Any]]]:
        """One reading per point at ``now``, grouped by enterprise."""
        if not self.points or time.monotonic() - self.loaded_at > 60:
            self.load()
        now = now or timezone.now()
        stamp = now.astimezone(dt.UTC).isoformat(timespec="milliseconds")
        analog = [p for p in self.points.values() if p.kind not in PointKind.DISCRETE and p.excursion == 0]
        if analog and self.rng.random() < self.excursion_rate:
            focused = [p for p in analog if p.enterprise_id in self.focus]
            chosen = self.rng.choice(focused if focused and self.rng.random() < 0.5 else analog)
            if chosen.excursion_start(self.rng, self.rng.randint(6, 30)):
                logger.info("simulator: excursion on %s", chosen.code)
        batches: dict[int, list[dict[str, Any]]] = {}
        clock = now.timestamp()
        for sim in self.points.values():
            if sim.due > clock:
                continue  # each point reports at its own interval
            sim.due = clock + sim.interval - 0.5
            batches.setdefault(sim.enterprise_id, []).append(
                {"point": sim.code, "ts": stamp, "value": sim.next(self.rng, now)}
            )
        return batches


# --- the in-process demo worker ----------------------------------------------------------------------------------

_state: dict[str, Any] = {"sim": None, "last": 0.0}


def tick() -> int:
    """Feed the demo's connected points through the ingest service every MONITORING_SIMULATE_INTERVAL_S seconds."""
    if not conf.get("MONITORING_SIMULATE"):
        return 0
    if time.monotonic() - _state["last"] < conf.get("MONITORING_SIMULATE_INTERVAL_S"):
        return 0
    _state["last"] = time.monotonic()
    from ansheng.monitoring.ingest import Submission, ingest

    sim = _state["sim"] or Simulator(focus=_demo_focus())
    _state["sim"] = sim
    batches = sim.readings()
    if batches:
        ingest([Submission(eid, Channel.SIMULATOR, items=items, source="simulator") for eid, items in batches.items()])
    return 0


def _demo_focus() -> list[int]:
    from django.conf import settings

    path = settings.DATA_DIR / "simulator.json"
    try:
        return [int(pk) for pk in json.loads(path.read_text("utf-8")).get("focus", [])]
    except (OSError, ValueError, TypeError, AttributeError):
        return []


# --- the command --------------------------------------------------------------------------------------------------


def run(
    *,
    via: str,
    interval: float,
    duration: float | None,
    excursion_rate: float,
    url: str | None,
    seed: int | None,
    all_points: bool,
    data_dir: Any,
    log: Any = print,
) -> int:
    """`ansheng simulate-sensors`: feed readings until interrupted (or for ``duration`` seconds)."""
    from ansheng.enterprises.models import Enterprise

    sim = Simulator(seed=seed, excursion_rate=excursion_rate, connected_only=not all_points)
    sim.load()
    if not sim.points:
        log("no points to feed (run the demo first; --all feeds points that never reported too)")
        return 1
    enterprises = {e.pk: e for e in Enterprise.objects.filter(pk__in={p.enterprise_id for p in sim.points.values()})}
    sender = _sender(via, url, enterprises, data_dir)
    log(f"simulating {len(sim.points)} points of {len(enterprises)} enterprises via {via}, every {interval:g} s")
    started = time.monotonic()
    sent = 0
    try:
        while duration is None or time.monotonic() - started < duration:
            tick_started = time.monotonic()
            for enterprise_id, items in sim.readings().items():
                sender(enterprises[enterprise_id], items)
                sent += len(items)
            time.sleep(max(0.0, interval - (time.monotonic() - tick_started)))
    except KeyboardInterrupt:
        pass
    log(f"sent {sent} readings")
    return 0


def _sender(via: str, url: str | None, enterprises: dict[int, Any], data_dir: Any) -> Any:
    if via == "direct":
        from ansheng.monitoring.ingest import Submission, ingest

        def direct(enterprise: Any, items: list[dict[str, Any]]) -> None:
            ingest([Submission(enterprise.pk, Channel.SIMULATOR, items=items, source="simulate-sensors")])

        return direct
    if via == "mqtt":
        from urllib.parse import urlparse

        import paho.mqtt.client as mqtt
        from django.conf import settings
        from paho.mqtt.enums import CallbackAPIVersion

        from ansheng.monitoring.mqtt import publish_readings

        parsed = urlparse(url or settings.MQTT_URL)
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"ansheng-simulator-{random.randrange(10**6)}")
        if parsed.username:
            client.username_pw_set(parsed.username, parsed.password)
        client.connect(parsed.hostname or "127.0.0.1", parsed.port or 1883)
        client.loop_start()

        def publish(enterprise: Any, items: list[dict[str, Any]]) -> None:
            publish_readings(client, enterprise.county_id, enterprise.credit_code, items).wait_for_publish(10)

        return publish
    import urllib.request

    tokens = _gateway_tokens(enterprises, data_dir)
    base = (url or "http://127.0.0.1:8000").rstrip("/")

    def post(enterprise: Any, items: list[dict[str, Any]]) -> None:
        request = urllib.request.Request(  # noqa: S310  (a URL the operator gives)
            f"{base}/api/v1/readings",
            data=json.dumps({"readings": items}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {tokens[enterprise.pk]}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            body = json.loads(response.read())
        if body.get("rejected"):
            logger.warning("simulator: %s readings rejected: %s", len(body["rejected"]), body["rejected"][:3])

    return post


def _gateway_tokens(enterprises: dict[int, Any], data_dir: Any) -> dict[int, str]:
    """A gateway token per enterprise, created once (by the city administrator) and kept in the data directory."""
    import os
    from pathlib import Path

    from ansheng.core.choices import Role
    from ansheng.core.models import User
    from ansheng.monitoring.services import do_create_gateway_token

    path = Path(data_dir) / "simulator-tokens.json"
    stored: dict[str, str] = json.loads(path.read_text("utf-8")) if path.exists() else {}
    admin = User.objects.filter(role=Role.CITY_ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        raise RuntimeError("no city administrator to issue the simulator's gateway tokens")
    for enterprise_id in enterprises:
        if str(enterprise_id) not in stored:
            _token, raw = do_create_gateway_token(acting_user=admin, name="simulator", enterprise_id=enterprise_id)
            stored[str(enterprise_id)] = raw
    path.write_text(json.dumps(stored), "utf-8")
    os.chmod(path, 0o600)
    return {int(k): v for k, v in stored.items()}
