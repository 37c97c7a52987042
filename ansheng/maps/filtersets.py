"""Filters of the risk-source list, shared by the page and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import visible_regions
from ansheng.maps.choices import HazardStatus, RiskColour, RiskSourceKind, SourceStatus
from ansheng.maps.models import RiskSource


def apply_filters(queryset: QuerySet[RiskSource], params: dict[str, Any]) -> QuerySet[RiskSource]:
    q = (params.get("q") or "").strip()
    if q:
        queryset = queryset.filter(search_text__contains=q.lower())
    if params.get("county"):
        queryset = queryset.filter(county__code__startswith=str(params["county"]))
    if params.get("kind"):
        queryset = queryset.filter(kind=params["kind"])
    if params.get("level"):
        queryset = queryset.filter(level=params["level"])
    if params.get("status"):
        queryset = queryset.filter(status=params["status"])
    if params.get("hazards") in {True, "1", "true", "on", "yes"}:
        queryset = queryset.filter(hazards__status=HazardStatus.OPEN).distinct()
    return queryset


class RiskSourceFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("名称、编号、线路或运营单位"), "type": "search"}),
    )
    county = forms.ChoiceField(label=_("区县"), required=False)
    kind = forms.ChoiceField(label=_("类型"), required=False)
    level = forms.ChoiceField(label=_("风险等级"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)
    hazards = forms.BooleanField(label=_("仅有未销号隐患的"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("全部区县"))] + [(r.code, r.name) for r in visible_regions(user)]
        self.fields["kind"].choices = [("", _("全部类型")), *RiskSourceKind.choices()]
        self.fields["level"].choices = [("", _("全部等级")), *RiskColour.choices()]
        self.fields["status"].choices = [("", _("全部状态")), *SourceStatus.choices()]
