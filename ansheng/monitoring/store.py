"""The database's bulk path for the hot tables (ARCHITECTURE: "store readings in batches").

PostgreSQL: readings go in with binary COPY (psycopg 3) straight into the table. A retransmitted reading makes the
COPY fail on the primary key; the batch is then rolled back to a savepoint and loaded through a temporary staging
table with `INSERT … ON CONFLICT DO NOTHING`, so a duplicate costs one retry of its batch, never a wrong row.
SQLite: `INSERT OR IGNORE` with executemany in the caller's transaction.

Everything here runs inside the caller's transaction; nothing commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction

READING_TABLE = "monitoring_reading"
MINUTE_TABLE = "monitoring_reading_1m"
HOUR_TABLE = "monitoring_reading_1h"
STAGE_TABLE = "monitoring_reading_stage"
CHUNK = 5000  # ids per IN (…) list: well under SQLite's variable limit


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- readings ----------------------------------------------------------------------------------------------------


def insert_readings(rows: Sequence[tuple[int, int, float]]) -> int:
    """Store (point_id, ts_ms, value) rows; returns how many were new (the rest were already stored)."""
    if not rows:
        return 0
    if is_postgres():
        return _insert_postgres(rows)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT OR IGNORE INTO {READING_TABLE} (point_id, ts, value) VALUES (%s, %s, %s)",  # noqa: S608 (constant)
            rows,
        )
        return max(cursor.rowcount, 0)


def _copy(cursor: Any, table: str, rows: Sequence[tuple[int, int, float]]) -> None:
    with cursor.copy(f"COPY {table} (point_id, ts, value) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(["int8", "int8", "float8"])
        write = copy.write_row
        for row in rows:
            write(row)


def _insert_postgres(rows: Sequence[tuple[int, int, float]]) -> int:
    from psycopg.errors import UniqueViolation

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _copy(cursor.cursor, READING_TABLE, rows)
        return len(rows)
    except (IntegrityError, UniqueViolation):
        pass  # some rows were stored before: load the batch through the staging table instead
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE_TABLE} "
            "(point_id bigint, ts bigint, value double precision) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {STAGE_TABLE}")
        _copy(cursor.cursor, STAGE_TABLE, rows)
        cursor.execute(
            f"INSERT INTO {READING_TABLE} (point_id, ts, value) SELECT point_id, ts, value FROM {STAGE_TABLE} "  # noqa: S608
            "ON CONFLICT DO NOTHING"
        )
        return max(cursor.rowcount, 0)


def raw_bulk_insert(table: str, rows: Sequence[tuple[int, int, float]]) -> None:
    """The database's plain bulk insert into a bare table (the benchmark's baseline)."""
    with connection.cursor() as cursor:
        if is_postgres():
            _copy(cursor.cursor, table, rows)
        else:
            cursor.executemany(f"INSERT INTO {table} (point_id, ts, value) VALUES (%s, %s, %s)", rows)  # noqa: S608


# --- point states ------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class PointRow:
    """A point's rule settings and live state, as one joined row (fresh from the database on every batch)."""

    id: int
    enterprise_id: int
    county_code: str
    hazard_source_id: int | None
    code: str
    kind: str
    range_min: float
    range_max: float
    ll: float | None
    l: float | None  # noqa: E741
    h: float | None
    hh: float | None
    deadband: float
    on_delay_s: int
    normal_value: float | None
    severity_1: str
    severity_2: str
    interval_s: int
    no_data_after_s: int | None
    in_service: bool
    last_ts: int | None
    last_value: float | None
    rule_state: str


_STATE_COLUMNS = (
    "p.id, p.enterprise_id, e.county_id, p.hazard_source_id, p.code, p.kind, p.range_min, p.range_max, "
    "p.ll, p.l, p.h, p.hh, "
    "p.deadband, p.on_delay_s, p.normal_value, p.severity_1, p.severity_2, p.interval_s, p.no_data_after_s, "
    "p.in_service, s.last_ts, s.last_value, s.rule_state"
)
_STATE_FROM = (
    "monitoring_monitoringpoint p JOIN monitoring_pointstate s ON s.point_id = p.id "
    "JOIN enterprises_enterprise e ON e.id = p.enterprise_id"
)


LOCK_CLASS = 0x414C  # the advisory-lock namespace of the points' live state ("AL")


