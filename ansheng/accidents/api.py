import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from ansheng.accidents import services, statistics
from ansheng.accidents.choices import Grade, Sector, StepState
from ansheng.accidents.filtersets import apply_filters
from ansheng.accidents.models import Accident, FigureChange, FollowUp, Investigation, Measure, ReportStep
from ansheng.accidents.models.accidents import FIGURES
from ansheng.core import access
from ansheng.core.api import ErrorOut

router = Router(tags=["accidents"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class AccidentItem(Schema):
    id: int
    number: str
    status: str
    source: str
    unit_name: str
    enterprise: int | None
    county: str
    county_name: str
    place: str
    longitude: Decimal | None
    latitude: Decimal | None
    occurred_at: dt.datetime
    reported_at: dt.datetime
    sector: str
    category: str
    grade: int = Field(description="1 一般, 2 较大, 3 重大, 4 特别重大 (493号令 第三条)")
    grade_label: str
    large_risk: bool
    deaths: int
    missing: int
    serious_injuries: int
    minor_injuries: int
    direct_loss_10k_yuan: Decimal = Field(description="provisional estimate, 万元")
    in_statistics: bool
    late: bool = Field(description="a link of the reporting chain was late (迟报) or not reported by the unit")

    @staticmethod
    def resolve_enterprise(obj: Accident) -> int | None:
        return obj.enterprise_id

    @staticmethod
    def resolve_county(obj: Accident) -> str:
        return obj.county_id

    @staticmethod
    def resolve_county_name(obj: Accident) -> str:
        return obj.county.name

    @staticmethod
    def resolve_grade_label(obj: Accident) -> str:
        return Grade.KEYS[obj.grade]

    @staticmethod
    def resolve_direct_loss_10k_yuan(obj: Accident) -> Decimal:
        return obj.direct_loss

    @staticmethod
    def resolve_late(obj: Accident) -> bool:
        return any(s.late_seconds or s.state == StepState.NOT_REPORTED for s in obj.steps.all())


class StepOut(Schema):
    id: int
    sender: str
    sender_label: str
    recipient: str
    recipient_label: str
    channel: str
    clause: str
    within_minutes: int
    mandatory: bool
    tracked: bool = Field(description="sent by a level that acts in the platform (unit, county, city)")
    state: str
    deadline: dt.datetime
    seconds_left: int | None = Field(None, description="until the deadline, now; negative when overdue")
    done_at: dt.datetime | None
    recipient_contact: str
    late_seconds: int | None

    @staticmethod
    def resolve_sender_label(obj: ReportStep) -> str:
        return obj.labels()[0]

    @staticmethod
    def resolve_recipient_label(obj: ReportStep) -> str:
        return obj.labels()[1]

    @staticmethod
    def resolve_seconds_left(obj: ReportStep) -> int | None:
        if obj.state not in {StepState.PENDING, StepState.NOT_REPORTED} or not obj.tracked:
            return None
        return int((obj.deadline - timezone.now()).total_seconds())


class FollowUpOut(Schema):
    id: int
    at: dt.datetime
    by_name: str
    text: str
    figures: dict[str, str]
    due_at: dt.datetime | None
    late_seconds: int | None


class FigureChangeOut(Schema):
    at: dt.datetime
    by_name: str
    field: str
    confirmed: bool
    before: str
    after: str
    reason: str
    source: str
    within_window: bool
    grade_before: int
    grade_after: int


class ResponsibilityOut(Schema):
    id: int
    party: str
    party_kind: str
    position: str
    finding: str
    handling: str
    handled_at: dt.datetime | None
    handled_note: str


class MeasureOut(Schema):
    id: int
    description: str
    responsible: str
    due_on: dt.date
    status: str
    done_at: dt.datetime | None
    done_note: str
    verified_at: dt.datetime | None


class InvestigationOut(Schema):
    level: str
    led_by: str
    team_leader: str
    delegated_to_enterprise: bool
    opened_at: dt.datetime
    appraisal_days: int
    extension_days: int
    extension_reason: str
    report_due: dt.datetime
    report_submitted_at: dt.datetime | None
    report_document: str
    cause: str
    nature: str
    summary: str
    approval_due: dt.datetime | None
    approved_at: dt.datetime | None
    approval_document: str
    approval_authority: str
    education_done_at: dt.datetime | None


class AccidentDetail(AccidentItem):
    unit_overview: str
    industry_code: str
    township: str | None
    learned_at: dt.datetime
    bureau_learned_at: dt.datetime | None
    scene: str
    course: str
    measures_taken: str
    other_info: str
    type_1986: int | None
    type_2025: str
    large_risk_triggers: list[str]
    socially_significant: bool
    poisonings: int
    grade_basis: dict[str, int]
    recount_until: dt.datetime = Field(description="end (exclusive) of the re-count window; figures freeze then")
    figures_frozen_at: dt.datetime | None
    confirmed: dict[str, Any] = Field(description="confirmed figures (null until the window closes)")
    next_followup_due: dt.datetime | None
    response_ended_at: dt.datetime | None
    steps: list[StepOut]
    followups: list[FollowUpOut]
    figure_changes: list[FigureChangeOut]
    investigation: InvestigationOut | None
    responsibilities: list[ResponsibilityOut]
    measures: list[MeasureOut]

    @staticmethod
    def resolve_township(obj: Accident) -> str | None:
        return obj.township_id

    @staticmethod
    def resolve_confirmed(obj: Accident) -> dict[str, Any]:
        return {name: getattr(obj, f"confirmed_{name}") for name in FIGURES}

    @staticmethod
    def resolve_steps(obj: Accident) -> list[ReportStep]:
        return list(obj.steps.all())

    @staticmethod
    def resolve_followups(obj: Accident) -> list[FollowUp]:
        return list(obj.followups.all())

    @staticmethod
    def resolve_figure_changes(obj: Accident) -> list[FigureChange]:
        return list(obj.figure_changes.all())

    @staticmethod
    def resolve_investigation(obj: Accident) -> Investigation | None:
        return Investigation.objects.filter(accident=obj).first()

    @staticmethod
    def resolve_responsibilities(obj: Accident) -> list[Any]:
        return list(obj.responsibilities.all())

    @staticmethod
    def resolve_measures(obj: Accident) -> list[Measure]:
        return list(obj.ordered_measures.all())


class AccidentFilters(Schema):
    q: str | None = Field(None, max_length=100)
    county: str | None = Field(None, max_length=12)
    year: int | None = Field(None, ge=1990, le=2100)
    grade: int | None = Field(None, ge=1, le=4)
    sector: str | None = Field(None, max_length=24)
    status: str | None = Field(None, max_length=24, description="a status, or `open`")
    large_risk: bool | None = None
    late: bool | None = None
    enterprise: int | None = None


def _detail(pk: int) -> Accident:
    return (
        Accident.objects.select_related("county")
        .prefetch_related("steps", "followups", "figure_changes", "responsibilities", "ordered_measures")
        .get(pk=pk)
    )


@router.get("", response=list[AccidentItem], summary="Accidents in the caller's jurisdiction")
@paginate(LimitOffsetPagination)
def list_accidents(request: HttpRequest, filters: Query[AccidentFilters]) -> Any:
    rows = access.restrict(
        Accident.objects.select_related("county").prefetch_related("steps"), request.user, "view", "accident"
    )
    return apply_filters(rows, filters.dict(exclude_none=True)).order_by("-occurred_at", "-id")


class ReportIn(Schema):
    """The first report (493号令 第十二条). Enterprise users report their own accident (unit fields come from the
    registry); a bureau gives the county and, if registered, the enterprise id."""

    enterprise: int | None = None
    unit_name: str | None = Field(None, max_length=128)
    unit_overview: str | None = Field(None, max_length=4000)
    category: str | None = Field(None, max_length=32)
    industry_code: str | None = Field(None, max_length=16)
    sector: str | None = Field(None, max_length=24, description=", ".join(Sector.values()))
    county: str | None = Field(None, max_length=12)
    township: str | None = Field(None, max_length=12)
    place: str | None = Field(None, max_length=200)
    longitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    latitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    occurred_at: dt.datetime
    learned_at: dt.datetime | None = Field(None, description="when the unit head learned of it (the 1-hour clock)")
    bureau_learned_at: dt.datetime | None = None
    reporter_name: str | None = Field(None, max_length=64)
    reporter_phone: str | None = Field(None, max_length=32)
    scene: str | None = Field(None, max_length=4000)
    course: str | None = Field(None, max_length=4000)
    measures_taken: str | None = Field(None, max_length=4000)
    other_info: str | None = Field(None, max_length=4000)
    type_1986: int | None = Field(None, ge=1, le=20)
    type_2025: str | None = Field(None, max_length=16, description="WSA code, e.g. WSA10009")
    deaths: int = Field(0, ge=0, le=100_000)
    missing: int = Field(0, ge=0, le=100_000)
    serious_injuries: int = Field(0, ge=0, le=100_000)
    poisonings: int = Field(0, ge=0, le=100_000)
    minor_injuries: int = Field(0, ge=0, le=100_000)
    direct_loss: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2, description="万元")
    people_at_risk: int = Field(0, ge=0, le=100_000)
    trapped: int = Field(0, ge=0, le=100_000)
    evacuated: int = Field(0, ge=0, le=10_000_000)
    serious_pollution: bool = False
    important_facilities: bool = False
    other_large_risk: bool = False
    socially_significant: bool = False


@router.post("", response={201: AccidentDetail, **ERRORS}, summary="Report an accident (快报)")
def report_accident(request: HttpRequest, payload: ReportIn) -> Status:
    accident = services.do_report_accident(acting_user=request.user, data=payload.dict(exclude_none=True))
    return Status(201, _detail(accident.pk))


class StatisticsQuery(Schema):
    region: str | None = Field(None, max_length=12, description="city or county code (default: the city)")
    year_from: int | None = Field(None, alias="from", ge=1990, le=2100)
    year_to: int | None = Field(None, alias="to", ge=1990, le=2100)


class SectorStats(Schema):
    accidents: int
    deaths: int
    serious_injuries: int


class YearStats(Schema):
    year: int
    accidents: int
    deaths: int
    missing: int
    serious_injuries: int
    minor_injuries: int
    direct_loss_10k_yuan: float
    by_grade: dict[str, int] = Field(description="accidents keyed 一般/较大/重大/特别重大")
    deaths_by_grade: dict[str, int]
    by_sector: dict[str, SectorStats]
    large_risk: int = Field(description="较大涉险事故 (counted whether or not in the statistics)")
    provisional: int = Field(description="accidents whose figures are not yet confirmed (window still open)")


class StatisticsOut(Schema):
    region: str
    region_name: str
    items: list[YearStats]
    count: int


@router.get("/statistics", response={200: StatisticsOut, **ERRORS}, summary="Accident statistics per year")
def accident_statistics(request: HttpRequest, query: Query[StatisticsQuery]) -> dict[str, Any]:
    region = statistics.region_for(request.user, query.region)
    start, end = statistics.check_years(query.year_from, query.year_to, timezone.localdate().year)
    items = statistics.yearly(request.user, region, start, end)
    for item in items:
        item["direct_loss_10k_yuan"] = float(item["direct_loss_10k_yuan"])
    return {"region": region.pk, "region_name": region.name, "items": items, "count": len(items)}


@router.get("/{accident_id}", response={200: AccidentDetail, 404: ErrorOut}, summary="One accident")
def get_accident(request: HttpRequest, accident_id: int) -> Accident:
    accident = access.get_for(request.user, Accident.objects.all(), accident_id, "view", "accident")
    return _detail(accident.pk)


class DetailsIn(Schema):
    unit_name: str | None = Field(None, max_length=128)
    unit_overview: str | None = Field(None, max_length=4000)
    reporter_name: str | None = Field(None, max_length=64)
    reporter_phone: str | None = Field(None, max_length=32)
    township: str | None = Field(None, max_length=12)
    place: str | None = Field(None, max_length=200)
    longitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    latitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    scene: str | None = Field(None, max_length=4000)
    course: str | None = Field(None, max_length=4000)
    measures_taken: str | None = Field(None, max_length=4000)
    other_info: str | None = Field(None, max_length=4000)
    reason: str = Field("", max_length=200)


@router.patch("/{accident_id}", response={200: AccidentDetail, **ERRORS}, summary="Change descriptive fields")
def update_accident(request: HttpRequest, accident_id: int, payload: DetailsIn) -> Accident:
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    services.do_update_details(acting_user=request.user, accident_id=accident_id, changes=data, reason=reason)
    return _detail(accident_id)


class FiguresIn(Schema):
    deaths: int | None = Field(None, ge=0, le=100_000)
    missing: int | None = Field(None, ge=0, le=100_000)
    serious_injuries: int | None = Field(None, ge=0, le=100_000)
    poisonings: int | None = Field(None, ge=0, le=100_000)
    minor_injuries: int | None = Field(None, ge=0, le=100_000)
    direct_loss: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2, description="万元")


