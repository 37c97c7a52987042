"""Build a risk point with a unit, an event, an assessment, a measure and a task through the services."""

import datetime as dt

from ansheng.risks import services

# A real 1×1 PNG (photos are verified with Pillow).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def risk_point(world, *, code="RP-01", name="液氯储罐区", user="ent_admin", enterprise="chem_b", level=None):
    admin = world.users[user]
    obj = services.do_create_object(
        acting_user=admin,
        enterprise_id=world.enterprises[enterprise].pk,
        data={
            "kind": "equipment",
            "code": code,
            "name": name,
            "location": "罐区东侧",
            "department": "氯碱车间",
            "responsible_name": "王强",
            "emergency_actions": "佩戴正压式空气呼吸器，启动碱液喷淋，疏散下风向人员",
        },
    )
    unit = services.do_add_unit(acting_user=admin, object_id=obj.pk, data={"name": "储罐本体及进出料管线"})
    event = services.do_add_event(
        acting_user=admin,
        unit_id=unit.pk,
        data={
            "description": "储罐或管线泄漏导致氯气中毒",
            "accident_type": "WSA10023",
            "hazard_factors": ["21", "2101"],
            "consequence": "人员中毒窒息",
        },
    )
    if level == "major":
        services.do_assess_event(
            acting_user=admin, event_id=event.pk, stage="inherent", method="LEC", factors={"L": 6, "E": 6, "C": 15}
        )
    elif level is not None:
        services.do_assess_event(
            acting_user=admin, event_id=event.pk, stage="inherent", method="LEC", factors={"L": 3, "E": 6, "C": 7}
        )
    measure = services.do_add_measure(
        acting_user=admin,
        event_id=event.pk,
        data={"kind": "engineering", "description": "设置氯气泄漏检测报警仪并与喷淋联锁", "responsible_name": "李明"},
    )
    return obj, unit, event, measure


def task(world, obj, *, cycle="day", starts_on=dt.date(2026, 2, 27), assignees=("ent_staff",), **extra):
    return services.do_create_task(
        acting_user=world.users["ent_admin"],
        object_id=obj.pk,
        data={
            "name": "液氯储罐日常巡检",
            "method": "现场目视检查，核对仪表读数",
            "checklist": ["压力表读数在正常范围", "无氯气泄漏气味", "喷淋系统完好"],
            "cycle": cycle,
            "starts_on": starts_on,
            "assignees": [world.users[name].pk for name in assignees],
            **extra,
        },
    )
