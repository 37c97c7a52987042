"""Demo hidden dangers for the Leshan enterprises, in every state, walked through the lifecycle services.

`ent-chem`'s site gets a dozen: fresh 随手拍 reports waiting to be graded, dangers being rectified (one overdue),
one submitted for acceptance (by `worker-chem`, so `ent-chem` can accept it), closed ones, one fixed on the spot,
and two 重大 dangers: a chlorine-pipeline corrosion under 挂牌督办 and overdue, and a tank-farm dike defect whose
evaluation waits for the county's review. About forty other enterprises across the counties get one to four
dangers each (their own safety officer and one worker are created, not listed on the banner), a few of them 重大
under 挂牌督办, some overdue.

Every step goes through the services (so the audit chain and notifications are real); afterwards the dates are
moved back to spread the records over the past months (a deadline in the past cannot be set through the service,
which refuses it, so the move happens after the steps). Deterministic: a generator of its own, seeded.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ansheng.enterprises.choices import Category

SEED = 4_411_112

GENERAL: dict[str, list[tuple[str, str, str]]] = {
    "chem": [
        ("液氯汽化器出口压力表超期未检", "压力表检定标签显示有效期已过", "液氯汽化间"),
        ("罐区可燃气体探测器故障未修复", "3号探测器显示故障代码，未及时报修", "甲醇罐区"),
        ("防火堤排水阀处于常开状态", "防火堤雨水排放阀未关闭，存在物料外泄风险", "甲醇罐区防火堤"),
        ("静电接地线断开", "装卸鹤位静电接地夹损坏", "装卸站台"),
        ("应急喷淋洗眼器无水", "洗眼器供水阀关闭，试用无水流出", "氯碱电解厂房"),
        ("动火作业票签发不规范", "作业票未写明气体分析时间和结果", "维修车间"),
        ("安全阀铅封缺失", "2号液氨储罐安全阀铅封脱落", "液氨罐区"),
    ],
    "mine": [
        ("采空区警示标志缺失", "采空区边界警示标志被雨水冲倒", "北侧采场"),
        ("边坡台阶宽度不足", "+460 平台台阶宽度约 2.5 米，低于设计要求", "露天采场+460平台"),
        ("破碎机传动带防护罩缺失", "检修后防护罩未恢复", "破碎车间"),
        ("炸药库监控摄像头离线", "库区 2 号摄像头无画面", "炸药库"),
    ],
    "other": [
        ("消防通道堆放杂物", "纸箱、托盘堵塞东侧消防通道", "成品仓库"),
        ("灭火器压力不足", "2 具干粉灭火器压力指针处于红区", "办公楼二层"),
        ("配电箱门未关闭", "配电箱柜门敞开，无警示标识", "生产车间"),
        ("安全出口指示灯不亮", "疏散指示灯断电", "一层走廊"),
        ("特种作业人员证书过期", "叉车司机特种作业操作证已过有效期", "物流部"),
        ("临边防护栏杆缺失", "二层平台临边防护栏杆未恢复", "二层作业平台"),
        ("车辆动态监控终端离线", "2 辆危货运输车辆定位数据中断超过 24 小时", "车辆监控中心"),
    ],
}
MAJOR: dict[str, list[tuple[str, str, str]]] = {
    "chem": [
        (
            "液氯输送管线腐蚀减薄",
            "测厚发现液氯输送管线局部壁厚低于最小允许值，存在泄漏风险",
            "液氯储罐区至电解工段管廊",
        ),
        ("罐区防火堤破损", "甲醇罐区防火堤多处裂缝、穿堤管线未封堵，不能满足容积要求", "甲醇罐区"),
        ("涉及重点监管危险化工工艺的装置未实现自动化控制", "氯化工序仍为手动控制，紧急停车系统未投用", "氯化工段"),
    ],
    "mine": [("未按设计形成台阶，形成高陡边坡", "采场东帮局部边坡角超过设计值，存在坍塌风险", "露天采场东帮")],
    "other": [("有限空间作业未经审批", "污水池清淤作业未办理审批、未检测气体", "污水处理站")],
}
PLAN = {
    "goals": "在期限内消除隐患，恢复设计安全条件，治理期间不发生事故",
    "measures": "停用相关设施，委托有资质单位检测与施工，按设计恢复，完工后检测验收",
    "funds": "企业安全生产费用列支，预算 {funds} 万元，材料已落实",
    "organisation": "主要负责人牵头，安全管理部组织，设备部和施工单位实施",
    "time_limit": "{days} 日内完成治理并组织评估",
    "safety": "治理期间设置警戒区，专人监护，配备应急物资，应急预案已修订并演练",
}


def _jpeg(rng: random.Random) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (rng.randint(80, 200), rng.randint(80, 200), rng.randint(80, 200)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 300), rng.randint(0, 220)
        draw.rectangle([x, y, x + rng.randint(10, 80), y + rng.randint(10, 60)], outline=(30, 30, 30), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return SimpleUploadedFile("demo.jpg", buffer.getvalue(), content_type="image/jpeg")


def _group(category: str) -> str:
    if category in Category.HAZARDOUS_CHEMICALS:
        return "chem"
    if category in Category.MINES:
        return "mine"
    return "other"


def _people(ctx: Any, enterprise: Any) -> tuple[Any, Any]:
    """The enterprise's safety officer and a worker (created for the demo when the enterprise has none)."""
    from ansheng.core.choices import Role
    from ansheng.core.models import User
    from ansheng.core.services import do_create_user
    from ansheng.hazards.demo import _name

    admin = User.objects.filter(enterprise=enterprise, role=Role.ENTERPRISE_ADMIN, is_active=True).first()
    staff = User.objects.filter(enterprise=enterprise, role=Role.ENTERPRISE_STAFF, is_active=True).first()
    if admin is None:
        admin = do_create_user(
            acting_user=ctx.admin,
            username=f"aq-{enterprise.pk}",
            password=ctx.password,
            role=Role.ENTERPRISE_ADMIN,
            full_name=_name(ctx.dangers_rng),
            enterprise=enterprise,
            phone=f"139{ctx.dangers_rng.randrange(10**7, 10**8)}",
            check_password=False,
            password_hash=ctx.password_hash,
        )
    if staff is None:
        staff = do_create_user(
            acting_user=ctx.admin,
            username=f"yg-{enterprise.pk}",
            password=ctx.password,
            role=Role.ENTERPRISE_STAFF,
            full_name=_name(ctx.dangers_rng),
            enterprise=enterprise,
            phone=f"138{ctx.dangers_rng.randrange(10**7, 10**8)}",
            check_password=False,
            password_hash=ctx.password_hash,
        )
    return admin, staff


