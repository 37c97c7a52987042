"""Pages: list, detail, create with errors, the notice PDFs (checked with pdftotext), the mobile page, overview."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from ansheng.risks import services
from ansheng.risks.models import Occurrence
from ansheng.risks.schedule import SHANGHAI
from ansheng.risks.tests.factories import PNG, risk_point, task

pytestmark = pytest.mark.django_db


def test_enterprise_admin_creates_a_point_and_sees_errors_on_the_form(world, client_for):
    client = client_for(world.users["ent_admin"])
    page = client.post(
        "/risks/new/", {"kind": "equipment", "code": "", "name": "液氯储罐区", "responsible_name": "王强"}
    )
    assert page.status_code == 422
    page = client.post(
        "/risks/new/",
        {"kind": "equipment", "code": "RP-09", "name": "液氯储罐区", "responsible_name": "王强", "longitude": "103.8"},
    )
    assert page.status_code == 422 and "经度和纬度须同时填写" in page.content.decode()
    page = client.post(
        "/risks/new/", {"kind": "equipment", "code": "RP-09", "name": "液氯储罐区", "responsible_name": "王强"}
    )
    assert page.status_code == 302
    assert client.get("/risks/").content.decode().count("<td>RP-09</td>") == 1
    assert client_for(world.users["ent_staff"]).get("/risks/new/").status_code == 403


def test_detail_is_scoped_and_event_page_assesses(world, client_for):
    obj, _unit, event, _m = risk_point(world)
    assert client_for(world.users["county_a"]).get(f"/risks/{obj.pk}/").status_code == 404
    assert client_for(world.users["county_b"]).get(f"/risks/{obj.pk}/").status_code == 200
    admin = client_for(world.users["ent_admin"])
    response = admin.post(
        f"/risks/events/{event.pk}/assess/",
        {"stage": "inherent", "method": "LEC", "LEC_L": "6", "LEC_E": "6", "LEC_C": "15"},
    )
    assert response.status_code == 302
    page = admin.get(f"/risks/events/{event.pk}/").content.decode()
    assert "重大风险" in page and "540" in page
    response = admin.post(f"/risks/events/{event.pk}/assess/", {"stage": "residual", "method": "LS", "LS_L": "2"})
    assert response.status_code == 422
    assert (
        client_for(world.users["county_b"])
        .post(f"/risks/events/{event.pk}/assess/", {"stage": "inherent", "method": "LS", "LS_L": "1", "LS_S": "1"})
        .status_code
        == 403
    )


def test_risk_card_and_post_card_pdfs_carry_the_card(world, client_for, pdf_text):
    obj, *_ = risk_point(world, level="major")
    admin = client_for(world.users["ent_admin"])
    response = admin.get(f"/risks/{obj.pk}/card.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "安全风险告知卡",
        "液氯储罐区",
        "储罐或管线泄漏导致氯气中毒",
        "中毒",
        "设置氯气泄漏检测报警仪",
        "正压式空气呼吸器",
        "重大风险",
        obj.qr_token,
    ):
        assert expected in text.replace("\n", "").replace(" ", ""), expected
    post = services.do_save_post(
        acting_user=world.users["ent_admin"],
        enterprise_id=obj.enterprise_id,
        data={"name": "液氯充装工", "duties": "液氯充装作业", "risk_objects": [obj.pk]},
    )
    response = admin.get(f"/risks/posts/{post.pk}/card.pdf")
    text = pdf_text(response.content)
    assert "岗位风险告知卡" in text and "液氯充装工" in text
    assert client_for(world.users["county_a"]).get(f"/risks/{obj.pk}/card.pdf").status_code == 404


def test_mobile_page_shows_card_and_takes_the_checklist(world, client_for):
    obj, *_ = risk_point(world, level="general")
    task(world, obj, starts_on=dt.date(2026, 11, 29))
    url = f"/risks/m/{obj.qr_token}/"
    staff = client_for(world.users["ent_staff"])
    with time_machine.travel(dt.datetime(2026, 11, 29, 10, tzinfo=SHANGHAI), tick=False):
        services.generate_occurrences()
        page = staff.get(url).content.decode()
        assert "液氯储罐日常巡检" in page and "设置氯气泄漏检测报警仪" in page
        occurrence = Occurrence.objects.get()
        form = {"occurrence": occurrence.pk, "result-0": "ok", "result-1": "ok", "result-2": "finding", "note-2": ""}
        assert staff.post(url, form).status_code == 422
        form["note-2"] = "喷淋泵无法启动"
        form["photo-2"] = SimpleUploadedFile("p.png", PNG, content_type="image/png")
        assert staff.post(url, form).status_code == 302
        occurrence.refresh_from_db()
        assert occurrence.status == "done" and occurrence.findings == 1
        answer = occurrence.answers.get(index=2)
        assert staff.get(f"/risks/photos/{answer.pk}/").status_code == 200
        assert client_for(world.users["county_a"]).get(f"/risks/photos/{answer.pk}/").status_code == 404
        assert "当前没有需要您执行的排查任务" in staff.get(url).content.decode()
        detail = client_for(world.users["county_b"]).get(f"/risks/{obj.pk}/")
        assert detail.status_code == 200 and "已完成" in detail.content.decode()
    assert client_for(world.users["other_ent_admin"]).get(url).status_code == 404
    assert client_for(world.users["county_a"]).get(url).status_code == 404
    assert staff.get("/risks/m/not-a-token/").status_code == 404


def test_mobile_page_needs_login(client, world):
    obj, *_ = risk_point(world)
    response = client.get(f"/risks/m/{obj.qr_token}/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_overview_for_supervisors_only(world, client_for):
    from ansheng.risks.colour import recompute_enterprise_colours

    risk_point(world, level="major")
    recompute_enterprise_colours([e.pk for e in world.enterprises.values()])
    page = client_for(world.users["county_b"]).get("/risks/overview/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "乐山市五通桥测试化工有限公司" in text and "五通桥区" in text and "市中区" not in text
    assert page.context["chart"]["colours"][0]["values"] == [1]  # one red enterprise in 五通桥区
    assert len(page.context["chart"]["months"]) == 6
    assert client_for(world.users["county_b"]).get("/risks/overview/?county=511102").status_code == 404
    assert client_for(world.users["ent_admin"]).get("/risks/overview/").status_code == 404


def test_event_list_drills_down_and_posts_page(world, client_for):
    risk_point(world, level="major")
    risk_point(world, code="RP-02", name="氯碱电解装置", level="general")
    county_b = client_for(world.users["county_b"])
    page = county_b.get("/risks/events/?level=major&county=511112").content.decode()
    assert page.count("储罐或管线泄漏导致氯气中毒") == 1 and "重大风险" in page
    assert (
        "储罐或管线泄漏导致氯气中毒" not in client_for(world.users["county_a"]).get("/risks/events/").content.decode()
    )
    assert county_b.get("/risks/events/?level=purple").status_code == 422
    admin = client_for(world.users["ent_admin"])
    response = admin.post("/risks/posts/", {"name": "液氯充装工", "duties": "充装"})
    assert response.status_code == 302
    assert "液氯充装工" in admin.get("/risks/posts/").content.decode()
    assert admin.post("/risks/posts/", {"name": "液氯充装工"}).status_code == 422
    assert county_b.post("/risks/posts/", {"name": "x"}).status_code == 403


def test_home_panels(world, client_for):
    from ansheng.risks.colour import recompute_enterprise_colours

    obj, *_ = risk_point(world, level="major")
    recompute_enterprise_colours([e.pk for e in world.enterprises.values()])
    task(world, obj, starts_on=dt.date(2026, 11, 29))
    with time_machine.travel(dt.datetime(2026, 11, 29, 10, tzinfo=SHANGHAI), tick=False):
        services.generate_occurrences()
        home = client_for(world.users["ent_staff"]).get("/").content.decode()
        assert f"/risks/m/{obj.qr_token}/" in home and "液氯储罐日常巡检" in home
        other = client_for(world.users["other_ent_admin"]).get("/").content.decode()
        assert "液氯储罐日常巡检" not in other
    panel = client_for(world.users["county_b"]).get("/").content.decode()
    assert 'data-testid="risks-panel"' in panel


def test_edit_checks_the_phone_and_deactivation_drops_the_level(world, client_for, django_capture_on_commit_callbacks):
    from ansheng.risks.colour import enterprise_colours

    with django_capture_on_commit_callbacks(execute=True):
        obj, *_ = risk_point(world, level="major")
    admin = client_for(world.users["ent_admin"])
    form = {"kind": "equipment", "code": "RP-01", "name": "液氯储罐区", "responsible_name": "王强", "is_active": "on"}
    response = admin.post(f"/risks/{obj.pk}/edit/", {**form, "responsible_phone": "12"})
    assert response.status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/risks/{obj.pk}/edit/", {**form, "is_active": ""})
    assert response.status_code == 302
    obj.refresh_from_db()
    assert (obj.is_active, obj.level) == (False, "")
    assert enterprise_colours([obj.enterprise_id]) == {obj.enterprise_id: "blue"}
    assert client_for(world.users["county_b"]).get(f"/risks/{obj.pk}/edit/").status_code == 403