class CorrectionIn(Schema):
    changes: FiguresIn
    reason: str = Field(..., max_length=300)


@router.post(
    "/{accident_id}/figures",
    response={200: AccidentDetail, **ERRORS},
    summary="Correct casualty figures within the re-count window (re-grades); refused after it (409)",
)
def correct_figures(request: HttpRequest, accident_id: int, payload: CorrectionIn) -> Accident:
    services.do_correct_figures(
        acting_user=request.user,
        accident_id=accident_id,
        changes=payload.changes.dict(exclude_none=True),
        reason=payload.reason,
    )
    return _detail(accident_id)


class FollowUpIn(Schema):
    text: str = Field(..., max_length=4000)
    at: dt.datetime | None = None
    figures: FiguresIn | None = None


@router.post("/{accident_id}/followups", response={201: FollowUpOut, **ERRORS}, summary="File a follow-up (续报)")
def add_followup(request: HttpRequest, accident_id: int, payload: FollowUpIn) -> Status:
    followup = services.do_add_followup(
        acting_user=request.user,
        accident_id=accident_id,
        text=payload.text,
        figures=payload.figures.dict(exclude_none=True) if payload.figures else None,
        at=payload.at,
    )
    return Status(201, followup)


class StepIn(Schema):
    done_at: dt.datetime | None = None
    recipient_contact: str = Field("", max_length=100)
    note: str = Field("", max_length=200)