def _walk(
    ctx: Any,
    enterprise: Any,
    admin: Any,
    staff: Any,
    item: tuple[str, str, str],
    *,
    state: str,
    grade: str,
    age_days: int,
    late: bool = False,
    supervised: bool = False,
    rejected: bool = False,
) -> Any:
    from ansheng.core.models import User
    from ansheng.dangers import services
    from ansheng.dangers.models import HiddenDanger

    rng = ctx.dangers_rng
    title, description, location = item
    county = User.objects.filter(role="county_supervisor", region_id=enterprise.county_id, is_active=True).first()
    danger = services.do_report_danger(
        acting_user=staff,
        enterprise_id=enterprise.pk,
        source=rng.choice(["inspection", "inspection", "snapshot", "snapshot", "regulator"]),
        title=title,
        description=description,
        location=location,
        photos=[_jpeg(rng)],
    )
    pk = danger.pk
    period = 7 if grade == "general" else 45
    if state != "reported":
        services.do_grade_danger(acting_user=admin, danger_id=pk, grade=grade)
    if state in {"assigned", "rectifying", "submitted", "accepted", "reviewing", "closed"}:
        plan = {key: value.format(funds=rng.randint(8, 120), days=period) for key, value in PLAN.items()}
        services.do_assign_danger(
            acting_user=admin,
            danger_id=pk,
            responsible_id=staff.pk,
            deadline=timezone.localdate() + dt.timedelta(days=period),
            measures="按整改方案落实，整改后拍照上传",
            plan=plan if grade == "major" else None,
        )
        if supervised and county is not None:
            services.do_order_supervision(
                acting_user=county,
                danger_id=pk,
                due=timezone.localdate() + dt.timedelta(days=period),
                note="请按期完成治理，治理期间落实安全措施",
            )
    if state in {"rectifying", "submitted", "accepted", "reviewing", "closed"}:
        services.do_start_rectification(acting_user=staff, danger_id=pk)
    if state in {"submitted", "accepted", "reviewing", "closed"}:
        services.do_submit_rectification(
            acting_user=staff, danger_id=pk, description="已按措施整改完毕，附整改后照片", photos=[_jpeg(rng)]
        )
        if rejected:
            services.do_reject_rectification(acting_user=admin, danger_id=pk, reason="整改照片不能反映整改效果")
            services.do_submit_rectification(
                acting_user=staff, danger_id=pk, description="已补充整改并重新拍照", photos=[_jpeg(rng)]
            )
    if state in {"accepted", "reviewing", "closed"}:
        services.do_accept_rectification(acting_user=admin, danger_id=pk, note="现场核查，整改到位")
    if state in {"reviewing", "closed"} and grade == "major":
        services.do_submit_evaluation(
            acting_user=admin,
            danger_id=pk,
            agency="四川省安全科学技术研究院",
            conclusion="治理措施落实到位，满足安全生产条件",
        )
        if state == "closed" and county is not None:
            services.do_review_closure(acting_user=county, danger_id=pk, approve=True, note="同意销号")
    elif state == "closed":
        services.do_close_danger(acting_user=admin, danger_id=pk)
    # Spread over the past months: move every moment back by `age_days`, and past the deadline if late.
    shift = dt.timedelta(days=age_days)
    danger = HiddenDanger.objects.get(pk=pk)
    changes: dict[str, Any] = {}
    for name in (
        "found_at",
        "reported_at",
        "graded_at",
        "bureau_notified_at",
        "assigned_at",
        "started_at",
        "submitted_at",
        "accepted_at",
        "evaluation_submitted_at",
        "supervised_at",
        "closed_at",
    ):
        value = getattr(danger, name)
        if value is not None:
            changes[name] = value - shift
    if danger.deadline is not None:
        deadline = danger.deadline - shift
        if late:
            deadline = timezone.localdate() - dt.timedelta(days=rng.randint(2, 20))
        elif state in {"assigned", "rectifying", "submitted"} and deadline < timezone.localdate():
            deadline = timezone.localdate() + dt.timedelta(days=rng.randint(3, 20))
        changes["deadline"] = deadline
    if danger.supervision_due is not None:
        changes["supervision_due"] = changes.get("deadline", danger.supervision_due)
    number_day = (changes["reported_at"]).astimezone(timezone.get_current_timezone())
    changes["number"] = f"YH{number_day:%Y%m%d}-{pk:05d}"
    HiddenDanger.objects.filter(pk=pk).update(**changes)
    return danger


