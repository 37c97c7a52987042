"""Filters of the accident list, shared by the page, the export and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ansheng.accidents.choices import Grade, Sector, Status, StepState
from ansheng.accidents.models import Accident
from ansheng.core.access import visible_regions


def apply_filters(queryset: QuerySet[Accident], params: dict[str, Any]) -> QuerySet[Accident]:
    q = (params.get("q") or "").strip()
    if q:
        queryset = queryset.filter(Q(number__icontains=q) | Q(unit_name__icontains=q) | Q(place__icontains=q))
    if params.get("county"):
        queryset = queryset.filter(county__code__startswith=str(params["county"]))
    if params.get("year"):
        queryset = queryset.filter(year=int(params["year"]))
    if params.get("date_from"):
        queryset = queryset.filter(occurred_at__date__gte=params["date_from"])
    if params.get("date_to"):
        queryset = queryset.filter(occurred_at__date__lte=params["date_to"])
    if params.get("grade"):
        queryset = queryset.filter(grade=int(params["grade"]))
    if params.get("sector"):
        queryset = queryset.filter(sector=params["sector"])
    if params.get("status"):
        if params["status"] == "open":
            queryset = queryset.filter(status__in=Status.OPEN)
        else:
            queryset = queryset.filter(status=params["status"])
    if params.get("large_risk") in {True, "1", "true", "on"}:
        queryset = queryset.filter(large_risk=True)
    if params.get("late") in {True, "1", "true", "on"}:
        queryset = queryset.filter(Q(steps__late_seconds__gt=0) | Q(steps__state=StepState.NOT_REPORTED)).distinct()
    if params.get("enterprise"):
        queryset = queryset.filter(enterprise_id=params["enterprise"])
    return queryset


class AccidentFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("编号、单位或地点"), "type": "search"}),
    )
    county = forms.ChoiceField(label=_("区县"), required=False)
    year = forms.TypedChoiceField(label=_("年份"), required=False, coerce=int, empty_value=None)
    grade = forms.ChoiceField(label=_("等级"), required=False)
    sector = forms.ChoiceField(label=_("行业领域"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)
    late = forms.BooleanField(label=_("仅迟报或未报"), required=False)
    large_risk = forms.BooleanField(label=_("仅较大涉险"), required=False)

    def __init__(self, *args: Any, user: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("全部区县"))] + [(r.code, r.name) for r in visible_regions(user)]
        self.fields["year"].choices = [("", _("全部年份"))] + [(y, str(y)) for y in years]
        self.fields["grade"].choices = [("", _("全部等级")), *Grade.choices()]
        self.fields["sector"].choices = [("", _("全部领域")), *Sector.choices()]
        self.fields["status"].choices = [("", _("全部状态")), ("open", _("办理中")), *Status.choices()]
