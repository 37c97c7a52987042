"""The one write path for hidden dangers: the lifecycle as an explicit state machine (docs/dangers.md).

Each transition is one function: it locks the danger, checks the state it starts from (`wrong_state`, HTTP 409,
so of two concurrent acceptances the second finds the danger already accepted), who acts (`wrong_person`,
`rectifier_cannot_accept`) and what the step needs (`missing_photo`, `missing_plan`, …), changes the state, writes
an audit event `danger.<step>` in the hash-chained log, and after commit notifies people and has the enterprise's
risk colour recomputed when its open-major or overdue counts may have changed.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ansheng.core import access
from ansheng.core.audit import append_event
from ansheng.core.choices import Role
from ansheng.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed, from_domain
from ansheng.core.models import User
from ansheng.dangers.choices import ExtensionStatus, Grade, PhotoKind, Source, State
from ansheng.dangers.models import DangerPhoto, ExtensionRequest, HiddenDanger, item_label, today_shanghai
from ansheng.dangers.photos import CheckedPhoto, check_photos
from ansheng.domain import hidden_dangers as rules
from ansheng.domain.errors import DomainError
from ansheng.enterprises.models import Enterprise

NOUN = "hidden_danger"


# --- helpers ------------------------------------------------------------------------------------------------------


def _danger(acting_user: Any, danger_id: Any, action: str) -> HiddenDanger:
    """The danger, locked for the rest of the transaction (concurrent transitions queue here and then see the
    state the winner left)."""
    queryset = HiddenDanger.objects.select_related("enterprise")
    return access.get_for(acting_user, queryset, danger_id, action, NOUN, lock=True)


def _expect(danger: HiddenDanger, *states: str) -> None:
    if danger.state not in states:
        raise Conflict(
            _("隐患当前状态为「%(state)s」，不能执行此操作") % {"state": State.label(danger.state)},
            code="wrong_state",
            field="state",
        )


def _event(acting_user: Any, danger: HiddenDanger, step: str, payload: dict[str, Any] | None = None) -> None:
    append_event(
        actor=acting_user,
        event=f"danger.{step}",
        obj=danger,
        payload={"number": danger.number, "state": danger.state, **(payload or {})},
        region_code=danger.county_id,
        enterprise_id=danger.enterprise_id,
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _require_text(value: Any, field: str, code: str, message: str) -> str:
    text = _text(value)
    if not text:
        raise ValidationFailed(message, code=code, field=field)
    return text


def _as_date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(rules.SHANGHAI).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationFailed(_("请填写有效日期（YYYY-MM-DD）"), code="invalid_date", field=field)


_SAVED_FILES: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("dangers_saved_files", default=None)


@contextlib.contextmanager
def discarding_files_on_error() -> Iterator[None]:
    """Delete the photo files written inside the block when the block fails: the rows roll back with the
    transaction, the files on disk would not. Callers that wrap several services in one transaction (the quick
    report: report, then fix on the spot) wrap them in this too."""
    outer = _SAVED_FILES.get()
    saved: list[str] = []
    token = _SAVED_FILES.set(saved)
    try:
        yield
    except BaseException:
        from django.core.files.storage import default_storage

        for name in saved:
            default_storage.delete(name)
        raise
    finally:
        _SAVED_FILES.reset(token)
        if outer is not None:
            outer.extend(saved)


def _save_photos(danger: HiddenDanger, photos: Sequence[CheckedPhoto], kind: str, acting_user: Any) -> list[int]:
    saved = _SAVED_FILES.get()
    ids = []
    for photo in photos:
        row = DangerPhoto(
            danger=danger,
            kind=kind,
            content_type=photo.content_type,
            size=photo.size,
            uploaded_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        row.file.save("photo" + photo.suffix, photo.upload, save=False)
        if saved is not None:
            saved.append(row.file.name)
        row.save()
        ids.append(row.pk)
    return ids


def enterprise_admins(enterprise_id: int) -> list[User]:
    return list(User.objects.filter(role=Role.ENTERPRISE_ADMIN, enterprise_id=enterprise_id, is_active=True))


def county_supervisors(county_code: str) -> list[User]:
    return list(User.objects.filter(role=Role.COUNTY_SUPERVISOR, region_id=county_code, is_active=True))


def danger_url(danger: HiddenDanger) -> str:
    return reverse("dangers:detail", args=[danger.pk])


def notify(users: Iterable[User | None], *, kind: str, title: str, danger: HiddenDanger, key: str) -> None:
    """Notify after commit (nothing is sent for a step that rolls back); `key` makes it once-only per user."""
    from ansheng.core.services import do_notify

    recipients = [user for user in users if user is not None]
    body = f"{danger.number} {danger.enterprise.name}：{danger.title}"
    url = danger_url(danger)
    transaction.on_commit(
        lambda: do_notify(recipients, kind=f"danger.{kind}", title=title, body=body, url=url, dedup_key=key)
    )


def recompute_colour_later(enterprise_id: int) -> None:
    """Have the risks app recompute the enterprise's colour after commit (its open-major or overdue count changed).

    The risks app is optional: without it there is no colour to keep."""
    if not apps.is_installed("ansheng.risks"):
        return

    def run() -> None:
        from ansheng.risks.colour import recompute_enterprise_colours

        recompute_enterprise_colours([enterprise_id])

    transaction.on_commit(run)


def colour_inputs(enterprise_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """The hidden-danger inputs of each enterprise's risk colour: open 重大 dangers and overdue rectifications."""
    ids = list(enterprise_ids)
    result = {pk: {"open_major": 0, "overdue": 0} for pk in ids}
    today = today_shanghai()
    rows = (
        HiddenDanger.objects.filter(enterprise_id__in=ids, state__in=State.OPEN)
        .values("enterprise_id")
        .annotate(
            open_major=Count("pk", filter=Q(grade=Grade.MAJOR)),
            overdue=Count("pk", filter=Q(state__in=State.RUNNING, deadline__lt=today)),
        )
    )
    for row in rows:
        result[row["enterprise_id"]] = {"open_major": row["open_major"], "overdue": row["overdue"]}
    return result


