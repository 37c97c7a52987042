"""Risk grading and inspection in a real browser, in Chinese: the enterprise manager defines a risk point, assesses
it, adds a control measure and an inspection task, and downloads the card; a worker on a phone opens the QR link and
completes the checklist with a finding and a photo."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_define_a_risk_point_print_its_card_and_inspect_on_a_phone(world, page, phone, login, live_server, tmp_path):
    from ansheng.risks.models import Occurrence, RiskObject

    login(page, "ent_admin")
    page.get_by_role("link", name="风险分级管控").first.click()
    page.get_by_role("link", name="登记风险点").click()
    page.get_by_label("对象类型").select_option(label="设备设施")
    page.get_by_label("编号").fill("RP-01")
    page.get_by_label("名称").fill("液氯储罐区")
    page.get_by_label("位置").fill("罐区东侧")
    page.get_by_label("所属车间/部门").fill("氯碱车间")
    page.get_by_label(re.compile(r"^责任人\*?$")).fill("王强")
    page.get_by_label("应急处置措施").fill("佩戴正压式空气呼吸器，启动碱液喷淋，向上风向疏散")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("level")).to_have_text("未评估")

    page.get_by_label("新分析单元").fill("储罐本体及进出料管线")
    page.get_by_role("button", name="添加分析单元").click()
    page.get_by_role("link", name="添加风险事件").click()
    page.get_by_label("风险事件").fill("储罐或管线泄漏导致氯气中毒")
    page.get_by_label("事故类型（GB 6441-2025）").select_option(label="中毒（WSA10023）")
    page.get_by_label("危险和有害因素代码（GB/T 13861-2022）").fill("21, 2101")
    page.get_by_label("可能后果").fill("人员中毒")
    page.get_by_role("button", name="保存").click()

    page.get_by_label("阶段").select_option(label="固有风险")
    page.get_by_label("评价方法").select_option(value="LEC")
    page.get_by_label("LEC L").select_option("6")
    page.get_by_label("LEC E").select_option("6")
    page.get_by_label("LEC C").select_option("15")
    page.get_by_role("button", name="评估", exact=True).click()
    expect(page.get_by_test_id("event-level")).to_have_text("重大风险")
    expect(page.get_by_test_id("assessments")).to_contain_text("540")

    page.get_by_label("措施类别").select_option(label="工程技术")
    page.get_by_label("管控措施").fill("设置氯气泄漏检测报警仪并与碱液喷淋联锁")
    page.get_by_label(re.compile(r"^责任人\*?$")).fill("李明")
    page.get_by_role("button", name="添加措施").click()
    expect(page.get_by_test_id("measures")).to_contain_text("设置氯气泄漏检测报警仪")

    page.get_by_role("link", name="液氯储罐区").click()
    page.get_by_role("link", name="新建排查任务").click()
    page.get_by_label("任务名称").fill("液氯储罐日常巡检")
    page.get_by_label("检查项（每行一项）").fill("压力表读数在正常范围\n无氯气泄漏气味\n喷淋系统完好")
    page.get_by_label("排查周期").select_option(label="每日")
    page.get_by_label("开始日期").fill(timezone.localdate().isoformat())
    page.get_by_label("ent_staff").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("tasks")).to_contain_text("液氯储罐日常巡检")
    expect(page.get_by_test_id("level")).to_have_text("重大风险")

    with page.expect_download() as download:
        page.get_by_test_id("download-card").click()
    card = tmp_path / "card.pdf"
    download.value.save_as(card)
    assert card.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(card), "-"], capture_output=True, text=True, check=True).stdout
        assert "安全风险告知卡" in text and "液氯储罐区" in text

    obj = RiskObject.objects.get(code="RP-01")
    login(phone, "ent_staff")
    phone.goto(f"{live_server.url}/risks/m/{obj.qr_token}/")
    expect(phone.get_by_test_id("card")).to_contain_text("储罐或管线泄漏导致氯气中毒")
    checklist = phone.get_by_test_id("due")
    expect(checklist).to_contain_text("液氯储罐日常巡检")
    phone.get_by_test_id("item-0").get_by_role("radio", name="正常").check()
    phone.get_by_test_id("item-1").get_by_role("radio", name="正常").check()
    phone.get_by_test_id("item-2").get_by_role("radio", name="发现隐患").check()
    phone.get_by_test_id("item-2").get_by_label("情况说明（发现隐患时必填）").fill("喷淋泵出口阀门锈蚀渗漏")
    phone.get_by_test_id("item-2").get_by_label("照片").set_input_files(
        files=[{"name": "leak.png", "mimeType": "image/png", "buffer": PNG}]
    )
    phone.get_by_role("button", name="提交排查结果").click()
    expect(phone.get_by_text("发现隐患 1 项")).to_be_visible()
    expect(phone.get_by_test_id("nothing-due")).to_be_visible()
    occurrence = Occurrence.objects.get(task__risk_object=obj)
    assert occurrence.status == "done" and occurrence.findings == 1
    from django.apps import apps

    if apps.is_installed("ansheng.dangers"):
        danger = occurrence.answers.get(index=2).danger
        assert danger.source == "inspection" and danger.photos.count() == 1
        expect(phone.get_by_test_id("quick-report")).to_have_attribute("href", f"/dangers/m/report/?object={obj.pk}")


def test_worker_on_a_phone_opens_my_tasks_and_reaches_the_checklist(world, phone, login, live_server):
    """A worker opens 我的排查任务 from the menu on a phone, sees today's inspection and does its checklist."""
    from ansheng.risks import services
    from ansheng.risks.models import Occurrence
    from ansheng.risks.tests.factories import risk_point, task

    obj, *_ = risk_point(world, level="general")
    daily = task(world, obj, starts_on=timezone.localdate())
    services.generate_occurrences(task_ids=[daily.pk])

    login(phone, "ent_staff")
    phone.get_by_role("button", name="菜单").click()
    phone.get_by_role("navigation", name="主导航").get_by_role("link", name="我的排查任务").click()
    due = phone.get_by_test_id("due-now")
    expect(due).to_contain_text("液氯储罐日常巡检")
    expect(due).to_contain_text("液氯储罐区")
    due.get_by_role("link", name=re.compile("液氯储罐日常巡检")).click()
    expect(phone).to_have_url(re.compile(rf"/risks/m/{obj.qr_token}/$"))
    for index in range(3):
        phone.get_by_test_id(f"item-{index}").get_by_role("radio", name="正常").check()
    phone.get_by_role("button", name="提交排查结果").click()
    expect(phone.get_by_text("排查已提交")).to_be_visible()
    assert Occurrence.objects.get(task=daily).status == "done"

    phone.goto(f"{live_server.url}/risks/mine/")
    expect(phone.get_by_test_id("nothing-due")).to_be_visible()
    expect(phone.get_by_test_id("done")).to_contain_text("液氯储罐日常巡检")
