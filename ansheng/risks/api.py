import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from ansheng.core import access
from ansheng.core.api import ErrorOut
from ansheng.core.errors import PermissionDenied, ValidationFailed
from ansheng.risks import services, stats
from ansheng.risks.filtersets import apply_event_filters, apply_object_filters
from ansheng.risks.models import Assessment, ControlMeasure, Occurrence, Post, RiskEvent, RiskObject

events_router = Router(tags=["risk events"])
objects_router = Router(tags=["risk objects"])
inspections_router = Router(tags=["inspection tasks"])


# --- risk events --------------------------------------------------------------------------------------------------


class MeasureOut(Schema):
    id: int
    kind: str
    description: str
    responsible_name: str
    control_level: str
    is_active: bool


class AssessmentOut(Schema):
    id: int
    stage: str
    method: str
    factors: dict[str, str]
    score: Decimal
    level: str
    control_level: str
    assessed_at: dt.datetime


class EventItem(Schema):
    id: int
    enterprise: int
    county: str
    risk_object: int
    risk_object_name: str
    unit: int
    description: str
    accident_type: str
    hazard_factors: list[str]
    consequence: str
    inherent_level: str
    residual_level: str
    level: str
    colour: str
    control_level: str
    is_active: bool
    assessed_at: dt.datetime | None

    @staticmethod
    def resolve_enterprise(obj: RiskEvent) -> int:
        return obj.enterprise_id

    @staticmethod
    def resolve_county(obj: RiskEvent) -> str:
        return obj.enterprise.county_id

    @staticmethod
    def resolve_risk_object(obj: RiskEvent) -> int:
        return obj.unit.risk_object_id

    @staticmethod
    def resolve_risk_object_name(obj: RiskEvent) -> str:
        return obj.unit.risk_object.name

    @staticmethod
    def resolve_unit(obj: RiskEvent) -> int:
        return obj.unit_id


class EventDetail(EventItem):
    measures: list[MeasureOut]
    assessments: list[AssessmentOut]

    @staticmethod
    def resolve_measures(obj: RiskEvent) -> list[ControlMeasure]:
        return list(obj.measures.all())

    @staticmethod
    def resolve_assessments(obj: RiskEvent) -> list[Assessment]:
        return list(obj.assessments.all()[:100])


class EventFilters(Schema):
    level: str | None = Field(None, max_length=16, description="重大/较大/一般/低, major/large/general/low")
    colour: str | None = Field(None, max_length=16, description="red/orange/yellow/blue or 红/橙/黄/蓝")
    county: str | None = Field(None, max_length=12)
    enterprise: int | None = Field(None, ge=1)
    active: bool = True


def _events() -> Any:
    return RiskEvent.objects.select_related("enterprise", "unit", "unit__risk_object")


@events_router.get("", response=list[EventItem], summary="Risk events in the caller's jurisdiction")
@paginate(LimitOffsetPagination)
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> Any:
    rows = access.restrict(_events(), request.user, "view", "risk")
    params = filters.dict(exclude_none=True)
    params["active"] = "true" if filters.active else "false"
    return apply_event_filters(rows, params).order_by("enterprise_id", "pk")


@events_router.get("/{event_id}", response={200: EventDetail, 404: ErrorOut}, summary="One risk event")
def get_event(request: HttpRequest, event_id: int) -> RiskEvent:
    return access.get_for(request.user, _events(), event_id, "view", "risk")


class AssessIn(Schema):
    stage: str = Field(..., max_length=16, description="inherent or residual")
    method: str = Field(..., max_length=8, description="LEC, LS or MES")
    factors: dict[str, Decimal] = Field(..., description='e.g. {"L": 3, "E": 6, "C": 7}')
    note: str = Field("", max_length=200)


