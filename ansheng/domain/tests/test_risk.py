"""LEC, LS and MES with their value tables, default bands and replaceable band tables (reference §3)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from ansheng.domain import risk
from ansheng.domain.levels import RiskLevel
from ansheng.domain.risk import Bands, ControlLevels, RiskError, assess

MAJOR, LARGE, GENERAL, LOW = RiskLevel.MAJOR, RiskLevel.LARGE, RiskLevel.GENERAL, RiskLevel.LOW


def test_value_tables() -> None:
    # reference §3.1 (LEC), §3.2 (LS), §3.3 and docs/rules.md (MES)
    assert risk.factor_values("LEC") == {
        "L": tuple(Fraction(Decimal(v)) for v in ("10", "6", "3", "1", "0.5", "0.2", "0.1")),
        "E": tuple(Fraction(Decimal(v)) for v in ("10", "6", "3", "2", "1", "0.5")),
        "C": tuple(Fraction(v) for v in (100, 40, 15, 7, 3, 1)),
    }
    assert risk.factor_values("ls") == {
        "L": tuple(map(Fraction, range(5, 0, -1))),
        "S": tuple(map(Fraction, range(5, 0, -1))),
    }
    assert risk.factor_values("MES")["M"] == tuple(map(Fraction, (5, 3, 1)))
    assert risk.factor_values("MES")["S"] == tuple(map(Fraction, (10, 8, 4, 2, 1)))


@pytest.mark.parametrize(
    ("factors", "score", "level", "control"),
    [
        # D = L × E × C with the default lower-inclusive bands ≥320 / ≥160 / ≥70
        ({"L": 10, "E": 10, "C": 100}, 10000, MAJOR, "公司"),
        ({"L": 6, "E": 6, "C": 15}, 540, MAJOR, "公司"),
        ({"L": 3, "E": 6, "C": 15}, 270, LARGE, "部门"),
        ({"L": 1, "E": 10, "C": 7}, 70, GENERAL, "车间"),  # D = 70 exactly → 一般
        ({"L": 3, "E": 3, "C": 7}, 63, LOW, "班组/岗位"),
        ({"L": 0.5, "E": 0.5, "C": 1}, Fraction(1, 4), LOW, "班组/岗位"),
        ({"L": 0.2, "E": 10, "C": 40}, 80, GENERAL, "车间"),  # 0.2 × 10 is exactly 2
        ({"L": Decimal("0.1"), "E": 6, "C": 100}, 60, LOW, "班组/岗位"),
    ],
)
def test_lec(factors: dict[str, Any], score: Fraction, level: RiskLevel, control: str) -> None:
    result = assess("LEC", **factors)
    assert (result.method, result.score, result.level, result.control_level) == ("LEC", score, level, control)


@pytest.mark.parametrize(
    ("score", "level"),
    [
        # LEC band edges 70 / 160 / 320 (not all reachable by products, so tested on the band table)
        (Fraction(320), MAJOR),
        (Fraction(31999, 100), LARGE),
        (Fraction(160), LARGE),
        (Fraction(15999, 100), GENERAL),
        (Fraction(70), GENERAL),
        (Fraction(6999, 100), LOW),
        (Fraction(0), LOW),
    ],
)
def test_lec_band_edges(score: Fraction, level: RiskLevel) -> None:
    assert risk.default_bands("LEC").band_for(score).level is level


@pytest.mark.parametrize(
    ("l_value", "s_value", "level"),
    [
        # LS defaults: 20–25 重大, 15–16 较大, 9–12 一般, 1–8 低 (as thresholds ≥20, ≥15, ≥9)
        (5, 5, MAJOR),
        (4, 5, MAJOR),
        (4, 4, LARGE),
        (3, 5, LARGE),
        (3, 4, GENERAL),
        (3, 3, GENERAL),
        (2, 4, LOW),
        (1, 1, LOW),
    ],
)
def test_ls(l_value: int, s_value: int, level: RiskLevel) -> None:
    result = assess("LS", L=l_value, S=s_value)
    assert result.score == l_value * s_value
    assert result.level is level


@pytest.mark.parametrize(
    ("m", "e", "s", "label", "level"),
    [
        # MES defaults: ≥180 一级, ≥90 二级, ≥50 三级, ≥20 四级, else 五级; 四级 and 五级 both 低/蓝
        (5, 10, 10, "一级", MAJOR),
        (3, 6, 10, "一级", MAJOR),  # 180 exactly
        (5, 3, 10, "二级", LARGE),  # 150
        (3, 3, 10, "二级", LARGE),  # 90
        (5, 2, 8, "三级", GENERAL),  # 80
        (5, 10, 1, "三级", GENERAL),  # 50
        (3, 2, 8, "四级", LOW),  # 48
        (5, 2, 2, "四级", LOW),  # 20
        (3, 6, 1, "五级", LOW),  # 18
        (1, 0.5, 1, "五级", LOW),
    ],
)
def test_mes(m: int, e: float, s: int, label: str, level: RiskLevel) -> None:
    result = assess("MES", M=m, E=e, S=s)
    assert (result.band_label, result.level) == (label, level)


def test_every_mes_product_falls_in_one_of_the_reference_bands() -> None:
    # reference §3.3: >180 一级, 90–150 二级, 50–80 三级, 20–48 四级, ≤18 五级; only 180 itself sits in a gap
    values = risk.factor_values("MES")
    products = {m * e * s for m in values["M"] for e in values["E"] for s in values["S"]}
    gaps = [p for p in products if 150 < p <= 180 or 80 < p < 90 or 48 < p < 50 or 18 < p < 20]
    assert gaps == [180]


@pytest.mark.parametrize(
    ("method", "factors", "code", "field"),
    [
        ("LEC", {"L": 4, "E": 6, "C": 7}, "value_not_in_table", "L"),
        ("LEC", {"L": 3, "E": 6, "C": 8}, "value_not_in_table", "C"),
        ("LEC", {"L": 3, "E": 6}, "missing_field", "C"),
        ("LEC", {"L": 3, "E": 6, "C": 7, "S": 1}, "unknown_field", "S"),
        ("LEC", {"L": True, "E": 6, "C": 7}, "wrong_type", "L"),
        ("LEC", {"L": "3", "E": 6, "C": 7}, "wrong_type", "L"),
        ("LEC", {"L": -3, "E": 6, "C": 7}, "negative_value", "L"),
        ("LS", {"L": 6, "S": 1}, "value_not_in_table", "L"),
        ("LS", {"L": 2.5, "S": 1}, "value_not_in_table", "L"),
        ("MES", {"M": 2, "E": 1, "S": 1}, "value_not_in_table", "M"),
        ("ABC", {}, "value_not_in_table", "method"),
        (None, {}, "value_not_in_table", "method"),
    ],
)
def test_refusals(method: object, factors: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(RiskError) as caught:
        assess(method, **factors)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == (code, field)


def test_refusal_lists_the_allowed_values() -> None:
    with pytest.raises(RiskError) as caught:
        assess("LEC", L=4, E=6, C=7)
    assert "0.5" in caught.value.message_zh and "10" in caught.value.message_en


def test_a_city_may_replace_the_bands_and_control_levels() -> None:
    # LS alternative of the reference: 17–25 / 13–16 / 8–12 / 1–7
    bands = Bands.from_dict(
        {
            "bands": [
                {"level": "红", "min": 17},
                {"level": "orange", "min": "13", "max": 17},
                {"level": "一般", "min": 8.0, "max": "13"},
                {"level": "低", "max": 8},
            ]
        }
    )
    controls = ControlLevels.from_dict({"重大": "公司", "较大": "分厂", "黄": "车间", "blue": "班组"})
    result = assess("LS", L=4, S=4, bands=bands, control_levels=controls)
    assert (result.level, result.control_level) == (LARGE, "分厂")
    assert assess("LS", L=2, S=4, bands=bands).level is GENERAL
    assert bands.to_dict()["bands"][0] == {"level": "重大", "min": "17", "inclusive": True, "label": ""}


def test_band_objects_are_required() -> None:
    with pytest.raises(RiskError) as caught:
        assess("LS", L=1, S=1, bands={"bands": []})  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == ("wrong_type", "bands")
    with pytest.raises(RiskError) as caught:
        assess("LS", L=1, S=1, control_levels={"重大": "公司"})  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == ("wrong_type", "control_levels")


def test_exclusive_lower_bounds() -> None:
    # classic Graham–Kinney reading: D > 320 is 重大
    bands = Bands.from_dict([{"level": "重大", "min": 320, "inclusive": False}, {"level": "低"}])
    assert bands.band_for(Fraction(320)).level is LOW
    assert bands.band_for(Fraction(321)).level is MAJOR


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ([], "bands"),
        ("bands", "bands"),
        ({"bands": None}, "bands"),
        (["x"], "bands[0]"),
        ([{"level": "紫"}], "bands[0].level"),
        ([{"level": "低", "colour": "蓝"}], "bands[0]"),
        ([{"level": "重大", "min": 10}], "bands[0].min"),  # the lowest band must be open below
        ([{"level": "重大"}, {"level": "低"}], "bands[0].min"),
        ([{"level": "重大", "min": 10}, {"level": "较大", "min": 10}, {"level": "低"}], "bands[1].min"),
        ([{"level": "重大", "min": 10}, {"level": "较大", "min": 5, "max": 9}, {"level": "低"}], "bands[1]"),
        ([{"level": "重大", "min": 10, "max": 20}, {"level": "低"}], "bands[0].max"),
        ([{"level": "一般", "min": 10}, {"level": "重大"}], "bands[1].level"),
        ([{"level": "重大", "min": "ten"}, {"level": "低"}], "bands[0].min"),
        ([{"level": "重大", "min": 10, "inclusive": "yes"}, {"level": "低"}], "bands[0]"),
        ([{"level": "重大", "min": 10, "label": 5}, {"level": "低"}], "bands[0]"),
    ],
)
def test_invalid_band_tables_are_refused(table: Any, field: str) -> None:
    with pytest.raises(RiskError) as caught:
        Bands.from_dict(table)
    assert caught.value.code == "invalid_bands"
    assert caught.value.field == field


def test_bands_may_be_negative_or_fractional() -> None:
    bands = Bands.from_dict([{"level": "一般", "min": -0.5}, {"level": "低"}])
    assert bands.bands[0].minimum == Fraction(-1, 2)


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ("公司", "control_levels"),
        ({"紫": "公司"}, "control_levels"),
        ({"重大": ""}, "control_levels.重大"),
        ({"重大": 1}, "control_levels.重大"),
        ({"重大": "公司", "较大": "部门", "一般": "车间"}, "control_levels"),
    ],
)
def test_invalid_control_levels_are_refused(table: Any, field: str) -> None:
    with pytest.raises(RiskError) as caught:
        ControlLevels.from_dict(table)
    assert (caught.value.code, caught.value.field) == ("invalid_control_levels", field)


def test_default_control_levels() -> None:
    # reference §3.4 typical mapping [U]
    assert dict(risk.default_control_levels().by_level) == {
        MAJOR: "公司",
        LARGE: "部门",
        GENERAL: "车间",
        LOW: "班组/岗位",
    }


def test_method_tables_give_each_value_its_meaning() -> None:
    lec = risk.method_table("lec")
    assert (lec.method, lec.formula) == ("LEC", "D = L × E × C")
    assert [f.name for f in lec.factors] == ["L", "E", "C"]
    likelihood = lec.factors[0]
    assert (likelihood.zh, likelihood.en) == ("事故发生的可能性", "likelihood")
    assert (likelihood.options[2].value, likelihood.options[2].zh) == (Fraction(3), "可能，但不经常")
    assert likelihood.options[-1].value == Fraction(1, 10)
    # the meanings list exactly the values the assessment accepts, in the same order
    for method in risk.METHODS:
        table = risk.method_table(method)
        assert table.title_zh and table.title_en
        assert {f.name: tuple(o.value for o in f.options) for f in table.factors} == risk.factor_values(method)
    with pytest.raises(RiskError) as caught:
        risk.method_table("AHP")
    assert caught.value.code == "value_not_in_table"
