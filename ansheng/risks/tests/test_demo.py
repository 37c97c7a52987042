"""The demo loader builds assessed risk points, tasks and three weeks of inspections through the services."""

import datetime as dt

import pytest

from ansheng.core.choices import Role
from ansheng.core.services import do_create_user
from ansheng.core.testing import PASSWORD
from ansheng.risks import demo
from ansheng.risks.models import EnterpriseColour, Occurrence, RiskEvent, RiskObject

pytestmark = pytest.mark.django_db


class Ctx:
    def __init__(self, world):
        chem = world.enterprises["chem_b"]
        self.admin = world.users["city_admin"]
        self.refs = {"ent_chem": chem, "enterprises_by_category": {}}
        for enterprise in world.enterprises.values():
            self.refs["enterprises_by_category"].setdefault(enterprise.category, []).append(enterprise)
        self.lines = []
        self.password = PASSWORD
        self.password_hash = None

    def log(self, line):
        self.lines.append(line)


def test_demo_loader(world):
    chem = world.enterprises["chem_b"]
    for username, role in (("ent-chem", Role.ENTERPRISE_ADMIN), ("worker-chem", Role.ENTERPRISE_STAFF)):
        do_create_user(
            acting_user=None, username=username, password=PASSWORD, role=role, enterprise=chem, check_password=False
        )
    ctx = Ctx(world)
    demo.load(ctx)
    assert RiskObject.objects.filter(enterprise=chem).count() == 4
    assert RiskObject.objects.filter(name="非煤矿山采场").exists()  # the test city's limestone mine
    assert not RiskEvent.objects.filter(level="").exists()
    statuses = set(Occurrence.objects.values_list("status", flat=True))
    assert {"done", "missed", "pending"} <= statuses
    assert Occurrence.objects.filter(task__risk_object__enterprise=chem, status="done").count() > 40
    mine = world.enterprises["mine_a"]
    assert Occurrence.objects.filter(enterprise=mine, status="done").count() >= 5  # two weeks at 70 %
    assert EnterpriseColour.objects.count() == len(world.enterprises)
    assert "risk points" in ctx.lines[-1]


def test_demo_pages_render(world, client_for):
    from ansheng.core.models import User
    from ansheng.risks.models import Post

    chem = world.enterprises["chem_b"]
    for username, role in (("ent-chem", Role.ENTERPRISE_ADMIN), ("worker-chem", Role.ENTERPRISE_STAFF)):
        do_create_user(
            acting_user=None, username=username, password=PASSWORD, role=role, enterprise=chem, check_password=False
        )
    demo.load(Ctx(world))
    admin = client_for(User.objects.get(username="ent-chem"))
    assert admin.get("/risks/").status_code == 200
    for obj in RiskObject.objects.filter(enterprise=chem):
        assert admin.get(f"/risks/{obj.pk}/").status_code == 200
        assert client_for(User.objects.get(username="worker-chem")).get(f"/risks/m/{obj.qr_token}/").status_code == 200
    for event in RiskEvent.objects.filter(enterprise=chem)[:3]:
        assert admin.get(f"/risks/events/{event.pk}/").status_code == 200
    post = Post.objects.filter(enterprise=chem).first()
    assert admin.get(f"/risks/posts/{post.pk}/card.pdf").content.startswith(b"%PDF")
    from django.utils import timezone

    start = timezone.localdate() - dt.timedelta(days=21)
    overview = client_for(world.users["city"]).get(f"/risks/overview/?start={start}")
    assert overview.status_code == 200 and overview.context["totals"]["occurrences_done"] > 0
