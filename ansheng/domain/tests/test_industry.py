"""GB/T 4754-2017 国民经济行业分类: sections (门类), divisions (大类) and the codes of enterprises."""

from __future__ import annotations

import pytest

from ansheng.domain import industry
from ansheng.domain.industry import IndustryCodeError

# GB/T 4754-2017 表1 (类别名称及代码): each section letter with its first and last division.
SECTION_RANGES = [
    ("A", "农、林、牧、渔业", 1, 5),
    ("B", "采矿业", 6, 12),
    ("C", "制造业", 13, 43),
    ("D", "电力、热力、燃气及水生产和供应业", 44, 46),
    ("E", "建筑业", 47, 50),
    ("F", "批发和零售业", 51, 52),
    ("G", "交通运输、仓储和邮政业", 53, 60),
    ("H", "住宿和餐饮业", 61, 62),
    ("I", "信息传输、软件和信息技术服务业", 63, 65),
    ("J", "金融业", 66, 69),
    ("K", "房地产业", 70, 70),
    ("L", "租赁和商务服务业", 71, 72),
    ("M", "科学研究和技术服务业", 73, 75),
    ("N", "水利、环境和公共设施管理业", 76, 79),
    ("O", "居民服务、修理和其他服务业", 80, 82),
    ("P", "教育", 83, 83),
    ("Q", "卫生和社会工作", 84, 85),
    ("R", "文化、体育和娱乐业", 86, 90),
    ("S", "公共管理、社会保障和社会组织", 91, 96),
    ("T", "国际组织", 97, 97),
]


def test_the_twenty_sections_of_table_1_in_order() -> None:
    assert [(s.code, s.name_zh, s.first_division, s.last_division) for s in industry.sections()] == SECTION_RANGES
    assert all(s.name_en for s in industry.sections())


def test_the_97_divisions_are_contiguous_and_each_in_exactly_one_section() -> None:
    divisions = industry.divisions()
    assert list(divisions) == [f"{n:02d}" for n in range(1, 98)]
    for number in range(1, 98):
        owners = [s.code for s in industry.sections() if s.first_division <= number <= s.last_division]
        assert len(owners) == 1, number
        assert industry.section_of_division(number).code == owners[0]


@pytest.mark.parametrize(
    ("division", "name"),
    [
        # division names as GB/T 4754-2017 prints them, one or two per section boundary
        ("01", "农业"),
        ("05", "农、林、牧、渔专业及辅助性活动"),
        ("06", "煤炭开采和洗选业"),
        ("10", "非金属矿采选业"),
        ("26", "化学原料和化学制品制造业"),
        ("43", "金属制品、机械和设备修理业"),
        ("44", "电力、热力生产和供应业"),
        ("54", "道路运输业"),
        ("59", "装卸搬运和仓储业"),
        ("97", "国际组织"),
    ],
)
def test_division_names(division: str, name: str) -> None:
    assert industry.divisions()[division] == name


def test_divisions_returns_a_copy() -> None:
    industry.divisions()["26"] = "changed"
    assert industry.divisions()["26"] == "化学原料和化学制品制造业"


@pytest.mark.parametrize("division", [0, 98, 99])
def test_divisions_outside_01_to_97_do_not_exist(division: int) -> None:
    with pytest.raises(IndustryCodeError) as caught:
        industry.section_of_division(division)
    assert caught.value.code == "unknown_division"
    assert caught.value.field is None
    assert f"{division:02d}" in caught.value.message_zh


@pytest.mark.parametrize(
    ("raw", "code", "section", "division", "name"),
    [
        ("C2614", "C2614", "C", "26", "化学原料和化学制品制造业"),  # 小类 (class)
        ("c 2614", "C2614", "C", "26", "化学原料和化学制品制造业"),  # lower case and spaces
        (" 2614 ", "C2614", "C", "26", "化学原料和化学制品制造业"),  # the letter may be omitted
        ("B06", "B06", "B", "06", "煤炭开采和洗选业"),  # 大类 only
        ("0610", "B0610", "B", "06", "煤炭开采和洗选业"),  # 中类 without the letter
        ("G5432", "G5432", "G", "54", "道路运输业"),
        ("T97", "T97", "T", "97", "国际组织"),
        ("A01", "A01", "A", "01", "农业"),
    ],
)
def test_parse_normalises_and_names_the_code(raw: str, code: str, section: str, division: str, name: str) -> None:
    parsed = industry.parse(raw)
    assert parsed.code == code
    assert parsed.section.code == section
    assert parsed.division == division
    assert parsed.division_name == name


@pytest.mark.parametrize(
    "raw",
    [
        "",  # nothing
        "C",  # a letter without digits
        "C2",  # one digit is not a division
        "C26145",  # five digits
        "C26A4",  # a letter among the digits
        "２６１４",  # full-width digits are not the code's ASCII digits
        "化2614",  # only a Latin letter is a section letter
        "CC2614",
    ],
)
def test_malformed_codes_are_refused(raw: str) -> None:
    with pytest.raises(IndustryCodeError) as caught:
        industry.parse(raw)
    assert caught.value.code == "invalid_industry_code"
    assert caught.value.field == "industry_code"
    assert "C2614" in caught.value.message_zh and "C2614" in caught.value.message_en


def test_a_letter_that_does_not_match_the_division_is_refused() -> None:
    # 26 is a division of section C (制造业, GB/T 4754-2017 表1), not B (采矿业)
    with pytest.raises(IndustryCodeError) as caught:
        industry.parse("B2614", field="enterprise.industry_code")
    error = caught.value
    assert error.code == "industry_section_mismatch"
    assert error.field == "enterprise.industry_code"
    assert error.message_zh == "行业大类 26 属于门类 C（制造业），不是 B"
    assert error.message_en == "division 26 belongs to section C (Manufacturing), not B"


@pytest.mark.parametrize("raw", ["98", "C00", "9912"])
def test_codes_with_a_division_that_does_not_exist_are_refused(raw: str) -> None:
    with pytest.raises(IndustryCodeError) as caught:
        industry.parse(raw)
    assert caught.value.code == "unknown_division"


def test_every_division_parses_with_its_own_letter_and_without_one() -> None:
    for section in industry.sections():
        for number in range(section.first_division, section.last_division + 1):
            assert industry.parse(f"{section.code}{number:02d}").code == f"{section.code}{number:02d}"
            assert industry.parse(f"{number:02d}").section == section
