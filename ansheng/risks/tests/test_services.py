"""Risk points, assessments with history, measures, tasks, the generator, the missed sweep and checklists."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from ansheng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ansheng.core.models import Notification
from ansheng.risks import services
from ansheng.risks.models import Assessment, Occurrence, RiskObject
from ansheng.risks.schedule import SHANGHAI
from ansheng.risks.tests.factories import PNG, risk_point, task

pytestmark = pytest.mark.django_db


def bj(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def test_risk_point_has_unguessable_token_and_unique_code(world):
    obj, *_ = risk_point(world)
    assert len(obj.qr_token) >= 20
    with pytest.raises(ValidationFailed) as exc:
        risk_point(world)
    assert exc.value.code == "unique" and exc.value.field == "code"


def test_only_the_enterprise_admin_creates_and_only_in_its_own_enterprise(world):
    with pytest.raises(PermissionDenied):
        risk_point(world, user="ent_staff")
    with pytest.raises(PermissionDenied):
        risk_point(world, user="county_b")
    with pytest.raises(NotFound):
        risk_point(world, user="other_ent_admin")  # the chemical plant is not theirs


def test_event_validates_accident_type_and_hazard_factors(world):
    _obj, unit, _event, _m = risk_point(world)
    with pytest.raises(ValidationFailed) as exc:
        services.do_add_event(
            acting_user=world.users["ent_admin"],
            unit_id=unit.pk,
            data={"description": "x", "accident_type": "WSA19999", "hazard_factors": []},
        )
    assert exc.value.field == "accident_type"
    with pytest.raises(ValidationFailed) as exc:
        services.do_add_event(
            acting_user=world.users["ent_admin"],
            unit_id=unit.pk,
            data={"description": "x", "accident_type": "WSA10009", "hazard_factors": ["9"]},
        )
    assert exc.value.field == "hazard_factors"


def test_assessment_sets_level_colour_control_level_and_keeps_history(world):
    obj, _unit, event, _m = risk_point(world)
    admin = world.users["ent_admin"]
    with pytest.raises(ValidationFailed) as exc:
        services.do_assess_event(
            acting_user=admin, event_id=event.pk, stage="residual", method="LEC", factors={"L": 1, "E": 6, "C": 7}
        )
    assert exc.value.code == "inherent_first"
    services.do_assess_event(
        acting_user=admin, event_id=event.pk, stage="inherent", method="LEC", factors={"L": 6, "E": 6, "C": 15}
    )
    event.refresh_from_db()
    assert (event.level, event.colour, event.control_level) == ("major", "red", "公司")  # D = 540
    services.do_assess_event(
        acting_user=admin, event_id=event.pk, stage="residual", method="LS", factors={"L": 2, "S": 5}
    )
    event.refresh_from_db()
    assert (event.inherent_level, event.residual_level, event.level, event.colour) == (
        "major",
        "general",
        "general",
        "yellow",
    )
    assert event.control_level == "车间"
    assert RiskObject.objects.get(pk=obj.pk).level == "general"
    assert Assessment.objects.filter(event=event).count() == 2
    with pytest.raises(ValidationFailed) as exc:
        services.do_assess_event(
            acting_user=admin, event_id=event.pk, stage="inherent", method="LEC", factors={"L": 4, "E": 6, "C": 7}
        )
    assert exc.value.code == "value_not_in_table" and exc.value.field == "L"
    with pytest.raises(PermissionDenied):
        services.do_assess_event(
            acting_user=world.users["county_b"],
            event_id=event.pk,
            stage="inherent",
            method="LS",
            factors={"L": 1, "S": 1},
        )


def test_task_needs_checklist_and_ad_hoc_dates_and_own_assignees(world):
    obj, *_ = risk_point(world)
    with pytest.raises(ValidationFailed) as exc:
        task(world, obj, checklist=[])
    assert exc.value.field == "checklist"
    with pytest.raises(ValidationFailed) as exc:
        task(world, obj, cycle="holiday")
    assert exc.value.field == "ends_on"
    with pytest.raises(ValidationFailed) as exc:
        task(world, obj, assignees=("other_ent_admin",))
    assert exc.value.field == "assignees"


def test_generator_is_idempotent_across_month_end_and_notifies_once(world):
    obj, *_ = risk_point(world)
    t = task(world, obj, starts_on=dt.date(2028, 2, 28))
    with time_machine.travel(bj(2028, 3, 1, 9), tick=False):
        assert services.generate_occurrences() == 3  # 28 Feb, 29 Feb (leap day), 1 Mar
        assert services.generate_occurrences() == 0
        t.refresh_from_db()
        t.generated_until = None  # even a lost bookmark creates nothing twice
        t.save()
        assert services.generate_occurrences() == 0
        assert services.sweep_missed() == 0
    rows = list(Occurrence.objects.filter(task=t).order_by("period_start"))
    assert [r.due_on for r in rows] == [dt.date(2028, 2, 28), dt.date(2028, 2, 29), dt.date(2028, 3, 1)]
    assert [r.status for r in rows] == ["missed", "missed", "pending"]
    notes = Notification.objects.filter(user=world.users["ent_staff"], kind="risks.inspection_due")
    assert notes.count() == 1
    # Beijing midnight (16:00 UTC) opens the next day's window and closes this one.
    with time_machine.travel(dt.datetime(2028, 3, 1, 16, 0, 30, tzinfo=dt.UTC), tick=False):
        assert services.generate_occurrences() == 1
        assert services.sweep_missed() == 1
    assert Occurrence.objects.filter(task=t, status="pending").get().due_on == dt.date(2028, 3, 2)


def test_quarterly_and_yearly_tasks_cross_the_year(world):
    obj, *_ = risk_point(world)
    q = task(world, obj, cycle="quarter", starts_on=dt.date(2026, 12, 15))
    y = task(world, obj, cycle="year", starts_on=dt.date(2026, 12, 15))
    with time_machine.travel(bj(2027, 1, 1, 0, 1), tick=False):
        services.generate_occurrences()
        services.sweep_missed()
    assert [(o.due_on, o.status) for o in Occurrence.objects.filter(task=q).order_by("period_start")] == [
        (dt.date(2026, 12, 31), "missed"),
        (dt.date(2027, 3, 31), "pending"),
    ]
    assert [o.due_on for o in Occurrence.objects.filter(task=y).order_by("period_start")] == [
        dt.date(2026, 12, 31),
        dt.date(2027, 12, 31),
    ]


def test_ad_hoc_task_gets_one_window_then_never_again(world):
    obj, *_ = risk_point(world)
    t = task(world, obj, cycle="holiday", starts_on=dt.date(2026, 9, 30), ends_on=dt.date(2026, 10, 7))
    with time_machine.travel(bj(2026, 9, 29, 12), tick=False):
        assert services.generate_occurrences() == 0
    with time_machine.travel(bj(2026, 10, 2, 12), tick=False):
        assert services.generate_occurrences() == 1
    with time_machine.travel(bj(2026, 10, 9, 12), tick=False):
        assert services.generate_occurrences() == 0
        assert services.sweep_missed() == 1
    assert Occurrence.objects.get(task=t).due_on == dt.date(2026, 10, 7)


def _open_occurrence(world, obj):
    task(world, obj, starts_on=dt.date(2026, 11, 29))
    with time_machine.travel(bj(2026, 11, 29, 9), tick=False):
        services.generate_occurrences()
    return Occurrence.objects.get(task__risk_object=obj)


def test_checklist_completion_and_its_refusals(world):
    obj, *_ = risk_point(world)
    occurrence = _open_occurrence(world, obj)
    staff = world.users["ent_staff"]
    answers = [{"result": "ok"}, {"result": "na"}, {"result": "finding", "note": "", "photo": None}]
    now = bj(2026, 11, 29, 10)
    with pytest.raises(ValidationFailed) as exc:
        services.do_complete_occurrence(acting_user=staff, occurrence_id=occurrence.pk, answers=answers, now=now)
    assert exc.value.field == "answers[2].note"
    with pytest.raises(ValidationFailed) as exc:
        services.do_complete_occurrence(acting_user=staff, occurrence_id=occurrence.pk, answers=answers[:2], now=now)
    assert exc.value.code == "answers_incomplete"
    bad_photo = SimpleUploadedFile("x.jpg", b"GIF89a....", content_type="image/jpeg")
    answers[2] = {"result": "finding", "note": "喷淋管道锈蚀渗漏", "photo": bad_photo}
    with pytest.raises(ValidationFailed) as exc:
        services.do_complete_occurrence(acting_user=staff, occurrence_id=occurrence.pk, answers=answers, now=now)
    assert exc.value.code == "invalid_file_type"
    with pytest.raises(NotFound):
        services.do_complete_occurrence(
            acting_user=world.users["other_ent_admin"], occurrence_id=occurrence.pk, answers=answers, now=now
        )
    with pytest.raises(PermissionDenied):
        services.do_complete_occurrence(
            acting_user=world.users["county_b"], occurrence_id=occurrence.pk, answers=answers, now=now
        )
    with pytest.raises(Conflict) as exc:
        services.do_complete_occurrence(
            acting_user=staff, occurrence_id=occurrence.pk, answers=answers, now=bj(2026, 11, 30, 0, 0)
        )
    assert exc.value.code == "outside_window"
    answers[2]["photo"] = SimpleUploadedFile("leak.png", PNG, content_type="image/png")
    done = services.do_complete_occurrence(acting_user=staff, occurrence_id=occurrence.pk, answers=answers, now=now)
    assert done.status == "done" and done.findings == 1
    finding = done.answers.get(index=2)
    assert finding.photo.name.startswith(f"risks/{obj.enterprise_id}/") and finding.item == "喷淋系统完好"
    with pytest.raises(Conflict):
        services.do_complete_occurrence(acting_user=staff, occurrence_id=occurrence.pk, answers=answers, now=now)


def test_only_assignees_or_the_admin_may_do_the_checklist(world, django_user_model):
    from ansheng.core.choices import Role
    from ansheng.core.services import do_create_user

    other = do_create_user(
        acting_user=None,
        username="worker2",
        password="Correct-Horse-42",
        role=Role.ENTERPRISE_STAFF,
        enterprise=world.enterprises["chem_b"],
        check_password=False,
    )
    obj, *_ = risk_point(world)
    occurrence = _open_occurrence(world, obj)
    answers = [{"result": "ok"}] * 3
    with pytest.raises(PermissionDenied):
        services.do_complete_occurrence(
            acting_user=other, occurrence_id=occurrence.pk, answers=answers, now=bj(2026, 11, 29, 10)
        )
    services.do_complete_occurrence(
        acting_user=world.users["ent_admin"], occurrence_id=occurrence.pk, answers=answers, now=bj(2026, 11, 29, 10)
    )


def test_photo_too_large_is_refused(world, settings):
    settings.RISKS_PHOTO_MAX_MB = 1
    big = SimpleUploadedFile("big.png", PNG + b"\0" * (1024 * 1024), content_type="image/png")
    with pytest.raises(ValidationFailed) as exc:
        services.validate_photo(big, "photo")
    assert exc.value.code == "file_too_large"
    services.validate_photo(SimpleUploadedFile("ok.png", PNG), "photo")
    with pytest.raises(ValidationFailed) as exc:
        services.validate_photo(SimpleUploadedFile("bad.png", PNG[:20] + b"\0" * 60), "photo")
    assert exc.value.code == "invalid_image"


def test_one_notice_per_person_for_several_tasks_opening_together(world):
    obj, *_ = risk_point(world)
    for name in ("甲", "乙", "丙"):
        task(world, obj, starts_on=dt.date(2026, 11, 29), name=f"巡检{name}")
    with time_machine.travel(bj(2026, 11, 29, 9), tick=False):
        assert services.generate_occurrences() == 3
    notice = Notification.objects.get(user=world.users["ent_staff"], kind="risks.inspection_due")
    assert notice.title == "您有 3 项排查任务待执行" and "巡检乙" in notice.body
    assert not Notification.objects.filter(user=world.users["ent_admin"], kind="risks.inspection_due").exists()
