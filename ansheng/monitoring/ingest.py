"""Ingestion of readings: the one service behind the HTTP API, the MQTT worker, CSV backfill and the simulator
(CONVENTIONS 8: gateways are thin).

A call takes one or more submissions (a request, an MQTT message, a chunk of a file), each bound to one enterprise,
and in one transaction: validates every reading (the rejected ones go to the rejection log with their reason),
stores the good ones with the database's bulk path, evaluates the alarm rules on each point's new readings as a
batch, and records the resulting alarm transitions. Idempotent on (point, ts): a reading sent twice is stored once
and evaluated once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ansheng.domain import alarm_rules as rules
from ansheng.monitoring import conf, engine, store
from ansheng.monitoring.models import MonitoringPoint, Rejection

logger = logging.getLogger("ansheng.monitoring.ingest")

MAX_TEXT = 64


@dataclass
class Submission:
    """One message's readings for one enterprise (``items`` is the parsed ``readings`` list)."""

    enterprise_id: int | None
    channel: str
    items: Any = None
    source: str = ""
    region_code: str = ""
    error: tuple[str, str] | None = None  # the message as a whole was refused: (code, message)
    payload: str = ""  # an excerpt of a refused message, for the rejection log
    max_age_s: int | None = -1  # readings older than this are refused; -1: the raw retention; None: no limit


@dataclass
class Result:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "rejected": self.rejected}


@dataclass
class Totals:
    received: int = 0
    accepted: int = 0
    stored: int = 0
    rejected: int = 0
    evaluated: int = 0
    transitions: int = 0


# --- payloads ------------------------------------------------------------------------------------------------------


def parse_payload(body: bytes | str) -> tuple[Any, tuple[str, str] | None]:
    """The ``readings`` list of a JSON body, or the reason the body as a whole is refused."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, ("malformed_json", _("报文不是合法的 JSON"))
    if not isinstance(data, dict) or not isinstance(data.get("readings"), list):
        return None, ("invalid_body", _('报文应为 {"readings": [{"point": 编码, "ts": 时间, "value": 数值}, …]}'))
    return data["readings"], None


def excerpt(body: bytes | str, limit: int = 500) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return text[:limit]


# --- the point directory (code → id, range), per enterprise, cached per process -----------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    range_min: float
    range_max: float
    in_service: bool


class Directory:
    """Points by code for each enterprise. Entries live ``ttl`` seconds; a miss reloads the enterprise at most once a
    second; point edits in this process invalidate at once. Rules themselves are always read fresh with the lock."""

    def __init__(self, ttl: float = 10.0) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[float, dict[str, Entry], str]] = {}

    def get(self, enterprise_id: int) -> tuple[dict[str, Entry], str]:
        now = time.monotonic()
        cached = self._entries.get(enterprise_id)
        if cached is None or now - cached[0] > self.ttl:
            return self._load(enterprise_id, now)
        return cached[1], cached[2]

    def refresh_on_miss(self, enterprise_id: int) -> tuple[dict[str, Entry], str]:
        now = time.monotonic()
        cached = self._entries.get(enterprise_id)
        if cached is not None and now - cached[0] < 1.0:
            return cached[1], cached[2]
        return self._load(enterprise_id, now)

    def _load(self, enterprise_id: int, now: float) -> tuple[dict[str, Entry], str]:
        entries = {
            code: Entry(pid, lo, hi, in_service)
            for pid, code, lo, hi, in_service in MonitoringPoint.objects.filter(
                enterprise_id=enterprise_id
            ).values_list("id", "code", "range_min", "range_max", "in_service")
        }
        county = store.county_of(enterprise_id)
        with self._lock:
            self._entries[enterprise_id] = (now, entries, county)
        return entries, county

    def invalidate(self, enterprise_id: int | None = None) -> None:
        with self._lock:
            if enterprise_id is None:
                self._entries.clear()
            else:
                self._entries.pop(enterprise_id, None)


directory = Directory()


# --- validation ----------------------------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def _local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def parse_ts(raw: Any, zone: dt.tzinfo) -> int:
    """A reading's timestamp in ms: ISO 8601 text (without an offset: Beijing time), or epoch seconds or ms."""
    if isinstance(raw, str):
        try:
            moment = dt.datetime.fromisoformat(raw.strip())
        except ValueError:
            raise _Refused(
                "invalid_timestamp", _("时间格式无效，应为 ISO 8601（如 2026-05-01T08:00:00+08:00）")
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return round(moment.timestamp() * 1000)
    if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
        return round(raw if raw > 1e11 else raw * 1000)
    if raw is None:
        raise _Refused("missing_ts", _("缺少时间 ts"))
    raise _Refused("invalid_timestamp", _("时间格式无效，应为 ISO 8601 文本或时间戳"))


def _text(value: Any) -> str:
    if value is None:
        return ""
    return (value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str))[:MAX_TEXT]


