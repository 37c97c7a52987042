"""Choice sets of the accident register: statistics sectors, grades, the report lifecycle and its parts."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import ChoiceSet
from ansheng.domain.accidents import AccidentKind
from ansheng.enterprises.choices import Category


class Sector(ChoiceSet):
    """行业领域 for accident statistics (生产安全事故统计调查制度): the 工矿商贸 subdivisions and the sectors whose
    accidents other ministries report (道路交通, 火灾, 水上交通, 铁路, 民航, 农业机械, 渔业船舶)."""

    COAL = "coal"
    METAL_MINE = "metal_mine"
    CHEMICALS = "chemicals"
    FIREWORKS = "fireworks"
    CONSTRUCTION = "construction"
    INDUSTRY_TRADE = "industry_trade"
    OTHER_INDUSTRIAL = "other_industrial"
    ROAD_TRAFFIC = "road_traffic"
    FIRE = "fire"
    WATER = "water"
    RAIL = "rail"
    AVIATION = "aviation"
    AGRI_MACHINERY = "agri_machinery"
    FISHING = "fishing"
    OTHER = "other"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (COAL, _("煤矿"), "black"),
        (METAL_MINE, _("金属非金属矿山"), "brown"),
        (CHEMICALS, _("化工和危险化学品"), "red"),
        (FIREWORKS, _("烟花爆竹"), "red"),
        (CONSTRUCTION, _("建筑业"), "blue"),
        (INDUSTRY_TRADE, _("工贸行业"), "grey"),
        (OTHER_INDUSTRIAL, _("其他工矿商贸"), "grey"),
        (ROAD_TRAFFIC, _("道路交通"), "orange"),
        (FIRE, _("火灾"), "red"),
        (WATER, _("水上交通"), "teal"),
        (RAIL, _("铁路交通"), "purple"),
        (AVIATION, _("民航飞行"), "purple"),
        (AGRI_MACHINERY, _("农业机械"), "green"),
        (FISHING, _("渔业船舶"), "teal"),
        (OTHER, _("其他"), "grey"),
    ]

    # 工矿商贸: the sectors whose deaths make the 工矿商贸就业人员十万人死亡率 (reference §6.2).
    INDUSTRIAL_COMMERCIAL: ClassVar[frozenset[str]] = frozenset(
        {COAL, METAL_MINE, CHEMICALS, FIREWORKS, CONSTRUCTION, INDUSTRY_TRADE, OTHER_INDUSTRIAL}
    )
    # Named groups a plan file may use in its filters.
    GROUPS: ClassVar[dict[str, frozenset[str]]] = {
        "industrial_commercial": INDUSTRIAL_COMMERCIAL,
        "mines": frozenset({COAL, METAL_MINE}),
        "transport": frozenset({ROAD_TRAFFIC, WATER, RAIL, AVIATION}),
    }

    @classmethod
    def recount_kind(cls, sector: str) -> AccidentKind:
        """493号令 第十三条: road traffic and fire accidents have the 7-day window, the others 30 days."""
        if sector == cls.ROAD_TRAFFIC:
            return AccidentKind.ROAD_TRAFFIC
        if sector == cls.FIRE:
            return AccidentKind.FIRE
        return AccidentKind.OTHER

    @classmethod
    def for_category(cls, category: str | None) -> str:
        """The usual statistics sector of an enterprise's regulatory category (the reporter may choose another)."""
        return {
            Category.COAL_MINE: cls.COAL,
            Category.METAL_MINE: cls.METAL_MINE,
            Category.CHEM_PRODUCTION: cls.CHEMICALS,
            Category.CHEM_TRADE: cls.CHEMICALS,
            Category.CHEM_USE: cls.CHEMICALS,
            Category.FIREWORKS: cls.FIREWORKS,
            Category.CONSTRUCTION: cls.CONSTRUCTION,
            Category.ROAD_TRANSPORT: cls.ROAD_TRAFFIC,
            Category.OTHER: cls.OTHER_INDUSTRIAL,
        }.get(category or "", cls.INDUSTRY_TRADE if category in Category.INDUSTRY_AND_TRADE else cls.OTHER)

    @classmethod
    def default_category(cls, sector: str) -> str:
        """The regulatory category an accident without a registered enterprise is filed under (department scope)."""
        return {
            cls.COAL: Category.COAL_MINE,
            cls.METAL_MINE: Category.METAL_MINE,
            cls.CHEMICALS: Category.CHEM_PRODUCTION,
            cls.FIREWORKS: Category.FIREWORKS,
            cls.CONSTRUCTION: Category.CONSTRUCTION,
            cls.INDUSTRY_TRADE: Category.COMMERCE,
            cls.ROAD_TRAFFIC: Category.ROAD_TRANSPORT,
            cls.WATER: Category.ROAD_TRANSPORT,
        }.get(sector, Category.OTHER)


