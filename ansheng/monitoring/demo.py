"""Demo monitoring for Leshan: points on the hazard sources and other high-risk enterprises, their history, and the
alarms that history raised, all through the real ingest service and alarm engine.

* `ent-chem`'s four sources get a full set of points (tank levels, pressures, temperatures, chlorine, ammonia and
  combustible-gas detectors, SIS, video) reporting every 10 s, with a week of history (one reading every 5 minutes)
  containing a handful of excursions that were acknowledged and closed with feedback, one that was left without
  feedback yesterday, and the last two hours at full rate.
* The other hazardous-chemical sources and about two thirds of the other high-risk enterprises (mines, fireworks,
  metallurgy) get a few points each; most are connected (a day of hourly aggregates and the last hour of readings),
  some never were and a few went silent three hours ago, so the plan's online rates come out real (below target).
* The in-process simulator (ANSHENG_MONITORING_SIMULATE, on in `ansheng demo`) keeps the connected points alive.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from typing import Any

from django.conf import settings
from django.utils import timezone

from ansheng.enterprises.choices import Category, Status
from ansheng.monitoring.choices import Channel

SEED = 5_511_175
TOXIC = {"氯": ("mg/m³", 20, 1.0, 2.0), "氨": ("ppm", 100, 25, 50), "氯化氢": ("ppm", 50, 5, 10)}
COMBUSTIBLE = {"甲醇", "甲苯", "苯", "液化石油气", "氯乙烯", "氢", "乙酸乙酯", "汽油", "柴油", "三氯氢硅"}


def _substances(source: Any) -> list[str]:
    names = []
    for item in source.substances.all():
        name = item.name.split("（")[0]
        names.append({"液氯": "氯", "液氨": "氨"}.get(name, name))
    return names


def points_for(source: Any, *, detailed: bool, rng: random.Random) -> list[dict[str, Any]]:
    """Plausible points for a unit: per tank level and temperature (and pressure for liquefied gases), gas
    detectors for what it holds, its SIS and a camera; a production unit gets process pressure, temperature, flow."""
    substances = _substances(source)
    pressurised = any(s in {"氯", "氨", "液化石油气", "氯乙烯", "氢"} for s in substances)
    points: list[dict[str, Any]] = []
    interval = 10 if detailed else 60
    base = {"hazard_source": source.pk, "interval_s": interval}
    if source.unit_kind == "storage":
        tanks = (3 if detailed else rng.randint(1, 2)) if pressurised else (4 if detailed else rng.randint(1, 3))
        height = 3.2 if pressurised else round(rng.choice([12.0, 14.0, 16.0]), 1)
        for n in range(1, tanks + 1):
            tag = f"V{100 + n}"
            points.append(
                {
                    **base,
                    "code": f"{source.code}-{tag}-LT",
                    "name": f"{n}#储罐液位",
                    "kind": "level",
                    "unit": "m",
                    "range_min": 0,
                    "range_max": height,
                    "ll": round(height * 0.05, 2),
                    "l": round(height * 0.1, 2),
                    "h": round(height * 0.85, 2),
                    "hh": round(height * 0.9, 2),
                    "deadband": round(height * 0.01, 3),
                    "on_delay_s": 10 if detailed else 0,
                }
            )
            points.append(
                {
                    **base,
                    "code": f"{source.code}-{tag}-TT",
                    "name": f"{n}#储罐温度",
                    "kind": "temperature",
                    "unit": "℃",
                    "range_min": -20,
                    "range_max": 80,
                    "l": -10,
                    "h": 40,
                    "hh": 45,
                    "deadband": 0.5,
                }
            )
            if pressurised and (detailed or n == 1):
                top = 2.5 if "氨" in substances else 1.6
                points.append(
                    {
                        **base,
                        "code": f"{source.code}-{tag}-PT",
                        "name": f"{n}#储罐压力",
                        "kind": "pressure",
                        "unit": "MPa",
                        "range_min": 0,
                        "range_max": top,
                        "h": round(top * 0.62, 2),
                        "hh": round(top * 0.72, 2),
                        "deadband": 0.02,
                        "on_delay_s": 5 if detailed else 0,
                    }
                )
    else:
        points.append(
            {
                **base,
                "code": f"{source.code}-PT-01",
                "name": "反应系统压力",
                "kind": "pressure",
                "unit": "MPa",
                "range_min": 0,
                "range_max": 1.6,
                "l": 0.1,
                "h": 1.0,
                "hh": 1.2,
                "deadband": 0.02,
            }
        )
        points.append(
            {
                **base,
                "code": f"{source.code}-TT-01",
                "name": "反应温度",
                "kind": "temperature",
                "unit": "℃",
                "range_min": 0,
                "range_max": 150,
                "l": 40,
                "h": 95,
                "hh": 105,
                "deadband": 1,
            }
        )
        points.append(
            {
                **base,
                "code": f"{source.code}-FT-01",
                "name": "进料流量",
                "kind": "flow",
                "unit": "m³/h",
                "range_min": 0,
                "range_max": 50,
                "l": 5,
                "h": 40,
                "hh": 45,
                "deadband": 0.5,
            }
        )
    detectors = 0
    for substance in substances:
        if substance in TOXIC:
            unit, top, first, second = TOXIC[substance]
            for n in range(1, (3 if detailed else 1) + 1):
                detectors += 1
                points.append(
                    {
                        **base,
                        "code": f"{source.code}-AT-{detectors:02d}",
                        "name": f"{substance}气体检测器{n}#",
                        "kind": "gas_toxic",
                        "unit": unit,
                        "substance": substance,
                        "range_min": 0,
                        "range_max": top,
                        "h": first,
                        "hh": second,
                    }
                )
        elif substance in COMBUSTIBLE:
            for n in range(1, (2 if detailed else 1) + 1):
                detectors += 1
                points.append(
                    {
                        **base,
                        "code": f"{source.code}-AT-{detectors:02d}",
                        "name": f"可燃气体检测器{n}#（{substance}）",
                        "kind": "gas_combustible",
                        "unit": "%LEL",
                        "substance": substance,
                        "range_min": 0,
                        "range_max": 100,
                        "h": 25,
                        "hh": 50,
                    }
                )
    points.append(
        {**base, "code": f"{source.code}-SIS", "name": "紧急切断/SIS", "kind": "sis", "severity_1": "critical"}
    )
    if detailed or rng.random() < 0.5:
        points.append(
            {**base, "code": f"{source.code}-CAM", "name": "视频监控", "kind": "video", "severity_1": "minor"}
        )
    return points


OTHER_POINTS = {
    Category.COAL_MINE: [
        ("CH4-01", "回风巷甲烷（折算%LEL）", "gas_combustible", "%LEL", 0, 100, None, 20, 40),
        ("CO-01", "回风巷一氧化碳", "gas_toxic", "ppm", 0, 500, None, 24, 50),
    ],
    Category.METAL_MINE: [
        ("TLK-LT", "尾矿库库水位", "level", "m", 0, 30, None, 22, 25),
        ("CAM-01", "尾矿库视频", "video", "", 0, 1, None, None, None),
    ],
    Category.FIREWORKS: [
        ("TT-01", "成品库温度", "temperature", "℃", -20, 60, None, 35, 40),
        ("CAM-01", "仓库视频", "video", "", 0, 1, None, None, None),
    ],
    Category.METALLURGY: [
        ("CO-01", "煤气柜区一氧化碳", "gas_toxic", "ppm", 0, 500, None, 24, 50),
        ("GH-LT", "煤气柜柜位", "level", "%", 0, 100, 10, 85, 90),
    ],
    Category.CHEM_TRADE: [
        ("TK-LT", "埋地储罐液位", "level", "m", 0, 3, 0.3, 2.5, 2.7),
        ("AT-01", "卸油区可燃气体", "gas_combustible", "%LEL", 0, 100, None, 25, 50),
    ],
    Category.CHEM_USE: [
        ("AT-01", "使用场所可燃气体", "gas_combustible", "%LEL", 0, 100, None, 25, 50),
        ("CAM-01", "库房视频", "video", "", 0, 1, None, None, None),
    ],
}


def _normal(point: Any, rng: random.Random) -> float:
    if point.kind == "sis":
        return 0.0
    if point.kind == "video":
        return 1.0
    if point.kind in {"gas_toxic", "gas_combustible"}:
        return round(abs(rng.gauss(0, (point.h or point.range_max) * 0.04)), 3)
    low = point.l if point.l is not None else point.range_min + (point.range_max - point.range_min) * 0.1
    high = point.h if point.h is not None else point.range_min + (point.range_max - point.range_min) * 0.9
    return round(low + (high - low) * rng.uniform(0.35, 0.65), 3)


def _ingest(enterprise_id: int, items: list[dict[str, Any]], now: dt.datetime) -> None:
    from ansheng.monitoring.ingest import Submission, ingest

    for start in range(0, len(items), 20_000):
        ingest(
            [Submission(enterprise_id, Channel.SIMULATOR, items=items[start : start + 20_000], source="demo")], now=now
        )


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _chem_history(ctx: Any, chem: Any, points: list[Any], now: dt.datetime, rng: random.Random) -> None:
    """A week of ent-chem at 5-minute resolution with excursions, then the last two hours at 10 s."""
    from ansheng.core.models import User
    from ansheng.monitoring import services
    from ansheng.monitoring.models import Alarm

    by_code = {p.code: p for p in points}
    start = (now - dt.timedelta(days=7)).replace(second=0, microsecond=0)
    raw_from = now - dt.timedelta(hours=2)
    # (code, hours ago it starts, minutes it lasts, level reached): events of a chlorine/ammonia site
    excursions = [
        ("HS-01-V101-LT", 150, 25, "h"),
        ("HS-01-AT-01", 120, 8, "h"),
        ("HS-02-V101-PT", 96, 15, "h"),
        ("HS-04-AT-01", 70, 12, "h"),
        ("HS-03-TT-01", 50, 20, "h"),
        ("HS-01-V102-TT", 30, 40, "h"),
        ("HS-02-AT-02", 20, 6, "hh"),
        ("HS-04-V102-LT", 16, 30, "hh"),
    ]

    def peak(point: Any, level: str) -> float:
        first, second = point.h or point.hh, point.hh or point.h
        if level == "h":
            return (first + second) / 2
        return min(point.range_max, second + (second - first) * 0.5)

    values = {p.code: _normal(p, rng) for p in points}
    items: list[dict[str, Any]] = []
    moment = start
    while moment < now:
        step = dt.timedelta(minutes=5) if moment < raw_from else dt.timedelta(seconds=10)
        hours_ago = (now - moment).total_seconds() / 3600
        for point in points:
            value = values[point.code]
            if point.kind in {"level", "temperature", "pressure", "flow"}:
                span = point.range_max - point.range_min
                scale = step.total_seconds() / 300  # the walk is set per five minutes
                drift = math.sin(moment.timestamp() / 3600 / 5 + point.pk) * span * 0.0015 * scale
                low = point.l if point.l is not None else point.range_min
                high = point.h if point.h is not None else point.range_max
                noise = rng.gauss(0, span * 0.0008 * math.sqrt(scale))
                value = min(high - span * 0.08, max(low + span * 0.08, value + drift + noise))
                values[point.code] = value
            elif point.kind in {"gas_toxic", "gas_combustible"}:
                value = round(abs(rng.gauss(0, (point.h or 1) * 0.04)), 3)
            for code, ago, minutes, level in excursions:
                if code == point.code and ago >= hours_ago > ago - minutes / 60:
                    value = peak(point, level)
            items.append({"point": point.code, "ts": _stamp(moment), "value": round(value, 3)})
        moment += step
        if len(items) >= 20_000:
            _ingest(chem.pk, items, now)
            items = []
    _ingest(chem.pk, items, now)
    # The enterprise handled its alarms: acknowledged within minutes, closed with feedback within the hour; one
    # from yesterday was left without feedback and has gone up to the city.
    admin = User.objects.filter(username="ent-chem").first() or ctx.admin
    feedback = {
        "level": ("进料阀开度过大，液位超高报", "关小进料阀，倒罐至备用罐，复核液位计"),
        "pressure": ("夏季日照致罐内压力升高", "启用喷淋降温，压力回落后恢复正常"),
        "temperature": ("冷却水量不足", "增开一台循环水泵，调整冷却水量"),
        "gas_toxic": ("法兰垫片微漏", "紧固法兰、更换垫片，检测合格后恢复"),
        "gas_combustible": ("装车鹤管处挥发", "停止装车，检查密封，通风后恢复"),
        "flow": ("进料调节阀故障", "切换旁路，维修调节阀"),
    }
    left_open = "HS-04-V102-LT"
    for alarm in Alarm.objects.filter(enterprise=chem, closed_at__isnull=True, active=False).select_related("point"):
        if alarm.point is None or alarm.point.code == left_open:
            continue
        acked = alarm.activated_at + dt.timedelta(minutes=rng.randint(2, 9))
        services.do_acknowledge_alarm(acting_user=admin, alarm_id=alarm.pk, note="已通知现场处置", now=acked)
        cause, measures = feedback.get(alarm.point.kind, ("设备异常", "检修后恢复"))
        services.do_close_alarm(
            acting_user=admin,
            alarm_id=alarm.pk,
            cause=cause,
            measures=measures,
            now=(alarm.cleared_at or acked) + dt.timedelta(minutes=rng.randint(10, 50)),
        )
    del by_code


def load_monitoring(ctx: Any) -> None:
    from ansheng.hazards.models import HazardSource
    from ansheng.monitoring import engine, notifier, rollup, store
    from ansheng.monitoring.ingest import directory
    from ansheng.monitoring.models import MonitoringPoint
    from ansheng.monitoring.services import do_create_point

    rng = random.Random(SEED)
    now = timezone.now().replace(microsecond=0)
    chem = ctx.refs["ent_chem"]
    admin = ctx.admin
    created: dict[int, list[Any]] = {}

    def create(enterprise_id: int, data: dict[str, Any]) -> Any:
        point = do_create_point(acting_user=admin, enterprise_id=enterprise_id, data=data)
        created.setdefault(enterprise_id, []).append(point)
        return point

    for source in HazardSource.objects.filter(enterprise=chem).order_by("code"):
        for data in points_for(source, detailed=True, rng=rng):
            create(chem.pk, data)
    sources = HazardSource.objects.filter(is_major=True).exclude(enterprise=chem).select_related("enterprise")
    for source in sources.order_by("pk"):
        if source.enterprise.status != Status.OPERATING and rng.random() < 0.7:
            continue
        for data in points_for(source, detailed=False, rng=rng):
            create(source.enterprise_id, data)
    for category, templates in OTHER_POINTS.items():
        for enterprise in ctx.refs.get("enterprises_by_category", {}).get(category, []):
            if enterprise.status != Status.OPERATING or enterprise.pk in created or rng.random() > 0.72:
                continue
            for code, name, kind, unit, lo, hi, low, first, second in templates:
                data = {
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "unit": unit,
                    "range_min": lo,
                    "range_max": hi,
                    "interval_s": 60,
                }
                if kind != "video":
                    data.update({"l": low, "h": first, "hh": second})
                    if kind in {"gas_toxic", "gas_combustible"}:
                        data.pop("l")
                create(enterprise.pk, data)
    directory.invalidate()

    # Who is connected: ent-chem and most others; some never were, a few went silent three hours ago.
    simulated: list[int] = []
    chem_points = list(MonitoringPoint.objects.filter(enterprise=chem).order_by("pk"))
    _chem_history(ctx, chem, chem_points, now, rng)
    simulated += [p.pk for p in chem_points]
    hour = 3_600_000
    raw_from = now - dt.timedelta(hours=1)
    aggregate_from = int((now - dt.timedelta(hours=27)).timestamp() * 1000) // hour * hour
    aggregate_to = int(raw_from.timestamp() * 1000) // hour * hour
    hourly: list[tuple[int, int, float, float, float, int]] = []
    # One enterprise with a grade-1 or grade-2 source has not connected it yet: the plan's 100 % is not met.
    laggard = (
        HazardSource.objects.filter(grade__in=[1, 2], enterprise_id__in=list(created))
        .exclude(enterprise=chem)
        .order_by("pk")
        .values_list("enterprise_id", flat=True)
        .first()
    )
    for enterprise_id, points in sorted(created.items()):
        if enterprise_id == chem.pk:
            continue
        fate = rng.random()
        if fate < 0.16 or enterprise_id == laggard:
            continue  # registered but never connected (未接入)
        silent = fate < 0.21
        values = {p.pk: _normal(p, rng) for p in points}
        last_hour = aggregate_to - (3 * hour if silent else 0)
        for point in points:
            n = 3600 // point.interval_s
            for bucket in range(aggregate_from, last_hour, hour):
                v = values[point.pk]
                spread = 0 if point.kind in {"sis", "video"} else abs(v) * 0.02 + 0.01
                hourly.append((point.pk, bucket, v - spread, v + spread, v * n, n))
        items = []
        moment = raw_from if not silent else now - dt.timedelta(hours=3, minutes=5)
        end = now if not silent else now - dt.timedelta(hours=3)
        while moment < end:
            for point in points:
                items.append({"point": point.code, "ts": _stamp(moment), "value": values[point.pk]})
            moment += dt.timedelta(seconds=60)
        if not silent and rng.random() < 0.04:
            excursion = next((p for p in points if p.h is not None), None)
            if excursion is not None:
                items.append(
                    {
                        "point": excursion.code,
                        "ts": _stamp(now - dt.timedelta(seconds=30)),
                        "value": min(excursion.range_max, (excursion.hh or excursion.h) * 1.02),
                    }
                )
        _ingest(enterprise_id, items, now)
        if not silent:
            simulated += [p.pk for p in points]
    from ansheng.monitoring.models import AlarmTransition, ReadingHour

    rollup.request_redo(int((now - dt.timedelta(days=7, hours=1)).timestamp() * 1000))
    rollup.roll(now)
    # The hours before the last one, for the connected enterprises other than ent-chem (after the rollup, which
    # would otherwise recompute them from minutes these enterprises never had).
    ReadingHour.objects.bulk_create(
        [ReadingHour(point_id=p, bucket=b, vmin=lo, vmax=hi, vsum=s, n=n) for p, b, lo, hi, s, n in hourly],
        batch_size=5000,
        ignore_conflicts=True,
    )
    engine.run_sweep(now)
    # History happened before anyone was watching: its transitions are not announced when the demo starts.
    AlarmTransition.objects.filter(at__lt=now - dt.timedelta(minutes=10), notify="pending").update(notify="done")
    notifier.escalate(now=now)
    (settings.DATA_DIR / "simulator.json").write_text(json.dumps({"points": simulated, "focus": [chem.pk]}), "utf-8")
    total = MonitoringPoint.objects.count()
    readings = store.received_counts(
        list(MonitoringPoint.objects.values_list("pk", flat=True)), 0, int(now.timestamp() * 1000) + 1
    )
    ctx.log(f"  {total} monitoring points, {len(simulated)} simulated, {sum(readings.values())} readings of history")
