"""The risk map at city scale: 100,000 enterprises (bulk-inserted fixture rows inside their counties) and the demo's
risk sources.

For each layer request it prints the server time (p50/p95 through the whole Django stack: middleware, session,
access door, layer, JSON) and the payload (bytes, and gzipped as a reverse proxy would send it), beside a
baseline measured in the same run on the same database: the raw SQL that fetches the id and position of the same
enterprises, serialised with json.dumps, which is the least any map could do to ship them as points.

    python bench/map.py [--enterprises 100000] [--db sqlite,postgres] [--repeat 10]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import print_table, run_children, setup, timed

COUNTY_WEIGHTS = {
    "511102": 16, "511111": 9, "511112": 12, "511113": 4, "511123": 10, "511124": 6,
    "511126": 10, "511129": 5, "511132": 4, "511133": 4, "511181": 12,
}  # fmt: skip
STEMS = ["化工", "建材", "机械", "陶瓷", "食品", "商贸", "运输", "矿业", "纸业", "纺织"]
COLOURS = (["blue"] * 70) + (["yellow"] * 20) + (["orange"] * 8) + (["red"] * 2)


def _code(county: str, n: int) -> str:
    from ansheng.domain.codes import make_credit_code

    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    body = f"{n:08d}"
    check = 11 - sum(int(ch, 36) * w for ch, w in zip(body, weights, strict=True)) % 11
    return make_credit_code("91" + county + body + {10: "X", 11: "0"}.get(check, str(check)))


def _positions(code: str, seat: tuple[float, float], n: int, rng: random.Random) -> list[tuple[float, float]]:
    """n points around a county seat and inside the county (vectorised point-in-polygon)."""
    import numpy as np
    import shapely

    from ansheng.maps.boundaries import shape_wgs84

    outline = shape_wgs84(code)
    generator = np.random.default_rng(rng.randrange(1 << 30))
    found: list[tuple[float, float]] = []
    while len(found) < n:
        xs = seat[0] + generator.normal(0, 0.09, 2 * n)
        ys = seat[1] + generator.normal(0, 0.08, 2 * n)
        if outline is not None:
            inside = shapely.contains_xy(outline, xs, ys)
            xs, ys = xs[inside], ys[inside]
        found += list(zip(xs.round(6).tolist(), ys.round(6).tolist(), strict=True))
    return found[:n]


def populate(n: int) -> tuple[float, dict[int, str]]:
    """Bulk-insert n located enterprises; returns rows/s of the insert and a colour for each (for the provider)."""
    from decimal import Decimal

    from ansheng.core.demo import DemoContext, load_regions_and_organisations
    from ansheng.enterprises.choices import Category
    from ansheng.enterprises.models import Enterprise
    from ansheng.maps.demo import load_risk_sources

    ctx = DemoContext(password="bench-pass-1", log=lambda _m: None)
    load_regions_and_organisations(ctx)
    load_risk_sources(ctx)
    rng = random.Random(7)
    counties = ctx.refs["counties"]
    codes = list(COUNTY_WEIGHTS)
    picks = rng.choices(codes, weights=[COUNTY_WEIGHTS[c] for c in codes], k=n)
    places = {
        code: iter(
            _positions(code, (float(counties[code].longitude), float(counties[code].latitude)), picks.count(code), rng)
        )
        for code in codes
    }
    categories = Category.values()
    rows = []
    for i, county in enumerate(picks):
        lon, lat = next(places[county])
        name = f"乐山市{rng.choice(STEMS)}{i}有限公司"
        code = _code(county, i)
        rows.append(
            Enterprise(
                credit_code=code,
                name=name,
                county_id=county,
                category=rng.choice(categories),
                longitude=Decimal(f"{lon:.6f}"),
                latitude=Decimal(f"{lat:.6f}"),
                status="operating" if rng.random() < 0.95 else "suspended",
                search_text=f"{name}\n{code}".lower(),
            )
        )
    started = time.perf_counter()
    Enterprise.objects.bulk_create(rows, batch_size=5000)
    rate = n / (time.perf_counter() - started)
    colours = {pk: rng.choice(COLOURS) for pk in Enterprise.objects.values_list("pk", flat=True)}
    return rate, colours


def child(kind: str, args: argparse.Namespace) -> None:
    setup(kind, "ansheng_bench_map")
    from django.db import connection
    from django.test import Client

    from ansheng.core import registry
    from ansheng.core.models import User
    from ansheng.domain.coords import wgs84_to_gcj02
    from ansheng.maps import layers

    rate, colour_table = populate(args.enterprises)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    city = Client()
    city.force_login(User.objects.get(username="city"))
    county = Client()
    county.force_login(User.objects.get(username="county-511102"))
    table = "enterprises_enterprise"

    def provider(on: bool) -> None:
        """A colour provider like the dual-prevention app's (a lookup of the enterprises' current colour)."""
        if on:
            layers.has_colour_provider = lambda: True  # type: ignore[assignment]
            registry.enterprise_colours = lambda ids: {i: colour_table[i] for i in ids if i in colour_table}  # type: ignore[assignment]
        else:
            layers.has_colour_provider = lambda: False  # type: ignore[assignment]

    x, y = 103.7613, 29.5554  # 市中区's seat
    gx, gy = wgs84_to_gcj02(x, y)
    small = f"{x - 0.03},{y - 0.02},{x + 0.03},{y + 0.02}"  # about a zoom-14 view of the town centre
    small_gcj = f"{gx - 0.03},{gy - 0.02},{gx + 0.03},{gy + 0.02}"
    county_box = "103.55,29.35,103.95,29.75"
    base_sql = f"SELECT id, CAST(longitude AS REAL), CAST(latitude AS REAL) FROM {table} WHERE status <> 'closed'"
    if connection.vendor == "postgresql":
        base_sql = base_sql.replace("AS REAL", "AS DOUBLE PRECISION")
    in_box = " AND longitude BETWEEN %s AND %s AND latitude BETWEEN %s AND %s"

    def box_params(text: str) -> list[float]:
        a, b, c, d = (float(v) for v in text.split(","))
        return [a, c, b, d]

    cases = [
        # label, client, layer, params, colour provider, baseline SQL, baseline params
        ("counties (city)", city, "counties", {}, False, base_sql, []),
        ("counties + colour shares", city, "counties", {}, True, base_sql, []),
        ("enterprises z8 city, clusters", city, "enterprises", {"zoom": 8}, False, base_sql, []),
        ("enterprises z8 city, clusters + colours", city, "enterprises", {"zoom": 8}, True, base_sql, []),
        ("enterprises z8 red only + colours", city, "enterprises", {"zoom": 8, "colour": "red"}, True, base_sql, []),
        (
            "enterprises z11 county view",
            city,
            "enterprises",
            {"zoom": 11, "bbox": county_box},
            True,
            base_sql + in_box,
            box_params(county_box),
        ),
        (
            "enterprises z14 town, points",
            city,
            "enterprises",
            {"zoom": 14, "bbox": small},
            True,
            base_sql + in_box,
            box_params(small),
        ),
        (
            "enterprises z14 town, GCJ-02",
            city,
            "enterprises",
            {"zoom": 14, "bbox": small_gcj, "crs": "gcj02"},
            True,
            base_sql + in_box,
            box_params(small),
        ),
        (
            "enterprises z8, county supervisor",
            county,
            "enterprises",
            {"zoom": 8},
            True,
            base_sql + " AND county_id = %s",
            ["511102"],
        ),
        (
            "enterprises, no zoom (export), 1 county",
            city,
            "enterprises",
            {"county": "511123", "limit": 20000},
            True,
            base_sql + " AND county_id = %s",
            ["511123"],
        ),
        ("risk-sources (city)", city, "risk-sources", {}, False, base_sql + " AND id < 0", []),
    ]
    for label, client, layer, params, coloured, sql, sql_params in cases:
        provider(coloured)
        response = client.get(f"/api/v1/map/layers/{layer}", params)
        assert response.status_code == 200, response.content[:300]
        body = response.content
        features = json.loads(body)["count"]

        def call(client=client, layer=layer, params=params) -> None:
            client.get(f"/api/v1/map/layers/{layer}", params)

        def baseline(sql=sql, sql_params=sql_params) -> bytes:
            with connection.cursor() as cursor:
                cursor.execute(sql, sql_params)
                return json.dumps(cursor.fetchall()).encode()

        p50, p95 = timed(call, args.repeat, warmup=2)
        b50, _b95 = timed(baseline, args.repeat, warmup=2)
        raw = baseline()
        print(
            "RESULT "
            + json.dumps(
                {
                    "kind": kind,
                    "case": label,
                    "p50": p50,
                    "p95": p95,
                    "kb": len(body) / 1024,
                    "gz": len(gzip.compress(body, 6)) / 1024,
                    "features": features,
                    "b50": b50,
                    "bkb": len(raw) / 1024,
                }
            )
        )
    provider(True)
    p50, p95 = timed(lambda: city.get("/api/v1/map/search", {"q": "化工123"}), args.repeat, warmup=2)
    print("RESULT " + json.dumps({"kind": kind, "case": "search 化工123 (all layers)", "p50": p50, "p95": p95,
                                  "kb": 0, "gz": 0, "features": 0, "b50": 0, "bkb": 0}))  # fmt: skip
    print("RESULT " + json.dumps({"kind": kind, "case": "_insert", "rate": rate}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args)
        return
    extra = ["--enterprises", str(args.enterprises), "--repeat", str(args.repeat)]
    results = [json.loads(line) for line in run_children(__file__, args.db.split(","), extra)]
    for kind in args.db.split(","):
        rows = []
        for r in results:
            if r["kind"] != kind:
                continue
            if r["case"] == "_insert":
                insert = r["rate"]
                continue
            rows.append(
                [
                    r["case"],
                    r["features"],
                    f"{r['p50']:.0f}",
                    f"{r['p95']:.0f}",
                    f"{r['kb']:.0f}",
                    f"{r['gz']:.0f}",
                    f"{r['b50']:.0f}",
                    f"{r['bkb']:.0f}",
                ]
            )
        print_table(
            f"{kind}: {args.enterprises:,} enterprises (fixture rows inserted at {insert:,.0f} rows/s)",
            ["request", "features", "p50 ms", "p95 ms", "KB", "gzip KB", "baseline ms", "baseline KB"],
            rows,
        )
    print(
        "\nbaseline: raw SQL of the id and position of the same enterprises + json.dumps (the least a map can do to "
        "ship them all as points); risk-sources has none."
    )


if __name__ == "__main__":
    main()
