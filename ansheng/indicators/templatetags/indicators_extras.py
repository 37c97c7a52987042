"""Template filters for the indicator pages and reports."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def pct(value: Any, places: int = 1) -> str:
    """A relative change as a signed percentage: -0.483 → −48.3%."""
    if value is None or value == "":
        return "—"
    number = float(value) * 100
    text = f"{number:+.{int(places)}f}%"
    return text.replace("-", "−")


@register.filter
def num(value: Any, places: int = 0) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{int(places)}f}"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    if isinstance(mapping, dict):
        return mapping.get(key, mapping.get(str(key)))
    return None


@register.filter
def percent_bar(value: Any) -> int:
    """A progress fraction (1.0 = at target) as a bar width 0–100."""
    if value is None:
        return 0
    return max(0, min(100, round(float(value) * 100)))
