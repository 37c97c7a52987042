"""`ansheng` subcommands of monitoring: simulate-sensors, backfill-readings, mqtt-ingest, mqtt-acl."""

from __future__ import annotations

import argparse
import contextlib
from typing import Any


def _setup() -> None:
    from ansheng.cli import check_schema, setup_django

    setup_django()
    check_schema(require_current=True)


def cmd_simulate(args: argparse.Namespace) -> int:
    _setup()
    from ansheng.cli import default_data_dir
    from ansheng.monitoring.simulator import run

    return run(
        via=args.via,
        interval=args.interval,
        duration=args.duration,
        excursion_rate=args.excursion_rate,
        url=args.url,
        seed=args.seed,
        all_points=args.all,
        data_dir=default_data_dir(),
    )


def cmd_backfill(args: argparse.Namespace) -> int:
    """Load readings from a CSV file (point,ts,value) through the same service as the gateways."""
    _setup()
    import csv
    from pathlib import Path

    from ansheng.cli import CommandError
    from ansheng.enterprises.models import Enterprise
    from ansheng.monitoring import rollup
    from ansheng.monitoring.choices import Channel
    from ansheng.monitoring.ingest import Submission, ingest, parse_ts

    enterprise = Enterprise.objects.filter(credit_code=args.enterprise.strip().upper()).first()
    if enterprise is None:
        raise CommandError(f"no enterprise with the credit code {args.enterprise}", status=2)
    path = Path(args.file)
    if not path.exists():
        raise CommandError(f"{path}: no such file", status=2)
    totals = {"rows": 0, "accepted": 0, "stored": 0, "rejected": 0}
    earliest: int | None = None
    reasons: dict[str, int] = {}

    def flush(items: list[dict[str, Any]], first_row: int) -> None:
        nonlocal earliest
        if not items:
            return
        results, summary = ingest(
            [
                Submission(
                    enterprise.pk, Channel.CSV, items=items, source=f"csv:{path.name}:{first_row}", max_age_s=None
                )
            ],
            evaluate=not args.no_alarms,
        )
        totals["accepted"] += summary.accepted
        totals["stored"] += summary.stored
        totals["rejected"] += summary.rejected
        for rejected in results[0].rejected:
            reasons[rejected["code"]] = reasons.get(rejected["code"], 0) + 1
        from zoneinfo import ZoneInfo

        from django.conf import settings

        zone = ZoneInfo(settings.TIME_ZONE)
        for item in items:
            try:
                ms = parse_ts(item.get("ts"), zone)
            except Exception:  # noqa: S112  (refused rows were logged by the service)
                continue
            earliest = ms if earliest is None else min(earliest, ms)

    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"point", "ts", "value"} - set(reader.fieldnames or [])
        if missing:
            raise CommandError(
                f"{path}: the header needs the columns point, ts, value (missing {', '.join(sorted(missing))})",
                status=2,
            )
        batch: list[dict[str, Any]] = []
        first = 2
        for number, row in enumerate(reader, start=2):
            totals["rows"] += 1
            value: Any = (row.get("value") or "").strip()
            with contextlib.suppress(ValueError):  # otherwise the service refuses it as not a number, with the row
                value = float(value)
            batch.append(
                {"point": (row.get("point") or "").strip(), "ts": (row.get("ts") or "").strip(), "value": value}
            )
            if len(batch) >= args.chunk:
                flush(batch, first)
                batch, first = [], number + 1
        flush(batch, first)
    if earliest is not None:
        rollup.request_redo(earliest)
        rollup.roll()
    print(
        f"{totals['rows']} rows: {totals['accepted']} accepted ({totals['stored']} new), "
        f"{totals['rejected']} rejected"
        + (f" ({', '.join(f'{k} {n}' for k, n in sorted(reasons.items()))})" if reasons else "")
    )
    if totals["rows"] and not totals["accepted"]:
        return 1
    return 3 if totals["rejected"] and args.strict else 0


