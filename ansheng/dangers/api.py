import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ConfigDict, Field

from ansheng.core import access
from ansheng.core.api import ErrorOut
from ansheng.core.errors import ValidationFailed
from ansheng.dangers import services
from ansheng.dangers.filtersets import apply_filters
from ansheng.dangers.models import DangerPhoto, ExtensionRequest, HiddenDanger

router = Router(tags=["hidden dangers"])
NOUN = "hidden_danger"
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class DangerItem(Schema):
    id: int
    number: str
    title: str
    enterprise: int
    enterprise_name: str
    county: str
    source: str
    grade: str = Field(description="一般, 重大, or empty before grading")
    state: str
    deadline: dt.date | None
    overdue: bool
    days_overdue: int
    responsible: int | None
    responsible_name: str
    supervised: bool
    supervision_due: dt.date | None
    reported_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_enterprise(obj: HiddenDanger) -> int:
        return obj.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj: HiddenDanger) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_county(obj: HiddenDanger) -> str:
        return obj.enterprise.county_id

    @staticmethod
    def resolve_grade(obj: HiddenDanger) -> str:
        return obj.grade_short

    @staticmethod
    def resolve_overdue(obj: HiddenDanger) -> bool:
        return obj.is_overdue

    @staticmethod
    def resolve_responsible(obj: HiddenDanger) -> int | None:
        return obj.responsible_id

    @staticmethod
    def resolve_responsible_name(obj: HiddenDanger) -> str:
        return obj.responsible.full_name if obj.responsible_id else ""


class PhotoOut(Schema):
    id: int
    kind: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(obj: DangerPhoto) -> str:
        return f"/api/v1/hidden-dangers/photos/{obj.pk}"


class ExtensionOut(Schema):
    id: int
    current_deadline: dt.date
    new_deadline: dt.date
    reason: str
    requested_on: dt.date
    answer_due: dt.date
    status: str
    answer_note: str


class DangerDetail(DangerItem):
    description: str
    location: str
    longitude: Decimal | None
    latitude: Decimal | None
    origin_label: str
    origin_url: str
    found_at: dt.datetime
    measures: str
    plan: dict[str, str]
    rectification_note: str
    rejections: int
    acceptance_note: str
    on_the_spot: bool
    accepted_at: dt.datetime | None
    evaluation_agency: str
    evaluation_conclusion: str
    review_note: str
    photos: list[PhotoOut]
    extensions: list[ExtensionOut]

    @staticmethod
    def resolve_photos(obj: HiddenDanger) -> list[DangerPhoto]:
        return list(obj.photos.all())

    @staticmethod
    def resolve_extensions(obj: HiddenDanger) -> list[ExtensionRequest]:
        return list(obj.extensions.all())


class DangerFilters(Schema):
    state: str | None = Field(None, max_length=16, description="a state, or open for every state but closed")
    grade: str | None = Field(None, max_length=8, description="一般 or 重大 (or general, major)")
    overdue: bool | None = None
    county: str | None = Field(None, max_length=12)
    enterprise: int | None = None
    supervised: bool | None = None
    source: str | None = Field(None, max_length=16)
    q: str | None = Field(None, max_length=100)


def _queryset() -> Any:
    return HiddenDanger.objects.select_related("enterprise", "responsible")


def _detail(request: HttpRequest, danger_id: int) -> HiddenDanger:
    return access.get_for(request.user, _queryset(), danger_id, "view", NOUN)


@router.get("", response=list[DangerItem], summary="Hidden dangers in the caller's jurisdiction")
@paginate(LimitOffsetPagination)
def list_dangers(request: HttpRequest, filters: Query[DangerFilters]) -> Any:
    rows = access.restrict(_queryset(), request.user, "view", NOUN)
    params = filters.dict(exclude_none=True)
    return apply_filters(rows, params).order_by("-reported_at", "-id")


