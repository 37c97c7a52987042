import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ConfigDict, Field

from ansheng.core import access
from ansheng.core.api import ErrorOut
from ansheng.enterprises import services
from ansheng.enterprises.filtersets import apply_filters
from ansheng.enterprises.models import Enterprise, Licence

router = Router(tags=["enterprises"])


class EnterpriseItem(Schema):
    id: int
    credit_code: str
    name: str
    county: str
    county_name: str
    category: str
    category_label: str
    status: str
    is_above_scale: bool
    employees: int
    longitude: Decimal | None
    latitude: Decimal | None

    @staticmethod
    def resolve_county(obj: Enterprise) -> str:
        return obj.county_id

    @staticmethod
    def resolve_county_name(obj: Enterprise) -> str:
        return obj.county.name

    @staticmethod
    def resolve_category_label(obj: Enterprise) -> str:
        return str(obj.get_category_display())


class LicenceOut(Schema):
    id: int
    kind: str
    number: str
    issued_by: str
    issued_on: dt.date | None
    expires_on: dt.date
    scope: str
    state: str | None


class WarningOut(Schema):
    what: str
    expires_on: dt.date | None
    state: str


class EnterpriseDetail(EnterpriseItem):
    former_names: list[str]
    legal_representative: str
    principal_name: str
    principal_phone: str
    safety_manager_name: str
    safety_manager_phone: str
    registered_address: str
    operating_address: str
    township: str | None
    park: int | None
    industry_code: str
    standardisation_level: str
    standardisation_expiry: dt.date | None
    insurer: str
    insurance_policy: str
    insurance_start: dt.date | None
    insurance_end: dt.date | None
    regulators: list[int]
    licences: list[LicenceOut]
    warnings: list[WarningOut]
    updated_at: dt.datetime

    @staticmethod
    def resolve_township(obj: Enterprise) -> str | None:
        return obj.township_id

    @staticmethod
    def resolve_park(obj: Enterprise) -> int | None:
        return obj.park_id

    @staticmethod
    def resolve_regulators(obj: Enterprise) -> list[int]:
        return sorted(obj.regulators.values_list("pk", flat=True))

    @staticmethod
    def resolve_licences(obj: Enterprise) -> list[Licence]:
        return list(obj.licences.all())

    @staticmethod
    def resolve_warnings(obj: Enterprise) -> list[dict[str, Any]]:
        return [{**w, "what": str(w["what"])} for w in obj.expiry_warnings()]


