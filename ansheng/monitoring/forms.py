from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.monitoring.models import MonitoringPoint


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PointForm(forms.ModelForm):
    """Renders a point and collects input; the service validates and saves (model full_clean)."""

    class Meta:
        model = MonitoringPoint
        fields = [
            "code",
            "name",
            "kind",
            "hazard_source",
            "unit",
            "substance",
            "location",
            "range_min",
            "range_max",
            "ll",
            "l",
            "h",
            "hh",
            "deadband",
            "on_delay_s",
            "normal_value",
            "severity_1",
            "severity_2",
            "interval_s",
            "no_data_after_s",
            "in_service",
        ]

    def __init__(self, *args: Any, enterprise_id: int, **kwargs: Any) -> None:
        from ansheng.hazards.models import HazardSource

        super().__init__(*args, **kwargs)
        self.fields["hazard_source"].queryset = HazardSource.objects.filter(enterprise_id=enterprise_id)
        self.fields["unit"].required = False
        self.fields["unit"].help_text = _("液位 m/mm/%，温度 ℃，压力 MPa/kPa，可燃气体 %LEL，有毒气体 ppm 或 mg/m³")
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["kind"].disabled = True

    def _post_clean(self) -> None:
        pass

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if not self.fields[name].disabled}


SHELVE_CHOICES = [
    ("30", _("30 分钟")),
    ("60", _("1 小时")),
    ("240", _("4 小时")),
    ("480", _("8 小时")),
    ("1440", _("24 小时")),
]


class ShelveForm(forms.Form):
    minutes = forms.TypedChoiceField(label=_("搁置时长"), choices=SHELVE_CHOICES, coerce=int, initial="60")
    reason = forms.CharField(label=_("搁置原因"), max_length=200)

    def until(self) -> dt.datetime:
        return timezone.now() + dt.timedelta(minutes=self.cleaned_data["minutes"])


class CloseForm(forms.Form):
    cause = forms.CharField(label=_("原因分析"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    measures = forms.CharField(label=_("处置措施"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 1}))


class AckForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=2000)


class WindowForm(forms.Form):
    hazard_source = forms.ModelChoiceField(label=_("重大危险源（留空为全企业）"), queryset=None, required=False)
    point = forms.ModelChoiceField(label=_("测点（可选）"), queryset=None, required=False)
    starts_at = forms.DateTimeField(label=_("开始"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("结束"), widget=DateTimeInput())
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(self, *args: Any, enterprise_id: int, **kwargs: Any) -> None:
        from ansheng.hazards.models import HazardSource

        super().__init__(*args, **kwargs)
        self.fields["hazard_source"].queryset = HazardSource.objects.filter(enterprise_id=enterprise_id)
        self.fields["point"].queryset = MonitoringPoint.objects.filter(enterprise_id=enterprise_id)
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("starts_at", now)
            self.initial.setdefault("ends_at", now + dt.timedelta(hours=2))


class GatewayForm(forms.Form):
    name = forms.CharField(label=_("网关名称"), max_length=64, help_text=_("如：罐区 DCS 数据网关"))
    expires_at = forms.DateTimeField(label=_("过期时间（可选）"), required=False, widget=DateTimeInput())
