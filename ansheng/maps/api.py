import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ConfigDict, Field

from ansheng.core import access
from ansheng.core.api import ErrorOut
from ansheng.maps import features, services
from ansheng.maps.filtersets import apply_filters
from ansheng.maps.geometry import to_crs
from ansheng.maps.models import RiskSource, SourceHazard

router = Router(tags=["map"])


class LayerParams(Schema):
    """Filters of a layer. Each layer applies those that mean something for it (docs/map.md)."""

    bbox: str | None = Field(
        None, max_length=200, description="min lon,min lat,max lon,max lat, in the system named by crs"
    )
    county: str | None = Field(None, max_length=12, description="county code (or a prefix of it)")
    category: str | None = Field(None, max_length=32, description="the layer's category (enterprise category, kind)")
    colour: str | None = Field(None, max_length=16, description="red / orange / yellow / blue")
    grade: str | None = Field(None, max_length=32)
    date_from: str | None = Field(None, max_length=10, description="YYYY-MM-DD")
    date_to: str | None = Field(None, max_length=10, description="YYYY-MM-DD")
    zoom: str | None = Field(None, max_length=4, description="map zoom 0–22; enterprises cluster below 12")
    q: str | None = Field(None, max_length=100, description="name or code contains")
    limit: str | None = Field(None, max_length=6, description="at most this many features (1–100000)")
    crs: str | None = Field(None, max_length=8, description="wgs84 (default) or gcj02 (for a GCJ-02 base map)")


class LayerInfo(Schema):
    name: str
    label: str
    url: str


@router.get("/layers", response=list[LayerInfo], summary="The map layers installed")
def list_layers(request: HttpRequest) -> list[dict[str, str]]:
    access.require(request.user, "view", "map")
    return [
        {"name": name, "label": features.layer_label(name), "url": f"/api/v1/map/layers/{name}"}
        for name in features.layer_names()
    ]


