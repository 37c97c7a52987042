"""Dual prevention (双重预防) at city scale: 800 enterprises, 200,000 risk events, 1,000,000 hidden dangers.

Prints p50/p95 (ms, in process through the whole Django stack: test Client with a logged-in user, middleware,
session, access door, query, JSON or HTML) for a city and a county supervisor: the dashboard sources
`risk-distribution` and `major-dangers` (called as the panels call them), the command dashboard panels API, the
dashboard pages, the risks overview page, the dangers' regulator pages (重大 list), the lists (hidden dangers API page
of 50 plain and filtered by overdue / grade, risk events API, the list pages) and the dangers' statistics page for
a year. Beside each: a baseline measured in the same run on the same database (the raw SQL count/page of the same
rows). Then the time of the risks scheduler's generation of one day's occurrences for the inspection tasks, run
twice (the second run must create nothing), and the database's raw bulk-insert rate (the hidden dangers' insert).

Fixture data is written by bulk paths, never by the services row by row: enterprises, risk objects, units, events,
assessments, tasks by `bulk_create` in batches of 5,000; the hidden dangers by `COPY … FROM STDIN` on PostgreSQL
and `executemany` of one prepared INSERT on SQLite (the rows' values prepared by the model fields themselves); the
enterprises' colours by the risks app's own `recompute_enterprise_colours`. Each database is fresh: a temporary
SQLite file, or a PostgreSQL database the script creates and drops (`ansheng_bench_dual`).

    python bench/dual_prevention.py [--db postgres,sqlite] [--enterprises 800] [--events 200000]
                                    [--dangers 1000000] [--tasks 5000] [--repeat 15]
    python bench/dual_prevention.py --child postgres --populate-only   # fill ansheng_bench_dual and keep it
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import PG_ADMIN_URL, print_table, run_children, setup, timed

DB_NAME = "ansheng_bench_dual"
COUNTIES = [
    "511102",
    "511111",
    "511112",
    "511113",
    "511123",
    "511124",
    "511126",
    "511129",
    "511132",
    "511133",
    "511181",
]
OPEN_STATES = ["reported", "graded", "assigned", "rectifying", "submitted", "accepted"]
RUNNING = ("assigned", "rectifying", "submitted")


def populate_registry(n: int, rng: random.Random) -> list[tuple[int, str]]:
    from ansheng.core.demo import DemoContext, load_regions_and_organisations
    from ansheng.enterprises.choices import Category
    from ansheng.enterprises.models import Enterprise

    sys.path.insert(0, os.path.dirname(__file__))
    from registry import STEMS, WORDS, _code

    ctx = DemoContext(password="bench-pass-1", log=lambda _m: None)
    load_regions_and_organisations(ctx)
    rows = []
    for i in range(n):
        county = rng.choice(COUNTIES)
        name = f"乐山市{rng.choice(WORDS)}{rng.choice(STEMS)}{i}有限公司"
        code = _code(rng, county, i)
        rows.append(
            Enterprise(
                credit_code=code,
                name=name,
                county_id=county,
                category=rng.choice(Category.values()),
                employees=rng.randint(5, 900),
                search_text=f"{name}\n{code}".lower(),
            )
        )
    Enterprise.objects.bulk_create(rows, batch_size=5000)
    return list(Enterprise.objects.order_by("pk").values_list("pk", "county_id"))


def populate_risks(enterprises: list[tuple[int, str]], events: int, tasks: int, rng: random.Random) -> None:
    """Risk objects (8 per enterprise), units (2 per object), events with one assessment each, and tasks."""
    from django.utils import timezone

    from ansheng.domain.accident_types import parse_wsa  # noqa: F401  (the codes below are valid basic types)
    from ansheng.risks.models import AnalysisUnit, Assessment, InspectionTask, RiskEvent, RiskObject

    levels = [("major", "red", "公司级"), ("large", "orange", "部门级"), ("general", "yellow", "班组级"),
              ("low", "blue", "岗位级")]  # fmt: skip
    weights = [2, 8, 30, 60]
    now = timezone.now()
    objects = [
        RiskObject(
            enterprise_id=pk,
            kind="place",
            code=f"RP-{k:02d}",
            name=f"风险点{k}",
            responsible_name="张三",
            level="general",
        )
        for pk, _county in enterprises
        for k in range(8)
    ]
    RiskObject.objects.bulk_create(objects, batch_size=5000)
    objects = list(RiskObject.objects.order_by("pk"))
    units = [
        AnalysisUnit(enterprise_id=o.enterprise_id, risk_object=o, name=f"单元{k}") for o in objects for k in (1, 2)
    ]
    AnalysisUnit.objects.bulk_create(units, batch_size=5000)
    units = list(AnalysisUnit.objects.order_by("pk").values_list("pk", "enterprise_id"))
    rows = []
    for i in range(events):
        unit_id, enterprise_id = units[i % len(units)]
        level, colour, control = rng.choices(levels, weights)[0]
        rows.append(
            RiskEvent(
                enterprise_id=enterprise_id,
                unit_id=unit_id,
                description=f"风险事件{i}",
                accident_type=rng.choice(["WSA10009", "WSA10006", "WSA10004", "WSA10002"]),
                hazard_factors=[],
                inherent_level=level,
                level=level,
                colour=colour,
                control_level=control,
                assessed_at=now - dt.timedelta(days=rng.randrange(700)),
            )
        )
        if len(rows) == 5000:
            RiskEvent.objects.bulk_create(rows)
            rows = []
    RiskEvent.objects.bulk_create(rows)
    rows = []
    for pk, enterprise_id, level, control, at in RiskEvent.objects.values_list(
        "pk", "enterprise_id", "level", "control_level", "assessed_at"
    ).iterator(chunk_size=5000):
        rows.append(
            Assessment(
                enterprise_id=enterprise_id,
                event_id=pk,
                stage="inherent",
                method="LEC",
                factors={"L": 3, "E": 6, "C": 7},
                score=126,
                level=level,
                control_level=control,
                assessed_at=at,
            )
        )
        if len(rows) == 5000:
            Assessment.objects.bulk_create(rows)
            rows = []
    Assessment.objects.bulk_create(rows)
    today = timezone.localdate()
    InspectionTask.objects.bulk_create(
        [
            InspectionTask(
                enterprise_id=o.enterprise_id,
                risk_object=o,
                name=f"巡检{i}",
                checklist=["现场检查"],
                cycle="shift" if i % 5 < 2 else "day",
                starts_on=today,
            )
            for i, o in enumerate(objects[j % len(objects)] for j in range(tasks))
        ],
        batch_size=5000,
    )


def danger_rows(n: int, enterprises: list[tuple[int, str]], responsible: int, rng: random.Random):
    """Yield (attname → value) of n hidden dangers over two years and every state: ~15 % open, ~2 % 重大, some
    overdue, half the open 重大 ones under 挂牌督办."""
    from django.utils import timezone

    now = timezone.now()
    today = timezone.localdate()
    for i in range(n):
        enterprise_id, county = rng.choice(enterprises)
        reported = now - dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        major = rng.random() < 0.02
        is_open = rng.random() < 0.15
        state = rng.choice(OPEN_STATES + (["reviewing"] if major else [])) if is_open else "closed"
        row = {
            "enterprise_id": enterprise_id,
            "county_id": county,
            "number": f"B{i:09d}",
            "title": f"隐患{i}",
            "reported_at": reported,
            "found_at": reported,
            "state": state,
            "grade": "" if state == "reported" else ("major" if major else "general"),
            "supervised": major and is_open and state != "reported" and rng.random() < 0.5,
        }
        if state not in ("reported", "graded"):
            deadline = (reported + dt.timedelta(days=rng.randint(3, 60))).date()
            if state in RUNNING and rng.random() < 0.7:
                deadline = today + dt.timedelta(days=rng.randint(0, 30))  # most running ones are still in time
            row.update(deadline=deadline, responsible_id=responsible, assigned_at=reported)
        if state in ("accepted", "reviewing", "closed"):
            accepted = min(now, reported + dt.timedelta(days=rng.randint(1, 60)))
            row.update(accepted_at=accepted, submitted_at=accepted)
            if state == "closed":
                row["closed_at"] = accepted
        yield row


def insert_dangers(n: int, enterprises: list[tuple[int, str]], responsible: int, rng: random.Random) -> float:
    """Insert by the database's bulk path; returns rows/s (the raw bulk-insert baseline)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from ansheng.dangers.models import HiddenDanger

    fields = [f for f in HiddenDanger._meta.concrete_fields if not f.primary_key]
    template = HiddenDanger(
        enterprise_id=enterprises[0][0],
        county_id=enterprises[0][1],
        source="inspection",
        description="bench",
        updated_at=timezone.now(),
    )
    const = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
    index = {f.attname: k for k, f in enumerate(fields)}
    by_name = {f.attname: f for f in fields}
    table = HiddenDanger._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)

    def tuples():
        for row in danger_rows(n, enterprises, responsible, rng):
            values = list(const)
            for name, value in row.items():
                values[index[name]] = by_name[name].get_db_prep_save(value, connection)
            yield values

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in tuples():
                    copy.write_row(values)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
            batch = []
            for values in tuples():
                batch.append(values)
                if len(batch) == 20_000:
                    cursor.executemany(sql, batch)
                    batch = []
            cursor.executemany(sql, batch)
    return n / (time.perf_counter() - started)


