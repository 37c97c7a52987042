"""GB 6441-1986, GB 6441-2025 (types and WSA codes) and GB/T 13861-2022 (hazard-factor codes)."""

from __future__ import annotations

import pytest

from ansheng.domain import accident_types, hazard_factors
from ansheng.domain.accident_types import AccidentTypeError
from ansheng.domain.hazard_factors import HazardFactorError


def test_gb6441_1986_has_twenty_types() -> None:
    types = accident_types.gb6441_1986_types()
    assert [no for no, _name in types] == list(range(1, 21))
    assert types[0] == (1, "物体打击") and types[18] == (19, "中毒和窒息") and types[19] == (20, "其他伤害")


def test_gb6441_2025_has_27_basic_and_4_severity_types() -> None:
    basic = accident_types.basic_types()
    assert len(basic) == 27
    assert [t.code for t in basic] == [f"{i:04d}" for i in range(1, 27)] + ["0099"]  # §5.3
    assert basic[8].zh == "火灾" and basic[-1].zh == "其他"
    assert [t.zh for t in accident_types.severity_types()] == ["零伤亡事故", "轻伤事故", "重伤事故", "死亡事故"]


@pytest.mark.parametrize(
    ("code", "mode", "type_code", "name", "section"),
    [
        # the standard's own examples (§5.5 示例)
        ("WSA10009", 1, "0009", "火灾", None),
        ("WSA20003", 2, "0003", "重伤事故", None),
        ("WSA35523", 3, "5523", None, "G"),  # 内河货物运输, in section G 交通运输、仓储和邮政业
        # more, by §5.3–§5.5
        ("WSA10099", 1, "0099", "其他", None),
        ("WSA10026", 1, "0026", "泄漏", None),
        ("WSA20001", 2, "0001", "零伤亡事故", None),
        ("WSA32614", 3, "2614", None, "C"),  # a chemical-manufacturing class
        ("WSA30111", 3, "0111", None, "A"),
        ("WSA39700", 3, "9700", None, "T"),
        ("wsa10009", 1, "0009", "火灾", None),  # lower case and full width are normalised
        ("ＷＳＡ１０００９", 1, "0009", "火灾", None),
    ],
)
def test_parse_wsa(code: str, mode: int, type_code: str, name: str | None, section: str | None) -> None:
    parsed = accident_types.parse_wsa(code)
    assert (parsed.mode, parsed.type_code, parsed.name_zh, parsed.section) == (mode, type_code, name, section)
    assert parsed.code == "WSA" + str(mode) + type_code


def test_industry_codes_name_their_section() -> None:
    assert accident_types.parse_wsa("WSA35523").section_zh == "交通运输、仓储和邮政业"


@pytest.mark.parametrize(
    "code",
    [
        "WSA1009",
        "WSA100090",
        "WSB10009",
        "WSA1000A",
        "WSA10027",
        "WSA10000",
        "WSA20005",
        "WSA39800",
        "WSA30011",
        "WSA40001",
        "WSA00009",
        "WSA1０00x",
    ],
)
def test_invalid_wsa_codes(code: str) -> None:
    with pytest.raises(AccidentTypeError) as caught:
        accident_types.parse_wsa(code)
    assert (caught.value.code, caught.value.field) == ("invalid_wsa_code", "code")


def test_building_and_naming_codes() -> None:
    assert accident_types.wsa_code(1, "0009") == "WSA10009"
    assert accident_types.wsa_code(3, "5523") == "WSA35523"
    assert accident_types.wsa_for_name("火灾") == "WSA10009"
    assert accident_types.wsa_for_name("重伤事故") == "WSA20003"
    assert accident_types.wsa_for_name("厂(场)内车辆致害") == "WSA10002"  # half-width brackets accepted
    assert accident_types.wsa_for_name("厂（场）内车辆致害") == "WSA10002"


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: accident_types.wsa_code(True, "0009"), "wrong_type"),
        (lambda: accident_types.wsa_code(1, 9), "wrong_type"),  # type: ignore[arg-type]
        (lambda: accident_types.wsa_code(4, "0009"), "invalid_wsa_code"),
        (lambda: accident_types.parse_wsa(10009), "wrong_type"),  # type: ignore[arg-type]
        (lambda: accident_types.wsa_for_name("车辆伤害"), "unknown_type"),  # a 1986 name, gone in 2025
        (lambda: accident_types.wsa_for_name(None), "unknown_type"),  # type: ignore[arg-type]
    ],
)
def test_accident_type_refusals(call: object, code: str) -> None:
    with pytest.raises(AccidentTypeError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("code", "level", "top_zh", "second_zh", "parent"),
    [
        # GB/T 13861-2022: 1+1+2+2 digits; top classes verified, second level [U]
        ("1", 1, "人的因素", None, None),
        ("2", 1, "物的因素", None, None),
        ("3", 1, "环境因素", None, None),
        ("4", 1, "管理因素", None, None),
        ("21", 2, "物的因素", "物理性危险和有害因素", "2"),
        ("45", 2, "管理因素", "应急管理缺陷", "4"),
        ("2101", 3, "物的因素", "物理性危险和有害因素", "21"),
        ("210101", 4, "物的因素", "物理性危险和有害因素", "2101"),
        ("28", 2, "物的因素", None, "2"),  # not in the recalled table: accepted, unnamed
    ],
)
def test_hazard_factor_codes(code: str, level: int, top_zh: str, second_zh: str | None, parent: str | None) -> None:
    parsed = hazard_factors.parse_hazard_factor(code)
    assert (parsed.level, parsed.top_zh, parsed.second_zh, parsed.parent_code) == (level, top_zh, second_zh, parent)
    assert parsed.fourth == (code if level == 4 else None)
    assert parsed.third == (code[:4] if level >= 3 else None)


def test_hazard_factor_tables() -> None:
    assert hazard_factors.top_classes() == {"1": "人的因素", "2": "物的因素", "3": "环境因素", "4": "管理因素"}
    assert len(hazard_factors.second_level()) == 15


@pytest.mark.parametrize("code", ["", "123", "12345", "1234567", "5", "0101", "2a", "２１"])
def test_invalid_hazard_factor_codes(code: str) -> None:
    with pytest.raises(HazardFactorError) as caught:
        hazard_factors.parse_hazard_factor(code)
    assert caught.value.code == "invalid_hazard_factor_code"


def test_hazard_factor_refuses_non_strings() -> None:
    with pytest.raises(HazardFactorError) as caught:
        hazard_factors.parse_hazard_factor(21)  # type: ignore[arg-type]
    assert caught.value.code == "wrong_type"
