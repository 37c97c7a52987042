from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import ChoiceSet


class PointKind(ChoiceSet):
    LEVEL = "level"
    TEMPERATURE = "temperature"
    PRESSURE = "pressure"
    FLOW = "flow"
    GAS_COMBUSTIBLE = "gas_combustible"
    GAS_TOXIC = "gas_toxic"
    SIS = "sis"
    VIDEO = "video"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (LEVEL, _("液位"), "blue"),
        (TEMPERATURE, _("温度"), "orange"),
        (PRESSURE, _("压力"), "purple"),
        (FLOW, _("流量"), "teal"),
        (GAS_COMBUSTIBLE, _("可燃气体浓度"), "red"),
        (GAS_TOXIC, _("有毒气体浓度"), "red"),
        (SIS, _("SIS/紧急停车状态"), "black"),
        (VIDEO, _("视频在线"), "grey"),
    ]

    GAS: ClassVar[frozenset[str]] = frozenset({GAS_COMBUSTIBLE, GAS_TOXIC})
    DISCRETE: ClassVar[frozenset[str]] = frozenset({SIS, VIDEO})
    # Units a point of each kind may use (the first is the default).
    UNITS: ClassVar[dict[str, tuple[str, ...]]] = {
        LEVEL: ("m", "mm", "%"),
        TEMPERATURE: ("℃",),
        PRESSURE: ("MPa", "kPa"),
        FLOW: ("m³/h", "t/h", "kg/h", "Nm³/h"),
        GAS_COMBUSTIBLE: ("%LEL",),
        GAS_TOXIC: ("ppm", "mg/m³"),
        SIS: ("",),
        VIDEO: ("",),
    }
    # The value a discrete point reports when all is well: SIS 0 = normal (1 = tripped, 2 = bypassed);
    # video 1 = online (0 = offline).
    NORMAL: ClassVar[dict[str, float]] = {SIS: 0.0, VIDEO: 1.0}


class Severity(ChoiceSet):
    """Alarm severity, ordered, mapped to the four warning colours (ansheng.domain.alarm_rules.Severity)."""

    MINOR = "minor"
    WARNING = "warning"
    MAJOR = "major"
    CRITICAL = "critical"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (MINOR, _("提示"), "blue"),
        (WARNING, _("一般"), "yellow"),
        (MAJOR, _("较大"), "orange"),
        (CRITICAL, _("重大"), "red"),
    ]

    RANK: ClassVar[dict[str, int]] = {MINOR: 1, WARNING: 2, MAJOR: 3, CRITICAL: 4}


class AlarmType(ChoiceSet):
    HIGH = "high"
    LOW = "low"
    STATE = "state"
    NO_DATA = "no_data"
    COMM_LOST = "comm_lost"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (HIGH, _("超上限"), "red"),
        (LOW, _("超下限"), "orange"),
        (STATE, _("状态异常"), "red"),
        (NO_DATA, _("无数据"), "grey"),
        (COMM_LOST, _("通信中断"), "grey"),
    ]


class AlarmLevel(ChoiceSet):
    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        ("h", _("高报"), "yellow"),
        ("hh", _("高高报"), "orange"),
        ("l", _("低报"), "yellow"),
        ("ll", _("低低报"), "orange"),
        ("gas1", _("一级报警"), "yellow"),
        ("gas2", _("二级报警"), "orange"),
        ("trip", _("状态异常"), "red"),
        ("no_data", _("无数据"), "grey"),
        ("comm_lost", _("通信中断"), "grey"),
    ]


class TransitionKind(ChoiceSet):
    RAISED = "raised"
    REACTIVATED = "reactivated"
    SEVERITY_RAISED = "severity_raised"
    CLEARED = "cleared"
    ACKNOWLEDGED = "acknowledged"
    SHELVED = "shelved"
    UNSHELVED = "unshelved"
    ESCALATED = "escalated"
    UNSUPPRESSED = "unsuppressed"
    CLOSED = "closed"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (RAISED, _("报警产生"), "red"),
        (REACTIVATED, _("再次报警"), "red"),
        (SEVERITY_RAISED, _("级别升高"), "red"),
        (CLEARED, _("恢复正常"), "green"),
        (ACKNOWLEDGED, _("已确认"), "blue"),
        (SHELVED, _("已搁置"), "grey"),
        (UNSHELVED, _("解除搁置"), "grey"),
        (ESCALATED, _("逐级上报"), "purple"),
        (UNSUPPRESSED, _("维护结束，报警恢复通知"), "orange"),
        (CLOSED, _("已关闭（处置反馈）"), "green"),
    ]

    # Transitions that send a notice (to the tiers the alarm has reached).
    NOTIFY: ClassVar[frozenset[str]] = frozenset(
        {RAISED, REACTIVATED, SEVERITY_RAISED, CLEARED, ESCALATED, UNSUPPRESSED, UNSHELVED}
    )


class Tier(ChoiceSet):
    ENTERPRISE = "0"
    COUNTY = "1"
    CITY = "2"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (ENTERPRISE, _("企业"), "green"),
        (COUNTY, _("区县应急局"), "orange"),
        (CITY, _("市应急局"), "red"),
    ]


class Channel(ChoiceSet):
    HTTP = "http"
    MQTT = "mqtt"
    CSV = "csv"
    SIMULATOR = "sim"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (HTTP, _("HTTP 接口"), "blue"),
        (MQTT, _("MQTT"), "teal"),
        (CSV, _("CSV 补录"), "grey"),
        (SIMULATOR, _("模拟器"), "grey"),
    ]


class NotifyState(ChoiceSet):
    PENDING = "pending"
    CLAIMED = "claimed"
    DONE = "done"
    SKIPPED = "skipped"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (PENDING, _("待通知"), "grey"),
        (CLAIMED, _("通知中"), "blue"),
        (DONE, _("已通知"), "green"),
        (SKIPPED, _("无需通知"), "grey"),
    ]


class WarningColour(ChoiceSet):
    """The enterprise's early warning (预警): 红 重大, 橙 较大, 黄 一般, 蓝 较低; empty: no warning."""

    NONE = ""
    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (NONE, _("无预警"), "green"),
        (RED, _("红色预警"), "red"),
        (ORANGE, _("橙色预警"), "orange"),
        (YELLOW, _("黄色预警"), "yellow"),
        (BLUE, _("蓝色预警"), "blue"),
    ]

    RANK: ClassVar[dict[str, int]] = {NONE: 0, BLUE: 1, YELLOW: 2, ORANGE: 3, RED: 4}