@router.post(
    "/{accident_id}/steps/{step_id}",
    response={200: StepOut, **ERRORS},
    summary="Record that a level reported up the chain",
)
def record_step(request: HttpRequest, accident_id: int, step_id: int, payload: StepIn) -> ReportStep:
    return services.do_record_step(acting_user=request.user, accident_id=accident_id, step_id=step_id, **payload.dict())


class NoteIn(Schema):
    note: str = Field("", max_length=300)
    at: dt.datetime | None = None


@router.post(
    "/{accident_id}/response-ended",
    response={200: AccidentDetail, **ERRORS},
    summary="The emergency response has ended (daily follow-ups stop)",
)
def end_response(request: HttpRequest, accident_id: int, payload: NoteIn) -> Accident:
    services.do_end_response(acting_user=request.user, accident_id=accident_id, at=payload.at, note=payload.note)
    return _detail(accident_id)


class VerifyIn(Schema):
    sector: str | None = Field(None, max_length=24)
    category: str | None = Field(None, max_length=32)
    industry_code: str | None = Field(None, max_length=16)
    type_1986: int | None = Field(None, ge=1, le=20)
    type_2025: str | None = Field(None, max_length=16)
    socially_significant: bool | None = None
    people_at_risk: int | None = Field(None, ge=0, le=100_000)
    trapped: int | None = Field(None, ge=0, le=100_000)
    evacuated: int | None = Field(None, ge=0, le=10_000_000)
    serious_pollution: bool | None = None
    important_facilities: bool | None = None
    other_large_risk: bool | None = None
    note: str = Field("", max_length=300)