# --- reported -----------------------------------------------------------------------------------------------------


def do_report_danger(
    *,
    acting_user: Any,
    enterprise_id: Any,
    source: str,
    title: str,
    description: str,
    location: str = "",
    photos: Iterable[Any] = (),
    latitude: Any = None,
    longitude: Any = None,
    origin_label: str = "",
    origin_url: str = "",
    found_at: dt.datetime | None = None,
) -> HiddenDanger:
    """Record a hidden danger found by an inspection, a 随手拍, a regulator or the public (state `reported`)."""
    from ansheng.core.errors import full_clean

    enterprise = access.get_for(acting_user, Enterprise.objects.all(), enterprise_id, "report", NOUN)
    if source not in Source.values():
        raise ValidationFailed(_("隐患来源无效"), code="invalid_choice", field="source")
    if source == Source.REGULATOR and not access.scope_for(acting_user).is_government:
        # An enterprise's own finding is not a regulator's: the source feeds the statistics by who found it.
        raise ValidationFailed(_("只有监管部门人员可以登记监管检查发现的隐患"), code="invalid_source", field="source")
    description = _require_text(description, "description", "required", _("请描述隐患情况"))
    title = _text(title) or description.splitlines()[0][:60]
    now = timezone.now()
    found_at = found_at or now
    if found_at > now + dt.timedelta(minutes=5):
        raise ValidationFailed(_("发现时间不能晚于现在"), code="in_future", field="found_at")
    checked = check_photos(photos, "photos")
    danger = HiddenDanger(
        enterprise=enterprise,
        county_id=enterprise.county_id,
        source=source,
        title=title[:200],
        description=description,
        location=_text(location)[:200],
        latitude=latitude if latitude not in ("", None) else None,
        longitude=longitude if longitude not in ("", None) else None,
        origin_label=_text(origin_label)[:200],
        origin_url=_text(origin_url)[:300],
        found_at=found_at,
        reported_by=acting_user if getattr(acting_user, "pk", None) else None,
        reported_at=now,
    )
    full_clean(danger, exclude=["reported_by", "graded_by", "assigned_by", "closed_by"])
    with discarding_files_on_error(), transaction.atomic():
        danger.save()
        danger.number = f"YH{timezone.localtime(now):%Y%m%d}-{danger.pk:05d}"
        danger.save(update_fields=["number"])
        photo_ids = _save_photos(danger, checked, PhotoKind.BEFORE, acting_user)
        _event(acting_user, danger, "reported", {"source": source, "title": danger.title, "photos": photo_ids})
        notify(
            enterprise_admins(enterprise.pk),
            kind="reported",
            title=_("新隐患待定级：%(title)s") % {"title": danger.title},
            danger=danger,
            key=f"danger.reported:{danger.pk}",
        )
    return danger


