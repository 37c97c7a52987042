"""Classification thresholds for risk sources that are not enterprises (the map's 其他风险源).

* 头顶库 (an "overhead" tailings pond): a tailings pond with residents or important facilities within 1 km
  (inclusive) downstream of it: "下游1公里（含）距离内有居民或重要设施的尾矿库", 国家安全监管总局《遏制尾矿库
  "头顶库"重大生产安全事故工作方案》(安监总管一〔2016〕54号) [U: clause quoted from secondary sources].
* 高层建筑: GB 50016-2014（2018年版）《建筑设计防火规范》第2.1.1条: a residential building taller than 27 m, or a
  non-single-storey public building taller than 24 m.
* 超高层建筑: GB 50352-2019《民用建筑设计统一标准》第3.1.2条: a building taller than 100 m.

Standard library only; heights and distances in metres.
"""

from __future__ import annotations

import math

from ansheng.domain.errors import DomainError

__all__ = [
    "HIGH_RISE_PUBLIC_M",
    "HIGH_RISE_RESIDENTIAL_M",
    "OVERHEAD_TAILINGS_DISTANCE_M",
    "SUPER_HIGH_RISE_M",
    "RiskSourceError",
    "is_high_rise",
    "is_overhead_tailings_pond",
    "is_super_high_rise",
]

OVERHEAD_TAILINGS_DISTANCE_M = 1000.0  # 安监总管一〔2016〕54号: 下游1公里（含）
HIGH_RISE_RESIDENTIAL_M = 27.0  # GB 50016-2014 2.1.1: 建筑高度大于27m的住宅建筑
HIGH_RISE_PUBLIC_M = 24.0  # GB 50016-2014 2.1.1: 建筑高度大于24m的非单层厂房、仓库和其他民用建筑
SUPER_HIGH_RISE_M = 100.0  # GB 50352-2019 3.1.2: 建筑高度大于100.0m为超高层建筑


class RiskSourceError(DomainError):
    """A distance or height that is not a finite, non-negative number of metres."""


def _metres(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RiskSourceError("wrong_type", field, f"{field}应为数字（米）", f"{field} must be a number of metres")
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise RiskSourceError(
            "out_of_range", field, f"{field}应为不小于0的有限数（米）", f"{field} must be a finite number ≥ 0 (metres)"
        )
    return number


def is_overhead_tailings_pond(downstream_distance_m: float) -> bool:
    """Whether residents or important facilities this far downstream make the pond a 头顶库 (≤ 1 km, inclusive)."""
    return _metres(downstream_distance_m, "downstream_distance_m") <= OVERHEAD_TAILINGS_DISTANCE_M


def is_high_rise(height_m: float, *, residential: bool) -> bool:
    """Whether a building of this height is a 高层建筑 (strictly taller than 27 m residential, 24 m otherwise)."""
    limit = HIGH_RISE_RESIDENTIAL_M if residential else HIGH_RISE_PUBLIC_M
    return _metres(height_m, "height_m") > limit


def is_super_high_rise(height_m: float) -> bool:
    """Whether a building is a 超高层建筑 (strictly taller than 100 m)."""
    return _metres(height_m, "height_m") > SUPER_HIGH_RISE_M
