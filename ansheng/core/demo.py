"""The Leshan demo: regions, organisations and government users (enterprises come from ansheng.enterprises.demo).

Deterministic (one seeded random generator shared by every app's loader) and fast. Demo user names are fixed
and listed in the README; their password is given with `ansheng demo --password` or generated once and kept in
the data directory.
"""

from __future__ import annotations

import csv
import json
import os
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from ansheng.core.choices import OrganisationKind, RegionLevel, Role

SEED = 20161231
STATE_FILE = "demo.json"

# 乐山市 and its 11 county-level divisions (GB/T 2260), with the approximate WGS84 position of each seat.
CITY = ("511100", "乐山市", Decimal("103.765568"), Decimal("29.552106"))
COUNTIES = [
    ("511102", "市中区", Decimal("103.761300"), Decimal("29.555400")),
    ("511111", "沙湾区", Decimal("103.549000"), Decimal("29.412900")),
    ("511112", "五通桥区", Decimal("103.818000"), Decimal("29.406200")),
    ("511113", "金口河区", Decimal("103.078800"), Decimal("29.244600")),
    ("511123", "犍为县", Decimal("103.949300"), Decimal("29.208300")),
    ("511124", "井研县", Decimal("104.069700"), Decimal("29.651200")),
    ("511126", "夹江县", Decimal("103.571700"), Decimal("29.737900")),
    ("511129", "沐川县", Decimal("103.902300"), Decimal("28.956400")),
    ("511132", "峨边彝族自治县", Decimal("103.262700"), Decimal("29.230200")),
    ("511133", "马边彝族自治县", Decimal("103.546400"), Decimal("28.835500")),
    ("511181", "峨眉山市", Decimal("103.484500"), Decimal("29.601200")),
]
SHORT_NAMES = {
    "511102": "市中",
    "511111": "沙湾",
    "511112": "五通桥",
    "511113": "金口河",
    "511123": "犍为",
    "511124": "井研",
    "511126": "夹江",
    "511129": "沐川",
    "511132": "峨边",
    "511133": "马边",
    "511181": "峨眉山",
}

# Member units of the city 安委会 that regulate sectors, with the regulatory categories each one supervises.
DEPARTMENTS = [
    ("transport", "乐山市交通运输局", "交通运输", ["road_transport"]),
    ("housing", "乐山市住房和城乡建设局", "住建", ["construction"]),
    ("market", "乐山市市场监督管理局", "市场监管", ["commerce"]),
    ("fire", "乐山市消防救援支队", "消防", ["commerce", "chem_trade"]),
    (
        "economy",
        "乐山市经济和信息化局",
        "经信",
        [
            "metallurgy",
            "nonferrous",
            "building_materials",
            "machinery",
            "light_industry",
            "textile",
            "tobacco",
        ],
    ),
    ("resources", "乐山市自然资源和规划局", "自然资源", ["coal_mine", "metal_mine"]),
    ("health", "乐山市卫生健康委员会", "卫健", []),
    ("commerce", "乐山市商务局", "商务", ["commerce", "chem_trade"]),
]

# The 12 industrial parks of the plan (names are demo data).
PARKS = [
    ("park-hitech", "乐山高新技术产业开发区", "511102"),
    ("park-wutongqiao", "五通桥新型化工园区", "511112"),
    ("park-shawan", "沙湾工业园区", "511111"),
    ("park-jinkouhe", "金口河工业集中区", "511113"),
    ("park-qianwei", "犍为经济开发区", "511123"),
    ("park-jingyan", "井研县工业园区", "511124"),
    ("park-jiajiang", "夹江陶瓷产业园区", "511126"),
    ("park-muchuan", "沐川县工业园区", "511129"),
    ("park-ebian", "峨边工业集中区", "511132"),
    ("park-mabian", "马边工业园区", "511133"),
    ("park-emeishan", "峨眉山市工业园区", "511181"),
    ("park-shizhong", "乐山市中区九峰工业园区", "511102"),
]


@dataclass
class DemoContext:
    password: str
    log: Callable[[str], None] = print
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    users: list[dict[str, str]] = field(default_factory=list)
    refs: dict[str, Any] = field(default_factory=dict)
    admin: Any = None
    _hash: str = ""

    @property
    def password_hash(self) -> str:
        """The shared demo password, hashed once (hashing it per user would take most of the load time)."""
        if not self._hash:
            from django.contrib.auth.hashers import make_password

            self._hash = make_password(self.password)
        return self._hash

    def add_user(self, user: Any, description: str) -> None:
        self.users.append({"username": user.username, "role": str(user.get_role_display()), "what": description})


def secret_key(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), "utf-8")
        os.chmod(path, 0o600)
    return path.read_text("utf-8").strip()


def _state_path(data_dir: Path) -> Path:
    return data_dir / STATE_FILE


