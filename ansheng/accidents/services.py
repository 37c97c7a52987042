"""The one write path of the accident register (ARCHITECTURE principle 1).

Every function takes the acting user and an injectable ``now`` (so tests move the clock), runs in one transaction,
locks the accident it changes, and appends its step to the hash-chained audit log. The report's lifecycle is the
table ``TRANSITIONS``; every state change goes through ``_transition``, which also refuses a concurrent change with a
conditional update.

The numbers of the rules (grades, deadlines, windows, frequencies) come from ``ansheng.domain.accidents`` and
``ansheng.domain.report_clock``; nothing here restates one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.accidents.choices import (
    TRACKED_SENDERS,
    FigureSource,
    Grade,
    MeasureStatus,
    Nature,
    Sector,
    Source,
    Status,
    StepState,
)
from ansheng.accidents.models import (
    Accident,
    FigureChange,
    FollowUp,
    Investigation,
    Measure,
    ReportStep,
    Responsibility,
)
from ansheng.accidents.models.accidents import FIGURES, YUAN_PER_WAN
from ansheng.core import access
from ansheng.core.audit import append_event, log_change, snapshot
from ansheng.core.choices import ChangeAction, Role
from ansheng.core.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    from_domain,
    full_clean,
    reject_unknown_fields,
)
from ansheng.core.models import Region, User
from ansheng.domain import accidents as rules
from ansheng.domain import report_clock
from ansheng.domain.accidents import AccidentGrade
from ansheng.domain.errors import DomainError

# --- the lifecycle -------------------------------------------------------------------------------------------------

# action: (states it may start from, state it leads to, permission needed, label)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str, Any]] = {
    "verify": (frozenset({Status.REPORTED}), Status.VERIFIED, "verify", _("核实")),
    "withdraw": (frozenset({Status.REPORTED, Status.VERIFIED}), Status.WITHDRAWN, "withdraw", _("撤销")),
    "open_investigation": (frozenset({Status.VERIFIED}), Status.INVESTIGATING, "investigate", _("成立调查组")),
    "submit_report": (frozenset({Status.INVESTIGATING}), Status.REPORT_SUBMITTED, "investigate", _("提交调查报告")),
    "return_report": (frozenset({Status.REPORT_SUBMITTED}), Status.INVESTIGATING, "investigate", _("退回调查报告")),
    "approve": (frozenset({Status.REPORT_SUBMITTED}), Status.APPROVED, "investigate", _("批复调查报告")),
    "close": (frozenset({Status.APPROVED}), Status.CLOSED, "close", _("结案")),
}

# Fields the services set themselves (not validated as user input when an accident is checked).
SET_BY_SERVICE = ["number", "county", "township", "enterprise", "reported_by", "year", "month"]
REPORT_FIELDS = frozenset(
    {
        "enterprise",
        "unit_name",
        "unit_overview",
        "category",
        "industry_code",
        "sector",
        "occurred_at",
        "learned_at",
        "bureau_learned_at",
        "reporter_name",
        "reporter_phone",
        "county",
        "township",
        "place",
        "longitude",
        "latitude",
        "scene",
        "course",
        "measures_taken",
        "other_info",
        "type_1986",
        "type_2025",
        "socially_significant",
        "people_at_risk",
        "trapped",
        "evacuated",
        "serious_pollution",
        "important_facilities",
        "other_large_risk",
        *FIGURES,
    }
)
DETAIL_FIELDS = frozenset(
    {
        "unit_name",
        "unit_overview",
        "reporter_name",
        "reporter_phone",
        "township",
        "place",
        "longitude",
        "latitude",
        "scene",
        "course",
        "measures_taken",
        "other_info",
    }
)
CLASSIFICATION_FIELDS = frozenset(
    {
        "sector",
        "category",
        "industry_code",
        "type_1986",
        "type_2025",
        "socially_significant",
        "people_at_risk",
        "trapped",
        "evacuated",
        "serious_pollution",
        "important_facilities",
        "other_large_risk",
    }
)
_LARGE_RISK_FLAGS = ("serious_pollution", "important_facilities", "other_large_risk")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _count_first_day() -> bool:
    return bool(getattr(settings, "ACCIDENT_COUNT_FIRST_DAY", False))


def _domain(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a rule; a DomainError becomes the platform's ValidationFailed with the same code and field."""
    try:
        return call(*args, **kwargs)
    except DomainError as exc:
        raise from_domain(exc) from None


def _load(user: User, accident_id: Any, action: str) -> Accident:
    """The accident, locked for this transaction. Only its own row is locked (``of=self``): the jurisdiction filter
    joins the region table, whose row must not serialise every write in a county."""
    locked = Accident.objects.select_for_update(of=("self",))
    return access.get_for(user, locked, accident_id, action, "accident")


def _transition(accident: Accident, action: str, now: dt.datetime) -> None:
    sources, target, _permission, label = TRANSITIONS[action]
    if accident.status not in sources:
        raise Conflict(
            _("事故当前状态为“%(state)s”，不能%(action)s") % {"state": Status.label(accident.status), "action": label},
            code="invalid_transition",
        )
    changed = Accident.objects.filter(pk=accident.pk, status=accident.status, version=accident.version).update(
        status=target, status_changed_at=now, version=F("version") + 1
    )
    if not changed:  # another request moved it meanwhile
        raise Conflict()
    accident.status = target
    accident.status_changed_at = now
    accident.version += 1


def _event(actor: Any, event: str, accident: Accident, payload: dict[str, Any], at: dt.datetime) -> None:
    append_event(
        actor=actor,
        event=event,
        obj=accident,
        payload={"number": accident.number, **payload},
        region_code=accident.county_id,
        enterprise_id=accident.enterprise_id,
        at=at,
    )


def _aware(value: Any, field: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationFailed(_("时间格式应为 2026-05-01 14:30"), code="invalid_datetime", field=field) from None
    if not isinstance(value, dt.datetime):
        raise ValidationFailed(_("应为日期时间"), code="invalid_datetime", field=field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)  # a time typed in the form is Beijing time (TIME_ZONE)
    return value


def _loss(value: Any, field: str = "direct_loss") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("应为金额（万元）"), code="invalid_number", field=field) from None
    if amount < 0 or not amount.is_finite() or amount >= Decimal("1e12"):
        raise ValidationFailed(_("金额应为 0 以上（万元）"), code="invalid_number", field=field)
    return amount


def _people(value: Any, field: str) -> int:
    if isinstance(value, bool) or value in (None, ""):
        raise ValidationFailed(_("应为人数（整数）"), code="invalid_number", field=field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("应为人数（整数）"), code="invalid_number", field=field) from None
    if number < 0 or number != Decimal(str(value)) or number > 100_000:
        raise ValidationFailed(_("人数应为 0 以上的整数"), code="invalid_number", field=field)
    return number


def _grading(accident: Accident) -> rules.AccidentGrading:
    return rules.grade(accident.deaths, accident.serious_injuries, accident.direct_loss * YUAN_PER_WAN)


def _statistics_flag(accident: Accident) -> bool:
    if accident.status == Status.WITHDRAWN:
        return False
    return bool(
        rules.counts_in_statistics(
            deaths=accident.stat("deaths"),
            injuries=accident.stat("serious_injuries") + accident.stat("minor_injuries"),
            direct_loss_yuan=accident.stat("direct_loss") * YUAN_PER_WAN,
            threshold_yuan=getattr(settings, "ACCIDENT_STATISTICS_CUTOFF_YUAN", None),
        )
    )


def _recount_until(accident: Accident) -> dt.datetime:
    kind = Sector.recount_kind(accident.sector)
    accident.recount_kind = kind.value
    return rules.recount_deadline(accident.occurred_at, kind, count_first_day=_count_first_day())