def lock_enterprises(enterprise_ids: Iterable[int]) -> None:
    """Serialise the writers of the enterprises' points' live state until the transaction ends: one advisory lock
    per enterprise on PostgreSQL, taken in id order so two writers queue instead of deadlocking (row locks on every
    point would cost a write per point). SQLite's IMMEDIATE transactions already serialise writers."""
    ids = sorted(set(enterprise_ids))
    if not ids or not is_postgres():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, e) FROM unnest(%s::int[]) AS e ORDER BY e", [LOCK_CLASS, ids])


def load_points(point_ids: Iterable[int], *, lock: bool) -> dict[int, PointRow]:
    """Points with their state; with ``lock`` their state rows are locked (in id order, so two batches sharing
    points queue instead of deadlocking) until the transaction ends. The ingest service and the sweep lock whole
    enterprises instead (`lock_enterprises`) and read without ``lock``."""
    ids = sorted(set(point_ids))
    found: dict[int, PointRow] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            if is_postgres():
                cursor.execute(
                    f"SELECT {_STATE_COLUMNS} FROM {_STATE_FROM} WHERE p.id = ANY(%s) ORDER BY p.id"  # noqa: S608
                    + (" FOR UPDATE OF s" if lock else ""),
                    [list(chunk)],
                )
            else:
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT {_STATE_COLUMNS} FROM {_STATE_FROM} WHERE p.id IN ({marks}) ORDER BY p.id",  # noqa: S608
                    list(chunk),
                )
            for row in cursor.fetchall():
                found[row[0]] = PointRow(*row[:19], bool(row[19]), *row[20:])
    return found


def load_points_where(where: str, params: Sequence[Any], *, lock: bool = False) -> list[PointRow]:
    """Points matching a SQL condition on ``p`` (the point) and ``s`` (its state)."""
    with connection.cursor() as cursor:
        lock_sql = " FOR UPDATE OF s" if lock and is_postgres() else ""
        cursor.execute(
            f"SELECT {_STATE_COLUMNS} FROM {_STATE_FROM} WHERE {where} ORDER BY p.id{lock_sql}",  # noqa: S608
            list(params),
        )
        return [PointRow(*row[:19], bool(row[19]), *row[20:]) for row in cursor.fetchall()]


def save_states(rows: Sequence[tuple[int, int | None, float | None, str]]) -> None:
    """Write (point_id, last_ts, last_value, rule_state) for many points in one statement."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if is_postgres():
            ids, stamps, values, states = zip(*rows, strict=True)
            import psycopg

            # A server-side-binding cursor with binary array parameters: several times cheaper to build than the
            # text arrays of Django's client-side cursor.
            with psycopg.Cursor(connection.connection) as raw:
                raw.execute(
                    "UPDATE monitoring_pointstate AS s SET last_ts = v.ts, last_value = v.val, rule_state = v.rs "
                    "FROM unnest(%b::bigint[], %b::bigint[], %b::float8[], %b::text[]) AS v(id, ts, val, rs) "
                    "WHERE s.point_id = v.id",
                    [list(ids), list(stamps), list(values), list(states)],
                )
        else:
            cursor.executemany(
                "UPDATE monitoring_pointstate SET last_ts = %s, last_value = %s, rule_state = %s WHERE point_id = %s",
                [(ts, value, state, pid) for pid, ts, value, state in rows],
            )


# --- aggregates and retention -------------------------------------------------------------------------------------


def rollup(source: str, target: str, *, width_ms: int, point_ids: Sequence[int], start: int, end: int) -> int:
    """Recompute ``target`` buckets of ``width_ms`` in [start, end) for the points from ``source`` (the raw table or
    a finer aggregate): delete them, then insert the regrouped rows. Idempotent, so late data is simply redone."""
    if not point_ids or start >= end:
        return 0
    raw = source == READING_TABLE
    select = (
        "point_id, (ts / %s) * %s, MIN(value), MAX(value), SUM(value), COUNT(*)"
        if raw
        else "point_id, (bucket / %s) * %s, MIN(vmin), MAX(vmax), SUM(vsum), SUM(n)"
    )
    column = "ts" if raw else "bucket"
    written = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(point_ids):
            if is_postgres():
                where, params = "point_id = ANY(%s)", [list(chunk)]
            else:
                where, params = f"point_id IN ({','.join(['%s'] * len(chunk))})", list(chunk)
            cursor.execute(
                f"DELETE FROM {target} WHERE {where} AND bucket >= %s AND bucket < %s",  # noqa: S608
                [*params, start, end],
            )
            cursor.execute(
                f"INSERT INTO {target} (point_id, bucket, vmin, vmax, vsum, n) SELECT {select} FROM {source} "  # noqa: S608
                f"WHERE {where} AND {column} >= %s AND {column} < %s GROUP BY 1, 2",
                [width_ms, width_ms, *params, start, end],
            )
            written += max(cursor.rowcount, 0)
    return written


def delete_before(table: str, column: str, point_ids: Sequence[int], before: int) -> int:
    """Retention: delete a table's rows older than ``before`` (ms) for the points, through the primary key."""
    deleted = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(point_ids, 500):
            if is_postgres():
                cursor.execute(
                    f"DELETE FROM {table} WHERE point_id = ANY(%s) AND {column} < %s",  # noqa: S608
                    [list(chunk), before],
                )
            else:
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(
                    f"DELETE FROM {table} WHERE point_id IN ({marks}) AND {column} < %s",  # noqa: S608
                    [*chunk, before],
                )
            deleted += max(cursor.rowcount, 0)
    return deleted


