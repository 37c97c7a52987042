"""Pages for posts (create, edit), inspection tasks (list, detail, edit, deactivate) and 我的排查任务: each with the
allowed and the refused path at the HTTP level."""

import datetime as dt

import pytest
import time_machine
from django.apps import apps

from ansheng.risks import services
from ansheng.risks.models import InspectionTask, Occurrence, Post
from ansheng.risks.schedule import SHANGHAI
from ansheng.risks.tests.factories import risk_point, task

pytestmark = pytest.mark.django_db

NOV29 = dt.datetime(2026, 11, 29, 10, tzinfo=SHANGHAI)


# --- posts --------------------------------------------------------------------------------------------------------


def test_admin_creates_and_edits_a_post_with_errors_on_the_form(world, client_for):
    obj, *_ = risk_point(world)
    other, *_ = risk_point(world, user="other_ent_admin", enterprise="mine_a", code="KS-01", name="采场边坡")
    admin = client_for(world.users["ent_admin"])
    listing = admin.get("/risks/posts/").content.decode()
    assert 'href="/risks/posts/new/"' in listing

    page = admin.get("/risks/posts/new/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "液氯储罐区" in body and "采场边坡" not in body  # only the enterprise's own risk points are offered
    assert "正压式空气呼吸器" in body  # the emergency actions the card will carry, from the risk point

    response = admin.post("/risks/posts/new/", {"name": "", "duties": "充装"})
    assert response.status_code == 422 and 'data-testid="error-name"' in response.content.decode()
    response = admin.post("/risks/posts/new/", {"name": "液氯充装工", "risk_objects": [other.pk]})
    assert response.status_code == 422 and 'data-testid="error-risk_objects"' in response.content.decode()
    response = admin.post(
        "/risks/posts/new/", {"name": "液氯充装工", "duties": "液氯钢瓶充装", "risk_objects": [obj.pk]}
    )
    assert response.status_code == 302 and response["Location"] == "/risks/posts/"
    post = Post.objects.get(name="液氯充装工")
    assert list(post.risk_objects.all()) == [obj]
    response = admin.post("/risks/posts/new/", {"name": "液氯充装工"})
    assert response.status_code == 422 and "本企业已有该岗位" in response.content.decode()

    listing = admin.get("/risks/posts/").content.decode()
    assert f"/risks/posts/{post.pk}/edit/" in listing and f"/risks/posts/{post.pk}/card.pdf" in listing
    edit = admin.get(f"/risks/posts/{post.pk}/edit/").content.decode()
    assert 'value="液氯充装工"' in edit and "液氯钢瓶充装" in edit
    response = admin.post(f"/risks/posts/{post.pk}/edit/", {"name": "液氯充装工", "duties": "充装与巡检"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.duties == "充装与巡检" and post.risk_objects.count() == 0
    admin.post("/risks/posts/new/", {"name": "电解工"})
    response = admin.post(f"/risks/posts/{post.pk}/edit/", {"name": "电解工"})
    assert response.status_code == 422 and "本企业已有该岗位" in response.content.decode()


def test_post_pages_refuse_others(world, client_for):
    obj, *_ = risk_point(world)
    post = services.do_save_post(
        acting_user=world.users["ent_admin"],
        enterprise_id=world.enterprises["chem_b"].pk,
        data={"name": "液氯充装工", "risk_objects": [obj.pk]},
    )
    staff = client_for(world.users["ent_staff"])
    assert staff.get("/risks/posts/new/").status_code == 403
    assert staff.post("/risks/posts/new/", {"name": "x"}).status_code == 403
    assert staff.get(f"/risks/posts/{post.pk}/edit/").status_code == 403
    assert f"/risks/posts/{post.pk}/edit/" not in staff.get("/risks/posts/").content.decode()
    county_b = client_for(world.users["county_b"])
    assert county_b.get(f"/risks/posts/{post.pk}/edit/").status_code == 403  # visible, not theirs to change
    assert county_b.get("/risks/posts/").status_code == 200
    assert client_for(world.users["county_a"]).get(f"/risks/posts/{post.pk}/edit/").status_code == 404
    other = client_for(world.users["other_ent_admin"])
    assert other.get(f"/risks/posts/{post.pk}/edit/").status_code == 404
    assert other.post(f"/risks/posts/{post.pk}/edit/", {"name": "改名"}).status_code == 404
    post.refresh_from_db()
    assert post.name == "液氯充装工"


# --- inspection tasks ---------------------------------------------------------------------------------------------


def _history(world, obj):
    """A daily task from 11-27: done on 11-27 (with a finding), missed on 11-28, open on 11-29."""
    daily = task(world, obj, starts_on=dt.date(2026, 11, 27))
    staff = world.users["ent_staff"]
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, tzinfo=SHANGHAI), tick=False):
        services.generate_occurrences()
        first = Occurrence.objects.get(task=daily)
        services.do_complete_occurrence(
            acting_user=staff,
            occurrence_id=first.pk,
            answers=[{"result": "ok"}, {"result": "na"}, {"result": "finding", "note": "喷淋泵出口阀门锈蚀渗漏"}],
        )
    with time_machine.travel(NOV29, tick=False):
        services.generate_occurrences()
        services.sweep_missed()
    return daily


def test_task_list_filters_and_shows_last_occurrences_and_completion(world, client_for):
    obj, *_ = risk_point(world)
    daily = _history(world, obj)
    weekly = task(world, obj, cycle="week", name="消防设施周检", assignees=("ent_admin",))
    admin = client_for(world.users["ent_admin"])
    with time_machine.travel(NOV29, tick=False):
        page = admin.get("/risks/tasks/").content.decode()
        assert "液氯储罐日常巡检" in page and "消防设施周检" in page
        row = page.split(f'data-testid="task-{daily.pk}"')[1].split("</tr>")[0]
        recent = ['title="2026-11-29 待排查"', 'title="2026-11-28 已漏检"', 'title="2026-11-27 已完成"']
        assert [row.index(tag) for tag in recent] == sorted(row.index(tag) for tag in recent)  # newest first
        assert "50.0%" in row and "1/2" in row  # the open window is not counted
        week_page = admin.get("/risks/tasks/?cycle=week").content.decode()
        assert "消防设施周检" in week_page and "液氯储罐日常巡检" not in week_page
        mine = admin.get(f"/risks/tasks/?assignee={world.users['ent_staff'].pk}").content.decode()
        assert "液氯储罐日常巡检" in mine and "消防设施周检" not in mine
        services.do_update_task(acting_user=world.users["ent_admin"], task_id=weekly.pk, changes={"is_active": False})
        stopped = admin.get("/risks/tasks/?active=0").content.decode()
        assert "消防设施周检" in stopped and "液氯储罐日常巡检" not in stopped
        assert admin.get("/risks/tasks/?cycle=hourly").status_code == 200  # an unknown filter value is ignored
    county_b = client_for(world.users["county_b"])
    page = county_b.get(f"/risks/tasks/?enterprise={world.enterprises['chem_b'].pk}").content.decode()
    assert "液氯储罐日常巡检" in page and world.enterprises["chem_b"].name in page
    assert "液氯储罐日常巡检" not in client_for(world.users["county_a"]).get("/risks/tasks/").content.decode()
    chem = world.enterprises["chem_b"].pk
    assert client_for(world.users["county_a"]).get(f"/risks/tasks/?enterprise={chem}").status_code == 404
    assert county_b.get("/risks/tasks/?enterprise=x").status_code == 404
    assert "液氯储罐日常巡检" not in client_for(world.users["other_ent_admin"]).get("/risks/tasks/").content.decode()
    assert client_for(world.users["public"]).get("/risks/tasks/").status_code == 404


def test_task_detail_shows_checklist_and_history_with_findings(world, client_for):
    obj, *_ = risk_point(world)
    daily = _history(world, obj)
    url = f"/risks/tasks/{daily.pk}/"
    with time_machine.travel(NOV29, tick=False):
        response = client_for(world.users["county_b"]).get(url)
        assert response.status_code == 200
        page = response.content.decode()
        for text in ("压力表读数在正常范围", "喷淋系统完好", "已完成", "已漏检", "待排查", "ent_staff", "阀门锈蚀渗漏"):
            assert text in page, text
        assert "50.0%" in page
        if apps.is_installed("ansheng.dangers"):
            danger = Occurrence.objects.get(task=daily, status="done").answers.get(index=2).danger
            assert f'href="/dangers/{danger.pk}/"' in page
        assert f"/risks/tasks/{daily.pk}/edit/" not in page  # a supervisor reads
        assert f"/risks/m/{obj.qr_token}/" not in page  # and does not do the checklist
        missed = client_for(world.users["county_b"]).get(url + "?status=missed").content.decode()
        assert "已漏检" in missed and "阀门锈蚀渗漏" not in missed
        staff_page = client_for(world.users["ent_staff"]).get(url).content.decode()
        assert f"/risks/m/{obj.qr_token}/" in staff_page  # the open window: 去排查
    assert client_for(world.users["county_a"]).get(url).status_code == 404
    assert client_for(world.users["other_ent_admin"]).get(url).status_code == 404


def test_task_edit_and_deactivate(world, client_for):
    obj, *_ = risk_point(world)
    daily = task(world, obj, starts_on=dt.date(2026, 11, 29))
    admin = client_for(world.users["ent_admin"])
    url = f"/risks/tasks/{daily.pk}/edit/"
    page = admin.get(url).content.decode()
    assert "压力表读数在正常范围\n无氯气泄漏气味\n喷淋系统完好" in page and 'value="液氯储罐日常巡检"' in page
    form = {"name": "液氯储罐日常巡检", "checklist": "", "cycle": "day", "starts_on": "2026-11-29"}
    response = admin.post(url, form)
    assert response.status_code == 422 and 'data-testid="error-checklist"' in response.content.decode()
    response = admin.post(url, {**form, "checklist": "压力正常", "cycle": "special"})
    assert response.status_code == 422 and "须填写结束日期" in response.content.decode()
    response = admin.post(
        url, {**form, "checklist": "压力表读数在正常范围\n液位计读数正常", "assignees": [world.users["ent_admin"].pk]}
    )
    assert response.status_code == 302 and response["Location"] == f"/risks/tasks/{daily.pk}/"
    daily.refresh_from_db()
    assert daily.checklist == ["压力表读数在正常范围", "液位计读数正常"]
    assert list(daily.assignees.all()) == [world.users["ent_admin"]]

    deactivate = f"/risks/tasks/{daily.pk}/deactivate/"
    assert "确认停用" in admin.get(deactivate).content.decode()
    assert admin.post(deactivate).status_code == 302
    daily.refresh_from_db()
    assert daily.is_active is False
    assert "确认启用" in admin.get(deactivate).content.decode()
    assert admin.post(deactivate).status_code == 302
    assert InspectionTask.objects.get(pk=daily.pk).is_active is True

    staff = client_for(world.users["ent_staff"])
    county_b = client_for(world.users["county_b"])
    for client, status in ((staff, 403), (county_b, 403), (client_for(world.users["county_a"]), 404)):
        assert client.get(url).status_code == status
        assert client.post(url, {**form, "checklist": "x"}).status_code == status
        assert client.post(deactivate).status_code == status
    assert client_for(world.users["other_ent_admin"]).post(deactivate).status_code == 404
    daily.refresh_from_db()
    assert daily.is_active is True and daily.checklist == ["压力表读数在正常范围", "液位计读数正常"]


def test_a_task_started_again_does_not_count_the_stopped_days_as_missed(world, client_for):
    obj, *_ = risk_point(world)
    daily = task(world, obj, starts_on=dt.date(2026, 11, 27))
    deactivate = f"/risks/tasks/{daily.pk}/deactivate/"
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, tzinfo=SHANGHAI), tick=False):
        services.generate_occurrences()
        response = client_for(world.users["ent_admin"]).post(deactivate)
        assert response.status_code == 302 and response["Location"] == f"/risks/tasks/{daily.pk}/"
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, tzinfo=SHANGHAI), tick=False):
        admin = client_for(world.users["ent_admin"])  # signed in now (sessions expire)
        services.sweep_missed()
        response = admin.post(deactivate)
        assert response.status_code == 302 and response["Location"] == f"/risks/tasks/{daily.pk}/"
        services.generate_occurrences()
        page = admin.get(f"/risks/tasks/{daily.pk}/").content.decode()
    rows = list(Occurrence.objects.filter(task=daily).values_list("due_on", "status"))
    assert rows == [(dt.date(2026, 11, 27), "missed"), (dt.date(2026, 11, 30), "pending")]
    assert "2026-11-28" not in page and "2026-11-30" in page