# --- graded -------------------------------------------------------------------------------------------------------


def do_grade_danger(
    *, acting_user: Any, danger_id: Any, grade: str, note: str = "", cause: str = "", harm: str = ""
) -> HiddenDanger:
    """Grade a reported danger 一般 or 重大 (16号令 第三条). A 重大 danger is reported to the county bureau at once
    (第十四条), stating its present state and cause and its harm and difficulty: its supervisors are notified when
    the grading commits."""
    grade = Grade.parse(grade) or ""
    if grade not in Grade.values():
        raise ValidationFailed(_("请选择隐患级别（一般或重大）"), code="invalid_choice", field="grade")
    report = {"cause": _text(cause), "harm": _text(harm)}
    if grade == Grade.MAJOR:
        missing = rules.missing_report_items(report)
        if missing:
            raise ValidationFailed(
                errors=[
                    FieldError(
                        item.code,
                        "missing_report",
                        _("重大隐患报告须写明：%(item)s（安监总局令第16号第十四条）")
                        % {"item": item_label(item, capitalise=False)},
                    )
                    for item in missing
                ]
            )
    with transaction.atomic():
        danger = _danger(acting_user, danger_id, "grade")
        _expect(danger, State.REPORTED, State.GRADED)
        previous = danger.grade
        danger.grade = grade
        danger.state = State.GRADED
        danger.graded_by = acting_user
        danger.graded_at = timezone.now()
        danger.grading_note = _text(note)
        danger.cause, danger.harm = report["cause"], report["harm"]
        fields = ["grade", "state", "graded_by", "graded_at", "grading_note", "cause", "harm", "updated_at"]
        if grade == Grade.MAJOR and danger.bureau_notified_at is None:
            danger.bureau_notified_at = timezone.now()
            fields.append("bureau_notified_at")
            notify(
                county_supervisors(danger.county_id),
                kind="major_reported",
                title=_("重大事故隐患报告：%(enterprise)s %(title)s")
                % {"enterprise": danger.enterprise.name, "title": danger.title},
                danger=danger,
                key=f"danger.major_reported:{danger.pk}",
            )
        danger.save(update_fields=fields)
        _event(
            acting_user,
            danger,
            "graded",
            {"grade": grade, "previous": previous, "note": danger.grading_note, **report},
        )
        if Grade.MAJOR in {grade, previous}:
            recompute_colour_later(danger.enterprise_id)
    return danger


# --- assigned -----------------------------------------------------------------------------------------------------


def _responsible(danger: HiddenDanger, responsible_id: Any) -> User:
    user = User.objects.filter(
        pk=responsible_id if str(responsible_id or "").isdigit() else None,
        enterprise_id=danger.enterprise_id,
        role__in=Role.ENTERPRISE,
        is_active=True,
    ).first()
    if user is None:
        raise ValidationFailed(_("整改责任人须为本企业的在职人员"), code="invalid_responsible", field="responsible")
    return user


