"""Choice sets with a stored value, a translated label and a display colour (after NetBox's ChoiceSet).

Models declare `models.CharField(choices=SomeChoices.choices)` and code compares with the named constants,
never with bare strings.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChoiceSet:
    """Subclasses define `CHOICES = [(value, label, colour), ...]` and a named constant for each value."""

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = []

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        return [(value, label) for value, label, _colour in cls.CHOICES]

    @classmethod
    def values(cls) -> list[str]:
        return [value for value, _label, _colour in cls.CHOICES]

    @classmethod
    def label(cls, value: str | None) -> Any:
        """The label of a value: a dict lookup, much cheaper than Django's get_FOO_display on callable choices."""
        labels = cls.__dict__.get("_labels")
        if labels is None:
            labels = {choice_value: label for choice_value, label, _colour in cls.CHOICES}
            cls._labels = labels  # type: ignore[attr-defined]
        return labels.get(value, value or "")

    @classmethod
    def colour(cls, value: str | None) -> str:
        for choice_value, _label, colour in cls.CHOICES:
            if choice_value == value:
                return colour
        return "grey"

    @classmethod
    def from_label(cls, text: str) -> str | None:
        """The value whose value or (Chinese or English) label equals `text`; used by Excel imports."""
        needle = text.strip()
        for value, label, _colour in cls.CHOICES:
            if needle in {value, str(label)}:
                return value
        from django.utils import translation

        for language in ("zh-hans", "en"):
            with translation.override(language):
                for value, label, _colour in cls.CHOICES:
                    if needle == str(label):
                        return value
        return None


class Role(ChoiceSet):
    CITY_ADMIN = "city_admin"
    CITY_SUPERVISOR = "city_supervisor"
    COUNTY_SUPERVISOR = "county_supervisor"
    DEPARTMENT_SUPERVISOR = "department_supervisor"
    ENTERPRISE_ADMIN = "enterprise_admin"
    ENTERPRISE_STAFF = "enterprise_staff"
    INSPECTOR = "inspector"
    EXPERT = "expert"
    PUBLIC = "public"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (CITY_ADMIN, _("市级管理员"), "purple"),
        (CITY_SUPERVISOR, _("市级监管人员"), "blue"),
        (COUNTY_SUPERVISOR, _("县级监管人员"), "blue"),
        (DEPARTMENT_SUPERVISOR, _("行业部门监管人员"), "teal"),
        (ENTERPRISE_ADMIN, _("企业管理员"), "green"),
        (ENTERPRISE_STAFF, _("企业员工"), "green"),
        (INSPECTOR, _("执法检查人员"), "orange"),
        (EXPERT, _("专家"), "grey"),
        (PUBLIC, _("社会公众"), "grey"),
    ]

    GOVERNMENT: ClassVar[frozenset[str]] = frozenset(
        {CITY_ADMIN, CITY_SUPERVISOR, COUNTY_SUPERVISOR, DEPARTMENT_SUPERVISOR, INSPECTOR}
    )
    ENTERPRISE: ClassVar[frozenset[str]] = frozenset({ENTERPRISE_ADMIN, ENTERPRISE_STAFF})
    SUPERVISORS: ClassVar[frozenset[str]] = frozenset(
        {CITY_ADMIN, CITY_SUPERVISOR, COUNTY_SUPERVISOR, DEPARTMENT_SUPERVISOR}
    )


class RegionLevel(ChoiceSet):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (PROVINCE, _("省级"), "grey"),
        (CITY, _("地市级"), "grey"),
        (COUNTY, _("县级"), "grey"),
        (TOWNSHIP, _("乡级"), "grey"),
    ]


class OrganisationKind(ChoiceSet):
    BUREAU = "bureau"
    DEPARTMENT = "department"
    PARK = "park"
    COMMITTEE = "committee"
    INSTITUTION = "institution"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (BUREAU, _("应急管理局"), "red"),
        (DEPARTMENT, _("行业主管部门"), "blue"),
        (PARK, _("工业园区"), "green"),
        (COMMITTEE, _("安全生产委员会"), "purple"),
        (INSTITUTION, _("技术服务机构"), "grey"),
    ]


class ChangeAction(ChoiceSet):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        # In the change log: what happened to a record ("Created", not the button "Add").
        (CREATE, pgettext_lazy("change log", "新增"), "green"),
        (UPDATE, pgettext_lazy("change log", "修改"), "blue"),
        (DELETE, pgettext_lazy("change log", "删除"), "red"),
    ]


class JobStatus(ChoiceSet):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (QUEUED, _("排队中"), "grey"),
        (RUNNING, _("处理中"), "blue"),
        (DONE, _("已完成"), "green"),
        (FAILED, _("失败"), "red"),
    ]


class TokenKind(ChoiceSet):
    PERSONAL = "personal"
    GATEWAY = "gateway"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (PERSONAL, _("个人令牌"), "blue"),
        (GATEWAY, _("数据网关令牌"), "teal"),
    ]