def _within_window(accident: Accident, now: dt.datetime) -> bool:
    return bool(
        rules.is_within_recount(
            accident.occurred_at, Sector.recount_kind(accident.sector), now, count_first_day=_count_first_day()
        )
    )


def _set_grade(accident: Accident, now: dt.datetime) -> tuple[int, int]:
    before = accident.grade
    grading = _grading(accident)
    accident.grade = int(grading.grade)
    accident.grade_basis = {
        "deaths": int(grading.by_deaths),
        "serious_injuries": int(grading.by_serious_injuries),
        "direct_loss": int(grading.by_direct_loss),
    }
    if accident.grade != before or accident.pk is None:
        accident.graded_at = now
    return before, accident.grade


def _large_risk(accident: Accident, data: Mapping[str, Any]) -> None:
    """Which triggers of 较大涉险事故 hold (21号令 第二十六条), from the counts and flags the report gives."""
    for name in ("people_at_risk", "trapped", "evacuated"):
        if name in data:
            setattr(accident, name, _people(data[name], name))
    flags = dict(accident.large_risk_flags or {})
    for name in _LARGE_RISK_FLAGS:
        if name in data:
            flags[name] = bool(data[name])
    accident.large_risk_flags = flags
    check = _domain(
        rules.large_risk_triggers,
        at_risk=accident.people_at_risk,
        trapped_or_missing=accident.trapped + accident.missing,
        evacuated=accident.evacuated,
        serious_pollution=flags.get("serious_pollution", False),
        important_facilities=flags.get("important_facilities", False),
        other=flags.get("other_large_risk", False),
    )
    accident.large_risk_triggers = list(check.triggers)
    accident.large_risk = check.is_large_risk


# --- notifications ----------------------------------------------------------------------------------------------


def county_supervisors(accident: Accident) -> list[User]:
    return list(User.objects.filter(role=Role.COUNTY_SUPERVISOR, region_id=accident.county_id, is_active=True))


def city_supervisors() -> list[User]:
    city = getattr(settings, "CITY_CODE", "511100")
    return list(User.objects.filter(role__in=[Role.CITY_SUPERVISOR, Role.CITY_ADMIN], region_id=city, is_active=True))


def enterprise_admins(accident: Accident) -> list[User]:
    if accident.enterprise_id is None:
        return []
    return list(User.objects.filter(role=Role.ENTERPRISE_ADMIN, enterprise_id=accident.enterprise_id, is_active=True))


def _notify_later(users: Iterable[User], *, kind: str, title: Any, body: Any, accident: Accident, key: str) -> None:
    from django.urls import reverse

    from ansheng.core.services import do_notify

    recipients = list(users)
    url = reverse("accidents:detail", args=[accident.pk])
    transaction.on_commit(
        lambda: do_notify(recipients, kind=kind, title=str(title), body=str(body), url=url, dedup_key=key)
    )


# --- the reporting chain ----------------------------------------------------------------------------------------


def _chain(accident: Accident) -> tuple[rules.ReportStep, ...]:
    return rules.reporting_chain(
        AccidentGrade(accident.grade), accident.learned_at, socially_significant=accident.socially_significant
    )