def _check_plan(plan: Mapping[str, Any]) -> dict[str, str]:
    """16号令 第十五条: every part of the governance plan of a 重大 danger is filled in."""
    missing = rules.missing_plan_items(plan)
    if missing:
        raise ValidationFailed(
            errors=[
                FieldError(
                    f"plan_{item.code}",
                    "missing_plan",
                    _("重大隐患治理方案缺少：%(item)s（安监总局令第16号第十五条）")
                    % {"item": item_label(item, capitalise=False)},
                )
                for item in missing
            ]
        )
    return {item.code: _text(plan.get(item.code)) for item in rules.PLAN_ITEMS}


def do_assign_danger(
    *,
    acting_user: Any,
    danger_id: Any,
    responsible_id: Any,
    deadline: Any,
    measures: str = "",
    plan: Mapping[str, Any] | None = None,
) -> HiddenDanger:
    """Name the person responsible and the deadline; a 重大 danger also needs its governance plan (第十五条)."""
    with transaction.atomic():
        danger = _danger(acting_user, danger_id, "assign")
        _expect(danger, State.GRADED, State.ASSIGNED)
        responsible = _responsible(danger, responsible_id)
        deadline = _as_date(deadline, "deadline")
        if deadline < today_shanghai():
            raise ValidationFailed(_("整改期限不能早于今天"), code="deadline_past", field="deadline")
        clean_plan = _check_plan(plan or {}) if danger.grade == Grade.MAJOR else {}
        reassigned = danger.state == State.ASSIGNED
        danger.responsible = responsible
        danger.deadline = deadline
        danger.measures = _text(measures)
        danger.plan = clean_plan
        danger.assigned_by = acting_user
        danger.assigned_at = timezone.now()
        danger.state = State.ASSIGNED
        danger.save(
            update_fields=[
                "responsible",
                "deadline",
                "measures",
                "plan",
                "assigned_by",
                "assigned_at",
                "state",
                "updated_at",
            ]
        )
        _event(
            acting_user,
            danger,
            "reassigned" if reassigned else "assigned",
            {"responsible": responsible.pk, "deadline": deadline, "plan": clean_plan},
        )
        if danger.grade == Grade.MAJOR:
            # 16号令 第十四条: the governance plan completes the 重大 danger's report to the bureau.
            notify(
                county_supervisors(danger.county_id),
                kind="major_plan",
                title=_("重大隐患治理方案：%(enterprise)s %(title)s，期限 %(deadline)s")
                % {"enterprise": danger.enterprise.name, "title": danger.title, "deadline": deadline},
                danger=danger,
                key=f"danger.major_plan:{danger.pk}:{deadline}",
            )
        notify(
            [responsible],
            kind="assigned",
            title=_("隐患整改任务：%(title)s，期限 %(deadline)s") % {"title": danger.title, "deadline": deadline},
            danger=danger,
            key=f"danger.assigned:{danger.pk}:{responsible.pk}:{deadline}",
        )
        recompute_colour_later(danger.enterprise_id)
    return danger


# --- rectifying, submitted ----------------------------------------------------------------------------------------


def _must_be_responsible(danger: HiddenDanger, acting_user: Any) -> None:
    if danger.responsible_id != getattr(acting_user, "pk", None):
        raise PermissionDenied(_("只有整改责任人可以执行此操作"), code="wrong_person")


def do_start_rectification(*, acting_user: Any, danger_id: Any) -> HiddenDanger:
    with transaction.atomic():
        danger = _danger(acting_user, danger_id, "rectify")
        _expect(danger, State.ASSIGNED)
        _must_be_responsible(danger, acting_user)
        danger.state = State.RECTIFYING
        danger.started_at = timezone.now()
        danger.save(update_fields=["state", "started_at", "updated_at"])
        _event(acting_user, danger, "started")
    return danger


