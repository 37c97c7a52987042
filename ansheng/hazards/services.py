"""The one write path for major hazard sources: units, substances (with regrading on every change), 包保 persons and
their checks, evaluation reports and 备案 with the county bureau."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core import access
from ansheng.core.audit import append_event, log_change, snapshot
from ansheng.core.choices import ChangeAction
from ansheng.core.errors import Conflict, ValidationFailed, from_domain, full_clean, reject_unknown_fields
from ansheng.core.models import User
from ansheng.domain import gb18218
from ansheng.domain.major_hazards import evaluation_valid_until
from ansheng.enterprises.models import Enterprise
from ansheng.hazards import conf
from ansheng.hazards.choices import (
    CheckResult,
    Duty,
    RegistrationAction,
    RegistrationStatus,
    SourceStatus,
    UnitKind,
)
from ansheng.hazards.models import (
    DutyCheck,
    EvaluationReport,
    HazardSource,
    HazardSubstance,
    RegistrationStep,
    ResponsiblePerson,
)

SOURCE_FIELDS = frozenset(
    {
        "code",
        "name",
        "unit_kind",
        "description",
        "status",
        "commissioned_on",
        "longitude",
        "latitude",
        "people_within_500m",
    }
)
PERSON_FIELDS = frozenset({"name", "position", "phone", "user", "cycle_days", "since"})
REPORT_FIELDS = frozenset({"report_no", "agency", "evaluated_on", "stated_grade", "conclusion"})


# --- helpers ------------------------------------------------------------------------------------------------------


def _decimal(value: Fraction, places: int = 4) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _source(acting_user: User, source_id: int, action: str, *, lock: bool = True) -> HazardSource:
    return access.get_for(acting_user, HazardSource.objects.all(), source_id, action, "hazard_source", lock=lock)


def _audit_ids(source: HazardSource) -> dict[str, Any]:
    return {"region_code": source.enterprise.county_id, "enterprise_id": source.enterprise_id}


def _strip(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value.strip() if isinstance(value, str) else value for key, value in data.items()}


# --- grading -----------------------------------------------------------------------------------------------------


def assessment_of(source: HazardSource) -> gb18218.Assessment:
    """GB 18218-2018 identification and grading of the unit from its stored substances."""
    quantities = [
        gb18218.Quantity(gb18218.lookup(item.substance_key), item.max_quantity_t, item.beta_symbol or None)
        for item in source.substances.order_by("id")
    ]
    return gb18218.assess(quantities, source.people_within_500m)


def _reassess(source: HazardSource, acting_user: User | None, *, reason: str) -> None:
    """Recompute S, α, R and the grade, store each substance's share, and flag a registered source whose
    identification changed for a change of 备案."""
    substances = list(source.substances.order_by("id"))
    result = assessment_of(source)
    for item, contribution in zip(substances, result.items, strict=True):
        item.critical_t = _decimal(contribution.critical_tonnes)
        item.beta = _decimal(contribution.beta, 2)
        item.ratio = _decimal(contribution.ratio)
        item.weighted = _decimal(contribution.weighted)
    HazardSubstance.objects.bulk_update(substances, ["critical_t", "beta", "ratio", "weighted"])
    before = (source.is_major, source.grade)
    source.s_value = _decimal(result.s)
    source.is_major = result.is_major
    source.alpha = _decimal(result.alpha, 2)
    source.r_value = None if result.r is None else _decimal(result.r)
    source.grade = result.grade
    source.assessed_at = timezone.now()
    fields = ["s_value", "is_major", "alpha", "r_value", "grade", "assessed_at"]
    if (source.is_major, source.grade) != before:
        append_event(
            actor=acting_user,
            event="hazard_source.graded",
            obj=source,
            payload={
                "s": str(source.s_value),
                "r": None if source.r_value is None else str(source.r_value),
                "grade": source.grade,
                "is_major": source.is_major,
                "previous_grade": before[1],
                "reason": reason,
            },
            **_audit_ids(source),
        )
        if source.registration_status == RegistrationStatus.REGISTERED and source.grade != source.registered_grade:
            source.registration_status = RegistrationStatus.CHANGE_REQUIRED
            fields.append("registration_status")
            _step(
                source,
                acting_user,
                RegistrationAction.REQUIRE_CHANGE,
                note=str(_("辨识分级结果变化（%(reason)s）") % {"reason": reason}),
            )
    source.save(update_fields=fields)


# --- units -------------------------------------------------------------------------------------------------------


def do_create_source(*, acting_user: User, enterprise_id: int, data: Mapping[str, Any]) -> HazardSource:
    access.require(acting_user, "create", "hazard_source")
    reject_unknown_fields(data, SOURCE_FIELDS)
    enterprise = access.get_for(acting_user, Enterprise, enterprise_id, "view", "enterprise")
    source = HazardSource(enterprise=enterprise, **_strip(data))
    if not source.unit_kind:
        source.unit_kind = UnitKind.STORAGE
    if HazardSource.objects.filter(enterprise=enterprise, code=source.code).exists():
        raise ValidationFailed(_("本企业已有该编号的单元"), code="unique", field="code")
    full_clean(source, exclude=["enterprise"])
    try:
        with transaction.atomic():
            source.save(force_insert=True)
            _reassess(source, acting_user, reason="created")
            log_change(
                user=acting_user,
                action=ChangeAction.CREATE,
                obj=source,
                before=None,
                after=snapshot(source),
                **_audit_ids(source),
            )
    except IntegrityError:
        raise ValidationFailed(_("本企业已有该编号的单元"), code="unique", field="code") from None
    return source


def do_update_source(
    *, acting_user: User, source_id: int, changes: Mapping[str, Any], reason: str = ""
) -> HazardSource:
    reject_unknown_fields(changes, SOURCE_FIELDS)
    with transaction.atomic():
        source = _source(acting_user, source_id, "change")
        before = snapshot(source)
        for name, value in _strip(changes).items():
            setattr(source, name, value)
        if (
            source.code != before["code"]
            and HazardSource.objects.filter(enterprise_id=source.enterprise_id, code=source.code)
            .exclude(pk=source.pk)
            .exists()
        ):
            raise ValidationFailed(_("本企业已有该编号的单元"), code="unique", field="code")
        full_clean(source, exclude=["enterprise"])
        source.save()
        if "people_within_500m" in changes and before["people_within_500m"] != source.people_within_500m:
            _reassess(source, acting_user, reason="people_within_500m")
        log_change(
            user=acting_user,
            action=ChangeAction.UPDATE,
            obj=source,
            before=before,
            after=snapshot(source),
            reason=reason,
            **_audit_ids(source),
        )
    return source


# --- substances --------------------------------------------------------------------------------------------------


def _quantity(value: Any) -> Decimal:
    try:
        quantity = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("请填写数量（吨）"), code="invalid", field="max_quantity_t") from None
    if not quantity.is_finite() or quantity < 0:
        raise ValidationFailed(_("数量应为非负数（吨）"), code="negative_quantity", field="max_quantity_t")
    if quantity >= Decimal("1e10"):
        raise ValidationFailed(_("数量过大"), code="too_large", field="max_quantity_t")
    return quantity.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _resolve(query: str, no: int | None) -> gb18218.Substance:
    try:
        return gb18218.lookup(query or None, no=no, field="query")
    except gb18218.HazardSourceError as exc:
        raise from_domain(exc) from None


def _check_beta_symbol(substance: gb18218.Substance, symbol: str, quantity: Decimal) -> str:
    if not symbol:
        return ""
    try:
        result = gb18218.assess([gb18218.Quantity(substance, quantity, symbol)], 0)
    except gb18218.HazardSourceError as exc:
        error = from_domain(exc)
        error.field = "beta_symbol"
        raise error from None
    return result.items[0].beta_symbol or symbol


def do_add_substance(
    *,
    acting_user: User,
    source_id: int,
    query: str,
    max_quantity_t: Any,
    no: int | None = None,
    beta_symbol: str = "",
    label: str = "",
) -> HazardSubstance:
    """Add a chemical by name, alias, CAS number, ``table1:<n>`` or Table 2 category (``W5.3``), then regrade.

    ``label`` names a chemical identified by its Table 2 category (三氯氢硅 as W11); Table 1 chemicals keep the name
    the standard gives them."""
    with transaction.atomic():
        source = _source(acting_user, source_id, "change")
        substance = _resolve((query or "").strip(), no)
        quantity = _quantity(max_quantity_t)
        symbol = _check_beta_symbol(substance, (beta_symbol or "").strip(), quantity)
        if source.substances.filter(substance_key=substance.key).exists():
            raise ValidationFailed(
                _("该单元已登记“%(name)s”，请修改其数量") % {"name": substance.display_name},
                code="duplicate_substance",
                field="query",
            )
        name = substance.display_name
        if substance.table == 2 and (label or "").strip():
            name = f"{label.strip()}（{substance.display_name}）"
        item = HazardSubstance.objects.create(
            source=source,
            substance_key=substance.key,
            name=name[:128],
            cas="、".join(substance.cas)[:64],
            max_quantity_t=quantity,
            beta_symbol=symbol,
        )
        _reassess(source, acting_user, reason=f"substance added: {substance.key}")
        item.refresh_from_db()
        log_change(
            user=acting_user,
            action=ChangeAction.CREATE,
            obj=item,
            before=None,
            after=snapshot(item),
            **_audit_ids(source),
        )
    return item


def do_update_substance(
    *, acting_user: User, source_id: int, substance_id: int, max_quantity_t: Any, beta_symbol: str | None = None
) -> HazardSubstance:
    with transaction.atomic():
        source = _source(acting_user, source_id, "change")
        item = access.get_for(acting_user, source.substances.all(), substance_id)
        before = snapshot(item)
        item.max_quantity_t = _quantity(max_quantity_t)
        if beta_symbol is not None:
            item.beta_symbol = _check_beta_symbol(
                gb18218.lookup(item.substance_key), beta_symbol.strip(), item.max_quantity_t
            )
        item.save(update_fields=["max_quantity_t", "beta_symbol"])
        _reassess(source, acting_user, reason=f"substance changed: {item.substance_key}")
        item.refresh_from_db()
        log_change(
            user=acting_user,
            action=ChangeAction.UPDATE,
            obj=item,
            before=before,
            after=snapshot(item),
            **_audit_ids(source),
        )
    return item


def do_remove_substance(*, acting_user: User, source_id: int, substance_id: int) -> None:
    with transaction.atomic():
        source = _source(acting_user, source_id, "change")
        item = access.get_for(acting_user, source.substances.all(), substance_id)
        log_change(
            user=acting_user,
            action=ChangeAction.DELETE,
            obj=item,
            before=snapshot(item),
            after=None,
            **_audit_ids(source),
        )
        key = item.substance_key
        item.delete()
        _reassess(source, acting_user, reason=f"substance removed: {key}")


# --- 包保责任人 and their checks ------------------------------------------------------------------------------------


def do_set_responsible_person(
    *, acting_user: User, source_id: int, duty: str, data: Mapping[str, Any]
) -> ResponsiblePerson:
    """Name (or replace) the principal, technical or operating person of a source."""
    reject_unknown_fields(data, PERSON_FIELDS)
    if duty not in Duty.values():
        raise ValidationFailed(_("包保职责无效"), code="invalid_choice", field="duty")
    with transaction.atomic():
        source = _source(acting_user, source_id, "change")
        values = _strip(data)
        user = values.pop("user", None)
        if user not in (None, ""):
            user_id = getattr(user, "pk", user)
            found = User.objects.filter(pk=user_id, enterprise_id=source.enterprise_id, is_active=True).first()
            if found is None:
                raise ValidationFailed(_("关联账号须是本企业的用户"), code="not_enterprise_user", field="user")
            user = found
        else:
            user = None
        if not values.get("cycle_days"):
            values["cycle_days"] = conf.get("HAZARDS_CHECK_DAYS")[duty]
        if not values.get("since"):
            values.pop("since", None)
        person = ResponsiblePerson.objects.filter(source=source, duty=duty).first()
        before = snapshot(person) if person is not None else None
        replaced = person is not None and person.name != values.get("name", person.name)
        if person is None:
            person = ResponsiblePerson(source=source, duty=duty)
        for name, value in values.items():
            setattr(person, name, value)
        person.user = user
        if replaced:
            # A new person's cycle starts when they take the duty; the last check was someone else's.
            person.last_check_on = None
            if "since" not in values:
                person.since = timezone.localdate()
        full_clean(person, exclude=["source"])
        person.save()
        log_change(
            user=acting_user,
            action=ChangeAction.UPDATE if before else ChangeAction.CREATE,
            obj=person,
            before=before,
            after=snapshot(person),
            **_audit_ids(source),
        )
    return person


def do_record_duty_check(
    *,
    acting_user: User,
    source_id: int,
    duty: str,
    checked_on: dt.date,
    result: str,
    findings: str = "",
    measures: str = "",
) -> DutyCheck:
    """Record a 包保 check (履职记录); it moves the person's next due date on by one cycle."""
    with transaction.atomic():
        source = _source(acting_user, source_id, "check")
        person = ResponsiblePerson.objects.select_for_update().filter(source=source, duty=duty).first()
        if person is None:
            raise ValidationFailed(_("请先指定该职责的包保责任人"), code="no_responsible_person", field="duty")
        if not isinstance(checked_on, dt.date) or isinstance(checked_on, dt.datetime):
            raise ValidationFailed(_("请填写检查日期"), code="required", field="checked_on")
        if checked_on > timezone.localdate():
            raise ValidationFailed(_("检查日期不能晚于今天"), code="future_date", field="checked_on")
        if result not in CheckResult.values():
            raise ValidationFailed(_("检查结果无效"), code="invalid_choice", field="result")
        if result == CheckResult.ISSUES and not (findings or "").strip():
            raise ValidationFailed(_("发现问题时请填写检查情况"), code="required", field="findings")
        check = DutyCheck.objects.create(
            source=source,
            person=person,
            duty=duty,
            person_name=person.name,
            checked_on=checked_on,
            result=result,
            findings=(findings or "").strip(),
            measures=(measures or "").strip(),
            recorded_by=acting_user,
        )
        if person.last_check_on is None or checked_on > person.last_check_on:
            person.last_check_on = checked_on
            person.save(update_fields=["last_check_on"])
        append_event(
            actor=acting_user,
            event="hazard_source.duty_checked",
            obj=source,
            payload={
                "duty": duty,
                "person": person.name,
                "checked_on": checked_on,
                "result": result,
                "check": check.pk,
            },
            **_audit_ids(source),
        )
    return check


