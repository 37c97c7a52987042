from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core.models import User
from ansheng.domain import gb18218
from ansheng.enterprises.forms import DateInput
from ansheng.hazards.choices import CheckResult, Grade
from ansheng.hazards.models import EvaluationReport, HazardSource, ResponsiblePerson


class SourceForm(forms.ModelForm):
    """Renders the unit and collects input; the service validates and saves (model full_clean)."""

    class Meta:
        model = HazardSource
        fields = [
            "code",
            "name",
            "unit_kind",
            "status",
            "commissioned_on",
            "people_within_500m",
            "longitude",
            "latitude",
            "description",
        ]
        widgets = {"commissioned_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self) -> None:
        pass


class SubstanceForm(forms.Form):
    query = forms.CharField(
        label=_("物质"),
        max_length=64,
        help_text=_("GB 18218-2018 表1的名称、别名或 CAS 号；不在表1的物质填表2类别（如 W5.3）"),
        widget=forms.TextInput(attrs={"list": "gb18218-names", "autocomplete": "off"}),
    )
    label = forms.CharField(label=_("物质名称（按表2类别填报时）"), required=False, max_length=64)
    no = forms.IntegerField(label=_("表1序号（名称对应多行时）"), required=False, min_value=1, max_value=85)
    max_quantity_t = forms.DecimalField(label=_("设计最大量（吨）"), min_value=0, max_digits=14, decimal_places=4)
    beta_symbol = forms.ChoiceField(label=_("β 取值类别（可选）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["beta_symbol"].choices = [("", _("按平台默认"))] + [(s, s) for s in gb18218.symbols()]


class QuantityForm(forms.Form):
    max_quantity_t = forms.DecimalField(label=_("设计最大量（吨）"), min_value=0, max_digits=14, decimal_places=4)


class PersonForm(forms.ModelForm):
    class Meta:
        model = ResponsiblePerson
        fields = ["name", "position", "phone", "user", "cycle_days", "since"]
        widgets = {"since": DateInput()}

    def __init__(self, *args: Any, enterprise_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(enterprise_id=enterprise_id, is_active=True)
        self.fields["cycle_days"].required = False
        self.fields["since"].required = False

    def _post_clean(self) -> None:
        pass


class CheckForm(forms.Form):
    checked_on = forms.DateField(label=_("检查日期"), widget=DateInput(), initial=timezone.localdate)
    result = forms.ChoiceField(label=_("检查结果"), choices=CheckResult.choices)
    findings = forms.CharField(label=_("检查情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label=_("处理措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EvaluationForm(forms.ModelForm):
    stated_grade = forms.TypedChoiceField(
        label=_("报告确定的级别"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(v, label) for v, label in Grade.choices()]],
    )

    class Meta:
        model = EvaluationReport
        fields = ["report_no", "agency", "evaluated_on", "stated_grade", "conclusion"]
        widgets = {"evaluated_on": DateInput(), "conclusion": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self) -> None:
        pass


class RegistrationForm(forms.Form):
    note = forms.CharField(label=_("意见或原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    registration_no = forms.CharField(label=_("备案编号（留空自动生成）"), required=False, max_length=64)
