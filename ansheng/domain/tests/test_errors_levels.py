"""DomainError's dict form and the four risk levels (national four-colour convention, reference §3.4)."""

from __future__ import annotations

import pytest

from ansheng.domain.errors import DomainError
from ansheng.domain.levels import LevelError, RiskLevel, colour_from_zh, parse_level


def test_error_to_dict_gives_the_language_asked() -> None:
    error = DomainError("negative_quantity", "substances[1].tonnes", "不能为负数", "must not be negative")
    assert error.to_dict() == {"code": "negative_quantity", "message": "不能为负数", "field": "substances[1].tonnes"}
    assert error.to_dict("en")["message"] == "must not be negative"
    assert error.to_dict("en-GB")["message"] == "must not be negative"
    assert error.to_dict("zh-hant")["message"] == "不能为负数"
    assert str(error) == "must not be negative"
    assert "negative_quantity" in repr(error)
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("level", "label", "colour_zh", "colour", "rank"),
    [
        # 重大/红, 较大/橙, 一般/黄, 低/蓝 (reference §3.4)
        (RiskLevel.MAJOR, "重大", "红", "red", 4),
        (RiskLevel.LARGE, "较大", "橙", "orange", 3),
        (RiskLevel.GENERAL, "一般", "黄", "yellow", 2),
        (RiskLevel.LOW, "低", "蓝", "blue", 1),
    ],
)
def test_each_level_has_its_label_colour_and_rank(
    level: RiskLevel, label: str, colour_zh: str, colour: str, rank: int
) -> None:
    assert (level.label_zh, level.colour_zh, level.colour, level.rank) == (label, colour_zh, colour, rank)
    assert level.label_en == level.value
    assert RiskLevel.from_rank(rank) is level
    assert colour_from_zh(colour_zh) is level
    assert colour_from_zh(colour_zh + "色") is level
    for spelling in (label, label + "风险", colour_zh, colour, colour.upper(), f" {colour_zh}色 "):
        assert parse_level(spelling) is level


def test_levels_are_ordered_by_rank() -> None:
    assert sorted(RiskLevel) == [RiskLevel.LOW, RiskLevel.GENERAL, RiskLevel.LARGE, RiskLevel.MAJOR]
    assert RiskLevel.MAJOR > RiskLevel.LARGE >= RiskLevel.LARGE
    assert RiskLevel.LOW < RiskLevel.GENERAL <= RiskLevel.GENERAL
    assert max(RiskLevel.GENERAL, RiskLevel.MAJOR) is RiskLevel.MAJOR


def test_levels_do_not_compare_with_other_things() -> None:
    for operation in ("__lt__", "__le__", "__gt__", "__ge__"):
        assert getattr(RiskLevel.MAJOR, operation)(4) is NotImplemented
    with pytest.raises(TypeError):
        _ = RiskLevel.MAJOR < 4


def test_the_monitoring_systems_lower_blue_reads_as_low() -> None:
    # 监测预警系统: 蓝 = 较低 (reference §5.1)
    assert parse_level("较低") is RiskLevel.LOW
    assert parse_level("低风险") is RiskLevel.LOW


@pytest.mark.parametrize("value", ["紫", "", "critical", 3, None])
def test_unknown_levels_are_refused(value: object) -> None:
    with pytest.raises(LevelError) as caught:
        parse_level(value, "level")
    assert caught.value.code in {"unknown_level", "wrong_type"}
    assert caught.value.field == "level"


def test_unknown_colours_and_ranks_are_refused() -> None:
    with pytest.raises(LevelError, match="colour"):
        colour_from_zh("紫")
    with pytest.raises(LevelError, match="colour"):
        colour_from_zh(None)
    with pytest.raises(LevelError) as caught:
        RiskLevel.from_rank(5)
    assert caught.value.code == "unknown_level"