# --- the service ---------------------------------------------------------------------------------------------------


def ingest(
    submissions: Sequence[Submission], *, now: dt.datetime | None = None, evaluate: bool = True
) -> tuple[list[Result], Totals]:
    """Validate, store and evaluate the submissions in one transaction; see the module docstring."""
    now = now or timezone.now()
    now_ms = int(now.timestamp() * 1000)
    future_limit = now_ms + conf.get("MONITORING_FUTURE_TOLERANCE_S") * 1000
    retention_s = conf.get("MONITORING_RAW_RETENTION_DAYS") * 86400
    max_items = conf.get("MONITORING_MAX_READINGS_PER_REQUEST")
    zone = _local_zone()
    results = [Result() for _s in submissions]
    totals = Totals()
    rejections: list[Rejection] = []
    received_at = now

    def reject(
        sub: Submission, county: str, result: Result, index: int | None, item: Any, code: str, message: str
    ) -> None:
        result.rejected.append({"index": index, "code": code, "message": message})
        point = item.get("point") if isinstance(item, dict) else None
        ts = item.get("ts") if isinstance(item, dict) else None
        value = item.get("value") if isinstance(item, dict) else None
        rejections.append(
            Rejection(
                received_at=received_at,
                channel=sub.channel,
                source=sub.source[:200],
                enterprise_id=sub.enterprise_id,
                region_code=county or sub.region_code,
                index=index,
                point_code=_text(point),
                ts_text=_text(ts),
                value_text=_text(value),
                code=code,
                message=message[:200],
                payload=sub.payload if index is None else "",
            )
        )

    rows: list[tuple[int, int, float]] = []
    groups: dict[int, list[tuple[float, float]]] = {}  # point → its new (ts in s, value), for the rules
    enterprises: set[int] = set()
    for position, sub in enumerate(submissions):
        result = results[position]
        county = sub.region_code
        if sub.error is None and sub.enterprise_id is None:
            sub.error = ("unknown_enterprise", _("未登记的企业"))
        if sub.error is None and not isinstance(sub.items, list):
            sub.error = ("invalid_body", _('报文应为 {"readings": [...]}'))
        if sub.error is None and len(sub.items) > max_items:
            sub.error = ("too_many_readings", _("单次最多 %(n)s 条读数") % {"n": max_items})
        if sub.error is not None:
            reject(sub, county, result, None, None, *sub.error)
            continue
        assert sub.enterprise_id is not None
        codes, county = directory.get(sub.enterprise_id)
        enterprises.add(sub.enterprise_id)
        max_age = retention_s if sub.max_age_s is not None and sub.max_age_s < 0 else sub.max_age_s
        oldest = None if max_age is None else now_ms - max_age * 1000
        ts_cache: dict[Any, int] = {}
        unknown: list[tuple[int, Any, str]] = []
        totals.received += len(sub.items)

        def handle(
            index: int,
            item: Any,
            entry: Entry,
            sub: Submission = sub,
            result: Result = result,
            county: str = county,
            oldest: int | None = oldest,
            ts_cache: dict[Any, int] = ts_cache,
            position: int = position,
        ) -> None:
            value = item.get("value")
            kind = type(value)
            if kind is int:
                try:
                    value = float(value)
                except OverflowError:
                    reject(sub, county, result, index, item, "out_of_range", _("数值超出测点量程"))
                    return
            elif kind is not float:
                if value is None:
                    reject(sub, county, result, index, item, "missing_value", _("缺少数值 value"))
                else:
                    reject(sub, county, result, index, item, "not_a_number", _("数值应为数字"))
                return
            elif value != value or value in (math.inf, -math.inf):
                reject(sub, county, result, index, item, "not_finite", _("数值不是有限数（NaN 或无穷大）"))
                return
            raw_ts = item.get("ts")
            ms = ts_cache.get(raw_ts) if type(raw_ts) is str else None
            if ms is None:
                try:
                    ms = parse_ts(raw_ts, zone)
                except _Refused as refused:
                    reject(sub, county, result, index, item, refused.code, refused.message)
                    return
                if type(raw_ts) is str:
                    ts_cache[raw_ts] = ms
            if ms > future_limit:
                reject(sub, county, result, index, item, "future_timestamp", _("时间晚于当前时间（设备时钟可能不准）"))
                return
            if oldest is not None and ms < oldest:
                reject(sub, county, result, index, item, "too_old", _("时间早于原始数据保存期限"))
                return
            if not entry.in_service:
                reject(sub, county, result, index, item, "point_out_of_service", _("测点已停用"))
                return
            if not (entry.range_min <= value <= entry.range_max):
                reject(
                    sub,
                    county,
                    result,
                    index,
                    item,
                    "out_of_range",
                    _("数值超出测点量程（%(lo)g～%(hi)g）") % {"lo": entry.range_min, "hi": entry.range_max},
                )
                return
            result.accepted += 1
            rows.append((entry.id, ms, value))
            group = groups.get(entry.id)
            if group is None:
                group = groups[entry.id] = []
            group.append((ms / 1000, value))

        accepted = 0
        for index, item in enumerate(sub.items):
            if type(item) is not dict:
                reject(sub, county, result, index, None, "invalid_item", _("每条读数应为 JSON 对象"))
                continue
            code = item.get("point")
            entry = codes.get(code) if type(code) is str else None
            if entry is not None:
                # The common case inline (a float, a timestamp text seen before in this message, inside the
                # range, in service, not a duplicate); anything else takes the full path in `handle`.
                value = item.get("value")
                raw_ts = item.get("ts")
                ms = ts_cache.get(raw_ts) if type(value) is float and type(raw_ts) is str else None
                if (
                    ms is not None
                    and value == value
                    and entry.range_min <= value <= entry.range_max
                    and ms <= future_limit
                    and (oldest is None or ms >= oldest)
                    and entry.in_service
                ):
                    rows.append((entry.id, ms, value))
                    group = groups.get(entry.id)
                    if group is None:
                        group = groups[entry.id] = []
                    group.append((ms / 1000, value))
                    accepted += 1
                    continue
                handle(index, item, entry)
            elif type(code) is not str or not code:
                reject(sub, county, result, index, item, "missing_point", _("缺少测点编码 point"))
            else:
                unknown.append((index, item, code))
        if unknown:
            # A point created a moment ago in another process: reload the directory once before refusing.
            codes, county = directory.refresh_on_miss(sub.enterprise_id)
            missing = {code for _i, _item, code in unknown if code not in codes}
            foreign = (
                set(
                    MonitoringPoint.objects.filter(code__in=missing)
                    .exclude(enterprise_id=sub.enterprise_id)
                    .values_list("code", flat=True)
                )
                if missing
                else set()
            )
            for index, item, code in unknown:
                if code in codes:
                    handle(index, item, codes[code], county=county)
                elif code in foreign:
                    reject(sub, county, result, index, item, "foreign_point", _("测点属于其他企业"))
                else:
                    reject(sub, county, result, index, item, "unknown_point", _("未登记的测点编码"))
        result.accepted += accepted
        result.rejected.sort(key=lambda r: -1 if r["index"] is None else r["index"])

    totals.accepted = sum(r.accepted for r in results)
    totals.rejected = len(rejections)
    with transaction.atomic():
        points: dict[int, store.PointRow] = {}
        if evaluate and rows:
            store.lock_enterprises(enterprises)
            points = store.load_points(groups.keys(), lock=False)
        inserted = store.insert_readings(rows)
        totals.stored = inserted
        # A reading sent twice (in this batch or before) is accepted and stored once: the database's key decides.
        if len(submissions) == 1:
            results[0].duplicates = len(rows) - inserted
        if points:
            totals.evaluated, totals.transitions, changed = _evaluate(points, groups)
            if changed:
                engine.refresh_warnings(changed, now)
        if rejections:
            Rejection.objects.bulk_create(rejections, batch_size=2000)
    return results, totals


def _evaluate(
    points: dict[int, store.PointRow], groups: dict[int, list[tuple[float, float]]]
) -> tuple[int, int, set[int]]:
    saves: list[tuple[int, int | None, float | None, str]] = []
    touches: dict[int, tuple[rules.Touch, ...]] = {}
    evaluated = transitions = 0
    changed: set[int] = set()
    defaults = engine.rule_defaults()
    for pid, readings in groups.items():
        row = points.get(pid)
        if row is None or not row.in_service:
            continue  # taken out of service meanwhile (in another process): stored, not evaluated
        rule = engine.rule_for(row, defaults)
        if rule is None:
            continue
        outcome = rules.evaluate(rule, engine.state_of(row), readings)
        if not outcome.evaluated:
            continue  # only readings older than the last one: stored, nothing to evaluate
        evaluated += outcome.evaluated
        state = outcome.state
        saves.append((pid, engine.to_ms(state.last_ts), state.last_value, engine.dump_state(state)))
        if outcome.events:
            engine.apply_events(row, outcome.events)
            transitions += len(outcome.events)
            changed.add(row.enterprise_id)
        if outcome.touches:
            touches[pid] = outcome.touches
    store.save_states(saves)
    engine.apply_touches(touches)
    return evaluated, transitions, changed
