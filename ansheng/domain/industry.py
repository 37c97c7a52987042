"""GB/T 4754-2017 国民经济行业分类: industry codes of enterprises.

A code is a section letter (门类, A–T) followed by up to four digits: two for the division (大类, 01–97), a third
for the group (中类) and a fourth for the class (小类), e.g. C2614. Each division belongs to exactly one section
(GB/T 4754-2017 表1), so a code whose letter does not match its division is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ansheng.domain.errors import DomainError


class IndustryCodeError(DomainError):
    pass


@dataclass(frozen=True)
class Section:
    code: str
    name_zh: str
    name_en: str
    first_division: int
    last_division: int


@dataclass(frozen=True)
class IndustryCode:
    code: str  # normalised, e.g. "C2614"
    section: Section
    division: str  # "26"
    division_name: str


@cache
def _table() -> tuple[dict[str, Section], dict[str, str]]:
    raw = json.loads(resources.files("ansheng.domain").joinpath("data/gbt4754.json").read_text("utf-8"))
    sections = {item["code"]: Section(**item) for item in raw["sections"]}
    divisions = {item["code"]: item["name_zh"] for item in raw["divisions"]}
    return sections, divisions


def sections() -> list[Section]:
    return list(_table()[0].values())


def divisions() -> dict[str, str]:
    return dict(_table()[1])


def section_of_division(division: int) -> Section:
    for section in _table()[0].values():
        if section.first_division <= division <= section.last_division:
            return section
    raise IndustryCodeError(
        "unknown_division",
        None,
        f"行业大类 {division:02d} 不存在（GB/T 4754-2017 为 01–97）",
        f"industry division {division:02d} does not exist (GB/T 4754-2017 has 01-97)",
    )


def parse(code: str, field: str | None = "industry_code") -> IndustryCode:
    """Normalise and check an industry code; the section letter may be omitted ("2614" → "C2614")."""
    text = code.strip().upper().replace(" ", "")
    # Only a Latin section letter counts as one; any other first character makes the code malformed below.
    letter = text[:1] if "A" <= text[:1] <= "Z" else ""
    digits = text[1:] if letter else text
    if not digits.isdigit() or not 2 <= len(digits) <= 4 or not digits.isascii():
        raise IndustryCodeError(
            "invalid_industry_code",
            field,
            f"行业代码“{code}”格式不对：应为门类字母加 2–4 位数字，如 C2614",
            f"industry code {code!r} is malformed: a section letter and 2-4 digits, e.g. C2614",
        )
    division = digits[:2]
    section = section_of_division(int(division))
    if letter and letter != section.code:
        raise IndustryCodeError(
            "industry_section_mismatch",
            field,
            f"行业大类 {division} 属于门类 {section.code}（{section.name_zh}），不是 {letter}",
            f"division {division} belongs to section {section.code} ({section.name_en}), not {letter}",
        )
    return IndustryCode(section.code + digits, section, division, _table()[1][division])