# --- evaluation reports ------------------------------------------------------------------------------------------


def do_add_evaluation_report(*, acting_user: User, source_id: int, data: Mapping[str, Any]) -> EvaluationReport:
    reject_unknown_fields(data, REPORT_FIELDS)
    with transaction.atomic():
        source = _source(acting_user, source_id, "change")
        values = _strip(data)
        evaluated_on = values.get("evaluated_on")
        if not isinstance(evaluated_on, dt.date):
            raise ValidationFailed(_("请填写评估日期"), code="required", field="evaluated_on")
        if evaluated_on > timezone.localdate():
            raise ValidationFailed(_("评估日期不能晚于今天"), code="future_date", field="evaluated_on")
        if values.get("stated_grade") in ("", None):
            values["stated_grade"] = None
        report = EvaluationReport(
            source=source,
            recorded_by=acting_user,
            valid_until=evaluation_valid_until(evaluated_on, conf.get("HAZARDS_EVALUATION_YEARS")),
            **values,
        )
        full_clean(report, exclude=["source", "recorded_by"])
        report.save()
        log_change(
            user=acting_user,
            action=ChangeAction.CREATE,
            obj=report,
            before=None,
            after=snapshot(report),
            **_audit_ids(source),
        )
    return report


# --- 备案 ----------------------------------------------------------------------------------------------------------

