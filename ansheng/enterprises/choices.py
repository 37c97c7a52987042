from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import ChoiceSet


class Category(ChoiceSet):
    """Regulatory category (监管类别): what the supervising bureau and departments regulate the enterprise as."""

    COAL_MINE = "coal_mine"
    METAL_MINE = "metal_mine"
    CHEM_PRODUCTION = "chem_production"
    CHEM_TRADE = "chem_trade"
    CHEM_USE = "chem_use"
    FIREWORKS = "fireworks"
    METALLURGY = "metallurgy"
    NONFERROUS = "nonferrous"
    BUILDING_MATERIALS = "building_materials"
    MACHINERY = "machinery"
    LIGHT_INDUSTRY = "light_industry"
    TEXTILE = "textile"
    TOBACCO = "tobacco"
    COMMERCE = "commerce"
    CONSTRUCTION = "construction"
    ROAD_TRANSPORT = "road_transport"
    OTHER = "other"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (COAL_MINE, _("煤矿"), "black"),
        (METAL_MINE, _("金属非金属矿山"), "brown"),
        (CHEM_PRODUCTION, _("危险化学品生产"), "red"),
        (CHEM_TRADE, _("危险化学品经营"), "orange"),
        (CHEM_USE, _("危险化学品使用"), "orange"),
        (FIREWORKS, _("烟花爆竹"), "red"),
        (METALLURGY, _("冶金"), "grey"),
        (NONFERROUS, _("有色"), "grey"),
        (BUILDING_MATERIALS, _("建材"), "grey"),
        (MACHINERY, _("机械"), "grey"),
        (LIGHT_INDUSTRY, _("轻工"), "grey"),
        (TEXTILE, _("纺织"), "grey"),
        (TOBACCO, _("烟草"), "grey"),
        (COMMERCE, _("商贸"), "grey"),
        (CONSTRUCTION, _("建筑施工"), "blue"),
        (ROAD_TRANSPORT, _("道路运输"), "blue"),
        (OTHER, _("其他"), "grey"),
    ]

    MINES: ClassVar[frozenset[str]] = frozenset({COAL_MINE, METAL_MINE})
    HAZARDOUS_CHEMICALS: ClassVar[frozenset[str]] = frozenset({CHEM_PRODUCTION, CHEM_TRADE, CHEM_USE})
    # 工贸: the eight industries of 应急管理部令第10号 (冶金、有色、建材、机械、轻工、纺织、烟草、商贸).
    INDUSTRY_AND_TRADE: ClassVar[frozenset[str]] = frozenset(
        {METALLURGY, NONFERROUS, BUILDING_MATERIALS, MACHINERY, LIGHT_INDUSTRY, TEXTILE, TOBACCO, COMMERCE}
    )
    # High-risk enterprises in the plan's sense (矿山、危险化学品、烟花爆竹、冶金): the online-monitoring target.
    HIGH_RISK: ClassVar[frozenset[str]] = frozenset(
        {COAL_MINE, METAL_MINE, CHEM_PRODUCTION, CHEM_TRADE, CHEM_USE, FIREWORKS, METALLURGY}
    )


class Status(ChoiceSet):
    OPERATING = "operating"
    SUSPENDED = "suspended"
    CLOSED = "closed"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (OPERATING, _("在营"), "green"),
        (SUSPENDED, _("停产停业"), "orange"),
        (CLOSED, _("关闭"), "grey"),
    ]


class Standardisation(ChoiceSet):
    """安全生产标准化 level."""

    LEVEL_1 = "1"
    LEVEL_2 = "2"
    LEVEL_3 = "3"
    NONE = "none"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (LEVEL_1, _("一级"), "green"),
        (LEVEL_2, _("二级"), "teal"),
        (LEVEL_3, _("三级"), "blue"),
        (NONE, _("未达标"), "grey"),
    ]


class LicenceKind(ChoiceSet):
    SAFETY_PRODUCTION = "safety_production"
    CHEM_TRADE = "chem_trade"
    CHEM_USE = "chem_use"
    CHEM_REGISTRATION = "chem_registration"
    FIREWORKS_TRADE = "fireworks_trade"
    MINING = "mining"
    OTHER = "other"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (SAFETY_PRODUCTION, _("安全生产许可证"), "blue"),
        (CHEM_TRADE, _("危险化学品经营许可证"), "orange"),
        (CHEM_USE, _("危险化学品安全使用许可证"), "orange"),
        (CHEM_REGISTRATION, _("危险化学品登记证"), "orange"),
        (FIREWORKS_TRADE, _("烟花爆竹经营许可证"), "red"),
        (MINING, _("采矿许可证"), "brown"),
        (OTHER, _("其他许可证"), "grey"),
    ]


class ExpiryState(ChoiceSet):
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (VALID, _("有效"), "green"),
        (EXPIRING, _("即将到期"), "orange"),
        (EXPIRED, _("已过期"), "red"),
    ]