@router.get(
    "/layers/{layer}",
    response={200: dict[str, Any], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    summary="One layer as a GeoJSON FeatureCollection, restricted to the caller's jurisdiction",
)
def get_layer(request: HttpRequest, layer: str, params: Query[LayerParams]) -> JsonResponse:
    access.require(request.user, "view", "map")
    query, crs = features.parse_query(params.dict(exclude_none=True))
    body = features.collection(request.user, layer, query, crs)
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


class SearchHit(Schema):
    layer: str
    layer_label: str
    id: Any
    name: str
    code: str
    county: str | None
    county_name: str
    colour: str | None
    url: str
    bbox: list[float]
    point: list[float]


class SearchParams(Schema):
    q: str = Field(..., max_length=100, description="name or code (at least 2 characters)")
    crs: Literal["wgs84", "gcj02"] = "wgs84"


@router.get("/search", response={200: list[SearchHit], 403: ErrorOut, 422: ErrorOut}, summary="Find a record to fly to")
def search(request: HttpRequest, params: Query[SearchParams]) -> list[dict[str, Any]]:
    return features.search(request.user, params.q, crs=params.crs)


class GeometryCheckIn(Schema):
    model_config = ConfigDict(extra="forbid")

    geometry: dict[str, Any] | None = Field(None, description="a GeoJSON geometry or Feature")
    text: str | None = Field(None, max_length=400_000, description="pasted coordinates, one 经度,纬度 pair a line")
    shape: Literal["point", "line", "area"] = "point"
    crs: Literal["wgs84", "gcj02"] = "wgs84"
    out_crs: Literal["wgs84", "gcj02"] = "wgs84"


class GeometryCheckOut(Schema):
    geometry: dict[str, Any]
    shape: str
    length_m: float | None
    area_m2: float | None
    points: int


@router.post(
    "/geometry/check",
    response={200: GeometryCheckOut, 403: ErrorOut, 422: ErrorOut},
    summary="Validate a geometry (GeoJSON or pasted coordinates) and return it in the base map's system",
)
def check_geometry(request: HttpRequest, payload: GeometryCheckIn) -> dict[str, Any]:
    from ansheng.maps import geometry as geo

    access.require(request.user, "view", "map")
    raw: Any = geo.from_text(payload.text, payload.shape) if payload.text else payload.geometry
    checked = geo.validate(raw, crs=payload.crs)
    derived = geo.derive(checked)
    return {
        "geometry": to_crs(checked, payload.out_crs),
        "shape": derived.shape,
        "length_m": derived.length_m,
        "area_m2": derived.area_m2,
        "points": sum(1 for _position in geo.positions(checked)),
    }


# --- risk sources ------------------------------------------------------------------------------------------------


class HazardOut(Schema):
    id: int
    category: str
    description: str
    location_text: str
    longitude: float | None
    latitude: float | None
    supervision: str
    found_on: dt.date
    deadline: dt.date | None
    status: str
    overdue: bool
    rectified_on: dt.date | None
    rectification_note: str


class RiskSourceItem(Schema):
    id: int
    code: str
    name: str
    kind: str
    level: str
    status: str
    county: str
    county_name: str
    group: str
    shape: str
    longitude: float
    latitude: float
    length_m: float | None
    area_m2: float | None

    @staticmethod
    def resolve_county(obj: RiskSource) -> str:
        return obj.county_id

    @staticmethod
    def resolve_county_name(obj: RiskSource) -> str:
        return obj.county.name


class RiskSourceDetail(RiskSourceItem):
    operator: str
    enterprise: int | None
    department: int | None
    contact_name: str
    contact_phone: str
    address: str
    description: str
    attributes: dict[str, Any]
    geometry: dict[str, Any]
    overhead_pond: bool
    hazards: list[HazardOut]
    updated_at: dt.datetime

    @staticmethod
    def resolve_enterprise(obj: RiskSource) -> int | None:
        return obj.enterprise_id

    @staticmethod
    def resolve_department(obj: RiskSource) -> int | None:
        return obj.department_id

    @staticmethod
    def resolve_overhead_pond(obj: RiskSource) -> bool:
        return obj.is_overhead_pond

    @staticmethod
    def resolve_hazards(obj: RiskSource) -> list[SourceHazard]:
        return list(obj.hazards.all())


class RiskSourceFields(Schema):
    """Fields of a risk source; on PATCH only those sent change. `geometry` is a GeoJSON geometry (or Feature) in
    the coordinate system named by `crs`."""

    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(None, max_length=32)
    name: str | None = Field(None, max_length=128)
    kind: str | None = Field(None, max_length=32)
    level: str | None = Field(None, max_length=8, description="red / orange / yellow / blue")
    status: str | None = Field(None, max_length=16)
    county: str | None = Field(None, max_length=12)
    group: str | None = Field(None, max_length=64)
    operator: str | None = Field(None, max_length=128)
    enterprise: str | None = Field(None, max_length=32, description="enterprise id or 统一社会信用代码")
    department: str | None = Field(None, max_length=64, description="organisation id or code")
    contact_name: str | None = Field(None, max_length=64)
    contact_phone: str | None = Field(None, max_length=32)
    address: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=4000)
    attributes: dict[str, Any] | None = None
    geometry: dict[str, Any] | None = None
    crs: Literal["wgs84", "gcj02"] = "wgs84"
    reason: str | None = Field(None, max_length=200, description="why (recorded in the change log, PATCH only)")


class RiskSourceCreate(RiskSourceFields):
    name: str = Field(..., max_length=128)
    kind: str = Field(..., max_length=32)
    level: str = Field(..., max_length=8)
    county: str = Field(..., max_length=12)
    geometry: dict[str, Any]


class RiskSourceFilters(Schema):
    q: str | None = Field(None, max_length=100)
    county: str | None = Field(None, max_length=12)
    kind: str | None = Field(None, max_length=32)
    level: str | None = Field(None, max_length=8)
    status: str | None = Field(None, max_length=16)
    hazards: bool | None = Field(None, description="only those with open hazards")


def _detail(request: HttpRequest, pk: int) -> RiskSource:
    return access.get_for(
        request.user,
        RiskSource.objects.select_related("county").prefetch_related("hazards"),
        pk,
        "view",
        "risk_source",
    )


