import datetime as dt
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from ansheng.core import access
from ansheng.core.api import ErrorOut
from ansheng.core.errors import PermissionDenied, ValidationFailed
from ansheng.core.models import ApiToken
from ansheng.monitoring import services, stats
from ansheng.monitoring.choices import Channel, Severity
from ansheng.monitoring.filtersets import alarm_filters, point_filters
from ansheng.monitoring.ingest import Submission, excerpt, parse_payload
from ansheng.monitoring.models import (
    Alarm,
    AlarmTransition,
    EnterpriseWarning,
    MaintenanceWindow,
    MonitoringPoint,
    Rejection,
    ms_to_datetime,
)
from ansheng.monitoring.series import series_for

router = Router(tags=["monitoring"])
readings_router = Router(tags=["monitoring"])
alarms_router = Router(tags=["alarms"])
ROUTERS = [("/monitoring", router), ("/readings", readings_router), ("/alarms", alarms_router)]


# --- points -------------------------------------------------------------------------------------------------------


class Thresholds(Schema):
    ll: float | None
    l: float | None  # noqa: E741
    h: float | None
    hh: float | None


class PointOut(Schema):
    id: int
    code: str
    name: str
    enterprise: int
    enterprise_name: str
    county: str
    hazard_source: int | None
    kind: str
    unit: str
    substance: str
    range_min: float
    range_max: float
    thresholds: Thresholds
    deadband: float
    on_delay_s: int
    normal_value: float | None
    severity_1: str
    severity_2: str
    interval_s: int
    no_data_after_s: int
    in_service: bool
    last_ts: dt.datetime | None
    last_value: float | None
    status: str

    @staticmethod
    def resolve_enterprise(obj: MonitoringPoint) -> int:
        return obj.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj: MonitoringPoint) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_county(obj: MonitoringPoint) -> str:
        return obj.enterprise.county_id

    @staticmethod
    def resolve_hazard_source(obj: MonitoringPoint) -> int | None:
        return obj.hazard_source_id

    @staticmethod
    def resolve_thresholds(obj: MonitoringPoint) -> dict[str, float | None]:
        return obj.thresholds

    @staticmethod
    def resolve_no_data_after_s(obj: MonitoringPoint) -> int:
        return stats.no_data_after(obj)

    @staticmethod
    def resolve_last_ts(obj: MonitoringPoint) -> dt.datetime | None:
        return ms_to_datetime(obj.state.last_ts) if hasattr(obj, "state") else None

    @staticmethod
    def resolve_last_value(obj: MonitoringPoint) -> float | None:
        return obj.state.last_value if hasattr(obj, "state") else None

    @staticmethod
    def resolve_status(obj: MonitoringPoint) -> str:
        return stats.point_status(obj, int(timezone.now().timestamp() * 1000))


class PointFilters(Schema):
    enterprise: int | None = None
    hazard_source: int | None = None
    county: str | None = Field(None, max_length=12)
    kind: str | None = Field(None, max_length=24)
    q: str | None = Field(None, max_length=100)
    in_service: bool | None = None


class PointFields(Schema):
    hazard_source: int | None = None
    name: str | None = Field(None, max_length=128)
    unit: str | None = Field(None, max_length=16)
    substance: str | None = Field(None, max_length=64)
    location: str | None = Field(None, max_length=128)
    range_min: float | None = None
    range_max: float | None = None
    ll: float | None = None
    l: float | None = None  # noqa: E741
    h: float | None = None
    hh: float | None = None
    deadband: float | None = Field(None, ge=0)
    on_delay_s: int | None = Field(None, ge=0, le=86400)
    normal_value: float | None = None
    severity_1: str | None = Field(None, max_length=16)
    severity_2: str | None = Field(None, max_length=16)
    interval_s: int | None = Field(None, ge=1, le=86400)
    no_data_after_s: int | None = Field(None, ge=1, le=7 * 86400)
    in_service: bool | None = None


class PointCreate(PointFields):
    enterprise: int | None = Field(None, description="defaults to the caller's enterprise")
    code: str = Field(..., max_length=64)
    name: str = Field(..., max_length=128)
    kind: str = Field(..., max_length=24)
    range_min: float
    range_max: float