@router.post("/{accident_id}/verify", response={200: AccidentDetail, **ERRORS}, summary="Verify (核实)")
def verify(request: HttpRequest, accident_id: int, payload: VerifyIn) -> Accident:
    data = payload.dict(exclude_none=True)
    note = data.pop("note", "")
    services.do_verify_accident(acting_user=request.user, accident_id=accident_id, changes=data, note=note)
    return _detail(accident_id)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=300)


@router.post("/{accident_id}/withdraw", response={200: AccidentDetail, **ERRORS}, summary="Withdraw a report")
def withdraw(request: HttpRequest, accident_id: int, payload: ReasonIn) -> Accident:
    services.do_withdraw_accident(acting_user=request.user, accident_id=accident_id, reason=payload.reason)
    return _detail(accident_id)


class OpenInvestigationIn(Schema):
    led_by: str = Field(..., max_length=128)
    team_leader: str = Field("", max_length=64)
    opened_at: dt.datetime | None = None
    delegated_to_enterprise: bool = False


@router.post(
    "/{accident_id}/investigation", response={201: InvestigationOut, **ERRORS}, summary="Form the investigation team"
)
def open_investigation(
    request: HttpRequest, accident_id: int, payload: OpenInvestigationIn
) -> Status:
    return Status(
        201, services.do_open_investigation(acting_user=request.user, accident_id=accident_id, **payload.dict())
    )


class DaysIn(Schema):
    days: int = Field(..., ge=0, le=3650)
    reason: str = Field("", max_length=200)


@router.post(
    "/{accident_id}/investigation/extension",
    response={200: InvestigationOut, **ERRORS},
    summary="Extend the report deadline (once, at most 60 days)",
)
def extend(request: HttpRequest, accident_id: int, payload: DaysIn) -> Investigation:
    return services.do_extend_investigation(
        acting_user=request.user, accident_id=accident_id, days=payload.days, reason=payload.reason
    )


