from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ansheng.core import access
from ansheng.core.choices import Role
from ansheng.core.models import Organisation, Region


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=64)
    role = forms.ChoiceField(label=_("角色"))
    region = forms.ModelChoiceField(label=_("辖区"), queryset=Region.objects.none(), required=False)
    organisation = forms.ModelChoiceField(label=_("所属机构"), queryset=Organisation.objects.none(), required=False)
    enterprise = forms.ModelChoiceField(label=_("所属企业"), queryset=None, required=False)
    phone = forms.CharField(label=_("手机"), max_length=32, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from ansheng.enterprises.models import Enterprise

        if user.role == Role.CITY_ADMIN or user.is_superuser:
            roles = [(value, label) for value, label in Role.choices()]
            self.fields["region"].queryset = Region.objects.exclude(level="township")
            self.fields["organisation"].queryset = Organisation.objects.exclude(kind="park")
        elif user.role == Role.COUNTY_SUPERVISOR:
            roles = [(value, label) for value, label in Role.choices() if value in Role.ENTERPRISE]
            del self.fields["region"], self.fields["organisation"]
        else:
            roles = [(Role.ENTERPRISE_STAFF, Role.label(Role.ENTERPRISE_STAFF))]
            del self.fields["region"], self.fields["organisation"]
        self.fields["role"].choices = roles
        self.fields["enterprise"].queryset = access.restrict(Enterprise.objects.order_by("name"), user)
        self.fields["enterprise"].help_text = _("企业用户必选")


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=64)
    phone = forms.CharField(label=_("手机"), max_length=32, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False)
