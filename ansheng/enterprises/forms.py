from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import scope_for, visible_regions
from ansheng.core.models import Organisation, Region
from ansheng.enterprises.access import editable_fields
from ansheng.enterprises.models import Enterprise, Licence
from ansheng.enterprises.services import ENTERPRISE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class EnterpriseForm(forms.ModelForm):
    """Renders the record and collects input; the service validates and saves (model full_clean)."""

    former_names = forms.CharField(
        label=_("曾用名"), required=False, help_text=_("多个时用分号分隔"), widget=forms.TextInput()
    )

    class Meta:
        model = Enterprise
        fields = [
            "credit_code",
            "name",
            "former_names",
            "county",
            "township",
            "park",
            "category",
            "status",
            "industry_code",
            "is_above_scale",
            "employees",
            "legal_representative",
            "principal_name",
            "principal_phone",
            "safety_manager_name",
            "safety_manager_phone",
            "registered_address",
            "operating_address",
            "longitude",
            "latitude",
            "standardisation_level",
            "standardisation_expiry",
            "insurer",
            "insurance_policy",
            "insurance_start",
            "insurance_end",
            "regulators",
        ]
        widgets = {
            "standardisation_expiry": DateInput(),
            "insurance_start": DateInput(),
            "insurance_end": DateInput(),
            "regulators": forms.CheckboxSelectMultiple(),
            "credit_code": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18, "spellcheck": "false"}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        regions = visible_regions(user)
        self.fields["county"].queryset = regions
        prefix = scope_for(user).region_prefix
        self.fields["township"].queryset = Region.objects.filter(level="township", code__startswith=prefix)
        self.fields["park"].queryset = Organisation.objects.filter(kind="park", region__code__startswith=prefix[:4])
        self.fields["regulators"].queryset = Organisation.objects.filter(
            kind__in=["bureau", "department"], region__code__startswith=prefix[:4]
        ).order_by("region_id", "kind", "name")
        if self.instance.pk:
            self.initial["former_names"] = "；".join(self.instance.former_names or [])
        allowed = editable_fields(user, set(ENTERPRISE_FIELDS))
        for name, field in self.fields.items():
            if name not in allowed:
                field.disabled = True
                field.help_text = _("由监管部门维护")

    def clean_former_names(self) -> list[str]:
        text = self.cleaned_data.get("former_names") or ""
        return [part.strip() for part in text.replace("；", ";").split(";") if part.strip()]

    def _post_clean(self) -> None:
        # Validation is the service's (the model's full_clean), the same for pages, API and import.
        pass

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if not self.fields[name].disabled}


class LicenceForm(forms.ModelForm):
    class Meta:
        model = Licence
        fields = ["kind", "number", "issued_by", "issued_on", "expires_on", "scope"]
        widgets = {"issued_on": DateInput(), "expires_on": DateInput()}

    def _post_clean(self) -> None:
        pass


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
    update_existing = forms.BooleanField(label=_("统一社会信用代码已存在时更新该企业"), required=False, initial=False)
