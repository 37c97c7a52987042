"""Demo accidents for Leshan, 2011 to today, consistent with what the 2016–2020 plan states.

- 246 production-safety accidents in 2011 and 127 in 2015 (−48.3 %); 18 较大 accidents in 2011–2015, 12 of them
  road traffic and 6 工矿商贸; fewer every year of 2016–2020; coal output falls faster than coal deaths, so the
  coal-mine rate misses its target while the others are met (statistics inputs: ``indicators.demo``).
- Past years are a closed statistics archive (one audited batch, ``do_load_accident_history``). This year's
  accidents up to a fortnight ago are archived the same way; the last days' are reported through the services as
  they would be, so their reporting clocks run live when the demo starts: one just reported by ``ent-chem``, one a
  county learned of itself, a 较大 mine collapse reported late, a fire with a follow-up overdue, one whose
  casualties were corrected and re-graded, one under investigation and a 较大涉险 rescue.

Everything comes from the demo's seeded generator (``ctx.rng``); only the live accidents' times follow the clock.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ansheng.accidents.choices import Sector, Status

# Accidents in the statistics per year for the whole city, and the 较大 among them: (road traffic, 工矿商贸 sector).
YEARS: dict[int, tuple[int, list[str], list[str]]] = {
    2011: (246, ["road"] * 3, ["coal", "construction"]),
    2012: (214, ["road"] * 3, ["metal_mine"]),
    2013: (186, ["road"] * 3, ["coal"]),
    2014: (158, ["road"] * 2, ["chemicals"]),
    2015: (127, ["road"] * 1, ["construction"]),
    2016: (118, ["road"] * 2, []),
    2017: (104, ["road"] * 1, ["metal_mine"]),
    2018: (90, ["road"] * 1, []),
    2019: (72, [], ["chemicals"]),
    2020: (60, ["road"] * 1, []),
    2021: (58, [], []),
    2022: (55, ["road"] * 1, []),
    2023: (52, [], []),
    2024: (49, [], ["construction"]),
    2025: (47, [], []),
}
# Coal-mine accidents per year (the mines close one by one; output falls faster, see indicators.demo).
COAL = {
    2011: 14,
    2012: 12,
    2013: 10,
    2014: 8,
    2015: 6,
    2016: 5,
    2017: 4,
    2018: 4,
    2019: 3,
    2020: 3,
    2021: 2,
    2022: 2,
    2023: 1,
    2024: 1,
    2025: 1,
}
# The other 一般 accidents by sector (shares of what is left after coal).
SHARES = [
    (Sector.ROAD_TRAFFIC, 62),
    (Sector.CONSTRUCTION, 8),
    (Sector.INDUSTRY_TRADE, 7),
    (Sector.METAL_MINE, 5),
    (Sector.CHEMICALS, 3),
    (Sector.FIRE, 5),
    (Sector.WATER, 4),
    (Sector.AGRI_MACHINERY, 3),
    (Sector.OTHER_INDUSTRIAL, 1),
    (Sector.FIREWORKS, 1),
    (Sector.RAIL, 1),
]
COUNTY_WEIGHTS = {
    "511102": 16,
    "511111": 8,
    "511112": 9,
    "511113": 3,
    "511123": 11,
    "511124": 7,
    "511126": 8,
    "511129": 5,
    "511132": 4,
    "511133": 4,
    "511181": 13,
}
SECTOR_COUNTIES = {
    Sector.COAL: {"511123": 14, "511129": 10, "511133": 7, "511132": 5, "511111": 5, "511113": 4},
    Sector.METAL_MINE: {"511181": 30, "511113": 22, "511132": 20, "511111": 18, "511133": 16, "511129": 10},
    Sector.CHEMICALS: {"511112": 24, "511111": 6, "511123": 5, "511102": 4, "511181": 3},
    Sector.FIREWORKS: COUNTY_WEIGHTS,
}
# (GB 6441-1986 number, GB 6441-2025 code, what happened) per sector.
KINDS: dict[str, list[tuple[int, str, str]]] = {
    Sector.ROAD_TRAFFIC: [
        (2, "WSA10003", "两车相撞"),
        (2, "WSA10003", "车辆侧翻"),
        (2, "WSA10003", "撞击行人"),
        (2, "WSA10003", "车辆坠崖"),
    ],
    Sector.COAL: [
        (11, "WSA10012", "井下冒顶"),
        (12, "WSA10013", "采空区透水"),
        (15, "WSA10016", "瓦斯爆炸"),
        (2, "WSA10002", "井下运输车辆伤人"),
    ],
    Sector.METAL_MINE: [(10, "WSA10012", "边坡坍塌"), (13, "WSA10019", "爆破作业伤人"), (9, "WSA10010", "高处坠落")],
    Sector.CHEMICALS: [
        (19, "WSA10023", "中毒"),
        (17, "WSA10014", "容器爆炸"),
        (7, "WSA10008", "高温物料灼烫"),
        (8, "WSA10009", "装置火灾"),
    ],
    Sector.FIREWORKS: [(14, "WSA10020", "烟花爆竹爆炸")],
    Sector.CONSTRUCTION: [
        (9, "WSA10010", "高处坠落"),
        (1, "WSA10001", "物体打击"),
        (10, "WSA10012", "基坑坍塌"),
        (4, "WSA10005", "起重伤害"),
    ],
    Sector.INDUSTRY_TRADE: [
        (3, "WSA10004", "机械伤害"),
        (5, "WSA10006", "触电"),
        (19, "WSA10024", "有限空间窒息"),
        (1, "WSA10001", "物体打击"),
    ],
    Sector.OTHER_INDUSTRIAL: [(3, "WSA10004", "机械伤害"), (9, "WSA10011", "跌落")],
    Sector.FIRE: [(8, "WSA10009", "火灾")],
    Sector.WATER: [(6, "WSA10007", "船舶翻沉落水")],
    Sector.AGRI_MACHINERY: [(2, "WSA10003", "农用车辆翻覆")],
    Sector.RAIL: [(2, "WSA10003", "铁路道口撞车")],
}
ROADS = ["G213线", "G245线", "S103线", "S305线", "乐雅高速", "成乐高速", "乐宜高速", "县道", "乡村道路"]
CATEGORY_OF = {
    Sector.COAL: "coal_mine",
    Sector.METAL_MINE: "metal_mine",
    Sector.CHEMICALS: "chem_production",
    Sector.FIREWORKS: "fireworks",
    Sector.CONSTRUCTION: "construction",
    Sector.ROAD_TRAFFIC: "road_transport",
}
TRADE = ["metallurgy", "nonferrous", "building_materials", "machinery", "light_industry", "textile", "commerce"]


def _pick(rng: Any, weights: dict[str, int]) -> str:
    codes = list(weights)
    return rng.choices(codes, weights=[weights[c] for c in codes])[0]


def _split(total: int, shares: list[tuple[str, int]]) -> dict[str, int]:
    """``total`` into whole counts by ``shares`` (largest remainder), exactly."""
    whole = sum(weight for _code, weight in shares)
    raw = [(code, total * weight / whole) for code, weight in shares]
    counts = {code: int(value) for code, value in raw}
    left = total - sum(counts.values())
    for code, _value in sorted(raw, key=lambda item: item[1] - int(item[1]), reverse=True)[:left]:
        counts[code] += 1
    return counts


def _moment(rng: Any, year: int, until: dt.datetime | None = None) -> dt.datetime:
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = until or dt.datetime(year + 1, 1, 1, tzinfo=tz)
    seconds = int((end - start).total_seconds())
    moment = start + dt.timedelta(seconds=rng.randrange(max(seconds, 1)))
    hour = rng.choices(range(24), weights=[2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 5, 4, 5, 6, 6, 6, 6, 5, 4, 4, 3, 3, 2])[0]
    return moment.replace(hour=hour, minute=rng.randrange(60), second=0, microsecond=0)


class _Maker:
    def __init__(self, ctx: Any) -> None:
        from ansheng.enterprises.demo import CountyShapes

        self.ctx = ctx
        self.rng = ctx.rng
        self.counties = ctx.refs["counties"]
        self.by_category: dict[str, list[Any]] = ctx.refs.get("enterprises_by_category", {})
        self.shapes = CountyShapes()

    def enterprise(self, category: str, county: str) -> Any:
        candidates = [e for e in self.by_category.get(category, []) if e.county_id == county]
        return self.rng.choice(candidates) if candidates else None

    def record(self, year: int, sector: str, larger: bool, until: dt.datetime | None = None) -> dict[str, Any]:
        rng = self.rng
        weights = SECTOR_COUNTIES.get(sector, COUNTY_WEIGHTS)
        county = _pick(rng, weights)
        region = self.counties[county]
        category = CATEGORY_OF.get(sector) or (
            rng.choice(TRADE) if sector in {Sector.INDUSTRY_TRADE, Sector.OTHER_INDUSTRIAL} else ""
        )
        enterprise = (
            self.enterprise(category, county)
            if category and (sector != Sector.ROAD_TRAFFIC or rng.random() < 0.25)
            else None
        )
        number, code, what = rng.choice(KINDS[sector])
        occurred = _moment(rng, year, until)
        if larger:
            deaths = rng.choice([3, 3, 3, 4, 4, 5, 6])
            serious = rng.randrange(0, 8)
            loss = Decimal(rng.randrange(200, 900))
        elif sector == Sector.COAL:
            deaths, serious, loss = 1, rng.choice([0, 0, 1]), Decimal(rng.randrange(20, 120))
        else:
            roll = rng.random()
            deaths = 1 if roll < 0.82 else 2 if roll < 0.87 else 0
            serious = rng.randrange(1, 4) if deaths == 0 else rng.choice([0, 0, 0, 1, 2])
            loss = Decimal(rng.randrange(5, 150 if sector != Sector.FIRE else 400))
        minor = rng.choice([0, 0, 1, 1, 2, 3, 4])
        if enterprise is not None:
            unit = enterprise.name
            lon, lat = enterprise.longitude, enterprise.latitude
        else:
            lon, lat = self.shapes.point(rng, county, region.longitude, region.latitude)
            unit = {
                Sector.ROAD_TRAFFIC: f"{region.name}{rng.choice(ROADS)}{what}事故",
                Sector.FIRE: f"{region.name}{rng.choice(['沿街商铺', '农贸市场', '仓库', '小餐饮店', '出租屋'])}火灾",
                Sector.WATER: f"{region.name}{rng.choice(['岷江', '大渡河', '青衣江', '马边河'])}渡口{what}",
                Sector.AGRI_MACHINERY: f"{region.name}{what}事故",
                Sector.RAIL: f"{region.name}{what}事故",
            }.get(sector, f"{region.name}{what}事故")
        place = f"{region.name}{rng.choice(ROADS) if sector == Sector.ROAD_TRAFFIC else ''}"
        return {
            "county": county,
            "occurred_at": occurred,
            "learned_at": occurred + dt.timedelta(minutes=rng.randrange(2, 20)),
            "unit_name": unit[:128],
            "enterprise_id": getattr(enterprise, "pk", None),
            "category": category or Sector.default_category(sector),
            "industry_code": getattr(enterprise, "industry_code", "") or "",
            "sector": sector,
            "place": place or region.name,
            "longitude": lon,
            "latitude": lat,
            "scene": f"{what}，现场已处置完毕。",
            "course": f"{occurred:%Y年%m月%d日%H时%M分}，{unit}发生{what}。",
            "measures_taken": "组织救援、转运伤员、保护现场，开展调查。",
            "type_1986": number,
            "type_2025": code,
            "deaths": deaths,
            "serious_injuries": serious,
            "minor_injuries": minor,
            "direct_loss": loss,
        }


def year_plan(year: int) -> list[tuple[str, bool]]:
    """The accidents of a past year as (sector, is 较大): exactly the year's total, its 较大 ones and its coal."""
    total, road_larger, industry_larger = YEARS[year]
    larger = [(Sector.ROAD_TRAFFIC, True) for _ in road_larger] + [(sector, True) for sector in industry_larger]
    coal_larger = sum(1 for sector, _ in larger if sector == Sector.COAL)
    coal = COAL.get(year, 0) - coal_larger
    plan = larger + [(Sector.COAL, False)] * coal
    plan += [(sector, False) for sector, n in _split(total - len(plan), SHARES).items() for _ in range(n)]
    return plan


