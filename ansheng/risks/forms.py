"""Page forms of the risks app: they render and collect input; the services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ansheng.core.models import User
from ansheng.domain.accident_types import basic_types
from ansheng.domain.risk import factor_values
from ansheng.enterprises.forms import DateInput
from ansheng.risks.choices import Cycle, Method, Stage
from ansheng.risks.models import AnalysisUnit, ControlMeasure, InspectionTask, Post, RiskEvent, RiskObject


class _ServiceForm(forms.ModelForm):
    def _post_clean(self) -> None:  # the service runs the model's validation
        pass


class ObjectForm(_ServiceForm):
    class Meta:
        model = RiskObject
        fields = [
            "kind",
            "code",
            "name",
            "location",
            "department",
            "responsible_name",
            "responsible_phone",
            "longitude",
            "latitude",
            "emergency_actions",
            "is_active",
        ]
        widgets = {"emergency_actions": forms.Textarea(attrs={"rows": 3})}


class UnitForm(_ServiceForm):
    class Meta:
        model = AnalysisUnit
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


def accident_type_choices() -> list[tuple[str, str]]:
    return [(f"WSA1{t.code}", f"{t.zh}（WSA1{t.code}）") for t in basic_types()]


class EventForm(_ServiceForm):
    accident_type = forms.ChoiceField(label=_("事故类型（GB 6441-2025）"))
    hazard_factors = forms.CharField(
        label=_("危险和有害因素代码（GB/T 13861-2022）"),
        required=False,
        help_text=_("多个代码用逗号或空格分隔，如 21, 2101"),
    )

    class Meta:
        model = RiskEvent
        fields = ["description", "accident_type", "hazard_factors", "consequence"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accident_type"].choices = accident_type_choices()
        if self.instance.pk:
            self.initial["hazard_factors"] = ", ".join(self.instance.hazard_factors or [])

    def clean_hazard_factors(self) -> list[str]:
        raw = self.cleaned_data.get("hazard_factors") or ""
        return [part for part in raw.replace("，", ",").replace(",", " ").split() if part]


class AssessForm(forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=Stage.choices)
    method = forms.ChoiceField(label=_("评价方法"), choices=Method.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for method in Method.values():
            for name, values in factor_values(method).items():
                self.fields[f"{method}_{name}"] = forms.ChoiceField(
                    label=f"{method} {name}",
                    required=False,
                    choices=[("", "—"), *[(str(v if v.denominator != 1 else v.numerator), _show(v)) for v in values]],
                )

    def factors(self) -> dict[str, str]:
        method = self.cleaned_data["method"]
        return {
            name: self.cleaned_data.get(f"{method}_{name}") or ""
            for name in factor_values(method)
            if self.cleaned_data.get(f"{method}_{name}")
        }


def _show(value: Any) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))


class MeasureForm(_ServiceForm):
    class Meta:
        model = ControlMeasure
        fields = ["kind", "description", "responsible_name", "control_level"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class TaskForm(forms.Form):
    name = forms.CharField(label=_("任务名称"), max_length=128)
    measure = forms.ModelChoiceField(label=_("对应管控措施"), queryset=ControlMeasure.objects.none(), required=False)
    method = forms.CharField(label=_("排查方式"), max_length=200, required=False)
    checklist = forms.CharField(
        label=_("检查项（每行一项）"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_("如：压力表读数在正常范围")
    )
    cycle = forms.ChoiceField(label=_("排查周期"), choices=Cycle.choices)
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("结束日期"), widget=DateInput(), required=False, help_text=_("季节性、节假日、专项排查必填")
    )
    assignees = forms.ModelMultipleChoiceField(
        label=_("执行人"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, risk_object: RiskObject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = ControlMeasure.objects.filter(event__unit__risk_object=risk_object)
        self.fields["assignees"].queryset = User.objects.filter(enterprise_id=risk_object.enterprise_id, is_active=True)

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["checklist"] = [line.strip() for line in data["checklist"].splitlines() if line.strip()]
        data["assignees"] = [user.pk for user in data["assignees"]]
        data["measure"] = data["measure"].pk if data["measure"] else None
        return data


class PostForm(_ServiceForm):
    risk_objects = forms.ModelMultipleChoiceField(
        label=_("涉及风险点"), queryset=RiskObject.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Post
        fields = ["name", "duties", "risk_objects"]
        widgets = {"duties": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, enterprise_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["risk_objects"].queryset = RiskObject.objects.filter(enterprise_id=enterprise_id, is_active=True)


def post_form(data: Any = None, *, enterprise_id: int, instance: Post | None = None) -> PostForm:
    """The post form; on edit it also offers the (possibly inactive) risk points the post already names."""
    form = PostForm(data, enterprise_id=enterprise_id, instance=instance)
    if instance is not None and instance.pk:
        form.fields["risk_objects"].queryset = RiskObject.objects.filter(enterprise_id=enterprise_id).filter(
            Q(is_active=True) | Q(pk__in=instance.risk_objects.values("pk"))
        )
    return form


def task_initial(task: InspectionTask) -> dict[str, Any]:
    """The task form's values for an existing task (the checklist one item a line)."""
    return {
        "name": task.name,
        "measure": task.measure_id,
        "method": task.method,
        "checklist": "\n".join(task.checklist or []),
        "cycle": task.cycle,
        "starts_on": task.starts_on,
        "ends_on": task.ends_on,
        "assignees": list(task.assignees.values_list("pk", flat=True)),
    }


class TaskFilterForm(forms.Form):
    """Filters of the inspection-task list: cycle, active, assignee (the assignee list only within one enterprise)."""

    cycle = forms.ChoiceField(label=_("排查周期"), required=False)
    active = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))]
    )
    assignee = forms.ModelChoiceField(label=_("执行人"), queryset=User.objects.none(), required=False)
    enterprise = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, enterprise_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [("", _("全部周期")), *Cycle.choices()]
        if enterprise_id:
            self.fields["assignee"].queryset = User.objects.filter(enterprise_id=enterprise_id).order_by("username")
            self.fields["assignee"].empty_label = _("全部执行人")
        else:
            del self.fields["assignee"]
