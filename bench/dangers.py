"""Hidden dangers at city scale: the lists, the regulators' 重大 page, the dashboard source and the rates.

Measures p50 / p95 (ms) for a city supervisor and a county supervisor over the Leshan demo's enterprises with
BENCH_DANGERS (default 10,000 then 200,000) hidden dangers spread over two years, about 15 % of them open and 2 %
重大, some overdue.

    python bench/dangers.py                    # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ansheng_bench_dangers python bench/dangers.py
    BENCH_DANGERS=10000,1000000 python bench/dangers.py
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

SIZES = tuple(int(n) for n in os.environ.get("BENCH_DANGERS", "10000,200000").split(","))
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


def seed() -> list[int]:
    from ansheng.core.demo import DemoContext, load_regions_and_organisations
    from ansheng.enterprises.demo import load_enterprises
    from ansheng.enterprises.models import Enterprise

    ctx = DemoContext(password="bench-pass-1", log=lambda _line: None)
    load_regions_and_organisations(ctx)
    load_enterprises(ctx)
    return list(Enterprise.objects.values_list("pk", "county_id"))


def add_dangers(count: int, enterprises: list[int], rng: random.Random, start_index: int) -> None:
    from django.utils import timezone

    from ansheng.dangers.models import HiddenDanger

    now = timezone.now()
    today = timezone.localdate()
    rows = []
    for index in range(start_index, start_index + count):
        reported = now - dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        major = rng.random() < 0.02
        is_open = rng.random() < 0.15
        state = rng.choice(["reported", "graded", "assigned", "rectifying", "submitted"]) if is_open else "closed"
        deadline = (reported + dt.timedelta(days=rng.randint(3, 60))).date() if state not in {"reported"} else None
        if state in {"assigned", "rectifying", "submitted"} and deadline is not None and rng.random() < 0.7:
            deadline = today + dt.timedelta(days=rng.randint(1, 30))  # most open ones still in time
        accepted = reported + dt.timedelta(days=rng.randint(1, 60)) if state == "closed" else None
        rows.append(
            HiddenDanger(
                enterprise_id=(enterprise := rng.choice(enterprises))[0],
                county_id=enterprise[1],
                number=f"B{index:09d}",
                source="inspection",
                title=f"隐患{index}",
                description="bench",
                reported_at=reported,
                found_at=reported,
                state=state,
                grade="" if state == "reported" else ("major" if major else "general"),
                deadline=deadline,
                accepted_at=accepted,
                closed_at=accepted,
                rejections=1 if rng.random() < 0.1 else 0,
                supervised=major and is_open and rng.random() < 0.5,
            )
        )
        if len(rows) == 5000:
            HiddenDanger.objects.bulk_create(rows, batch_size=5000)
            rows = []
    HiddenDanger.objects.bulk_create(rows, batch_size=5000)


def measure(client: object, url: object) -> tuple[float, float]:
    timings = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        if callable(url):
            url(client)
        else:
            response = client.get(url)  # type: ignore[attr-defined]
            assert response.status_code == 200, (url, response.status_code)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> None:
    setup()
    from django.db import connection
    from django.test import Client

    from ansheng.core.models import User
    from ansheng.dangers.dashboard import major_dangers

    enterprises = seed()
    clients = {}
    for who in ("city", "county-511112"):
        client = Client(HTTP_HOST="localhost")
        client.user = User.objects.get(username=who)  # type: ignore[attr-defined]
        client.force_login(client.user)  # type: ignore[attr-defined]
        clients[who] = client
    year = dt.date.today().year
    urls = {
        "API list, 50": "/api/v1/hidden-dangers?limit=50",
        "API 重大 overdue": "/api/v1/hidden-dangers?grade=major&overdue=true&limit=50",
        "list page": "/dangers/",
        "重大 page, overdue": "/dangers/major/?overdue=on",
        "dashboard major-dangers": lambda client: major_dangers(client.user, None),
        "rates page, year": f"/dangers/stats/?year={year}",
    }
    rng = random.Random(20260101)
    results: dict[tuple[int, str], dict[str, tuple[float, float]]] = {}
    have = 0
    for size in SIZES:
        started = time.perf_counter()
        add_dangers(size - have, enterprises, rng, have)
        print(f"  inserted {size - have:,} dangers in {time.perf_counter() - started:.1f} s", flush=True)
        have = size
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE dangers_hiddendanger")
        for who, client in clients.items():
            results[(size, who)] = {name: measure(client, url) for name, url in urls.items()}
    print(f"\nhidden dangers on {connection.vendor}, {len(enterprises):,} enterprises (p50 / p95 ms, {REPEAT} each)\n")
    columns = [(size, who) for size in SIZES for who in clients]
    print(f"{'':26}" + "".join(f"{f'{size:,} · {who}':>28}" for size, who in columns))
    for name in urls:
        cells = "".join(f"{results[c][name][0]:>17.1f} / {results[c][name][1]:>7.1f}  " for c in columns)
        print(f"{name:26}{cells}")


if __name__ == "__main__":
    main()