def child(kind: str, args: argparse.Namespace) -> None:
    setup(kind, DB_NAME)
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from ansheng.core.models import User
    from ansheng.dangers.dashboard import major_dangers
    from ansheng.enterprises.models import Enterprise
    from ansheng.risks import colour, services
    from ansheng.risks.dashboard import risk_distribution
    from ansheng.risks.models import Occurrence

    def say(message: str) -> None:
        print(f"[{kind}] {message}", file=sys.stderr, flush=True)

    rng = random.Random(20261129)
    started = time.perf_counter()
    enterprises = populate_registry(args.enterprises, rng)
    populate_risks(enterprises, args.events, args.tasks, rng)
    say(f"registry and risks in {time.perf_counter() - started:.0f} s")
    admin = User.objects.get(username="city-admin")
    insert_rate = insert_dangers(args.dangers, enterprises, admin.pk, rng)
    say(f"{args.dangers:,} dangers at {insert_rate:,.0f} rows/s")
    started = time.perf_counter()
    colour.recompute_enterprise_colours(list(Enterprise.objects.values_list("pk", flat=True)))
    colour_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if args.populate_only:  # leave the filled database for EXPLAIN (the child is run by hand, nothing drops it)
        print(f"populated {connection.settings_dict['NAME']}")
        return

    county_code = "511102"
    users = {"city": User.objects.get(username="city"), "county": User.objects.get(username=f"county-{county_code}")}
    clients = {}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)

    def get(who: str, url: str, params: dict[str, object] | None = None):
        def call() -> None:
            response = clients[who].get(url, params or {})
            assert response.status_code == 200, (url, response.status_code, response.content[:300])

        return call

    def raw(sql: str, params: list[object] | None = None):
        def call() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params or [])
                cursor.fetchall()

        return call

    today = timezone.localdate()
    year = today.year
    d = "dangers_hiddendanger"
    running = "('assigned','rectifying','submitted')"
    opened = "('reported','graded','assigned','rectifying','submitted','accepted','reviewing')"
    page = f"SELECT * FROM {d} {{where}} ORDER BY reported_at DESC, id DESC LIMIT 50"
    page_join = (
        f"SELECT d.*, e.name FROM {d} d JOIN enterprises_enterprise e ON e.id = d.enterprise_id {{where}} "
        "ORDER BY d.reported_at DESC, d.id DESC LIMIT 50"
    )
    late = f"state IN {running} AND deadline < %s"
    major_sql = (
        f"SELECT county_id, COUNT(*), SUM(CASE WHEN supervised THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {late} THEN 1 ELSE 0 END) FROM {d} WHERE grade='major' AND state IN {opened} {{c}} "
        "GROUP BY county_id"
    )
    colours_sql = "SELECT county_code, colour, COUNT(*) FROM risks_enterprisecolour {c} GROUP BY county_code, colour"
    year_start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    stats_sql = (
        f"SELECT county_id, grade, state, COUNT(*) FROM {d} WHERE reported_at >= %s AND reported_at < %s {{c}} "
        "GROUP BY county_id, grade, state"
    )
    events_sql = "SELECT * FROM risks_riskevent WHERE is_active {c} ORDER BY enterprise_id, id LIMIT 50"
    in_county = "AND county_id = %s"
    ev_county = "AND enterprise_id IN (SELECT id FROM enterprises_enterprise WHERE county_id = %s)"
    cases = []
    for who in ("city", "county"):
        c = [county_code] if who == "county" else []
        where_c = in_county if who == "county" else ""
        user = users[who]
        region = county_code if who == "county" else None
        cases += [
            (who, "source risk-distribution", lambda u=user, r=region: risk_distribution(u, r),
             raw(colours_sql.format(c="WHERE county_code = %s" if c else ""), c)),
            (who, "source major-dangers", lambda u=user, r=region: major_dangers(u, r),
             raw(major_sql.format(c=where_c), [today, *c])),
            (who, "API dashboard panels", get(who, "/api/v1/dashboard/panels", {"region": region} if region else {}),
             raw(major_sql.format(c=where_c), [today, *c])),
            (who, "dashboard page", get(who, f"/dashboard/{county_code}/" if region else "/dashboard/"),
             raw(major_sql.format(c=where_c), [today, *c])),
            (who, "risks overview page", get(who, "/risks/overview/"),
             raw(colours_sql.format(c="WHERE county_code = %s" if c else ""), c)),
            (who, "重大 page (regulator)", get(who, "/dangers/major/"),
             raw(page.format(where=f"WHERE grade='major' AND state IN {opened} {where_c}"), c)),
            (who, "重大 page, overdue", get(who, "/dangers/major/", {"overdue": "on"}),
             raw(page.format(where=f"WHERE grade='major' AND {late} {where_c}"), [today, *c])),
            (who, "API dangers, page of 50", get(who, "/api/v1/hidden-dangers", {"limit": 50}),
             raw(page_join.format(where=f"WHERE 1=1 {where_c.replace('county_id', 'd.county_id')}"), c)),
            (who, "API dangers, overdue", get(who, "/api/v1/hidden-dangers", {"limit": 50, "overdue": "true"}),
             raw(page.format(where=f"WHERE {late} {where_c}"), [today, *c])),
            (who, "API dangers, grade 重大", get(who, "/api/v1/hidden-dangers", {"limit": 50, "grade": "major"}),
             raw(page.format(where=f"WHERE grade='major' {where_c}"), c)),
            (who, "API dangers, 重大 + overdue",
             get(who, "/api/v1/hidden-dangers", {"limit": 50, "grade": "major", "overdue": "true"}),
             raw(page.format(where=f"WHERE grade='major' AND {late} {where_c}"), [today, *c])),
            (who, "dangers list page", get(who, "/dangers/"), raw(page.format(where=f"WHERE 1=1 {where_c}"), c)),
            (who, "API risk events, 50", get(who, "/api/v1/risk-events", {"limit": 50}),
             raw(events_sql.format(c=ev_county if c else ""), c)),
            (who, "risk events page", get(who, "/risks/events/"), raw(events_sql.format(c=ev_county if c else ""), c)),
            (who, f"dangers stats page {year}", get(who, "/dangers/stats/", {"year": year}),
             raw(stats_sql.format(c=where_c), [year_start, year_start.replace(year=year + 1), *c])),
        ]  # fmt: skip
    for who, label, fn, baseline in cases:
        p50, p95 = timed(fn, args.repeat, warmup=2)
        b50, b95 = timed(baseline, args.repeat, warmup=2)
        print(
            "RESULT "
            + json.dumps({"kind": kind, "who": who, "case": label, "p50": p50, "p95": p95, "b50": b50, "b95": b95}),
            flush=True,
        )
        say(f"{who} {label}: {p50:.0f} / {p95:.0f} ms")

    # A day's occurrences: the scheduler's generation for the tasks that start today, up to the day's last minute.
    day_end = dt.datetime.combine(today, dt.time(23, 59), tzinfo=timezone.get_current_timezone())
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        created = services.generate_occurrences(day_end)
        runs.append((time.perf_counter() - started, created))
    assert runs[1][1] == 0, runs
    assert Occurrence.objects.count() == runs[0][1]
    print(
        "RESULT "
        + json.dumps(
            {
                "kind": kind,
                "generate": runs,
                "insert_rate": insert_rate,
                "colour_seconds": colour_seconds,
                "tasks": args.tasks,
            }
        ),
        flush=True,
    )