class EnterpriseFields(Schema):
    """Fields of an enterprise; on PATCH every field is optional and only those sent are changed."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is an error, never silently dropped

    credit_code: str | None = Field(None, max_length=64, description="统一社会信用代码 (GB 32100-2015)")
    name: str | None = Field(None, max_length=128)
    former_names: list[str] | None = None
    legal_representative: str | None = Field(None, max_length=64)
    principal_name: str | None = Field(None, max_length=64)
    principal_phone: str | None = Field(None, max_length=32)
    safety_manager_name: str | None = Field(None, max_length=64)
    safety_manager_phone: str | None = Field(None, max_length=32)
    registered_address: str | None = Field(None, max_length=200)
    operating_address: str | None = Field(None, max_length=200)
    longitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    latitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    county: str | None = Field(None, max_length=12, description="6-digit county code")
    township: str | None = Field(None, max_length=12)
    park: int | None = None
    industry_code: str | None = Field(None, max_length=16, description="GB/T 4754-2017, e.g. C2614")
    category: str | None = Field(None, max_length=32)
    is_above_scale: bool | None = None
    employees: int | None = Field(None, ge=0, le=10_000_000)
    standardisation_level: str | None = Field(None, max_length=8)
    standardisation_expiry: dt.date | None = None
    insurer: str | None = Field(None, max_length=64)
    insurance_policy: str | None = Field(None, max_length=64)
    insurance_start: dt.date | None = None
    insurance_end: dt.date | None = None
    status: str | None = Field(None, max_length=16)
    regulators: list[int] | None = None


class EnterpriseCreate(EnterpriseFields):
    credit_code: str = Field(..., max_length=64)
    name: str = Field(..., max_length=128)
    county: str = Field(..., max_length=12)
    category: str = Field(..., max_length=32)


class EnterpriseFilters(Schema):
    q: str | None = Field(None, max_length=100, description="name, former name or credit code")
    county: str | None = Field(None, max_length=12, description="county code (or a prefix of it)")
    category: str | None = Field(None, max_length=32)
    status: str | None = Field(None, max_length=16)
    park: int | None = None
    above_scale: bool | None = None
    expiring: bool | None = None


def _detail_queryset() -> Any:
    return Enterprise.objects.select_related("county").prefetch_related("licences", "regulators")


@router.get("", response=list[EnterpriseItem], summary="Enterprises in the caller's jurisdiction")
@paginate(LimitOffsetPagination)
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilters]) -> Any:
    rows = access.restrict(Enterprise.objects.select_related("county"), request.user, "view", "enterprise")
    return apply_filters(rows, filters.dict(exclude_none=True)).order_by("name", "id")


@router.post("", response={201: EnterpriseDetail, 403: ErrorOut, 422: ErrorOut}, summary="Register an enterprise")
def create_enterprise(request: HttpRequest, payload: EnterpriseCreate) -> Status[Enterprise]:
    enterprise = services.do_create_enterprise(acting_user=request.user, data=payload.dict(exclude_unset=True))
    return Status(201, _detail_queryset().get(pk=enterprise.pk))


class ImportQueued(Schema):
    job: int
    rows: int
    status_url: str


@router.post(
    "/import",
    response={202: ImportQueued, 403: ErrorOut, 422: ErrorOut},
    summary="Import enterprises from an .xlsx file made from the template; poll the job for progress",
)
def import_enterprises(
    request: HttpRequest, file: File[UploadedFile], update_existing: Form[bool] = False
) -> Status[ImportQueued]:
    job, rows = services.do_queue_import(acting_user=request.user, upload=file, update_existing=update_existing)
    return Status(202, ImportQueued(job=job.pk, rows=rows, status_url=f"/api/v1/jobs/{job.pk}"))


@router.get("/{enterprise_id}", response={200: EnterpriseDetail, 404: ErrorOut}, summary="One enterprise")
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    return access.get_for(request.user, _detail_queryset(), enterprise_id, "view", "enterprise")


@router.patch(
    "/{enterprise_id}",
    response={200: EnterpriseDetail, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change fields of an enterprise",
)
def update_enterprise(request: HttpRequest, enterprise_id: int, payload: EnterpriseFields) -> Enterprise:
    services.do_update_enterprise(
        acting_user=request.user, enterprise_id=enterprise_id, changes=payload.dict(exclude_unset=True)
    )
    return _detail_queryset().get(pk=enterprise_id)


class LicenceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(..., max_length=32)
    number: str = Field(..., max_length=64)
    issued_by: str = Field("", max_length=64)
    issued_on: dt.date | None = None
    expires_on: dt.date
    scope: str = Field("", max_length=200)


@router.post(
    "/{enterprise_id}/licences",
    response={201: LicenceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a licence",
)
def add_licence(request: HttpRequest, enterprise_id: int, payload: LicenceIn) -> Status[Licence]:
    return Status(
        201, services.do_add_licence(acting_user=request.user, enterprise_id=enterprise_id, data=payload.dict())
    )


@router.delete(
    "/{enterprise_id}/licences/{licence_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Remove a licence",
)
def remove_licence(request: HttpRequest, enterprise_id: int, licence_id: int) -> Status[None]:
    services.do_remove_licence(acting_user=request.user, enterprise_id=enterprise_id, licence_id=licence_id)
    return Status(204, None)
