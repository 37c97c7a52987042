"""The demo loader: every state present, 重大 under supervision, some overdue, deterministic."""

from __future__ import annotations

import pytest

from ansheng.dangers.choices import Grade, State
from ansheng.dangers.models import HiddenDanger

pytestmark = pytest.mark.django_db


def test_the_demo_covers_every_state(world):
    from ansheng.core.demo import DemoContext
    from ansheng.core.testing import PASSWORD
    from ansheng.dangers.demo import load_hidden_dangers

    ctx = DemoContext(password=PASSWORD, log=lambda _line: None)
    ctx.admin = world.users["city_admin"]
    enterprises = world.enterprises
    ctx.refs.update(
        ent_chem=enterprises["chem_b"],
        enterprises_by_category={
            "chem_production": [enterprises["chem_b"]],
            "metal_mine": [enterprises["mine_a"]],
            "road_transport": [enterprises["transport_a"]],
            "construction": [enterprises["builder_b"]],
        },
    )
    load_hidden_dangers(ctx)
    states = set(HiddenDanger.objects.values_list("state", flat=True))
    assert states == set(State.values())
    assert HiddenDanger.objects.filter(grade=Grade.MAJOR, supervised=True).exclude(state=State.CLOSED).exists()
    assert HiddenDanger.objects.overdue().filter(grade=Grade.MAJOR).exists()
    assert HiddenDanger.objects.filter(on_the_spot=True, state=State.CLOSED).exists()
    assert HiddenDanger.objects.filter(rejections__gt=0).exists()