@router.get("/risk-sources", response=list[RiskSourceItem], summary="Risk sources that are not enterprises")
@paginate(LimitOffsetPagination)
def list_risk_sources(request: HttpRequest, filters: Query[RiskSourceFilters]) -> Any:
    rows = access.restrict(RiskSource.objects.select_related("county"), request.user, "view", "risk_source")
    return apply_filters(rows, filters.dict(exclude_none=True))


def _split(payload: RiskSourceFields) -> tuple[dict[str, Any], str, str]:
    data = payload.dict(exclude_unset=True)
    crs = data.pop("crs", "wgs84")
    reason = data.pop("reason", None) or ""
    return data, crs, reason


@router.post(
    "/risk-sources",
    response={201: RiskSourceDetail, 403: ErrorOut, 422: ErrorOut},
    summary="Register a risk source (geometry as GeoJSON)",
)
def create_risk_source(request: HttpRequest, payload: RiskSourceCreate) -> Status[RiskSource]:
    data, crs, _reason = _split(payload)
    source = services.do_create_risk_source(acting_user=request.user, data=data, crs=crs)
    return Status(201, _detail(request, source.pk))


@router.get(
    "/risk-sources/{source_id}",
    response={200: RiskSourceDetail, 404: ErrorOut, 422: ErrorOut},
    summary="One risk source; geometry in WGS84, or GCJ-02 with ?crs=gcj02",
)
def get_risk_source(request: HttpRequest, source_id: int, crs: Literal["wgs84", "gcj02"] = "wgs84") -> RiskSource:
    source = _detail(request, source_id)
    source.geometry = to_crs(source.geometry, crs)
    return source


@router.patch(
    "/risk-sources/{source_id}",
    response={200: RiskSourceDetail, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Change fields of a risk source",
)
def update_risk_source(request: HttpRequest, source_id: int, payload: RiskSourceFields) -> RiskSource:
    data, crs, reason = _split(payload)
    services.do_update_risk_source(acting_user=request.user, source_id=source_id, changes=data, crs=crs, reason=reason)
    return _detail(request, source_id)


@router.delete(
    "/risk-sources/{source_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Delete a risk source registered by mistake (one with hazards on record cannot be deleted)",
)
def delete_risk_source(request: HttpRequest, source_id: int) -> Status[None]:
    services.do_delete_risk_source(acting_user=request.user, source_id=source_id)
    return Status(204, None)


class HazardIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category: str = Field(..., max_length=16)
    description: str = Field(..., max_length=4000)
    location_text: str = Field("", max_length=200)
    longitude: float | None = None
    latitude: float | None = None
    supervision: str = Field("none", max_length=16)
    found_on: dt.date
    deadline: dt.date | None = None


class RectifyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    rectified_on: dt.date
    note: str = Field(..., max_length=4000)


class ReopenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., max_length=500)


@router.post(
    "/risk-sources/{source_id}/hazards",
    response={201: HazardOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record a hazard on a risk source",
)
def add_hazard(request: HttpRequest, source_id: int, payload: HazardIn) -> Status[SourceHazard]:
    hazard = services.do_add_source_hazard(acting_user=request.user, source_id=source_id, data=payload.dict())
    return Status(201, hazard)


@router.post(
    "/hazards/{hazard_id}/rectify",
    response={200: HazardOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Close a hazard as rectified (销号)",
)
def rectify_hazard(request: HttpRequest, hazard_id: int, payload: RectifyIn) -> SourceHazard:
    return services.do_rectify_source_hazard(
        acting_user=request.user, hazard_id=hazard_id, rectified_on=payload.rectified_on, note=payload.note
    )


@router.post(
    "/hazards/{hazard_id}/reopen",
    response={200: HazardOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Reopen a rectified hazard",
)
def reopen_hazard(request: HttpRequest, hazard_id: int, payload: ReopenIn) -> SourceHazard:
    return services.do_reopen_source_hazard(acting_user=request.user, hazard_id=hazard_id, reason=payload.reason)
