"""Settings of the hazards app, read from the environment (typed, failing loudly) and overridable in Django settings.

| variable | default | what |
|---|---|---|
| ANSHENG_HAZARDS_EVALUATION_YEARS | 3 | years a safety evaluation report stays valid (40号令 第十一条 [U]) |
| ANSHENG_HAZARDS_CHECK_DAYS | principal=90,technical=30,operating=7 | default 包保 check cycles in days [U] |
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ansheng.config.env import Env
from ansheng.domain.major_hazards import DUTIES, EVALUATION_VALID_YEARS

_env = Env()


def _check_days() -> dict[str, int]:
    days = {duty.code: duty.cycle_days for duty in DUTIES}
    raw = _env.str("ANSHENG_HAZARDS_CHECK_DAYS")
    for part in filter(None, (item.strip() for item in raw.split(","))):
        name, _sep, value = part.partition("=")
        if name.strip() not in days or not value.strip().isdigit() or int(value) < 1:
            raise ImproperlyConfigured(
                f"ANSHENG_HAZARDS_CHECK_DAYS={raw!r}: use duty=days pairs, e.g. principal=90,technical=30,operating=7"
            )
        days[name.strip()] = int(value)
    return days


DEFAULTS: dict[str, Any] = {
    "HAZARDS_EVALUATION_YEARS": _env.int("ANSHENG_HAZARDS_EVALUATION_YEARS", EVALUATION_VALID_YEARS, minimum=1),
    "HAZARDS_CHECK_DAYS": _check_days(),
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
