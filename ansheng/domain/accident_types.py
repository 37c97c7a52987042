"""Accident types: GB 6441-1986 (20 types) and GB 6441-2025 (27 basic types, 4 injury-severity types, ``WSA`` codes).

GB 6441-2025 (published 2025-12-31, in force 2026-07-01, replacing GB/T 6441-1986) §5: an accident-type code has
8 characters: ``WSA`` (生产安全事故), one digit for the classification (1 basic type, 2 injury severity, 3 industry)
and four digits: the basic type 0001–0026 or 0099 (其他) (§5.3), the severity 0001–0004 (§5.4), or the GB/T 4754
industry class without its section letter (§5.5). Its own examples: 火灾 WSA10009, 重伤事故 WSA20003, WSA35523.
Industry codes are checked for shape and for a division 01–97 of GB/T 4754-2017; the class list itself is not
bundled.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import Any

from ansheng.domain._data import load
from ansheng.domain.errors import DomainError

__all__ = [
    "AccidentType",
    "AccidentTypeError",
    "WsaCode",
    "basic_types",
    "gb6441_1986_types",
    "parse_wsa",
    "severity_types",
    "wsa_code",
    "wsa_for_name",
]

BASIC, SEVERITY, INDUSTRY = 1, 2, 3


class AccidentTypeError(DomainError):
    """A malformed or unknown accident-type code."""


@dataclass(frozen=True)
class AccidentType:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class WsaCode:
    """A parsed ``WSA`` code; ``name_zh`` is the type's name (``None`` for an industry code, whose list is not
    bundled); ``section`` is the GB/T 4754 section letter of an industry code."""

    code: str
    mode: int
    type_code: str
    name_zh: str | None
    section: str | None = None
    section_zh: str | None = None


def _raw() -> Any:
    return load("accident_types.json")


def gb6441_1986_types() -> tuple[tuple[int, str], ...]:
    """The 20 types of GB 6441-1986, numbered 1–20."""
    return tuple((row["no"], row["zh"]) for row in _raw()["gb6441_1986"])


@functools.cache
def basic_types() -> tuple[AccidentType, ...]:
    """The 27 basic types of GB 6441-2025 table 1 with their codes (0001–0026, 0099)."""
    return tuple(AccidentType(row["code"], row["zh"], row["en"]) for row in _raw()["gb6441_2025_basic"])


@functools.cache
def severity_types() -> tuple[AccidentType, ...]:
    """The 4 injury-severity types of GB 6441-2025 §4.2 (0001 零伤亡 … 0004 死亡)."""
    return tuple(AccidentType(row["code"], row["zh"], row["en"]) for row in _raw()["gb6441_2025_severity"])


def _bad(code: object, why_zh: str, why_en: str) -> AccidentTypeError:
    return AccidentTypeError(
        "invalid_wsa_code", "code", f"事故类型编码“{code}”无效：{why_zh}", f"invalid code {code!r}: {why_en}"
    )


def parse_wsa(code: str) -> WsaCode:
    """Parse and validate an 8-character accident-type code such as ``WSA10009``."""
    if not isinstance(code, str):
        raise AccidentTypeError("wrong_type", "code", "编码应为文本", "the code must be a string")
    text = "".join(unicodedata.normalize("NFKC", code).split()).upper()
    if len(text) != 8 or not text.startswith("WSA"):
        raise _bad(code, "应为WSA加5位数字，共8位", "expected WSA and 5 digits, 8 characters")
    digits = text[3:]
    if not digits.isascii() or not digits.isdigit():
        raise _bad(code, "WSA后应为5位数字", "WSA must be followed by 5 digits")
    mode, type_code = int(digits[0]), digits[1:]
    if mode == BASIC:
        found = next((t for t in basic_types() if t.code == type_code), None)
        if found is None:
            raise _bad(code, "基本事故类型代码应为0001～0026或0099", "a basic type is 0001–0026 or 0099")
        return WsaCode(text, mode, type_code, found.zh)
    if mode == SEVERITY:
        found = next((t for t in severity_types() if t.code == type_code), None)
        if found is None:
            raise _bad(code, "伤害程度代码应为0001～0004", "a severity type is 0001–0004")
        return WsaCode(text, mode, type_code, found.zh)
    if mode == INDUSTRY:
        division = int(type_code[:2])
        section = next(
            (s for s in _raw()["gbt4754_sections"] if s["first_division"] <= division <= s["last_division"]), None
        )
        if section is None:
            raise _bad(code, "行业大类应为01～97（GB/T 4754）", "the industry division must be 01–97 (GB/T 4754)")
        return WsaCode(text, mode, type_code, None, section["section"], section["zh"])
    raise _bad(code, "第4位分类方式应为1、2或3", "the classification digit must be 1, 2 or 3")


def wsa_code(mode: int, type_code: str) -> str:
    """Build a code: ``wsa_code(1, "0009")`` → ``WSA10009`` (validated)."""
    if isinstance(mode, bool) or not isinstance(mode, int) or not isinstance(type_code, str):
        raise AccidentTypeError("wrong_type", "code", "分类方式应为整数，类型代码应为文本", "mode int, type_code str")
    return parse_wsa(f"WSA{mode}{type_code}").code


def wsa_for_name(name_zh: str) -> str:
    """The code of a basic type or injury-severity type by its Chinese name (火灾 → WSA10009, 重伤事故 → WSA20003)."""
    text = unicodedata.normalize("NFKC", name_zh).strip() if isinstance(name_zh, str) else ""
    for mode, types in ((BASIC, basic_types()), (SEVERITY, severity_types())):
        for accident_type in types:
            if unicodedata.normalize("NFKC", accident_type.zh) == text:
                return f"WSA{mode}{accident_type.code}"
    raise AccidentTypeError("unknown_type", "name", f"未知的事故类型：{name_zh}", f"unknown accident type: {name_zh!r}")
