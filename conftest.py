"""Fixtures shared by every test module: the small test city and its personas (ansheng.core.testing)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API with live_server


@pytest.fixture
def world(db):
    from ansheng.core.testing import build_world

    return build_world()


@pytest.fixture
def users(world):
    return world.users


@pytest.fixture
def api_client():
    from django.test import Client

    return Client()


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    return _client_for


@pytest.fixture
def bearer():
    """A function giving the Authorization header for a user's fresh API token."""
    from ansheng.core.services import do_create_token

    def make(user):
        _token, raw = do_create_token(acting_user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make
