"""Package data: the JSON tables under ``ansheng/domain/data/``, read once."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["load"]


@functools.cache
def load(name: str) -> Any:
    """The parsed JSON file ``data/<name>``; callers must not mutate it (it is shared)."""
    text = resources.files("ansheng.domain").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)