def _points(request: HttpRequest) -> Any:
    return access.restrict(
        MonitoringPoint.objects.select_related("enterprise", "state"), request.user, "view", "monitoring_point"
    )


@router.get("/points", response=list[PointOut], summary="Monitoring points in the caller's jurisdiction")
@paginate(LimitOffsetPagination)
def list_points(request: HttpRequest, filters: Query[PointFilters]) -> Any:
    return point_filters(_points(request), filters.dict(exclude_none=True)).order_by("enterprise_id", "code")


@router.post(
    "/points",
    response={201: PointOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Register a monitoring point",
)
def create_point(request: HttpRequest, payload: PointCreate) -> Status:
    data = payload.dict(exclude_unset=True)
    enterprise_id = data.pop("enterprise", None) or request.user.enterprise_id
    if not enterprise_id:
        access.require(request.user, "change", "monitoring_point")
        raise ValidationFailed(code="required", field="enterprise")
    point = services.do_create_point(acting_user=request.user, enterprise_id=enterprise_id, data=data)
    return Status(201, _points(request).get(pk=point.pk))


@router.get("/points/{point_id}", response={200: PointOut, 404: ErrorOut}, summary="One monitoring point")
def get_point(request: HttpRequest, point_id: int) -> MonitoringPoint:
    return access.get_for(request.user, _points(request), point_id)


@router.patch(
    "/points/{point_id}",
    response={200: PointOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a point's settings (thresholds, delays, …); its code never changes",
)
def update_point(request: HttpRequest, point_id: int, payload: PointFields) -> MonitoringPoint:
    services.do_update_point(acting_user=request.user, point_id=point_id, changes=payload.dict(exclude_unset=True))
    return _points(request).get(pk=point_id)


class SeriesOut(Schema):
    point: str
    unit: str
    resolution: str
    start: dt.datetime
    end: dt.datetime
    thresholds: Thresholds
    data: list[list[Any]]


@router.get(
    "/points/{point_id}/series",
    response={200: SeriesOut, 404: ErrorOut, 422: ErrorOut},
    summary="A point's history: raw readings, or 1-minute / 1-hour min, max and mean for longer ranges",
)
def point_series(
    request: HttpRequest,
    point_id: int,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    resolution: str = "auto",
) -> dict[str, Any]:
    point = access.get_for(request.user, _points(request), point_id)
    return series_for(point, start, end, resolution)


# --- readings -------------------------------------------------------------------------------------------------------


class RejectedOut(Schema):
    index: int | None
    code: str
    message: str


class ReadingsOut(Schema):
    accepted: int
    duplicates: int
    rejected: list[RejectedOut]


READINGS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["readings"],
                    "properties": {
                        "readings": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["point", "ts", "value"],
                                "properties": {
                                    "point": {"type": "string", "description": "the point's code"},
                                    "ts": {
                                        "type": "string",
                                        "format": "date-time",
                                        "description": (
                                            "ISO 8601 (no offset: Beijing time); epoch seconds or ms also accepted"
                                        ),
                                    },
                                    "value": {"type": "number"},
                                },
                            },
                        }
                    },
                }
            }
        },
    }
}


