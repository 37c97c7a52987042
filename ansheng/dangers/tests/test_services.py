"""The lifecycle state machine: every allowed step and every refused one, with its stable code."""

from __future__ import annotations

import datetime as dt
import sys
import types
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from ansheng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ansheng.core.models import AuditEvent, Notification
from ansheng.dangers import services
from ansheng.dangers.choices import Grade, State
from ansheng.dangers.models import ExtensionRequest, HiddenDanger
from ansheng.dangers.tests.helpers import PLAN, image_bytes, photo, report, today, walk

pytestmark = pytest.mark.django_db


def events(danger: HiddenDanger) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="dangers.hiddendanger", object_id=str(danger.pk))
        .order_by("seq")
        .values_list("event", flat=True)
    )


# --- reporting ----------------------------------------------------------------------------------------------------


def test_a_worker_reports_a_danger_with_a_photo_stored_privately(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        danger = report(world)
    assert danger.state == State.REPORTED and danger.grade == ""
    assert danger.number.startswith("YH") and danger.number.endswith(f"{danger.pk:05d}")
    stored = danger.photos.get()
    assert stored.kind == "before" and stored.content_type == "image/jpeg"
    path = Path(stored.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT) / "private" / "dangers") and path.exists()
    assert "现场" not in path.name  # the stored name carries no user input
    assert events(danger) == ["danger.reported"]
    assert Notification.objects.filter(user=world.users["ent_admin"], kind="danger.reported").count() == 1


def test_the_title_defaults_to_the_first_line_of_the_description(world):
    danger = report(world, title="", description="消防通道堆放杂物\n二楼东侧")
    assert danger.title == "消防通道堆放杂物"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"source": "rumour"}, "invalid_choice", "source"),
        ({"description": "  "}, "required", "description"),
        ({"photos": [SimpleUploadedFile("a.jpg", b"#!/bin/sh\nrm -rf /\n")]}, "photo_type", "photos"),
        ({"photos": [SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64)]}, "photo_invalid", "photos"),
        ({"photos": [SimpleUploadedFile("a.jpg", b"")]}, "empty_photo", "photos"),
        ({"latitude": "95", "longitude": "103.7"}, "out_of_china", "latitude"),
    ],
)
def test_it_refuses_bad_reports(world, change, code, field):
    with pytest.raises(ValidationFailed) as caught:
        report(world, **change)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not HiddenDanger.objects.exists()


def test_it_refuses_a_photo_over_the_configured_size(world, settings):
    settings.DANGERS_PHOTO_MAX_BYTES = len(image_bytes()) - 1
    with pytest.raises(ValidationFailed) as caught:
        report(world)
    assert caught.value.code == "photo_too_large"


def test_it_accepts_png_and_webp_by_content_whatever_the_name(world):
    danger = report(world, photos=[photo("a.txt", "PNG"), photo("b", "WEBP")])
    assert sorted(danger.photos.values_list("content_type", flat=True)) == ["image/png", "image/webp"]


def test_a_report_for_an_enterprise_outside_the_jurisdiction_is_not_found(world):
    with pytest.raises(NotFound):
        report(world, by="other_ent_admin")
    with pytest.raises(NotFound):
        report(world, by="county_a")  # chem_b lies in county B
    with pytest.raises(NotFound):
        report(world, by="public")


def test_a_regulator_reports_what_they_found(world):
    danger = report(world, by="county_b", source="regulator")
    assert danger.reported_by == world.users["county_b"]


# --- grading ------------------------------------------------------------------------------------------------------