# --- 我的排查任务 ---------------------------------------------------------------------------------------------------


def test_my_tasks_lists_what_is_mine_due_now_and_next(world, client_for):
    obj, *_ = risk_point(world)
    mine = task(world, obj, starts_on=dt.date(2026, 11, 29))
    task(world, obj, name="主控室交接班检查", assignees=("ent_admin",), starts_on=dt.date(2026, 11, 29))
    anyone = task(
        world,
        obj,
        name="冬季防冻专项检查",
        cycle="special",
        assignees=(),
        starts_on=dt.date(2026, 11, 29),
        ends_on=dt.date(2026, 12, 5),
    )
    task(world, obj, name="安全阀月度校验", cycle="month", starts_on=dt.date(2026, 12, 1))
    other_obj, *_ = risk_point(world, user="other_ent_admin", enterprise="mine_a", code="KS-01", name="采场边坡")
    services.do_create_task(
        acting_user=world.users["other_ent_admin"],
        object_id=other_obj.pk,
        data={"name": "边坡巡查", "checklist": ["无裂缝"], "cycle": "day", "starts_on": dt.date(2026, 11, 29)},
    )
    staff = client_for(world.users["ent_staff"])
    with time_machine.travel(NOV29, tick=False):
        services.generate_occurrences()
        response = staff.get("/risks/mine/")
        assert response.status_code == 200
        page = response.content.decode()
        due = page.split('data-testid="due-now"')[1].split("</section>")[0]
        upcoming = page.split('data-testid="upcoming"')[1].split("</section>")[0]
        assert "液氯储罐日常巡检" in due and "冬季防冻专项检查" in due
        assert "主控室交接班检查" not in page and "边坡巡查" not in page
        assert f'href="/risks/m/{obj.qr_token}/"' in due
        assert "液氯储罐日常巡检" in upcoming and "11-30 00:00" in upcoming  # tomorrow's window
        assert "安全阀月度校验" in upcoming and "12-01 00:00" in upcoming
        assert "冬季防冻专项检查" not in upcoming  # its one window is open now
        home = staff.get("/").content.decode()
        assert 'href="/risks/mine/"' in home
        admin_page = client_for(world.users["ent_admin"]).get("/risks/mine/").content.decode()
        assert (
            "主控室交接班检查" in admin_page and "液氯储罐日常巡检" not in admin_page.split('data-testid="upcoming"')[0]
        )
        occurrence = Occurrence.objects.get(task=mine)
        services.do_complete_occurrence(
            acting_user=world.users["ent_staff"],
            occurrence_id=occurrence.pk,
            answers=[{"result": "ok"}] * 3,
        )
        page = staff.get("/risks/mine/").content.decode()
        assert f'data-testid="due-{occurrence.pk}"' not in page
        assert "液氯储罐日常巡检" in page.split('data-testid="done"')[1]
        assert Occurrence.objects.filter(task=anyone).count() == 1
    for name in ("county_b", "city", "public"):
        assert client_for(world.users[name]).get("/risks/mine/").status_code == 404, name


def test_my_tasks_nav_entry_for_enterprise_roles_only(world, client_for):
    assert 'href="/risks/mine/"' in client_for(world.users["ent_staff"]).get("/risks/").content.decode()
    assert 'href="/risks/mine/"' in client_for(world.users["ent_admin"]).get("/risks/").content.decode()
    assert 'href="/risks/mine/"' not in client_for(world.users["county_b"]).get("/risks/").content.decode()
