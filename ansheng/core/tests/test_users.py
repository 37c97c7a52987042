"""Who manages which accounts: the city any; a county its enterprises' accounts; an enterprise its staff."""

import pytest

from ansheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from ansheng.core.models import AuditEvent, User
from ansheng.core.services import do_create_user, do_reset_password, do_update_user, managed_users

pytestmark = pytest.mark.django_db


def _create(world, actor, role, enterprise_key=None, **kw):
    return do_create_user(
        acting_user=world.users[actor],
        username=kw.pop("username", "new-user"),
        password="A-long-password-1",
        role=role,
        enterprise=world.enterprises[enterprise_key] if enterprise_key else None,
        **kw,
    )


def test_a_county_supervisor_creates_accounts_for_its_enterprises_only(world):
    user = _create(world, "county_b", "enterprise_admin", "chem_b")
    assert user.enterprise == world.enterprises["chem_b"]
    assert AuditEvent.objects.filter(event="user.created", object_id=str(user.pk)).exists()
    with pytest.raises(ValidationFailed) as exc:
        _create(world, "county_b", "enterprise_admin", "mine_a", username="other")
    assert exc.value.code == "outside_jurisdiction"
    with pytest.raises(PermissionDenied):
        _create(world, "county_b", "county_supervisor", region=world.regions["b"], username="peer")


def test_an_enterprise_administrator_creates_staff_of_its_own_enterprise(world):
    _create(world, "ent_admin", "enterprise_staff", "chem_b")
    with pytest.raises(PermissionDenied):
        _create(world, "ent_admin", "enterprise_admin", "chem_b", username="boss")
    with pytest.raises(ValidationFailed):
        _create(world, "ent_admin", "enterprise_staff", "mine_a", username="spy")


@pytest.mark.parametrize("persona", ["city", "dept_transport", "inspector", "ent_staff", "public"])
def test_other_roles_create_no_accounts(world, persona):
    with pytest.raises(PermissionDenied):
        _create(world, persona, "enterprise_staff", "chem_b")


def test_role_needs_its_jurisdiction(world):
    with pytest.raises(ValidationFailed) as exc:
        _create(world, "city_admin", "county_supervisor")
    assert exc.value.field == "region"
    with pytest.raises(ValidationFailed) as exc:
        _create(world, "city_admin", "enterprise_admin")
    assert exc.value.field == "enterprise"
    with pytest.raises(ValidationFailed) as exc:
        _create(world, "city_admin", "public", username="County_A")  # user names are case-insensitive
    assert exc.value.code == "unique"


def test_managed_users_follow_the_same_rule(world):
    assert set(managed_users(world.users["county_b"]).values_list("username", flat=True)) == {"ent_admin", "ent_staff"}
    assert set(managed_users(world.users["ent_admin"]).values_list("username", flat=True)) == {"ent_admin", "ent_staff"}
    assert managed_users(world.users["city_admin"]).count() == User.objects.count()
    assert not managed_users(world.users["city"]).exists()


def test_deactivating_an_account_stops_its_tokens(world, bearer):
    from django.test import Client

    staff = world.users["ent_staff"]
    headers = bearer(staff)
    do_update_user(acting_user=world.users["ent_admin"], user_id=staff.pk, changes={"is_active": False})
    assert Client().get("/api/v1/me", **headers).status_code == 401
    with pytest.raises(NotFound):
        do_update_user(acting_user=world.users["county_a"], user_id=staff.pk, changes={"is_active": True})
    with pytest.raises(ValidationFailed):
        do_update_user(
            acting_user=world.users["ent_admin"], user_id=world.users["ent_admin"].pk, changes={"is_active": False}
        )


def test_a_password_reset_gives_a_new_password_once(world):
    from django.test import Client

    _user, password = do_reset_password(acting_user=world.users["county_b"], user_id=world.users["ent_admin"].pk)
    response = Client().post("/login/", {"username": "ent_admin", "password": password})
    assert response.status_code == 302
    with pytest.raises(NotFound):
        do_reset_password(acting_user=world.users["county_a"], user_id=world.users["ent_admin"].pk)


def test_the_users_page(world, client_for):
    client = client_for(world.users["county_b"])
    page = client.get("/users/").content.decode()
    assert "ent_admin" in page and "county_a" not in page
    response = client.post(
        "/users/new/",
        {
            "username": "chem-safety",
            "full_name": "安全员",
            "role": "enterprise_staff",
            "enterprise": world.enterprises["chem_b"].pk,
        },
    )
    assert "初始密码" in response.content.decode()
    assert User.objects.get(username="chem-safety").enterprise == world.enterprises["chem_b"]
    assert client_for(world.users["city"]).get("/users/").status_code == 404
