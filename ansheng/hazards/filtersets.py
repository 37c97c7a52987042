"""Filters of the hazard-source list, shared by the page and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import visible_regions
from ansheng.hazards.choices import Grade, RegistrationStatus, UnitKind
from ansheng.hazards.models import HazardSource

TRUE = {True, "1", "true", "yes", "on"}


def apply_filters(queryset: QuerySet[HazardSource], params: dict[str, Any]) -> QuerySet[HazardSource]:
    q = (params.get("q") or "").strip()
    if q:
        queryset = queryset.filter(
            Q(name__icontains=q)
            | Q(code__icontains=q)
            | Q(enterprise__search_text__contains=q.lower())
            | Q(substances__name__icontains=q)
        ).distinct()
    if params.get("county"):
        queryset = queryset.filter(enterprise__county__code__startswith=str(params["county"]))
    grade = params.get("grade")
    if grade:
        queryset = queryset.filter(grade=int(grade))
    if params.get("major") in TRUE:
        queryset = queryset.filter(is_major=True)
    if params.get("registration"):
        queryset = queryset.filter(registration_status=params["registration"])
    if params.get("unit_kind"):
        queryset = queryset.filter(unit_kind=params["unit_kind"])
    if params.get("enterprise"):
        queryset = queryset.filter(enterprise_id=params["enterprise"])
    return queryset


class SourceFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("单元名称、编号、企业或物质"), "type": "search"}),
    )
    county = forms.ChoiceField(label=_("区县"), required=False)
    grade = forms.ChoiceField(label=_("级别"), required=False)
    registration = forms.ChoiceField(label=_("备案状态"), required=False)
    unit_kind = forms.ChoiceField(label=_("单元类型"), required=False)
    major = forms.BooleanField(label=_("仅重大危险源"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("全部区县"))] + [(r.code, r.name) for r in visible_regions(user)]
        self.fields["grade"].choices = [("", _("全部级别")), *Grade.choices()]
        self.fields["registration"].choices = [("", _("全部")), *RegistrationStatus.choices()]
        self.fields["unit_kind"].choices = [("", _("全部")), *UnitKind.choices()]
