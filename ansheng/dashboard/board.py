"""Composing the command dashboard: which source fills which slot, calling each source safely, and the region.

Each slot names the source it expects (the names the other apps register) and where it sits on the screen. A
source that is not installed leaves a "未接入" placeholder; one that raises or breaks the panel protocol shows an
error panel; any further sources an app registers are shown after the known ones.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ansheng.core import access, registry
from ansheng.core.errors import AnshengError, NotFound
from ansheng.core.models import Region
from ansheng.dashboard.panels import PanelError, failed, missing, validate

logger = logging.getLogger("ansheng.dashboard")

# (source name, title of its placeholder, screen area): left and right columns, and the row under the map.
SLOTS: list[tuple[str, Any, str]] = [
    ("risk-distribution", gettext_lazy("风险分布（四色）"), "left"),
    ("registry", gettext_lazy("企业分布"), "left"),
    ("online-rates", gettext_lazy("在线监测联网率"), "left"),
    ("accidents", gettext_lazy("事故：今年与去年同期"), "bottom"),
    ("indicators", gettext_lazy("规划指标"), "bottom"),
    ("alarms", gettext_lazy("实时报警与预警"), "right"),
    ("major-dangers", gettext_lazy("重大隐患挂牌督办"), "right"),
    ("risk-sources", gettext_lazy("其他风险源"), "right"),
]


def resolve_region(user: Any, code: str | None) -> Region | None:
    """The county a dashboard is for (None: the user's whole jurisdiction); a county outside it is NotFound."""
    if not code:
        return None
    region = access.visible_regions(user).filter(code=code).first()
    if region is None:
        raise NotFound()
    return region


def slots() -> list[tuple[str, str, str]]:
    known = {name for name, _title, _area in SLOTS}
    extra = sorted(name for name in registry.named("dashboard_sources") if name not in known)
    return [(name, str(title), area) for name, title, area in SLOTS] + [(name, name, "bottom") for name in extra]


def call_source(name: str, title: str, user: Any, region_code: str | None) -> dict[str, Any]:
    source = registry.named("dashboard_sources").get(name)
    if source is None:
        return missing(name, title)
    try:
        raw = source(user, region_code)
    except AnshengError as exc:
        return failed(name, title, str(exc.message))
    except Exception as exc:
        logger.exception("dashboard source %s failed", name)
        return failed(name, title, _("数据源出错（%(error)s），其他面板不受影响") % {"error": type(exc).__name__})
    try:
        panel = validate(raw)
    except PanelError as exc:
        logger.warning("dashboard source %s broke the panel protocol: %s", name, exc)
        return failed(
            name, title, _("数据不符合面板协议：%(where)s %(what)s") % {"where": exc.path, "what": exc.message}
        )
    panel.pop("by_region", None)  # for the map, not drawn in the panel
    panel["source"] = name
    return panel


def build(user: Any, region: Region | None) -> dict[str, Any]:
    """Every panel of a dashboard, within the user's jurisdiction (and the region, when one is given)."""
    code = region.code if region is not None else None
    panels = []
    for name, title, area in slots():
        started = time.perf_counter()
        panel = call_source(name, title, user, code)
        panel["area"] = area
        panel["ms"] = round((time.perf_counter() - started) * 1000, 1)
        panels.append(panel)
    scope = access.scope_for(user)
    if region is not None:
        name = region.name
    elif scope.kind == access.REGION and len(scope.region_prefix) >= 6:
        name = Region.objects.filter(code=scope.region_prefix[:6]).values_list("name", flat=True).first() or ""
    else:
        name = Region.objects.filter(code=settings.CITY_CODE).values_list("name", flat=True).first() or ""
    return {
        "region": {"code": code, "name": name},
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "refresh_seconds": settings.DASHBOARD_REFRESH_SECONDS,
        "panels": panels,
    }
