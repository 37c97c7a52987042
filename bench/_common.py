"""Helpers shared by the benchmark scripts: a fresh database per run, timing, and table printing."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")


def database_url(kind: str, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='ansheng-bench-')}/bench.sqlite3"
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def setup(kind: str, name: str) -> None:
    """Point Django at a fresh database of the given kind and migrate it."""
    os.environ["DATABASE_URL"] = database_url(kind, name)
    os.environ.setdefault("ANSHENG_DATA_DIR", tempfile.mkdtemp(prefix="ansheng-bench-data-"))
    os.environ["ANSHENG_MODE"] = "test"
    os.environ["ANSHENG_WORKERS_IN_PROCESS"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from ansheng.cli import run_migrations, setup_django

    setup_django()
    run_migrations()


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return p50 * 1000, p95 * 1000


def timed(fn: Callable[[], object], repeat: int, warmup: int = 3) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def print_table(title: str, headers: list[str], rows: list[list[object]]) -> None:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


def run_children(script: str, kinds: list[str], extra: list[str]) -> list[str]:
    """Run the script once per database kind in a fresh process; return their machine-readable result lines."""
    lines = []
    for kind in kinds:
        result = subprocess.run([sys.executable, script, "--child", kind, *extra], capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stdout, result.stderr, file=sys.stderr)
            raise SystemExit(f"{kind} run failed")
        lines += [line[len("RESULT ") :] for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    return lines
