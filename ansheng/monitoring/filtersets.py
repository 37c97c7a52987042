"""Filters of points and alarms, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import visible_regions
from ansheng.monitoring.choices import AlarmType, PointKind, Severity
from ansheng.monitoring.models import Alarm, MonitoringPoint

TRUE = {True, "1", "true", "yes", "on"}
FALSE = {False, "0", "false", "no", "off"}


def point_filters(rows: QuerySet[MonitoringPoint], params: dict[str, Any]) -> QuerySet[MonitoringPoint]:
    if params.get("enterprise"):
        rows = rows.filter(enterprise_id=params["enterprise"])
    if params.get("hazard_source"):
        rows = rows.filter(hazard_source_id=params["hazard_source"])
    if params.get("county"):
        rows = rows.filter(enterprise__county__code__startswith=str(params["county"]))
    if params.get("kind"):
        rows = rows.filter(kind=params["kind"])
    if params.get("in_service") in TRUE:
        rows = rows.filter(in_service=True)
    elif params.get("in_service") in FALSE:
        rows = rows.filter(in_service=False)
    q = (params.get("q") or "").strip()
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(enterprise__name__icontains=q))
    return rows


def alarm_filters(rows: QuerySet[Alarm], params: dict[str, Any]) -> QuerySet[Alarm]:
    state = params.get("state") or "open"
    if state == "active":
        rows = rows.filter(closed_at__isnull=True, active=True)
    elif state == "open":
        rows = rows.filter(closed_at__isnull=True)
    elif state == "cleared":
        rows = rows.filter(closed_at__isnull=True, active=False)
    elif state == "closed":
        rows = rows.filter(closed_at__isnull=False)
    if params.get("severity"):
        rows = rows.filter(severity=params["severity"])
    if params.get("type"):
        rows = rows.filter(type=params["type"])
    if params.get("enterprise"):
        rows = rows.filter(enterprise_id=params["enterprise"])
    if params.get("hazard_source"):
        rows = rows.filter(hazard_source_id=params["hazard_source"])
    if params.get("point"):
        rows = rows.filter(point__code=params["point"])
    if params.get("county"):
        rows = rows.filter(enterprise__county__code__startswith=str(params["county"]))
    if params.get("acknowledged") in TRUE:
        rows = rows.filter(acknowledged=True)
    elif params.get("acknowledged") in FALSE:
        rows = rows.filter(acknowledged=False)
    if params.get("escalated") in TRUE:
        rows = rows.filter(tier__gte=1)
    if params.get("shelved") in TRUE:
        rows = rows.filter(shelved_until__gt=timezone.now())
    return rows.order_by("closed_at", "-active", "acknowledged", "-activated_at", "-id")


class AlarmFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("open", _("未关闭")),
            ("active", _("报警中")),
            ("cleared", _("已恢复待反馈")),
            ("closed", _("已关闭")),
            ("all", _("全部")),
        ],
    )
    severity = forms.ChoiceField(label=_("级别"), required=False)
    type = forms.ChoiceField(label=_("类型"), required=False)
    county = forms.ChoiceField(label=_("区县"), required=False)
    acknowledged = forms.ChoiceField(
        label=_("确认"), required=False, choices=[("", _("全部")), ("0", _("未确认")), ("1", _("已确认"))]
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["severity"].choices = [("", _("全部级别")), *Severity.choices()]
        self.fields["type"].choices = [("", _("全部类型")), *AlarmType.choices()]
        regions = list(visible_regions(user))
        if len(regions) > 1:
            self.fields["county"].choices = [("", _("全部区县"))] + [(r.code, r.name) for r in regions]
        else:
            del self.fields["county"]


class PointFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("测点编码、名称或企业"), "type": "search"}),
    )
    kind = forms.ChoiceField(label=_("类型"), required=False)
    county = forms.ChoiceField(label=_("区县"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部类型")), *PointKind.choices()]
        regions = list(visible_regions(user))
        if len(regions) > 1:
            self.fields["county"].choices = [("", _("全部区县"))] + [(r.code, r.name) for r in regions]
        else:
            del self.fields["county"]
