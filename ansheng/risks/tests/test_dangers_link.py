"""With the dangers app: a checklist finding becomes a hidden danger, 随手拍 is linked, dangers move the colour."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from ansheng.risks import services
from ansheng.risks.colour import enterprise_colours
from ansheng.risks.models import Occurrence
from ansheng.risks.schedule import SHANGHAI
from ansheng.risks.tests.factories import PNG, risk_point, task

pytest.importorskip("ansheng.dangers")
pytestmark = pytest.mark.django_db


def _complete_with_finding(world, obj):
    task(world, obj, starts_on=dt.date(2026, 11, 29))
    with time_machine.travel(dt.datetime(2026, 11, 29, 10, tzinfo=SHANGHAI), tick=False):
        services.generate_occurrences()
        occurrence = Occurrence.objects.get(task__risk_object=obj)
        return services.do_complete_occurrence(
            acting_user=world.users["ent_staff"],
            occurrence_id=occurrence.pk,
            answers=[
                {"result": "ok"},
                {"result": "finding", "note": "罐顶安全阀铅封缺失"},
                {"result": "finding", "note": "喷淋泵无法启动", "photo": SimpleUploadedFile("p.png", PNG)},
            ],
        )


def test_a_finding_is_reported_as_a_hidden_danger(world):
    from ansheng.dangers.models import HiddenDanger

    obj, *_ = risk_point(world)
    done = _complete_with_finding(world, obj)
    answers = {a.index: a for a in done.answers.all()}
    assert answers[0].danger is None
    dangers = HiddenDanger.objects.filter(enterprise=obj.enterprise).order_by("pk")
    assert [d.source for d in dangers] == ["inspection", "inspection"]
    second = dangers[1]
    assert answers[2].danger_id == second.pk
    assert "喷淋系统完好" in second.title and second.description == "喷淋泵无法启动"
    assert second.state == "reported" and second.reported_by == world.users["ent_staff"]
    assert second.origin_url == f"/risks/{obj.pk}/"
    assert second.photos.count() == 1


def test_mobile_page_links_the_quick_report(world, client_for):
    obj, *_ = risk_point(world)
    page = client_for(world.users["ent_staff"]).get(f"/risks/m/{obj.qr_token}/").content.decode()
    assert f"/dangers/m/report/?object={obj.pk}" in page


def test_an_open_major_danger_makes_the_enterprise_red(world, django_capture_on_commit_callbacks):
    from ansheng.dangers.services import do_grade_danger

    with django_capture_on_commit_callbacks(execute=True):
        obj, *_ = risk_point(world, level="general")
        done = _complete_with_finding(world, obj)
    chem = obj.enterprise_id
    assert enterprise_colours([chem]) == {chem: "yellow"}
    danger = done.answers.get(index=1).danger
    with django_capture_on_commit_callbacks(execute=True):
        do_grade_danger(
            acting_user=world.users["ent_admin"],
            danger_id=danger.pk,
            grade="major",
            cause="储罐区可燃气体探测器失效，泄漏无法及时发现",
            harm="泄漏遇点火源可致火灾爆炸，波及相邻罐组；整改需停产更换探测器",
        )
    assert enterprise_colours([chem]) == {chem: "red"}