def _build_steps(accident: Accident, required_since: dt.datetime) -> list[ReportStep]:
    """Create the links the grade requires that the accident does not have yet; retire those it no longer needs."""
    existing = {(s.sender, s.recipient, s.channel): s for s in accident.steps.all()}
    wanted = set()
    created = []
    for link in _chain(accident):
        key = (link.sender.code, link.recipient.code, link.channel)
        wanted.add(key)
        step = existing.get(key)
        if step is None:
            created.append(
                ReportStep(
                    accident=accident,
                    order=link.order,
                    sender=link.sender.code,
                    recipient=link.recipient.code,
                    channel=link.channel,
                    clause=link.clause,
                    within_minutes=int(link.within.total_seconds() // 60),
                    mandatory=link.mandatory,
                    tracked=link.sender.code in TRACKED_SENDERS,
                    required_since=required_since,
                    deadline=link.deadline,
                )
            )
        elif step.state == StepState.NOT_REQUIRED:
            step.state = StepState.PENDING
            step.required_since = required_since
            step.save(update_fields=["state", "required_since"])
    ReportStep.objects.bulk_create(created)
    for key, step in existing.items():
        if key not in wanted and step.state in {StepState.PENDING, StepState.NOT_REPORTED}:
            step.state = StepState.NOT_REQUIRED
            step.save(update_fields=["state"])
    return created


def _reschedule(accident: Accident) -> list[ReportStep]:
    """Deadlines from actual receipts: each level has its allowance from the moment it received the report
    (493号令 第十一条); a level that has not received it yet is assumed to receive it at the latest legal moment."""
    steps = sorted(accident.steps.all(), key=lambda s: s.order)
    actual: dict[str, dt.datetime] = {"enterprise": accident.learned_at}
    if accident.bureau_learned_at is not None:
        actual["county"] = accident.bureau_learned_at
    for step in steps:
        if step.state == StepState.DONE and step.done_at is not None and step.recipient != "enterprise":
            current = actual.get(step.recipient)
            actual[step.recipient] = step.done_at if current is None else min(current, step.done_at)
    nominal: dict[str, dt.datetime] = {}
    for step in steps:
        received = actual.get(step.sender) or nominal.get(step.sender)
        if received is None:  # pragma: no cover - the chain always starts at the enterprise
            continue
        step.deadline = report_clock.step_deadline(
            received, dt.timedelta(minutes=step.within_minutes), step.required_since
        )
        if step.state == StepState.DONE and step.done_at is not None:
            late = report_clock.late_by(step.deadline, step.done_at)
            step.late_seconds = int(late.total_seconds()) if late else None
        if step.mandatory and step.state != StepState.NOT_REQUIRED and step.recipient not in actual:
            nominal[step.recipient] = min(nominal.get(step.recipient, step.deadline), step.deadline)
    ReportStep.objects.bulk_update(steps, ["deadline", "late_seconds"])
    return steps


def _schedule_followup(accident: Accident) -> None:
    if accident.response_ended_at is not None or not accident.is_open or accident.last_report_at is None:
        accident.next_followup_due = None
        return
    accident.next_followup_due = report_clock.next_followup_due(
        AccidentGrade(accident.grade), accident.last_report_at, large_risk=accident.large_risk
    )


# --- numbering --------------------------------------------------------------------------------------------------


def _number_prefix(county: str, year: int) -> str:
    return f"SG{county}-{year}-"


def _next_number(county: str, year: int) -> str:
    prefix = _number_prefix(county, year)
    last = (
        Accident.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


# --- report -----------------------------------------------------------------------------------------------------


def _resolve_county(value: Any, field: str = "county") -> Region:
    code = getattr(value, "pk", value)
    region = Region.objects.filter(pk=str(code or "").strip()).first() if code else None
    if region is None or region.level != "county":
        raise ValidationFailed(_("请选择区县"), code="invalid_county", field=field)
    return region


def _resolve_township(value: Any, county: Region) -> Region | None:
    if value in (None, ""):
        return None
    code = str(getattr(value, "pk", value)).strip()
    region = Region.objects.filter(pk=code, level="township").first()
    if region is None or not region.pk.startswith(county.pk):
        raise ValidationFailed(_("所选乡镇不属于所选区县"), code="township_outside_county", field="township")
    return region


def _apply_plain(accident: Accident, data: Mapping[str, Any], names: Iterable[str]) -> None:
    for name in names:
        if name not in data:
            continue
        value = data[name]
        if name in {"occurred_at", "learned_at", "bureau_learned_at"}:
            value = _aware(value, name)
        elif name == "type_1986":
            value = None if value in (None, "") else _people(value, name)
        elif name == "socially_significant":
            value = bool(value)
        elif name in {"longitude", "latitude"}:
            value = None if value in (None, "") else Decimal(str(value))
        elif isinstance(value, str):
            value = value.strip()
            if name in {"industry_code", "type_2025"}:
                value = value.upper()
        elif value is None:
            value = ""
        setattr(accident, name, value)


def _apply_figures_fresh(accident: Accident, data: Mapping[str, Any]) -> None:
    for name in FIGURES:
        if name in data and data[name] not in (None, ""):
            setattr(accident, name, _loss(data[name]) if name == "direct_loss" else _people(data[name], name))
    if accident.poisonings > accident.serious_injuries:
        raise ValidationFailed(
            _("急性工业中毒人数计入重伤人数，不能多于重伤人数"), code="poisonings_exceed_serious", field="poisonings"
        )


def _check_times(accident: Accident, now: dt.datetime) -> None:
    errors = []
    if accident.occurred_at > now:
        errors.append(FieldError("occurred_at", "in_future", _("发生时间不能晚于现在")))
    if accident.learned_at < accident.occurred_at:
        errors.append(FieldError("learned_at", "before_occurrence", _("接报时间不能早于事故发生时间")))
    if accident.learned_at > now:
        errors.append(FieldError("learned_at", "in_future", _("接报时间不能晚于现在")))
    if accident.bureau_learned_at is not None and not accident.occurred_at <= accident.bureau_learned_at <= now:
        errors.append(FieldError("bureau_learned_at", "out_of_range", _("获知时间应在事故发生之后、现在之前")))
    if errors:
        raise ValidationFailed(errors=errors)


def do_report_accident(*, acting_user: User, data: Mapping[str, Any], now: dt.datetime | None = None) -> Accident:
    """File the first report (快报) of an accident: by the enterprise whose accident it is, or by a bureau that
    learned of it otherwise. Grades it, lays out the reporting chain with its deadlines and starts the clock."""
    from ansheng.enterprises.models import Enterprise

    now = _now(now)
    access.require(acting_user, "report", "accident")
    reject_unknown_fields(data, REPORT_FIELDS)
    scope = access.scope_for(acting_user)
    accident = Accident(
        reported_at=now, reported_by=acting_user, created_at=now, status_changed_at=now, last_report_at=now
    )
    enterprise = None
    if scope.kind == access.ENTERPRISE:
        enterprise = Enterprise.objects.select_related("county").get(pk=scope.enterprise_id)
        accident.source = Source.ENTERPRISE
    else:
        accident.source = Source.BUREAU
        if data.get("enterprise") not in (None, ""):
            enterprise_id = getattr(data["enterprise"], "pk", data["enterprise"])
            try:
                enterprise = access.get_for(acting_user, Enterprise.objects.select_related("county"), enterprise_id)
            except NotFound:
                raise ValidationFailed(
                    _("所选企业不存在或不在您的辖区内"), code="unknown_enterprise", field="enterprise"
                ) from None
    if enterprise is not None:
        accident.enterprise = enterprise
        accident.county = enterprise.county
        accident.unit_name = enterprise.name
        accident.category = enterprise.category
        accident.industry_code = enterprise.industry_code
        accident.longitude, accident.latitude = enterprise.longitude, enterprise.latitude
    else:
        accident.county = _resolve_county(data.get("county"))
    if not scope.covers_region(accident.county_id) and scope.kind != access.ENTERPRISE:
        raise ValidationFailed(
            _("区县 %(code)s 不在您的辖区内") % {"code": accident.county_id},
            code="outside_jurisdiction",
            field="county",
        )
    plain = [
        n for n in REPORT_FIELDS - set(FIGURES) - CLASSIFICATION_FIELDS if n not in {"enterprise", "county", "township"}
    ]
    if enterprise is not None:
        plain = [n for n in plain if n != "unit_name" or data.get("unit_name")]
    _apply_plain(accident, data, plain)
    if enterprise is not None and accident.longitude is None:
        accident.longitude, accident.latitude = enterprise.longitude, enterprise.latitude
    _apply_plain(accident, data, ["industry_code", "type_1986", "type_2025", "socially_significant"])
    accident.township = _resolve_township(data.get("township"), accident.county)
    accident.sector = str(data.get("sector") or Sector.for_category(accident.category or None))
    if not accident.category:
        accident.category = str(data.get("category") or Sector.default_category(accident.sector))
    elif enterprise is None and data.get("category"):
        accident.category = str(data["category"])
    if accident.source == Source.ENTERPRISE:
        accident.bureau_learned_at = None
    elif accident.bureau_learned_at is None:
        accident.bureau_learned_at = now
    if accident.learned_at is None and accident.occurred_at is not None and accident.source == Source.BUREAU:
        accident.learned_at = accident.occurred_at  # the unit's own moment is unknown: the strictest reading
    _apply_figures_fresh(accident, data)
    missing = [
        FieldError(name, "required", _("此项为必填项"))
        for name in ("unit_name", "occurred_at", "learned_at", "place", "scene", "course", "measures_taken")
        if not getattr(accident, name, None)
    ]
    if missing:
        raise ValidationFailed(errors=missing)
    _check_times(accident, now)
    _large_risk(accident, data)
    accident.recount_until = _recount_until(accident)
    _set_grade(accident, now)
    accident.in_statistics = _statistics_flag(accident)
    accident.year = timezone.localtime(accident.occurred_at).year
    full_clean(
        accident,
        exclude=SET_BY_SERVICE,
        validate_unique=False,
    )
    _schedule_followup(accident)
    for attempt in range(5):
        accident.number = _next_number(accident.county_id, accident.year)
        try:
            with transaction.atomic():
                accident.save(force_insert=True)
                _build_steps(accident, accident.learned_at)
                if accident.source == Source.ENTERPRISE:
                    # The report filed here is the unit's report to the county bureau (493号令 第九条).
                    accident.steps.filter(sender="enterprise", recipient="county").update(
                        state=StepState.DONE,
                        done_at=now,
                        done_by=acting_user,
                        recipient_contact=str(_("安生平台")),
                    )
                else:
                    accident.steps.filter(sender="enterprise").update(state=StepState.NOT_REPORTED)
                steps = _reschedule(accident)
                first = next((s for s in steps if s.sender == "enterprise" and s.recipient == "county"), None)
                _event(
                    acting_user,
                    "accident.reported",
                    accident,
                    {
                        "source": accident.source,
                        "occurred_at": accident.occurred_at,
                        "learned_at": accident.learned_at,
                        "reported_at": now,
                        "figures": {name: getattr(accident, name) for name in FIGURES},
                        "grade": accident.grade,
                        "large_risk": accident.large_risk_triggers,
                        "late_seconds": first.late_seconds if first else None,
                    },
                    now,
                )
        except IntegrityError:
            if attempt == 4:
                raise Conflict(_("事故编号冲突，请重试"), code="number_conflict") from None
            accident.pk = None
            continue
        break
    recipients = county_supervisors(accident)
    if accident.grade >= AccidentGrade.LARGER or accident.large_risk or accident.source == Source.BUREAU:
        recipients += city_supervisors()
    _notify_later(
        recipients,
        kind="accident.reported",
        title=_("事故快报：%(unit)s（%(grade)s）") % {"unit": accident.unit_name, "grade": accident.grade_label},
        body=_("%(place)s，死亡 %(d)s 人、重伤 %(s)s 人。请在时限内逐级上报。")
        % {"place": accident.place, "d": accident.deaths, "s": accident.serious_injuries},
        accident=accident,
        key=f"accident.reported:{accident.pk}",
    )
    return accident


# --- the reporting chain: recording a report up ------------------------------------------------------------------


def may_send(user: User, accident: Accident, sender: str) -> bool:
    if user.role == Role.CITY_ADMIN:
        return True
    if sender == "enterprise":
        # The unit records its own reports; the county may record one it received outside the platform (a call).
        if user.role == Role.ENTERPRISE_ADMIN:
            return user.enterprise_id == accident.enterprise_id
        return user.role == Role.COUNTY_SUPERVISOR
    if sender == "county":
        return user.role == Role.COUNTY_SUPERVISOR
    if sender == "city":
        return user.role == Role.CITY_SUPERVISOR
    return False


def do_record_step(
    *,
    acting_user: User,
    accident_id: int,
    step_id: int,
    done_at: Any = None,
    recipient_contact: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> ReportStep:
    """Record that a level reported up (to the next bureau, its own government, or by phone), and when."""
    now = _now(now)
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "record_step")
        step = accident.steps.select_for_update().filter(pk=step_id).first()
        if step is None:
            raise NotFound()
        if not step.tracked:
            raise Conflict(_("该环节不在本平台办理"), code="step_not_tracked")
        if step.state not in {StepState.PENDING, StepState.NOT_REPORTED}:
            raise Conflict(_("该环节已办理或无需上报"), code="step_closed")
        if not may_send(acting_user, accident, step.sender):
            raise PermissionDenied(
                _("该环节应由“%(sender)s”报告") % {"sender": step.labels()[0]}, code="not_your_level"
            )
        moment = _aware(done_at, "done_at") or now
        if moment > now or moment < accident.occurred_at:
            raise ValidationFailed(_("上报时间应在事故发生之后、现在之前"), code="out_of_range", field="done_at")
        step.state = StepState.DONE
        step.done_at = moment
        step.done_by = acting_user
        step.recipient_contact = (recipient_contact or "").strip()[:100]
        step.note = (note or "").strip()[:200]
        step.save(update_fields=["state", "done_at", "done_by", "recipient_contact", "note"])
        steps = _reschedule(accident)
        step = next(s for s in steps if s.pk == step.pk)
        _event(
            acting_user,
            "accident.step_reported",
            accident,
            {
                "sender": step.sender,
                "recipient": step.recipient,
                "channel": step.channel,
                "deadline": step.deadline,
                "done_at": moment,
                "late_seconds": step.late_seconds,
                "recipient_contact": step.recipient_contact,
            },
            now,
        )
    return step


# --- figures: corrections, follow-ups, re-grading, freezing ------------------------------------------------------


def _freeze(accident: Accident, actor: Any, now: dt.datetime) -> bool:
    """Fix the confirmed figures once the re-count window has closed (493号令 第十三条): counts freeze."""
    if accident.figures_frozen_at is not None or now < accident.recount_until:
        return False
    for name in FIGURES:
        if getattr(accident, f"confirmed_{name}") is None:
            setattr(accident, f"confirmed_{name}", getattr(accident, name))
    accident.figures_frozen_at = now
    accident.in_statistics = _statistics_flag(accident)
    accident.save(
        update_fields=[*(f"confirmed_{n}" for n in FIGURES), "figures_frozen_at", "in_statistics", "updated_at"]
    )
    _event(
        actor,
        "accident.figures_frozen",
        accident,
        {
            "figures": {name: accident.stat(name) for name in FIGURES},
            "grade": accident.grade,
            "recount_until": accident.recount_until,
        },
        now,
    )
    return True


def _parse_changes(accident: Accident, changes: Mapping[str, Any]) -> dict[str, Any]:
    reject_unknown_fields(changes, frozenset(FIGURES))
    parsed: dict[str, Any] = {}
    for name, value in changes.items():
        if value in (None, ""):
            continue
        new = _loss(value, name) if name == "direct_loss" else _people(value, name)
        if new != getattr(accident, name):
            parsed[name] = new
    serious = parsed.get("serious_injuries", accident.serious_injuries)
    if parsed.get("poisonings", accident.poisonings) > serious:
        raise ValidationFailed(
            _("急性工业中毒人数计入重伤人数，不能多于重伤人数"), code="poisonings_exceed_serious", field="poisonings"
        )
    return parsed


def _apply_figures(
    accident: Accident,
    parsed: Mapping[str, Any],
    *,
    actor: User,
    reason: str,
    source: str,
    now: dt.datetime,
) -> list[FigureChange]:
    """Change provisional figures within the window and re-grade; the caller has checked the window."""
    grade_before = accident.grade
    before = {name: getattr(accident, name) for name in parsed}
    for name, value in parsed.items():
        setattr(accident, name, value)
    _large_risk(accident, {})  # missing persons count towards the 较大涉险 triggers
    _, grade_after = _set_grade(accident, now)
    accident.in_statistics = _statistics_flag(accident)
    rows = [
        FigureChange(
            accident=accident,
            at=now,
            by=actor,
            by_name=actor.username,
            field=name,
            before=str(before[name]),
            after=str(value),
            reason=reason[:300],
            source=source,
            within_window=True,
            grade_before=grade_before,
            grade_after=grade_after,
        )
        for name, value in parsed.items()
    ]
    FigureChange.objects.bulk_create(rows)
    _event(
        actor,
        "accident.figures_changed",
        accident,
        {
            "changes": {name: [before[name], value] for name, value in parsed.items()},
            "reason": reason,
            "source": source,
            "grade": [grade_before, grade_after],
            "within_window": True,
        },
        now,
    )
    if grade_after != grade_before:
        _regrade(accident, actor, grade_before, now)
    return rows


def _regrade(accident: Accident, actor: User, grade_before: int, now: dt.datetime) -> None:
    """493号令 第二十条: within the window a change of casualties changes the grade; the chain gains (or loses) the
    links the new grade requires, due from now; the responsible government of an open investigation follows."""
    added = _build_steps(accident, now)
    _reschedule(accident)
    payload: dict[str, Any] = {
        "grade": [grade_before, accident.grade],
        "new_steps": [f"{s.sender}>{s.recipient}:{s.channel}" for s in added],
    }
    investigation = Investigation.objects.filter(accident=accident).first()
    if investigation is not None:
        level = rules.investigation(AccidentGrade(accident.grade), accident.occurred_at).investigated_by.code
        if level != investigation.level:
            payload["investigation_level"] = [investigation.level, level]
            investigation.level = level
            investigation.save(update_fields=["level"])
    _event(actor, "accident.regraded", accident, payload, now)
    if accident.grade > grade_before:
        _notify_later(
            county_supervisors(accident) + city_supervisors(),
            kind="accident.regraded",
            title=_("事故升级为%(grade)s事故：%(unit)s") % {"grade": accident.grade_label, "unit": accident.unit_name},
            body=_("伤亡人数变化后事故等级提高，请按新的等级逐级上报。"),
            accident=accident,
            key=f"accident.regraded:{accident.pk}:{accident.grade}",
        )


def _window_closed(accident: Accident) -> Conflict:
    last_day = timezone.localtime(accident.recount_until - dt.timedelta(microseconds=1)).date()
    days = rules.recount_window_days(Sector.recount_kind(accident.sector))
    return Conflict(
        _("伤亡人数统计期（%(days)s 日）已于 %(day)s 届满，数字已冻结，不再变更等级")
        % {"days": days, "day": last_day.isoformat()},
        code="recount_window_closed",
    )


def do_correct_figures(
    *,
    acting_user: User,
    accident_id: int,
    changes: Mapping[str, Any],
    reason: str,
    now: dt.datetime | None = None,
) -> Accident:
    """Correct casualty figures or the estimated loss within the re-count window, with the reason; re-grades.
    After the window the figures are frozen and the change is refused (493号令 第十三条、第二十条)."""
    now = _now(now)
    reason = (reason or "").strip()
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "correct")
        if not accident.is_open:
            raise Conflict(_("事故已结案或撤销，数字不能再改"), code="accident_not_open")
        if not reason:
            raise ValidationFailed(_("请说明变更原因"), code="required", field="reason")
        if not _within_window(accident, now):
            raise _window_closed(accident)
        parsed = _parse_changes(accident, changes)
        if not parsed:
            raise ValidationFailed(_("数字没有变化"), code="no_change")
        _apply_figures(accident, parsed, actor=acting_user, reason=reason, source=FigureSource.CORRECTION, now=now)
        _schedule_followup(accident)
        accident.save()
    return accident


def do_add_followup(
    *,
    acting_user: User,
    accident_id: int,
    text: str,
    figures: Mapping[str, Any] | None = None,
    at: Any = None,
    now: dt.datetime | None = None,
) -> FollowUp:
    """A follow-up report (续报, 21号令 第十一条). New figures in it change the provisional figures (and may
    re-grade) within the window; after the window they are refused, as for a correction."""
    now = _now(now)
    text = (text or "").strip()
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "follow_up")
        if not accident.is_open:
            raise Conflict(_("事故已结案或撤销"), code="accident_not_open")
        if not text:
            raise ValidationFailed(_("请填写续报内容"), code="required", field="text")
        moment = _aware(at, "at") or now
        if moment > now or moment < accident.reported_at:
            raise ValidationFailed(_("续报时间应在首报之后、现在之前"), code="out_of_range", field="at")
        parsed = _parse_changes(accident, figures or {})
        if parsed:
            if not _within_window(accident, moment):
                raise _window_closed(accident)
            _apply_figures(
                accident, parsed, actor=acting_user, reason=text[:300], source=FigureSource.FOLLOWUP, now=now
            )
        due = accident.next_followup_due
        late = report_clock.late_by(due, moment) if due else None
        followup = FollowUp.objects.create(
            accident=accident,
            at=moment,
            by=acting_user,
            by_name=acting_user.username,
            text=text,
            figures={name: str(value) for name, value in parsed.items()},
            due_at=due,
            late_seconds=int(late.total_seconds()) if late else None,
        )
        accident.last_report_at = max(accident.last_report_at or moment, moment)
        _schedule_followup(accident)
        accident.save()
        _event(
            acting_user,
            "accident.followup",
            accident,
            {"at": moment, "due": due, "late_seconds": followup.late_seconds, "figures": followup.figures},
            now,
        )
    return followup


