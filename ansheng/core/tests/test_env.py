"""Settings from the environment: typed, and failing loudly on a bad value."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ansheng.config.env import Env, parse_database_url


def test_booleans_integers_and_lists_are_parsed():
    env = Env({"A": "yes", "B": "0", "N": " 42 ", "L": "a, b,,c"})
    assert env.bool("A", False) is True
    assert env.bool("B", True) is False
    assert env.bool("MISSING", True) is True
    assert env.int("N", 1) == 42
    assert env.list("L") == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda e: e.bool("A", False), "A='maybe' is not a boolean"),
        (lambda e: e.int("A", 1), "A='maybe' is not an integer"),
        (lambda e: e.choice("A", "x", {"x", "y"}), "A='maybe' must be one of x, y"),
        (lambda e: e.str("MISSING", required=True), "MISSING must be set"),
    ],
)
def test_bad_values_name_the_variable(call, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(")):
        call(Env({"A": "maybe"}))


def test_integer_bounds():
    with pytest.raises(ImproperlyConfigured, match="below its minimum"):
        Env({"N": "0"}).int("N", 5, minimum=1)


def test_database_urls(tmp_path):
    sqlite = parse_database_url("sqlite:///db.sqlite3", sqlite_default_dir=tmp_path)
    assert sqlite["NAME"] == str(tmp_path / "db.sqlite3")
    absolute = parse_database_url("sqlite:////var/lib/a.sqlite3", sqlite_default_dir=tmp_path)
    assert absolute["NAME"] == "/var/lib/a.sqlite3"
    pg = parse_database_url("postgres://u:p%40ss@db.example:6543/ansheng?sslmode=require", sqlite_default_dir=tmp_path)
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "u",
        "p@ss",
        "db.example",
        "6543",
        "ansheng",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        parse_database_url("mysql://x/y", sqlite_default_dir=tmp_path)
    with pytest.raises(ImproperlyConfigured, match="no database name"):
        parse_database_url("postgres://host/", sqlite_default_dir=tmp_path)


def _start_with(env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSHENG_", "DJANGO_", "DATABASE_URL", "SECRET"))}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "ansheng.cli", "migrate"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _start_with({"ANSHENG_DATA_DIR": str(tmp_path), "ALLOWED_HOSTS": "x"})
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "ansheng: configuration error: SECRET_KEY must be set (a long random string, kept secret)"
    )


def test_a_bad_value_stops_start_up_with_one_line(tmp_path):
    result = _start_with(
        {"ANSHENG_DATA_DIR": str(tmp_path), "SECRET_KEY": "k" * 40, "ALLOWED_HOSTS": "x", "LOGIN_FAILURE_LIMIT": "many"}
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "ansheng: configuration error: LOGIN_FAILURE_LIMIT='many' is not an integer"
    ]


def test_every_variable_read_is_documented_in_env_example():
    import re

    root = Path(__file__).resolve().parents[3]
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (root / ".env.example").read_text(), re.M))
    used = set()
    for path in (root / "ansheng").rglob("*.py"):
        if "tests" in path.parts:
            continue
        used |= set(re.findall(r'env\.(?:str|bool|int|float|list|choice|path)\(\s*"([A-Z0-9_]+)"', path.read_text()))
    assert used - documented == set()
