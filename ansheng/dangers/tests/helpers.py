"""Test helpers: real image bytes, and dangers walked to a given state through the services."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (32, 24)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(buffer, fmt)
    return buffer.getvalue()


def photo(name: str = "现场.jpg", fmt: str = "JPEG") -> SimpleUploadedFile:
    types = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
    return SimpleUploadedFile(name, image_bytes(fmt), content_type=types[fmt])


def today() -> dt.date:
    from ansheng.dangers.models import today_shanghai

    return today_shanghai()


PLAN = {
    "goals": "消除液氯储罐区泄漏风险",
    "measures": "更换腐蚀管线，增设泄漏检测报警",
    "funds": "专项资金 45 万元，备件已采购",
    "organisation": "设备部牵头，维修班组 6 人",
    "time_limit": "30 日内完成，验收合格",
    "safety": "施工期间停用储罐，设置警戒区，应急预案已演练",
}


def report(world: Any, *, by: str = "ent_staff", enterprise: str = "chem_b", **kw: Any) -> Any:
    from ansheng.dangers.services import do_report_danger

    data = {
        "source": "snapshot",
        "title": "液氯储罐区压力表超期未检",
        "description": "2号液氯储罐压力表检定标签已过期",
        "location": "液氯储罐区",
        "photos": [photo()],
    }
    data.update(kw)
    return do_report_danger(acting_user=world.users[by], enterprise_id=world.enterprises[enterprise].pk, **data)


def walk(world: Any, state: str, *, grade: str = "general", responsible: str = "ent_staff", **kw: Any) -> Any:
    """A danger of chem_b brought to `state` by the usual people: staff report and rectify, the admin grades,
    assigns and accepts."""
    from ansheng.dangers import services

    users = world.users
    danger = report(world, **kw)
    if state == "reported":
        return danger
    services.do_grade_danger(acting_user=users["ent_admin"], danger_id=danger.pk, grade=grade)
    if state == "graded":
        return _fresh(danger)
    services.do_assign_danger(
        acting_user=users["ent_admin"],
        danger_id=danger.pk,
        responsible_id=users[responsible].pk,
        deadline=today() + dt.timedelta(days=20),
        measures="更换压力表并送检",
        plan=PLAN if grade == "major" else None,
    )
    if state == "assigned":
        return _fresh(danger)
    services.do_start_rectification(acting_user=users[responsible], danger_id=danger.pk)
    if state == "rectifying":
        return _fresh(danger)
    services.do_submit_rectification(
        acting_user=users[responsible], danger_id=danger.pk, description="已更换并送检", photos=[photo("后.png", "PNG")]
    )
    if state == "submitted":
        return _fresh(danger)
    accepter = "ent_admin" if responsible != "ent_admin" else "county_b"
    services.do_accept_rectification(acting_user=users[accepter], danger_id=danger.pk)
    if state == "accepted":
        return _fresh(danger)
    if grade == "major":
        services.do_submit_evaluation(
            acting_user=users["ent_admin"], danger_id=danger.pk, agency="四川某安全评价公司", conclusion="治理合格"
        )
        if state == "reviewing":
            return _fresh(danger)
        services.do_review_closure(acting_user=users["county_b"], danger_id=danger.pk, approve=True)
    else:
        services.do_close_danger(acting_user=users["ent_admin"], danger_id=danger.pk)
    return _fresh(danger)


def _fresh(danger: Any) -> Any:
    danger.refresh_from_db()
    return danger
