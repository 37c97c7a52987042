from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from ansheng.core.registry import nav_items


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = []
    unread = 0
    if user is not None and user.is_authenticated:
        for item in nav_items():
            if item.roles and user.role not in item.roles and not user.is_superuser:
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append(
                {
                    "label": item.label,
                    "url": url,
                    "active": request.path == url or (url != "/" and request.path.startswith(url)),
                }
            )
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {
        "nav": items,
        "unread_notifications": unread,
        "platform_mode": settings.MODE,
        "city_code": settings.CITY_CODE,
    }