def do_end_response(
    *, acting_user: User, accident_id: int, at: Any = None, note: str = "", now: dt.datetime | None = None
) -> Accident:
    """The emergency response has ended: daily follow-ups stop (21号令 第十一条); casualty changes within the
    window are still reported."""
    now = _now(now)
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "follow_up")
        if accident.response_ended_at is not None:
            raise Conflict(_("已记录应急处置结束"), code="already_ended")
        moment = _aware(at, "at") or now
        if moment > now or moment < accident.occurred_at:
            raise ValidationFailed(_("时间应在事故发生之后、现在之前"), code="out_of_range", field="at")
        accident.response_ended_at = moment
        _schedule_followup(accident)
        accident.save(update_fields=["response_ended_at", "next_followup_due", "updated_at"])
        _event(acting_user, "accident.response_ended", accident, {"at": moment, "note": note[:300]}, now)
    return accident


def freeze_due_figures(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Freeze every accident whose window has closed (the clock worker calls this). Returns how many."""
    now = _now(now)
    frozen = 0
    ids = list(
        Accident.objects.filter(figures_frozen_at__isnull=True, recount_until__lte=now)
        .exclude(status=Status.WITHDRAWN)
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        with transaction.atomic():
            accident = Accident.objects.select_for_update().filter(pk=pk, figures_frozen_at__isnull=True).first()
            if accident is not None and _freeze(accident, None, now):
                frozen += 1
    return frozen


# --- verification, details, withdrawal ---------------------------------------------------------------------------


def do_update_details(
    *, acting_user: User, accident_id: int, changes: Mapping[str, Any], reason: str = "", now: dt.datetime | None = None
) -> Accident:
    """Descriptive fields of the report (place, scene, course, measures taken …): a registry edit in the change
    log. Figures go through corrections and follow-ups, classification through verification."""
    now = _now(now)
    reject_unknown_fields(changes, DETAIL_FIELDS)
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "correct")
        if not accident.is_open:
            raise Conflict(_("事故已结案或撤销"), code="accident_not_open")
        if acting_user.role in Role.ENTERPRISE and accident.status != Status.REPORTED:
            raise PermissionDenied(_("事故经核实后，报告内容由监管部门维护"), code="verified_report")
        before = snapshot(accident, DETAIL_FIELDS)
        _apply_plain(accident, changes, [n for n in changes if n != "township"])
        if "township" in changes:
            accident.township = _resolve_township(changes["township"], accident.county)
        required = [
            FieldError(n, "required", _("此项为必填项"))
            for n in ("unit_name", "place", "scene", "course", "measures_taken")
            if not getattr(accident, n)
        ]
        if required:
            raise ValidationFailed(errors=required)
        full_clean(
            accident,
            exclude=SET_BY_SERVICE,
            validate_unique=False,
        )
        accident.save()
        log_change(
            user=acting_user,
            action=ChangeAction.UPDATE,
            obj=accident,
            before=before,
            after=snapshot(accident, DETAIL_FIELDS),
            region_code=accident.county_id,
            enterprise_id=accident.enterprise_id,
            reason=reason,
        )
    return accident


def do_verify_accident(
    *,
    acting_user: User,
    accident_id: int,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Accident:
    """The county bureau confirms the report is a production-safety accident (核实) and settles its classification:
    sector (which decides the 7- or 30-day window), accident types of both standards, industry, 较大涉险."""
    now = _now(now)
    changes = dict(changes or {})
    reject_unknown_fields(changes, CLASSIFICATION_FIELDS)
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "verify")
        before = snapshot(accident, CLASSIFICATION_FIELDS | {"large_risk", "large_risk_triggers", "recount_until"})
        _apply_plain(
            accident,
            changes,
            [
                n
                for n in ("industry_code", "type_1986", "type_2025", "socially_significant", "sector", "category")
                if n in changes
            ],
        )
        if "sector" in changes and accident.sector not in Sector.values():
            raise ValidationFailed(_("请选择统计行业领域"), code="invalid_choice", field="sector")
        _large_risk(accident, changes)
        if accident.figures_frozen_at is None:
            accident.recount_until = _recount_until(accident)
        full_clean(
            accident,
            exclude=SET_BY_SERVICE,
            validate_unique=False,
        )
        _transition(accident, "verify", now)
        accident.save()
        if "socially_significant" in changes or "sector" in changes:
            _build_steps(accident, now)
            _reschedule(accident)
        after = snapshot(accident, CLASSIFICATION_FIELDS | {"large_risk", "large_risk_triggers", "recount_until"})
        _event(
            acting_user,
            "accident.verified",
            accident,
            {"changes": {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}, "note": note[:300]},
            now,
        )
    return accident


def do_withdraw_accident(
    *, acting_user: User, accident_id: int, reason: str, now: dt.datetime | None = None
) -> Accident:
    """Withdraw a report found not to be a production-safety accident, or a duplicate; it leaves the statistics."""
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请说明撤销原因"), code="required", field="reason")
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "withdraw")
        _transition(accident, "withdraw", now)
        accident.withdrawn_reason = reason[:200]
        accident.in_statistics = False
        accident.next_followup_due = None
        accident.save()
        accident.steps.filter(state__in=[StepState.PENDING, StepState.NOT_REPORTED]).update(
            state=StepState.NOT_REQUIRED
        )
        _event(acting_user, "accident.withdrawn", accident, {"reason": reason}, now)
    return accident


# --- investigation ----------------------------------------------------------------------------------------------


def _require_level(user: User, accident: Accident) -> None:
    """493号令 第十九条: 较大 and higher accidents are investigated by the city (or above), not the county."""
    if accident.grade >= AccidentGrade.LARGER and user.role == Role.COUNTY_SUPERVISOR:
        raise PermissionDenied(
            _("%(grade)s事故由设区的市级人民政府负责调查") % {"grade": accident.grade_label}, code="not_your_level"
        )


def _investigation(accident: Accident) -> Investigation:
    investigation = Investigation.objects.select_for_update().filter(accident=accident).first()
    if investigation is None:
        raise Conflict(_("尚未成立调查组"), code="no_investigation")
    return investigation


def _report_due(accident: Accident, investigation: Investigation) -> dt.datetime:
    plan = _domain(
        rules.investigation,
        AccidentGrade(accident.grade),
        accident.occurred_at,
        appraisal_days=investigation.appraisal_days,
        extension_days=investigation.extension_days,
        count_first_day=_count_first_day(),
    )
    return plan.report_due


def do_open_investigation(
    *,
    acting_user: User,
    accident_id: int,
    led_by: str,
    team_leader: str = "",
    opened_at: Any = None,
    delegated_to_enterprise: bool = False,
    now: dt.datetime | None = None,
) -> Investigation:
    """Form the investigation team (493号令 第十九–二十二条): the responsible government follows the grade; the
    report is due 60 days after the accident (第二十九条)."""
    now = _now(now)
    led_by = (led_by or "").strip()
    if not led_by:
        raise ValidationFailed(_("请填写组织调查的单位"), code="required", field="led_by")
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "investigate")
        _require_level(acting_user, accident)
        moment = _aware(opened_at, "opened_at") or now
        if moment > now or moment < accident.occurred_at:
            raise ValidationFailed(_("时间应在事故发生之后、现在之前"), code="out_of_range", field="opened_at")
        no_casualties = not any(accident.stat(n) for n in ("deaths", "missing", "serious_injuries", "minor_injuries"))
        plan = rules.investigation(AccidentGrade(accident.grade), accident.occurred_at, no_casualties=no_casualties)
        if delegated_to_enterprise and not plan.may_delegate_to_enterprise:
            raise ValidationFailed(
                _("只有未造成人员伤亡的一般事故可以委托事故发生单位调查（493号令 第十九条）"),
                code="delegation_not_allowed",
                field="delegated_to_enterprise",
            )
        _transition(accident, "open_investigation", now)
        accident.save()
        investigation = Investigation(
            accident=accident,
            level=plan.investigated_by.code,
            led_by=led_by[:128],
            team_leader=team_leader[:64],
            delegated_to_enterprise=bool(delegated_to_enterprise),
            opened_at=moment,
            opened_by=acting_user,
        )
        investigation.report_due = _report_due(accident, investigation)
        investigation.save()
        _event(
            acting_user,
            "accident.investigation_opened",
            accident,
            {
                "level": investigation.level,
                "led_by": investigation.led_by,
                "opened_at": moment,
                "report_due": investigation.report_due,
                "delegated": investigation.delegated_to_enterprise,
            },
            now,
        )
    return investigation


def do_extend_investigation(
    *, acting_user: User, accident_id: int, days: int, reason: str, now: dt.datetime | None = None
) -> Investigation:
    """Extend the report deadline once, by at most 60 days (493号令 第二十九条)."""
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请说明延期理由"), code="required", field="reason")
    days = _people(days, "days")
    if days < 1:
        raise ValidationFailed(_("延长天数至少 1 天"), code="invalid_number", field="days")
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "investigate")
        _require_level(acting_user, accident)
        if accident.status != Status.INVESTIGATING:
            raise Conflict(_("只有调查中的事故可以延期"), code="invalid_transition")
        investigation = _investigation(accident)
        if investigation.extended_at is not None:
            raise Conflict(_("调查期限只能延长一次（493号令 第二十九条）"), code="already_extended")
        before = investigation.report_due
        investigation.extension_days = days
        investigation.report_due = _report_due(accident, investigation)
        investigation.extension_reason = reason[:200]
        investigation.extended_at = now
        investigation.save()
        _event(
            acting_user,
            "accident.investigation_extended",
            accident,
            {"days": days, "reason": reason, "report_due": [before, investigation.report_due]},
            now,
        )
    return investigation


def do_record_appraisal(
    *, acting_user: User, accident_id: int, days: int, note: str = "", now: dt.datetime | None = None
) -> Investigation:
    """Days spent on technical appraisal (技术鉴定) are not counted in the investigation period (第二十七条)."""
    now = _now(now)
    days = _people(days, "days")
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "investigate")
        _require_level(acting_user, accident)
        if accident.status != Status.INVESTIGATING:
            raise Conflict(_("只有调查中的事故可以登记技术鉴定"), code="invalid_transition")
        investigation = _investigation(accident)
        before = investigation.report_due
        investigation.appraisal_days = days
        investigation.report_due = _report_due(accident, investigation)
        investigation.save(update_fields=["appraisal_days", "report_due"])
        _event(
            acting_user,
            "accident.appraisal_recorded",
            accident,
            {"days": days, "note": note[:300], "report_due": [before, investigation.report_due]},
            now,
        )
    return investigation


def _responsibility_rows(accident: Accident, rows: Iterable[Mapping[str, Any]]) -> list[Responsibility]:
    from ansheng.accidents.choices import Handling, PartyKind

    parsed = []
    for index, row in enumerate(rows):
        party = str(row.get("party") or "").strip()
        finding = str(row.get("finding") or "").strip()
        handling = row.get("handling") or ""
        if not party or not finding:
            raise ValidationFailed(
                _("责任认定须写明单位或人员及其责任"), code="required", field=f"responsibilities[{index}]"
            )
        if handling not in Handling.values():
            raise ValidationFailed(
                _("请选择处理建议"), code="invalid_choice", field=f"responsibilities[{index}].handling"
            )
        kind = row.get("party_kind") or PartyKind.PERSON
        if kind not in PartyKind.values():
            raise ValidationFailed(
                _("请选择单位或个人"), code="invalid_choice", field=f"responsibilities[{index}].party_kind"
            )
        parsed.append(
            Responsibility(
                accident=accident,
                party=party[:128],
                party_kind=kind,
                position=str(row.get("position") or "")[:64],
                finding=finding,
                handling=handling,
            )
        )
    return parsed


def _measure_rows(accident: Accident, rows: Iterable[Mapping[str, Any]]) -> list[Measure]:
    parsed = []
    for index, row in enumerate(rows):
        text = str(row.get("description") or "").strip()
        responsible = str(row.get("responsible") or "").strip()
        due = row.get("due_on")
        if isinstance(due, str):
            try:
                due = dt.date.fromisoformat(due)
            except ValueError:
                due = None
        if not text or not responsible or not isinstance(due, dt.date):
            raise ValidationFailed(
                _("整改措施须写明内容、责任单位和完成期限"), code="required", field=f"measures[{index}]"
            )
        parsed.append(Measure(accident=accident, description=text, responsible=responsible[:128], due_on=due))
    return parsed


def do_submit_investigation_report(
    *,
    acting_user: User,
    accident_id: int,
    cause: str,
    nature: str,
    summary: str = "",
    document: str = "",
    submitted_at: Any = None,
    confirmed_direct_loss: Any = None,
    responsibilities: Iterable[Mapping[str, Any]] = (),
    measures: Iterable[Mapping[str, Any]] = (),
    now: dt.datetime | None = None,
) -> Investigation:
    """The investigation report (第三十条): cause and nature, responsibility findings with proposed handling, and
    the measures to take; it confirms the direct loss. Approval is due within 15 days (30 for 特别重大)."""
    now = _now(now)
    cause = (cause or "").strip()
    errors = []
    if not cause:
        errors.append(FieldError("cause", "required", _("请写明事故原因")))
    if nature not in Nature.values():
        errors.append(FieldError("nature", "invalid_choice", _("请选择事故性质")))
    measure_list = list(measures)
    if not measure_list:
        errors.append(FieldError("measures", "required", _("调查报告须提出整改和防范措施（第三十条）")))
    responsibility_list = list(responsibilities)
    if nature == Nature.LIABILITY and not responsibility_list:
        errors.append(FieldError("responsibilities", "required", _("责任事故须认定责任单位或人员")))
    if errors:
        raise ValidationFailed(errors=errors)
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "investigate")
        _require_level(acting_user, accident)
        investigation = _investigation(accident)
        moment = _aware(submitted_at, "submitted_at") or now
        if moment > now or moment < investigation.opened_at:
            raise ValidationFailed(_("提交时间应在成立调查组之后、现在之前"), code="out_of_range", field="submitted_at")
        _transition(accident, "submit_report", now)
        _freeze(accident, acting_user, now)
        if confirmed_direct_loss not in (None, ""):
            loss = _loss(confirmed_direct_loss, "confirmed_direct_loss")
            previous = accident.stat("direct_loss")
            if loss != previous:
                accident.confirmed_direct_loss = loss
                accident.in_statistics = _statistics_flag(accident)
                FigureChange.objects.create(
                    accident=accident,
                    at=now,
                    by=acting_user,
                    by_name=acting_user.username,
                    field="direct_loss",
                    confirmed=True,
                    before=str(previous),
                    after=str(loss),
                    reason=str(_("调查报告核定")),
                    source=FigureSource.INVESTIGATION,
                    within_window=False,
                    grade_before=accident.grade,
                    grade_after=accident.grade,
                )
                _event(
                    acting_user,
                    "accident.figures_changed",
                    accident,
                    {
                        "changes": {"confirmed_direct_loss": [previous, loss]},
                        "reason": "investigation",
                        "source": FigureSource.INVESTIGATION,
                        "grade": [accident.grade, accident.grade],
                        "within_window": False,
                    },
                    now,
                )
        accident.save()
        accident.responsibilities.all().delete()
        accident.ordered_measures.all().delete()
        Responsibility.objects.bulk_create(_responsibility_rows(accident, responsibility_list))
        Measure.objects.bulk_create(_measure_rows(accident, measure_list))
        investigation.cause = cause
        investigation.nature = nature
        investigation.summary = (summary or "").strip()
        investigation.report_document = (document or "").strip()[:100]
        investigation.report_submitted_at = moment
        investigation.approval_due = _domain(
            rules.approval_due, AccidentGrade(accident.grade), moment, count_first_day=_count_first_day()
        )
        investigation.returned_note = ""
        investigation.save()
        late = report_clock.late_by(investigation.report_due, moment)
        _event(
            acting_user,
            "accident.investigation_report_submitted",
            accident,
            {
                "submitted_at": moment,
                "report_due": investigation.report_due,
                "late_seconds": int(late.total_seconds()) if late else None,
                "nature": nature,
                "responsibilities": len(responsibility_list),
                "measures": len(measure_list),
                "approval_due": investigation.approval_due,
            },
            now,
        )
    return investigation


def do_return_investigation_report(
    *, acting_user: User, accident_id: int, note: str, now: dt.datetime | None = None
) -> Investigation:
    now = _now(now)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("请写明退回意见"), code="required", field="note")
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "investigate")
        _require_level(acting_user, accident)
        investigation = _investigation(accident)
        _transition(accident, "return_report", now)
        accident.save()
        investigation.returned_note = note[:300]
        investigation.approval_due = None
        investigation.save(update_fields=["returned_note", "approval_due"])
        _event(acting_user, "accident.investigation_report_returned", accident, {"note": note}, now)
    return investigation


def do_approve_investigation_report(
    *,
    acting_user: User,
    accident_id: int,
    document: str,
    authority: str = "",
    approved_at: Any = None,
    now: dt.datetime | None = None,
) -> Investigation:
    """The government approves the report (批复, 493号令 第三十二条); the findings and measures become orders."""
    now = _now(now)
    document = (document or "").strip()
    if not document:
        raise ValidationFailed(_("请填写批复文号"), code="required", field="document")
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "investigate")
        _require_level(acting_user, accident)
        investigation = _investigation(accident)
        moment = _aware(approved_at, "approved_at") or now
        if moment > now or (investigation.report_submitted_at and moment < investigation.report_submitted_at):
            raise ValidationFailed(_("批复时间应在报告提交之后、现在之前"), code="out_of_range", field="approved_at")
        _transition(accident, "approve", now)
        accident.save()
        investigation.approved_at = moment
        investigation.approval_document = document[:100]
        investigation.approval_authority = (authority or investigation.level_label())[:128]
        investigation.save()
        late = report_clock.late_by(investigation.approval_due, moment) if investigation.approval_due else None
        _event(
            acting_user,
            "accident.investigation_report_approved",
            accident,
            {
                "approved_at": moment,
                "document": document,
                "approval_due": investigation.approval_due,
                "late_seconds": int(late.total_seconds()) if late else None,
            },
            now,
        )
    _notify_later(
        enterprise_admins(accident),
        kind="accident.approved",
        title=_("事故调查报告已批复：%(number)s") % {"number": accident.number},
        body=_("请按批复落实整改措施并在平台登记落实情况。"),
        accident=accident,
        key=f"accident.approved:{accident.pk}",
    )
    return investigation


def do_record_handling(
    *,
    acting_user: User,
    accident_id: int,
    responsibility_id: int,
    note: str,
    at: Any = None,
    now: dt.datetime | None = None,
) -> Responsibility:
    """A responsible party has been dealt with as the approval ordered (责任人员未处理不放过)."""
    now = _now(now)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("请写明处理结果"), code="required", field="note")
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "investigate")
        if accident.status != Status.APPROVED:
            raise Conflict(_("调查报告批复后才能登记处理结果"), code="invalid_transition")
        row = accident.responsibilities.select_for_update().filter(pk=responsibility_id).first()
        if row is None:
            raise NotFound()
        row.handled_at = _aware(at, "at") or now
        row.handled_note = note[:300]
        row.save(update_fields=["handled_at", "handled_note"])
        _event(
            acting_user,
            "accident.responsibility_handled",
            accident,
            {"party": row.party, "handling": row.handling, "note": row.handled_note},
            now,
        )
    return row


def do_complete_measure(
    *, acting_user: User, accident_id: int, measure_id: int, note: str, now: dt.datetime | None = None
) -> Measure:
    """The responsible unit reports a measure done (整改措施未落实不放过); a regulator then verifies it."""
    now = _now(now)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("请写明落实情况"), code="required", field="note")
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "complete_measure")
        if accident.status != Status.APPROVED:
            raise Conflict(_("调查报告批复后才能登记整改落实"), code="invalid_transition")
        measure = accident.ordered_measures.select_for_update().filter(pk=measure_id).first()
        if measure is None:
            raise NotFound()
        if measure.status != MeasureStatus.OPEN:
            raise Conflict(_("该措施已登记落实"), code="measure_not_open")
        measure.status = MeasureStatus.DONE
        measure.done_at = now
        measure.done_note = note[:300]
        measure.save(update_fields=["status", "done_at", "done_note"])
        _event(acting_user, "accident.measure_done", accident, {"measure": measure.pk, "note": measure.done_note}, now)
    return measure


def do_verify_measure(
    *,
    acting_user: User,
    accident_id: int,
    measure_id: int,
    accept: bool = True,
    note: str = "",
    now: dt.datetime | None = None,
) -> Measure:
    """A regulator checks a reported measure: accepted, or sent back to be done again."""
    now = _now(now)
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "investigate")
        measure = accident.ordered_measures.select_for_update().filter(pk=measure_id).first()
        if measure is None:
            raise NotFound()
        if measure.status != MeasureStatus.DONE:
            raise Conflict(_("该措施尚未登记落实"), code="measure_not_done")
        if accept:
            measure.status = MeasureStatus.VERIFIED
            measure.verified_at = now
            measure.verified_by = acting_user
        else:
            if not note.strip():
                raise ValidationFailed(_("请写明退回原因"), code="required", field="note")
            measure.status = MeasureStatus.OPEN
            measure.done_note = f"{measure.done_note}（{_('退回')}：{note.strip()}）"[:300]
        measure.save()
        _event(
            acting_user,
            "accident.measure_verified" if accept else "accident.measure_returned",
            accident,
            {"measure": measure.pk, "note": note[:300]},
            now,
        )
    return measure


def do_record_education(
    *, acting_user: User, accident_id: int, note: str, at: Any = None, now: dt.datetime | None = None
) -> Investigation:
    """The warning education drawn from the accident has been held (有关人员未受到教育不放过)."""
    now = _now(now)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("请写明警示教育情况"), code="required", field="note")
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "investigate")
        if accident.status != Status.APPROVED:
            raise Conflict(_("调查报告批复后才能登记警示教育"), code="invalid_transition")
        investigation = _investigation(accident)
        investigation.education_done_at = _aware(at, "at") or now
        investigation.education_note = note
        investigation.save(update_fields=["education_done_at", "education_note"])
        _event(acting_user, "accident.education_recorded", accident, {"note": note[:300]}, now)
    return investigation


def four_checks(accident: Accident) -> dict[str, bool]:
    """ "四不放过": cause found, responsible people dealt with, measures carried out, people educated."""
    investigation = getattr(accident, "investigation", None)
    measures = list(accident.ordered_measures.all())
    return {
        "cause": bool(investigation and investigation.cause and investigation.approved_at),
        "responsibility": all(r.handled_at for r in accident.responsibilities.all()),
        "measures": bool(measures) and all(m.status == MeasureStatus.VERIFIED for m in measures),
        "education": bool(investigation and investigation.education_done_at),
    }


FOUR_LABELS = {
    "cause": _("事故原因未查清不放过"),
    "responsibility": _("责任人员未处理不放过"),
    "measures": _("整改措施未落实不放过"),
    "education": _("有关人员未受到教育不放过"),
}


def do_close_accident(
    *, acting_user: User, accident_id: int, note: str = "", now: dt.datetime | None = None
) -> Accident:
    """Close the case once all four "不放过" hold."""
    now = _now(now)
    with transaction.atomic():
        accident = _load(acting_user, accident_id, "close")
        checks = four_checks(accident)
        failing = [name for name, ok in checks.items() if not ok]
        if failing and accident.status == Status.APPROVED:
            raise ValidationFailed(errors=[FieldError(name, "four_not_let_go", FOUR_LABELS[name]) for name in failing])
        _transition(accident, "close", now)
        accident.next_followup_due = None
        accident.save()
        _event(acting_user, "accident.closed", accident, {"note": note[:300]}, now)
    return accident


# --- history --------------------------------------------------------------------------------------------------------


def do_load_accident_history(
    *, acting_user: User | None, records: Iterable[Mapping[str, Any]], source_note: str, now: dt.datetime | None = None
) -> list[Accident]:
    """Load closed accidents of past years (a statistics archive) in one transaction: each record is validated,
    graded and frozen as it stands; one audit event names the batch and its source."""
    now = _now(now)
    if acting_user is not None:
        access.require(acting_user, "report", "accident")
    counties = {r.pk: r for r in Region.objects.filter(level="county")}
    rows: list[Accident] = []
    numbers: dict[tuple[str, int], int] = {}
    errors: list[FieldError] = []
    for index, record in enumerate(records):
        county = counties.get(str(record.get("county")))
        if county is None:
            errors.append(FieldError(f"records[{index}].county", "invalid_county", _("请选择区县")))
            continue
        accident = Accident(
            source=Source.HISTORY,
            status=record.get("status", Status.CLOSED),
            county=county,
            created_at=now,
            reported_at=record["occurred_at"],
            status_changed_at=now,
        )
        for name in (
            "unit_name",
            "category",
            "sector",
            "industry_code",
            "place",
            "scene",
            "course",
            "measures_taken",
            "type_1986",
            "type_2025",
            "longitude",
            "latitude",
            "enterprise_id",
        ):
            if record.get(name) not in (None, ""):
                setattr(accident, name, record[name])
        accident.occurred_at = record["occurred_at"]
        accident.learned_at = record.get("learned_at") or record["occurred_at"]
        _apply_figures_fresh(accident, record)
        accident.large_risk = bool(record.get("large_risk"))
        accident.large_risk_triggers = list(record.get("large_risk_triggers") or [])
        accident.recount_until = _recount_until(accident)
        _set_grade(accident, accident.occurred_at)
        if accident.recount_until <= now:
            for name in FIGURES:
                setattr(accident, f"confirmed_{name}", getattr(accident, name))
            accident.figures_frozen_at = accident.recount_until
        accident.in_statistics = _statistics_flag(accident)
        local = timezone.localtime(accident.occurred_at)
        accident.year, accident.month = local.year, local.month
        key = (county.pk, accident.year)
        if key not in numbers:
            last = _next_number(county.pk, accident.year)
            numbers[key] = int(last.rsplit("-", 1)[1]) - 1
        numbers[key] += 1
        accident.number = f"{_number_prefix(county.pk, accident.year)}{numbers[key]:04d}"
        try:
            accident.clean_fields(
                exclude=["county", "township", "enterprise", "reported_by", "year", "month", "number"]
            )
        except DjangoValidationError as exc:
            errors.extend(
                FieldError(f"records[{index}].{e.field}", e.code, e.message)
                for e in ValidationFailed.from_django(exc).errors
            )
            continue
        rows.append(accident)
    if errors:
        raise ValidationFailed(errors=errors)
    with transaction.atomic():
        Accident.objects.bulk_create(rows, batch_size=500)
        years = sorted({row.year for row in rows})
        append_event(
            actor=acting_user,
            event="accident.history_loaded",
            object_type="accidents.accident",
            object_id="",
            payload={"count": len(rows), "years": [years[0], years[-1]] if years else [], "source": source_note},
            at=now,
        )
    return rows


__all__ = [
    "TRANSITIONS",
    "do_add_followup",
    "do_approve_investigation_report",
    "do_close_accident",
    "do_complete_measure",
    "do_correct_figures",
    "do_end_response",
    "do_extend_investigation",
    "do_load_accident_history",
    "do_open_investigation",
    "do_record_appraisal",
    "do_record_education",
    "do_record_handling",
    "do_record_step",
    "do_report_accident",
    "do_return_investigation_report",
    "do_submit_investigation_report",
    "do_update_details",
    "do_verify_accident",
    "do_verify_measure",
    "do_withdraw_accident",
    "four_checks",
    "freeze_due_figures",
]


def grade_label(value: int) -> Any:
    return Grade.label(str(value))