def history_records(ctx: Any, now: dt.datetime) -> list[dict[str, Any]]:
    maker = _Maker(ctx)
    records: list[dict[str, Any]] = []
    for year in YEARS:
        for sector, is_larger in year_plan(year):
            records.append(maker.record(year, sector, is_larger))
    # This year, up to a fortnight ago, at last year's pace.
    year = timezone.localtime(now).year
    until = now - dt.timedelta(days=15)
    if until.year == year:
        elapsed = (until - dt.datetime(year, 1, 1, tzinfo=until.tzinfo)).days / 365
        for sector, n in _split(round(YEARS[2025][0] * 0.9 * elapsed), SHARES).items():
            for _ in range(n):
                record = maker.record(year, sector, False, until)
                # Recent ones are verified and still being investigated; older ones are closed.
                if record["occurred_at"] > now - dt.timedelta(days=75):
                    record["status"] = Status.VERIFIED
                records.append(record)
    ctx.refs["accident_maker"] = maker
    return records


def load_accidents(ctx: Any) -> None:
    from ansheng.accidents import services

    now = timezone.now()
    records = history_records(ctx, now)
    rows = services.do_load_accident_history(
        acting_user=ctx.admin, records=records, source_note="乐山市应急管理局事故统计台账（演示数据）", now=now
    )
    live = _live(ctx, now)
    ctx.log(f"  {len(rows)} archived accidents, {live} live ones")


