"""Sign-in, throttling, CSRF and API tokens."""

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from ansheng.core.models import ApiToken
from ansheng.core.services import do_create_token, do_revoke_token
from ansheng.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_a_user_signs_in_and_lands_on_home(world):
    client = Client()
    response = _login(client, "county_a", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(world):
    response = _login(Client(), "county_a", "wrong")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.content.decode()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_sign_in_is_throttled_after_repeated_failures_even_with_the_right_password(world):
    client = Client()
    for _ in range(3):
        assert _login(client, "county_a", "wrong").status_code == 401
    response = _login(client, "county_a", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    # another user from the same office is not locked out by someone else's mistakes (below the address limit)
    assert _login(client, "county_b", PASSWORD).status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_MINUTES=15)
def test_the_lockout_ends_after_the_window(world):
    import time_machine

    client = Client()
    for _ in range(3):
        _login(client, "county_a", "wrong")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert _login(Client(), "county_a", PASSWORD).status_code == 302


def test_the_api_issues_a_token_for_a_password(world):
    client = Client()
    response = client.post(
        "/api/v1/auth/token", {"username": "county_a", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert not ApiToken.objects.filter(key_hash=token).exists()  # only the hash is stored
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.json()["username"] == "county_a"
    assert me.json()["scope"] == "region:511102"


def test_the_api_refuses_a_wrong_password(world):
    response = Client().post(
        "/api/v1/auth/token", {"username": "county_a", "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_a_revoked_token_no_longer_works(world):
    user = world.users["county_a"]
    token, raw = do_create_token(acting_user=user, name="x")
    client = Client()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    do_revoke_token(acting_user=user, token_id=token.pk)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_revoking_over_the_api(world, bearer):
    user = world.users["county_a"]
    token, raw = do_create_token(acting_user=user, name="to-revoke")
    client = Client()
    assert client.delete(f"/api/v1/auth/tokens/{token.pk}", **bearer(user)).status_code == 204
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    # someone else's token is not found, not revocable
    other, _raw = do_create_token(acting_user=world.users["county_b"], name="theirs")
    assert client.delete(f"/api/v1/auth/tokens/{other.pk}", **bearer(user)).status_code == 404


def test_an_expired_token_is_refused(world):
    user = world.users["county_a"]
    token, raw = do_create_token(acting_user=user, name="x", expires_at=timezone.now() + dt.timedelta(hours=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_garbage_bearer_tokens_are_refused(world):
    for raw in ["", "x", "ash_" + "a" * 200, "Bearer"]:
        assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_session_writes_to_the_api_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["county_a"])
    body = {"credit_code": "x", "name": "y", "county": "511102", "category": "commerce"}
    response = client.post("/api/v1/enterprises", body, content_type="application/json")
    assert response.status_code in {401, 403}
    client.get("/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post("/api/v1/enterprises", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 422  # past CSRF, refused for its bad code


def test_gateway_tokens_are_for_the_enterprise_administrator_of_that_enterprise(world):
    from ansheng.core.errors import PermissionDenied, ValidationFailed

    chem = world.enterprises["chem_b"]
    token, _raw = do_create_token(acting_user=world.users["ent_admin"], name="DCS", kind="gateway", enterprise=chem)
    assert token.enterprise == chem
    with pytest.raises(PermissionDenied):
        do_create_token(acting_user=world.users["other_ent_admin"], name="x", kind="gateway", enterprise=chem)
    with pytest.raises(ValidationFailed) as exc:
        do_create_token(acting_user=world.users["ent_admin"], name="x", kind="gateway")
    assert exc.value.field == "enterprise"
    with pytest.raises(ValidationFailed):
        do_create_token(acting_user=world.users["ent_admin"], name=" ")


def test_tokens_page_creates_and_revokes(world, client_for):
    client = client_for(world.users["county_a"])
    response = client.post("/profile/", {"action": "create", "name": "报表系统"})
    assert response.status_code == 200
    assert "ash_" in response.content.decode()
    token = ApiToken.objects.get(user=world.users["county_a"], name="报表系统")
    client.post("/profile/", {"action": "revoke", "token": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_pages_need_sign_in(world):
    response = Client().get("/enterprises/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_nul_characters_are_refused_not_a_server_error(world, bearer):
    client = Client()
    response = client.get("/api/v1/enterprises?q=a%00b", **bearer(world.users["city"]))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_character"
    response = client.post(
        "/api/v1/enterprises",
        {"credit_code": "x\u0000", "name": "n\u0000", "county": "511102", "category": "commerce"},
        content_type="application/json",
        **bearer(world.users["city"]),
    )
    assert response.status_code in {400, 422}


def test_numbers_too_large_for_the_database_are_bad_input(world, bearer, client_for):
    response = Client().get("/api/v1/enterprises/" + "9" * 30, **bearer(world.users["city"]))
    assert response.status_code in {404, 422}
    response = Client().get("/api/v1/enterprises", {"park": 10**30}, **bearer(world.users["city"]))
    from django.db import connection

    if connection.vendor == "sqlite":  # SQLite cannot bind it: a clear 422
        assert response.status_code == 422
        assert response.json()["code"] == "out_of_range"
    else:  # PostgreSQL (Django ≥ 5.0): an out-of-range integer matches nothing
        assert response.status_code == 200
        assert response.json()["count"] == 0
