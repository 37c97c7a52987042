"""Demo enterprises for Leshan: every county, plausible names, valid credit codes, locations inside the county.

Proportions follow the 2016–2020 plan: about 45 coal mines, 146 metal and non-metal mines, about 40 hazardous-
chemical producers plus traders and users, 600 规模以上 industrial enterprises, 200 further 工贸 enterprises and
the 12 parks. Everything is drawn from the demo's seeded generator, so two runs give the same city.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

from ansheng.core.choices import Role
from ansheng.enterprises.choices import Category, LicenceKind, Standardisation, Status

# How many of each kind, and in which counties they mostly are (weights per county code).
WEIGHTS_ALL = {
    "511102": 16,
    "511111": 9,
    "511112": 12,
    "511113": 4,
    "511123": 10,
    "511124": 6,
    "511126": 10,
    "511129": 5,
    "511132": 4,
    "511133": 4,
    "511181": 12,
}
PLAN = [
    # category, count, above_scale share, county weights, name stems, industry codes
    (
        Category.COAL_MINE,
        45,
        0.6,
        {"511123": 14, "511129": 10, "511133": 7, "511132": 5, "511111": 5, "511113": 4},
        ["煤矿", "煤业"],
        ["B0610"],
    ),
    (
        Category.METAL_MINE,
        146,
        0.3,
        {
            "511181": 30,
            "511113": 22,
            "511132": 20,
            "511111": 18,
            "511133": 16,
            "511129": 10,
            "511126": 10,
            "511123": 10,
            "511102": 5,
            "511124": 5,
        },
        ["石灰石矿", "磷矿", "建筑石料厂", "铅锌矿", "石英砂矿"],
        ["B1011", "B1020", "B0912", "B1019"],
    ),
    (
        Category.CHEM_PRODUCTION,
        42,
        0.9,
        {"511112": 24, "511111": 6, "511123": 5, "511102": 4, "511181": 3},
        ["化工", "盐化", "硅业", "磷化工", "精细化工"],
        ["C2611", "C2613", "C2614", "C2619", "C2662"],
    ),
    (Category.CHEM_TRADE, 150, 0.1, WEIGHTS_ALL, ["加油站", "燃气", "化工商贸", "危化品经营部"], ["F5265", "F5162"]),
    (
        Category.CHEM_USE,
        30,
        0.7,
        {"511112": 8, "511102": 6, "511181": 5, "511126": 5, "511111": 6},
        ["材料", "新能源材料", "制药"],
        ["C2710", "C3985", "C2929"],
    ),
    (Category.FIREWORKS, 20, 0.0, WEIGHTS_ALL, ["烟花爆竹经营部"], ["F5239"]),
    (
        Category.METALLURGY,
        40,
        0.9,
        {"511111": 14, "511102": 8, "511181": 8, "511112": 5, "511123": 5},
        ["钢铁", "铁合金", "特钢"],
        ["C3110", "C3140"],
    ),
    (
        Category.NONFERROUS,
        30,
        0.9,
        {"511112": 10, "511111": 8, "511102": 6, "511181": 6},
        ["有色金属", "铝业", "锌业"],
        ["C3216", "C3219"],
    ),
    (
        Category.BUILDING_MATERIALS,
        190,
        0.7,
        {"511126": 70, "511181": 40, "511111": 20, "511123": 20, "511102": 20, "511124": 20},
        ["陶瓷", "水泥", "建材", "新型墙材"],
        ["C3071", "C3011", "C3021", "C3031"],
    ),
    (Category.MACHINERY, 150, 0.7, WEIGHTS_ALL, ["机械", "电机", "装备制造", "汽车配件"], ["C3411", "C3821", "C3670"]),
    (
        Category.LIGHT_INDUSTRY,
        130,
        0.6,
        WEIGHTS_ALL,
        ["食品", "纸业", "竹木制品", "茶业", "酒业"],
        ["C1391", "C2221", "C2039", "C1530", "C1512"],
    ),
    (
        Category.TEXTILE,
        25,
        0.6,
        {"511102": 8, "511126": 6, "511124": 5, "511181": 6},
        ["纺织", "丝绸"],
        ["C1713", "C1761"],
    ),
    (Category.TOBACCO, 2, 1.0, {"511102": 1, "511181": 1}, ["烟叶复烤"], ["C1610"]),
    (Category.COMMERCE, 120, 0.2, WEIGHTS_ALL, ["商贸", "物流仓储", "购物中心"], ["F5212", "G5920", "F5211"]),
    (Category.CONSTRUCTION, 60, 0.5, WEIGHTS_ALL, ["建筑工程", "建设"], ["E4700", "E4811"]),
    (Category.ROAD_TRANSPORT, 50, 0.4, WEIGHTS_ALL, ["运输", "危险货物运输", "客运"], ["G5430", "G5411"]),
]
# 规模以上 among the manufacturing categories comes to about 600, as the plan states.

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
    "天弘",
    "鑫源",
    "恒泰",
    "顺通",
    "宏达",
    "通利",
    "聚源",
    "兴旺",
    "利民",
    "正大",
    "昌盛",
    "长虹",
    "锦程",
    "新星",
    "东坡",
    "沫若",
    "苏稽",
    "九峰",
    "高桥",
    "牛华",
    "竹根",
    "金粟",
    "石溪",
    "冠英",
    "犍乐",
    "蒙泉",
    "朝阳",
    "沐源",
    "黄丹",
    "永福",
    "金马",
    "丰源",
    "宏盛",
    "吉祥",
    "盛世",
    "远航",
    "卓越",
    "晨光",
    "万兴",
    "国泰",
    "嘉禾",
    "新宇",
    "泰和",
    "福源",
    "宝丰",
    "鼎盛",
    "汇通",
    "合力",
    "中鑫",
    "绿源",
    "协和",
    "广源",
    "一品",
    "峨嵋",
    "普贤",
    "报国",
    "佛光",
    "翠屏",
    "雪峰",
]
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司"]
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀",
    "霞",
    "平",
    "刚",
    "桂",
    "华",
    "建",
    "文",
    "斌",
    "林",
    "辉",
    "鹏",
    "红",
]
SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "周",
    "吴",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "林",
    "罗",
    "高",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "许",
    "邓",
    "冯",
    "韩",
    "曹",
    "彭",
    "曾",
    "肖",
    "田",
]


def _pick(rng: Any, weights: dict[str, int]) -> str:
    codes = list(weights)
    return rng.choices(codes, weights=[weights[c] for c in codes])[0]


def _person(rng: Any) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _mobile(rng: Any) -> str:
    return "1" + rng.choice("3589") + "".join(str(rng.randrange(10)) for _ in range(9))


def _organisation_code(rng: Any) -> str:
    """A 9-character organisation code with its GB 11714 check character (demo identities only)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    check = 11 - sum(int(ch, 36) * w for ch, w in zip(body, weights, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


class CountyShapes:
    """County polygons from the boundary asset (GCJ-02), repaired, to draw demo locations inside them."""

    def __init__(self) -> None:
        from ansheng.core.assets import asset_path

        self.shapes: dict[str, Any] = {}
        path = asset_path("geo/511100.geojson")
        if path is None:
            return
        from shapely.geometry import shape
        from shapely.validation import make_valid

        for feature in json.loads(path.read_text("utf-8"))["features"]:
            code = str(feature.get("id") or feature["properties"].get("adcode", ""))
            self.shapes[code] = make_valid(shape(feature["geometry"]))

    def point(self, rng: Any, code: str, lon: Decimal, lat: Decimal) -> tuple[Decimal, Decimal]:
        """A point near the county seat and inside the county (WGS84)."""
        from ansheng.domain.coords import gcj02_to_wgs84, wgs84_to_gcj02

        polygon = self.shapes.get(code)
        spread = 0.12
        for _attempt in range(200):
            radius = abs(rng.gauss(0, spread))
            angle = rng.uniform(0, 2 * math.pi)
            x = float(lon) + radius * math.cos(angle) / math.cos(math.radians(float(lat)))
            y = float(lat) + radius * math.sin(angle)
            if polygon is None:
                break
            from shapely.geometry import Point

            gx, gy = wgs84_to_gcj02(x, y)
            if polygon.contains(Point(gx, gy)):
                break
            spread = min(spread * 1.05, 0.4)
        else:  # pragma: no cover - the seat itself is inside its county
            x, y = gcj02_to_wgs84(*polygon.representative_point().coords[0])
        return Decimal(f"{x:.6f}"), Decimal(f"{y:.6f}")


def load_enterprises(ctx: Any) -> None:
    from ansheng.core.services import do_create_user
    from ansheng.domain.codes import make_credit_code
    from ansheng.enterprises import services
    from ansheng.enterprises.models import Enterprise

    rng = ctx.rng
    counties = ctx.refs["counties"]
    parks_by_county: dict[str, list[Any]] = {}
    for park in ctx.refs["parks"].values():
        parks_by_county.setdefault(park.region_id, []).append(park)
    departments = ctx.refs["departments"]
    shapes = CountyShapes()
    today = dt.date(2026, 11, 1)
    used_names: set[str] = set()
    created: dict[str, list[Any]] = {}

    for category, count, above_share, weights, stems, industries in PLAN:
        for _index in range(count):
            code = _pick(rng, weights)
            county = counties[code]
            from ansheng.core.demo import SHORT_NAMES

            while True:
                name = f"乐山市{SHORT_NAMES[code]}{rng.choice(WORDS)}{rng.choice(stems)}{rng.choice(SUFFIXES)}"
                if category in {Category.COAL_MINE, Category.METAL_MINE} and rng.random() < 0.5:
                    name = f"{county.name}{rng.choice(WORDS)}{rng.choice(stems)}"
                if name not in used_names:
                    used_names.add(name)
                    break
            lon, lat = shapes.point(rng, code, county.longitude, county.latitude)
            is_above = rng.random() < above_share
            employees = rng.randint(60, 1200) if is_above else rng.randint(3, 90)
            if category == Category.CHEM_TRADE:
                employees = rng.randint(4, 30)
            park = None
            if (
                category
                in {
                    Category.CHEM_PRODUCTION,
                    Category.CHEM_USE,
                    Category.METALLURGY,
                    Category.NONFERROUS,
                    Category.BUILDING_MATERIALS,
                    Category.MACHINERY,
                }
                and parks_by_county.get(code)
                and rng.random() < 0.7
            ):
                park = rng.choice(parks_by_county[code])
            status = rng.choices([Status.OPERATING, Status.SUSPENDED, Status.CLOSED], weights=[90, 7, 3])[0]
            level = rng.choices(
                [Standardisation.LEVEL_1, Standardisation.LEVEL_2, Standardisation.LEVEL_3, Standardisation.NONE],
                weights=[2, 25, 45, 28] if category in Category.HIGH_RISK else [1, 10, 40, 49],
            )[0]
            regulators = [ctx.refs["city_bureau"], ctx.refs["bureaus"][code]]
            regulators += [d for d in departments.values() if category in (d.sectors or [])]
            insured = category in Category.HIGH_RISK or rng.random() < 0.3
            start = today - dt.timedelta(days=rng.randint(0, 360))
            data = {
                "credit_code": make_credit_code("91" + code + _organisation_code(rng)),
                "name": name,
                "county": county,
                "category": category,
                "status": status,
                "industry_code": rng.choice(industries),
                "is_above_scale": is_above,
                "employees": employees,
                "legal_representative": _person(rng),
                "principal_name": _person(rng),
                "principal_phone": _mobile(rng),
                "safety_manager_name": _person(rng),
                "safety_manager_phone": _mobile(rng),
                "registered_address": (
                    f"四川省{ctx.refs['city'].name}{county.name}{rng.choice(WORDS)}路{rng.randint(1, 300)}号"
                ),
                "operating_address": "",
                "longitude": lon,
                "latitude": lat,
                "park": park,
                "standardisation_level": level,
                "standardisation_expiry": None
                if level == Standardisation.NONE
                else today + dt.timedelta(days=rng.randint(-60, 3 * 365)),
                "insurer": rng.choice(
                    ["中国人保财险乐山分公司", "中国平安财险乐山中心支公司", "太平洋财险乐山中心支公司"]
                )
                if insured
                else "",
                "insurance_policy": f"PY{rng.randrange(10**11, 10**12)}" if insured else "",
                "insurance_start": start if insured else None,
                "insurance_end": start + dt.timedelta(days=364) if insured else None,
                "regulators": regulators,
            }
            enterprise = services.do_create_enterprise(acting_user=ctx.admin, data=data)
            created.setdefault(category, []).append(enterprise)
            _licences(ctx, enterprise, category, today)

    # The two demo enterprises later apps build on: a grade-1/2 hazardous-chemical site and a mine.
    chem = next(
        e for e in created[Category.CHEM_PRODUCTION] if e.county_id == "511112" and e.status == Status.OPERATING
    )
    mine = next(e for e in created[Category.METAL_MINE] if e.status == Status.OPERATING)
    ctx.refs.update(ent_chem=chem, ent_mine=mine, enterprises_by_category=created)
    for username, role, enterprise, full_name, what in [
        ("ent-chem", Role.ENTERPRISE_ADMIN, chem, "化工企业安全管理员", f"{chem.name}（危险化学品生产）"),
        ("worker-chem", Role.ENTERPRISE_STAFF, chem, "化工企业岗位员工", f"{chem.name} 的员工（手机巡检）"),
        ("ent-mine", Role.ENTERPRISE_ADMIN, mine, "矿山安全管理员", f"{mine.name}（非煤矿山）"),
    ]:
        user = do_create_user(
            acting_user=ctx.admin,
            username=username,
            password=ctx.password,
            role=role,
            full_name=full_name,
            enterprise=enterprise,
            check_password=False,
            password_hash=ctx.password_hash,
        )
        ctx.add_user(user, what)
    ctx.log(f"  {Enterprise.objects.count()} enterprises")


def _licences(ctx: Any, enterprise: Any, category: str, today: dt.date) -> None:
    from ansheng.enterprises import services

    rng = ctx.rng
    kinds = {
        Category.COAL_MINE: [LicenceKind.SAFETY_PRODUCTION, LicenceKind.MINING],
        Category.METAL_MINE: [LicenceKind.SAFETY_PRODUCTION, LicenceKind.MINING],
        Category.CHEM_PRODUCTION: [LicenceKind.SAFETY_PRODUCTION, LicenceKind.CHEM_REGISTRATION],
        Category.CHEM_TRADE: [LicenceKind.CHEM_TRADE],
        Category.CHEM_USE: [LicenceKind.CHEM_USE],
        Category.FIREWORKS: [LicenceKind.FIREWORKS_TRADE],
        Category.CONSTRUCTION: [LicenceKind.SAFETY_PRODUCTION],
    }.get(category, [])
    for kind in kinds:
        issued = today - dt.timedelta(days=rng.randint(30, 3 * 365))
        # Most licences run three years; a few have run out or are about to, as in any real registry.
        expires = issued + dt.timedelta(days=3 * 365)
        services.do_add_licence(
            acting_user=ctx.admin,
            enterprise_id=enterprise.pk,
            data={
                "kind": kind,
                "number": f"(川乐){kind[:2].upper()}{enterprise.pk:05d}{rng.randrange(1000, 9999)}",
                "issued_by": "乐山市应急管理局" if kind != LicenceKind.MINING else "乐山市自然资源和规划局",
                "issued_on": issued,
                "expires_on": expires,
            },
        )
