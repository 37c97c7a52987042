"""Safety indicators: rates per unit of exposure, change against a baseline, and whether a target is attained.

Rates (GB 6441-2025 附录A for the definitions and units; the statistical communiqués for the four headline rates):

- 亿元GDP生产安全事故死亡率 = deaths / GDP in 亿元 (all sectors, road traffic and fire included);
- 工矿商贸就业人员十万人生产安全事故死亡率 = deaths / employed × 10⁵;
- 煤矿百万吨死亡率 = deaths / raw-coal output in tonnes × 10⁶;
- 道路交通万车死亡率 = deaths / motor vehicles × 10⁴;
- 千人死亡率 / 千人受伤率 = deaths (injured) / average employees × 10³; 万立方米死亡率 = deaths / m³ × 10⁴;
- occupational-health rates = part / whole × 100 %.

Values are exact fractions; round only for display ([U] default: 3 decimals, as the communiqués print).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from ansheng.domain._num import Number, as_exact, as_float
from ansheng.domain.errors import DomainError

__all__ = [
    "OCCUPATIONAL_HEALTH_RATES",
    "IndicatorError",
    "Target",
    "attained",
    "change",
    "coal_death_rate",
    "display",
    "gdp_death_rate",
    "industrial_death_rate",
    "occupational_health_rate",
    "per_10k_m3_death_rate",
    "per_thousand_death_rate",
    "per_thousand_injury_rate",
    "period_total",
    "rate",
    "road_death_rate",
]

# id: (Chinese name, English name, what is counted over what) — [U] scope, recalled from the 2021–2025 plan.
OCCUPATIONAL_HEALTH_RATES: dict[str, tuple[str, str]] = {
    "declaration": ("职业病危害项目申报率", "declaration rate of occupational-hazard projects"),
    "periodic_testing": ("工作场所职业病危害因素定期检测率", "periodic workplace hazard testing rate"),
    "health_examination": ("接触职业病危害劳动者在岗期间职业健康检查率", "in-service health examination rate"),
    "training": ("主要负责人、职业卫生管理人员职业卫生培训率", "occupational-health training rate of managers"),
}


class IndicatorError(DomainError):
    """Bad input to an indicator (a missing or zero denominator, a part larger than its whole, …)."""


def _value(value: object, field: str) -> Fraction:
    if value is None:
        raise IndicatorError("missing_value", field, f"缺少{field}", f"{field} is missing")
    return as_exact(value, field, IndicatorError)


def rate(
    numerator: Number, denominator: Number | None, per: int = 1, *, fields: tuple[str, str] = ("n", "d")
) -> Fraction:
    """numerator / denominator × per, exactly; a zero or missing denominator is an error, not infinity."""
    top = _value(numerator, fields[0])
    bottom = _value(denominator, fields[1])
    if bottom == 0:
        raise IndicatorError("zero_denominator", fields[1], f"{fields[1]}为0，无法计算比率", f"{fields[1]} is zero")
    return top / bottom * per


def gdp_death_rate(deaths: Number, gdp_100m_yuan: Number | None) -> Fraction:
    """亿元GDP生产安全事故死亡率: deaths per 亿元 (10⁸ yuan) of GDP."""
    return rate(deaths, gdp_100m_yuan, fields=("deaths", "gdp_100m_yuan"))


def industrial_death_rate(deaths: Number, employed: Number | None) -> Fraction:
    """工矿商贸就业人员十万人生产安全事故死亡率: deaths per 100 000 employed."""
    return rate(deaths, employed, 100_000, fields=("deaths", "employed"))


def coal_death_rate(deaths: Number, output_tonnes: Number | None) -> Fraction:
    """煤矿百万吨死亡率: coal-mine deaths per 10⁶ tonnes of raw coal."""
    return rate(deaths, output_tonnes, 1_000_000, fields=("deaths", "output_tonnes"))


def road_death_rate(deaths: Number, vehicles: Number | None) -> Fraction:
    """道路交通万车死亡率: road traffic deaths per 10 000 motor vehicles."""
    return rate(deaths, vehicles, 10_000, fields=("deaths", "vehicles"))


def per_thousand_death_rate(deaths: Number, average_employees: Number | None) -> Fraction:
    """千人事故死亡率 (GB 6441-2025 附录A): deaths per 1000 average employees."""
    return rate(deaths, average_employees, 1000, fields=("deaths", "average_employees"))


def per_thousand_injury_rate(injured: Number, average_employees: Number | None) -> Fraction:
    """千人事故受伤率 (GB 6441-2025 附录A): injured per 1000 average employees."""
    return rate(injured, average_employees, 1000, fields=("injured", "average_employees"))


def per_10k_m3_death_rate(deaths: Number, volume_m3: Number | None) -> Fraction:
    """万立方米死亡率 (GB 6441-2025 附录A): deaths per 10⁴ m³ produced."""
    return rate(deaths, volume_m3, 10_000, fields=("deaths", "volume_m3"))


def occupational_health_rate(kind: str, part: Number, whole: Number | None) -> Fraction:
    """An occupational-health percentage (0–100): ``kind`` is one of :data:`OCCUPATIONAL_HEALTH_RATES`."""
    if kind not in OCCUPATIONAL_HEALTH_RATES:
        raise IndicatorError(
            "value_not_in_table",
            "kind",
            f"未知的职业健康指标：{kind}",
            f"unknown occupational-health rate: {kind!r}",
        )
    value = rate(part, whole, 100, fields=("part", "whole"))
    if value > 100:
        raise IndicatorError("part_exceeds_whole", "part", "分子大于分母", "the part is larger than the whole")
    return value


def period_total(values: Iterable[Number]) -> Fraction:
    """The total over a period (e.g. the deaths of the five years of a plan), for a period-on-period change."""
    return sum((_value(v, f"values[{i}]") for i, v in enumerate(values)), Fraction(0))


def change(actual: Number | None, baseline: Number | None) -> Fraction:
    """Relative change (actual − baseline) / baseline: −0.15 is a 15 % reduction."""
    now = _value(actual, "actual")
    base = _value(baseline, "baseline")
    if base == 0:
        raise IndicatorError("zero_denominator", "baseline", "基数为0，无法计算变化率", "the baseline is zero")
    return (now - base) / base


def attained(change_value: Number, target_change: Number) -> bool:
    """Whether a relative change meets a target stated as a change.

    A negative target is "reduce by at least": −0.15 (下降15%) is met by any change ≤ −0.15. A positive target is
    "increase by at least": +0.1 is met by any change ≥ +0.1. A zero target means "no increase" (change ≤ 0).
    """
    value = as_exact(change_value, "change", IndicatorError, allow_negative=True)
    target = as_exact(target_change, "target_change", IndicatorError, allow_negative=True)
    return value >= target if target > 0 else value <= target


_TARGET_KINDS = ("reduce_by", "increase_by", "at_least", "at_most")


@dataclass(frozen=True)
class Target:
    """A plan target: ``reduce_by`` / ``increase_by`` a fraction of the baseline (0.15 for 15 %), or ``at_least`` /
    ``at_most`` a level (e.g. a health-examination rate of at least 90). Build it with :meth:`of`."""

    kind: str
    value: Fraction

    def __post_init__(self) -> None:
        if self.kind not in _TARGET_KINDS:
            raise IndicatorError(
                "value_not_in_table",
                "kind",
                "目标类型应为reduce_by、increase_by、at_least或at_most",
                "target kind must be reduce_by, increase_by, at_least or at_most",
            )

    @classmethod
    def of(cls, kind: str, value: Number) -> Target:
        return cls(kind, as_exact(value, "value", IndicatorError, allow_negative=True))

    def attained(self, actual: Number | None, baseline: Number | None = None) -> bool:
        if self.kind == "at_least":
            return _value(actual, "actual") >= self.value
        if self.kind == "at_most":
            return _value(actual, "actual") <= self.value
        relative = change(actual, baseline)
        return relative <= -self.value if self.kind == "reduce_by" else relative >= self.value


def display(value: Fraction, places: int = 3) -> float:
    """A rate rounded half-up for display ([U] default 3 decimals)."""
    return as_float(value, places)
