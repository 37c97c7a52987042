"""Hidden-danger governance in a real browser, in Chinese: a worker reports a danger with a photo from a phone; the
manager grades and assigns it; the worker rectifies and submits with an after-photo; someone else accepts and closes
it; the county supervisor sees the numbers move and finds the overdue 重大 danger and who is responsible in two
clicks."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _jpeg() -> dict:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(buffer, "JPEG")
    return {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def _overdue_major(world) -> None:
    from ansheng.dangers.models import HiddenDanger
    from ansheng.dangers.tests.helpers import walk

    staff = world.users["ent_staff"]
    staff.full_name = "王建国"
    staff.phone = "13900001111"
    staff.save()
    danger = walk(world, "rectifying", grade="major", title="液氯输送管线腐蚀减薄")
    HiddenDanger.objects.filter(pk=danger.pk).update(deadline=dt.date.today() - dt.timedelta(days=5))


def test_report_rectify_accept_and_the_county_view(world, page, phone, login, live_server):
    _overdue_major(world)
    login(page, "county_b")
    page.get_by_role("link", name="隐患治理").first.click()
    expect(page.get_by_test_id("count-open")).to_have_text("1")
    expect(page.get_by_test_id("count-closed")).to_have_text("0")

    # A worker on a phone: the quick report, with a photo from the camera.
    login(phone, "ent_staff")
    phone.goto(f"{live_server.url}/dangers/m/report/")
    phone.get_by_label("隐患描述").fill("配电室门口堆放纸箱，堵塞通道")
    phone.get_by_label("隐患部位").fill("配电室")
    phone.get_by_label("拍照").set_input_files(_jpeg())
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_test_id("state")).to_have_text("待定级")
    expect(phone.get_by_test_id("photos").get_by_role("img")).to_have_count(1)
    danger_url = phone.url

    # The county sees one more open danger.
    page.reload()
    expect(page.get_by_test_id("count-open")).to_have_text("2")

    # The manager grades and assigns it.
    manager = page.context.browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    login(manager, "ent_admin")
    manager.get_by_role("link", name="隐患治理").first.click()
    manager.get_by_role("link", name="配电室门口堆放纸箱，堵塞通道").click()
    manager.get_by_label("一般隐患").check()
    manager.get_by_role("button", name="定级", exact=True).click()
    expect(manager.get_by_test_id("state")).to_have_text("待分派")
    manager.get_by_label("整改责任人").select_option(label="王建国（企业员工）")
    manager.get_by_label("整改期限").fill((dt.date.today() + dt.timedelta(days=7)).isoformat())
    manager.get_by_role("button", name="分派整改").click()
    expect(manager.get_by_test_id("state")).to_have_text("已分派")

    # The worker rectifies and submits with an after-photo; without a photo it is refused.
    phone.goto(danger_url)
    phone.get_by_role("button", name="开始整改").click()
    expect(phone.get_by_test_id("state")).to_have_text("整改中")
    phone.get_by_test_id("step-submit").get_by_label("整改情况").fill("纸箱已清走，通道畅通")
    phone.get_by_role("button", name="提交整改验收").click()
    expect(phone.get_by_test_id("error-photos")).to_contain_text("请上传整改后照片")
    phone.get_by_test_id("step-submit").get_by_label("整改后照片").set_input_files(_jpeg())
    phone.get_by_role("button", name="提交整改验收").click()
    expect(phone.get_by_test_id("state")).to_have_text("待验收")
    expect(phone.get_by_role("button", name="验收通过")).to_have_count(0)  # not by the rectifier

    # Another user accepts and closes it.
    manager.goto(danger_url)
    manager.get_by_role("button", name="验收通过").click()
    expect(manager.get_by_test_id("state")).to_have_text("已验收")
    manager.get_by_role("button", name="销号", exact=True).click()
    expect(manager.get_by_test_id("state")).to_have_text("已销号")

    # The county sees the numbers move, and finds the overdue 重大 danger and its responsible person in two clicks.
    page.reload()
    expect(page.get_by_test_id("count-closed")).to_have_text("1")
    expect(page.get_by_test_id("count-open")).to_have_text("1")
    page.get_by_role("link", name="重大隐患").first.click()  # click 1
    page.get_by_role("link", name="已逾期").click()  # click 2
    table = page.get_by_test_id("major-table")
    expect(table).to_contain_text("液氯输送管线腐蚀减薄")
    expect(table.get_by_test_id("responsible")).to_contain_text("王建国")
    expect(table.get_by_test_id("overdue")).to_contain_text("逾期 5 天")
    manager.context.close()
