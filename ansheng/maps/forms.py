from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import scope_for, visible_regions
from ansheng.core.models import Organisation
from ansheng.enterprises.forms import DateInput
from ansheng.maps.attributes import ATTRIBUTES, CHOICE, INT, NUMBER, Attribute
from ansheng.maps.choices import HazardCategory, RiskSourceKind, Shape, Supervision
from ansheng.maps.geometry import CRS_CHOICES
from ansheng.maps.models import RiskSource, SourceHazard


class RiskSourceForm(forms.ModelForm):
    """Renders and collects the record's fields; the service validates and saves (the same rules as the API)."""

    enterprise = forms.CharField(
        label=_("对应登记企业"),
        required=False,
        max_length=32,
        help_text=_("填写统一社会信用代码（可空），如运营单位已在企业名录登记"),
    )

    class Meta:
        model = RiskSource
        fields = [
            "name",
            "kind",
            "level",
            "county",
            "status",
            "code",
            "group",
            "operator",
            "enterprise",
            "department",
            "contact_name",
            "contact_phone",
            "address",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = visible_regions(user)
        prefix = scope_for(user).region_prefix
        self.fields["department"].queryset = Organisation.objects.filter(
            kind__in=["bureau", "department"], region__code__startswith=prefix[:4]
        ).order_by("region_id", "kind", "name")
        self.fields["code"].required = False
        self.fields["code"].help_text = _("留空则自动编号")
        if self.instance.pk and self.instance.enterprise_id:
            self.initial["enterprise"] = self.instance.enterprise.credit_code

    def _post_clean(self) -> None:
        pass  # validation is the service's

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data.get("code") and self.instance.pk:
            data.pop("code", None)
        return data


class GeometryForm(forms.Form):
    """The drawn or pasted geometry: GeoJSON from the drawing tools, or pasted "经度,纬度" pairs with a shape."""

    geometry = forms.CharField(
        label=_("空间位置（GeoJSON）"), required=False, widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"})
    )
    crs = forms.ChoiceField(
        label=_("坐标系"),
        choices=[("wgs84", _("WGS84（GPS、天地图）")), ("gcj02", _("GCJ-02（高德地图）"))],
        initial="wgs84",
    )
    coordinates = forms.CharField(
        label=_("粘贴坐标"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "spellcheck": "false", "placeholder": "103.7613,29.5554\n103.7701,29.5602"}
        ),
        help_text=_("每行一个点，先经度后纬度；也可粘贴 GeoJSON。填写后优先于图上绘制的图形"),
    )
    shape = forms.ChoiceField(label=_("图形"), choices=Shape.choices(), initial=Shape.POINT, required=False)

    def clean_crs(self) -> str:
        value = self.cleaned_data.get("crs") or "wgs84"
        return value if value in CRS_CHOICES else "wgs84"


def _attribute_field(attribute: Attribute) -> forms.Field:
    label: Any = attribute.label
    if attribute.unit and attribute.type != CHOICE:
        label = gettext("%(name)s（%(unit)s）") % {"name": attribute.label, "unit": attribute.unit}
    if attribute.type == CHOICE:
        return forms.ChoiceField(
            label=label, required=False, choices=[("", "—"), *[(v, str(lbl)) for v, lbl in attribute.choices]]
        )
    if attribute.type in (INT, NUMBER):
        return forms.CharField(
            label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10})
        )
    return forms.CharField(label=label, required=False, max_length=attribute.max_length)


class AttributesForm(forms.Form):
    """The attributes of one kind (the page holds one such form per kind and shows the chosen kind's)."""

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, prefix=f"attr-{kind}", **kwargs)
        self.kind = kind
        self.kind_label = RiskSourceKind.label(kind)
        for attribute in ATTRIBUTES.get(kind, ()):
            field = _attribute_field(attribute)
            if attribute.required:
                field.label = f"{field.label} *"
            self.fields[attribute.name] = field

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {name: value for name, value in data.items() if value not in (None, "")}


def attribute_forms(data: Any, source: RiskSource | None) -> dict[str, AttributesForm]:
    forms_by_kind = {}
    for kind in RiskSourceKind.values():
        initial = source.attributes if source is not None and source.kind == kind else None
        forms_by_kind[kind] = AttributesForm(data, kind=kind, initial=initial)
    return forms_by_kind


class HazardForm(forms.ModelForm):
    class Meta:
        model = SourceHazard
        fields = [
            "category",
            "description",
            "location_text",
            "supervision",
            "found_on",
            "deadline",
            "longitude",
            "latitude",
        ]
        widgets = {
            "found_on": DateInput(),
            "deadline": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = HazardCategory.choices()
        self.fields["supervision"].choices = Supervision.choices()

    def _post_clean(self) -> None:
        pass


class RectifyForm(forms.Form):
    rectified_on = forms.DateField(label=_("销号日期"), widget=DateInput())
    note = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("重新打开的原因"), max_length=500)