class Grade(ChoiceSet):
    """The four grades of 493号令 第三条 (stored as 1–4, the order of ``AccidentGrade``)."""

    GENERAL = "1"
    LARGER = "2"
    MAJOR = "3"
    ESPECIALLY_MAJOR = "4"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (GENERAL, _("一般"), "blue"),
        (LARGER, _("较大"), "yellow"),
        (MAJOR, _("重大"), "orange"),
        (ESPECIALLY_MAJOR, _("特别重大"), "red"),
    ]
    # The keys the statistics API uses for `by_grade`, fixed in Chinese whatever the language.
    KEYS: ClassVar[dict[int, str]] = {1: "一般", 2: "较大", 3: "重大", 4: "特别重大"}

    @classmethod
    def int_choices(cls) -> list[tuple[int, Any]]:
        return [(int(value), label) for value, label, _colour in cls.CHOICES]


class Status(ChoiceSet):
    """The report's lifecycle (ARCHITECTURE principle 5); transitions are in ``services.TRANSITIONS``."""

    REPORTED = "reported"
    VERIFIED = "verified"
    INVESTIGATING = "investigating"
    REPORT_SUBMITTED = "report_submitted"
    APPROVED = "approved"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (REPORTED, _("已快报"), "orange"),
        (VERIFIED, _("已核实"), "blue"),
        (INVESTIGATING, _("调查中"), "purple"),
        (REPORT_SUBMITTED, _("调查报告待批复"), "purple"),
        (APPROVED, _("已批复，整改中"), "teal"),
        (CLOSED, _("已结案"), "green"),
        (WITHDRAWN, _("已撤销"), "grey"),
    ]
    OPEN: ClassVar[frozenset[str]] = frozenset({REPORTED, VERIFIED, INVESTIGATING, REPORT_SUBMITTED, APPROVED})


class Source(ChoiceSet):
    ENTERPRISE = "enterprise"
    BUREAU = "bureau"
    HISTORY = "history"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (ENTERPRISE, _("企业报告"), "green"),
        (BUREAU, _("监管部门获知"), "orange"),
        (HISTORY, _("历史数据"), "grey"),
    ]


class StepState(ChoiceSet):
    PENDING = "pending"
    DONE = "done"
    NOT_REPORTED = "not_reported"
    NOT_REQUIRED = "not_required"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (PENDING, _("待上报"), "orange"),
        (DONE, _("已上报"), "green"),
        (NOT_REPORTED, _("未报告"), "red"),
        (NOT_REQUIRED, _("无需上报"), "grey"),
    ]


class Channel(ChoiceSet):
    WRITTEN = "written"
    PHONE = "phone"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (WRITTEN, _("书面/系统"), "blue"),
        (PHONE, _("电话快报"), "teal"),
    ]


class FigureSource(ChoiceSet):
    REPORT = "report"
    FOLLOWUP = "followup"
    CORRECTION = "correction"
    INVESTIGATION = "investigation"
    FREEZE = "freeze"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (REPORT, _("首报"), "grey"),
        (FOLLOWUP, _("续报"), "blue"),
        (CORRECTION, _("更正"), "orange"),
        (INVESTIGATION, _("调查核定"), "purple"),
        (FREEZE, _("统计期满确认"), "green"),
    ]


class Nature(ChoiceSet):
    """事故性质 found by the investigation."""

    LIABILITY = "liability"
    NO_LIABILITY = "no_liability"
    NATURAL = "natural"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (LIABILITY, _("责任事故"), "red"),
        (NO_LIABILITY, _("非责任事故"), "grey"),
        (NATURAL, _("自然灾害引发"), "grey"),
    ]


class Handling(ChoiceSet):
    """The handling an investigation proposes for a responsible party."""

    PENALTY = "penalty"
    DISCIPLINE = "discipline"
    CRIMINAL = "criminal"
    INTERNAL = "internal"
    OTHER = "other"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (PENALTY, _("行政处罚"), "orange"),
        (DISCIPLINE, _("党纪政务处分"), "purple"),
        (CRIMINAL, _("移送司法机关"), "red"),
        (INTERNAL, _("企业内部处理"), "blue"),
        (OTHER, _("其他"), "grey"),
    ]


class PartyKind(ChoiceSet):
    UNIT = "unit"
    PERSON = "person"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (UNIT, _("单位"), "blue"),
        (PERSON, _("个人"), "grey"),
    ]


class MeasureStatus(ChoiceSet):
    OPEN = "open"
    DONE = "done"
    VERIFIED = "verified"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (OPEN, _("待落实"), "orange"),
        (DONE, _("已落实待核验"), "blue"),
        (VERIFIED, _("已核验"), "green"),
    ]


# Authorities of the reporting chain that act inside the platform (the others are outside it and shown for
# reference): the unit, the county and the city bureau and their own-level governments' duty offices.
TRACKED_SENDERS = frozenset({"enterprise", "county", "city"})