def _user(username: str) -> Any:
    from ansheng.core.models import User

    return User.objects.get(username=username)


def _county_reports(accident: Any, county: Any, when: dt.datetime) -> None:
    from ansheng.accidents import services

    for step in accident.steps.filter(sender="county"):
        services.do_record_step(
            acting_user=county,
            accident_id=accident.pk,
            step_id=step.pk,
            done_at=when,
            recipient_contact="值班室",
            now=when,
        )


def _live(ctx: Any, now: dt.datetime) -> int:
    """The last days' accidents, reported and handled through the services at their own times."""
    from ansheng.accidents import services

    mine = ctx.refs["ent_mine"]
    ago = lambda **kw: now - dt.timedelta(**kw)  # noqa: E731
    made = 0

    # 1. Just reported by the chemical plant: the county's 2-hour clock is running.
    services.do_report_accident(
        acting_user=_user("ent-chem"),
        now=ago(minutes=18),
        data={
            "occurred_at": ago(minutes=50),
            "learned_at": ago(minutes=42),
            "place": "二车间氯化工段",
            "scene": "反应釜出料管线法兰泄漏，1 名操作工吸入氯气。",
            "course": "出料作业时管线法兰垫片失效，物料泄漏。",
            "measures_taken": "已停车切断物料，伤员送乐山市人民医院救治，现场已警戒。",
            "deaths": 1,
            "serious_injuries": 2,
            "poisonings": 2,
            "minor_injuries": 1,
            "direct_loss": "85",
            "type_1986": 19,
            "type_2025": "WSA10023",
            "reporter_name": "化工企业安全管理员",
            "reporter_phone": "0833-3300001",
        },
    )
    made += 1

    # 2. A road accident the county bureau learned of itself (the unit has not reported).
    county = _user("county-511102")
    road = services.do_report_accident(
        acting_user=county,
        now=ago(hours=2, minutes=40),
        data={
            "county": "511102",
            "unit_name": "市中区G213线货车与摩托车相撞事故",
            "sector": Sector.ROAD_TRAFFIC,
            "occurred_at": ago(hours=3, minutes=20),
            "bureau_learned_at": ago(hours=2, minutes=50),
            "place": "G213线市中区苏稽段",
            "scene": "货车与摩托车相撞，摩托车驾乘人员倒地。",
            "course": "货车转弯时与对向摩托车相撞。",
            "measures_taken": "交警已封闭现场，伤员送医。",
            "deaths": 2,
            "minor_injuries": 1,
            "direct_loss": "12",
            "type_1986": 2,
            "type_2025": "WSA10003",
        },
    )
    step = road.steps.get(sender="county", recipient="city")
    services.do_record_step(
        acting_user=county,
        accident_id=road.pk,
        step_id=step.pk,
        done_at=ago(hours=1, minutes=30),
        recipient_contact="市应急局值班室 张",
        now=ago(hours=1, minutes=30),
    )
    made += 1

    # 3. A 较大 mine collapse, reported 20 minutes late by the mine; the county reported on time (phone to the
    #    province, in writing to the city); the city's own clock is running now.
    larger = services.do_report_accident(
        acting_user=_user("ent-mine"),
        now=ago(minutes=80),
        data={
            "occurred_at": ago(hours=2, minutes=50),
            "learned_at": ago(hours=2, minutes=40),
            "place": "+520平台采场",
            "scene": "采场边坡局部坍塌，3 名作业人员被埋。",
            "course": "清理浮石时上部边坡突然坍塌。",
            "measures_taken": "启动应急预案，已救出 3 人均已死亡，停产整顿。",
            "deaths": 3,
            "serious_injuries": 1,
            "direct_loss": "420",
            "type_1986": 10,
            "type_2025": "WSA10012",
        },
    )
    county = _user(f"county-{mine.county_id}")
    for sender, recipient, channel, when in [
        ("county", "province", "phone", ago(minutes=40)),
        ("county", "city", "written", ago(minutes=35)),
        ("county", "county_government", "written", ago(minutes=35)),
    ]:
        step = larger.steps.get(sender=sender, recipient=recipient, channel=channel)
        services.do_record_step(
            acting_user=county,
            accident_id=larger.pk,
            step_id=step.pk,
            done_at=when,
            recipient_contact="值班室",
            now=when,
        )
    made += 1

    # 4. A shop fire yesterday whose follow-up is overdue.
    fire = services.do_report_accident(
        acting_user=_user("county-511181"),
        now=ago(hours=30),
        data={
            "county": "511181",
            "unit_name": "峨眉山市某商贸有限公司",
            "sector": Sector.FIRE,
            "category": "commerce",
            "occurred_at": ago(hours=31),
            "bureau_learned_at": ago(hours=30, minutes=30),
            "place": "峨眉山市名山路",
            "scene": "二层仓库起火，过火面积约 200 平方米。",
            "course": "仓库电气线路短路引燃货物。",
            "measures_taken": "消防救援支队已扑灭明火，1 人死亡。",
            "deaths": 1,
            "direct_loss": "160",
            "type_1986": 8,
            "type_2025": "WSA10009",
        },
    )
    _county_reports(fire, _user("county-511181"), ago(hours=29))
    made += 1

    # 5. Ten days ago: a seriously injured worker died within the window (figures corrected, still 一般); verified;
    #    the county government's investigation runs.
    maker = ctx.refs["accident_maker"]
    county = _user("county-511123")
    record = maker.record(timezone.localtime(ago(days=10)).year, Sector.CONSTRUCTION, False)
    building = services.do_report_accident(
        acting_user=county,
        now=ago(days=10),
        data={
            "county": "511123",
            "unit_name": "犍为县某建设工程项目部",
            "sector": Sector.CONSTRUCTION,
            "category": "construction",
            "occurred_at": ago(days=10, hours=2),
            "bureau_learned_at": ago(days=10, hours=1),
            "place": "犍为县玉津镇安置房项目",
            "scene": record["scene"],
            "course": "脚手架拆除时 2 名工人坠落。",
            "measures_taken": "伤员送医，项目停工。",
            "deaths": 0,
            "serious_injuries": 2,
            "direct_loss": "60",
            "type_1986": 9,
            "type_2025": "WSA10010",
        },
    )
    _county_reports(building, county, ago(days=10) + dt.timedelta(minutes=50))
    services.do_correct_figures(
        acting_user=county,
        accident_id=building.pk,
        changes={"deaths": 1, "serious_injuries": 1},
        reason="1 名重伤人员经抢救无效死亡",
        now=ago(days=7),
    )
    services.do_verify_accident(
        acting_user=county, accident_id=building.pk, note="属建筑施工生产安全事故", now=ago(days=6)
    )
    services.do_open_investigation(
        acting_user=county,
        accident_id=building.pk,
        led_by="犍为县人民政府",
        team_leader="县应急局局长",
        now=ago(days=5),
    )
    made += 1

    # 6. A 较大涉险 rescue two days ago: 12 people trapped in a lift shaft flood, all rescued.
    rescue = services.do_report_accident(
        acting_user=_user("county-511112"),
        now=ago(days=2),
        data={
            "county": "511112",
            "unit_name": "五通桥区某物流仓储有限公司",
            "sector": Sector.INDUSTRY_TRADE,
            "category": "commerce",
            "occurred_at": ago(days=2, hours=1),
            "bureau_learned_at": ago(days=2, minutes=30),
            "place": "五通桥区竹根镇",
            "scene": "暴雨致地下仓库进水，12 名员工被困。",
            "course": "强降雨倒灌地下仓库。",
            "measures_taken": "消防救援转移全部被困人员，无人员伤亡。",
            "people_at_risk": 12,
            "trapped": 12,
            "direct_loss": "30",
            "type_1986": 20,
            "type_2025": "WSA10013",
        },
    )
    _county_reports(rescue, _user("county-511112"), ago(days=2) + dt.timedelta(minutes=70))
    services.do_end_response(
        acting_user=_user("county-511112"),
        accident_id=rescue.pk,
        at=ago(days=1, hours=20),
        note="被困人员全部转移，现场排水完毕",
        now=ago(days=1, hours=20),
    )
    made += 1
    return made