def load_hidden_dangers(ctx: Any) -> None:
    from ansheng.dangers.models import HiddenDanger

    ctx.dangers_rng = rng = random.Random(SEED)
    chem = ctx.refs["ent_chem"]
    admin, staff = _people(ctx, chem)
    c = GENERAL["chem"]
    m = MAJOR["chem"]
    plan = [
        (c[0], "reported", "general", 0, {}),
        (c[1], "reported", "general", 1, {}),
        (c[2], "graded", "general", 2, {}),
        (c[3], "assigned", "general", 3, {}),
        (c[4], "rectifying", "general", 12, {"late": True}),
        (c[5], "submitted", "general", 4, {}),
        (c[1], "accepted", "general", 6, {}),
        (c[6], "closed", "general", 40, {"rejected": True}),
        (c[0], "closed", "general", 75, {}),
        (c[3], "closed", "general", 120, {}),
        (m[0], "rectifying", "major", 60, {"late": True, "supervised": True}),
        (m[1], "reviewing", "major", 50, {"supervised": True}),
        (m[2], "closed", "major", 150, {}),
    ]
    for item, state, grade, age, extra in plan:
        _walk(ctx, chem, admin, staff, item, state=state, grade=grade, age_days=age, **extra)
    # One found and fixed on the spot by the worker.
    from ansheng.dangers import services

    fixed = services.do_report_danger(
        acting_user=staff,
        enterprise_id=chem.pk,
        source="snapshot",
        title="通道地面油污",
        description="泵房通道地面有油污，易滑倒",
        location="机泵房",
        photos=[_jpeg(rng)],
    )
    services.do_rectify_on_the_spot(
        acting_user=staff, danger_id=fixed.pk, description="已用吸油棉清理", photos=[_jpeg(rng)]
    )

    by_category = ctx.refs.get("enterprises_by_category", {})
    others = [e for items in by_category.values() for e in items if e.pk != chem.pk and e.status == "operating"]
    rng.shuffle(others)
    states = [
        "reported",
        "graded",
        "assigned",
        "rectifying",
        "rectifying",
        "submitted",
        "accepted",
        "closed",
        "closed",
        "closed",
    ]
    for index, enterprise in enumerate(sorted(others[:40], key=lambda e: e.pk)):
        e_admin, e_staff = _people(ctx, enterprise)
        group = _group(enterprise.category)
        for _ in range(rng.randint(1, 4)):
            state = rng.choice(states)
            _walk(
                ctx,
                enterprise,
                e_admin,
                e_staff,
                rng.choice(GENERAL[group]),
                state=state,
                grade="general",
                age_days=rng.randint(0, 200),
                late=state in {"assigned", "rectifying"} and rng.random() < 0.3,
                rejected=state in {"accepted", "closed"} and rng.random() < 0.2,
            )
        if index % 6 == 0:
            state = rng.choice(["assigned", "rectifying", "rectifying", "reviewing", "closed"])
            _walk(
                ctx,
                enterprise,
                e_admin,
                e_staff,
                rng.choice(MAJOR[group]),
                state=state,
                grade="major",
                age_days=rng.randint(20, 120),
                late=state in {"assigned", "rectifying"} and rng.random() < 0.5,
                supervised=state != "closed" or rng.random() < 0.5,
            )
    ctx.log(f"  {HiddenDanger.objects.count()} hidden dangers ({HiddenDanger.objects.overdue().count()} overdue)")
