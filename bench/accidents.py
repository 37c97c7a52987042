"""Accident statistics and the plan's indicators at city scale.

Measures p50 / p95 (ms) of the statistics API over 15 years, the plan's indicators API (12 indicators with their
county evaluation), the accident list API (a page of 50) and the indicator dashboard page, first with a register the
size of the Leshan demo (≈ 1 700 accidents, the baseline) and then, in the same run, with 50 000 accidents.

    python bench/accidents.py                    # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ansheng_bench python bench/accidents.py
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

SIZES = (1_700, 50_000)
REPEAT = 15


def setup() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("ANSHENG_DATA_DIR", tempfile.mkdtemp(prefix="ansheng-bench-"))
    os.environ.setdefault("ANSHENG_MODE", "test")
    os.environ.setdefault("ANSHENG_WORKERS_IN_PROCESS", "false")
    os.environ["DJANGO_SETTINGS_MODULE"] = "ansheng.config.test_settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        from django.test.utils import setup_databases

        setup_databases(verbosity=0, interactive=False)
    else:
        call_command("migrate", verbosity=0)


def seed() -> object:
    from ansheng.core.demo import DemoContext, load_regions_and_organisations
    from ansheng.indicators.demo import load_statistics_inputs

    ctx = DemoContext(password="bench-pass-1", log=lambda _line: None)
    load_regions_and_organisations(ctx)
    load_statistics_inputs(ctx)
    return ctx


def add_accidents(count: int, rng: random.Random, start_index: int) -> None:
    from django.utils import timezone

    from ansheng.accidents.choices import Sector
    from ansheng.accidents.models import Accident
    from ansheng.accidents.services import _grading
    from ansheng.core.demo import COUNTIES

    tz = timezone.get_current_timezone()
    sectors = Sector.values()
    rows = []
    for index in range(start_index, start_index + count):
        occurred = dt.datetime(2011, 1, 1, tzinfo=tz) + dt.timedelta(minutes=rng.randrange(15 * 365 * 24 * 60))
        deaths = rng.choice([0, 1, 1, 1, 1, 2, 3])
        accident = Accident(
            number=f"B{index:08d}",
            source="history",
            status="closed",
            unit_name=f"单位{index}",
            category="commerce",
            sector=rng.choice(sectors),
            occurred_at=occurred,
            learned_at=occurred,
            reported_at=occurred,
            county_id=rng.choice(COUNTIES)[0],
            place="某地",
            scene="s",
            course="c",
            measures_taken="m",
            deaths=deaths,
            serious_injuries=rng.choice([0, 0, 1, 2]),
            minor_injuries=rng.choice([0, 1]),
            direct_loss=Decimal(rng.randrange(1, 300)),
            recount_until=occurred + dt.timedelta(days=30),
            in_statistics=True,
        )
        accident.grade = int(_grading(accident).grade)
        for name in ("deaths", "missing", "serious_injuries", "poisonings", "minor_injuries", "direct_loss"):
            setattr(accident, f"confirmed_{name}", getattr(accident, name))
        accident.figures_frozen_at = accident.recount_until
        local = timezone.localtime(occurred)
        accident.year, accident.month = local.year, local.month
        rows.append(accident)
    Accident.objects.bulk_create(rows, batch_size=2000)


def measure(client: object, url: str) -> tuple[float, float]:
    timings = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> None:
    setup()
    from django.db import connection
    from django.test import Client

    from ansheng.core.models import User

    seed()
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="city"))
    urls = {
        "statistics API, 15 years": "/api/v1/accidents/statistics?region=511100&from=2011&to=2025",
        "plan indicators API": "/api/v1/plans/leshan-2016-2020/indicators?region=511100",
        "accident list API, 50": "/api/v1/accidents?limit=50&year=2020",
        "indicator dashboard page": "/indicators/dashboard/?plan=leshan-2016-2020",
    }
    rng = random.Random(20161231)
    results: dict[int, dict[str, tuple[float, float]]] = {}
    have = 0
    for size in SIZES:
        add_accidents(size - have, rng, have)
        have = size
        results[size] = {name: measure(client, url) for name, url in urls.items()}
    print(f"\naccident statistics and indicators on {connection.vendor} (p50 / p95 ms, {REPEAT} requests each)\n")
    head = f"{'':28}" + "".join(f"{f'{size:,} accidents':>24}" for size in SIZES) + f"{'ratio p50':>12}"
    print(head)
    for name in urls:
        cells = "".join(f"{results[s][name][0]:>11.1f} / {results[s][name][1]:>8.1f}  " for s in SIZES)
        ratio = results[SIZES[-1]][name][0] / results[SIZES[0]][name][0]
        print(f"{name:28}{cells}{ratio:>10.1f}×")


if __name__ == "__main__":
    main()
