from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ansheng.core import access
from ansheng.core.choices import Role
from ansheng.core.models import Region
from ansheng.dashboard.board import build, resolve_region
from ansheng.maps.views import map_config


def _screen(request: HttpRequest, region: Region | None) -> HttpResponse:
    data = build(request.user, region)
    config = map_config(request, compact=True, county=region.code if region else None)
    # the dashboard's map: the outlines, the four colours, the live and the major items; nothing to switch
    wanted = {"counties", "enterprises", "alarms", "hidden-dangers", "risk-sources", "hazard-sources"}
    config["layers"] = [dict(layer, on=True) for layer in config["layers"] if layer["name"] in wanted]
    counties = list(access.visible_regions(request.user).values("code", "name"))
    return render(
        request,
        "dashboard/screen.html",
        {
            "data": data,
            "config": config,
            "region": region,
            "counties": counties if len(counties) > 1 else [],
            "api": reverse("api:panels"),
            "county_link": reverse("dashboard:county", args=["__code__"]),
            "time_zone": settings.TIME_ZONE,
            "city_name": Region.objects.filter(code=settings.CITY_CODE).values_list("name", flat=True).first() or "",
        },
    )


@login_required
def city(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "view", "dashboard")
    user: Any = request.user
    if user.role == Role.COUNTY_SUPERVISOR and user.region_id:
        return redirect("dashboard:county", code=user.region_id)
    return _screen(request, None)


@login_required
def county(request: HttpRequest, code: str) -> HttpResponse:
    access.require(request.user, "view", "dashboard")
    return _screen(request, resolve_region(request.user, code))