@readings_router.post(
    "",
    response={200: ReadingsOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    openapi_extra=READINGS_BODY,
    summary="Post readings with a gateway token (or as the enterprise administrator); idempotent on (point, ts)",
)
def post_readings(request: HttpRequest) -> Status:
    enterprise_id = services.ingest_enterprise(request)
    token = getattr(request, "api_token", None)
    source = f"token:{token.name}" if isinstance(token, ApiToken) else f"user:{request.user.username}"
    try:
        body = request.body
    except RequestDataTooBig:
        return Status(413, {"code": "too_large", "message": _("请求体过大"), "field": None})
    items, error = parse_payload(body)
    submission = Submission(
        enterprise_id, Channel.HTTP, items=items, source=source, error=error, payload=excerpt(body) if error else ""
    )
    results, _totals = services.do_ingest_readings(acting_user=request.user, submissions=[submission])
    result = results[0]
    if submission.error is not None:
        code, message = submission.error
        status = {"malformed_json": 400, "too_many_readings": 413}.get(code, 422)
        field = None if code != "invalid_body" else "readings"
        return Status(status, {"code": code, "message": str(message), "field": field})
    return Status(200, result.as_dict())


# --- alarms ---------------------------------------------------------------------------------------------------------


class AlarmOut(Schema):
    id: int
    point: str | None
    point_id: int | None
    point_name: str | None
    unit: str | None
    enterprise: int
    enterprise_name: str
    county: str
    hazard_source: int | None
    type: str
    level: str
    severity: str
    colour: str
    active: bool
    acknowledged: bool
    shelved: bool
    shelved_until: dt.datetime | None
    suppressed: bool
    started_at: dt.datetime
    activated_at: dt.datetime
    last_at: dt.datetime
    cleared_at: dt.datetime | None
    closed_at: dt.datetime | None
    count: int
    last_value: float | None
    peak_value: float | None
    threshold: float | None
    tier: int

    @staticmethod
    def resolve_point(obj: Alarm) -> str | None:
        return obj.point.code if obj.point_id else None

    @staticmethod
    def resolve_point_name(obj: Alarm) -> str | None:
        return obj.point.name if obj.point_id else None

    @staticmethod
    def resolve_unit(obj: Alarm) -> str | None:
        return obj.point.unit if obj.point_id else None

    @staticmethod
    def resolve_enterprise(obj: Alarm) -> int:
        return obj.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj: Alarm) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_county(obj: Alarm) -> str:
        return obj.enterprise.county_id

    @staticmethod
    def resolve_hazard_source(obj: Alarm) -> int | None:
        return obj.hazard_source_id

    @staticmethod
    def resolve_colour(obj: Alarm) -> str:
        return Severity.colour(obj.severity)

    @staticmethod
    def resolve_shelved(obj: Alarm) -> bool:
        return obj.is_shelved()


class TransitionOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    actor_name: str
    severity: str
    active: bool
    acknowledged: bool
    tier: int
    value: float | None
    note: str
    notify: str
    notified: int


class AlarmDetail(AlarmOut):
    cause: str
    measures: str
    feedback_note: str
    shelve_reason: str
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_transitions(obj: Alarm) -> list[AlarmTransition]:
        return list(obj.transitions.all())


class AlarmFilters(Schema):
    state: str | None = Field(None, description="active, open (not closed), cleared, closed or all (default open)")
    severity: str | None = Field(None, max_length=16)
    type: str | None = Field(None, max_length=16)
    enterprise: int | None = None
    hazard_source: int | None = None
    point: str | None = Field(None, max_length=64, description="point code")
    county: str | None = Field(None, max_length=12)
    acknowledged: bool | None = None
    escalated: bool | None = None


def _alarms(request: HttpRequest) -> Any:
    return access.restrict(Alarm.objects.select_related("point", "enterprise"), request.user, "view", "alarm")


@alarms_router.get("", response=list[AlarmOut], summary="Alarms in the caller's jurisdiction (state=active …)")
@paginate(LimitOffsetPagination)
def list_alarms(request: HttpRequest, filters: Query[AlarmFilters]) -> Any:
    params = filters.dict(exclude_none=True)
    if params.get("state") not in {None, "active", "open", "cleared", "closed", "all"}:
        raise ValidationFailed(
            _("state 应为 active、open、cleared、closed 或 all"), code="invalid_choice", field="state"
        )
    return alarm_filters(_alarms(request), params)


@alarms_router.get("/{alarm_id}", response={200: AlarmDetail, 404: ErrorOut}, summary="One alarm with its history")
def get_alarm(request: HttpRequest, alarm_id: int) -> Alarm:
    return access.get_for(request.user, _alarms(request), alarm_id)


class AckIn(Schema):
    note: str = Field("", max_length=2000)


class ShelveIn(Schema):
    reason: str = Field(..., max_length=200)
    until: dt.datetime | None = None
    minutes: int | None = Field(None, ge=1, le=7 * 24 * 60)


class CloseIn(Schema):
    cause: str = Field(..., max_length=4000, description="原因分析")
    measures: str = Field(..., max_length=4000, description="处置措施")
    note: str = Field("", max_length=4000)