# action: (states it may start from, state it leads to, permission action)
REGISTRATION_TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    RegistrationAction.SUBMIT: (
        frozenset({RegistrationStatus.NONE, RegistrationStatus.RETURNED, RegistrationStatus.CHANGE_REQUIRED}),
        RegistrationStatus.SUBMITTED,
        "submit",
    ),
    RegistrationAction.ACCEPT: (frozenset({RegistrationStatus.SUBMITTED}), RegistrationStatus.REGISTERED, "review"),
    RegistrationAction.RETURN: (frozenset({RegistrationStatus.SUBMITTED}), RegistrationStatus.RETURNED, "review"),
    RegistrationAction.CANCEL: (
        frozenset({RegistrationStatus.REGISTERED, RegistrationStatus.CHANGE_REQUIRED}),
        RegistrationStatus.CANCELLED,
        "review",
    ),
}


def _step(
    source: HazardSource, actor: User | None, action: str, note: str = "", at: dt.datetime | None = None
) -> RegistrationStep:
    return RegistrationStep.objects.create(
        source=source,
        action=action,
        status=source.registration_status,
        actor=actor if actor else None,
        actor_name=actor.username if actor else "system",
        note=note,
        grade=source.grade,
        at=at or timezone.now(),
    )


def submission_problems(source: HazardSource, today: dt.date | None = None) -> list[str]:
    """What stops a source from being submitted for 备案 (shown on the page before the button)."""
    today = today or timezone.localdate()
    problems = []
    if not source.is_major:
        problems.append(str(_("该单元未构成重大危险源（S < 1），无需备案")))
    if source.status != SourceStatus.IN_USE:
        problems.append(str(_("只有在用的重大危险源需要备案")))
    report = source.latest_evaluation()
    if report is None:
        problems.append(str(_("尚未登记安全评估报告")))
    elif report.valid_until < today:
        problems.append(str(_("安全评估报告已过期，请先重新评估")))
    duties = set(source.responsible_persons.values_list("duty", flat=True))
    missing = [str(label) for value, label in Duty.choices() if value not in duties]
    if missing:
        problems.append(str(_("缺少包保责任人：%(duties)s") % {"duties": "、".join(missing)}))
    return problems


