"""Choice sets of the map app: kinds of risk sources that are not enterprises, the four risk colours, the states
of a risk source and of its hazards, and the map's layer names."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import ChoiceSet


class RiskSourceKind(ChoiceSet):
    """What a risk source is. The values are also what an industry department lists among its `sectors` to see
    the sources it supervises (e.g. 住建 lists `gas_network`)."""

    PIPELINE = "pipeline"
    TAILINGS_POND = "tailings_pond"
    CROWDED_PLACE = "crowded_place"
    HIGH_RISE = "high_rise"
    GAS_NETWORK = "gas_network"
    OTHER = "other_source"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (PIPELINE, _("油气长输管道"), "purple"),
        (TAILINGS_POND, _("尾矿库"), "brown"),
        (CROWDED_PLACE, _("人员密集场所"), "teal"),
        (HIGH_RISE, _("高层建筑"), "blue"),
        (GAS_NETWORK, _("城镇燃气管网"), "orange"),
        (OTHER, _("其他风险源"), "grey"),
    ]


class RiskColour(ChoiceSet):
    """The four risk levels and their colours (重大/红, 较大/橙, 一般/黄, 低/蓝), worst first."""

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (RED, _("重大风险"), "red"),
        (ORANGE, _("较大风险"), "orange"),
        (YELLOW, _("一般风险"), "yellow"),
        (BLUE, _("低风险"), "blue"),
    ]

    ORDER: ClassVar[tuple[str, ...]] = (RED, ORANGE, YELLOW, BLUE)

    @classmethod
    def short(cls, value: str | None) -> Any:
        return {cls.RED: _("红"), cls.ORANGE: _("橙"), cls.YELLOW: _("黄"), cls.BLUE: _("蓝")}.get(value or "", "")

    @classmethod
    def worst(cls, colours: Any) -> str | None:
        present = set(colours)
        for colour in cls.ORDER:
            if colour in present:
                return colour
        return None


class SourceStatus(ChoiceSet):
    IN_SERVICE = "in_service"
    CONSTRUCTION = "construction"
    SUSPENDED = "suspended"
    DECOMMISSIONED = "decommissioned"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (IN_SERVICE, _("在用"), "green"),
        (CONSTRUCTION, _("在建"), "blue"),
        (SUSPENDED, _("停用"), "orange"),
        (DECOMMISSIONED, _("已报废或拆除"), "grey"),
    ]

    ON_MAP: ClassVar[frozenset[str]] = frozenset({IN_SERVICE, CONSTRUCTION, SUSPENDED})


class Shape(ChoiceSet):
    """How a risk source is drawn: a point, a line or an area (derived from its geometry)."""

    POINT = "point"
    LINE = "line"
    AREA = "area"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (POINT, _("点"), "grey"),
        (LINE, _("线"), "grey"),
        (AREA, _("面"), "grey"),
    ]


class HazardCategory(ChoiceSet):
    """Kinds of hazard found on a risk source (most are pipeline hazards: 占压, 间距不足, 第三方施工, …)."""

    OCCUPATION = "occupation"
    SPACING = "spacing"
    THIRD_PARTY = "third_party"
    CROSSING = "crossing"
    CORROSION = "corrosion"
    GEOLOGICAL = "geological"
    FACILITY = "facility"
    MANAGEMENT = "management"
    OTHER = "other"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (OCCUPATION, _("违章占压"), "red"),
        (SPACING, _("安全间距不足"), "orange"),
        (THIRD_PARTY, _("第三方施工"), "orange"),
        (CROSSING, _("穿跨越段隐患"), "orange"),
        (CORROSION, _("腐蚀或防护失效"), "yellow"),
        (GEOLOGICAL, _("地质灾害威胁"), "red"),
        (FACILITY, _("设施设备缺陷"), "yellow"),
        (MANAGEMENT, _("安全管理缺陷"), "yellow"),
        (OTHER, _("其他"), "grey"),
    ]


class Supervision(ChoiceSet):
    """Which level of government lists the hazard for supervised rectification (挂牌督办)."""

    NONE = "none"
    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (NONE, _("未挂牌"), "grey"),
        (COUNTY, _("县级挂牌督办"), "yellow"),
        (CITY, _("市级挂牌督办"), "orange"),
        (PROVINCE, _("省级挂牌督办"), "red"),
    ]


class HazardStatus(ChoiceSet):
    OPEN = "open"
    RECTIFIED = "rectified"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (OPEN, _("整改中"), "red"),
        (RECTIFIED, _("已整改销号"), "green"),
    ]


# The map's layers: the name in /api/v1/map/layers/<name> → label, in the order the map lists them. Apps register
# the layer callables (PlatformApp.map_layers); a registered name missing here is listed under its own name.
LAYER_LABELS: dict[str, Any] = {
    "counties": _("区县风险"),
    "enterprises": _("企业（四色）"),
    "risk-sources": _("其他风险源"),
    "hazard-sources": _("重大危险源"),
    "hidden-dangers": _("隐患"),
    "alarms": _("实时报警"),
    "accidents": _("事故"),
}
