"""`{{ value|datatr }}`: a Chinese name that comes from data shipped with the platform, in the active language.

For names of the rules library's tables and the shipped indicator files (listed for the catalogue in
ansheng/core/data_strings.py, see docs/translations.md). A value the catalogue does not know (a user's entry, a
city's own plan) is shown as it is."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language, gettext

register = template.Library()


@register.filter
def datatr(value: Any) -> Any:
    if isinstance(value, str) and value:
        return gettext(value)
    return value


@register.filter
def local(value: Any) -> Any:
    """`{{ record|local }}`: the active language's text of a record that carries both (``zh``/``en`` attributes or
    keys, as the rules library's records and errors do)."""
    english = (get_language() or "").startswith("en")
    key = "en" if english else "zh"
    if isinstance(value, dict):
        return value.get(key) or value.get("zh", "")
    return getattr(value, key, None) or getattr(value, "zh", value)