def do_registration(
    *, acting_user: User, source_id: int, action: str, note: str = "", registration_no: str = ""
) -> HazardSource:
    """One step of 备案: submit (enterprise), accept / return / cancel (county bureau)."""
    if action not in REGISTRATION_TRANSITIONS:
        raise ValidationFailed(_("备案操作无效"), code="invalid_choice", field="action")
    allowed_from, to_state, permission = REGISTRATION_TRANSITIONS[action]
    note = (note or "").strip()
    with transaction.atomic():
        source = _source(acting_user, source_id, permission)
        if source.registration_status not in allowed_from:
            raise Conflict(
                _("当前备案状态为“%(status)s”，不能执行“%(action)s”")
                % {
                    "status": RegistrationStatus.label(source.registration_status),
                    "action": RegistrationAction.label(action),
                },
                code="invalid_transition",
            )
        if action == RegistrationAction.SUBMIT:
            problems = submission_problems(source)
            if problems:
                raise ValidationFailed(problems[0], code="not_ready")
        if action in {RegistrationAction.RETURN, RegistrationAction.CANCEL} and not note:
            raise ValidationFailed(_("请填写原因"), code="required", field="note")
        source.registration_status = to_state
        fields = ["registration_status"]
        if action == RegistrationAction.ACCEPT:
            # A change of registration keeps the number the source was registered under.
            number = (registration_no or "").strip() or source.registration_no or _next_registration_no(source)
            if HazardSource.objects.filter(registration_no=number).exclude(pk=source.pk).exists():
                raise ValidationFailed(_("备案编号已被使用"), code="unique", field="registration_no")
            source.registration_no = number[:64]
            source.registered_at = timezone.now()
            source.registered_grade = source.grade
            fields += ["registration_no", "registered_at", "registered_grade"]
        source.save(update_fields=fields)
        _step(source, acting_user, action, note)
        append_event(
            actor=acting_user,
            event=f"hazard_source.registration.{action}",
            obj=source,
            payload={
                "status": to_state,
                "note": note,
                "registration_no": source.registration_no,
                "grade": source.grade,
            },
            **_audit_ids(source),
        )
    return source