def drop_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=800)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--dangers", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--db", default="postgres,sqlite")
    parser.add_argument("--child")
    parser.add_argument("--populate-only", action="store_true", help="with --child: fill the database and stop")
    args = parser.parse_args()
    if args.child:
        child(args.child, args)
        return
    extra = [f"--{name}={getattr(args, name)}" for name in ("enterprises", "events", "dangers", "tasks", "repeat")]
    kinds = args.db.split(",")
    try:
        results = [json.loads(line) for line in run_children(__file__, kinds, extra)]
    finally:
        if "postgres" in kinds:
            drop_postgres()
    rows = [
        [r["kind"], r["who"], r["case"], f"{r['p50']:.1f}", f"{r['p95']:.1f}", f"{r['b50']:.1f}", f"{r['b95']:.1f}"]
        for r in results
        if "case" in r
    ]
    print_table(
        f"Dual prevention, {args.enterprises:,} enterprises, {args.events:,} risk events, {args.dangers:,} hidden "
        "dangers: ms in process; baseline = raw SQL of the same rows",
        ["db", "user", "case", "p50", "p95", "raw SQL p50", "raw SQL p95"],
        rows,
    )
    rows = [
        [
            r["kind"],
            f"{r['generate'][0][0]:.2f} s / {r['generate'][0][1]:,}",
            f"{r['generate'][1][0]:.2f} s / {r['generate'][1][1]:,}",
            f"{r['insert_rate']:,.0f}",
            f"{r['colour_seconds']:.1f}",
        ]
        for r in results
        if "generate" in r
    ]
    print_table(
        f"A day's occurrences for {args.tasks:,} tasks (daily and per shift), raw bulk insert, colours",
        ["db", "1st run: time / created", "2nd run: time / created", "dangers bulk insert rows/s", "colours s"],
        rows,
    )


if __name__ == "__main__":
    main()
