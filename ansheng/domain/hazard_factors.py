"""GB/T 13861-2022 生产过程危险和有害因素分类与代码: the code structure and its classes.

A code has 6 digits in 4 levels: 大类 (1 digit), 中类 (1 digit), 小类 (2 digits), 细类 (2 digits); shorter codes
name the higher levels (``2``, ``21``, ``2101``). The four top classes are verified (1 人的因素, 2 物的因素,
3 环境因素, 4 管理因素); the second-level table is recalled ([U]) and is used for names only, never to refuse a code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ansheng.domain._data import load
from ansheng.domain.errors import DomainError

__all__ = ["HazardFactorCode", "HazardFactorError", "parse_hazard_factor", "second_level", "top_classes"]


class HazardFactorError(DomainError):
    """A malformed hazard-factor code."""


@dataclass(frozen=True)
class HazardFactorCode:
    code: str
    level: int
    top: str
    top_zh: str
    second: str | None
    second_zh: str | None
    third: str | None
    fourth: str | None
    parent_code: str | None


def _raw() -> Any:
    return load("hazard_factors.json")


def top_classes() -> dict[str, str]:
    """1 人的因素, 2 物的因素, 3 环境因素, 4 管理因素."""
    return {row["code"]: row["zh"] for row in _raw()["top"]}


def second_level() -> dict[str, str]:
    """The recalled second-level classes ([U]), by 2-digit code."""
    return {row["code"]: row["zh"] for row in _raw()["second"]}


_LEVEL_OF_LENGTH = {1: 1, 2: 2, 4: 3, 6: 4}


def parse_hazard_factor(code: str) -> HazardFactorCode:
    """Split a code of 1, 2, 4 or 6 digits into its levels."""
    if not isinstance(code, str):
        raise HazardFactorError("wrong_type", "code", "代码应为文本", "the code must be a string")
    text = code.strip()
    level = _LEVEL_OF_LENGTH.get(len(text))
    if level is None or not text.isascii() or not text.isdigit():
        raise HazardFactorError(
            "invalid_hazard_factor_code",
            "code",
            f"危险和有害因素代码“{code}”应为1、2、4或6位数字",
            f"hazard-factor code {code!r} must have 1, 2, 4 or 6 digits",
        )
    tops = top_classes()
    if text[0] not in tops:
        raise HazardFactorError(
            "invalid_hazard_factor_code",
            "code",
            f"大类代码应为1～4，实为{text[0]}",
            f"the top class must be 1–4, not {text[0]}",
        )
    parents = {1: None, 2: text[:1], 3: text[:2], 4: text[:4]}
    return HazardFactorCode(
        code=text,
        level=level,
        top=text[0],
        top_zh=tops[text[0]],
        second=text[:2] if level >= 2 else None,
        second_zh=second_level().get(text[:2]) if level >= 2 else None,
        third=text[:4] if level >= 3 else None,
        fourth=text if level == 4 else None,
        parent_code=parents[level],
    )
