"""Choice sets of dual prevention's risk half: risk objects, measures, assessments and inspection tasks."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import ChoiceSet


class ObjectKind(ChoiceSet):
    """风险分析对象的类型 (设备设施、作业活动、工艺单元、场所)."""

    EQUIPMENT = "equipment"
    OPERATION = "operation"
    PROCESS = "process"
    PLACE = "place"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (EQUIPMENT, _("设备设施"), "blue"),
        (OPERATION, _("作业活动"), "teal"),
        (PROCESS, _("工艺单元"), "purple"),
        (PLACE, _("场所区域"), "grey"),
    ]


class Level(ChoiceSet):
    """The four risk levels, stored with `ansheng.domain.levels.RiskLevel` values."""

    MAJOR = "major"
    LARGE = "large"
    GENERAL = "general"
    LOW = "low"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (MAJOR, _("重大风险"), "red"),
        (LARGE, _("较大风险"), "orange"),
        (GENERAL, _("一般风险"), "yellow"),
        (LOW, _("低风险"), "blue"),
    ]
    RANK: ClassVar[dict[str, int]] = {"": 0, LOW: 1, GENERAL: 2, LARGE: 3, MAJOR: 4}


class Colour(ChoiceSet):
    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (RED, _("红"), "red"),
        (ORANGE, _("橙"), "orange"),
        (YELLOW, _("黄"), "yellow"),
        (BLUE, _("蓝"), "blue"),
    ]
    RANK: ClassVar[dict[str, int]] = {"": 0, BLUE: 1, YELLOW: 2, ORANGE: 3, RED: 4}
    BY_RANK: ClassVar[dict[int, str]] = {1: BLUE, 2: YELLOW, 3: ORANGE, 4: RED}


class Method(ChoiceSet):
    LEC = "LEC"
    LS = "LS"
    MES = "MES"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (LEC, _("作业条件危险性评价法（LEC）"), "blue"),
        (LS, _("风险矩阵法（LS）"), "blue"),
        (MES, _("MES评价法"), "blue"),
    ]


class Stage(ChoiceSet):
    INHERENT = "inherent"
    RESIDUAL = "residual"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (INHERENT, _("固有风险"), "grey"),
        (RESIDUAL, _("剩余风险"), "blue"),
    ]


class MeasureKind(ChoiceSet):
    ENGINEERING = "engineering"
    MAINTENANCE = "maintenance"
    OPERATION = "operation"
    EMERGENCY = "emergency"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (ENGINEERING, _("工程技术"), "blue"),
        (MAINTENANCE, _("维护保养"), "teal"),
        (OPERATION, _("操作行为"), "purple"),
        (EMERGENCY, _("应急处置"), "red"),
    ]


class Cycle(ChoiceSet):
    SHIFT = "shift"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    SEASONAL = "seasonal"
    HOLIDAY = "holiday"
    SPECIAL = "special"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (SHIFT, _("每班"), "blue"),
        (DAY, _("每日"), "blue"),
        (WEEK, _("每周"), "blue"),
        (MONTH, _("每月"), "blue"),
        (QUARTER, _("每季度"), "blue"),
        (YEAR, _("每年"), "blue"),
        (SEASONAL, _("季节性排查"), "teal"),
        (HOLIDAY, _("节假日排查"), "teal"),
        (SPECIAL, _("专项排查"), "purple"),
    ]
    AD_HOC: ClassVar[frozenset[str]] = frozenset({SEASONAL, HOLIDAY, SPECIAL})


class OccurrenceStatus(ChoiceSet):
    PENDING = "pending"
    DONE = "done"
    MISSED = "missed"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (PENDING, _("待排查"), "blue"),
        (DONE, _("已完成"), "green"),
        (MISSED, _("已漏检"), "red"),
    ]


class AnswerResult(ChoiceSet):
    OK = "ok"
    NOT_APPLICABLE = "na"
    FINDING = "finding"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (OK, _("正常"), "green"),
        (NOT_APPLICABLE, _("不适用"), "grey"),
        (FINDING, _("发现隐患"), "red"),
    ]
