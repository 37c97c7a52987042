"""Filters of the hidden-danger lists, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import visible_regions
from ansheng.core.choices import Role
from ansheng.core.errors import ValidationFailed
from ansheng.dangers.choices import Grade, Source, State
from ansheng.dangers.models import HiddenDanger, today_shanghai

TRUE = {True, "1", "true", "yes", "on"}
FALSE = {False, "0", "false", "no", "off"}


def apply_filters(queryset: QuerySet[HiddenDanger], params: dict[str, Any]) -> QuerySet[HiddenDanger]:
    q = (params.get("q") or "").strip()
    if q:
        queryset = queryset.filter(
            Q(title__icontains=q) | Q(number__icontains=q) | Q(location__icontains=q) | Q(enterprise__name__icontains=q)
        )
    if params.get("county"):
        queryset = queryset.filter(county__code__startswith=str(params["county"]))
    if params.get("enterprise"):
        queryset = queryset.filter(enterprise_id=params["enterprise"])
    state = params.get("state")
    if state == "open":
        queryset = queryset.filter(state__in=State.OPEN)
    elif state:
        if state not in State.values():
            raise ValidationFailed(_("状态无效"), code="invalid_choice", field="state")
        queryset = queryset.filter(state=state)
    if params.get("grade"):
        grade = Grade.parse(str(params["grade"]))
        if grade is None:
            raise ValidationFailed(_("隐患级别无效（一般或重大）"), code="invalid_choice", field="grade")
        queryset = queryset.filter(grade=grade)
    if params.get("source"):
        queryset = queryset.filter(source=params["source"])
    overdue = params.get("overdue")
    today = today_shanghai()
    if overdue in TRUE:
        queryset = queryset.overdue(today)
    elif overdue in FALSE:
        queryset = queryset.not_overdue(today)
    if params.get("supervised") in TRUE:
        queryset = queryset.filter(supervised=True)
    if params.get("responsible"):
        queryset = queryset.filter(responsible_id=params["responsible"])
    return queryset


class DangerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("隐患名称、编号、部位或企业"), "type": "search"}),
    )
    county = forms.ChoiceField(label=_("区县"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)
    grade = forms.ChoiceField(label=_("级别"), required=False)
    source = forms.ChoiceField(label=_("来源"), required=False)
    overdue = forms.BooleanField(label=_("已逾期"), required=False)
    mine = forms.BooleanField(label=_("我负责整改的"), required=False)
    supervised = forms.BooleanField(label=_("挂牌督办"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = list(visible_regions(user))
        if len(regions) > 1:
            self.fields["county"].choices = [("", _("全部区县"))] + [(r.code, r.name) for r in regions]
        else:
            del self.fields["county"]
        self.fields["state"].choices = [("", _("全部")), ("open", _("未销号")), *State.choices()]
        self.fields["grade"].choices = [("", _("全部")), *Grade.choices()]
        self.fields["source"].choices = [("", _("全部")), *Source.choices()]
        if getattr(user, "role", None) not in Role.ENTERPRISE:
            del self.fields["mine"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("overdue", "mine", "supervised"):
            if data.get(name) is False:
                data[name] = None  # an unticked box filters nothing (False would mean "not overdue")
        return data
