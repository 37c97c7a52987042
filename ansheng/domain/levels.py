"""The four risk levels and their colours (重大/红, 较大/橙, 一般/黄, 低/蓝).

Used by every grading in the platform: risk points (LEC, LS, MES), enterprise diagnosis, monitoring warnings and the
map. The pairing of level and colour is the national four-colour convention of 双重预防 (see docs/rules.md §levels).
"""

from __future__ import annotations

import unicodedata
from enum import Enum
from typing import Any

from ansheng.domain.errors import DomainError

__all__ = ["LevelError", "RiskLevel", "colour_from_zh", "parse_level"]


class LevelError(DomainError):
    """An unknown risk level or colour."""


class RiskLevel(Enum):
    """A risk level; ``value`` is a stable English code for storage."""

    MAJOR = "major"
    LARGE = "large"
    GENERAL = "general"
    LOW = "low"

    @property
    def label_zh(self) -> str:
        return _ATTRS[self][0]

    @property
    def colour_zh(self) -> str:
        return _ATTRS[self][1]

    @property
    def colour(self) -> str:
        return _ATTRS[self][2]

    @property
    def rank(self) -> int:
        """4 for 重大 down to 1 for 低: a higher rank is a worse risk."""
        return _ATTRS[self][3]

    @property
    def label_en(self) -> str:
        return _ATTRS[self][4]

    @classmethod
    def from_rank(cls, rank: int) -> RiskLevel:
        for level in cls:
            if level.rank == rank:
                return level
        raise LevelError("unknown_level", None, f"未知的风险等级序号：{rank}", f"unknown risk rank: {rank}")

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, RiskLevel):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: Any) -> bool:
        if not isinstance(other, RiskLevel):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: Any) -> bool:
        if not isinstance(other, RiskLevel):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: Any) -> bool:
        if not isinstance(other, RiskLevel):
            return NotImplemented
        return self.rank >= other.rank


# level: (label_zh, colour_zh, colour, rank, label_en)
_ATTRS: dict[RiskLevel, tuple[str, str, str, int, str]] = {
    RiskLevel.MAJOR: ("重大", "红", "red", 4, "major"),
    RiskLevel.LARGE: ("较大", "橙", "orange", 3, "large"),
    RiskLevel.GENERAL: ("一般", "黄", "yellow", 2, "general"),
    RiskLevel.LOW: ("低", "蓝", "blue", 1, "low"),
}

# Every spelling a person or another system may use for a level, normalised (NFKC, no spaces, lower case).
_SPELLINGS: dict[str, RiskLevel] = {}
for _level, (_label, _colour_zh, _colour, _rank, _en) in _ATTRS.items():
    for _spelling in (
        _level.value,
        _label,
        _label + "风险",
        _colour_zh,
        _colour_zh + "色",
        _colour,
        _en,
    ):
        _SPELLINGS[_spelling] = _level
_SPELLINGS["较低"] = RiskLevel.LOW  # the monitoring system's 蓝 warning reads 较低 (reference §5.1)
_SPELLINGS["低风险"] = RiskLevel.LOW


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def parse_level(value: object, field: str | None = None) -> RiskLevel:
    """A level from any usual spelling: 重大 / 重大风险 / 红 / 红色 / red / major (full-width and case tolerated)."""
    if not isinstance(value, str):
        raise LevelError("wrong_type", field, "风险等级应为文本", "a risk level must be a string")
    level = _SPELLINGS.get(_norm(value))
    if level is None:
        raise LevelError(
            "unknown_level",
            field,
            f"未知的风险等级或颜色：{value}（应为重大/较大/一般/低或红/橙/黄/蓝）",
            f"unknown risk level or colour: {value!r} (expected 重大/较大/一般/低 or 红/橙/黄/蓝)",
        )
    return level


def colour_from_zh(colour_zh: object) -> RiskLevel:
    """The level of a Chinese colour name: 红 → 重大, 橙 → 较大, 黄 → 一般, 蓝 → 低 (also 红色 etc.)."""
    text = _norm(colour_zh) if isinstance(colour_zh, str) else ""
    for level in RiskLevel:
        if text in (level.colour_zh, level.colour_zh + "色"):
            return level
    raise LevelError("unknown_colour", None, f"未知的颜色：{colour_zh}", f"unknown colour: {colour_zh!r}")
