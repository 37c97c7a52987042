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
from ansheng.hazards import services
from ansheng.hazards.filtersets import apply_filters
from ansheng.hazards.models import DutyCheck, EvaluationReport, HazardSource, HazardSubstance, ResponsiblePerson
from ansheng.hazards.views import grade_matrix

router = Router(tags=["hazard sources"])


class SourceItem(Schema):
    id: int
    code: str
    name: str
    enterprise: int
    enterprise_name: str
    county: str
    unit_kind: str
    status: str
    s: Decimal
    is_major: bool
    alpha: Decimal
    r: Decimal | None
    grade: int | None
    registration_status: str
    longitude: Decimal | None
    latitude: Decimal | None

    @staticmethod
    def resolve_enterprise(obj: HazardSource) -> int:
        return obj.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj: HazardSource) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_county(obj: HazardSource) -> str:
        return obj.enterprise.county_id

    @staticmethod
    def resolve_s(obj: HazardSource) -> Decimal:
        return obj.s_value

    @staticmethod
    def resolve_r(obj: HazardSource) -> Decimal | None:
        return obj.r_value

    @staticmethod
    def resolve_longitude(obj: HazardSource) -> Decimal | None:
        return obj.position[0]

    @staticmethod
    def resolve_latitude(obj: HazardSource) -> Decimal | None:
        return obj.position[1]


class SubstanceOut(Schema):
    id: int
    substance_key: str
    name: str
    cas: str
    max_quantity_t: Decimal
    critical_t: Decimal
    beta: Decimal
    beta_symbol: str
    ratio: Decimal
    weighted: Decimal


class PersonOut(Schema):
    duty: str
    name: str
    position: str
    phone: str
    user: int | None
    cycle_days: int
    since: dt.date
    last_check_on: dt.date | None
    next_due: dt.date
    due_state: str

    @staticmethod
    def resolve_user(obj: ResponsiblePerson) -> int | None:
        return obj.user_id

    @staticmethod
    def resolve_due_state(obj: ResponsiblePerson) -> str:
        return obj.due_state()


class CheckOut(Schema):
    id: int
    duty: str
    person_name: str
    checked_on: dt.date
    result: str
    findings: str
    measures: str


class EvaluationOut(Schema):
    id: int
    report_no: str
    agency: str
    evaluated_on: dt.date
    valid_until: dt.date
    stated_grade: int | None
    conclusion: str
    state: str | None


class StepOut(Schema):
    action: str
    status: str
    at: dt.datetime
    actor_name: str
    note: str


class SourceDetail(SourceItem):
    description: str
    commissioned_on: dt.date | None
    people_within_500m: int
    registration_no: str
    registered_at: dt.datetime | None
    registered_grade: int | None
    assessed_at: dt.datetime | None
    substances: list[SubstanceOut]
    responsible_persons: list[PersonOut]
    checks: list[CheckOut]
    evaluations: list[EvaluationOut]
    registration_steps: list[StepOut]
    submission_problems: list[str]

    @staticmethod
    def resolve_substances(obj: HazardSource) -> list[HazardSubstance]:
        return list(obj.substances.all())

    @staticmethod
    def resolve_responsible_persons(obj: HazardSource) -> list[ResponsiblePerson]:
        return list(obj.responsible_persons.all())

    @staticmethod
    def resolve_checks(obj: HazardSource) -> list[DutyCheck]:
        return list(obj.duty_checks.all()[:50])

    @staticmethod
    def resolve_evaluations(obj: HazardSource) -> list[EvaluationReport]:
        return list(obj.evaluations.all())

    @staticmethod
    def resolve_registration_steps(obj: HazardSource) -> list[Any]:
        return list(obj.registration_steps.all()[:50])

    @staticmethod
    def resolve_submission_problems(obj: HazardSource) -> list[str]:
        return services.submission_problems(obj)


