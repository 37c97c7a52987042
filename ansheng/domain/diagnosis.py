"""Enterprise safety-risk diagnosis grading: 危险化学品生产储存企业安全风险评估诊断分级指南（试行） (应急管理部, 2018).

A 100-point score gives the colour: < 60 红, 60 ≤ s < 75 橙, 75 ≤ s < 90 黄, ≥ 90 蓝. Certain situations make an
enterprise red whatever its score (直接判定为红色). One is verified (an in-service chemical installation without a
formal design or a safety design diagnosis); the others are recalled ([U]) and can be replaced by passing another
condition table. The conditions are data (``data/diagnosis.json``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ansheng.domain._data import load
from ansheng.domain._num import Number, as_exact, dec
from ansheng.domain.errors import DomainError
from ansheng.domain.levels import RiskLevel, colour_from_zh

__all__ = ["Condition", "Diagnosis", "DiagnosisError", "Reason", "colour_for_score", "conditions", "grade"]


class DiagnosisError(DomainError):
    """Bad input to the diagnosis grading."""


@dataclass(frozen=True)
class Condition:
    """A situation that makes an enterprise red directly; ``status`` is ``V-2nd`` (verified) or ``U``."""

    id: str
    zh: str
    en: str
    status: str


@dataclass(frozen=True)
class Reason:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Diagnosis:
    score: Fraction
    by_score: RiskLevel
    direct_red: tuple[Condition, ...]
    level: RiskLevel
    reasons: tuple[Reason, ...]


def _raw() -> Any:
    return load("diagnosis.json")


@functools.cache
def conditions() -> tuple[Condition, ...]:
    """The default direct-red conditions, in order."""
    return tuple(Condition(c["id"], c["zh"], c["en"], c["status"]) for c in _raw()["direct_red"])


@functools.cache
def _bands() -> tuple[tuple[Fraction | None, RiskLevel], ...]:
    return tuple(
        (None if band["min"] is None else dec(band["min"]), colour_from_zh(band["colour"]))
        for band in _raw()["score_bands"]
    )


def colour_for_score(score: Number) -> RiskLevel:
    """The level (colour) from the score alone: < 60 红, < 75 橙, < 90 黄, else 蓝. Scores run from 0 to 100."""
    value = as_exact(score, "score", DiagnosisError)
    if value > 100:
        raise DiagnosisError("out_of_range", "score", "得分应在0～100之间", "score must be between 0 and 100")
    return next(level for minimum, level in _bands() if minimum is None or value >= minimum)


def grade(
    score: Number,
    direct_red: Iterable[str] = (),
    *,
    condition_table: Mapping[str, Condition] | None = None,
) -> Diagnosis:
    """The colour of an enterprise: red when any named direct-red condition holds, else the score's colour.

    ``direct_red`` names conditions by id (see :func:`conditions`); ``condition_table`` replaces the default table.
    """
    table = condition_table if condition_table is not None else {c.id: c for c in conditions()}
    by_score = colour_for_score(score)
    value = as_exact(score, "score", DiagnosisError)
    if isinstance(direct_red, str) or not isinstance(direct_red, Iterable):
        raise DiagnosisError("wrong_type", "direct_red", "direct_red应为列表", "direct_red must be a list")
    held: list[Condition] = []
    for i, ident in enumerate(direct_red):
        condition = table.get(ident) if isinstance(ident, str) else None
        if condition is None:
            raise DiagnosisError(
                "unknown_condition",
                f"direct_red[{i}]",
                f"未知的直接判定红色情形：{ident}",
                f"unknown direct-red condition: {ident!r}",
            )
        if condition not in held:
            held.append(condition)
    shown = _show(value)
    reasons = [
        Reason(
            "score",
            f"得分{shown}，按分值为{by_score.colour_zh}色",
            f"score {shown} gives {by_score.colour}",
        )
    ]
    reasons.extend(Reason(f"direct_red:{c.id}", f"直接判定为红色：{c.zh}", f"red directly: {c.en}") for c in held)
    return Diagnosis(
        score=value,
        by_score=by_score,
        direct_red=tuple(held),
        level=RiskLevel.MAJOR if held else by_score,
        reasons=tuple(reasons),
    )


def _show(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))