@router.post(
    "/{accident_id}/investigation/appraisal",
    response={200: InvestigationOut, **ERRORS},
    summary="Days of technical appraisal (not counted in the 60 days)",
)
def appraisal(request: HttpRequest, accident_id: int, payload: DaysIn) -> Investigation:
    return services.do_record_appraisal(
        acting_user=request.user, accident_id=accident_id, days=payload.days, note=payload.reason
    )


class ResponsibilityIn(Schema):
    party: str = Field(..., max_length=128)
    party_kind: str = Field("person", max_length=8)
    position: str = Field("", max_length=64)
    finding: str = Field(..., max_length=2000)
    handling: str = Field(..., max_length=16)


class MeasureIn(Schema):
    description: str = Field(..., max_length=2000)
    responsible: str = Field(..., max_length=128)
    due_on: dt.date


class InvestigationReportIn(Schema):
    cause: str = Field(..., max_length=8000)
    nature: str = Field(..., max_length=16)
    summary: str = Field("", max_length=8000)
    document: str = Field("", max_length=100)
    submitted_at: dt.datetime | None = None
    confirmed_direct_loss: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    responsibilities: list[ResponsibilityIn] = Field(default_factory=list, max_length=200)
    measures: list[MeasureIn] = Field(default_factory=list, max_length=200)


@router.post(
    "/{accident_id}/investigation/report",
    response={200: InvestigationOut, **ERRORS},
    summary="Submit the investigation report",
)
def submit_report(request: HttpRequest, accident_id: int, payload: InvestigationReportIn) -> Investigation:
    data = payload.dict()
    return services.do_submit_investigation_report(acting_user=request.user, accident_id=accident_id, **data)


@router.post(
    "/{accident_id}/investigation/return",
    response={200: InvestigationOut, **ERRORS},
    summary="Send the report back to the team",
)
def return_report(request: HttpRequest, accident_id: int, payload: NoteIn) -> Investigation:
    return services.do_return_investigation_report(acting_user=request.user, accident_id=accident_id, note=payload.note)


class ApprovalIn(Schema):
    document: str = Field(..., max_length=100)
    authority: str = Field("", max_length=128)
    approved_at: dt.datetime | None = None


@router.post(
    "/{accident_id}/investigation/approval",
    response={200: InvestigationOut, **ERRORS},
    summary="Approve the report (批复)",
)
def approve(request: HttpRequest, accident_id: int, payload: ApprovalIn) -> Investigation:
    return services.do_approve_investigation_report(acting_user=request.user, accident_id=accident_id, **payload.dict())


@router.post(
    "/{accident_id}/responsibilities/{responsibility_id}/handled",
    response={200: ResponsibilityOut, **ERRORS},
    summary="A responsible party has been dealt with",
)
def handled(request: HttpRequest, accident_id: int, responsibility_id: int, payload: NoteIn) -> Any:
    return services.do_record_handling(
        acting_user=request.user,
        accident_id=accident_id,
        responsibility_id=responsibility_id,
        note=payload.note,
        at=payload.at,
    )


@router.post(
    "/{accident_id}/measures/{measure_id}/done",
    response={200: MeasureOut, **ERRORS},
    summary="A measure has been carried out",
)
def measure_done(request: HttpRequest, accident_id: int, measure_id: int, payload: NoteIn) -> Measure:
    return services.do_complete_measure(
        acting_user=request.user, accident_id=accident_id, measure_id=measure_id, note=payload.note
    )


class VerificationIn(Schema):
    accept: bool = True
    note: str = Field("", max_length=300)


@router.post(
    "/{accident_id}/measures/{measure_id}/verification",
    response={200: MeasureOut, **ERRORS},
    summary="Accept a measure, or send it back",
)
def measure_verification(request: HttpRequest, accident_id: int, measure_id: int, payload: VerificationIn) -> Measure:
    return services.do_verify_measure(
        acting_user=request.user,
        accident_id=accident_id,
        measure_id=measure_id,
        accept=payload.accept,
        note=payload.note,
    )


@router.post(
    "/{accident_id}/education",
    response={200: InvestigationOut, **ERRORS},
    summary="The warning education has been held",
)
def education(request: HttpRequest, accident_id: int, payload: NoteIn) -> Investigation:
    return services.do_record_education(
        acting_user=request.user, accident_id=accident_id, note=payload.note, at=payload.at
    )


@router.post(
    "/{accident_id}/close",
    response={200: AccidentDetail, **ERRORS},
    summary="Close the case (all four 不放过 must hold)",
)
def close(request: HttpRequest, accident_id: int) -> Accident:
    services.do_close_accident(acting_user=request.user, accident_id=accident_id)
    return _detail(accident_id)
