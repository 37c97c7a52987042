"""Plans as data: a plan's indicators, their baseline, target, actual, projection and whether they are met.

A plan (a five-year 安全生产规划 of a city or county) states each indicator as a quantity and a target against a
baseline, for example:

- "生产安全事故起数 与“十二五”期间总数同口径相比下降10%": the total of the plan's years against the total of the
  baseline period (``compare: period_total``);
- "到2020年，亿元GDP生产安全事故死亡率 与2015年相比下降30%": the value of the plan's last year against the value of
  the baseline year (``compare: final_year``);
- "接触职业病危害劳动者在岗期间职业健康检查率 达到90%": a level to reach by the last year (``at_least``).

This module validates a plan given as plain data (the application reads it from a YAML file), and evaluates one
indicator from its yearly numerators and denominators. The rate formulas themselves are those of
:mod:`ansheng.domain.indicators` (GB 6441-2025 附录A; the statistical communiqués), named in the plan by ``formula``.

Choices the plans leave open, and their defaults here ([U], each one configurable in the plan file):

- a period total of a rate is the ratio of the sums (Σ deaths / Σ GDP), not the mean of the yearly rates;
- the projection of a period total continues the mean of the plan's years so far to the remaining years;
- the projection of a final-year value is the least-squares line through the yearly values from the baseline year
  to the latest year with data, read at the plan's last year (clamped at 0, and at 100 for percentages);
- while the period runs, ``attained`` is unknown (None), except that a period total already above a reduction
  target can no longer be met (False).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ansheng.domain import indicators as formulas
from ansheng.domain._num import as_exact
from ansheng.domain.errors import DomainError
from ansheng.domain.indicators import OCCUPATIONAL_HEALTH_RATES, IndicatorError, Target

__all__ = [
    "ACCIDENT_MEASURES",
    "FORMULAS",
    "AccidentFacts",
    "AccidentFilter",
    "Indicator",
    "IndicatorResult",
    "Plan",
    "PlanError",
    "Quantity",
    "accident_total",
    "evaluate",
    "linear_projection",
    "parse_plan",
]

# What can be counted over the accidents that pass a filter.
ACCIDENT_MEASURES: dict[str, tuple[str, str]] = {
    "count": ("事故起数", "number of accidents"),
    "deaths": ("死亡人数", "deaths"),
    "missing": ("失踪人数", "missing"),
    "serious_injuries": ("重伤人数（含急性工业中毒）", "serious injuries (incl. acute industrial poisoning)"),
    "minor_injuries": ("轻伤人数", "minor injuries"),
    "direct_loss": ("直接经济损失（万元）", "direct economic loss (10 000 yuan)"),
}

_GRADES = {"一般": 1, "较大": 2, "重大": 3, "特别重大": 4}
_COMPARISONS = ("period_total", "final_year")
_TARGET_KINDS = ("reduce_by", "increase_by", "at_least", "at_most")


class PlanError(DomainError):
    """A plan file that does not say what the platform needs, with the path of the offending entry."""


def _error(path: str, code: str, zh: str, en: str) -> PlanError:
    return PlanError(code, path, f"{path}：{zh}", f"{path}: {en}")


# --- formulas ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A named rate of :mod:`ansheng.domain.indicators`: ``apply(numerator, denominator)``; ``per`` for display."""

    name: str
    zh: str
    needs_denominator: bool
    percent: bool
    apply: Callable[[Fraction, Fraction | None], Fraction]


def _count(numerator: Fraction, _denominator: Fraction | None) -> Fraction:
    return numerator


