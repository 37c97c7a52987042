"""Downsampling and retention: 1-minute and 1-hour aggregates from the raw readings, and deletion of what is older
than each table keeps (raw ≥ 30 days; aggregates long).

The rollup recomputes whole buckets (delete, then insert the regrouped rows), so it is idempotent: each pass redoes
the last MONITORING_LATE minutes to take in readings that arrived late, and a CSV backfill asks for its range to be
redone. Everything goes through the primary keys (point, ts) / (point, bucket).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from ansheng.monitoring import conf, store
from ansheng.monitoring.models import MonitoringPoint, Rejection, RollupMark

logger = logging.getLogger("ansheng.monitoring.rollup")

MINUTE = 60_000
HOUR = 3_600_000
DAY = 86_400_000
LATE = 10 * MINUTE  # readings up to ten minutes late are folded in by the regular passes
RETENTION_EVERY = HOUR


def _ms(now: dt.datetime) -> int:
    return int(now.timestamp() * 1000)


def request_redo(start_ms: int) -> None:
    """Ask the next rollup to redo the aggregates from ``start_ms`` (after a backfill of older readings)."""
    with transaction.atomic():
        mark, _created = RollupMark.objects.select_for_update().get_or_create(name="1m")
        if mark.redo_from is None or start_ms < mark.redo_from:
            mark.redo_from = start_ms
            mark.save(update_fields=["redo_from"])


def roll(now: dt.datetime | None = None, *, point_ids: list[int] | None = None) -> int:
    """Bring the minute and hour aggregates up to the last complete minute; returns the minute rows written."""
    now_ms = _ms(now or timezone.now())
    end = now_ms // MINUTE * MINUTE
    floor = end - conf.get("MONITORING_RAW_RETENTION_DAYS") * DAY
    with transaction.atomic():
        mark, _created = RollupMark.objects.select_for_update().get_or_create(name="1m", defaults={"upto": end - LATE})
        start = max(floor, min(mark.upto - LATE, mark.redo_from if mark.redo_from is not None else mark.upto))
        redo = mark.redo_from is not None
        mark.upto, mark.redo_from = end, None
        mark.save(update_fields=["upto", "redo_from"])
    if point_ids is None:
        points = MonitoringPoint.objects.all()
        if not redo:
            points = points.filter(state__last_ts__gte=start)
        point_ids = list(points.order_by("pk").values_list("pk", flat=True))
    written = 0
    # A day at a time, each in its own transaction, so a long redo never holds one huge transaction.
    for day_start in range(start, end, DAY):
        day_end = min(end, day_start + DAY)
        with transaction.atomic():
            written += store.rollup(
                store.READING_TABLE,
                store.MINUTE_TABLE,
                width_ms=MINUTE,
                point_ids=point_ids,
                start=day_start,
                end=day_end,
            )
            hour_start = day_start // HOUR * HOUR
            hour_end = -(-day_end // HOUR) * HOUR  # the current hour too, partly filled
            store.rollup(
                store.MINUTE_TABLE, store.HOUR_TABLE, width_ms=HOUR, point_ids=point_ids, start=hour_start, end=hour_end
            )
    return written


def apply_retention(now: dt.datetime | None = None, *, force: bool = False) -> dict[str, int]:
    """Delete raw readings, aggregates and rejections older than their retention (at most once an hour)."""
    now = now or timezone.now()
    now_ms = _ms(now)
    with transaction.atomic():
        mark, _created = RollupMark.objects.select_for_update().get_or_create(name="retention", defaults={"upto": 0})
        if not force and now_ms - mark.upto < RETENTION_EVERY:
            return {}
        mark.upto = now_ms
        mark.save(update_fields=["upto"])
    point_ids = list(MonitoringPoint.objects.order_by("pk").values_list("pk", flat=True))
    deleted = {}
    for table, column, setting in (
        (store.READING_TABLE, "ts", "MONITORING_RAW_RETENTION_DAYS"),
        (store.MINUTE_TABLE, "bucket", "MONITORING_MINUTE_RETENTION_DAYS"),
        (store.HOUR_TABLE, "bucket", "MONITORING_HOUR_RETENTION_DAYS"),
    ):
        with transaction.atomic():
            deleted[table] = store.delete_before(table, column, point_ids, now_ms - conf.get(setting) * DAY)
    cutoff = now - dt.timedelta(days=conf.get("MONITORING_REJECTION_RETENTION_DAYS"))
    deleted["rejections"] = Rejection.objects.filter(received_at__lt=cutoff).delete()[0]
    if any(deleted.values()):
        logger.info("retention: %s", deleted)
    return deleted


def tick(now: dt.datetime | None = None) -> int:
    """One pass of the rollup worker; it always returns 0 so the worker waits its interval between passes."""
    roll(now)
    apply_retention(now)
    return 0
