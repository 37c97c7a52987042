"""Filters of the enterprise list, shared by the page, the export and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import visible_regions
from ansheng.enterprises.choices import Category, Status
from ansheng.enterprises.models import Enterprise


def apply_filters(queryset: QuerySet[Enterprise], params: dict[str, Any]) -> QuerySet[Enterprise]:
    q = (params.get("q") or "").strip()
    if q:
        # Search the narrow index of (search_text, id) first and join back: a substring search scans, and scanning
        # the index is several times cheaper than scanning the table (PostgreSQL has a trigram index besides).
        matching = Enterprise.objects.filter(search_text__contains=q.lower()).values("pk")
        queryset = queryset.filter(pk__in=matching)
    county = params.get("county")
    if county:
        queryset = queryset.filter(county__code__startswith=str(county))
    if params.get("category"):
        queryset = queryset.filter(category=params["category"])
    if params.get("status"):
        queryset = queryset.filter(status=params["status"])
    if params.get("park"):
        queryset = queryset.filter(park_id=params["park"])
    if params.get("above_scale") in {True, "1", "true", "yes"}:
        queryset = queryset.filter(is_above_scale=True)
    if params.get("expiring") in {True, "1", "true", "yes"}:
        limit = timezone.localdate() + dt.timedelta(days=settings.EXPIRY_WARNING_DAYS)
        queryset = queryset.filter(
            Q(licences__expires_on__lte=limit) | Q(standardisation_expiry__lte=limit) | Q(insurance_end__lte=limit)
        ).distinct()
    return queryset


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("企业名称、曾用名或统一社会信用代码"), "type": "search"}),
    )
    county = forms.ChoiceField(label=_("区县"), required=False)
    category = forms.ChoiceField(label=_("监管类别"), required=False)
    status = forms.ChoiceField(label=_("经营状态"), required=False)
    above_scale = forms.BooleanField(label=_("仅规模以上"), required=False)
    expiring = forms.BooleanField(label=_("证照即将到期或已过期"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("全部区县"))] + [
            (region.code, region.name) for region in visible_regions(user)
        ]
        self.fields["category"].choices = [("", _("全部类别")), *Category.choices()]
        self.fields["status"].choices = [("", _("全部状态")), *Status.choices()]
