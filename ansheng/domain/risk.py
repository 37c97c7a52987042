"""Risk assessment of a risk point: LEC, the 5×5 matrix (LS) and MES, with band tables a city may replace.

Scores are exact (0.5 × 0.2 is 1/10, so D = 70 is decided exactly). Factor values outside a method's table are
refused. The default band tables and control levels are in ``data/risk_bands.json``; they are conventions, not
national standards ([U] in the reference), so :class:`Bands` and :class:`ControlLevels` accept replacements.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ansheng.domain._data import load
from ansheng.domain._num import as_exact, dec
from ansheng.domain.errors import DomainError
from ansheng.domain.levels import LevelError, RiskLevel, parse_level

__all__ = [
    "METHODS",
    "Band",
    "Bands",
    "ControlLevels",
    "Factor",
    "FactorOption",
    "MethodTable",
    "RiskAssessment",
    "RiskError",
    "assess",
    "default_bands",
    "default_control_levels",
    "factor_values",
    "method_table",
]

METHODS = ("LEC", "LS", "MES")


class RiskError(DomainError):
    """Bad input to a risk assessment, or an invalid band table."""


@dataclass(frozen=True)
class Band:
    """Scores at or above ``minimum`` (above it when not ``inclusive``) and below the band above; the lowest band
    has no minimum."""

    level: RiskLevel
    minimum: Fraction | None
    inclusive: bool = True
    label: str = ""

    def contains_from_below(self, score: Fraction) -> bool:
        if self.minimum is None:
            return True
        return score >= self.minimum if self.inclusive else score > self.minimum


def _bad(message_zh: str, message_en: str, field: str = "bands") -> RiskError:
    return RiskError("invalid_bands", field, message_zh, message_en)


@dataclass(frozen=True)
class Bands:
    """An ordered, contiguous band table, highest level first."""

    bands: tuple[Band, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Bands:
        """Build and validate a table from ``{"bands": [{"level", "min", "max"?, "inclusive"?, "label"?}, …]}``
        (or the list alone), highest band first.

        Rules: at least one band; every band but the last has a ``min``, the last has none (so every score gets a
        level); minima strictly decrease; a band's ``max``, when given, equals the ``min`` of the band above (the
        table is contiguous) and the first band has no ``max``; levels never rise as scores fall.
        """
        rows = data.get("bands") if isinstance(data, Mapping) else data
        if isinstance(rows, str | bytes) or not isinstance(rows, Sequence) or not rows:
            raise _bad("分级表应为非空列表", "a band table must be a non-empty list")
        bands: list[Band] = []
        for i, row in enumerate(rows):
            field = f"bands[{i}]"
            if not isinstance(row, Mapping):
                raise _bad("每一级应为对象", "each band must be an object", field)
            unknown = set(row) - {"level", "min", "max", "inclusive", "label"}
            if unknown:
                raise _bad(f"未知的字段：{sorted(unknown)}", f"unknown keys: {sorted(unknown)}", field)
            try:
                level = parse_level(row.get("level"), f"{field}.level")
            except LevelError as error:
                raise _bad(error.message_zh, error.message_en, f"{field}.level") from None
            minimum = _bound(row.get("min"), f"{field}.min")
            maximum = _bound(row.get("max"), f"{field}.max")
            inclusive = row.get("inclusive", True)
            label = row.get("label") or ""
            if not isinstance(inclusive, bool) or not isinstance(label, str):
                raise _bad("inclusive应为布尔值，label应为文本", "inclusive must be a boolean, label a string", field)
            last = i == len(rows) - 1
            if (minimum is None) != last:
                raise _bad(
                    "只有最低一级没有下限，其余各级须有下限",
                    "every band but the lowest needs a min; the lowest has none",
                    f"{field}.min",
                )
            if bands:
                above = bands[-1]
                if minimum is not None and above.minimum is not None and minimum >= above.minimum:
                    raise _bad("各级下限应从高到低严格递减", "band minima must strictly decrease", f"{field}.min")
                if maximum is not None and maximum != above.minimum:
                    raise _bad("分级不连续：上限应等于上一级的下限", "bands must be contiguous: max = min above", field)
                if level > above.level:
                    raise _bad("分数越低，等级不能越高", "a lower score cannot have a higher level", f"{field}.level")
            elif maximum is not None:
                raise _bad("最高一级不应有上限", "the highest band has no max", f"{field}.max")
            bands.append(Band(level, minimum, inclusive, label))
        return cls(tuple(bands))

    def band_for(self, score: Fraction) -> Band:
        # The lowest band has no minimum, so the search always ends.
        return next(band for band in self.bands if band.contains_from_below(score))

    def to_dict(self) -> dict[str, Any]:
        return {
            "bands": [
                {
                    "level": band.level.label_zh,
                    "min": None if band.minimum is None else str(band.minimum),
                    "inclusive": band.inclusive,
                    "label": band.label,
                }
                for band in self.bands
            ]
        }


def _bound(value: object, field: str) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return dec(value)
        except ArithmeticError:
            raise _bad("界限应为数字", "a bound must be a number", field) from None
    return as_exact(value, field, RiskError, allow_negative=True)


@dataclass(frozen=True)
class ControlLevels:
    """The organisational level that controls a risk of each level (管控层级)."""

    by_level: Mapping[RiskLevel, str]

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> ControlLevels:
        """From ``{"重大": "公司", "较大": "部门", "一般": "车间", "低": "班组/岗位"}`` (any level spelling); all four
        levels are required."""
        if not isinstance(data, Mapping):
            raise RiskError("invalid_control_levels", "control_levels", "管控层级应为对象", "must be an object")
        by_level: dict[RiskLevel, str] = {}
        for key, value in data.items():
            try:
                level = parse_level(key, "control_levels")
            except LevelError as error:
                raise RiskError(
                    "invalid_control_levels", "control_levels", error.message_zh, error.message_en
                ) from None
            if not isinstance(value, str) or not value.strip():
                raise RiskError(
                    "invalid_control_levels",
                    f"control_levels.{key}",
                    "管控层级应为非空文本",
                    "must be a non-empty string",
                )
            by_level[level] = value.strip()
        if set(by_level) != set(RiskLevel):
            raise RiskError(
                "invalid_control_levels",
                "control_levels",
                "须为四个等级都给出管控层级",
                "give a level for all four grades",
            )
        return cls(by_level)


@dataclass(frozen=True)
class RiskAssessment:
    method: str
    factors: Mapping[str, Fraction]
    score: Fraction
    level: RiskLevel
    band_label: str
    control_level: str


def _raw() -> Any:
    return load("risk_bands.json")


def _method(method: object) -> str:
    name = method.strip().upper() if isinstance(method, str) else None
    if name not in METHODS:
        raise RiskError("value_not_in_table", "method", "评价方法应为LEC、LS或MES", "method must be LEC, LS or MES")
    return name


@functools.cache
def factor_values(method: str) -> dict[str, tuple[Fraction, ...]]:
    """The allowed values of each factor of ``method``, in the table's order."""
    factors = _raw()["methods"][_method(method)]["factors"]
    return {name: tuple(dec(row["value"]) for row in spec["values"]) for name, spec in factors.items()}