def ensure_demo(data_dir: Path, *, password: str | None, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Load the demo data on the first run; later runs reuse it (and reset passwords when one is given)."""
    from ansheng.core.models import User

    state_path = _state_path(data_dir)
    state: dict[str, Any] = {}
    if state_path.exists():
        state = json.loads(state_path.read_text("utf-8"))
    loaded = bool(state) and User.objects.filter(username="city-admin").exists()
    if not loaded:
        state = {"password": password or secrets.token_urlsafe(9), "users": []}
        started = time.monotonic()
        log("loading the Leshan demo data …")
        ctx = load_all(state["password"], log=log)
        state["users"] = ctx.users
        log(f"demo data loaded in {time.monotonic() - started:.1f} s")
    elif password and password != state.get("password"):
        state["password"] = password
        for user in User.objects.filter(username__in=[u["username"] for u in state["users"]]):
            user.set_password(password)
            user.save(update_fields=["password"])
    state_path.write_text(json.dumps(state, ensure_ascii=False, indent=1), "utf-8")
    os.chmod(state_path, 0o600)
    return state


def load_all(password: str, *, log: Callable[[str], None] = print) -> DemoContext:
    from ansheng.core.registry import demo_loaders

    ctx = DemoContext(password=password, log=log)
    for _order, path, loader in demo_loaders():
        started = time.monotonic()
        with transaction.atomic():
            loader(ctx)
        log(f"  {path.rsplit('.', 1)[-1]}: {time.monotonic() - started:.1f} s")
    return ctx


def banner(url: str, state: dict[str, Any], data_dir: Path) -> str:
    lines = [
        "",
        "安生 is running with the Leshan demo data.",
        f"  open      {url}",
        f"  data      {data_dir}",
        f"  password  {state['password']}   (for every demo login below)",
        "  logins:",
    ]
    width = max((len(u["username"]) for u in state["users"]), default=10)
    for user in state["users"]:
        lines.append(f"    {user['username']:<{width}}  {user['role']}  {user['what']}")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


# --- loaders -----------------------------------------------------------------------------------------------------


def load_regions_and_organisations(ctx: DemoContext) -> None:
    from ansheng.core.models import Organisation, Region
    from ansheng.core.services import do_create_user

    province = Region.objects.update_or_create(
        code="510000", defaults={"name": "四川省", "level": RegionLevel.PROVINCE}
    )[0]
    city = Region.objects.update_or_create(
        code=CITY[0],
        defaults={
            "name": CITY[1],
            "level": RegionLevel.CITY,
            "parent": province,
            "longitude": CITY[2],
            "latitude": CITY[3],
        },
    )[0]
    counties = {}
    for code, name, lon, lat in COUNTIES:
        counties[code] = Region.objects.update_or_create(
            code=code,
            defaults={"name": name, "level": RegionLevel.COUNTY, "parent": city, "longitude": lon, "latitude": lat},
        )[0]
    load_townships(counties)

    city_bureau = Organisation.objects.update_or_create(
        code="ema-511100",
        defaults={
            "name": "乐山市应急管理局",
            "short_name": "市应急局",
            "kind": OrganisationKind.BUREAU,
            "region": city,
        },
    )[0]
    Organisation.objects.update_or_create(
        code="committee-511100",
        defaults={
            "name": "乐山市安全生产委员会",
            "short_name": "市安委会",
            "kind": OrganisationKind.COMMITTEE,
            "region": city,
        },
    )
    bureaus = {}
    for code, name, _lon, _lat in COUNTIES:
        bureaus[code] = Organisation.objects.update_or_create(
            code=f"ema-{code}",
            defaults={
                "name": f"{name}应急管理局",
                "short_name": f"{SHORT_NAMES[code]}应急局",
                "kind": OrganisationKind.BUREAU,
                "region": counties[code],
                "parent": city_bureau,
            },
        )[0]
    departments = {}
    for slug, name, short, sectors in DEPARTMENTS:
        departments[slug] = Organisation.objects.update_or_create(
            code=f"dept-{slug}",
            defaults={
                "name": name,
                "short_name": short,
                "kind": OrganisationKind.DEPARTMENT,
                "region": city,
                "sectors": sectors,
            },
        )[0]
    parks = {}
    for slug, name, county in PARKS:
        parks[slug] = Organisation.objects.update_or_create(
            code=slug, defaults={"name": name, "kind": OrganisationKind.PARK, "region": counties[county]}
        )[0]
    ctx.refs.update(
        city=city, counties=counties, city_bureau=city_bureau, bureaus=bureaus, departments=departments, parks=parks
    )

    def user(username: str, role: str, full_name: str, what: str, **kw: Any) -> Any:
        created = do_create_user(
            acting_user=ctx.admin,
            username=username,
            password=ctx.password,
            role=role,
            full_name=full_name,
            check_password=False,
            password_hash=ctx.password_hash,
            **kw,
        )
        ctx.add_user(created, what)
        return created

    ctx.admin = user(
        "city-admin", Role.CITY_ADMIN, "市应急局管理员", "全市；管理用户、审计", region=city, organisation=city_bureau
    )
    user("city", Role.CITY_SUPERVISOR, "市应急局监管员", "全市 11 个区县", region=city, organisation=city_bureau)
    surnames = "王李张刘陈杨赵黄周吴徐孙"
    for index, (code, name, _lon, _lat) in enumerate(COUNTIES):
        user(
            f"county-{code}",
            Role.COUNTY_SUPERVISOR,
            f"{surnames[index]}{SHORT_NAMES[code]}监管员",
            name,
            region=counties[code],
            organisation=bureaus[code],
        )
    for slug, name, short, sectors in DEPARTMENTS:
        if not sectors:
            continue
        user(
            f"dept-{slug}",
            Role.DEPARTMENT_SUPERVISOR,
            f"{short}监管员",
            f"{name}（所管行业）",
            organisation=departments[slug],
        )
    user("inspector", Role.INSPECTOR, "赵执法", "市应急局执法支队，全市", region=city, organisation=city_bureau)
    user("expert", Role.EXPERT, "钱专家", "安全生产专家，只读全市", region=city)
    user("public", Role.PUBLIC, "市民", "社会公众（举报）")


def load_townships(counties: dict[str, Any]) -> int:
    """Townships (乡镇、街道) by their 9-digit codes, from the china-division asset when it is present."""
    from ansheng.core.assets import asset_path
    from ansheng.core.models import Region

    path = asset_path("divisions/streets.csv")
    if path is None:
        return 0
    rows = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            parent = counties.get(row["areaCode"])
            if parent is not None:
                rows.append(Region(code=row["code"], name=row["name"], level=RegionLevel.TOWNSHIP, parent=parent))
    Region.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
