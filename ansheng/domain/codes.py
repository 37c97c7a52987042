"""Identifier codes: 统一社会信用代码 (GB 32100-2015) and administrative-division codes (GB/T 2260 structure).

统一社会信用代码: 18 characters from the 31-character set 0–9 and the capital letters without I, O, Z, S, V:
position 1 registration authority, 2 organisation type, 3–8 the registering authority's division code, 9–17 the
subject identifier (the GB 11714 organisation code), 18 a check character. Each of the first 17 characters has a
value 0–30 (its index in the set) and a weight 3^(i−1) mod 31; the check value is 31 − (Σ value × weight mod 31),
with 31 written as 0.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import Any

from ansheng.domain._data import load
from ansheng.domain.errors import DomainError

__all__ = [
    "CodeError",
    "CreditCodeCheck",
    "Division",
    "credit_check_char",
    "division_level",
    "division_name",
    "make_credit_code",
    "parent_code",
    "parse_division",
    "validate_credit_code",
]


class CodeError(DomainError):
    """A malformed code."""


@dataclass(frozen=True)
class CreditCodeCheck:
    """What is right or wrong with a 统一社会信用代码.

    ``reason_code`` is ``None`` when valid, else ``wrong_length``, ``illegal_character`` (at 1-based ``position``)
    or ``wrong_check_digit`` (``expected_check`` says what it should be). The decoded parts are informational.
    """

    code: str
    normalized: str
    valid: bool
    reason_code: str | None
    position: int | None
    expected_check: str | None
    message_zh: str
    message_en: str
    registration_authority: str | None = None
    organisation_type: str | None = None
    division_code: str | None = None
    organisation_code: str | None = None
    organisation_code_valid: bool | None = None


@dataclass(frozen=True)
class Division:
    """A division code split into its parts; ``level`` is province, prefecture, county or township."""

    code: str
    level: str
    province: str
    prefecture: str | None
    county: str | None
    township: str | None
    parent_code: str | None
    name: str | None


def _credit() -> Any:
    return load("credit_code.json")


@functools.cache
def _values() -> dict[str, int]:
    return {char: value for value, char in enumerate(_credit()["charset"])}


def _normalise(code: str) -> str:
    return "".join(unicodedata.normalize("NFKC", code).split()).upper()


def credit_check_char(prefix17: str) -> str:
    """The check character (position 18) of 17 valid characters (GB 32100-2015 §4.3, weights 3^(i−1) mod 31)."""
    values = _values()
    weights: list[int] = _credit()["weights"]
    total = sum(values[char] * weight for char, weight in zip(prefix17, weights, strict=True))
    return str(_credit()["charset"][(31 - total % 31) % 31])


def _organisation_code_ok(code: str) -> bool:
    """GB 11714 check of the 9-character subject identifier: weights 3 7 9 10 5 8 4 2, check 11 − (Σ mod 11),
    10 written X and 11 written 0."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(char, 36) * weight for char, weight in zip(code[:8], weights, strict=True))
    check = 11 - total % 11
    return code[8] == {10: "X", 11: "0"}.get(check, str(check))


def validate_credit_code(code: str) -> CreditCodeCheck:
    """Check a 统一社会信用代码 and say exactly what is wrong (full-width characters, spaces and lower case are
    normalised first)."""
    if not isinstance(code, str):
        raise CodeError("wrong_type", "code", "代码应为文本", "the code must be a string")
    text = _normalise(code)
    values = _values()
    for index, char in enumerate(text[:18], start=1):
        if char not in values:
            return CreditCodeCheck(
                code,
                text,
                False,
                "illegal_character",
                index,
                None,
                f"第{index}位“{char}”不是统一社会信用代码允许的字符（0-9及除I、O、Z、S、V外的大写字母）",
                f"character {index} ({char!r}) is not allowed (0-9 and capital letters except I, O, Z, S, V)",
            )
    if len(text) != 18:
        return CreditCodeCheck(
            code,
            text,
            False,
            "wrong_length",
            None,
            None,
            f"统一社会信用代码应为18位，实为{len(text)}位",
            f"a unified social credit code has 18 characters, this one has {len(text)}",
        )
    expected = credit_check_char(text[:17])
    authority = _credit()["registration_authorities"].get(text[0])
    parts: dict[str, Any] = {
        "registration_authority": None if authority is None else authority["zh"],
        "organisation_type": None if authority is None else authority["types"].get(text[1]),
        "division_code": text[2:8],
        "organisation_code": text[8:17],
        "organisation_code_valid": _organisation_code_ok(text[8:17]),
    }
    if text[17] != expected:
        return CreditCodeCheck(
            code,
            text,
            False,
            "wrong_check_digit",
            18,
            expected,
            f"校验码错误：第18位应为“{expected}”，实为“{text[17]}”",
            f"wrong check character: position 18 should be {expected!r}, not {text[17]!r}",
            **parts,
        )
    return CreditCodeCheck(code, text, True, None, None, expected, "校验通过", "valid", **parts)