FORMULAS: dict[str, Formula] = {
    "count": Formula("count", "合计", False, False, _count),
    "gdp_death_rate": Formula("gdp_death_rate", "亿元GDP生产安全事故死亡率", True, False, formulas.gdp_death_rate),
    "industrial_death_rate": Formula(
        "industrial_death_rate", "工矿商贸就业人员十万人生产安全事故死亡率", True, False, formulas.industrial_death_rate
    ),
    "coal_death_rate": Formula("coal_death_rate", "煤矿百万吨死亡率", True, False, formulas.coal_death_rate),
    "road_death_rate": Formula("road_death_rate", "道路交通万车死亡率", True, False, formulas.road_death_rate),
    "per_thousand_death_rate": Formula(
        "per_thousand_death_rate", "千人事故死亡率", True, False, formulas.per_thousand_death_rate
    ),
    "per_thousand_injury_rate": Formula(
        "per_thousand_injury_rate", "千人事故受伤率", True, False, formulas.per_thousand_injury_rate
    ),
    "per_10k_m3_death_rate": Formula(
        "per_10k_m3_death_rate", "万立方米死亡率", True, False, formulas.per_10k_m3_death_rate
    ),
}


def _occupational(kind: str) -> Formula:
    def apply(numerator: Fraction, denominator: Fraction | None) -> Fraction:
        return formulas.occupational_health_rate(kind, numerator, denominator)

    return Formula("occupational_health_rate", OCCUPATIONAL_HEALTH_RATES[kind][0], True, True, apply)


def _generic_rate(per: int) -> Formula:
    def apply(numerator: Fraction, denominator: Fraction | None) -> Fraction:
        return formulas.rate(numerator, denominator, per, fields=("numerator", "denominator"))

    return Formula("rate", f"比率（×{per}）", True, per == 100, apply)


# --- the plan ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccidentFacts:
    """What the indicators need to know of an accident in the statistics (its confirmed figures where the window
    has closed), or of ``count`` accidents alike in everything a filter looks at (sector, grade, deaths, serious
    injuries, 较大涉险) — a city's register grouped so. ``deaths`` and ``serious_injuries`` are per accident;
    ``missing``, ``minor_injuries`` and ``direct_loss`` (万元) are the totals of the ``count`` accidents."""

    sector: str
    grade: int
    deaths: int = 0
    missing: int = 0
    serious_injuries: int = 0
    minor_injuries: int = 0
    direct_loss: Fraction = Fraction(0)
    large_risk: bool = False
    count: int = 1

    def measure(self, name: str) -> Fraction:
        """The total of one :data:`ACCIDENT_MEASURES` entry over these accidents (their number for ``count``)."""
        if name == "count":
            return Fraction(self.count)
        if name in {"deaths", "serious_injuries"}:
            return Fraction(getattr(self, name) * self.count)
        if name not in ACCIDENT_MEASURES:
            raise PlanError("unknown_measure", "measure", f"未知的统计量：{name}", f"unknown measure: {name}")
        return Fraction(getattr(self, name))


@dataclass(frozen=True)
class AccidentFilter:
    """Which accidents a quantity counts: sectors (after expanding groups), the lowest grade and fewest deaths."""

    sectors: frozenset[str] | None = None  # None: every sector
    exclude_sectors: frozenset[str] = frozenset()
    min_grade: int = 1
    min_deaths: int = 0
    min_serious_injuries: int = 0
    large_risk: bool | None = None  # True: only 较大涉险事故; False: none of them; None: either

    def matches(self, facts: AccidentFacts) -> bool:
        if self.sectors is not None and facts.sector not in self.sectors:
            return False
        if facts.sector in self.exclude_sectors:
            return False
        if self.large_risk is not None and facts.large_risk != self.large_risk:
            return False
        return (
            facts.grade >= self.min_grade
            and facts.deaths >= self.min_deaths
            and facts.serious_injuries >= self.min_serious_injuries
        )


@dataclass(frozen=True)
class Quantity:
    """A yearly quantity: a measure over the accidents that pass ``where``, or a statistics input by its code."""

    accidents: str | None = None
    where: AccidentFilter = field(default_factory=AccidentFilter)
    input: str | None = None

    @property
    def is_accidents(self) -> bool:
        return self.accidents is not None


