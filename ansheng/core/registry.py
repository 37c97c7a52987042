"""How an app plugs into the platform without editing shared files.

Each app's `AppConfig` subclasses `PlatformApp` and declares, by dotted path, what it contributes: URL and API
prefixes, navigation entries, home-page panels, background workers, demo-data loaders and `ansheng` subcommands.
The platform collects them from the installed apps in settings order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import AppConfig, apps


@dataclass(frozen=True)
class NavItem:
    """An entry in the main navigation; shown to the roles listed (all signed-in users when empty)."""

    label: Any  # a lazy translation
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100
    icon: str = ""


class PlatformApp(AppConfig):
    # Each app's own config sets `default = True`, so Django picks it and not this base class from apps.py.
    default = False
    default_auto_field = "django.db.models.BigAutoField"
    url_prefix: str | None = None  # pages at /<url_prefix>/, from <app>.urls
    api_prefix: str | None = None  # API at /api/v1/<api_prefix>, from <app>.api.router
    nav: tuple[NavItem, ...] = ()
    home_panels: tuple[str, ...] = ()  # dotted paths of callables (request) -> dict | None, rendered on home
    workers: tuple[str, ...] = ()  # dotted paths of core.workers.Worker instances
    demo_loaders: tuple[tuple[int, str], ...] = ()  # (order, dotted path of callable(ctx))
    cli_commands: str | None = None  # dotted path of a module with `register(subparsers)`
    job_handlers: tuple[tuple[str, str], ...] = ()  # (job kind, dotted path of handler(job, progress))
    # (layer name, dotted path of callable(user, LayerQuery) -> list of GeoJSON features in WGS84); see core.geo
    map_layers: tuple[tuple[str, str], ...] = ()
    # (source name, dotted path of callable(user, region_code | None) -> JSON-able dict) for the command dashboard
    dashboard_sources: tuple[tuple[str, str], ...] = ()
    # dotted path of callable(enterprise_ids) -> {id: "red" | "orange" | "yellow" | "blue"}: the enterprises'
    # current risk colour (the dual-prevention app provides it; the map and lists use it)
    enterprise_colours: str | None = None


def import_string(path: str) -> Any:
    module_name, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def platform_apps() -> Iterator[PlatformApp]:
    for config in apps.get_app_configs():
        if isinstance(config, PlatformApp):
            yield config


def nav_items() -> list[NavItem]:
    items = [item for app in platform_apps() for item in app.nav]
    return sorted(items, key=lambda item: item.order)


def collect(attr: str) -> list[Callable[..., Any]]:
    return [import_string(path) for app in platform_apps() for path in getattr(app, attr)]


def demo_loaders() -> list[tuple[int, str, Callable[..., Any]]]:
    loaders = [(order, path, import_string(path)) for app in platform_apps() for order, path in app.demo_loaders]
    return sorted(loaders, key=lambda item: item[0])


def named(attr: str) -> dict[str, Callable[..., Any]]:
    """Name → callable for the (name, path) pairs apps declare under `attr` (map_layers, dashboard_sources)."""
    return {name: import_string(path) for app in platform_apps() for name, path in getattr(app, attr)}


def enterprise_colours(enterprise_ids: list[int]) -> dict[int, str]:
    """Current risk colour of each enterprise, from the app that computes it (empty when none is installed)."""
    for app in platform_apps():
        if app.enterprise_colours:
            return dict(import_string(app.enterprise_colours)(enterprise_ids))
    return {}


def job_handler(kind: str) -> Callable[..., Any]:
    for app in platform_apps():
        for handler_kind, path in app.job_handlers:
            if handler_kind == kind:
                return import_string(path)
    raise LookupError(f"no handler for job kind {kind!r}")