def do_submit_rectification(
    *, acting_user: Any, danger_id: Any, description: str, photos: Iterable[Any]
) -> HiddenDanger:
    """The responsible person submits the rectification for acceptance, with after-photos and a description."""
    checked = check_photos(photos, "photos")
    with discarding_files_on_error(), transaction.atomic():
        danger = _danger(acting_user, danger_id, "rectify")
        _expect(danger, State.RECTIFYING)
        _must_be_responsible(danger, acting_user)
        description = _require_text(description, "description", "missing_description", _("请填写整改情况"))
        if not checked:
            raise ValidationFailed(_("请上传整改后照片"), code="missing_photo", field="photos")
        photo_ids = _save_photos(danger, checked, PhotoKind.AFTER, acting_user)
        danger.rectifier = acting_user
        danger.rectification_note = description
        danger.submitted_at = timezone.now()
        danger.state = State.SUBMITTED
        danger.save(update_fields=["rectifier", "rectification_note", "submitted_at", "state", "updated_at"])
        _event(acting_user, danger, "submitted", {"photos": photo_ids, "description": description})
        notify(
            [user for user in enterprise_admins(danger.enterprise_id) if user.pk != acting_user.pk],
            kind="submitted",
            title=_("隐患整改待验收：%(title)s") % {"title": danger.title},
            danger=danger,
            key=f"danger.submitted:{danger.pk}:{danger.rejections}",
        )
    return danger


# --- accepted or rejected -----------------------------------------------------------------------------------------


def _must_not_be_rectifier(danger: HiddenDanger, acting_user: Any) -> None:
    if danger.rectifier_id == getattr(acting_user, "pk", None):
        raise PermissionDenied(_("整改人不能验收自己的整改"), code="rectifier_cannot_accept")


def do_accept_rectification(*, acting_user: Any, danger_id: Any, note: str = "") -> HiddenDanger:
    """Accept a submitted rectification; someone other than the rectifier accepts (验收)."""
    with transaction.atomic():
        danger = _danger(acting_user, danger_id, "accept")
        _expect(danger, State.SUBMITTED)
        _must_not_be_rectifier(danger, acting_user)
        danger.state = State.ACCEPTED
        danger.accepted_by = acting_user
        danger.accepted_at = timezone.now()
        danger.acceptance_note = _text(note)
        danger.save(update_fields=["state", "accepted_by", "accepted_at", "acceptance_note", "updated_at"])
        _event(
            acting_user,
            danger,
            "accepted",
            {"note": danger.acceptance_note, "on_time": on_time(danger), "one_pass": danger.rejections == 0},
        )
        recompute_colour_later(danger.enterprise_id)
    return danger


def on_time(danger: HiddenDanger) -> bool | None:
    """Whether the rectification was accepted by its deadline (in Shanghai days); None when not accepted."""
    if danger.accepted_at is None or danger.deadline is None:
        return None
    return danger.accepted_at.astimezone(rules.SHANGHAI).date() <= danger.deadline


def do_reject_rectification(*, acting_user: Any, danger_id: Any, reason: str) -> HiddenDanger:
    """Send a submitted rectification back to the responsible person, with the reason."""
    with transaction.atomic():
        danger = _danger(acting_user, danger_id, "accept")
        _expect(danger, State.SUBMITTED)
        _must_not_be_rectifier(danger, acting_user)
        reason = _require_text(reason, "reason", "required", _("请填写退回原因"))
        danger.state = State.RECTIFYING
        danger.rejections += 1
        danger.acceptance_note = reason
        danger.save(update_fields=["state", "rejections", "acceptance_note", "updated_at"])
        _event(acting_user, danger, "rejected", {"reason": reason, "rejections": danger.rejections})
        notify(
            [danger.responsible],
            kind="rejected",
            title=_("隐患整改验收未通过：%(title)s") % {"title": danger.title},
            danger=danger,
            key=f"danger.rejected:{danger.pk}:{danger.rejections}",
        )
    return danger


# --- closed -------------------------------------------------------------------------------------------------------