class SourceFields(Schema):
    code: str | None = Field(None, max_length=32)
    name: str | None = Field(None, max_length=128)
    unit_kind: str | None = Field(None, max_length=16, description="production or storage")
    description: str | None = Field(None, max_length=4000)
    status: str | None = Field(None, max_length=16)
    commissioned_on: dt.date | None = None
    longitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    latitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    people_within_500m: int | None = Field(None, ge=0, le=10_000_000)


class SourceCreate(SourceFields):
    enterprise: int | None = Field(None, description="defaults to the caller's enterprise")
    code: str = Field(..., max_length=32)
    name: str = Field(..., max_length=128)
    unit_kind: str = Field(..., max_length=16)


class SourceFilters(Schema):
    q: str | None = Field(None, max_length=100)
    county: str | None = Field(None, max_length=12)
    grade: int | None = Field(None, ge=1, le=4)
    major: bool | None = None
    registration: str | None = Field(None, max_length=16)
    unit_kind: str | None = Field(None, max_length=16)
    enterprise: int | None = None


def _queryset() -> Any:
    return HazardSource.objects.select_related("enterprise")


def _detail(request: HttpRequest, source_id: int) -> HazardSource:
    return access.get_for(request.user, _queryset(), source_id, "view", "hazard_source")


@router.get("", response=list[SourceItem], summary="Units and major hazard sources in the caller's jurisdiction")
@paginate(LimitOffsetPagination)
def list_sources(request: HttpRequest, filters: Query[SourceFilters]) -> Any:
    rows = access.restrict(_queryset(), request.user, "view", "hazard_source")
    return apply_filters(rows, filters.dict(exclude_none=True)).order_by("enterprise_id", "code")


class GradeSummary(Schema):
    grades: list[int]
    counties: list[dict[str, Any]]
    totals: list[int]
    total: int


@router.get("/summary", response=GradeSummary, summary="Major hazard sources by county and grade")
def summary(request: HttpRequest) -> GradeSummary:
    rows = access.restrict(_queryset(), request.user, "view", "hazard_source")
    matrix = grade_matrix(rows)
    return GradeSummary(
        grades=[g for g, _label, _colour in matrix["grades"]],
        counties=[
            {"county": row["county"].code, "name": row["county"].name, "counts": row["cells"], "total": row["total"]}
            for row in matrix["table"]
        ],
        totals=matrix["totals"],
        total=matrix["total"],
    )