@dataclass(frozen=True)
class Indicator:
    no: int
    code: str
    name: str
    unit: str
    compare: str
    numerator: Quantity
    denominator: Quantity | None
    formula: Formula
    target: Target
    places: int
    description: str = ""
    by_county: bool = True

    def value(self, numerator: Fraction, denominator: Fraction | None) -> Fraction:
        return self.formula.apply(numerator, denominator)


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    region: str
    start: int
    end: int
    baseline_start: int
    baseline_end: int
    baseline_year: int
    indicators: tuple[Indicator, ...]
    statistics_cutoff_yuan: Fraction | None = None
    source: str = ""
    description: str = ""

    @property
    def years(self) -> range:
        return range(self.start, self.end + 1)

    @property
    def baseline_years(self) -> range:
        return range(self.baseline_start, self.baseline_end + 1)

    def indicator(self, no: int) -> Indicator:
        for item in self.indicators:
            if item.no == no:
                return item
        raise PlanError("unknown_indicator", "no", f"规划中没有第{no}项指标", f"the plan has no indicator {no}")


# --- parsing -------------------------------------------------------------------------------------------------------


def _mapping(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _error(path, "wrong_type", "应为键值对（映射）", "must be a mapping")
    return value


def _text(data: Mapping[str, Any], key: str, path: str, *, required: bool = True, default: str = "") -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise _error(f"{path}{key}", "required", "缺少此项", "is required")
        return default
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise _error(f"{path}{key}", "wrong_type", "应为非空文本", "must be non-empty text")
    return str(value).strip()


def _year(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1949 <= value <= 2200:
        raise _error(path, "invalid_year", "应为四位年份（如 2016）", "must be a four-digit year (e.g. 2016)")
    return value


def _span(value: object, path: str) -> tuple[int, int]:
    """A period as ``[2016, 2020]`` or ``{start: 2016, end: 2020}``."""
    if isinstance(value, Mapping):
        if "start" not in value or "end" not in value:
            raise _error(path, "required", "应写明 start 和 end", "needs start and end")
        start, end = _year(value["start"], f"{path}.start"), _year(value["end"], f"{path}.end")
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        start, end = _year(value[0], f"{path}[0]"), _year(value[1], f"{path}[1]")
    else:
        raise _error(path, "wrong_type", "应为 [起始年, 结束年]", "must be [first year, last year]")
    if end < start:
        raise _error(path, "end_before_start", "结束年早于起始年", "ends before it starts")
    return start, end


def _filter(value: object, path: str, sectors: frozenset[str], groups: Mapping[str, frozenset[str]]) -> AccidentFilter:
    if value is None:
        return AccidentFilter()
    data = _mapping(value, path)
    unknown = sorted(
        set(data) - {"sectors", "exclude_sectors", "min_grade", "min_deaths", "min_serious_injuries", "large_risk"}
    )
    if unknown:
        raise _error(f"{path}.{unknown[0]}", "unknown_key", "不认识的筛选条件", "is not a known condition")

    def expand(key: str) -> frozenset[str] | None:
        if key not in data:
            return None
        items = data[key]
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, Sequence) or not items:
            raise _error(f"{path}.{key}", "wrong_type", "应为行业领域代码列表", "must be a list of sector codes")
        found: set[str] = set()
        for index, item in enumerate(items):
            if item in groups:
                found |= groups[item]
            elif item in sectors:
                found.add(item)
            else:
                raise _error(
                    f"{path}.{key}[{index}]",
                    "unknown_sector",
                    f"未知的行业领域“{item}”，可用：{'、'.join(sorted(sectors | set(groups)))}",
                    f"unknown sector {item!r}; known: {', '.join(sorted(sectors | set(groups)))}",
                )
        return frozenset(found)

    def whole(key: str) -> int:
        number = data.get(key, 0)
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise _error(f"{path}.{key}", "wrong_type", "应为非负整数", "must be a non-negative whole number")
        return number

    grade = data.get("min_grade", "一般")
    if isinstance(grade, str) and grade.removesuffix("事故") in _GRADES:
        min_grade = _GRADES[grade.removesuffix("事故")]
    elif isinstance(grade, int) and not isinstance(grade, bool) and grade in _GRADES.values():
        min_grade = grade
    else:
        raise _error(f"{path}.min_grade", "unknown_grade", "应为 一般、较大、重大 或 特别重大", "must be a grade name")
    large_risk = data.get("large_risk")
    if large_risk is not None and not isinstance(large_risk, bool):
        raise _error(f"{path}.large_risk", "wrong_type", "应为 true 或 false", "must be true or false")
    return AccidentFilter(
        sectors=expand("sectors"),
        exclude_sectors=expand("exclude_sectors") or frozenset(),
        min_grade=min_grade,
        min_deaths=whole("min_deaths"),
        min_serious_injuries=whole("min_serious_injuries"),
        large_risk=large_risk,
    )


def _quantity(
    value: object, path: str, inputs: frozenset[str], sectors: frozenset[str], groups: Mapping[str, frozenset[str]]
) -> Quantity:
    data = _mapping(value, path)
    if ("accidents" in data) == ("input" in data):
        raise _error(
            path,
            "ambiguous_quantity",
            "应二选一：accidents（事故统计）或 input（统计基础数据）",
            "needs exactly one of accidents (from the accident register) or input (a statistics input)",
        )
    if "input" in data:
        extra = sorted(set(data) - {"input"})
        if extra:
            raise _error(f"{path}.{extra[0]}", "unknown_key", "统计基础数据项不接受此键", "is not allowed with input")
        code = data["input"]
        if code not in inputs:
            raise _error(
                f"{path}.input",
                "unknown_input",
                f"未知的统计基础数据项“{code}”，可用：{'、'.join(sorted(inputs))}",
                f"unknown statistics input {code!r}; known: {', '.join(sorted(inputs))}",
            )
        return Quantity(input=str(code))
    extra = sorted(set(data) - {"accidents", "where"})
    if extra:
        raise _error(
            f"{path}.{extra[0]}", "unknown_key", "事故统计只接受 accidents 和 where", "only accidents and where"
        )
    measure = data["accidents"]
    if measure not in ACCIDENT_MEASURES:
        raise _error(
            f"{path}.accidents",
            "unknown_measure",
            f"应为 {'、'.join(ACCIDENT_MEASURES)} 之一",
            f"must be one of {', '.join(ACCIDENT_MEASURES)}",
        )
    return Quantity(accidents=str(measure), where=_filter(data.get("where"), f"{path}.where", sectors, groups))


def _target(value: object, path: str) -> Target:
    data = _mapping(value, path)
    kinds = [key for key in data if key in _TARGET_KINDS]
    if len(kinds) != 1 or len(data) != 1:
        raise _error(
            path,
            "invalid_target",
            "应恰好写一项：reduce_by、increase_by、at_least 或 at_most",
            "must hold exactly one of reduce_by, increase_by, at_least or at_most",
        )
    kind = kinds[0]
    raw = data[kind]
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise _error(f"{path}.{kind}", "wrong_type", "应为数字（下降15%写作 0.15）", "must be a number (15 % is 0.15)")
    amount = as_exact(raw, f"{path}.{kind}", PlanError)
    if kind in {"reduce_by", "increase_by"} and not 0 < amount < (1 if kind == "reduce_by" else 100):
        raise _error(
            f"{path}.{kind}", "out_of_range", "应为比例，如下降15%写作 0.15", "must be a fraction: 15 % is 0.15"
        )
    return Target.of(kind, amount)


def _formula(data: Mapping[str, Any], path: str) -> Formula:
    name = data.get("formula", "count")
    if name == "occupational_health_rate":
        kind = data.get("kind")
        if kind not in OCCUPATIONAL_HEALTH_RATES:
            raise _error(
                f"{path}.kind",
                "unknown_kind",
                f"职业健康指标应为 {'、'.join(OCCUPATIONAL_HEALTH_RATES)} 之一",
                f"must be one of {', '.join(OCCUPATIONAL_HEALTH_RATES)}",
            )
        return _occupational(str(kind))
    if name == "rate":
        per = data.get("per")
        if isinstance(per, bool) or not isinstance(per, int) or per <= 0:
            raise _error(
                f"{path}.per",
                "wrong_type",
                "通用比率须写明 per（正整数，如 1000）",
                "a generic rate needs per (a positive whole number, e.g. 1000)",
            )
        return _generic_rate(per)
    if name not in FORMULAS:
        known = sorted([*FORMULAS, "occupational_health_rate", "rate"])
        raise _error(
            f"{path}.formula",
            "unknown_formula",
            f"未知的计算公式“{name}”，可用：{'、'.join(known)}",
            f"unknown formula {name!r}; known: {', '.join(known)}",
        )
    return FORMULAS[str(name)]


_INDICATOR_KEYS = {"no", "code", "name", "unit", "compare", "value", "target", "places", "description", "by_county"}
_VALUE_KEYS = {"formula", "kind", "per", "numerator", "denominator", "accidents", "where", "input"}


def _indicator(
    value: object,
    path: str,
    inputs: frozenset[str],
    sectors: frozenset[str],
    groups: Mapping[str, frozenset[str]],
) -> Indicator:
    data = _mapping(value, path)
    unknown = sorted(set(data) - _INDICATOR_KEYS)
    if unknown:
        raise _error(f"{path}.{unknown[0]}", "unknown_key", "不认识的键", "is not a known key")
    no = data.get("no")
    if isinstance(no, bool) or not isinstance(no, int) or no < 1:
        raise _error(f"{path}.no", "wrong_type", "序号应为正整数", "must be a positive whole number")
    name = _text(data, "name", f"{path}.")
    spec = _mapping(data.get("value"), f"{path}.value")
    unknown = sorted(set(spec) - _VALUE_KEYS)
    if unknown:
        raise _error(f"{path}.value.{unknown[0]}", "unknown_key", "不认识的键", "is not a known key")
    formula = _formula(spec, f"{path}.value")
    if "numerator" in spec:
        if "accidents" in spec or "input" in spec:
            raise _error(
                f"{path}.value",
                "ambiguous_quantity",
                "numerator 与 accidents/input 不能同时出现",
                "numerator cannot be given together with accidents or input",
            )
        numerator = _quantity(spec["numerator"], f"{path}.value.numerator", inputs, sectors, groups)
    else:
        numerator = _quantity(
            {k: spec[k] for k in ("accidents", "where", "input") if k in spec},
            f"{path}.value",
            inputs,
            sectors,
            groups,
        )
    denominator = None
    if formula.needs_denominator:
        if "denominator" not in spec:
            raise _error(
                f"{path}.value.denominator",
                "required",
                f"公式 {formula.name} 需要分母",
                f"{formula.name} needs a denominator",
            )
        denominator = _quantity(spec["denominator"], f"{path}.value.denominator", inputs, sectors, groups)
    elif "denominator" in spec:
        raise _error(f"{path}.value.denominator", "unexpected", "合计类指标没有分母", "a count has no denominator")
    compare = data.get("compare", "period_total" if formula.name == "count" else "final_year")
    if compare not in _COMPARISONS:
        raise _error(
            f"{path}.compare",
            "unknown_comparison",
            "应为 period_total（期间合计）或 final_year（末年值）",
            "must be period_total or final_year",
        )
    places = data.get("places", 0 if formula.name == "count" and numerator.accidents != "direct_loss" else 3)
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 6:
        raise _error(f"{path}.places", "wrong_type", "小数位应为 0–6", "must be 0–6")
    by_county = data.get("by_county", True)
    if not isinstance(by_county, bool):
        raise _error(f"{path}.by_county", "wrong_type", "应为 true 或 false", "must be true or false")
    return Indicator(
        no=no,
        code=_text(data, "code", f"{path}.", required=False, default=f"i{no}"),
        name=name,
        unit=_text(data, "unit", f"{path}.", required=False, default="%" if formula.percent else ""),
        compare=str(compare),
        numerator=numerator,
        denominator=denominator,
        formula=formula,
        target=_target(data.get("target"), f"{path}.target"),
        places=places,
        description=_text(data, "description", f"{path}.", required=False),
        by_county=by_county,
    )


_PLAN_KEYS = {
    "code",
    "name",
    "region",
    "period",
    "baseline",
    "indicators",
    "statistics_cutoff_yuan",
    "source",
    "description",
}


def parse_plan(
    data: object,
    *,
    inputs: frozenset[str] | set[str],
    sectors: frozenset[str] | set[str],
    sector_groups: Mapping[str, frozenset[str] | set[str]] | None = None,
) -> Plan:
    """Validate a plan given as plain data and return it; the first problem raises :class:`PlanError` whose
    ``field`` is the path of the entry (``indicators[3].target.reduce_by``).

    ``inputs`` are the codes of the statistics inputs the platform keeps; ``sectors`` the statistics sectors and
    ``sector_groups`` named groups of them (``industrial_commercial`` → the 工矿商贸 sectors).
    """
    root = _mapping(data, "plan")
    unknown = sorted(set(root) - _PLAN_KEYS)
    if unknown:
        raise _error(unknown[0], "unknown_key", "不认识的键", "is not a known key")
    known_inputs = frozenset(inputs)
    known_sectors = frozenset(sectors)
    groups = {name: frozenset(members) for name, members in (sector_groups or {}).items()}
    code = _text(root, "code", "")
    if not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
        raise _error(
            "code",
            "invalid_code",
            "只能用字母、数字、- 和 _（如 leshan-2016-2020）",
            "only letters, digits, - and _ (e.g. leshan-2016-2020)",
        )
    region = _text(root, "region", "")
    if not (region.isascii() and region.isdigit() and len(region) == 6):
        raise _error("region", "invalid_region", "应为6位行政区划代码（如 511100）", "must be a 6-digit division code")
    start, end = _span(root.get("period"), "period")
    baseline = _mapping(root.get("baseline"), "baseline")
    baseline_start, baseline_end = _span(baseline.get("period"), "baseline.period")
    baseline_year = _year(baseline.get("year", baseline_end), "baseline.year")
    if baseline_end >= start or baseline_year >= start:
        raise _error("baseline", "baseline_not_before_period", "基期须早于规划期", "must lie before the plan's period")
    cutoff = None
    if root.get("statistics_cutoff_yuan") is not None:
        raw = root["statistics_cutoff_yuan"]
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise _error("statistics_cutoff_yuan", "wrong_type", "应为金额（元）", "must be an amount in yuan")
        cutoff = as_exact(raw, "statistics_cutoff_yuan", PlanError)
    items = root.get("indicators")
    if not isinstance(items, Sequence) or isinstance(items, str) or not items:
        raise _error("indicators", "required", "应列出至少一项指标", "must list at least one indicator")
    parsed: list[Indicator] = []
    for index, item in enumerate(items):
        indicator = _indicator(item, f"indicators[{index}]", known_inputs, known_sectors, groups)
        if any(other.no == indicator.no for other in parsed):
            raise _error(
                f"indicators[{index}].no", "duplicate", f"序号 {indicator.no} 重复", f"number {indicator.no} repeats"
            )
        if any(other.code == indicator.code for other in parsed):
            raise _error(
                f"indicators[{index}].code", "duplicate", f"代码 {indicator.code} 重复", f"{indicator.code} repeats"
            )
        parsed.append(indicator)
    return Plan(
        code=code,
        name=_text(root, "name", ""),
        region=region,
        start=start,
        end=end,
        baseline_start=baseline_start,
        baseline_end=baseline_end,
        baseline_year=baseline_year,
        indicators=tuple(sorted(parsed, key=lambda i: i.no)),
        statistics_cutoff_yuan=cutoff,
        source=_text(root, "source", "", required=False),
        description=_text(root, "description", "", required=False),
    )


# --- evaluation ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorResult:
    """Where an indicator stands ``as_of`` a year. Values are exact; ``None`` where the data do not allow it.

    status: ``attained`` / ``missed`` (the period is over, or a reduction total is already exceeded),
    ``on_track`` / ``off_track`` (by the projection), ``no_data``, or ``not_started``.
    """

    no: int
    baseline: Fraction | None
    target: Fraction | None
    actual: Fraction | None
    actual_year: int | None
    change: Fraction | None
    attained: bool | None
    projection: Fraction | None
    projected_change: Fraction | None
    on_track: bool | None
    status: str
    final: bool
    yearly: dict[int, Fraction | None]
    missing: tuple[str, ...] = ()


YearValue = Fraction | int | None


def _sum(values: Sequence[YearValue]) -> Fraction | None:
    if any(v is None for v in values):
        return None
    return sum((Fraction(v) for v in values if v is not None), Fraction(0))


def _ratio(indicator: Indicator, numerator: Fraction | None, denominator: Fraction | None) -> Fraction | None:
    if numerator is None or (indicator.denominator is not None and denominator is None):
        return None
    try:
        return indicator.value(numerator, denominator)
    except IndicatorError:
        return None  # a zero denominator: no value that year


def linear_projection(points: Sequence[tuple[int, Fraction]], year: int) -> Fraction:
    """The least-squares line through ``(year, value)`` points, read at ``year`` (exact). One point: flat."""
    if not points:
        raise PlanError("missing_value", "points", "没有数据，无法预测", "no data to project from")
    n = len(points)
    mean_x = Fraction(sum(x for x, _ in points), n)
    mean_y = sum((y for _, y in points), Fraction(0)) / n
    spread = sum(((x - mean_x) ** 2 for x, _ in points), Fraction(0))
    if spread == 0:
        return mean_y
    slope = sum(((x - mean_x) * (y - mean_y) for x, y in points), Fraction(0)) / spread
    return mean_y + slope * (year - mean_x)


def _target_value(target: Target, baseline: Fraction | None) -> Fraction | None:
    if target.kind in {"at_least", "at_most"}:
        return target.value
    if baseline is None:
        return None
    return baseline * (1 - target.value) if target.kind == "reduce_by" else baseline * (1 + target.value)


def _meets(target: Target, value: Fraction, baseline: Fraction | None) -> bool | None:
    if target.kind in {"at_least", "at_most"}:
        return target.attained(value)
    if baseline is None:
        return None
    if baseline == 0:
        # A relative change of a zero baseline is undefined; the target level is then zero itself.
        return value <= 0 if target.kind == "reduce_by" else value > 0
    return target.attained(value, baseline)


def _relative(value: Fraction | None, baseline: Fraction | None) -> Fraction | None:
    if value is None or baseline is None or baseline == 0:
        return None
    return formulas.change(value, baseline)


def evaluate(
    plan: Plan,
    indicator: Indicator,
    numerators: Mapping[int, YearValue],
    denominators: Mapping[int, YearValue] | None = None,
    *,
    as_of: int,
) -> IndicatorResult:
    """Evaluate ``indicator`` from yearly numerators (and denominators) as of the end of year ``as_of``.

    A year absent from the mappings, or mapped to None, has no data. Accident counts of a year without accidents
    are 0, not None: the caller says which.
    """
    denominators = denominators or {}
    years = sorted(set(plan.baseline_years) | {plan.baseline_year} | set(plan.years))
    yearly = {year: _ratio(indicator, _opt(numerators.get(year)), _opt(denominators.get(year))) for year in years}
    missing: list[str] = []

    def need(year: int) -> None:
        if numerators.get(year) is None:
            missing.append(f"{year}:numerator")
        if indicator.denominator is not None and denominators.get(year) is None:
            missing.append(f"{year}:denominator")

    def total(span: Sequence[int]) -> Fraction | None:
        for year in span:
            need(year)
        num = _sum([numerators.get(y) for y in span])
        den = _sum([denominators.get(y) for y in span]) if indicator.denominator is not None else None
        return _ratio(indicator, num, den)

    final = as_of >= plan.end
    upto = min(as_of, plan.end)
    if indicator.compare == "period_total":
        baseline = total(list(plan.baseline_years))
        done = list(range(plan.start, upto + 1))
        actual = total(done) if done else None
        actual_year = upto if done else None
        projection = None
        if done and actual is not None:
            if final:
                projection = actual
            else:
                share = Fraction(len(plan.years), len(done))
                num = _sum([numerators.get(y) for y in done])
                den = _sum([denominators.get(y) for y in done]) if indicator.denominator is not None else None
                projection = _ratio(
                    indicator, None if num is None else num * share, None if den is None else den * share
                )
    else:
        need(plan.baseline_year)
        baseline = yearly.get(plan.baseline_year)
        known = [(y, v) for y in range(plan.start, upto + 1) if (v := yearly.get(y)) is not None]
        actual_year, actual = known[-1] if known else (None, None)
        if not known and upto >= plan.start:
            need(upto)
        projection = None
        if actual is not None:
            if final and actual_year == plan.end:
                projection = actual
            else:
                history = ([(plan.baseline_year, baseline)] if baseline is not None else []) + known
                projection = max(Fraction(0), linear_projection(history, plan.end))
                if indicator.formula.percent:
                    projection = min(Fraction(100), projection)
    target_value = _target_value(indicator.target, baseline)
    change = _relative(actual, baseline)
    projected_change = _relative(projection, baseline)
    on_track = None if projection is None else _meets(indicator.target, projection, baseline)
    attained: bool | None = None
    if actual is not None and (final and (indicator.compare == "period_total" or actual_year == plan.end)):
        attained = _meets(indicator.target, actual, baseline)
    elif (
        actual is not None
        and indicator.compare == "period_total"
        and indicator.target.kind in {"reduce_by", "at_most"}
        and indicator.formula.name == "count"
        and target_value is not None
        and actual > target_value
    ):
        attained = False  # the running total already exceeds what the whole period may have
    if upto < plan.start:
        status = "not_started"
    elif attained is not None:
        status = "attained" if attained else "missed"
    elif on_track is not None:
        status = "on_track" if on_track else "off_track"
    else:
        status = "no_data"
    return IndicatorResult(
        no=indicator.no,
        baseline=baseline,
        target=target_value,
        actual=actual,
        actual_year=actual_year,
        change=change,
        attained=attained,
        projection=projection,
        projected_change=projected_change,
        on_track=on_track,
        status=status,
        final=final,
        yearly=yearly,
        missing=tuple(dict.fromkeys(missing)),
    )


def accident_total(quantity: Quantity, accidents: Sequence[AccidentFacts]) -> Fraction:
    """The quantity over the accidents that pass its filter (0 when none does)."""
    name = quantity.accidents
    if name is None:
        raise PlanError("not_accidents", "quantity", "此数量不来自事故统计", "this quantity is not an accident count")
    where = quantity.where
    if name == "direct_loss":
        return sum((a.direct_loss for a in accidents if where.matches(a)), Fraction(0))
    if name not in ACCIDENT_MEASURES:
        raise PlanError("unknown_measure", "measure", f"未知的统计量：{name}", f"unknown measure: {name}")
    # People are whole numbers: add them as integers (a city's register is thousands of groups).
    total = 0
    for a in accidents:
        if where.matches(a):
            if name == "count":
                total += a.count
            elif name in {"deaths", "serious_injuries"}:
                total += getattr(a, name) * a.count
            else:
                total += getattr(a, name)
    return Fraction(total)


def _opt(value: YearValue) -> Fraction | None:
    return None if value is None else Fraction(value)