def do_close_danger(*, acting_user: Any, danger_id: Any, note: str = "") -> HiddenDanger:
    """销号 of an accepted 一般 danger. A 重大 danger is closed by the bureau's review of its evaluation."""
    with transaction.atomic():
        danger = _danger(acting_user, danger_id, "close")
        _expect(danger, State.ACCEPTED)
        if danger.grade == Grade.MAJOR:
            raise Conflict(_("重大隐患须提交治理评估报告，经监管部门审核后销号"), code="needs_review", field="state")
        _close(danger, acting_user, note)
    return danger


def _close(danger: HiddenDanger, acting_user: Any, note: str) -> None:
    danger.state = State.CLOSED
    danger.closed_by = acting_user
    danger.closed_at = timezone.now()
    danger.save(update_fields=["state", "closed_by", "closed_at", "updated_at"])
    _event(acting_user, danger, "closed", {"note": _text(note)})
    recompute_colour_later(danger.enterprise_id)


def do_rectify_on_the_spot(
    *, acting_user: Any, danger_id: Any, description: str, photos: Iterable[Any]
) -> HiddenDanger:
    """A 一般 danger fixed at once where it was found (16号令 第三条: 发现后能够立即整改排除): graded, rectified and
    closed in one step, with after-photos. Not for a danger already graded 重大."""
    checked = check_photos(photos, "photos")
    with discarding_files_on_error(), transaction.atomic():
        danger = _danger(acting_user, danger_id, "rectify")
        _expect(danger, State.REPORTED, State.GRADED)
        if danger.grade == Grade.MAJOR:
            raise Conflict(_("重大隐患不能立即整改销号"), code="major_not_immediate", field="grade")
        description = _require_text(description, "description", "missing_description", _("请填写整改情况"))
        if not checked:
            raise ValidationFailed(_("请上传整改后照片"), code="missing_photo", field="photos")
        now = timezone.now()
        photo_ids = _save_photos(danger, checked, PhotoKind.AFTER, acting_user)
        danger.grade = Grade.GENERAL
        danger.graded_by = danger.graded_by or acting_user
        danger.graded_at = danger.graded_at or now
        danger.on_the_spot = True
        danger.responsible = acting_user
        danger.deadline = today_shanghai(now)
        danger.rectifier = acting_user
        danger.rectification_note = description
        danger.submitted_at = now
        danger.accepted_at = now
        danger.state = State.CLOSED
        danger.closed_by = acting_user
        danger.closed_at = now
        danger.save()
        _event(acting_user, danger, "rectified_on_the_spot", {"photos": photo_ids, "description": description})
    return danger


# --- 重大: evaluation and the bureau's review ---------------------------------------------------------------------


def do_submit_evaluation(*, acting_user: Any, danger_id: Any, agency: str, conclusion: str) -> HiddenDanger:
    """After governance of a 重大 danger, the evaluation (评估报告) goes to the county bureau (16号令 第十八条)."""
    with transaction.atomic():
        danger = _danger(acting_user, danger_id, "close")
        _expect(danger, State.ACCEPTED)
        if danger.grade != Grade.MAJOR:
            raise Conflict(_("一般隐患验收后直接销号"), code="not_major", field="grade")
        agency = _require_text(agency, "agency", "missing_evaluation", _("请填写评估单位"))
        conclusion = _require_text(conclusion, "conclusion", "missing_evaluation", _("请填写评估结论"))
        danger.evaluation_agency = agency[:200]
        danger.evaluation_conclusion = conclusion
        danger.evaluation_submitted_at = timezone.now()
        danger.state = State.REVIEWING
        danger.save(
            update_fields=[
                "evaluation_agency",
                "evaluation_conclusion",
                "evaluation_submitted_at",
                "state",
                "updated_at",
            ]
        )
        review_due = rules.closure_review_due(today_shanghai())
        _event(acting_user, danger, "evaluation_submitted", {"agency": agency, "review_due": review_due})
        notify(
            county_supervisors(danger.county_id),
            kind="review_requested",
            title=_("重大隐患销号申请待审核（%(due)s 前）：%(title)s") % {"due": review_due, "title": danger.title},
            danger=danger,
            key=f"danger.review_requested:{danger.pk}:{danger.evaluation_submitted_at.isoformat()}",
        )
    return danger


