"""The pages: lists, the detail with the forms of the allowed steps, the quick report, photos, the 重大 page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ansheng.dangers.choices import State
from ansheng.dangers.models import HiddenDanger
from ansheng.dangers.tests.helpers import PLAN, photo, today, walk

pytestmark = pytest.mark.django_db


def test_the_quick_report_url_and_a_report_from_a_phone(world, client_for):
    assert reverse("dangers:quick-report") == "/dangers/m/report/"
    client = client_for(world.users["ent_staff"])
    page = client.get("/dangers/m/report/")
    assert page.status_code == 200 and 'capture="environment"' in page.content.decode()
    response = client.post(
        "/dangers/m/report/",
        {
            "description": "消防通道堆放纸箱",
            "location": "二号仓库",
            "source": "snapshot",
            "photos": [photo()],
            "latitude": "29.406200",
            "longitude": "103.818000",
        },
    )
    danger = HiddenDanger.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dangers/{danger.pk}/"
    assert danger.location == "二号仓库" and str(danger.latitude) == "29.406200"
    assert danger.photos.count() == 1


def test_a_quick_report_fixed_on_the_spot_is_closed(world, client_for):
    client = client_for(world.users["ent_staff"])
    client.post(
        "/dangers/m/report/",
        {
            "description": "灭火器压力不足",
            "source": "snapshot",
            "photos": [photo()],
            "fixed": "on",
            "after_photos": [photo("后.jpg")],
            "fixed_note": "已更换灭火器",
        },
    )
    danger = HiddenDanger.objects.get()
    assert danger.state == State.CLOSED and danger.on_the_spot


def test_a_quick_report_with_a_bad_photo_stays_on_the_form(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.users["ent_staff"])
    response = client.post(
        "/dangers/m/report/",
        {"description": "x", "source": "snapshot", "photos": [SimpleUploadedFile("a.jpg", b"<?php echo 1;")]},
    )
    assert response.status_code == 422 and "JPEG" in response.content.decode()
    assert not HiddenDanger.objects.exists()


def test_the_quick_report_carries_the_risk_object_only_when_risks_is_installed(world, client_for):
    from django.apps import apps

    page = client_for(world.users["ent_staff"]).get("/dangers/m/report/?object=17")
    assert ("风险点 #17" in page.content.decode()) == apps.is_installed("ansheng.risks")


def test_a_regulator_reports_for_an_enterprise_in_the_county(world, client_for):
    client = client_for(world.users["county_b"])
    chem = world.enterprises["chem_b"]
    page = client.get("/dangers/m/report/").content.decode()
    assert chem.name in page and world.enterprises["mine_a"].name not in page
    client.post("/dangers/m/report/", {"enterprise": chem.pk, "description": "安全出口锁闭", "source": "regulator"})
    assert HiddenDanger.objects.get().source == "regulator"


def test_the_detail_shows_the_forms_of_the_steps_the_user_may_take(world, client_for):
    danger = walk(world, "submitted")
    admin_page = client_for(world.users["ent_admin"]).get(f"/dangers/{danger.pk}/").content.decode()
    assert 'data-testid="step-accept"' in admin_page and 'data-testid="step-reject"' in admin_page
    staff_page = client_for(world.users["ent_staff"]).get(f"/dangers/{danger.pk}/").content.decode()
    assert 'data-testid="step-accept"' not in staff_page  # the rectifier does not accept their own work
    assert client_for(world.users["county_a"]).get(f"/dangers/{danger.pk}/").status_code == 404


def test_a_step_through_the_page_and_its_refusal(world, client_for):
    danger = walk(world, "graded", grade="major")
    client = client_for(world.users["ent_admin"])
    deadline = (today() + dt.timedelta(days=30)).isoformat()
    refused = client.post(
        f"/dangers/{danger.pk}/assign/",
        {"assign-responsible": world.users["ent_staff"].pk, "assign-deadline": deadline},
    )
    assert refused.status_code == 422
    assert "第十五条" in refused.content.decode()
    data = {"assign-responsible": world.users["ent_staff"].pk, "assign-deadline": deadline}
    data.update({f"assign-plan_{key}": value for key, value in PLAN.items()})
    done = client.post(f"/dangers/{danger.pk}/assign/", data)
    assert done.status_code == 302
    danger.refresh_from_db()
    assert danger.state == State.ASSIGNED and danger.plan["funds"] == PLAN["funds"]


def test_a_stale_acceptance_through_the_page_is_a_409(world, client_for):
    danger = walk(world, "accepted")
    response = client_for(world.users["county_b"]).post(f"/dangers/{danger.pk}/accept/", {"accept-note": ""})
    assert response.status_code == 409


def test_photos_are_served_only_within_the_jurisdiction(world, client_for):
    danger = walk(world, "reported")
    url = f"/dangers/photos/{danger.photos.get().pk}/"
    ok = client_for(world.users["county_b"]).get(url)
    assert ok.status_code == 200 and ok["Content-Type"] == "image/jpeg"
    assert client_for(world.users["county_a"]).get(url).status_code == 404
    assert client_for(world.users["other_ent_admin"]).get(url).status_code == 404
    assert client_for(world.users["public"]).get(url).status_code == 404


def test_the_county_supervisor_finds_overdue_major_dangers_and_who_is_responsible(world, client_for):
    late = walk(world, "rectifying", grade="major")
    walk(world, "assigned", grade="major")
    HiddenDanger.objects.filter(pk=late.pk).update(deadline=today() - dt.timedelta(days=4))
    world.users["ent_staff"].full_name = "王建国"
    world.users["ent_staff"].save()
    client = client_for(world.users["county_b"])
    home = client.get("/").content.decode()
    assert "/dangers/major/" in home  # the nav entry: first click
    page = client.get("/dangers/major/?overdue=on").content.decode()  # second click
    assert late.title in page and "王建国" in page and "逾期 4 天" in page
    assert page.count('data-testid="overdue"') == 1
    assert (
        client_for(world.users["county_a"])
        .get("/dangers/major/?overdue=on")
        .content.decode()
        .count('data-testid="overdue"')
        == 0
    )


def test_an_unticked_overdue_box_does_not_hide_overdue_dangers(world, client_for):
    late = walk(world, "rectifying", grade="major")
    HiddenDanger.objects.filter(pk=late.pk).update(deadline=today() - dt.timedelta(days=4))
    client = client_for(world.users["county_b"])
    for url in ("/dangers/?state=open", "/dangers/major/?q=", "/dangers/?grade=major"):
        page = client.get(url).content.decode()
        assert late.title in page, url  # a filter without the box ticked keeps overdue dangers in the list
    ticked = client.get("/dangers/?state=open&overdue=on").content.decode()
    assert late.title in ticked


def test_the_list_filters_and_summary(world, client_for):
    walk(world, "closed")
    walk(world, "reported")
    page = client_for(world.users["ent_admin"]).get("/dangers/?state=closed")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="count-closed">1<' in body
    assert "共 1 条隐患" in body


def test_the_home_panel_shows_my_tasks_and_the_counts(world, client_for):
    walk(world, "assigned")
    home = client_for(world.users["ent_staff"]).get("/").content.decode()
    assert 'data-testid="dangers-panel"' in home and "待我整改" in home
    assert 'data-testid="dangers-panel"' not in client_for(world.users["county_a"]).get("/").content.decode()


def test_a_worker_lists_what_they_must_rectify(world, client_for):
    mine = walk(world, "assigned")
    walk(world, "assigned", responsible="ent_admin")
    body = client_for(world.users["ent_staff"]).get("/dangers/?mine=on&state=open").content.decode()
    assert "共 1 条隐患" in body and f"/dangers/{mine.pk}/" in body


def test_a_failed_quick_report_leaves_no_file_behind(world, client_for, settings):
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT) / "private" / "dangers"
    before = set(root.rglob("*")) if root.exists() else set()
    # The report itself is fine, the on-the-spot fix lacks its after-photo: both roll back, files too.
    response = client_for(world.users["ent_staff"]).post(
        "/dangers/m/report/",
        {"description": "灭火器压力不足", "source": "snapshot", "photos": [photo()], "fixed": "on"},
    )
    assert response.status_code == 422 and "请上传整改后照片" in response.content.decode()
    assert not HiddenDanger.objects.exists()
    after = set(root.rglob("*")) if root.exists() else set()
    assert {p for p in after - before if p.is_file()} == set()
