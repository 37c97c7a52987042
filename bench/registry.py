"""Registry at city scale: 100,000 enterprises.

Prints p50/p95 of the list API (a page of 50; plain, with a name search, with a county filter) and of the list
page, on SQLite and PostgreSQL, beside the same query in raw SQL on the same database (the baseline), and the
rows/s of an Excel import of 20,000 rows beside openpyxl's own read rate of the file and the raw bulk-insert rate.

    python bench/registry.py [--enterprises 100000] [--import-rows 20000] [--db sqlite,postgres]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from _common import print_table, run_children, setup, timed

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
WORDS = [
    "永祥",
    "福华",
    "和邦",
    "德胜",
    "金山",
    "嘉州",
    "凌云",
    "峨秀",
    "岷江",
    "青衣",
    "大渡",
    "乌尤",
    "凤洲",
    "平羌",
    "龙泓",
    "明珠",
    "星光",
    "华宇",
    "瑞丰",
    "安达",
]
STEMS = ["化工", "建材", "机械", "陶瓷", "食品", "商贸", "运输", "矿业", "纸业", "纺织"]


def _code(rng: random.Random, county: str, n: int) -> str:
    from ansheng.domain.codes import make_credit_code

    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    body = f"{n:08d}"
    check = 11 - sum(int(ch, 36) * w for ch, w in zip(body, weights, strict=True)) % 11
    return make_credit_code("91" + county + body + {10: "X", 11: "0"}.get(check, str(check)))


def populate(n: int) -> float:
    """Bulk-insert n enterprises (fixture data for the bench); returns rows/s of the raw insert."""
    from ansheng.core.demo import DemoContext, load_regions_and_organisations
    from ansheng.enterprises.choices import Category
    from ansheng.enterprises.models import Enterprise

    ctx = DemoContext(password="bench-pass-1", log=lambda _m: None)
    load_regions_and_organisations(ctx)
    rng = random.Random(7)
    categories = Category.values()
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
                category=rng.choice(categories),
                employees=rng.randint(1, 900),
                search_text=f"{name}\n{code}".lower(),
            )
        )
    started = time.perf_counter()
    Enterprise.objects.bulk_create(rows, batch_size=5000)
    return n / (time.perf_counter() - started)


def child(kind: str, args: argparse.Namespace) -> None:
    setup(kind, "ansheng_bench_registry")
    from django.db import connection
    from django.test import Client

    from ansheng.core.models import User
    from ansheng.core.services import do_create_token
    from ansheng.enterprises.excel import COLUMNS, import_workbook

    insert_rate = populate(args.enterprises)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    city = User.objects.get(username="city")
    county = User.objects.get(username="county-511102")
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {do_create_token(acting_user=city, name='b')[1]}"}
    county_headers = {"HTTP_AUTHORIZATION": f"Bearer {do_create_token(acting_user=county, name='b')[1]}"}

    def api(params: dict[str, object], h: dict[str, str] = headers):
        def call() -> None:
            response = client.get("/api/v1/enterprises", {"limit": 50, **params}, **h)
            assert response.status_code == 200, response.content

        return call

    def raw(sql: str, params: list[object]):
        def call() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        return call

    page_client = Client()
    page_client.force_login(city)
    table = "enterprises_enterprise"
    like = "%" + "化工1234".lower() + "%"
    cases = [
        ("API list, page of 50", api({}), raw(f"SELECT * FROM {table} ORDER BY name, id LIMIT 50", [])),
        (
            "API list, offset 50,000",
            api({"offset": 50_000}),
            raw(f"SELECT * FROM {table} ORDER BY name, id LIMIT 50 OFFSET 50000", []),
        ),
        (
            "API name search",
            api({"q": "化工1234"}),
            raw(f"SELECT * FROM {table} WHERE search_text LIKE %s ORDER BY name, id LIMIT 50", [like]),
        ),
        (
            "API county filter",
            api({"county": "511112"}),
            raw(f"SELECT * FROM {table} WHERE county_id LIKE %s ORDER BY name, id LIMIT 50", ["511112%"]),
        ),
        (
            "API search + county",
            api({"q": "化工", "county": "511112"}),
            raw(
                f"SELECT * FROM {table} WHERE county_id LIKE %s AND search_text LIKE %s ORDER BY name, id LIMIT 50",
                ["511112%", "%化工%"],
            ),
        ),
        (
            "API as county supervisor",
            api({}, county_headers),
            raw(f"SELECT * FROM {table} WHERE county_id LIKE %s ORDER BY name, id LIMIT 50", ["511102%"]),
        ),
        (
            "list page (HTML)",
            lambda: page_client.get("/enterprises/"),
            raw(f"SELECT * FROM {table} ORDER BY name, id LIMIT 50", []),
        ),
        (
            "list page, search",
            lambda: page_client.get("/enterprises/", {"q": "化工1234"}),
            raw(f"SELECT * FROM {table} WHERE search_text LIKE %s ORDER BY name, id LIMIT 50", [like]),
        ),
    ]
    for label, fn, baseline in cases:
        p50, p95 = timed(fn, args.repeat)
        b50, b95 = timed(baseline, args.repeat)
        print("RESULT " + json.dumps({"kind": kind, "case": label, "p50": p50, "p95": p95, "b50": b50, "b95": b95}))

    # Excel import of N rows through the service, one transaction per row.
    from openpyxl import Workbook, load_workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业名录")
    ws.append([str(c.header) for c in COLUMNS])
    rng = random.Random(11)
    for i in range(args.import_rows):
        row = {
            "统一社会信用代码": _code(rng, "511102", 90_000_000 + i),
            "企业名称": f"乐山市导入{i}有限公司",
            "所在区县": "市中区",
            "监管类别": "机械",
            "从业人员数": rng.randint(1, 500),
        }
        ws.append([row.get(str(c.header)) for c in COLUMNS])
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    started = time.perf_counter()
    rows_read = sum(
        1 for _ in load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True)
    )
    read_rate = rows_read / (time.perf_counter() - started)
    admin = User.objects.get(username="city-admin")
    started = time.perf_counter()
    result = import_workbook(io.BytesIO(data), acting_user=admin)
    elapsed = time.perf_counter() - started
    assert result.created == args.import_rows, result.summary()
    print(
        "RESULT "
        + json.dumps(
            {
                "kind": kind,
                "import_rate": args.import_rows / elapsed,
                "read_rate": read_rate,
                "insert_rate": insert_rate,
                "import_seconds": elapsed,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child, args)
        return
    extra = [
        "--enterprises",
        str(args.enterprises),
        "--import-rows",
        str(args.import_rows),
        "--repeat",
        str(args.repeat),
    ]
    results = [json.loads(line) for line in run_children(__file__, args.db.split(","), extra)]
    rows = [
        [r["kind"], r["case"], f"{r['p50']:.1f}", f"{r['p95']:.1f}", f"{r['b50']:.1f}", f"{r['b95']:.1f}"]
        for r in results
        if "case" in r
    ]
    print_table(
        f"Registry with {args.enterprises:,} enterprises: response time in ms (in-process, no network); "
        "baseline = the same query in raw SQL",
        ["db", "case", "p50", "p95", "raw SQL p50", "raw SQL p95"],
        rows,
    )
    rows = [
        [
            r["kind"],
            f"{r['import_rate']:,.0f}",
            f"{r['import_seconds']:.1f}",
            f"{r['read_rate']:,.0f}",
            f"{r['insert_rate']:,.0f}",
        ]
        for r in results
        if "import_rate" in r
    ]
    print_table(
        f"Excel import of {args.import_rows:,} rows (validate + save + change log per row)",
        ["db", "import rows/s", "seconds", "openpyxl read rows/s", "raw bulk insert rows/s"],
        rows,
    )


if __name__ == "__main__":
    main()
