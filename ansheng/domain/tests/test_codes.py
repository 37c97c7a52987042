"""统一社会信用代码 (GB 32100-2015) and administrative-division codes."""

from __future__ import annotations

import pytest

from ansheng.domain import codes
from ansheng.domain.codes import CodeError


def test_weights_are_powers_of_three_mod_31() -> None:
    # GB 32100-2015: W_i = 3^(i−1) mod 31
    from ansheng.domain._data import load

    assert load("credit_code.json")["weights"] == [pow(3, i, 31) for i in range(17)]
    assert load("credit_code.json")["charset"] == "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.mark.parametrize(
    ("code", "authority", "kind"),
    [
        # the example printed in GB 32100-2015
        ("91350100M000100Y43", "工商（市场监管）", "企业"),
        # check characters computed by the algorithm for real-format codes (Leshan division 511100 / 511102)
        (codes.make_credit_code("91511100MA62000008"[:17]), "工商（市场监管）", "企业"),
        (codes.make_credit_code("92511102MA6200001"), "工商（市场监管）", "个体工商户"),
        (codes.make_credit_code("12511100MB1234567"), "机构编制", "事业单位"),
        (codes.make_credit_code("51511100MJ0000001"), "民政", "社会团体"),
        (codes.make_credit_code("Y1511100MA0000001"), "其他", "其他"),
        (codes.make_credit_code("B1511100MA0000001"), None, None),  # unknown authority: decoded as None
    ],
)
def test_valid_codes(code: str, authority: str | None, kind: str | None) -> None:
    check = codes.validate_credit_code(code)
    assert check.valid and check.reason_code is None and check.position is None
    assert check.expected_check == code[17]
    assert (check.registration_authority, check.organisation_type) == (authority, kind)
    assert check.division_code == code[2:8]
    assert check.organisation_code == code[8:17]


def test_the_standards_example_decodes() -> None:
    check = codes.validate_credit_code("91350100M000100Y43")
    assert check.division_code == "350100"
    assert check.organisation_code == "M000100Y4"
    assert check.organisation_code_valid is True  # GB 11714 check of the subject identifier
    assert check.message_en == "valid"


def test_the_check_character_can_be_a_letter_or_zero() -> None:
    made = {codes.make_credit_code(f"9151110{i:02d}A000000{i % 10}") for i in range(60)}
    assert any(code[17].isalpha() for code in made)
    assert all(codes.validate_credit_code(code).valid for code in made)
    # a prefix whose weighted sum is a multiple of 31 has check character 0 (31 is written 0)
    assert codes.credit_check_char("00000000000000000") == "0"


@pytest.mark.parametrize(
    ("code", "reason", "position", "expected"),
    [
        ("91350100M000100Y44", "wrong_check_digit", 18, "3"),
        ("91350100M000100Y4", "wrong_length", None, None),
        ("91350100M000100Y433", "wrong_length", None, None),
        ("", "wrong_length", None, None),
        ("9135010OM000100Y43", "illegal_character", 8, None),  # O is not in the set
        ("91350100M000I00Y43", "illegal_character", 13, None),  # I
        ("S1350100M000100Y43", "illegal_character", 1, None),  # S
        ("91350100M000100Y4Z", "illegal_character", 18, None),  # Z
        ("91350100M000100Y4-", "illegal_character", 18, None),
    ],
)
def test_invalid_codes_say_what_is_wrong(code: str, reason: str, position: int | None, expected: str | None) -> None:
    check = codes.validate_credit_code(code)
    assert not check.valid
    assert (check.reason_code, check.position, check.expected_check) == (reason, position, expected)
    assert check.message_zh and check.message_en


def test_wrong_check_digit_message_names_the_expected_character() -> None:
    check = codes.validate_credit_code("91350100M000100Y44")
    assert "“3”" in check.message_zh
    assert "'3'" in check.message_en


def test_input_is_normalised() -> None:
    check = codes.validate_credit_code(" ９１３５０１００ｍ０００１００ｙ４３ ")
    assert check.valid and check.normalized == "91350100M000100Y43"


def test_a_subject_identifier_that_fails_gb11714_is_reported_but_not_decisive() -> None:
    code = codes.make_credit_code("91511100MA6200000")
    check = codes.validate_credit_code(code)
    assert check.valid
    assert check.organisation_code_valid is False


@pytest.mark.parametrize(
    ("prefix", "code"),
    [("9151110", "wrong_length"), ("91511100MA62O0000", "illegal_character"), (12, "wrong_type")],
)
def test_make_credit_code_refusals(prefix: object, code: str) -> None:
    with pytest.raises(CodeError) as caught:
        codes.make_credit_code(prefix)  # type: ignore[arg-type]
    assert caught.value.code == code


def test_validate_refuses_non_strings() -> None:
    with pytest.raises(CodeError) as caught:
        codes.validate_credit_code(91350100)  # type: ignore[arg-type]
    assert caught.value.code == "wrong_type"


@pytest.mark.parametrize(
    ("code", "level", "parent", "name"),
    [
        # GB/T 2260 structure: 2 province + 2 prefecture + 2 county digits; 9-digit township codes
        ("510000", "province", None, "四川省"),
        ("110000", "province", None, "北京市"),
        ("511100", "prefecture", "510000", "乐山市"),
        ("511102", "county", "511100", "市中区"),
        ("511181", "county", "511100", "峨眉山市"),
        ("511133", "county", "511100", "马边彝族自治县"),
        ("110101", "county", "110100", None),
        ("511102001", "township", "511102", None),
        ("441900003", "township", "441900", None),  # a township directly under a prefecture city (东莞)
    ],
)
def test_division_codes(code: str, level: str, parent: str | None, name: str | None) -> None:
    division = codes.parse_division(code)
    assert (division.level, division.parent_code, division.name) == (level, parent, name)
    assert codes.division_level(code) == level
    assert codes.parent_code(code) == parent
    assert division.province == code[:2] + "0000"


def test_division_parts() -> None:
    township = codes.parse_division("511102001")
    assert (township.prefecture, township.county, township.township) == ("511100", "511102", "511102001")
    province = codes.parse_division("510000")
    assert (province.prefecture, province.county, province.township) == (None, None, None)


def test_leshan_has_eleven_county_level_divisions() -> None:
    counties = [
        c
        for c in (
            "511102",
            "511111",
            "511112",
            "511113",
            "511123",
            "511124",
            "511126",
            "511129",
            "511132",
            "511133",
            "511181",
        )
        if codes.division_name(c)
    ]
    assert len(counties) == 11
    assert codes.division_name("999999") is None
    assert codes.division_name("520000") == "贵州省"


@pytest.mark.parametrize(
    "code",
    ["51110", "5111020011", "51110a", "991100", "510012", "511102000", "510000001", "５１１１０２x", "51110٣"],
)
def test_invalid_division_codes(code: str) -> None:
    with pytest.raises(CodeError) as caught:
        codes.parse_division(code)
    assert (caught.value.code, caught.value.field) == ("invalid_division_code", "code")


def test_full_width_division_digits_are_normalised() -> None:
    assert codes.parse_division("５１１１０２").code == "511102"


def test_division_refuses_non_strings() -> None:
    with pytest.raises(CodeError) as caught:
        codes.parse_division(511102)  # type: ignore[arg-type]
    assert caught.value.code == "wrong_type"