def _next_registration_no(source: HazardSource) -> str:
    """备案编号: county code, year, sequence within the county and year (e.g. 5111122026-0007)."""
    year = timezone.localdate().year
    prefix = f"{source.enterprise.county_id}{year}-"
    taken = HazardSource.objects.filter(registration_no__startswith=prefix).values_list("registration_no", flat=True)
    sequence = max((int(no[len(prefix) :]) for no in taken if no[len(prefix) :].isdigit()), default=0) + 1
    return f"{prefix}{sequence:04d}"


def do_import_registration(
    *, acting_user: User, source_id: int, registration_no: str, registered_at: dt.datetime, note: str = ""
) -> HazardSource:
    """Record a 备案 made before the platform (on paper or in the former system), by the county bureau."""
    with transaction.atomic():
        source = _source(acting_user, source_id, "review")
        if source.registration_status != RegistrationStatus.NONE:
            raise Conflict(_("该单元已有备案记录"), code="invalid_transition")
        if not source.is_major:
            raise ValidationFailed(_("该单元未构成重大危险源（S < 1），无需备案"), code="not_major")
        number = (registration_no or "").strip()
        if not number:
            raise ValidationFailed(_("请填写备案编号"), code="required", field="registration_no")
        if HazardSource.objects.filter(registration_no=number).exclude(pk=source.pk).exists():
            raise ValidationFailed(_("备案编号已被使用"), code="unique", field="registration_no")
        source.registration_status = RegistrationStatus.REGISTERED
        source.registration_no = number[:64]
        source.registered_at = registered_at
        source.registered_grade = source.grade
        source.save(update_fields=["registration_status", "registration_no", "registered_at", "registered_grade"])
        _step(source, acting_user, RegistrationAction.ACCEPT, note or str(_("导入既有备案")), at=registered_at)
        append_event(
            actor=acting_user,
            event="hazard_source.registration.imported",
            obj=source,
            payload={"registration_no": number, "registered_at": registered_at, "grade": source.grade},
            **_audit_ids(source),
        )
    return source
