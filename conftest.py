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


# --- browser tests (Playwright driving Debian's chromium) ------------------------------------------------------

CHROMIUM = os.environ.get("ANSHENG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def pdf_text():
    """Text of a PDF (bytes) by poppler's pdftotext; a test needing it fails in CI when poppler is missing."""
    import shutil
    import subprocess

    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        if _ci():
            pytest.fail("pdftotext is missing: apt-get install poppler-utils")
        pytest.skip("pdftotext (poppler-utils) is not installed")

    def read(data: bytes) -> str:
        return subprocess.run([pdftotext, "-", "-"], input=data, capture_output=True, check=True).stdout.decode()  # noqa: S603

    return read


@pytest.fixture(scope="session")
def browser():
    """One chromium for the session. Missing chromium skips locally and fails in CI (CI=true)."""
    if not os.path.exists(CHROMIUM):
        if _ci():
            pytest.fail(f"chromium not found at {CHROMIUM}; CI requires the browser tests")
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if _ci():
            pytest.fail("playwright is not installed; CI requires the browser tests")
        pytest.skip("playwright is not installed")
    from playwright.sync_api import expect

    # Generous waits: CI machines have two cores and run the server, the browser and the tests together.
    expect.set_options(timeout=20000)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh page in Chinese (zh-CN), desktop size."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(30000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A fresh page with a phone-sized viewport and touch, in Chinese."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.set_default_timeout(30000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(live_server):
    """Sign a page in through the login form: login(page, "county_a")."""
    from ansheng.core.testing import PASSWORD

    def do_login(page, username, password=PASSWORD):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do_login