@dataclass(frozen=True)
class FactorOption:
    """One row of a factor's table: its value and what it means (e.g. LEC L = 3, 可能，但不经常)."""

    value: Fraction
    zh: str


@dataclass(frozen=True)
class Factor:
    name: str
    zh: str
    en: str
    options: tuple[FactorOption, ...]


@dataclass(frozen=True)
class MethodTable:
    """A method's title, formula and factor tables with the meaning of each value, for forms and printed cards."""

    method: str
    title_zh: str
    title_en: str
    formula: str
    factors: tuple[Factor, ...]


@functools.cache
def method_table(method: str) -> MethodTable:
    """The factor tables of ``method`` with each value's meaning, in the table's order (see ``factor_values``)."""
    name = _method(method)
    spec = _raw()["methods"][name]
    return MethodTable(
        method=name,
        title_zh=spec["title_zh"],
        title_en=spec["title_en"],
        formula=spec["formula"],
        factors=tuple(
            Factor(
                name=factor,
                zh=entry["zh"],
                en=entry["en"],
                options=tuple(FactorOption(dec(row["value"]), row["zh"]) for row in entry["values"]),
            )
            for factor, entry in spec["factors"].items()
        ),
    )


@functools.cache
def default_bands(method: str) -> Bands:
    """The default band table of ``method`` (see docs/rules.md)."""
    return Bands.from_dict(_raw()["methods"][_method(method)])


@functools.cache
def default_control_levels() -> ControlLevels:
    """重大 → 公司, 较大 → 部门, 一般 → 车间, 低 → 班组/岗位 ([U]; provincial guides vary)."""
    return ControlLevels.from_dict(_raw()["control_levels"])


def assess(
    method: str,
    *,
    bands: Bands | None = None,
    control_levels: ControlLevels | None = None,
    **factors: object,
) -> RiskAssessment:
    """Score and grade a risk: ``assess("LEC", L=3, E=6, C=7)`` → D = 126, 一般/黄, 车间.

    LEC: D = L × E × C; LS: R = L × S; MES: R = M × E × S. Each factor must be one of its table's values.
    """
    name = _method(method)
    if bands is not None and not isinstance(bands, Bands):
        raise RiskError("wrong_type", "bands", "bands应为Bands对象", "bands must be a Bands object")
    if control_levels is not None and not isinstance(control_levels, ControlLevels):
        raise RiskError(
            "wrong_type", "control_levels", "control_levels应为ControlLevels对象", "must be a ControlLevels object"
        )
    allowed = factor_values(name)
    for key in factors:
        if key not in allowed:
            raise RiskError("unknown_field", key, f"{name}没有因素{key}", f"{name} has no factor {key}")
    values: dict[str, Fraction] = {}
    for key, choices in allowed.items():
        if key not in factors:
            raise RiskError("missing_field", key, f"缺少因素{key}", f"factor {key} is missing")
        value = as_exact(factors[key], key, RiskError)
        if value not in choices:
            listed = "、".join(_show(c) for c in choices)
            raise RiskError(
                "value_not_in_table",
                key,
                f"{name}的{key}应为{listed}之一",
                f"{name} factor {key} must be one of {listed.replace('、', ', ')}",
            )
        values[key] = value
    score = Fraction(1)
    for value in values.values():
        score *= value
    table = bands if bands is not None else default_bands(name)
    controls = control_levels if control_levels is not None else default_control_levels()
    band = table.band_for(score)
    return RiskAssessment(
        method=name,
        factors=values,
        score=score,
        level=band.level,
        band_label=band.label,
        control_level=controls.by_level[band.level],
    )


def _show(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))