ACTION_RESPONSES = {200: AlarmDetail, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@alarms_router.post("/{alarm_id}/acknowledge", response=ACTION_RESPONSES, summary="Acknowledge an alarm")
def acknowledge(request: HttpRequest, alarm_id: int, payload: AckIn) -> Alarm:
    services.do_acknowledge_alarm(acting_user=request.user, alarm_id=alarm_id, note=payload.note)
    return _alarms(request).get(pk=alarm_id)


@alarms_router.post(
    "/{alarm_id}/shelve",
    response=ACTION_RESPONSES,
    summary="Shelve an alarm until a time (or for some minutes), with a reason",
)
def shelve(request: HttpRequest, alarm_id: int, payload: ShelveIn) -> Alarm:
    until = payload.until
    if until is None:
        if payload.minutes is None:
            raise ValidationFailed(_("请给出搁置截止时间 until 或时长 minutes"), code="required", field="until")
        until = timezone.now() + dt.timedelta(minutes=payload.minutes)
    elif timezone.is_naive(until):
        until = timezone.make_aware(until)
    services.do_shelve_alarm(acting_user=request.user, alarm_id=alarm_id, until=until, reason=payload.reason)
    return _alarms(request).get(pk=alarm_id)


@alarms_router.post("/{alarm_id}/unshelve", response=ACTION_RESPONSES, summary="End an alarm's shelving now")
def unshelve(request: HttpRequest, alarm_id: int) -> Alarm:
    services.do_unshelve_alarm(acting_user=request.user, alarm_id=alarm_id)
    return _alarms(request).get(pk=alarm_id)


@alarms_router.post(
    "/{alarm_id}/close",
    response=ACTION_RESPONSES,
    summary="Close a cleared alarm with its handling feedback (处置反馈)",
)
def close(request: HttpRequest, alarm_id: int, payload: CloseIn) -> Alarm:
    services.do_close_alarm(
        acting_user=request.user, alarm_id=alarm_id, cause=payload.cause, measures=payload.measures, note=payload.note
    )
    return _alarms(request).get(pk=alarm_id)


# --- rejections, gateways, maintenance, warnings, statistics ---------------------------------------------------------


class RejectionOut(Schema):
    id: int
    received_at: dt.datetime
    channel: str
    source: str
    enterprise: int | None
    region_code: str
    index: int | None
    point_code: str
    ts_text: str
    value_text: str
    code: str
    message: str

    @staticmethod
    def resolve_enterprise(obj: Rejection) -> int | None:
        return obj.enterprise_id


@router.get("/rejections", response=list[RejectionOut], summary="The rejection log (refused readings and messages)")
@paginate(LimitOffsetPagination)
def list_rejections(
    request: HttpRequest, code: str | None = None, enterprise: int | None = None, channel: str | None = None
) -> Any:
    rows = access.restrict(Rejection.objects.all(), request.user, "view", "rejection")
    if code:
        rows = rows.filter(code=code)
    if enterprise:
        rows = rows.filter(enterprise_id=enterprise)
    if channel:
        rows = rows.filter(channel=channel)
    return rows


class GatewayOut(Schema):
    id: int
    name: str
    enterprise: int | None
    hint: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_enterprise(obj: ApiToken) -> int | None:
        return obj.enterprise_id


class GatewayCreated(GatewayOut):
    token: str


class GatewayIn(Schema):
    name: str = Field(..., max_length=64)
    enterprise: int | None = None
    expires_at: dt.datetime | None = None


@router.get("/gateways", response={200: list[GatewayOut], 403: ErrorOut}, summary="The enterprise's gateway tokens")
def list_gateways(request: HttpRequest) -> list[ApiToken]:
    access.require(request.user, "manage", "gateway_token")
    return list(services.gateway_tokens(request.user))


@router.post(
    "/gateways",
    response={201: GatewayCreated, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Create a gateway token bound to the enterprise (the secret is shown once)",
)
def create_gateway(request: HttpRequest, payload: GatewayIn) -> Status:
    token, raw = services.do_create_gateway_token(
        acting_user=request.user, name=payload.name, enterprise_id=payload.enterprise, expires_at=payload.expires_at
    )
    token.token = raw  # type: ignore[attr-defined]  (shown this once)
    return Status(201, token)


@router.delete(
    "/gateways/{token_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="Revoke a gateway token"
)
def revoke_gateway(request: HttpRequest, token_id: int) -> Status:
    services.do_revoke_gateway_token(acting_user=request.user, token_id=token_id)
    return Status(204, None)


class WindowOut(Schema):
    id: int
    enterprise: int
    hazard_source: int | None
    point: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str
    cancelled_at: dt.datetime | None

    @staticmethod
    def resolve_enterprise(obj: MaintenanceWindow) -> int:
        return obj.enterprise_id

    @staticmethod
    def resolve_hazard_source(obj: MaintenanceWindow) -> int | None:
        return obj.hazard_source_id

    @staticmethod
    def resolve_point(obj: MaintenanceWindow) -> int | None:
        return obj.point_id


class WindowIn(Schema):
    enterprise: int | None = None
    hazard_source: int | None = None
    point: int | None = None
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str = Field(..., max_length=200)


@router.get("/maintenance", response=list[WindowOut], summary="Maintenance windows")
@paginate(LimitOffsetPagination)
def list_windows(request: HttpRequest) -> Any:
    return access.restrict(MaintenanceWindow.objects.all(), request.user, "view", "monitoring_point")


@router.post(
    "/maintenance",
    response={201: WindowOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Plan a maintenance window (alarms inside it are recorded but not announced)",
)
def create_window(request: HttpRequest, payload: WindowIn) -> Status:
    data = payload.dict()
    enterprise_id = data.pop("enterprise") or request.user.enterprise_id
    if not enterprise_id:
        access.require(request.user, "maintain", "monitoring_point")
        raise ValidationFailed(code="required", field="enterprise")
    for key in ("starts_at", "ends_at"):
        if timezone.is_naive(data[key]):
            data[key] = timezone.make_aware(data[key])
    return Status(
        201, services.do_create_maintenance_window(acting_user=request.user, enterprise_id=enterprise_id, **data)
    )


@router.post(
    "/maintenance/{window_id}/cancel",
    response={200: WindowOut, 403: ErrorOut, 404: ErrorOut},
    summary="End a maintenance window now",
)
def cancel_window(request: HttpRequest, window_id: int) -> MaintenanceWindow:
    return services.do_cancel_maintenance_window(acting_user=request.user, window_id=window_id)


class WarningOut(Schema):
    enterprise: int
    enterprise_name: str
    county: str
    colour: str
    reasons: list[dict[str, Any]]
    since: dt.datetime

    @staticmethod
    def resolve_enterprise(obj: EnterpriseWarning) -> int:
        return obj.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj: EnterpriseWarning) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_county(obj: EnterpriseWarning) -> str:
        return obj.enterprise.county_id


@router.get("/warnings", response=list[WarningOut], summary="Enterprises' current early warnings (红橙黄蓝)")
@paginate(LimitOffsetPagination)
def list_warnings(request: HttpRequest, colour: str | None = None) -> Any:
    rows = access.restrict(
        EnterpriseWarning.objects.select_related("enterprise").exclude(colour=""), request.user, "view", "alarm"
    )
    if colour:
        rows = rows.filter(colour=colour)
    return rows.order_by("-since")


@router.get(
    "/online-rates",
    response={200: dict[str, Any], 403: ErrorOut},
    summary="The plan's online-monitoring rates and points online, within the jurisdiction",
)
def online_rates(request: HttpRequest, county: str | None = None) -> dict[str, Any]:
    if not access.can(request.user, "view", "monitoring_stats"):
        raise PermissionDenied()
    return stats.plan_rates(request.user, county)


@router.get(
    "/stats",
    response={200: dict[str, Any], 403: ErrorOut},
    summary="Alarm statistics: per day, standing, chattering, time to acknowledge and to close",
)
def alarm_statistics(
    request: HttpRequest, county: str | None = None, enterprise: int | None = None, days: int = 30
) -> dict[str, Any]:
    if not access.can(request.user, "view", "monitoring_stats"):
        raise PermissionDenied()
    if not 1 <= days <= 366:
        raise ValidationFailed(_("days 应在 1～366 之间"), code="out_of_range", field="days")
    data = stats.alarm_stats(request.user, county, enterprise, days)
    data["standing_alarms"] = [a.pk for a in data["standing_alarms"]]
    data["chattering"] = [p.code for p in data["chattering"]]
    data["top_points"] = [{"point": p.code, "enterprise": p.enterprise_id, "alarms": n} for p, n in data["top_points"]]
    data["top_enterprises"] = [{"enterprise": e.pk, "name": e.name, "alarms": n} for e, n in data["top_enterprises"]]
    return data