def test_grading_major_notifies_the_county_bureau_at_once(world, django_capture_on_commit_callbacks):
    danger = report(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.do_grade_danger(acting_user=world.users["ent_admin"], danger_id=danger.pk, grade="重大")
    danger.refresh_from_db()
    assert (danger.state, danger.grade) == (State.GRADED, Grade.MAJOR)
    assert danger.bureau_notified_at is not None
    notes = Notification.objects.filter(kind="danger.major_reported")
    assert [n.user.username for n in notes] == ["county_b"]


def test_staff_may_not_grade(world):
    danger = report(world)
    with pytest.raises(PermissionDenied):
        services.do_grade_danger(acting_user=world.users["ent_staff"], danger_id=danger.pk, grade="general")


def test_grading_needs_a_valid_grade(world):
    danger = report(world)
    with pytest.raises(ValidationFailed) as caught:
        services.do_grade_danger(acting_user=world.users["ent_admin"], danger_id=danger.pk, grade="较大")
    assert caught.value.code == "invalid_choice"


# --- assignment ---------------------------------------------------------------------------------------------------


def test_assigning_a_major_danger_needs_every_part_of_the_16_plan(world):
    danger = walk(world, "graded", grade="major")
    partial = {**PLAN, "funds": " ", "safety": ""}
    with pytest.raises(ValidationFailed) as caught:
        services.do_assign_danger(
            acting_user=world.users["ent_admin"],
            danger_id=danger.pk,
            responsible_id=world.users["ent_staff"].pk,
            deadline=today() + dt.timedelta(days=30),
            plan=partial,
        )
    assert caught.value.code == "missing_plan"
    assert [e.field for e in caught.value.errors] == ["plan_funds", "plan_safety"]
    danger.refresh_from_db()
    assert danger.state == State.GRADED


def test_a_general_danger_is_assigned_without_a_plan(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        danger = walk(world, "assigned")
    assert danger.state == State.ASSIGNED and danger.responsible == world.users["ent_staff"] and danger.plan == {}
    assert Notification.objects.filter(user=world.users["ent_staff"], kind="danger.assigned").count() == 1


@pytest.mark.parametrize(
    ("who", "days", "code"),
    [
        ("other_ent_admin", 5, "invalid_responsible"),
        ("county_b", 5, "invalid_responsible"),
        ("ent_staff", -1, "deadline_past"),
    ],
)
def test_it_refuses_a_bad_assignment(world, who, days, code):
    danger = walk(world, "graded")
    with pytest.raises(ValidationFailed) as caught:
        services.do_assign_danger(
            acting_user=world.users["ent_admin"],
            danger_id=danger.pk,
            responsible_id=world.users[who].pk,
            deadline=today() + dt.timedelta(days=days),
        )
    assert caught.value.code == code


def test_an_ungraded_danger_cannot_be_assigned(world):
    danger = walk(world, "reported")
    with pytest.raises(Conflict) as caught:
        services.do_assign_danger(
            acting_user=world.users["ent_admin"],
            danger_id=danger.pk,
            responsible_id=world.users["ent_staff"].pk,
            deadline=today(),
        )
    assert caught.value.code == "wrong_state" and caught.value.status == 409


# --- rectification ------------------------------------------------------------------------------------------------


def test_only_the_responsible_person_starts_and_submits(world):
    danger = walk(world, "assigned")
    with pytest.raises(PermissionDenied) as caught:
        services.do_start_rectification(acting_user=world.users["ent_admin"], danger_id=danger.pk)
    assert caught.value.code == "wrong_person"
    services.do_start_rectification(acting_user=world.users["ent_staff"], danger_id=danger.pk)
    with pytest.raises(PermissionDenied) as caught:
        services.do_submit_rectification(
            acting_user=world.users["ent_admin"], danger_id=danger.pk, description="好了", photos=[photo()]
        )
    assert caught.value.code == "wrong_person"


def test_submitting_needs_an_after_photo_and_a_description(world):
    danger = walk(world, "rectifying")
    with pytest.raises(ValidationFailed) as caught:
        services.do_submit_rectification(
            acting_user=world.users["ent_staff"], danger_id=danger.pk, description="已整改", photos=[]
        )
    assert caught.value.code == "missing_photo"
    with pytest.raises(ValidationFailed) as caught:
        services.do_submit_rectification(
            acting_user=world.users["ent_staff"], danger_id=danger.pk, description="", photos=[photo()]
        )
    assert caught.value.code == "missing_description"
    danger.refresh_from_db()
    assert danger.state == State.RECTIFYING and not danger.photos.filter(kind="after").exists()


def test_submitting_before_starting_is_the_wrong_state(world):
    danger = walk(world, "assigned")
    with pytest.raises(Conflict) as caught:
        services.do_submit_rectification(
            acting_user=world.users["ent_staff"], danger_id=danger.pk, description="x", photos=[photo()]
        )
    assert caught.value.code == "wrong_state"


def test_it_rejects_acceptance_by_the_rectifier(world):
    danger = walk(world, "submitted")
    with pytest.raises(PermissionDenied) as caught:
        services.do_accept_rectification(acting_user=world.users["ent_staff"], danger_id=danger.pk)
    assert caught.value.code == "rectifier_cannot_accept"
    with pytest.raises(PermissionDenied) as caught:
        services.do_reject_rectification(acting_user=world.users["ent_staff"], danger_id=danger.pk, reason="x")
    assert caught.value.code == "rectifier_cannot_accept"


def test_a_rejected_rectification_goes_back_and_counts(world, django_capture_on_commit_callbacks):
    danger = walk(world, "submitted")
    with pytest.raises(ValidationFailed):
        services.do_reject_rectification(acting_user=world.users["ent_admin"], danger_id=danger.pk, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.do_reject_rectification(acting_user=world.users["ent_admin"], danger_id=danger.pk, reason="照片不清")
    danger.refresh_from_db()
    assert danger.state == State.RECTIFYING and danger.rejections == 1
    assert Notification.objects.filter(user=world.users["ent_staff"], kind="danger.rejected").count() == 1


def test_a_second_acceptance_on_a_stale_page_gets_a_conflict(world):
    danger = walk(world, "submitted")
    services.do_accept_rectification(acting_user=world.users["ent_admin"], danger_id=danger.pk)
    with pytest.raises(Conflict) as caught:
        services.do_accept_rectification(acting_user=world.users["county_b"], danger_id=danger.pk)
    assert caught.value.code == "wrong_state" and caught.value.status == 409
    danger.refresh_from_db()
    assert danger.accepted_by == world.users["ent_admin"]


def test_the_whole_general_loop_is_audited_step_by_step(world):
    danger = walk(world, "closed")
    assert danger.state == State.CLOSED and danger.closed_at is not None
    assert events(danger) == [
        "danger.reported",
        "danger.graded",
        "danger.assigned",
        "danger.started",
        "danger.submitted",
        "danger.accepted",
        "danger.closed",
    ]
    assert services.on_time(danger) is True


def test_a_major_danger_is_not_closed_without_the_bureau_review(world, django_capture_on_commit_callbacks):
    danger = walk(world, "accepted", grade="major")
    with pytest.raises(Conflict) as caught:
        services.do_close_danger(acting_user=world.users["ent_admin"], danger_id=danger.pk)
    assert caught.value.code == "needs_review"
    with pytest.raises(ValidationFailed) as missing:
        services.do_submit_evaluation(
            acting_user=world.users["ent_admin"], danger_id=danger.pk, agency="", conclusion="x"
        )
    assert missing.value.code == "missing_evaluation"
    with django_capture_on_commit_callbacks(execute=True):
        services.do_submit_evaluation(
            acting_user=world.users["ent_admin"], danger_id=danger.pk, agency="评价公司", conclusion="合格"
        )
    assert Notification.objects.filter(user=world.users["county_b"], kind="danger.review_requested").exists()
    with pytest.raises(PermissionDenied):
        services.do_review_closure(acting_user=world.users["ent_admin"], danger_id=danger.pk, approve=True)
    with pytest.raises(NotFound):
        services.do_review_closure(acting_user=world.users["county_a"], danger_id=danger.pk, approve=True)
    with pytest.raises(ValidationFailed):
        services.do_review_closure(acting_user=world.users["county_b"], danger_id=danger.pk, approve=False)
    services.do_review_closure(
        acting_user=world.users["county_b"], danger_id=danger.pk, approve=False, note="评估报告缺少检测数据"
    )
    danger.refresh_from_db()
    assert danger.state == State.RECTIFYING


def test_a_general_danger_has_no_evaluation_step(world):
    danger = walk(world, "accepted")
    with pytest.raises(Conflict) as caught:
        services.do_submit_evaluation(
            acting_user=world.users["ent_admin"], danger_id=danger.pk, agency="a", conclusion="b"
        )
    assert caught.value.code == "not_major"


def test_the_major_loop_closes_after_approval(world):
    danger = walk(world, "closed", grade="major")
    assert danger.state == State.CLOSED and danger.closed_by == world.users["county_b"]
    assert "danger.review_approved" in events(danger)


# --- on the spot --------------------------------------------------------------------------------------------------


def test_a_general_danger_fixed_on_the_spot_is_closed_in_one_step(world):
    danger = report(world)
    services.do_rectify_on_the_spot(
        acting_user=world.users["ent_staff"], danger_id=danger.pk, description="当场清理", photos=[photo()]
    )
    danger.refresh_from_db()
    assert (danger.state, danger.grade, danger.on_the_spot) == (State.CLOSED, Grade.GENERAL, True)
    assert events(danger) == ["danger.reported", "danger.rectified_on_the_spot"]


def test_a_major_danger_cannot_be_fixed_on_the_spot(world):
    danger = walk(world, "graded", grade="major")
    with pytest.raises(Conflict) as caught:
        services.do_rectify_on_the_spot(
            acting_user=world.users["ent_staff"], danger_id=danger.pk, description="x", photos=[photo()]
        )
    assert caught.value.code == "major_not_immediate"


def test_on_the_spot_needs_the_after_photo(world):
    danger = report(world)
    with pytest.raises(ValidationFailed) as caught:
        services.do_rectify_on_the_spot(
            acting_user=world.users["ent_staff"], danger_id=danger.pk, description="x", photos=[]
        )
    assert caught.value.code == "missing_photo"


# --- supervision and extensions -----------------------------------------------------------------------------------


def test_the_bureau_puts_a_major_danger_under_supervision_once(world, django_capture_on_commit_callbacks):
    danger = walk(world, "assigned", grade="major")
    due = today() + dt.timedelta(days=30)
    with pytest.raises(PermissionDenied):
        services.do_order_supervision(acting_user=world.users["ent_admin"], danger_id=danger.pk, due=due)
    with pytest.raises(NotFound):
        services.do_order_supervision(acting_user=world.users["county_a"], danger_id=danger.pk, due=due)
    with django_capture_on_commit_callbacks(execute=True):
        services.do_order_supervision(acting_user=world.users["county_b"], danger_id=danger.pk, due=due, note="限期")
    danger.refresh_from_db()
    assert danger.supervised and danger.supervision_due == due
    assert Notification.objects.filter(user=world.users["ent_staff"], kind="danger.supervision_ordered").exists()
    with pytest.raises(Conflict) as caught:
        services.do_order_supervision(acting_user=world.users["county_b"], danger_id=danger.pk, due=due)
    assert caught.value.code == "already_supervised"


def test_only_a_major_danger_is_supervised(world):
    danger = walk(world, "assigned")
    with pytest.raises(Conflict) as caught:
        services.do_order_supervision(acting_user=world.users["county_b"], danger_id=danger.pk, due=today())
    assert caught.value.code == "not_major"


def _set_deadline(danger: HiddenDanger, days: int) -> None:
    HiddenDanger.objects.filter(pk=danger.pk).update(deadline=today() + dt.timedelta(days=days))


def test_an_extension_must_be_asked_at_least_ten_days_before_the_deadline(world):
    danger = walk(world, "rectifying", grade="major")
    _set_deadline(danger, 9)
    with pytest.raises(ValidationFailed) as caught:
        services.do_request_extension(
            acting_user=world.users["ent_staff"],
            danger_id=danger.pk,
            new_deadline=today() + dt.timedelta(days=40),
            reason="设备到货延迟",
        )
    assert caught.value.code == "extension_too_late"
    _set_deadline(danger, 10)
    request = services.do_request_extension(
        acting_user=world.users["ent_staff"],
        danger_id=danger.pk,
        new_deadline=today() + dt.timedelta(days=40),
        reason="设备到货延迟",
    )
    assert request.answer_due == today() + dt.timedelta(days=5)
    with pytest.raises(Conflict) as caught:
        services.do_request_extension(
            acting_user=world.users["ent_staff"],
            danger_id=danger.pk,
            new_deadline=today() + dt.timedelta(days=50),
            reason="再延",
        )
    assert caught.value.code == "extension_pending"


def test_the_bureau_answers_a_major_extension_and_the_deadline_moves(world):
    danger = walk(world, "rectifying", grade="major")
    new = today() + dt.timedelta(days=45)
    request = services.do_request_extension(
        acting_user=world.users["ent_staff"], danger_id=danger.pk, new_deadline=new, reason="等待备件"
    )
    with pytest.raises(PermissionDenied) as caught:
        services.do_answer_extension(acting_user=world.users["ent_admin"], extension_id=request.pk, approve=True)
    assert caught.value.code == "wrong_person"
    services.do_answer_extension(acting_user=world.users["county_b"], extension_id=request.pk, approve=True)
    danger.refresh_from_db()
    assert danger.deadline == new
    with pytest.raises(Conflict):
        services.do_answer_extension(
            acting_user=world.users["county_b"], extension_id=request.pk, approve=False, note="x"
        )


def test_a_general_extension_is_answered_by_another_enterprise_admin(world):
    danger = walk(world, "rectifying")
    request = services.do_request_extension(
        acting_user=world.users["ent_staff"],
        danger_id=danger.pk,
        new_deadline=today() + dt.timedelta(days=60),
        reason="停产检修时整改",
    )
    with pytest.raises(ValidationFailed):
        services.do_answer_extension(acting_user=world.users["ent_admin"], extension_id=request.pk, approve=False)
    services.do_answer_extension(
        acting_user=world.users["ent_admin"], extension_id=request.pk, approve=False, note="不符合条件"
    )
    assert ExtensionRequest.objects.get(pk=request.pk).status == "refused"
    danger.refresh_from_db()
    assert danger.deadline == today() + dt.timedelta(days=20)


def test_an_extension_must_move_the_deadline_later(world):
    danger = walk(world, "assigned")
    with pytest.raises(ValidationFailed) as caught:
        services.do_request_extension(
            acting_user=world.users["ent_staff"], danger_id=danger.pk, new_deadline=today(), reason="x"
        )
    assert caught.value.code == "extension_not_later"


# --- colour inputs and the risks hook -------------------------------------------------------------------------------


def test_colour_inputs_count_open_major_and_overdue(world):
    chem = world.enterprises["chem_b"]
    walk(world, "assigned", grade="major")
    overdue = walk(world, "rectifying")
    HiddenDanger.objects.filter(pk=overdue.pk).update(deadline=today() - dt.timedelta(days=1))
    walk(world, "closed", grade="major")
    mine = world.enterprises["mine_a"].pk
    assert services.colour_inputs([chem.pk, mine]) == {
        chem.pk: {"open_major": 1, "overdue": 1},
        mine: {"open_major": 0, "overdue": 0},
    }


def test_transitions_that_change_the_counts_recompute_the_colour(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    calls: list[list[int]] = []
    module = types.ModuleType("ansheng.risks.colour")
    module.recompute_enterprise_colours = calls.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ansheng.risks.colour", module)
    monkeypatch.setitem(sys.modules, "ansheng.risks", types.ModuleType("ansheng.risks"))
    from django.apps import apps

    real = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name == "ansheng.risks" or real(name))
    chem = world.enterprises["chem_b"].pk
    danger = report(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.do_grade_danger(acting_user=world.users["ent_admin"], danger_id=danger.pk, grade="major")
    assert calls == [[chem]]
    calls.clear()
    general = report(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.do_grade_danger(acting_user=world.users["ent_admin"], danger_id=general.pk, grade="general")
    assert calls == []  # a 一般 grading changes neither count
    services.do_assign_danger(
        acting_user=world.users["ent_admin"],
        danger_id=general.pk,
        responsible_id=world.users["ent_staff"].pk,
        deadline=today() + dt.timedelta(days=3),
    )
    services.do_start_rectification(acting_user=world.users["ent_staff"], danger_id=general.pk)
    services.do_submit_rectification(
        acting_user=world.users["ent_staff"], danger_id=general.pk, description="已整改", photos=[photo()]
    )
    calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.do_accept_rectification(acting_user=world.users["ent_admin"], danger_id=general.pk)
    assert calls == [[chem]]  # an accepted danger no longer counts as overdue