@router.post("", response={201: DangerDetail, **ERRORS}, summary="Report a hidden danger (multipart, with photos)")
def report_danger(
    request: HttpRequest,
    description: Form[str],
    enterprise: Form[int | None] = None,
    source: Form[str] = "snapshot",
    title: Form[str] = "",
    location: Form[str] = "",
    latitude: Form[Decimal | None] = None,
    longitude: Form[Decimal | None] = None,
    origin_label: Form[str] = "",
    origin_url: Form[str] = "",
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[HiddenDanger]:
    enterprise_id = enterprise or request.user.enterprise_id
    if not enterprise_id:
        raise ValidationFailed(code="required", field="enterprise")
    danger = services.do_report_danger(
        acting_user=request.user,
        enterprise_id=enterprise_id,
        source=source,
        title=title,
        description=description,
        location=location,
        photos=photos or [],
        latitude=latitude,
        longitude=longitude,
        origin_label=origin_label,
        origin_url=origin_url,
    )
    return Status(201, _detail(request, danger.pk))


@router.get("/photos/{photo_id}", response={404: ErrorOut}, summary="A photo (only within the jurisdiction)")
def get_photo(request: HttpRequest, photo_id: int) -> Any:
    photo = services.photo_for(request.user, photo_id)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")
    approve: bool
    note: str = Field("", max_length=2000)


@router.post(
    "/extensions/{extension_id}/answer",
    response={200: ExtensionOut, **ERRORS},
    summary="Answer an extension request (the bureau for 重大, another enterprise administrator for 一般)",
)
def answer_extension(request: HttpRequest, extension_id: int, payload: AnswerIn) -> ExtensionRequest:
    return services.do_answer_extension(acting_user=request.user, extension_id=extension_id, **payload.dict())


@router.get("/{danger_id}", response={200: DangerDetail, 404: ErrorOut}, summary="One hidden danger")
def get_danger(request: HttpRequest, danger_id: int) -> HiddenDanger:
    return _detail(request, danger_id)


class GradeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    grade: str = Field(..., max_length=8, description="一般 or 重大 (or general, major)")
    note: str = Field("", max_length=2000)


@router.post("/{danger_id}/grade", response={200: DangerDetail, **ERRORS}, summary="Grade 一般 or 重大")
def grade(request: HttpRequest, danger_id: int, payload: GradeIn) -> HiddenDanger:
    services.do_grade_danger(acting_user=request.user, danger_id=danger_id, **payload.dict())
    return _detail(request, danger_id)


class PlanIn(Schema):
    model_config = ConfigDict(extra="forbid")
    goals: str = Field("", max_length=4000)
    measures: str = Field("", max_length=4000)
    funds: str = Field("", max_length=4000)
    organisation: str = Field("", max_length=4000)
    time_limit: str = Field("", max_length=4000)
    safety: str = Field("", max_length=4000)


class AssignIn(Schema):
    model_config = ConfigDict(extra="forbid")
    responsible: int
    deadline: dt.date
    measures: str = Field("", max_length=4000)
    plan: PlanIn | None = Field(None, description="required for 重大 (安监总局令第16号 第十五条)")


@router.post("/{danger_id}/assign", response={200: DangerDetail, **ERRORS}, summary="Name the responsible person")
def assign(request: HttpRequest, danger_id: int, payload: AssignIn) -> HiddenDanger:
    services.do_assign_danger(
        acting_user=request.user,
        danger_id=danger_id,
        responsible_id=payload.responsible,
        deadline=payload.deadline,
        measures=payload.measures,
        plan=payload.plan.dict() if payload.plan else None,
    )
    return _detail(request, danger_id)


@router.post("/{danger_id}/start", response={200: DangerDetail, **ERRORS}, summary="Start rectifying")
def start(request: HttpRequest, danger_id: int) -> HiddenDanger:
    services.do_start_rectification(acting_user=request.user, danger_id=danger_id)
    return _detail(request, danger_id)


@router.post(
    "/{danger_id}/submit", response={200: DangerDetail, **ERRORS}, summary="Submit the rectification (multipart)"
)
def submit(
    request: HttpRequest,
    danger_id: int,
    description: Form[str] = "",
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> HiddenDanger:
    services.do_submit_rectification(
        acting_user=request.user, danger_id=danger_id, description=description, photos=photos or []
    )
    return _detail(request, danger_id)


@router.post(
    "/{danger_id}/on-the-spot",
    response={200: DangerDetail, **ERRORS},
    summary="Fix a 一般 danger on the spot and close it (multipart, after-photos)",
)
def on_the_spot(
    request: HttpRequest,
    danger_id: int,
    description: Form[str] = "",
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> HiddenDanger:
    services.do_rectify_on_the_spot(
        acting_user=request.user, danger_id=danger_id, description=description, photos=photos or []
    )
    return _detail(request, danger_id)


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    note: str = Field("", max_length=2000)


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(..., max_length=2000)


@router.post("/{danger_id}/accept", response={200: DangerDetail, **ERRORS}, summary="Accept (not by the rectifier)")
def accept(request: HttpRequest, danger_id: int, payload: NoteIn) -> HiddenDanger:
    services.do_accept_rectification(acting_user=request.user, danger_id=danger_id, note=payload.note)
    return _detail(request, danger_id)


@router.post("/{danger_id}/reject", response={200: DangerDetail, **ERRORS}, summary="Send back to rectifying")
def reject(request: HttpRequest, danger_id: int, payload: ReasonIn) -> HiddenDanger:
    services.do_reject_rectification(acting_user=request.user, danger_id=danger_id, reason=payload.reason)
    return _detail(request, danger_id)


@router.post("/{danger_id}/close", response={200: DangerDetail, **ERRORS}, summary="销号 of an accepted 一般 danger")
def close(request: HttpRequest, danger_id: int, payload: NoteIn) -> HiddenDanger:
    services.do_close_danger(acting_user=request.user, danger_id=danger_id, note=payload.note)
    return _detail(request, danger_id)


class EvaluationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    agency: str = Field(..., max_length=200)
    conclusion: str = Field(..., max_length=4000)


@router.post("/{danger_id}/evaluation", response={200: DangerDetail, **ERRORS}, summary="重大: submit the evaluation")
def evaluation(request: HttpRequest, danger_id: int, payload: EvaluationIn) -> HiddenDanger:
    services.do_submit_evaluation(acting_user=request.user, danger_id=danger_id, **payload.dict())
    return _detail(request, danger_id)


@router.post("/{danger_id}/review", response={200: DangerDetail, **ERRORS}, summary="重大: the bureau's review")
def review(request: HttpRequest, danger_id: int, payload: AnswerIn) -> HiddenDanger:
    services.do_review_closure(acting_user=request.user, danger_id=danger_id, **payload.dict())
    return _detail(request, danger_id)


class SupervisionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    due: dt.date
    note: str = Field("", max_length=2000)


@router.post("/{danger_id}/supervision", response={200: DangerDetail, **ERRORS}, summary="重大: 挂牌督办")
def supervision(request: HttpRequest, danger_id: int, payload: SupervisionIn) -> HiddenDanger:
    services.do_order_supervision(acting_user=request.user, danger_id=danger_id, **payload.dict())
    return _detail(request, danger_id)


class ExtensionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    new_deadline: dt.date
    reason: str = Field(..., max_length=2000)


@router.post(
    "/{danger_id}/extensions",
    response={201: ExtensionOut, **ERRORS},
    summary="Request a later deadline (≥ 10 days before it, 安监总局令第15号 第十七条)",
)
def request_extension(request: HttpRequest, danger_id: int, payload: ExtensionIn) -> Status[ExtensionRequest]:
    return Status(201, services.do_request_extension(acting_user=request.user, danger_id=danger_id, **payload.dict()))