def cmd_mqtt_ingest(args: argparse.Namespace) -> int:
    _setup()
    import signal
    import threading

    from ansheng.monitoring.mqtt import IngestWorker, topics

    counties = [c.strip() for c in (args.counties or "").split(",") if c.strip()] or None
    worker = IngestWorker(counties, client_id=args.client_id, url=args.url)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_a: stop.set())
    print(f"mqtt-ingest {worker.client_id} on {worker.host}:{worker.port}: {', '.join(topics(counties))}", flush=True)
    try:
        worker.run(stop)
    except KeyboardInterrupt:
        stop.set()
    return 0


def cmd_mqtt_acl(args: argparse.Namespace) -> int:
    """Print a Mosquitto ACL file: each enterprise gateway may publish only to its own topic; ingest users read."""
    _setup()
    from ansheng.enterprises.models import Enterprise
    from ansheng.monitoring import conf

    prefix = conf.topic_prefix()
    lines = [
        "# Mosquitto ACL for 安生 monitoring (generated by `ansheng mqtt-acl`).",
        "# Gateways log in with their enterprise's 统一社会信用代码 as user name (password file: mosquitto_passwd).",
        "# Ingest workers log in as ansheng-ingest (or one user per county shard).",
        "",
        "user ansheng-ingest",
        f"topic read {prefix}/readings/#",
        "",
    ]
    for county in sorted(filter(None, (args.shards or "").split(","))):
        lines += [f"user ansheng-ingest-{county}", f"topic read {prefix}/readings/{county}/#", ""]
    enterprises = Enterprise.objects.filter(monitoring_points__isnull=False).distinct().order_by("county_id", "pk")
    for enterprise in enterprises:
        lines += [
            f"# {enterprise.name}",
            f"user {enterprise.credit_code}",
            f"topic write {prefix}/readings/{enterprise.county_id}/{enterprise.credit_code}",
            "",
        ]
    print("\n".join(lines))
    return 0


def register(sub: Any) -> None:
    simulate = sub.add_parser("simulate-sensors", help="feed the demo's monitoring points with realistic readings")
    simulate.add_argument(
        "--via",
        choices=["mqtt", "http", "direct"],
        default="mqtt",
        help="MQTT (MQTT_URL, topics under MQTT_TOPIC_PREFIX), HTTP (--url) or the service directly",
    )
    simulate.add_argument("--url", help="HTTP: the platform's base URL; MQTT: the broker URL (default MQTT_URL)")
    simulate.add_argument("--interval", type=float, default=10.0, help="seconds between readings (default 10)")
    simulate.add_argument("--duration", type=float, help="stop after this many seconds")
    simulate.add_argument(
        "--excursion-rate",
        type=float,
        default=0.03,
        help="chance per round that one point starts an excursion past H or HH (default 0.03)",
    )
    simulate.add_argument("--seed", type=int)
    simulate.add_argument("--all", action="store_true", help="also feed points that never reported")
    simulate.set_defaults(func=cmd_simulate)

    backfill = sub.add_parser("backfill-readings", help="load readings from a CSV file (columns point, ts, value)")
    backfill.add_argument("file")
    backfill.add_argument("--enterprise", required=True, help="统一社会信用代码 of the enterprise the points belong to")
    backfill.add_argument("--chunk", type=int, default=10_000)
    backfill.add_argument("--no-alarms", action="store_true", help="store only; do not evaluate alarm rules")
    backfill.add_argument("--strict", action="store_true", help="exit with status 3 when any row was rejected")
    backfill.set_defaults(func=cmd_backfill)

    ingest = sub.add_parser("mqtt-ingest", help="run an MQTT ingest worker for some counties (or all)")
    ingest.add_argument(
        "--counties", help="comma-separated county codes (default ANSHENG_MQTT_INGEST_COUNTIES, or all)"
    )
    ingest.add_argument("--client-id", help="MQTT client id (stable, so the broker keeps the session)")
    ingest.add_argument("--url", help="broker URL (default MQTT_URL)")
    ingest.set_defaults(func=cmd_mqtt_ingest)

    acl = sub.add_parser("mqtt-acl", help="print a Mosquitto ACL for the enterprises' gateways and ingest workers")
    acl.add_argument("--shards", help="comma-separated county codes to give each its own ingest user")
    acl.set_defaults(func=cmd_mqtt_acl)