def make_credit_code(prefix17: str) -> str:
    """17 characters plus their check character (for demo data and tests)."""
    if not isinstance(prefix17, str):
        raise CodeError("wrong_type", "prefix17", "前17位应为文本", "the prefix must be a string")
    text = _normalise(prefix17)
    if len(text) != 17:
        raise CodeError(
            "wrong_length", "prefix17", "前缀应为17位", f"the prefix must have 17 characters, not {len(text)}"
        )
    for index, char in enumerate(text, start=1):
        if char not in _values():
            raise CodeError(
                "illegal_character",
                "prefix17",
                f"第{index}位“{char}”不允许",
                f"character {index} ({char!r}) not allowed",
            )
    return text + credit_check_char(text)


def _divisions() -> Any:
    return load("divisions.json")


def _bad_division(code: object, why_zh: str, why_en: str) -> CodeError:
    return CodeError(
        "invalid_division_code",
        "code",
        f"行政区划代码“{code}”无效：{why_zh}",
        f"invalid division code {code!r}: {why_en}",
    )


def parse_division(code: str) -> Division:
    """Split a 6-digit division code (2 province + 2 prefecture + 2 county digits) or a 9-digit township code
    (a 6-digit code + 3 township digits) and name its level and parent."""
    if not isinstance(code, str):
        raise CodeError("wrong_type", "code", "代码应为文本", "the code must be a string")
    text = _normalise(code)
    if len(text) not in (6, 9) or not text.isascii() or not text.isdigit():
        raise _bad_division(code, "应为6位或9位数字", "expected 6 or 9 digits")
    province, prefecture, county = text[0:2], text[2:4], text[4:6]
    if province not in _divisions()["provinces"]:
        raise _bad_division(code, f"省级代码{province}不存在", f"no province {province}")
    if prefecture == "00" and county != "00":
        raise _bad_division(code, "市级部分为00时县级部分也应为00", "a county part needs a prefecture part")
    if len(text) == 9:
        if text[6:] == "000":
            raise _bad_division(code, "乡级部分不能为000", "the township part cannot be 000")
        if prefecture == "00":
            raise _bad_division(code, "乡级代码须在市级或县级之下", "a township lies under a prefecture or county")
        level, parent = "township", text[:6]
    elif prefecture == "00":
        level, parent = "province", None
    elif county == "00":
        level, parent = "prefecture", province + "0000"
    else:
        level, parent = "county", province + prefecture + "00"
    return Division(
        code=text,
        level=level,
        province=province + "0000",
        prefecture=None if prefecture == "00" else province + prefecture + "00",
        county=None if county == "00" else text[:6],
        township=text if len(text) == 9 else None,
        parent_code=parent,
        name=division_name(text),
    )


def division_level(code: str) -> str:
    """province, prefecture, county or township."""
    return parse_division(code).level


def parent_code(code: str) -> str | None:
    """The code of the enclosing division (county → prefecture → province → ``None``; township → its 6-digit code)."""
    return parse_division(code).parent_code


def division_name(code: str) -> str | None:
    """The name when bundled (provinces; 四川省, 乐山市 and its counties), else ``None``."""
    data = _divisions()
    name = data["names"].get(code)
    if name is None and len(code) == 6 and code.endswith("0000"):
        name = data["provinces"].get(code[:2])
    return None if name is None else str(name)
