"""Demo major hazard sources for Leshan, all graded through GB 18218 by the services.

`ent-chem`'s enterprise (a chlor-alkali and methanol site in 五通桥) gets four units: a liquid-chlorine tank farm
(grade 1), a liquid-ammonia tank farm (grade 2), a chlor-alkali electrolysis unit (grade 2) and a methanol tank farm
(grade 3), with their three 包保 persons (two of them demo users), checks, evaluation reports and 备案. The other
hazardous-chemical producers get one to three units from typical templates of the city's industries (salt and
chlor-alkali chemistry, polysilicon, fertiliser, fine chemicals); a few traders (oil depots, gas stations with large
stocks) and users get one each. Deterministic: a generator of its own, seeded.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ansheng.enterprises.choices import Category

SEED = 5_511_112

# name, unit kind, [(query, label, min t, max t)]
TEMPLATES: list[tuple[str, str, list[tuple[str, str, float, float]]]] = [
    ("液氯储罐区", "storage", [("液氯", "", 20, 150)]),
    ("液氨储罐区", "storage", [("液氨", "", 40, 400)]),
    ("甲醇罐区", "storage", [("甲醇", "", 800, 8000)]),
    ("苯储罐区", "storage", [("苯", "", 20, 900)]),
    ("甲苯罐区", "storage", [("甲苯", "", 500, 4000)]),
    ("液化石油气球罐区", "storage", [("液化石油气", "", 40, 600)]),
    ("氯乙烯储罐区", "storage", [("氯乙烯", "", 60, 600)]),
    ("氯碱电解装置", "production", [("氯", "", 5, 40), ("氢", "", 1, 8)]),
    ("合成氨装置", "production", [("氨", "", 10, 80), ("氢", "", 2, 10)]),
    ("多晶硅冷氢化装置", "production", [("W11", "三氯氢硅", 150, 900), ("氢", "", 2, 12), ("氯化氢", "", 5, 40)]),
    ("草甘膦合成装置", "production", [("甲醇", "", 100, 600), ("液氯", "", 2, 20)]),
    ("乙酸乙酯罐区", "storage", [("乙酸乙酯", "", 150, 4000)]),
]
DEPOT = ("成品油库区", "storage", [("汽油", "", 60, 3000), ("W5.4", "柴油", 500, 8000)])
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静强磊军洋勇杰涛明超平刚华建文斌辉鹏"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _unit(
    ctx: Any,
    enterprise: Any,
    code: str,
    name: str,
    kind: str,
    substances: list[tuple[str, str, float]],
    people: int,
    offset: tuple[float, float] = (0.0, 0.0),
) -> Any:
    from ansheng.hazards import services

    admin = ctx.admin
    data: dict[str, Any] = {
        "code": code,
        "name": name,
        "unit_kind": kind,
        "people_within_500m": people,
        "commissioned_on": dt.date(2026, 11, 1) - dt.timedelta(days=365 * 6),
    }
    if enterprise.longitude is not None:
        data["longitude"] = (enterprise.longitude + Decimal(str(offset[0]))).quantize(Decimal("0.000001"))
        data["latitude"] = (enterprise.latitude + Decimal(str(offset[1]))).quantize(Decimal("0.000001"))
    source = services.do_create_source(acting_user=admin, enterprise_id=enterprise.pk, data=data)
    for query, label, tonnes in substances:
        services.do_add_substance(
            acting_user=admin, source_id=source.pk, query=query, label=label, max_quantity_t=Decimal(str(tonnes))
        )
    source.refresh_from_db()
    return source


def _paperwork(
    ctx: Any,
    rng: random.Random,
    source: Any,
    *,
    today: dt.date,
    users: dict[str, Any] | None = None,
    registered: bool = True,
) -> None:
    """The three 包保 persons, an evaluation report (a few out of date) and, for most, an existing 备案."""
    from ansheng.hazards import services

    admin = ctx.admin
    users = users or {}
    for duty in ("principal", "technical", "operating"):
        user = users.get(duty)
        services.do_set_responsible_person(
            acting_user=admin,
            source_id=source.pk,
            duty=duty,
            data={
                "name": user.full_name if user is not None else _name(rng),
                "position": {"principal": "总经理", "technical": "总工程师", "operating": "罐区班长"}[duty],
                "phone": "1" + rng.choice("3589") + "".join(str(rng.randrange(10)) for _ in range(9)),
                "user": user.pk if user is not None else None,
                "since": today - dt.timedelta(days=rng.randint(60, 900)),
            },
        )
    evaluated = today - dt.timedelta(days=rng.randint(30, 3 * 365 + 200))
    services.do_add_evaluation_report(
        acting_user=admin,
        source_id=source.pk,
        data={
            "report_no": f"川安评{evaluated.year}-{source.pk:04d}",
            "agency": rng.choice(
                ["四川省安全科学技术研究院", "四川华厦安全评价有限公司", "乐山市安全生产技术服务中心"]
            ),
            "evaluated_on": evaluated,
            "stated_grade": source.grade,
            "conclusion": "重大危险源辨识与分级结果准确，安全设施基本满足要求，提出整改建议若干项。",
        },
    )
    if registered and source.is_major:
        services.do_import_registration(
            acting_user=admin,
            source_id=source.pk,
            registration_no=f"{source.enterprise.county_id}{evaluated.year}-{source.pk:04d}",
            registered_at=timezone.make_aware(dt.datetime.combine(evaluated + dt.timedelta(days=20), dt.time(10))),
        )


def load_hazard_sources(ctx: Any) -> None:
    from ansheng.core.models import User
    from ansheng.hazards import services

    rng = random.Random(SEED)
    today = timezone.localdate()
    created = ctx.refs.get("enterprises_by_category", {})
    chem = ctx.refs["ent_chem"]
    ent_admin = User.objects.filter(username="ent-chem").first()
    worker = User.objects.filter(username="worker-chem").first()
    sources: dict[int, list[Any]] = {}

    # ent-chem: the site the demo follows.
    plan = [
        ("HS-01", "液氯储罐区", "storage", [("液氯", "", 90.0)], 120, (0.0012, 0.0008)),
        ("HS-02", "液氨储罐区", "storage", [("液氨", "", 220.0)], 60, (-0.0010, 0.0011)),
        ("HS-03", "氯碱电解装置", "production", [("氯", "", 30.0), ("氢", "", 5.0)], 120, (0.0004, -0.0009)),
        ("HS-04", "甲醇罐区", "storage", [("甲醇", "", 5000.0)], 60, (-0.0014, -0.0006)),
    ]
    mine = []
    for code, name, kind, substances, people, offset in plan:
        source = _unit(ctx, chem, code, name, kind, substances, people, offset)
        users = {"principal": ent_admin, "operating": worker} if code in {"HS-01", "HS-03"} else {}
        _paperwork(ctx, rng, source, today=today, users=users, registered=code != "HS-04")
        mine.append(source)
    # The methanol farm goes through 备案 on the platform: submitted by the enterprise, waiting for the county.
    if ent_admin is not None:
        services.do_registration(acting_user=ent_admin, source_id=mine[3].pk, action="submit")
    for source, duty, days in ((mine[0], "operating", 2), (mine[0], "principal", 40), (mine[2], "operating", 5)):
        services.do_record_duty_check(
            acting_user=ent_admin or ctx.admin,
            source_id=source.pk,
            duty=duty,
            checked_on=today - dt.timedelta(days=days),
            result="normal",
            findings="液位、压力、温度在正常范围；紧急切断阀动作试验正常。",
        )
    sources[chem.pk] = mine

    producers = [e for e in created.get(Category.CHEM_PRODUCTION, []) if e.pk != chem.pk]
    for enterprise in producers:
        count = rng.choices([1, 2, 3], weights=[4, 4, 2])[0]
        chosen = rng.sample(TEMPLATES, count)
        units = []
        for index, (name, kind, substances) in enumerate(chosen, start=1):
            amounts = [(query, label, round(rng.uniform(low, high), 1)) for query, label, low, high in substances]
            people = rng.choice([0, 12, 35, 70, 150])
            offset = (rng.uniform(-0.002, 0.002), rng.uniform(-0.002, 0.002))
            source = _unit(ctx, enterprise, f"HS-{index:02d}", name, kind, amounts, people, offset)
            _paperwork(ctx, rng, source, today=today, registered=rng.random() < 0.85)
            units.append(source)
        sources[enterprise.pk] = units
    users = [e for e in created.get(Category.CHEM_USE, []) if rng.random() < 0.4]
    traders = [e for e in created.get(Category.CHEM_TRADE, []) if rng.random() < 0.06]
    for enterprise in users + traders:
        name, kind, substances = DEPOT if enterprise in traders else rng.choice(TEMPLATES[2:7])
        amounts = [(query, label, round(rng.uniform(low, high), 1)) for query, label, low, high in substances]
        source = _unit(ctx, enterprise, "HS-01", name, kind, amounts, rng.choice([0, 20, 60]))
        _paperwork(ctx, rng, source, today=today, registered=rng.random() < 0.8)
        sources[enterprise.pk] = [source]
    ctx.refs["hazard_sources"] = sources
    total = sum(len(v) for v in sources.values())
    major = sum(1 for v in sources.values() for s in v if s.is_major)
    graded = {g: sum(1 for v in sources.values() for s in v if s.grade == g) for g in (1, 2, 3, 4)}
    ctx.log(
        f"  {total} production/storage units, {major} major hazard sources "
        f"(grade 1-4: {graded[1]}/{graded[2]}/{graded[3]}/{graded[4]})"
    )
