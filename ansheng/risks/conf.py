"""Settings of the risks app, read from the environment (typed, failing loudly) and overridable in Django settings.

| variable | default | what |
|---|---|---|
| ANSHENG_RISKS_SHIFT_HOURS | 0,8,16 | Beijing-time hours at which shifts start (每班: one occurrence per shift) |
| ANSHENG_RISKS_COLOUR_MAJOR_DANGER_RED | true | an open 重大 hidden danger makes the enterprise red |
| ANSHENG_RISKS_COLOUR_OVERDUE_STEP | 3 | this many overdue hidden dangers raise the colour one step (0: never) |
| ANSHENG_RISKS_COLOUR_USE_WARNINGS | true | the colour is at least monitoring's early-warning colour |
| ANSHENG_RISKS_COLOUR_BASE | blue | the colour of an active enterprise with no assessed risk event |
| ANSHENG_RISKS_PHOTO_MAX_MB | 10 | largest checklist photo accepted |
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ansheng.config.env import Env

_env = Env()


def _shift_hours() -> tuple[int, ...]:
    raw = _env.str("ANSHENG_RISKS_SHIFT_HOURS", "0,8,16")
    try:
        hours = tuple(sorted({int(part) for part in raw.split(",") if part.strip()}))
    except ValueError:
        hours = ()
    if not hours or any(hour < 0 or hour > 23 for hour in hours):
        raise ImproperlyConfigured(
            f"ANSHENG_RISKS_SHIFT_HOURS={raw!r}: give hours 0–23 separated by commas, e.g. 0,8,16"
        )
    return hours


DEFAULTS: dict[str, Any] = {
    "RISKS_SHIFT_HOURS": _shift_hours(),
    "RISKS_COLOUR_MAJOR_DANGER_RED": _env.bool("ANSHENG_RISKS_COLOUR_MAJOR_DANGER_RED", True),
    "RISKS_COLOUR_OVERDUE_STEP": _env.int("ANSHENG_RISKS_COLOUR_OVERDUE_STEP", 3, minimum=0),
    "RISKS_COLOUR_USE_WARNINGS": _env.bool("ANSHENG_RISKS_COLOUR_USE_WARNINGS", True),
    "RISKS_COLOUR_BASE": _env.choice("ANSHENG_RISKS_COLOUR_BASE", "blue", {"blue", "yellow", "orange", "red"}),
    "RISKS_PHOTO_MAX_MB": _env.int("ANSHENG_RISKS_PHOTO_MAX_MB", 10, minimum=1, maximum=50),
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
