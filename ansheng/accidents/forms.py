"""Forms of the accident pages. They collect and render input; the services validate and save, so pages, API and
imports share one set of rules (a service error is put back on the form by ``ansheng.core.errors.put_on_form``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from ansheng.accidents.choices import Handling, Nature, PartyKind, Sector
from ansheng.accidents.models.accidents import accident_type_name, type_1986_choices
from ansheng.core.access import visible_regions
from ansheng.domain.accident_types import basic_types
from ansheng.enterprises.choices import Category

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def moment(label: Any, required: bool = True, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, widget=DateTimeInput(), input_formats=DATETIME_FORMATS, help_text=help_text
    )


def people(label: Any, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, min_value=0, max_value=100_000, initial=0)


def type_2025_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(f"WSA1{t.code}", f"WSA1{t.code} {accident_type_name(t)}") for t in basic_types()]


class ReportForm(forms.Form):
    """The first report: the contents of 493号令 第十二条. Enterprise users report their own accident; a bureau
    names the county and, when it knows it, the registered enterprise."""

    enterprise_code = forms.CharField(
        label=_("事故发生单位统一社会信用代码"),
        required=False,
        max_length=18,
        help_text=_("已在平台登记的企业，填写后自动带出单位信息"),
    )
    unit_name = forms.CharField(label=_("事故发生单位"), required=False, max_length=128)
    unit_overview = forms.CharField(label=_("单位概况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    county = forms.ChoiceField(label=_("所在区县"), required=False)
    occurred_at = moment(_("事故发生时间"))
    learned_at = moment(_("单位负责人接报时间"), help_text=_("1 小时报告时限从此时起算（493号令 第九条）"))
    bureau_learned_at = moment(_("我局获知时间"), required=False, help_text=_("不填为现在"))
    place = forms.CharField(label=_("发生地点"), max_length=200)
    scene = forms.CharField(label=_("现场情况"), widget=forms.Textarea(attrs={"rows": 3}))
    course = forms.CharField(label=_("事故简要经过"), widget=forms.Textarea(attrs={"rows": 3}))
    measures_taken = forms.CharField(label=_("已采取的措施"), widget=forms.Textarea(attrs={"rows": 2}))
    other_info = forms.CharField(
        label=_("其他应当报告的情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deaths = people(_("死亡人数"))
    missing = people(_("失踪人数"))
    serious_injuries = people(_("重伤人数（含急性工业中毒）"))
    poisonings = people(_("其中急性工业中毒"))
    minor_injuries = people(_("轻伤人数"))
    direct_loss = forms.DecimalField(
        label=_("直接经济损失估算（万元）"), required=False, min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    sector = forms.ChoiceField(
        label=_("统计行业领域"), required=False, help_text=_("道路交通、火灾事故伤亡统计期为 7 日，其他 30 日")
    )
    type_1986 = forms.TypedChoiceField(
        label=_("事故类别（GB 6441-1986）"), required=False, coerce=int, empty_value=None
    )
    type_2025 = forms.ChoiceField(label=_("事故类型（GB 6441-2025）"), required=False)
    industry_code = forms.CharField(label=_("国民经济行业代码（GB/T 4754）"), required=False, max_length=8)
    people_at_risk = people(_("涉险人数"))
    trapped = people(_("被困人数"))
    evacuated = people(_("紧急疏散人数"))
    serious_pollution = forms.BooleanField(label=_("造成严重环境污染"), required=False)
    important_facilities = forms.BooleanField(label=_("危及重要场所和设施安全"), required=False)
    other_large_risk = forms.BooleanField(label=_("其他较大涉险情形"), required=False)
    socially_significant = forms.BooleanField(label=_("社会影响重大"), required=False)
    reporter_name = forms.CharField(label=_("报告人"), required=False, max_length=64)
    reporter_phone = forms.CharField(label=_("联系电话"), required=False, max_length=32)

    ENTERPRISE_HIDDEN = ("enterprise_code", "unit_name", "county", "bureau_learned_at")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.is_enterprise = bool(getattr(user, "enterprise_id", None))
        self.fields["county"].choices = [("", "—")] + [(r.code, r.name) for r in visible_regions(user)]
        self.fields["sector"].choices = [("", _("按单位监管类别"))] + [(v, str(lbl)) for v, lbl in Sector.choices()]
        self.fields["type_1986"].choices = [("", "—")] + [(n, f"{n} {name}") for n, name in type_1986_choices()]
        self.fields["type_2025"].choices = type_2025_choices()
        if self.is_enterprise:
            for name in self.ENTERPRISE_HIDDEN:
                del self.fields[name]

    def service_data(self) -> dict[str, Any]:
        from ansheng.enterprises.models import Enterprise

        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        for flag in ("serious_pollution", "important_facilities", "other_large_risk", "socially_significant"):
            data[flag] = bool(self.cleaned_data.get(flag))
        code = (data.pop("enterprise_code", "") or "").strip().upper()
        if code:
            enterprise = Enterprise.objects.filter(credit_code=code).first()
            data["enterprise"] = enterprise.pk if enterprise else -1
        return data


class FiguresForm(forms.Form):
    deaths = people(_("死亡人数"), True)
    missing = people(_("失踪人数"), True)
    serious_injuries = people(_("重伤人数（含急性工业中毒）"), True)
    poisonings = people(_("其中急性工业中毒"), True)
    minor_injuries = people(_("轻伤人数"), True)
    direct_loss = forms.DecimalField(label=_("直接经济损失估算（万元）"), min_value=0, max_digits=14, decimal_places=2)
    reason = forms.CharField(label=_("变更原因"), max_length=300, help_text=_("如：1 名重伤人员经抢救无效死亡"))


class FollowUpForm(forms.Form):
    text = forms.CharField(label=_("续报内容"), widget=forms.Textarea(attrs={"rows": 4}))
    at = moment(_("续报时间"), required=False, help_text=_("不填为现在"))
    deaths = people(_("死亡人数"))
    missing = people(_("失踪人数"))
    serious_injuries = people(_("重伤人数（含急性工业中毒）"))
    poisonings = people(_("其中急性工业中毒"))
    minor_injuries = people(_("轻伤人数"))
    direct_loss = forms.DecimalField(
        label=_("直接经济损失估算（万元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )

    FIGURES = ("deaths", "missing", "serious_injuries", "poisonings", "minor_injuries", "direct_loss")

    def figures(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIGURES if self.cleaned_data.get(name) is not None}


class StepForm(forms.Form):
    done_at = moment(_("上报时间"), required=False, help_text=_("不填为现在"))
    recipient_contact = forms.CharField(label=_("接报人 / 受理编号"), required=False, max_length=100)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class VerifyForm(forms.Form):
    sector = forms.ChoiceField(label=_("统计行业领域"))
    category = forms.ChoiceField(label=_("监管类别"))
    type_1986 = forms.TypedChoiceField(
        label=_("事故类别（GB 6441-1986）"), required=False, coerce=int, empty_value=None
    )
    type_2025 = forms.ChoiceField(label=_("事故类型（GB 6441-2025）"), required=False)
    industry_code = forms.CharField(label=_("国民经济行业代码"), required=False, max_length=8)
    socially_significant = forms.BooleanField(label=_("社会影响重大"), required=False)
    note = forms.CharField(label=_("核实意见"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = Sector.choices()
        self.fields["category"].choices = Category.choices()
        self.fields["type_1986"].choices = [("", "—")] + [(n, f"{n} {name}") for n, name in type_1986_choices()]
        self.fields["type_2025"].choices = type_2025_choices()

    def changes(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "note"}
        data["type_2025"] = data.get("type_2025") or ""
        data["industry_code"] = data.get("industry_code") or ""
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("情况说明"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    at = moment(_("时间"), required=False, help_text=_("不填为现在"))


class OpenInvestigationForm(forms.Form):
    led_by = forms.CharField(label=_("组织调查的人民政府或授权部门"), max_length=128)
    team_leader = forms.CharField(label=_("调查组组长"), required=False, max_length=64)
    opened_at = moment(_("成立时间"), required=False, help_text=_("不填为现在"))
    delegated_to_enterprise = forms.BooleanField(
        label=_("委托事故发生单位组织调查"), required=False, help_text=_("仅限未造成人员伤亡的一般事故")
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("延期理由"), max_length=200)


class AppraisalForm(forms.Form):
    days = forms.IntegerField(label=_("技术鉴定天数（累计）"), min_value=0, max_value=3650)
    note = forms.CharField(label=_("鉴定事项"), required=False, max_length=300)


class InvestigationReportForm(forms.Form):
    cause = forms.CharField(label=_("事故原因"), widget=forms.Textarea(attrs={"rows": 3}))
    nature = forms.ChoiceField(label=_("事故性质"), choices=Nature.choices)
    summary = forms.CharField(label=_("调查报告摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.CharField(label=_("调查报告文号"), required=False, max_length=100)
    submitted_at = moment(_("提交时间"), required=False, help_text=_("不填为现在"))
    confirmed_direct_loss = forms.DecimalField(
        label=_("核定直接经济损失（万元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )


class ResponsibilityForm(forms.Form):
    party = forms.CharField(label=_("责任单位或人员"), required=False, max_length=128)
    party_kind = forms.ChoiceField(label=_("类别"), choices=PartyKind.choices, required=False)
    position = forms.CharField(label=_("职务"), required=False, max_length=64)
    finding = forms.CharField(label=_("责任认定"), required=False, max_length=500)
    handling = forms.ChoiceField(label=_("处理建议"), choices=[("", "—"), *Handling.choices()], required=False)


class MeasureForm(forms.Form):
    description = forms.CharField(label=_("整改措施"), required=False, max_length=500)
    responsible = forms.CharField(label=_("责任单位"), required=False, max_length=128)
    due_on = forms.DateField(label=_("完成期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


ResponsibilityFormSet = formset_factory(ResponsibilityForm, extra=3)
MeasureFormSet = formset_factory(MeasureForm, extra=3)


class ApproveForm(forms.Form):
    document = forms.CharField(label=_("批复文号"), max_length=100)
    authority = forms.CharField(label=_("批复机关"), required=False, max_length=128)
    approved_at = moment(_("批复时间"), required=False, help_text=_("不填为现在"))


def rows(formset: Any, required: tuple[str, ...]) -> list[dict[str, Any]]:
    """The filled rows of a formset (blank rows are skipped; half-filled ones go to the service to be refused)."""
    result = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {}) or {}
        if any(data.get(name) for name in required):
            result.append({k: v for k, v in data.items() if v not in (None, "")})
    return result
