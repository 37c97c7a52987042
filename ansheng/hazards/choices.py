from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import ChoiceSet


class UnitKind(ChoiceSet):
    """GB 18218-2018 §3.3–3.4: a unit is a production unit or a storage unit."""

    PRODUCTION = "production"
    STORAGE = "storage"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (PRODUCTION, _("生产单元"), "purple"),
        (STORAGE, _("储存单元"), "teal"),
    ]


class SourceStatus(ChoiceSet):
    IN_USE = "in_use"
    IDLE = "idle"
    RETIRED = "retired"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (IN_USE, _("在用"), "green"),
        (IDLE, _("停用"), "orange"),
        (RETIRED, _("已拆除"), "grey"),
    ]


class Grade(ChoiceSet):
    """GB 18218-2018 Table 6 grades, coloured as the four risk colours (一级 red … 四级 blue)."""

    ONE = "1"
    TWO = "2"
    THREE = "3"
    FOUR = "4"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (ONE, _("一级"), "red"),
        (TWO, _("二级"), "orange"),
        (THREE, _("三级"), "yellow"),
        (FOUR, _("四级"), "blue"),
    ]


class RegistrationStatus(ChoiceSet):
    """备案 with the county bureau (40号令 第二十三条 [U])."""

    NONE = "none"
    SUBMITTED = "submitted"
    REGISTERED = "registered"
    RETURNED = "returned"
    CHANGE_REQUIRED = "change_required"
    CANCELLED = "cancelled"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (NONE, _("未备案"), "grey"),
        (SUBMITTED, _("待审核"), "blue"),
        (REGISTERED, _("已备案"), "green"),
        (RETURNED, _("已退回"), "orange"),
        (CHANGE_REQUIRED, _("需变更备案"), "orange"),
        (CANCELLED, _("已核销"), "grey"),
    ]


class RegistrationAction(ChoiceSet):
    SUBMIT = "submit"
    ACCEPT = "accept"
    RETURN = "return"
    CANCEL = "cancel"
    REQUIRE_CHANGE = "require_change"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (SUBMIT, _("提交备案"), "blue"),
        (ACCEPT, _("审核通过"), "green"),
        (RETURN, _("退回"), "orange"),
        (CANCEL, _("核销"), "grey"),
        (REQUIRE_CHANGE, _("辨识结果变化，需变更备案"), "orange"),
    ]


class Duty(ChoiceSet):
    """The three 包保责任人 of a major hazard source (应急厅〔2021〕12号)."""

    PRINCIPAL = "principal"
    TECHNICAL = "technical"
    OPERATING = "operating"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (PRINCIPAL, _("主要负责人"), "red"),
        (TECHNICAL, _("技术负责人"), "orange"),
        (OPERATING, _("操作负责人"), "blue"),
    ]


class CheckResult(ChoiceSet):
    NORMAL = "normal"
    ISSUES = "issues"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (NORMAL, _("正常"), "green"),
        (ISSUES, _("发现问题"), "orange"),
    ]


class DueState(ChoiceSet):
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (OK, _("正常"), "green"),
        (DUE_SOON, _("即将到期"), "orange"),
        (OVERDUE, _("已逾期"), "red"),
    ]
