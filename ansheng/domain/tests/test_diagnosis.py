"""危险化学品生产储存企业安全风险评估诊断分级指南（试行）: score → colour, and the direct-red conditions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ansheng.domain import diagnosis
from ansheng.domain.diagnosis import Condition, DiagnosisError
from ansheng.domain.levels import RiskLevel


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        # < 60 红; 60 ≤ s < 75 橙; 75 ≤ s < 90 黄; ≥ 90 蓝 (reference §5.2), edges 60 / 75 / 90
        (0, "红"),
        (59.99, "红"),
        (60, "橙"),
        (Decimal("74.999"), "橙"),
        (75, "黄"),
        (89.9, "黄"),
        (90, "蓝"),
        (100, "蓝"),
    ],
)
def test_score_colours(score: object, colour: str) -> None:
    result = diagnosis.grade(score)  # type: ignore[arg-type]
    assert result.level.colour_zh == colour
    assert result.by_score is result.level
    assert result.direct_red == ()
    assert [reason.code for reason in result.reasons] == ["score"]


def test_a_direct_red_condition_overrides_the_score() -> None:
    # the verified condition: in-service installation without formal design or safety design diagnosis
    result = diagnosis.grade(95, ["no_formal_design", "no_formal_design"])
    assert result.level is RiskLevel.MAJOR
    assert result.by_score is RiskLevel.LOW
    assert [c.id for c in result.direct_red] == ["no_formal_design"]
    assert [reason.code for reason in result.reasons] == ["score", "direct_red:no_formal_design"]
    assert "得分95" in result.reasons[0].zh and "0.5" not in result.reasons[0].zh
    assert "直接判定为红色" in result.reasons[1].zh


def test_conditions_table() -> None:
    conditions = diagnosis.conditions()
    assert conditions[0].id == "no_formal_design" and conditions[0].status == "V-2nd"
    assert all(c.status == "U" for c in conditions[1:])
    assert len({c.id for c in conditions}) == len(conditions)


def test_a_city_may_replace_the_condition_table() -> None:
    table = {"unlicensed": Condition("unlicensed", "无证经营", "no licence", "U")}
    assert diagnosis.grade(80, ["unlicensed"], condition_table=table).level is RiskLevel.MAJOR
    with pytest.raises(DiagnosisError):
        diagnosis.grade(80, ["no_formal_design"], condition_table=table)


@pytest.mark.parametrize(
    ("score", "direct_red", "code", "field"),
    [
        (100.5, [], "out_of_range", "score"),
        (-1, [], "negative_value", "score"),
        ("90", [], "wrong_type", "score"),
        (None, [], "wrong_type", "score"),
        (90, "no_formal_design", "wrong_type", "direct_red"),
        (90, 5, "wrong_type", "direct_red"),
        (90, ["no_formal_design", "unknown"], "unknown_condition", "direct_red[1]"),
        (90, [3], "unknown_condition", "direct_red[0]"),
    ],
)
def test_refusals(score: object, direct_red: object, code: str, field: str) -> None:
    with pytest.raises(DiagnosisError) as caught:
        diagnosis.grade(score, direct_red)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == (code, field)