def series(table: str, point_id: int, start: int, end: int, *, limit: int = 20_000) -> list[tuple[Any, ...]]:
    """(ts, value) rows of the raw table, or (bucket, min, max, sum, n) rows of an aggregate, in time order."""
    raw = table == READING_TABLE
    columns, column = ("ts, value", "ts") if raw else ("bucket, vmin, vmax, vsum, n", "bucket")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {table} WHERE point_id = %s AND {column} >= %s AND {column} < %s "  # noqa: S608
            f"ORDER BY {column} LIMIT %s",
            [point_id, start, end, limit],
        )
        return list(cursor.fetchall())


def received_counts(point_ids: Sequence[int], start: int, end: int) -> dict[int, int]:
    """Readings received per point in [start, end) (the online rate's numerator): the minute aggregates up to the
    first whole hour, the hour aggregates from there (the current hour's bucket is kept up to date by the rollup)."""
    first_hour = -(-start // 3_600_000) * 3_600_000
    counts: dict[int, int] = {}
    with connection.cursor() as cursor:
        for table, lo, hi in ((MINUTE_TABLE, start, min(first_hour, end)), (HOUR_TABLE, first_hour, end)):
            if lo >= hi:
                continue
            for chunk in _chunks(point_ids):
                if is_postgres():
                    where, params = "point_id = ANY(%s)", [list(chunk)]
                else:
                    where, params = f"point_id IN ({','.join(['%s'] * len(chunk))})", list(chunk)
                cursor.execute(
                    f"SELECT point_id, SUM(n) FROM {table} WHERE {where} AND bucket >= %s AND bucket < %s "  # noqa: S608
                    "GROUP BY point_id",
                    [*params, lo, hi],
                )
                for pid, n in cursor.fetchall():
                    counts[pid] = counts.get(pid, 0) + int(n)
    return counts


def load_enterprise_last_seen() -> dict[int, int]:
    """Per enterprise, the latest reading of any in-service point that has reported (ms)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.enterprise_id, MAX(s.last_ts) FROM monitoring_monitoringpoint p "
            "JOIN monitoring_pointstate s ON s.point_id = p.id WHERE p.in_service = %s AND s.last_ts IS NOT NULL "
            "GROUP BY p.enterprise_id",
            [True],
        )
        return {eid: int(last) for eid, last in cursor.fetchall()}


def county_of(enterprise_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT county_id FROM enterprises_enterprise WHERE id = %s", [enterprise_id])
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def enterprises_of(point_ids: Sequence[int]) -> list[int]:
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(
                "SELECT DISTINCT enterprise_id FROM monitoring_monitoringpoint WHERE id = ANY(%s)", [list(point_ids)]
            )
        else:
            marks = ",".join(["%s"] * len(point_ids)) or "NULL"
            cursor.execute(
                f"SELECT DISTINCT enterprise_id FROM monitoring_monitoringpoint WHERE id IN ({marks})",  # noqa: S608
                list(point_ids),
            )
        return sorted(row[0] for row in cursor.fetchall())
