"""A point's history for charts and sparklines, at a resolution that suits the range (raw, 1 minute, 1 hour)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ansheng.core.errors import ValidationFailed
from ansheng.monitoring import conf, store
from ansheng.monitoring.models import MonitoringPoint

RESOLUTIONS = {"raw": store.READING_TABLE, "1m": store.MINUTE_TABLE, "1h": store.HOUR_TABLE}
MAX_POINTS = 20_000


def _ms(value: dt.datetime) -> int:
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return int(value.timestamp() * 1000)


def series_for(
    point: MonitoringPoint, start: dt.datetime | None, end: dt.datetime | None, resolution: str = "auto"
) -> dict[str, Any]:
    end = end or timezone.now()
    start = start or end - dt.timedelta(hours=6)
    if start >= end:
        raise ValidationFailed(_("开始时间应早于结束时间"), code="end_before_start", field="start")
    if resolution not in {"auto", *RESOLUTIONS}:
        raise ValidationFailed(_("resolution 应为 auto、raw、1m 或 1h"), code="invalid_choice", field="resolution")
    span = end - start
    raw_from = timezone.now() - dt.timedelta(days=conf.get("MONITORING_RAW_RETENTION_DAYS"))
    if resolution == "auto":
        if span <= dt.timedelta(hours=12) and start >= raw_from:
            resolution = "raw"
        elif span <= dt.timedelta(days=14):
            resolution = "1m"
        else:
            resolution = "1h"
    rows = store.series(RESOLUTIONS[resolution], point.pk, _ms(start), _ms(end), limit=MAX_POINTS)
    if resolution == "raw":
        data = [[ts, value] for ts, value in rows]
    else:
        data = [[bucket, vmin, vmax, vsum / n if n else None] for bucket, vmin, vmax, vsum, n in rows]
    return {
        "point": point.code,
        "unit": point.unit,
        "resolution": resolution,
        "start": start,
        "end": end,
        "thresholds": point.thresholds,
        "data": data,
    }


def sparkline(point_id: int, now_ms: int, minutes: int = 60, width: int = 60) -> list[float]:
    """The last ``minutes`` of raw values, reduced to at most ``width`` values (the last value of each slot)."""
    rows = store.series(store.READING_TABLE, point_id, now_ms - minutes * 60_000, now_ms + 1, limit=5000)
    if len(rows) <= width:
        return [value for _ts, value in rows]
    slot = minutes * 60_000 / width
    start = now_ms - minutes * 60_000
    reduced: dict[int, float] = {}
    for ts, value in rows:
        reduced[min(width - 1, int((ts - start) // slot))] = value
    return [reduced[key] for key in sorted(reduced)]


def sparkline_svg(
    values: list[float], lo: float, hi: float, marks: list[float | None], width: int = 120, height: int = 32
) -> str:
    """An inline SVG polyline (server-rendered, so an htmx swap redraws it with no script)."""
    if not values:
        return ""
    # Scale to the values themselves (with some room), so a quiet signal still shows its movement; a threshold
    # line appears when it is near enough to matter.
    low_v, high_v = min(values), max(values)
    pad = max((high_v - low_v) * 0.25, (hi - lo) * 0.02, 1e-9)
    bottom, top = low_v - pad, high_v + pad
    span = top - bottom

    def y(v: float) -> float:
        return round(height - 2 - (v - bottom) / span * (height - 4), 1)

    step = width / max(1, len(values) - 1)
    points = " ".join(f"{round(i * step, 1)},{y(v)}" for i, v in enumerate(values))
    lines = "".join(
        f'<line x1="0" x2="{width}" y1="{y(m)}" y2="{y(m)}" class="mark"/>'
        for m in marks
        if m is not None and bottom <= m <= top
    )
    return (
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="none" aria-hidden="true">{lines}<polyline points="{points}"/></svg>'
    )
