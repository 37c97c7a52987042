"""Typed settings from the environment that fail loudly on a bad value.

Every variable read here is listed in `.env.example`. A bad value stops start-up with a message that names the
variable, so an operator never runs with a setting silently ignored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Reads variables from a mapping (the process environment by default)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        return None if value is None else value.strip()

    def str(self, name: str, default: str | None = None, *, required: bool = False) -> str:
        value = self._raw(name)
        if value is None or value == "":
            if required:
                raise ImproperlyConfigured(f"{name} must be set")
            if default is None:
                return ""
            return default
        return value

    def bool(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true/false, 1/0, yes/no, on/off)")

    def int(self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self._raw(name)
        if value is None or value == "":
            result = default
        else:
            try:
                result = int(value)
            except ValueError:
                raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None
        if minimum is not None and result < minimum:
            raise ImproperlyConfigured(f"{name}={result} is below its minimum {minimum}")
        if maximum is not None and result > maximum:
            raise ImproperlyConfigured(f"{name}={result} is above its maximum {maximum}")
        return result

    def float(self, name: str, default: float, *, minimum: float | None = None) -> float:
        value = self._raw(name)
        if value is None or value == "":
            result = default
        else:
            try:
                result = float(value)
            except ValueError:
                raise ImproperlyConfigured(f"{name}={value!r} is not a number") from None
        if minimum is not None and result < minimum:
            raise ImproperlyConfigured(f"{name}={result} is below its minimum {minimum}")
        return result

    def list(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self._raw(name)
        if value is None or value == "":
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name: str, default: str, choices: set[str]) -> str:
        value = self.str(name, default)
        if value not in choices:
            raise ImproperlyConfigured(f"{name}={value!r} must be one of {', '.join(sorted(choices))}")
        return value

    def path(self, name: str, default: Path) -> Path:
        value = self._raw(name)
        return Path(value).expanduser().resolve() if value else default


def parse_database_url(url: str, *, sqlite_default_dir: Path) -> dict[str, object]:
    """Turn `DATABASE_URL` into a Django DATABASES entry.

    Supported: `sqlite:///absolute/path.sqlite3`, `sqlite:///relative.sqlite3` (relative to the data directory),
    `postgres://user:password@host:port/name?sslmode=...` (also `postgresql://`).
    """
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme == "sqlite":
        raw_path = unquote(parsed.path)
        if not raw_path or raw_path == "/":
            raise ImproperlyConfigured(f"DATABASE_URL={url!r} has no database file")
        # sqlite:///name → "/name"; sqlite:////abs/path → "//abs/path"
        path = Path(raw_path[1:]) if raw_path.startswith("/") else Path(raw_path)
        if not path.is_absolute():
            path = sqlite_default_dir / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so concurrent writers queue instead of
                # failing half-way with "database is locked" (needed by the hash-chained audit log).
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA busy_timeout=30000; PRAGMA cache_size=-65536;"
                ),
            },
            "TEST": {"NAME": None},
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        if not parsed.path or parsed.path == "/":
            raise ImproperlyConfigured(f"DATABASE_URL={url!r} has no database name")
        options: dict[str, object] = {}
        for key, values in parse_qs(parsed.query).items():
            options[key] = values[-1]
        conn_max_age = int(str(options.pop("conn_max_age", "60")))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path[1:]),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {scheme!r} is not supported (use sqlite:// or postgres://)")
