"""Demo risk points for Leshan enterprises, assessed and controlled through the services, with three weeks of
inspection occurrences (most done, some missed, a few with findings).

`ent-chem`'s chlor-alkali site gets its liquid-chlorine tank farm, electrolysis unit, polysilicon reduction workshop
and hot work, each with units, events (GB 6441 types, GB/T 13861 factors), inherent and residual assessments,
measures, posts and daily/weekly/monthly tasks assigned to `worker-chem`. A sample of other enterprises gets one or
two points from their industry's typical ones (cement kilns, open-pit quarries, fireworks stores, dust-explosion
workshops, confined spaces). Deterministic: a generator of its own, seeded.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from ansheng.enterprises.choices import Category

SEED = 4_511_100

# name, kind, department, emergency actions, [events], checklist
# event: (unit, description, accident type, hazard factors, consequence, inherent (method, factors),
#         residual (method, factors), [(measure kind, description)])
TEMPLATES: dict[str, tuple[str, str, str, str, list[tuple[Any, ...]], list[str]]] = {
    "chlorine": (
        "液氯储罐区",
        "equipment",
        "氯碱车间",
        "发现泄漏立即报告中控室，佩戴正压式空气呼吸器关闭紧急切断阀，启动碱液喷淋吸收，向上风向疏散人员。",
        [
            (
                "储罐本体及进出料管线",
                "储罐、管线或阀门泄漏导致氯气中毒",
                "WSA10023",
                ["2101", "21"],
                "人员中毒、周边群众疏散",
                ("LEC", {"L": 3, "E": 6, "C": 40}),
                ("LEC", {"L": 1, "E": 6, "C": 40}),
                [
                    ("engineering", "设置氯气泄漏检测报警仪并与事故碱液喷淋联锁"),
                    ("maintenance", "每月校验报警仪，每年检测储罐壁厚和安全阀"),
                    ("operation", "严格执行充装量不超过储罐容积85%的规定"),
                    ("emergency", "配备正压式空气呼吸器、堵漏工具和事故氯吸收装置"),
                ],
            ),
            (
                "液氯汽化器",
                "汽化器超压导致容器爆炸",
                "WSA10014",
                ["2"],
                "设备损毁、人员伤亡",
                ("LS", {"L": 3, "S": 5}),
                ("LS", {"L": 2, "S": 5}),
                [
                    ("engineering", "汽化器设置压力高报警和热水温度联锁"),
                    ("operation", "巡检记录压力、温度，每2小时一次"),
                ],
            ),
        ],
        [
            "储罐压力、液位在正常范围",
            "氯气检测报警仪工作正常、无报警",
            "无氯气泄漏气味，管线阀门无腐蚀",
            "碱液喷淋吸收装置完好",
        ],
    ),
    "electrolysis": (
        "氯碱电解装置",
        "process",
        "氯碱车间",
        "停电解槽直流电，切断氯氢总管，启动事故氯处理系统，通知消防与医疗。",
        [
            (
                "电解槽及氢气总管",
                "氢气泄漏遇点火源爆炸",
                "WSA10016",
                ["2"],
                "厂房损毁、群死群伤",
                ("MES", {"M": 3, "E": 10, "S": 8}),
                ("MES", {"M": 1, "E": 10, "S": 8}),
                [
                    ("engineering", "氢气总管压力与电解槽直流电源联锁，厂房设置可燃气体报警"),
                    ("operation", "进入厂房禁止携带火种，使用防爆工具"),
                ],
            ),
        ],
        ["电解槽电压、温度正常", "氢气、氯气压力差正常", "可燃气体报警仪无报警"],
    ),
    "polysilicon": (
        "多晶硅还原车间",
        "process",
        "还原车间",
        "发现三氯氢硅或氢气泄漏，立即停炉切断进料，氮气置换，人员撤离至上风向。",
        [
            (
                "还原炉及尾气回收",
                "高温氢气与三氯氢硅泄漏引发火灾爆炸",
                "WSA10016",
                ["2", "3"],
                "多人伤亡",
                ("LEC", {"L": 3, "E": 10, "C": 15}),
                ("LEC", {"L": 1, "E": 10, "C": 15}),
                [
                    ("engineering", "还原炉设置夹套冷却水断流联锁停炉"),
                    ("maintenance", "每季度检查还原炉钟罩密封和电极"),
                ],
            ),
            (
                "还原炉电极",
                "检修时触电",
                "WSA10006",
                ["2"],
                "人员死亡",
                ("LS", {"L": 2, "S": 4}),
                ("LS", {"L": 1, "S": 4}),
                [("operation", "检修执行停电、验电、挂牌上锁")],
            ),
        ],
        ["冷却水流量、温度正常", "尾气回收系统运行正常", "电极无打火、无过热"],
    ),
    "hot_work": (
        "动火作业",
        "operation",
        "安全环保部",
        "立即停止作业，使用现场灭火器扑救初期火灾，火势扩大时报警119并疏散。",
        [
            (
                "罐区及管廊动火",
                "动火作业引燃可燃物或可燃气体",
                "WSA10009",
                ["4", "1"],
                "火灾、人员烧伤",
                ("LEC", {"L": 3, "E": 3, "C": 15}),
                ("LEC", {"L": 1, "E": 3, "C": 15}),
                [("operation", "执行动火作业票制度，动火分析合格后方可作业"), ("emergency", "配备监火人和灭火器材")],
            ),
        ],
        ["动火作业票审批齐全", "动火分析合格", "监火人在岗，灭火器材到位"],
    ),
    "cement_kiln": (
        "水泥窑",
        "equipment",
        "烧成车间",
        "立即止料停窑，清理现场人员，烫伤人员用清水冲洗后送医。",
        [
            (
                "预热器及窑头",
                "清堵时热生料喷出导致灼烫",
                "WSA10008",
                ["2", "1"],
                "人员严重烫伤",
                ("LEC", {"L": 3, "E": 6, "C": 15}),
                ("LEC", {"L": 1, "E": 6, "C": 7}),
                [("operation", "清堵作业穿戴隔热服，自下而上逐级清堵"), ("engineering", "预热器设置空气炮和负压监测")],
            ),
        ],
        ["预热器负压正常，无堵料迹象", "窑头密封完好", "清堵工具和隔热服齐备"],
    ),
    "quarry": (
        "非煤矿山采场",
        "place",
        "采矿车间",
        "发现边坡裂缝或浮石立即撤出人员和设备，设立警戒，报告矿长。",
        [
            (
                "台阶边坡",
                "边坡失稳滑坡或坍塌",
                "WSA10012",
                ["3"],
                "人员被埋、设备损毁",
                ("LS", {"L": 3, "S": 5}),
                ("LS", {"L": 2, "S": 5}),
                [
                    ("engineering", "按设计留设安全平台，安装边坡位移在线监测"),
                    ("operation", "每班前检查边坡，清除浮石"),
                ],
            ),
            (
                "爆破作业",
                "爆破飞石伤人",
                "WSA10019",
                ["2", "4"],
                "人员伤亡",
                ("LEC", {"L": 3, "E": 3, "C": 15}),
                ("LEC", {"L": 1, "E": 3, "C": 15}),
                [("operation", "爆破前设置警戒，清点人员，鸣笛示警")],
            ),
        ],
        ["边坡无裂缝、无浮石", "安全平台宽度符合设计", "排水沟畅通"],
    ),
    "fireworks": (
        "烟花爆竹仓库",
        "place",
        "仓储部",
        "发生火情立即撤离，严禁进入库区扑救，报警119，疏散周边人员至安全距离外。",
        [
            (
                "成品库房",
                "违规储存或静电引发烟花爆竹爆炸",
                "WSA10020",
                ["2", "4"],
                "库房爆炸、群死群伤",
                ("LS", {"L": 3, "S": 5}),
                ("LS", {"L": 1, "S": 5}),
                [
                    ("engineering", "库房设置防雷、防静电设施和人体静电释放装置"),
                    ("operation", "按核定药量储存，定员定量"),
                ],
            ),
        ],
        ["库存量不超过核定药量", "防雷防静电设施完好", "库区无火种、无杂物"],
    ),
    "dust": (
        "粉尘涉爆车间",
        "place",
        "抛光车间",
        "立即停机断电，人员撤离，禁止用水扑救铝镁粉尘火灾，使用干沙覆盖。",
        [
            (
                "抛光除尘系统",
                "铝镁粉尘云遇点火源爆炸",
                "WSA10018",
                ["2", "3"],
                "多人伤亡",
                ("LEC", {"L": 3, "E": 10, "C": 15}),
                ("LEC", {"L": 1, "E": 10, "C": 7}),
                [
                    ("engineering", "采用湿式除尘，除尘器设置泄爆和隔爆装置"),
                    ("operation", "每班清扫积尘，保持地面无积尘"),
                ],
            ),
        ],
        ["除尘系统运行正常", "作业场所无明显积尘", "电气设备防爆完好"],
    ),
    "confined": (
        "有限空间作业",
        "operation",
        "设备部",
        "作业人员出现不适立即撤离，监护人严禁盲目施救，佩戴空气呼吸器施救并报警。",
        [
            (
                "污水池、储罐内部",
                "有限空间内缺氧或有毒气体致中毒窒息",
                "WSA10024",
                ["3", "4"],
                "人员死亡",
                ("LS", {"L": 3, "S": 5}),
                ("LS", {"L": 1, "S": 5}),
                [("operation", "先通风、再检测、后作业，专人监护"), ("emergency", "配备送风式长管呼吸器和三脚架")],
            ),
        ],
        ["作业审批手续齐全", "气体检测合格", "监护人在岗"],
    ),
}
BY_CATEGORY = {
    Category.CHEM_PRODUCTION: ["chlorine", "confined"],
    Category.CHEM_USE: ["confined", "hot_work"],
    Category.BUILDING_MATERIALS: ["cement_kiln"],
    Category.METAL_MINE: ["quarry"],
    Category.FIREWORKS: ["fireworks"],
    Category.METALLURGY: ["dust", "hot_work"],
    Category.NONFERROUS: ["dust"],
    Category.MACHINERY: ["dust", "confined"],
    Category.LIGHT_INDUSTRY: ["confined"],
}
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静强磊军洋勇杰涛明超平刚华建文斌辉鹏"


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else "")


def _point(ctx: Any, rng: random.Random, user: Any, enterprise: Any, key: str, index: int) -> Any:
    from ansheng.risks import services

    name, kind, department, emergency, events, _checklist = TEMPLATES[key]
    obj = services.do_create_object(
        acting_user=user,
        enterprise_id=enterprise.pk,
        data={
            "kind": kind,
            "code": f"RP-{index:02d}",
            "name": name,
            "location": f"{department}{rng.choice(['东侧', '西侧', '北区', '南区'])}",
            "department": department,
            "responsible_name": _person(rng),
            "responsible_phone": f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}",
            "emergency_actions": emergency,
        },
    )
    units: dict[str, Any] = {}
    for unit_name, description, accident, factors, consequence, inherent, residual, measures in events:
        if unit_name not in units:
            units[unit_name] = services.do_add_unit(acting_user=user, object_id=obj.pk, data={"name": unit_name})
        event = services.do_add_event(
            acting_user=user,
            unit_id=units[unit_name].pk,
            data={
                "description": description,
                "accident_type": accident,
                "hazard_factors": factors,
                "consequence": consequence,
            },
        )
        services.do_assess_event(
            acting_user=user, event_id=event.pk, stage="inherent", method=inherent[0], factors=inherent[1]
        )
        # Most enterprises have assessed the residual risk; some have not yet.
        if rng.random() < 0.85:
            services.do_assess_event(
                acting_user=user, event_id=event.pk, stage="residual", method=residual[0], factors=residual[1]
            )
        for measure_kind, text in measures:
            services.do_add_measure(
                acting_user=user,
                event_id=event.pk,
                data={"kind": measure_kind, "description": text, "responsible_name": _person(rng)},
            )
    return obj


def _history(rng: random.Random, rates: dict[int, float], days: int, today: dt.date) -> tuple[int, int]:
    """Walk the last `days` days: generate each day's windows, complete most of them (each task with its own
    diligence, `rates` by task id; a few answers are findings)."""
    from ansheng.risks import services
    from ansheng.risks.choices import OccurrenceStatus
    from ansheng.risks.models import Occurrence
    from ansheng.risks.schedule import SHANGHAI

    findings = done = 0
    for offset in range(days, -1, -1):
        day = today - dt.timedelta(days=offset)
        moment = dt.datetime(day.year, day.month, day.day, 9, 30, tzinfo=SHANGHAI)
        if moment > timezone.now():
            break
        services.generate_occurrences(moment)
        services.sweep_missed(moment)
        for occurrence in Occurrence.objects.filter(
            task__in=list(rates), status=OccurrenceStatus.PENDING, period_start__lte=moment, period_end__gt=moment
        ).select_related("task"):
            if offset == 0 or rng.random() > rates[occurrence.task_id]:
                continue  # today's stays open for the demo; a few are missed
            answers = []
            for item in occurrence.task.checklist:
                if rng.random() < 0.03:
                    answers.append({"result": "finding", "note": f"{item}：现场检查不符合要求，已通知班长"})
                    findings += 1
                else:
                    answers.append({"result": "ok" if rng.random() < 0.95 else "na"})
            worker = occurrence.task.assignees.first()
            services.do_complete_occurrence(
                acting_user=worker,
                occurrence_id=occurrence.pk,
                answers=answers,
                now=moment + dt.timedelta(minutes=rng.randint(5, 300)),
            )
            done += 1
    return done, findings


def load(ctx: Any) -> None:
    from ansheng.core.models import User
    from ansheng.risks import colour, services

    rng = random.Random(SEED)
    today = timezone.localdate()
    created = ctx.refs.get("enterprises_by_category", {})
    chem = ctx.refs.get("ent_chem")
    points = 0
    tasks: list[Any] = []
    if chem is not None:
        admin = User.objects.filter(username="ent-chem").first() or ctx.admin
        worker = User.objects.filter(username="worker-chem").first() or admin
        mine = []
        for index, key in enumerate(["chlorine", "electrolysis", "polysilicon", "hot_work"], start=1):
            mine.append(_point(ctx, rng, admin, chem, key, index))
        points += len(mine)
        for obj, (key, cycle) in zip(
            mine,
            [("chlorine", "day"), ("electrolysis", "day"), ("polysilicon", "week"), ("hot_work", "day")],
            strict=True,
        ):
            tasks.append(
                services.do_create_task(
                    acting_user=admin,
                    object_id=obj.pk,
                    data={
                        "name": f"{obj.name}{'日常' if cycle == 'day' else '每周'}巡检",
                        "method": "现场检查，核对仪表读数",
                        "checklist": TEMPLATES[key][5],
                        "cycle": cycle,
                        "starts_on": today - dt.timedelta(days=21),
                        "assignees": [worker.pk],
                    },
                )
            )
        tasks.append(
            services.do_create_task(
                acting_user=admin,
                object_id=mine[0].pk,
                data={
                    "name": "液氯储罐区冬季专项检查",
                    "method": "防冻、防凝检查",
                    "cycle": "seasonal",
                    "checklist": ["伴热系统完好", "排凝阀无冻堵"],
                    "starts_on": today - dt.timedelta(days=5),
                    "ends_on": today + dt.timedelta(days=60),
                    "assignees": [worker.pk],
                },
            )
        )
        services.do_save_post(
            acting_user=admin,
            enterprise_id=chem.pk,
            data={"name": "液氯充装工", "duties": "液氯充装、储罐巡检", "risk_objects": [mine[0].pk]},
        )
        services.do_save_post(
            acting_user=admin,
            enterprise_id=chem.pk,
            data={"name": "电解操作工", "duties": "电解槽运行监控", "risk_objects": [mine[1].pk, mine[3].pk]},
        )
    others: list[tuple[Any, list[Any]]] = []
    for category, keys in BY_CATEGORY.items():
        candidates = [e for e in created.get(category, []) if e.status == "operating" and e != chem]
        for enterprise in rng.sample(candidates, min(len(candidates), 6)):
            user = _safety_manager(ctx, rng, enterprise)
            chosen = rng.sample(keys, rng.randint(1, len(keys)))
            made = [_point(ctx, rng, user, enterprise, key, i) for i, key in enumerate(chosen, start=1)]
            points += len(made)
            others.append((enterprise, made))
    # A few of the others run a daily task too, with a poorer record.
    staff_tasks = []
    for enterprise, made in others[:10]:
        user = _safety_manager(ctx, rng, enterprise)
        staff_tasks.append(
            services.do_create_task(
                acting_user=user,
                object_id=made[0].pk,
                data={
                    "name": f"{made[0].name}日常检查",
                    "checklist": TEMPLATES[_key(made[0].name)][5],
                    "cycle": "day",
                    "starts_on": today - dt.timedelta(days=14),
                    "assignees": [user.pk],
                },
            )
        )
    rates = {task.pk: 0.9 for task in tasks} | {task.pk: 0.7 for task in staff_tasks}
    done, findings = _history(rng, rates, 21, today)
    services.generate_occurrences()
    services.sweep_missed()
    from ansheng.enterprises.models import Enterprise

    colour.recompute_enterprise_colours(Enterprise.objects.values_list("pk", flat=True))
    ctx.log(
        f"  {points} risk points, {len(tasks) + len(staff_tasks)} inspection tasks, "
        f"{done} inspections done ({findings} findings)"
    )


def _safety_manager(ctx: Any, rng: random.Random, enterprise: Any) -> Any:
    """The enterprise's administrator, created (as its safety manager) when the demo has none."""
    from ansheng.core.choices import Role
    from ansheng.core.models import User
    from ansheng.core.services import do_create_user

    user = User.objects.filter(enterprise=enterprise, role=Role.ENTERPRISE_ADMIN, is_active=True).first()
    if user is not None:
        return user
    return do_create_user(
        acting_user=ctx.admin,
        username=f"aq-{enterprise.pk}",
        password=ctx.password,
        role=Role.ENTERPRISE_ADMIN,
        full_name=enterprise.safety_manager_name or _person(rng),
        enterprise=enterprise,
        check_password=False,
        password_hash=ctx.password_hash,
    )


def _key(name: str) -> str:
    return next(key for key, template in TEMPLATES.items() if template[0] == name)
