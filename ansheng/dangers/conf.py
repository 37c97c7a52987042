"""Settings of the hidden-danger app, read from the environment (typed, failing loudly) and overridable in Django
settings.

| variable | default | what |
|---|---|---|
| ANSHENG_DANGERS_PHOTO_MAX_BYTES | 10485760 | largest photo accepted (bytes) [U] |
| ANSHENG_DANGERS_PHOTO_MAX_COUNT | 9 | most photos per step (report, submission) [U] |
| ANSHENG_DANGERS_WARN_DAYS | 3 | days before a deadline the responsible person is reminded [U] |
| ANSHENG_DANGERS_GENERAL_DAYS | 15 | default rectification period of a 一般 danger offered on the form [U] |
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ansheng.config.env import Env

_env = Env()

DEFAULTS: dict[str, Any] = {
    "DANGERS_PHOTO_MAX_BYTES": _env.int("ANSHENG_DANGERS_PHOTO_MAX_BYTES", 10 * 1024 * 1024, minimum=1024),
    "DANGERS_PHOTO_MAX_COUNT": _env.int("ANSHENG_DANGERS_PHOTO_MAX_COUNT", 9, minimum=1, maximum=50),
    "DANGERS_WARN_DAYS": _env.int("ANSHENG_DANGERS_WARN_DAYS", 3, minimum=0, maximum=60),
    "DANGERS_GENERAL_DAYS": _env.int("ANSHENG_DANGERS_GENERAL_DAYS", 15, minimum=1, maximum=365),
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
