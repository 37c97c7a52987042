"""The facts a regulator keeps about each kind of risk source (管径, 坝高, 承载量, …), stored in one JSON column.

Each kind lists its attributes with type, unit, range and whether it is required; `clean_attributes` validates a
submitted dict against the kind's list (the same for pages, API and demo) and returns the stored form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from ansheng.core.errors import FieldError, ValidationFailed
from ansheng.maps.choices import RiskSourceKind

INT = "int"
NUMBER = "number"
TEXT = "text"
CHOICE = "choice"


@dataclass(frozen=True)
class Attribute:
    name: str
    label: Any
    type: str
    unit: str = ""
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[tuple[str, Any], ...] = field(default_factory=tuple)
    max_length: int = 100

    def display(self, value: Any) -> str:
        if value in (None, ""):
            return ""
        if self.type == CHOICE:
            return str(dict(self.choices).get(value, value))
        text = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{text} {self.unit}".strip()


PIPELINE_MEDIA = (("crude_oil", _("原油")), ("product_oil", _("成品油")), ("natural_gas", _("天然气")))
TAILINGS_GRADES = (("1", _("一等")), ("2", _("二等")), ("3", _("三等")), ("4", _("四等")), ("5", _("五等")))
PLACE_TYPES = (
    ("scenic_area", _("旅游景区")),
    ("station", _("交通枢纽（车站、码头）")),
    ("mall", _("商场、市场")),
    ("venue", _("体育场馆、会展中心")),
    ("school", _("学校")),
    ("hospital", _("医院")),
    ("other", _("其他")),
)
BUILDING_USES = (("residential", _("住宅")), ("public", _("公共建筑")), ("mixed", _("商住综合")))
GAS_PRESSURE = (  # GB 50028-2006 表6.1.6 城镇燃气管道设计压力分级
    ("low", _("低压")),
    ("medium_b", _("中压B")),
    ("medium_a", _("中压A")),
    ("sub_high_b", _("次高压B")),
    ("sub_high_a", _("次高压A")),
    ("high_b", _("高压B")),
    ("high_a", _("高压A")),
)
PIPE_MATERIALS = (("steel", _("钢管")), ("pe", _("聚乙烯（PE）管")), ("ductile_iron", _("球墨铸铁管")))

ATTRIBUTES: dict[str, tuple[Attribute, ...]] = {
    RiskSourceKind.PIPELINE: (
        Attribute("medium", _("输送介质"), CHOICE, required=True, choices=PIPELINE_MEDIA),
        Attribute("diameter_mm", _("管径"), INT, "mm", minimum=25, maximum=1600),
        Attribute("design_pressure_mpa", _("设计压力"), NUMBER, "MPa", minimum=0, maximum=20),
        Attribute("high_consequence_areas", _("高后果区（处）"), INT, minimum=0, maximum=1000),
        Attribute("commissioned_year", _("投运年份"), INT, minimum=1950, maximum=2100),
    ),
    RiskSourceKind.TAILINGS_POND: (
        Attribute("grade", _("等别"), CHOICE, required=True, choices=TAILINGS_GRADES),
        Attribute("dam_height_m", _("坝高"), NUMBER, "m", minimum=0, maximum=400),
        Attribute("capacity_10k_m3", _("全库容"), NUMBER, _("万m³"), minimum=0, maximum=1_000_000),
        Attribute("downstream_distance_m", _("下游最近居民或重要设施距离"), INT, "m", minimum=0, maximum=100_000),
        Attribute("downstream_residents", _("下游1公里内居民（人）"), INT, minimum=0, maximum=1_000_000),
        Attribute("mineral", _("矿种"), TEXT, max_length=32),
    ),
    RiskSourceKind.CROWDED_PLACE: (
        Attribute("place_type", _("场所类型"), CHOICE, required=True, choices=PLACE_TYPES),
        Attribute("peak_people", _("最大瞬时承载量（人）"), INT, minimum=0, maximum=10_000_000),
        Attribute("daily_people", _("日均人流量（人次）"), INT, minimum=0, maximum=10_000_000),
    ),
    RiskSourceKind.HIGH_RISE: (
        Attribute("height_m", _("建筑高度"), NUMBER, "m", required=True, minimum=0, maximum=1000),
        Attribute("floors", _("地上层数"), INT, minimum=1, maximum=200),
        Attribute("use", _("使用性质"), CHOICE, required=True, choices=BUILDING_USES),
        Attribute("completed_year", _("竣工年份"), INT, minimum=1950, maximum=2100),
    ),
    RiskSourceKind.GAS_NETWORK: (
        Attribute("pressure_class", _("压力级制"), CHOICE, required=True, choices=GAS_PRESSURE),
        Attribute("diameter_mm", _("管径"), INT, "mm", minimum=15, maximum=1600),
        Attribute("material", _("管材"), CHOICE, choices=PIPE_MATERIALS),
        Attribute("commissioned_year", _("投运年份"), INT, minimum=1950, maximum=2100),
    ),
    RiskSourceKind.OTHER: (),
}


def attributes_for(kind: str) -> tuple[Attribute, ...]:
    return ATTRIBUTES.get(kind, ())


def _number(attribute: Attribute, raw: Any) -> float | int:
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, str):
        raw = raw.strip().replace(",", "")
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    if attribute.type == INT:
        if number != number.to_integral_value():
            raise ValueError
        return int(number)
    value = float(number)
    if not math.isfinite(value):
        raise ValueError
    return round(value, 6)


def clean_attributes(kind: str, submitted: Any, *, prefix: str = "attributes.") -> dict[str, Any]:
    """The stored attributes of a source of `kind`: values converted, empty ones dropped; every error reported."""
    if submitted in (None, ""):
        submitted = {}
    if not isinstance(submitted, dict):
        raise ValidationFailed(_("属性应为对象（名称: 值）"), code="wrong_type", field=prefix.rstrip("."))
    known = {attribute.name: attribute for attribute in attributes_for(kind)}
    errors: list[FieldError] = []
    cleaned: dict[str, Any] = {}
    for name in sorted(set(submitted) - set(known)):
        errors.append(
            FieldError(
                prefix + str(name),
                "unknown_attribute",
                _("“%(kind)s”没有属性“%(name)s”") % {"kind": RiskSourceKind.label(kind), "name": name},
            )
        )
    for name, attribute in known.items():
        raw = submitted.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if attribute.required:
                errors.append(FieldError(prefix + name, "required", _("请填写%(label)s") % {"label": attribute.label}))
            continue
        if attribute.type == CHOICE:
            value = str(raw).strip()
            if value not in dict(attribute.choices):
                errors.append(
                    FieldError(prefix + name, "invalid_choice", _("%(label)s的取值无效") % {"label": attribute.label})
                )
                continue
            cleaned[name] = value
        elif attribute.type == TEXT:
            value = str(raw).strip()
            if len(value) > attribute.max_length:
                errors.append(
                    FieldError(
                        prefix + name,
                        "too_long",
                        _("%(label)s最多 %(n)s 个字") % {"label": attribute.label, "n": attribute.max_length},
                    )
                )
                continue
            cleaned[name] = value
        else:
            try:
                number = _number(attribute, raw)
            except ValueError:
                message = _("%(label)s应为整数") if attribute.type == INT else _("%(label)s应为数字")
                errors.append(FieldError(prefix + name, "wrong_type", message % {"label": attribute.label}))
                continue
            low, high = attribute.minimum, attribute.maximum
            if (low is not None and number < low) or (high is not None and number > high):
                errors.append(
                    FieldError(
                        prefix + name,
                        "out_of_range",
                        _("%(label)s应在 %(low)s 到 %(high)s %(unit)s之间")
                        % {"label": attribute.label, "low": f"{low:g}", "high": f"{high:g}", "unit": attribute.unit},
                    )
                )
                continue
            cleaned[name] = number
    if errors:
        raise ValidationFailed(errors=errors)
    return cleaned


def describe(kind: str, values: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, display value) of the filled attributes, in the kind's order."""
    return [
        (str(attribute.label), attribute.display(values[attribute.name]))
        for attribute in attributes_for(kind)
        if values.get(attribute.name) not in (None, "")
    ]