@router.post(
    "",
    response={201: SourceDetail, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Register a production or storage unit",
)
def create_source(request: HttpRequest, payload: SourceCreate) -> Status:
    data = payload.dict(exclude_unset=True)
    enterprise_id = data.pop("enterprise", None) or request.user.enterprise_id
    if not enterprise_id:
        if not access.can(request.user, "create", "hazard_source"):
            raise PermissionDenied()
        raise ValidationFailed(code="required", field="enterprise")
    source = services.do_create_source(acting_user=request.user, enterprise_id=enterprise_id, data=data)
    return Status(201, _detail(request, source.pk))


@router.get("/{source_id}", response={200: SourceDetail, 404: ErrorOut}, summary="One unit with its grading")
def get_source(request: HttpRequest, source_id: int) -> HazardSource:
    return _detail(request, source_id)


@router.patch(
    "/{source_id}",
    response={200: SourceDetail, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change fields of a unit",
)
def update_source(request: HttpRequest, source_id: int, payload: SourceFields) -> HazardSource:
    services.do_update_source(acting_user=request.user, source_id=source_id, changes=payload.dict(exclude_unset=True))
    return _detail(request, source_id)


class SubstanceIn(Schema):
    query: str = Field(..., max_length=64, description="Table 1 name, alias or CAS number; or a Table 2 symbol")
    no: int | None = Field(None, ge=1, le=85, description="Table 1 row, when the query matches several")
    max_quantity_t: Decimal = Field(..., ge=0, max_digits=14, decimal_places=4)
    beta_symbol: str = Field("", max_length=8)
    label: str = Field("", max_length=64, description="the chemical's name when it is given by a Table 2 category")


class SubstanceChange(Schema):
    max_quantity_t: Decimal = Field(..., ge=0, max_digits=14, decimal_places=4)
    beta_symbol: str | None = Field(None, max_length=8)


@router.post(
    "/{source_id}/substances",
    response={201: SourceDetail, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a hazardous chemical; the unit is regraded",
)
def add_substance(request: HttpRequest, source_id: int, payload: SubstanceIn) -> Status:
    services.do_add_substance(acting_user=request.user, source_id=source_id, **payload.dict())
    return Status(201, _detail(request, source_id))


@router.patch(
    "/{source_id}/substances/{substance_id}",
    response={200: SourceDetail, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a chemical's design maximum quantity; the unit is regraded",
)
def update_substance(request: HttpRequest, source_id: int, substance_id: int, payload: SubstanceChange) -> HazardSource:
    services.do_update_substance(
        acting_user=request.user, source_id=source_id, substance_id=substance_id, **payload.dict()
    )
    return _detail(request, source_id)


@router.delete(
    "/{source_id}/substances/{substance_id}",
    response={200: SourceDetail, 403: ErrorOut, 404: ErrorOut},
    summary="Remove a chemical",
)
def remove_substance(request: HttpRequest, source_id: int, substance_id: int) -> HazardSource:
    services.do_remove_substance(acting_user=request.user, source_id=source_id, substance_id=substance_id)
    return _detail(request, source_id)


class PersonIn(Schema):
    name: str = Field(..., max_length=64)
    position: str = Field("", max_length=64)
    phone: str = Field("", max_length=32)
    user: int | None = None
    cycle_days: int | None = Field(None, ge=1, le=366)
    since: dt.date | None = None


@router.put(
    "/{source_id}/persons/{duty}",
    response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Name the principal, technical or operating responsible person (包保责任人)",
)
def set_person(request: HttpRequest, source_id: int, duty: str, payload: PersonIn) -> ResponsiblePerson:
    return services.do_set_responsible_person(
        acting_user=request.user, source_id=source_id, duty=duty, data=payload.dict(exclude_none=True)
    )


class CheckIn(Schema):
    duty: str = Field(..., max_length=16)
    checked_on: dt.date
    result: str = Field(..., max_length=16, description="normal or issues")
    findings: str = Field("", max_length=4000)
    measures: str = Field("", max_length=4000)


@router.post(
    "/{source_id}/checks",
    response={201: CheckOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record a 包保 check",
)
def add_check(request: HttpRequest, source_id: int, payload: CheckIn) -> Status:
    return Status(201, services.do_record_duty_check(acting_user=request.user, source_id=source_id, **payload.dict()))


class EvaluationIn(Schema):
    report_no: str = Field(..., max_length=64)
    agency: str = Field(..., max_length=128)
    evaluated_on: dt.date
    stated_grade: int | None = Field(None, ge=1, le=4)
    conclusion: str = Field("", max_length=4000)


@router.post(
    "/{source_id}/evaluations",
    response={201: EvaluationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record a safety evaluation report (valid three years)",
)
def add_evaluation(request: HttpRequest, source_id: int, payload: EvaluationIn) -> Status:
    return Status(
        201, services.do_add_evaluation_report(acting_user=request.user, source_id=source_id, data=payload.dict())
    )


class RegistrationIn(Schema):
    note: str = Field("", max_length=2000)
    registration_no: str = Field("", max_length=64)


@router.post(
    "/{source_id}/registration/{action}",
    response={200: SourceDetail, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="备案: submit (enterprise); accept, return or cancel (county bureau)",
)
def registration(request: HttpRequest, source_id: int, action: str, payload: RegistrationIn) -> HazardSource:
    services.do_registration(acting_user=request.user, source_id=source_id, action=action, **payload.dict())
    return _detail(request, source_id)