def do_review_closure(*, acting_user: Any, danger_id: Any, approve: bool, note: str = "") -> HiddenDanger:
    """The county bureau reviews the evaluation: approved closes (销号) the 重大 danger, refused sends it back."""
    with transaction.atomic():
        danger = _danger(acting_user, danger_id, "supervise")
        _expect(danger, State.REVIEWING)
        danger.review_note = _text(note)
        if approve:
            danger.save(update_fields=["review_note", "updated_at"])
            _event(acting_user, danger, "review_approved", {"note": danger.review_note})
            _close(danger, acting_user, note)
        else:
            _require_text(note, "note", "required", _("请填写不予销号的理由"))
            danger.state = State.RECTIFYING
            danger.save(update_fields=["review_note", "state", "updated_at"])
            _event(acting_user, danger, "review_refused", {"note": danger.review_note})
            recompute_colour_later(danger.enterprise_id)  # back under its deadline: it may count as overdue again
            notify(
                [danger.responsible, *enterprise_admins(danger.enterprise_id)],
                kind="review_refused",
                title=_("重大隐患销号未通过审核：%(title)s") % {"title": danger.title},
                danger=danger,
                key=f"danger.review_refused:{danger.pk}:{timezone.now().isoformat()}",
            )
    return danger


def do_order_supervision(*, acting_user: Any, danger_id: Any, due: Any, note: str = "") -> HiddenDanger:
    """挂牌督办: the bureau puts an open 重大 danger under supervision with a due date."""
    with transaction.atomic():
        danger = _danger(acting_user, danger_id, "supervise")
        if danger.grade != Grade.MAJOR:
            raise Conflict(_("只有重大隐患可以挂牌督办"), code="not_major", field="grade")
        _expect(danger, *(State.OPEN - {State.REPORTED}))
        if danger.supervised:
            raise Conflict(_("该隐患已挂牌督办"), code="already_supervised", field="supervised")
        due = _as_date(due, "due")
        if due < today_shanghai():
            raise ValidationFailed(_("督办期限不能早于今天"), code="deadline_past", field="due")
        danger.supervised = True
        danger.supervision_due = due
        danger.supervision_note = _text(note)
        danger.supervised_by = acting_user
        danger.supervised_at = timezone.now()
        danger.save(
            update_fields=[
                "supervised",
                "supervision_due",
                "supervision_note",
                "supervised_by",
                "supervised_at",
                "updated_at",
            ]
        )
        _event(acting_user, danger, "supervision_ordered", {"due": due, "note": danger.supervision_note})
        notify(
            [danger.responsible, *enterprise_admins(danger.enterprise_id)],
            kind="supervision_ordered",
            title=_("重大隐患挂牌督办，期限 %(due)s：%(title)s") % {"due": due, "title": danger.title},
            danger=danger,
            key=f"danger.supervision_ordered:{danger.pk}",
        )
    return danger


# --- extensions (安监总局令第15号 第十七条) -----------------------------------------------------------------------


