"""Forms of the hidden-danger pages: one per step, each handing its cleaned data to the step's service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import Role
from ansheng.core.models import User
from ansheng.dangers import conf
from ansheng.dangers.choices import Grade, Source
from ansheng.dangers.models import item_label, today_shanghai
from ansheng.domain.hidden_dangers import PLAN_ITEMS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoField(forms.FileField):
    """Several photos; their content is checked by the service (ansheng.dangers.photos), not here."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [item for item in data if item]
        return [data] if data else []


class DateInput(forms.DateInput):
    input_type = "date"


class ReportForm(forms.Form):
    enterprise = forms.ChoiceField(label=_("企业"), required=False)
    photos = PhotoField(label=_("拍照"), required=False)
    description = forms.CharField(label=_("隐患描述"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    location = forms.CharField(label=_("隐患部位"), required=False, max_length=200)
    title = forms.CharField(label=_("隐患名称（可不填，取描述第一行）"), required=False, max_length=200)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices, initial=Source.SNAPSHOT)
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)
    fixed = forms.BooleanField(label=_("已当场整改（一般隐患立即整改销号）"), required=False)
    after_photos = PhotoField(label=_("整改后照片"), required=False)
    fixed_note = forms.CharField(label=_("整改情况"), required=False, max_length=2000)

    def __init__(self, *args: Any, user: Any, enterprises: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.role in Role.ENTERPRISE:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].required = True
            self.fields["enterprise"].choices = [("", "—")] + [(e.pk, e.name) for e in enterprises or []]
            self.fields["source"].initial = Source.REGULATOR
            for name in ("fixed", "after_photos", "fixed_note"):
                del self.fields[name]


class GradeForm(forms.Form):
    grade = forms.ChoiceField(label=_("隐患级别"), choices=Grade.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("定级说明"), required=False, max_length=2000)
    # 16号令 第十四条: required for 重大 (the service says which is missing).
    cause = forms.CharField(
        label=_("隐患的现状及其产生原因（重大隐患必填）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    harm = forms.CharField(
        label=_("危害程度和整改难易程度分析（重大隐患必填）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    responsible = forms.ChoiceField(label=_("整改责任人"))
    deadline = forms.DateField(label=_("整改期限"), widget=DateInput)
    measures = forms.CharField(label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, danger: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(enterprise_id=danger.enterprise_id, role__in=Role.ENTERPRISE, is_active=True)
        self.fields["responsible"].choices = [("", "—")] + [
            (u.pk, f"{u.full_name or u.username}（{u.get_role_display()}）") for u in people.order_by("full_name")
        ]
        self.fields["deadline"].initial = today_shanghai() + dt.timedelta(days=conf.get("DANGERS_GENERAL_DAYS"))
        if danger.grade == Grade.MAJOR:
            # 16号令 第十五条: the governance plan; the service reports every missing part.
            for item in PLAN_ITEMS:
                self.fields[f"plan_{item.code}"] = forms.CharField(
                    label=item_label(item), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
                )

    def plan(self) -> dict[str, str]:
        return {item.code: self.cleaned_data.get(f"plan_{item.code}", "") for item in PLAN_ITEMS}


class SubmitForm(forms.Form):
    description = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    photos = PhotoField(label=_("整改后照片"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), required=False, max_length=2000)


class EvaluationForm(forms.Form):
    agency = forms.CharField(label=_("评估单位"), required=False, max_length=200)
    conclusion = forms.CharField(label=_("评估结论"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审核结论"),
        choices=[("1", _("同意销号")), ("0", _("不予销号"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("审核意见"), required=False, max_length=2000)


class SupervisionForm(forms.Form):
    due = forms.DateField(label=_("督办期限"), widget=DateInput)
    note = forms.CharField(label=_("督办要求"), required=False, max_length=2000)


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label=_("申请延期至"), widget=DateInput)
    reason = forms.CharField(label=_("延期理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(ReviewForm):
    approve = forms.TypedChoiceField(
        label=_("答复"),
        choices=[("1", _("准予延期")), ("0", _("不予延期"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
