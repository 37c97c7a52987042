"""Filters of the risk-point and risk-event lists, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import visible_regions
from ansheng.core.errors import ValidationFailed
from ansheng.domain.levels import LevelError, parse_level
from ansheng.risks.choices import Level, ObjectKind


def _level(value: Any, field: str) -> str:
    try:
        return parse_level(str(value), field).value
    except LevelError:
        raise ValidationFailed(
            _("未知的风险等级或颜色：%(v)s") % {"v": value}, code="invalid_choice", field=field
        ) from None


def apply_object_filters(queryset: QuerySet, params: dict[str, Any]) -> QuerySet:
    q = (params.get("q") or "").strip()
    if q:
        queryset = queryset.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(enterprise__search_text__contains=q.lower())
        )
    if params.get("county"):
        queryset = queryset.filter(enterprise__county__code__startswith=str(params["county"]))
    if params.get("level"):
        queryset = queryset.filter(level=_level(params["level"], "level"))
    if params.get("kind"):
        queryset = queryset.filter(kind=params["kind"])
    if params.get("enterprise"):
        queryset = queryset.filter(enterprise_id=params["enterprise"])
    return queryset


def apply_event_filters(queryset: QuerySet, params: Any) -> QuerySet:
    """level and colour take any spelling of `ansheng.domain.levels` (重大, 红, red, major …)."""
    if params.get("level"):
        queryset = queryset.filter(level=_level(params["level"], "level"))
    if params.get("colour"):
        queryset = queryset.filter(level=_level(params["colour"], "colour"))
    if params.get("county"):
        queryset = queryset.filter(enterprise__county__code__startswith=str(params["county"]))
    enterprise = params.get("enterprise")
    if enterprise:
        if not str(enterprise).isdigit():
            raise ValidationFailed(_("企业编号应为整数"), code="invalid", field="enterprise")
        queryset = queryset.filter(enterprise_id=int(enterprise))
    if params.get("active", "true") not in {"false", "0", False}:
        queryset = queryset.filter(is_active=True)
    return queryset


class ObjectFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("风险点名称、编号或企业"), "type": "search"}),
    )
    county = forms.ChoiceField(label=_("区县"), required=False)
    level = forms.ChoiceField(label=_("风险等级"), required=False)
    kind = forms.ChoiceField(label=_("对象类型"), required=False)
    enterprise = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("全部区县"))] + [(r.code, r.name) for r in visible_regions(user)]
        self.fields["level"].choices = [("", _("全部等级")), *Level.choices()]
        self.fields["kind"].choices = [("", _("全部类型")), *ObjectKind.choices()]
