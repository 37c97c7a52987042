"""The access door: each persona sees exactly its jurisdiction; outside it is 404, a role without the action 403."""

import pytest

from ansheng.core import access
from ansheng.core.errors import NotFound, PermissionDenied
from ansheng.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

VISIBLE = {
    "city_admin": {"chem_b", "mine_a", "transport_a", "builder_b"},
    "city": {"chem_b", "mine_a", "transport_a", "builder_b"},
    "county_a": {"mine_a", "transport_a"},
    "county_b": {"chem_b", "builder_b"},
    # road transport by sector, and the builder because it names the transport department as a regulator
    "dept_transport": {"transport_a", "builder_b"},
    "inspector": {"chem_b", "mine_a", "transport_a", "builder_b"},
    "expert": {"chem_b", "mine_a", "transport_a", "builder_b"},
    "ent_admin": {"chem_b"},
    "ent_staff": {"chem_b"},
    "other_ent_admin": {"mine_a"},
    "public": set(),
}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_each_persona_sees_exactly_its_jurisdiction(world, persona):
    names = {key for key, e in world.enterprises.items()}
    by_pk = {e.pk: key for key, e in world.enterprises.items()}
    seen = {
        by_pk[pk] for pk in access.restrict(Enterprise.objects.all(), world.users[persona]).values_list("pk", flat=True)
    }
    assert seen == VISIBLE[persona]
    assert seen <= names


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not access.restrict(Enterprise.objects.all(), AnonymousUser()).exists()
    assert access.scope_for(AnonymousUser()).kind == access.NONE


def test_a_record_outside_the_jurisdiction_is_not_found(world):
    chem = world.enterprises["chem_b"]
    with pytest.raises(NotFound):
        access.get_for(world.users["county_a"], Enterprise, chem.pk, "view", "enterprise")
    assert access.get_for(world.users["county_b"], Enterprise, chem.pk, "view", "enterprise") == chem


def test_a_visible_record_the_role_may_not_change_is_forbidden(world):
    chem = world.enterprises["chem_b"]
    with pytest.raises(PermissionDenied):
        access.get_for(world.users["ent_staff"], Enterprise, chem.pk, "change", "enterprise")
    with pytest.raises(PermissionDenied):
        access.get_for(
            world.users["dept_transport"], Enterprise, world.enterprises["transport_a"].pk, "change", "enterprise"
        )


def test_garbage_ids_are_not_found(world):
    with pytest.raises(NotFound):
        access.get_for(world.users["city"], Enterprise, "abc", "view", "enterprise")


def test_inactive_users_have_no_scope(world):
    user = world.users["county_a"]
    user.is_active = False
    assert access.scope_for(user).kind == access.NONE


def test_county_supervisor_without_a_region_sees_nothing(world):
    from ansheng.core.models import User

    user = User(username="lost", role="county_supervisor")
    assert access.scope_for(user).kind == access.NONE


def test_visible_regions_follow_the_scope(world):
    assert [r.code for r in access.visible_regions(world.users["county_a"])] == ["511102"]
    assert [r.code for r in access.visible_regions(world.users["city"])] == ["511102", "511112"]
    assert [r.code for r in access.visible_regions(world.users["ent_admin"])] == ["511112"]
    assert list(access.visible_regions(world.users["public"])) == []


def test_unregistered_nouns_are_a_programming_error(world):
    with pytest.raises(LookupError):
        access.can(world.users["city"], "view", "no-such-noun")


def test_a_city_scope_still_excludes_another_city_when_one_is_registered(world):
    """The unfiltered fast path for a city-wide scope applies only while every region lies in that city."""
    from ansheng.core.models import Region
    from ansheng.core.testing import credit_code

    province = Region.objects.get(code="510000")
    chengdu = Region.objects.create(code="510100", name="成都市", level="city", parent=province)
    jinjiang = Region.objects.create(code="510104", name="锦江区", level="county", parent=chengdu)
    # fixture data of another city (no one in Leshan could register it through the service)
    outsider = Enterprise.objects.create(
        credit_code=credit_code(99, "510104"), name="成都测试公司", county=jinjiang, category="commerce"
    )
    visible = access.restrict(Enterprise.objects.all(), world.users["city"])
    assert outsider not in visible
    assert visible.count() == 4
