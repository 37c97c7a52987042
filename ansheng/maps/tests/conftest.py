"""Fixtures of the map tests: a colour provider standing in for the dual-prevention app, extra layers registered
as another app would, and a few risk sources in the test city."""

from __future__ import annotations

from typing import Any

import pytest

from ansheng.core import registry


@pytest.fixture
def colours(monkeypatch):
    """Install an enterprise colour provider; returns the dict to fill ({enterprise id: colour})."""
    table: dict[int, str] = {}
    _hide_sources(monkeypatch, "risk-distribution")  # the provider is the fallback when no source gives counts
    monkeypatch.setattr("ansheng.maps.layers.has_colour_provider", lambda: True)
    monkeypatch.setattr(registry, "enterprise_colours", lambda ids: {i: table[i] for i in ids if i in table})
    return table


@pytest.fixture
def extra_layers(monkeypatch):
    """Register layers as another app would (name → callable); returns the dict to fill."""
    layers: dict[str, Any] = {}
    original = registry.named

    def named(attr: str) -> dict[str, Any]:
        found = original(attr)
        if attr == "map_layers":
            found.update(layers)
        return found

    monkeypatch.setattr(registry, "named", named)
    return layers


@pytest.fixture
def extra_sources(monkeypatch):
    """Register dashboard sources as another app would (name → callable); returns the dict to fill."""
    sources: dict[str, Any] = {}
    original = registry.named

    def named(attr: str) -> dict[str, Any]:
        found = original(attr)
        if attr == "dashboard_sources":
            found.update(sources)
        return found

    monkeypatch.setattr(registry, "named", named)
    return sources


def square(lon: float, lat: float, half: float = 0.002) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - half, lat - half],
                [lon + half, lat - half],
                [lon + half, lat + half],
                [lon - half, lat + half],
                [lon - half, lat - half],
            ]
        ],
    }


@pytest.fixture
def sources(world):
    """A pipeline section in each county, a crowded place in A and a tailings pond (头顶库) in B."""
    from ansheng.maps.services import do_create_risk_source

    admin = world.users["city_admin"]
    a, b = world.regions["a"], world.regions["b"]
    created = {
        "pipe_a": do_create_risk_source(
            acting_user=admin,
            data={
                "name": "测试成品油管道（市中区段）",
                "kind": "pipeline",
                "level": "orange",
                "county": a,
                "group": "测试成品油管道",
                "attributes": {"medium": "product_oil", "diameter_mm": 508},
                "geometry": {"type": "LineString", "coordinates": [[103.75, 29.55], [103.77, 29.56]]},
            },
        ),
        "pipe_b": do_create_risk_source(
            acting_user=admin,
            data={
                "name": "测试成品油管道（五通桥区段）",
                "kind": "pipeline",
                "level": "yellow",
                "county": b,
                "group": "测试成品油管道",
                "attributes": {"medium": "product_oil"},
                "geometry": {"type": "LineString", "coordinates": [[103.81, 29.40], [103.83, 29.41]]},
            },
        ),
        "square_a": do_create_risk_source(
            acting_user=admin,
            data={
                "name": "测试古城文化街区",
                "kind": "crowded_place",
                "level": "red",
                "county": a,
                "attributes": {"place_type": "scenic_area", "peak_people": 30000},
                "geometry": square(103.762, 29.556),
            },
        ),
        "pond_b": do_create_risk_source(
            acting_user=admin,
            data={
                "name": "测试铅锌矿尾矿库",
                "kind": "tailings_pond",
                "level": "red",
                "county": b,
                "attributes": {"grade": "4", "downstream_distance_m": 600, "downstream_residents": 120},
                "geometry": square(103.815, 29.405),
            },
        ),
    }
    return created


def _hide_sources(monkeypatch: Any, *hidden: str) -> None:
    original = registry.named

    def named(attr: str) -> dict[str, Any]:
        found = original(attr)
        if attr == "dashboard_sources":
            for name in hidden:
                found.pop(name, None)
        return found

    monkeypatch.setattr(registry, "named", named)


@pytest.fixture
def without_grading(monkeypatch):
    """A build without the dual-prevention apps: no colour provider, no risk-distribution or major-dangers source."""
    _hide_sources(monkeypatch, "risk-distribution", "major-dangers")
    monkeypatch.setattr("ansheng.maps.layers.has_colour_provider", lambda: False)