@events_router.post(
    "/{event_id}/assessments",
    response={201: EventDetail, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Assess (or reassess) a risk event; the history is kept",
)
def assess_event(request: HttpRequest, event_id: int, payload: AssessIn) -> Any:
    services.do_assess_event(acting_user=request.user, event_id=event_id, **payload.dict())
    return Status(201, access.get_for(request.user, _events(), event_id, "view", "risk"))


class MeasureIn(Schema):
    kind: str = Field(..., max_length=16, description="engineering, maintenance, operation or emergency")
    description: str = Field(..., max_length=2000)
    responsible_name: str = Field(..., max_length=64)
    control_level: str = Field("", max_length=32)


@events_router.post(
    "/{event_id}/measures",
    response={201: MeasureOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a control measure",
)
def add_measure(request: HttpRequest, event_id: int, payload: MeasureIn) -> Any:
    return Status(201, services.do_add_measure(acting_user=request.user, event_id=event_id, data=payload.dict()))


# --- risk objects -------------------------------------------------------------------------------------------------


class ObjectItem(Schema):
    id: int
    enterprise: int
    county: str
    kind: str
    code: str
    name: str
    location: str
    longitude: Decimal | None
    latitude: Decimal | None
    department: str
    responsible_name: str
    responsible_phone: str
    emergency_actions: str
    level: str
    is_active: bool

    @staticmethod
    def resolve_enterprise(obj: RiskObject) -> int:
        return obj.enterprise_id

    @staticmethod
    def resolve_county(obj: RiskObject) -> str:
        return obj.enterprise.county_id


class ObjectFields(Schema):
    kind: str | None = Field(None, max_length=16)
    code: str | None = Field(None, max_length=32)
    name: str | None = Field(None, max_length=128)
    location: str | None = Field(None, max_length=200)
    longitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    latitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    department: str | None = Field(None, max_length=64)
    responsible_name: str | None = Field(None, max_length=64)
    responsible_phone: str | None = Field(None, max_length=32)
    emergency_actions: str | None = Field(None, max_length=4000)
    is_active: bool | None = None


class ObjectCreate(ObjectFields):
    enterprise: int | None = Field(None, ge=1, description="defaults to the caller's enterprise")
    kind: str = Field(..., max_length=16)
    code: str = Field(..., max_length=32)
    name: str = Field(..., max_length=128)
    responsible_name: str = Field(..., max_length=64)


class ObjectFilters(Schema):
    q: str | None = Field(None, max_length=100)
    county: str | None = Field(None, max_length=12)
    level: str | None = Field(None, max_length=16)
    kind: str | None = Field(None, max_length=16)
    enterprise: int | None = Field(None, ge=1)


def _objects() -> Any:
    return RiskObject.objects.select_related("enterprise")


@objects_router.get("", response=list[ObjectItem], summary="Risk points in the caller's jurisdiction")
@paginate(LimitOffsetPagination)
def list_objects(request: HttpRequest, filters: Query[ObjectFilters]) -> Any:
    rows = access.restrict(_objects(), request.user, "view", "risk")
    return apply_object_filters(rows, filters.dict(exclude_none=True)).order_by("enterprise_id", "code")


@objects_router.post(
    "", response={201: ObjectItem, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, summary="Register a risk point"
)
def create_object(request: HttpRequest, payload: ObjectCreate) -> Any:
    data = payload.dict(exclude_unset=True)
    enterprise_id = data.pop("enterprise", None) or request.user.enterprise_id
    if not enterprise_id:
        if not access.can(request.user, "create", "risk"):
            raise PermissionDenied()
        raise ValidationFailed(code="required", field="enterprise")
    obj = services.do_create_object(acting_user=request.user, enterprise_id=enterprise_id, data=data)
    return Status(201, access.get_for(request.user, _objects(), obj.pk, "view", "risk"))


@objects_router.get("/{object_id}", response={200: ObjectItem, 404: ErrorOut}, summary="One risk point")
def get_object(request: HttpRequest, object_id: int) -> RiskObject:
    return access.get_for(request.user, _objects(), object_id, "view", "risk")


@objects_router.patch(
    "/{object_id}",
    response={200: ObjectItem, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a risk point",
)
def update_object(request: HttpRequest, object_id: int, payload: ObjectFields) -> RiskObject:
    services.do_update_object(acting_user=request.user, object_id=object_id, changes=payload.dict(exclude_unset=True))
    return access.get_for(request.user, _objects(), object_id, "view", "risk")


class UnitIn(Schema):
    name: str = Field(..., max_length=128)
    description: str = Field("", max_length=2000)


class UnitOut(Schema):
    id: int
    name: str
    description: str


@objects_router.post(
    "/{object_id}/units",
    response={201: UnitOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add an analysis unit",
)
def add_unit(request: HttpRequest, object_id: int, payload: UnitIn) -> Any:
    return Status(201, services.do_add_unit(acting_user=request.user, object_id=object_id, data=payload.dict()))


class EventIn(Schema):
    unit: int = Field(..., ge=1)
    description: str = Field(..., max_length=200)
    accident_type: str = Field(..., max_length=16, description="GB 6441-2025 basic type, e.g. WSA10009")
    hazard_factors: list[str] = Field(default_factory=list, max_length=20)
    consequence: str = Field("", max_length=200)


@objects_router.post(
    "/{object_id}/events",
    response={201: EventDetail, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a risk event to one of the point's analysis units",
)
def add_event(request: HttpRequest, object_id: int, payload: EventIn) -> Any:
    obj = access.get_for(request.user, _objects(), object_id, "view", "risk")
    data = payload.dict()
    unit_id = data.pop("unit")
    if not obj.units.filter(pk=unit_id).exists():
        raise ValidationFailed(code="invalid_choice", field="unit")
    event = services.do_add_event(acting_user=request.user, unit_id=unit_id, data=data)
    return Status(201, access.get_for(request.user, _events(), event.pk, "view", "risk"))


class TaskIn(Schema):
    name: str = Field(..., max_length=128)
    method: str = Field("", max_length=200)
    checklist: list[str] = Field(..., min_length=1, max_length=50)
    cycle: str = Field(..., max_length=16)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    measure: int | None = Field(None, ge=1)
    assignees: list[int] = Field(default_factory=list, max_length=100)


class TaskChange(Schema):
    name: str | None = Field(None, max_length=128)
    method: str | None = Field(None, max_length=200)
    checklist: list[str] | None = Field(None, min_length=1, max_length=50)
    cycle: str | None = Field(None, max_length=16)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    assignees: list[int] | None = Field(None, max_length=100)
    is_active: bool | None = None


class TaskOut(Schema):
    id: int
    risk_object: int
    measure: int | None
    name: str
    method: str
    checklist: list[str]
    cycle: str
    starts_on: dt.date
    ends_on: dt.date | None
    is_active: bool

    @staticmethod
    def resolve_risk_object(obj: Any) -> int:
        return obj.risk_object_id

    @staticmethod
    def resolve_measure(obj: Any) -> int | None:
        return obj.measure_id


@objects_router.post(
    "/{object_id}/tasks",
    response={201: TaskOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Define an inspection task at a risk point",
)
def add_task(request: HttpRequest, object_id: int, payload: TaskIn) -> Any:
    data = payload.dict(exclude_unset=True)
    return Status(201, services.do_create_task(acting_user=request.user, object_id=object_id, data=data))


@inspections_router.patch(
    "/tasks/{task_id}",
    response={200: TaskOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change or deactivate an inspection task (applies to windows not yet generated)",
)
def update_task(request: HttpRequest, task_id: int, payload: TaskChange) -> Any:
    return services.do_update_task(acting_user=request.user, task_id=task_id, changes=payload.dict(exclude_unset=True))


posts_router = Router(tags=["risk posts"])


class PostIn(Schema):
    enterprise: int | None = Field(None, ge=1, description="defaults to the caller's enterprise")
    name: str = Field(..., max_length=64)
    duties: str = Field("", max_length=2000)
    risk_objects: list[int] = Field(default_factory=list, max_length=200)


class PostOut(Schema):
    id: int
    enterprise: int
    name: str
    duties: str
    risk_objects: list[int]

    @staticmethod
    def resolve_enterprise(obj: Any) -> int:
        return obj.enterprise_id

    @staticmethod
    def resolve_risk_objects(obj: Any) -> list[int]:
        return sorted(o.pk for o in obj.risk_objects.all())


@posts_router.get("", response=list[PostOut], summary="Posts (岗位) and their risk points")
@paginate(LimitOffsetPagination)
def list_posts(request: HttpRequest) -> Any:
    return access.restrict(Post.objects.prefetch_related("risk_objects"), request.user, "view", "risk").order_by("pk")


@posts_router.post("", response={201: PostOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, summary="Add a post")
def create_post(request: HttpRequest, payload: PostIn) -> Any:
    data = payload.dict()
    enterprise_id = data.pop("enterprise", None) or request.user.enterprise_id
    if not enterprise_id:
        if not access.can(request.user, "create", "risk"):
            raise PermissionDenied()
        raise ValidationFailed(code="required", field="enterprise")
    return Status(201, services.do_save_post(acting_user=request.user, enterprise_id=enterprise_id, data=data))


# --- inspection occurrences and rates -----------------------------------------------------------------------------


class OccurrenceOut(Schema):
    id: int
    task: int
    task_name: str
    risk_object: int
    enterprise: int
    period_start: dt.datetime
    period_end: dt.datetime
    due_on: dt.date
    status: str
    completed_at: dt.datetime | None
    findings: int
    checklist: list[str]

    @staticmethod
    def resolve_task_name(obj: Occurrence) -> str:
        return obj.task.name

    @staticmethod
    def resolve_risk_object(obj: Occurrence) -> int:
        return obj.task.risk_object_id

    @staticmethod
    def resolve_enterprise(obj: Occurrence) -> int:
        return obj.enterprise_id

    @staticmethod
    def resolve_task(obj: Occurrence) -> int:
        return obj.task_id

    @staticmethod
    def resolve_checklist(obj: Occurrence) -> list[str]:
        return list(obj.task.checklist)


class OccurrenceFilters(Schema):
    status: str | None = Field(None, max_length=8)
    enterprise: int | None = Field(None, ge=1)
    due_from: dt.date | None = None
    due_to: dt.date | None = None


@inspections_router.get("", response=list[OccurrenceOut], summary="Inspection occurrences in the caller's jurisdiction")
@paginate(LimitOffsetPagination)
def list_occurrences(request: HttpRequest, filters: Query[OccurrenceFilters]) -> Any:
    rows = access.restrict(Occurrence.objects.select_related("task"), request.user, "view", "inspection")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.enterprise:
        rows = rows.filter(enterprise_id=filters.enterprise)
    if filters.due_from:
        rows = rows.filter(due_on__gte=filters.due_from)
    if filters.due_to:
        rows = rows.filter(due_on__lte=filters.due_to)
    return rows.order_by("-period_start", "pk")


class AnswerIn(Schema):
    result: str = Field(..., max_length=8, description="ok, na or finding")
    note: str = Field("", max_length=2000)


class CompleteIn(Schema):
    answers: list[AnswerIn] = Field(..., max_length=50)


@inspections_router.post(
    "/{occurrence_id}/complete",
    response={200: OccurrenceOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Answer every checklist item of an open occurrence (photos: use the mobile page)",
)
def complete(request: HttpRequest, occurrence_id: int, payload: CompleteIn) -> Any:
    return services.do_complete_occurrence(
        acting_user=request.user, occurrence_id=occurrence_id, answers=[a.dict() for a in payload.answers]
    )


class RatesOut(Schema):
    start: dt.date
    end: dt.date
    active_enterprises: int
    identified_enterprises: int
    identification_coverage: float | None
    occurrences_done: int
    occurrences_missed: int
    occurrences_overdue: int
    occurrences_open: int
    inspection_completion: float | None


class RatesIn(Schema):
    start: dt.date
    end: dt.date
    county: str | None = Field(None, max_length=12)
    enterprise: int | None = Field(None, ge=1)


@inspections_router.get(
    "/rates", response={200: RatesOut, 403: ErrorOut, 422: ErrorOut}, summary="Coverage and completion"
)
def rates(request: HttpRequest, params: Query[RatesIn]) -> Any:
    if not access.can(request.user, "view", "inspection"):
        raise PermissionDenied()
    if params.end < params.start:
        raise ValidationFailed(code="invalid_range", field="end")
    return stats.rates(
        request.user, region_code=params.county, enterprise_id=params.enterprise, start=params.start, end=params.end
    )


ROUTERS = [
    ("/risk-events", events_router),
    ("/risk-objects", objects_router),
    ("/risk-posts", posts_router),
    ("/inspections", inspections_router),
]