def do_request_extension(*, acting_user: Any, danger_id: Any, new_deadline: Any, reason: str) -> ExtensionRequest:
    """Ask for a later deadline, in writing, at least 10 days before the current one (15号令 第十七条)."""
    with transaction.atomic():
        danger = _danger(acting_user, danger_id, "extend")
        _expect(danger, *State.RUNNING)
        if acting_user.pk != danger.responsible_id and acting_user.role != Role.ENTERPRISE_ADMIN:
            raise PermissionDenied(_("只有整改责任人或企业管理员可以申请延期"), code="wrong_person")
        if danger.extensions.filter(status=ExtensionStatus.PENDING).exists():
            raise Conflict(_("已有待答复的延期申请"), code="extension_pending", field="new_deadline")
        reason = _require_text(reason, "reason", "required", _("请填写延期理由"))
        new_deadline = _as_date(new_deadline, "new_deadline")
        today = today_shanghai()
        assert danger.deadline is not None  # every RUNNING danger has a deadline
        try:
            rules.check_extension_request(deadline=danger.deadline, requested_on=today, new_deadline=new_deadline)
        except DomainError as exc:
            raise from_domain(exc) from None
        request = ExtensionRequest.objects.create(
            danger=danger,
            current_deadline=danger.deadline,
            new_deadline=new_deadline,
            reason=reason,
            requested_by=acting_user,
            requested_on=today,
            answer_due=rules.extension_answer_due(today),
        )
        _event(
            acting_user,
            danger,
            "extension_requested",
            {"request": request.pk, "new_deadline": new_deadline, "answer_due": request.answer_due},
        )
        answerers = (
            county_supervisors(danger.county_id)
            if danger.grade == Grade.MAJOR
            else [user for user in enterprise_admins(danger.enterprise_id) if user.pk != acting_user.pk]
        )
        notify(
            answerers,
            kind="extension_requested",
            title=_("隐患整改延期申请（%(due)s 前答复）：%(title)s")
            % {"due": request.answer_due, "title": danger.title},
            danger=danger,
            key=f"danger.extension_requested:{request.pk}",
        )
    return request


def do_answer_extension(*, acting_user: Any, extension_id: Any, approve: bool, note: str = "") -> ExtensionRequest:
    """The bureau (重大) or the enterprise's administrator (一般, someone other than the requester) answers."""
    with transaction.atomic():
        request = access.get_for(acting_user, ExtensionRequest.objects.all(), extension_id, lock=True)
        danger = _danger(acting_user, request.danger_id, "view")
        if request.status != ExtensionStatus.PENDING:
            raise Conflict(_("该延期申请已答复"), code="wrong_state", field="status")
        if danger.grade == Grade.MAJOR:
            if not access.can(acting_user, "supervise", NOUN):
                raise PermissionDenied(_("重大隐患的延期申请由监管部门答复"), code="wrong_person")
        elif acting_user.role != Role.ENTERPRISE_ADMIN or acting_user.pk == request.requested_by_id:
            raise PermissionDenied(_("延期申请由申请人以外的企业管理员答复"), code="wrong_person")
        note = _text(note)
        if not approve and not note:
            raise ValidationFailed(_("请填写不予延期的理由"), code="required", field="note")
        request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        request.answered_by = acting_user
        request.answered_at = timezone.now()
        request.answer_note = note
        request.save(update_fields=["status", "answered_by", "answered_at", "answer_note"])
        payload: dict[str, Any] = {"request": request.pk, "approved": approve, "note": note}
        if approve:
            if danger.state not in State.RUNNING:
                raise Conflict(_("隐患已不在整改中，无需延期"), code="wrong_state", field="state")
            payload["previous_deadline"] = danger.deadline
            danger.deadline = request.new_deadline
            danger.save(update_fields=["deadline", "updated_at"])
            payload["deadline"] = danger.deadline
            recompute_colour_later(danger.enterprise_id)
        _event(acting_user, danger, "extension_answered", payload)
        notify(
            [request.requested_by],
            kind="extension_answered",
            title=(_("延期申请已批准，新期限 %(d)s") if approve else _("延期申请未获批准（原期限 %(d)s）"))
            % {"d": danger.deadline},
            danger=danger,
            key=f"danger.extension_answered:{request.pk}",
        )
    return request


def photo_for(acting_user: Any, photo_id: Any) -> DangerPhoto:
    """A photo the user may see, or NotFound (also across jurisdictions)."""
    photo = access.get_for(acting_user, DangerPhoto.objects.select_related("danger"), photo_id, "view", NOUN)
    if not photo.file:
        raise NotFound()
    return photo
