"""The one write path for risk grading and control and for inspection tasks.

Risk objects, analysis units, risk events, assessments (append-only), control measures, posts, inspection tasks,
the generator of dated occurrences and the missed sweep, and the completion of a checklist (a finding becomes a
hidden danger through the dangers app's service when it is installed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ansheng.core import access
from ansheng.core.audit import append_event, log_change, snapshot
from ansheng.core.choices import ChangeAction, Role
from ansheng.core.errors import (
    Conflict,
    PermissionDenied,
    ValidationFailed,
    from_domain,
    full_clean,
    reject_unknown_fields,
)
from ansheng.core.models import User
from ansheng.domain.levels import RiskLevel
from ansheng.domain.risk import RiskError, assess
from ansheng.enterprises.models import Enterprise
from ansheng.risks import conf, schedule
from ansheng.risks.choices import AnswerResult, Cycle, Level, Method, OccurrenceStatus, Stage
from ansheng.risks.models import (
    AnalysisUnit,
    Answer,
    Assessment,
    ControlMeasure,
    InspectionTask,
    Occurrence,
    Post,
    RiskEvent,
    RiskObject,
)

OBJECT_FIELDS = frozenset(
    {
        "kind",
        "code",
        "name",
        "location",
        "longitude",
        "latitude",
        "department",
        "responsible_name",
        "responsible_phone",
        "emergency_actions",
        "is_active",
    }
)
UNIT_FIELDS = frozenset({"name", "description"})
EVENT_FIELDS = frozenset({"description", "accident_type", "hazard_factors", "consequence", "is_active"})
MEASURE_FIELDS = frozenset({"kind", "description", "responsible_name", "control_level", "is_active"})
POST_FIELDS = frozenset({"name", "duties", "risk_objects"})
TASK_FIELDS = frozenset(
    {"name", "method", "checklist", "cycle", "starts_on", "ends_on", "measure", "assignees", "is_active"}
)
PHOTO_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG", "image/webp": b"RIFF"}


# --- helpers ------------------------------------------------------------------------------------------------------


def _strip(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value.strip() if isinstance(value, str) else value for key, value in data.items()}


def _ids(enterprise: Enterprise) -> dict[str, Any]:
    return {"region_code": enterprise.county_id, "enterprise_id": enterprise.pk}


def _get(user: User, model: Any, pk: Any, action: str, noun: str = "risk", *, lock: bool = True) -> Any:
    return access.get_for(user, model.objects.select_related("enterprise"), pk, action, noun, lock=lock)


def _enterprise(user: User, enterprise_id: Any, noun: str = "risk") -> Enterprise:
    access.require(user, "create", noun)
    return access.get_for(user, Enterprise, enterprise_id, "view", "enterprise")


def _changed(user: User, obj: Any, before: dict[str, Any] | None, action: str = ChangeAction.UPDATE) -> None:
    log_change(user=user, action=action, obj=obj, before=before, after=snapshot(obj), **_ids(obj.enterprise))


def _recompute_colour_on_commit(enterprise_id: int) -> None:
    from ansheng.risks.colour import recompute_enterprise_colours

    transaction.on_commit(lambda: recompute_enterprise_colours([enterprise_id]))


# --- risk objects, units, events --------------------------------------------------------------------------------


def do_create_object(*, acting_user: User, enterprise_id: int, data: Mapping[str, Any]) -> RiskObject:
    reject_unknown_fields(data, OBJECT_FIELDS)
    with transaction.atomic():
        enterprise = _enterprise(acting_user, enterprise_id)
        obj = RiskObject(enterprise=enterprise, **_strip(data))
        if RiskObject.objects.filter(enterprise=enterprise, code=obj.code).exists():
            raise ValidationFailed(_("本企业已有该编号的风险点"), code="unique", field="code")
        full_clean(obj, exclude=["enterprise"], validate_unique=False)
        try:
            with transaction.atomic():
                obj.save(force_insert=True)
        except IntegrityError:
            raise ValidationFailed(_("本企业已有该编号的风险点"), code="unique", field="code") from None
        _changed(acting_user, obj, None, ChangeAction.CREATE)
    return obj


def do_update_object(*, acting_user: User, object_id: int, changes: Mapping[str, Any]) -> RiskObject:
    reject_unknown_fields(changes, OBJECT_FIELDS)
    with transaction.atomic():
        obj = _get(acting_user, RiskObject, object_id, "change")
        before = snapshot(obj)
        for name, value in _strip(changes).items():
            setattr(obj, name, value)
        if RiskObject.objects.filter(enterprise_id=obj.enterprise_id, code=obj.code).exclude(pk=obj.pk).exists():
            raise ValidationFailed(_("本企业已有该编号的风险点"), code="unique", field="code")
        full_clean(obj, exclude=["enterprise"], validate_unique=False)
        obj.save()
        if "is_active" in changes:
            _refresh_object_level(obj)
            _recompute_colour_on_commit(obj.enterprise_id)
        _changed(acting_user, obj, before)
    return obj


def do_add_unit(*, acting_user: User, object_id: int, data: Mapping[str, Any]) -> AnalysisUnit:
    reject_unknown_fields(data, UNIT_FIELDS)
    with transaction.atomic():
        obj = _get(acting_user, RiskObject, object_id, "change")
        unit = AnalysisUnit(enterprise=obj.enterprise, risk_object=obj, **_strip(data))
        full_clean(unit, exclude=["enterprise", "risk_object"])
        unit.save()
        _changed(acting_user, unit, None, ChangeAction.CREATE)
    return unit


def do_add_event(*, acting_user: User, unit_id: int, data: Mapping[str, Any]) -> RiskEvent:
    reject_unknown_fields(data, EVENT_FIELDS)
    with transaction.atomic():
        unit = _get(acting_user, AnalysisUnit, unit_id, "change")
        event = RiskEvent(enterprise=unit.enterprise, unit=unit, **_strip(data))
        full_clean(event, exclude=["enterprise", "unit"])
        event.save()
        _changed(acting_user, event, None, ChangeAction.CREATE)
    return event


def do_update_event(*, acting_user: User, event_id: int, changes: Mapping[str, Any]) -> RiskEvent:
    reject_unknown_fields(changes, EVENT_FIELDS)
    with transaction.atomic():
        event = _get(acting_user, RiskEvent, event_id, "change")
        before = snapshot(event)
        for name, value in _strip(changes).items():
            setattr(event, name, value)
        full_clean(event, exclude=["enterprise", "unit"])
        event.save()
        if "is_active" in changes:
            _refresh_object_level(event.unit.risk_object)
            _recompute_colour_on_commit(event.enterprise_id)
        _changed(acting_user, event, before)
    return event


def _refresh_object_level(obj: RiskObject) -> None:
    levels = RiskEvent.objects.filter(unit__risk_object=obj, is_active=True).exclude(level="")
    best = max((Level.RANK[level] for level in levels.values_list("level", flat=True)), default=0)
    level = next((value for value, rank in Level.RANK.items() if rank == best), "") if best else ""
    if not obj.is_active:
        level = ""
    if obj.level != level:
        RiskObject.objects.filter(pk=obj.pk).update(level=level)
        obj.level = level


def _decimal(value: Any) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def do_assess_event(
    *,
    acting_user: User,
    event_id: int,
    stage: str,
    method: str,
    factors: Mapping[str, Any],
    note: str = "",
) -> Assessment:
    """Assess a risk event by LEC, LS or MES (`ansheng.domain.risk.assess`); the event takes the new level, colour
    and control level (a residual assessment outranks the inherent one); earlier assessments stay as history."""
    if stage not in Stage.values():
        raise ValidationFailed(_("阶段应为固有风险或剩余风险"), code="invalid_choice", field="stage")
    if method not in Method.values():
        raise ValidationFailed(_("评价方法应为LEC、LS或MES"), code="invalid_choice", field="method")
    values: dict[str, Any] = {}
    for key, value in factors.items():
        try:
            values[str(key)] = Decimal(value.strip()) if isinstance(value, str) else value
        except InvalidOperation:
            raise ValidationFailed(_("因素取值应为数字"), code="wrong_type", field=str(key)) from None
    try:
        result = assess(method, **values)
    except RiskError as exc:
        raise from_domain(exc) from None
    with transaction.atomic():
        event = _get(acting_user, RiskEvent, event_id, "assess")
        if stage == Stage.RESIDUAL and not event.inherent_level:
            raise ValidationFailed(_("请先评估固有风险"), code="inherent_first", field="stage")
        level = result.level.value
        row = Assessment.objects.create(
            enterprise=event.enterprise,
            event=event,
            stage=stage,
            method=method,
            factors={key: str(value) for key, value in result.factors.items()},
            score=_decimal(result.score),
            level=level,
            band_label=result.band_label[:64],
            control_level=result.control_level,
            note=(note or "").strip()[:200],
            assessed_by=acting_user,
        )
        previous = event.level
        if stage == Stage.INHERENT:
            event.inherent_level = level
        else:
            event.residual_level = level
        current = event.residual_level or event.inherent_level
        event.level = current
        event.colour = RiskLevel(current).colour
        if stage == Stage.RESIDUAL or not event.residual_level:
            event.control_level = result.control_level
        event.assessed_at = row.assessed_at
        event.save(
            update_fields=["inherent_level", "residual_level", "level", "colour", "control_level", "assessed_at"]
        )
        _refresh_object_level(event.unit.risk_object)
        append_event(
            actor=acting_user,
            event="risk_event.assessed",
            obj=event,
            payload={
                "stage": stage,
                "method": method,
                "factors": row.factors,
                "score": str(row.score),
                "level": level,
                "previous_level": previous,
            },
            **_ids(event.enterprise),
        )
        _recompute_colour_on_commit(event.enterprise_id)
    return row


def do_add_measure(*, acting_user: User, event_id: int, data: Mapping[str, Any]) -> ControlMeasure:
    reject_unknown_fields(data, MEASURE_FIELDS)
    with transaction.atomic():
        event = _get(acting_user, RiskEvent, event_id, "change")
        measure = ControlMeasure(enterprise=event.enterprise, event=event, **_strip(data))
        if not measure.control_level:
            measure.control_level = event.control_level
        full_clean(measure, exclude=["enterprise", "event"])
        measure.save()
        _changed(acting_user, measure, None, ChangeAction.CREATE)
    return measure


def do_update_measure(*, acting_user: User, measure_id: int, changes: Mapping[str, Any]) -> ControlMeasure:
    reject_unknown_fields(changes, MEASURE_FIELDS)
    with transaction.atomic():
        measure = _get(acting_user, ControlMeasure, measure_id, "change")
        before = snapshot(measure)
        for name, value in _strip(changes).items():
            setattr(measure, name, value)
        full_clean(measure, exclude=["enterprise", "event"])
        measure.save()
        _changed(acting_user, measure, before)
    return measure


def _own_objects(enterprise: Enterprise, ids: Iterable[Any], field: str) -> list[RiskObject]:
    wanted = {int(pk) for pk in ids}
    found = list(RiskObject.objects.filter(enterprise=enterprise, pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationFailed(_("风险点不存在或不属于本企业"), code="invalid_choice", field=field)
    return found


def do_save_post(*, acting_user: User, enterprise_id: int, data: Mapping[str, Any], post_id: int | None = None) -> Post:
    reject_unknown_fields(data, POST_FIELDS)
    fields = _strip(data)
    object_ids = fields.pop("risk_objects", None)
    with transaction.atomic():
        if post_id is None:
            enterprise = _enterprise(acting_user, enterprise_id)
            post, before = Post(enterprise=enterprise), None
        else:
            post = _get(acting_user, Post, post_id, "change")
            enterprise, before = post.enterprise, snapshot(post)
        for name, value in fields.items():
            setattr(post, name, value)
        if Post.objects.filter(enterprise=enterprise, name=post.name).exclude(pk=post.pk).exists():
            raise ValidationFailed(_("本企业已有该岗位"), code="unique", field="name")
        full_clean(post, exclude=["enterprise"], validate_unique=False)
        post.save()
        if object_ids is not None:
            post.risk_objects.set(_own_objects(enterprise, object_ids, "risk_objects"))
        _changed(acting_user, post, before, ChangeAction.CREATE if before is None else ChangeAction.UPDATE)
    return post


# --- inspection tasks ---------------------------------------------------------------------------------------------


def _task_relations(task: InspectionTask, fields: dict[str, Any]) -> list[User] | None:
    measure = fields.pop("measure", None) if "measure" in fields else task.measure
    if measure is not None and not isinstance(measure, ControlMeasure):
        measure = ControlMeasure.objects.filter(pk=measure).first() if str(measure).isdigit() else None
        if measure is None:
            raise ValidationFailed(_("管控措施不存在"), code="invalid_choice", field="measure")
    if measure is not None and measure.event.unit.risk_object_id != task.risk_object_id:
        raise ValidationFailed(_("管控措施不属于该风险点"), code="invalid_choice", field="measure")
    task.measure = measure
    if "assignees" not in fields:
        return None
    raw = fields.pop("assignees") or []
    ids = {int(getattr(user, "pk", user)) for user in raw}
    users = list(User.objects.filter(pk__in=ids, enterprise_id=task.enterprise_id, is_active=True))
    if len(users) != len(ids):
        raise ValidationFailed(_("执行人须为本企业的在职人员"), code="invalid_choice", field="assignees")
    return users


def do_create_task(*, acting_user: User, object_id: int, data: Mapping[str, Any]) -> InspectionTask:
    reject_unknown_fields(data, TASK_FIELDS)
    fields = _strip(data)
    if isinstance(fields.get("checklist"), list):
        fields["checklist"] = [str(item).strip() for item in fields["checklist"] if str(item).strip()]
    with transaction.atomic():
        access.require(acting_user, "create", "inspection")
        obj = _get(acting_user, RiskObject, object_id, "view")
        task = InspectionTask(enterprise=obj.enterprise, risk_object=obj)
        if not fields.get("starts_on"):
            fields["starts_on"] = timezone.localdate()
        users = _task_relations(task, fields)
        for name, value in fields.items():
            setattr(task, name, value)
        if task.cycle not in Cycle.values():
            raise ValidationFailed(_("排查周期无效"), code="invalid_choice", field="cycle")
        full_clean(task, exclude=["enterprise", "risk_object", "measure"])
        task.save()
        if users is not None:
            task.assignees.set(users)
        _changed(acting_user, task, None, ChangeAction.CREATE)
    return task


def do_update_task(*, acting_user: User, task_id: int, changes: Mapping[str, Any]) -> InspectionTask:
    """Change a task. A changed cycle or start date applies to windows not yet generated; a task started again
    resumes from the window containing now (the windows while it was stopped are not recorded as missed)."""
    reject_unknown_fields(changes, TASK_FIELDS)
    fields = _strip(changes)
    with transaction.atomic():
        task = _get(acting_user, InspectionTask, task_id, "change", "inspection")
        before = snapshot(task)
        was_active = task.is_active
        users = _task_relations(task, fields)
        for name, value in fields.items():
            setattr(task, name, value)
        full_clean(task, exclude=["enterprise", "risk_object", "measure"])
        if task.is_active and not was_active and task.cycle not in Cycle.AD_HOC:
            # Started again: from the window containing now; the windows while it was stopped are not missed.
            current, _end = schedule.period_containing(task.cycle, timezone.now(), conf.get("RISKS_SHIFT_HOURS"))
            if task.generated_until is None or task.generated_until < current:
                task.generated_until = current
        task.save()
        if users is not None:
            task.assignees.set(users)
        _changed(acting_user, task, before)
    return task


def generate_occurrences(
    now: dt.datetime | None = None, *, batch: int = 1000, task_ids: Iterable[int] | None = None
) -> int:
    """Create the occurrences of every active task up to the window containing `now` (idempotent: a window that
    exists is left alone, and each task keeps a bookmark), and tell the assignees of each window now open that it is
    due. Works through the due tasks in batches of a few queries each. Returns how many occurrences were created."""
    now = now or timezone.now()
    shift_hours = conf.get("RISKS_SHIFT_HOURS")
    created_total = 0
    due = (
        InspectionTask.objects.filter(is_active=True, risk_object__is_active=True)
        .filter(Q(generated_until__isnull=True) | Q(generated_until__lte=now))
        .select_related("risk_object")
        .order_by("pk")
    )
    if task_ids is not None:
        due = due.filter(pk__in=list(task_ids))
    after = 0
    while True:
        tasks = list(due.filter(pk__gt=after)[:batch])
        if not tasks:
            return created_total
        after = tasks[-1].pk
        created_total += _generate_batch(tasks, now, shift_hours)


def _generate_batch(tasks: list[InspectionTask], now: dt.datetime, shift_hours: Sequence[int]) -> int:
    rows: list[Occurrence] = []
    for task in tasks:
        horizon = task.generated_until
        for start, end in schedule.windows(
            task.cycle,
            starts_on=task.starts_on,
            ends_on=task.ends_on,
            since=task.generated_until,
            until=now,
            shift_hours=shift_hours,
        ):
            rows.append(
                Occurrence(
                    enterprise_id=task.enterprise_id,
                    task=task,
                    period_start=start,
                    period_end=end,
                    due_on=schedule.due_date(end),
                    status=OccurrenceStatus.PENDING if end > now else OccurrenceStatus.MISSED,
                )
            )
            horizon = end
        # Nothing more until the last window ends (ad-hoc tasks past their end: never again).
        task.generated_until = horizon if horizon is not None and horizon > now else _next_check(task, now)
    with transaction.atomic():
        fresh = rows
        if rows:
            earliest = min(row.period_start for row in rows)
            existing = set(
                Occurrence.objects.filter(task__in=tasks, period_start__gte=earliest).values_list(
                    "task_id", "period_start"
                )
            )
            fresh = [row for row in rows if (row.task_id, row.period_start) not in existing]
            Occurrence.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
        InspectionTask.objects.bulk_update(tasks, ["generated_until"], batch_size=500)
        opened = {row.task_id: row for row in fresh if row.period_start <= now < row.period_end}
        if opened:
            by_task = {task.pk: task for task in tasks}
            per_user: dict[int, tuple[User, list[Occurrence]]] = {}
            links = InspectionTask.assignees.through.objects.filter(inspectiontask_id__in=list(opened))
            for link in links.select_related("user"):
                if link.user.is_active:
                    per_user.setdefault(link.user_id, (link.user, []))[1].append(opened[link.inspectiontask_id])
            for user, due_rows in per_user.values():
                _announce_due(user, [(by_task[row.task_id], row) for row in due_rows])
    return len(fresh)


NEVER = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


def _next_check(task: InspectionTask, now: dt.datetime) -> dt.datetime:
    """When the generator should look at a task again that has no window running past `now`."""
    if task.ends_on and schedule.midnight(task.ends_on + dt.timedelta(days=1)) <= now:
        return NEVER  # its windows all exist
    first = schedule.midnight(task.starts_on)
    return first if first > now else now


def _announce_due(user: User, due: list[tuple[InspectionTask, Occurrence]]) -> None:
    """One notice per person and generator pass: the task (with its risk point's mobile page), or how many."""
    import hashlib

    from django.urls import reverse

    from ansheng.core.services import do_notify

    due.sort(key=lambda pair: pair[1].period_end)
    keys = sorted(f"{task.pk}@{row.period_start.isoformat()}" for task, row in due)
    dedup = f"risks.due.{user.pk}.{hashlib.sha256('|'.join(keys).encode()).hexdigest()[:24]}"
    task = due[0][0]
    if len(due) == 1:
        title = _("排查任务待执行：%(name)s") % {"name": task.name}
        url = reverse("risks:mobile", args=[task.risk_object.qr_token])
    else:
        title = _("您有 %(n)s 项排查任务待执行") % {"n": len(due)}
        url = reverse("core:home")
    body = "\n".join(
        _("%(object)s · %(name)s，请于 %(end)s 前完成")
        % {
            "object": t.risk_object.name,
            "name": t.name,
            "end": f"{r.period_end.astimezone(schedule.SHANGHAI):%m-%d %H:%M}",
        }
        for t, r in due[:20]
    )
    do_notify([user], kind="risks.inspection_due", title=title, body=body, url=url, dedup_key=dedup)


def sweep_missed(now: dt.datetime | None = None) -> int:
    """Mark every pending occurrence whose window has ended as missed."""
    now = now or timezone.now()
    return Occurrence.objects.filter(status=OccurrenceStatus.PENDING, period_end__lte=now).update(
        status=OccurrenceStatus.MISSED
    )


def validate_photo(photo: Any, field: str) -> None:
    """A JPEG, PNG or WebP image no larger than ANSHENG_RISKS_PHOTO_MAX_MB, by its bytes, not its name."""
    limit = conf.get("RISKS_PHOTO_MAX_MB") * 1024 * 1024
    if photo.size > limit:
        raise ValidationFailed(
            _("照片不能超过 %(mb)s MB") % {"mb": conf.get("RISKS_PHOTO_MAX_MB")}, code="file_too_large", field=field
        )
    photo.seek(0)
    head = photo.read(12)
    photo.seek(0)
    kind = next((ctype for ctype, magic in PHOTO_TYPES.items() if head.startswith(magic)), None)
    if kind is None or (kind == "image/webp" and head[8:12] != b"WEBP"):
        raise ValidationFailed(_("照片应为 JPEG、PNG 或 WebP 图片"), code="invalid_file_type", field=field)
    from PIL import Image

    try:
        with Image.open(photo) as image:
            if Image.MIME.get(image.format or "") != kind:
                raise ValueError(image.format)
            image.verify()
    except Exception:
        raise ValidationFailed(_("照片文件已损坏或不是图片"), code="invalid_image", field=field) from None
    finally:
        photo.seek(0)


def may_perform(user: User, occurrence: Occurrence) -> bool:
    if not access.can(user, "perform", "inspection"):
        return False
    if user.role == Role.ENTERPRISE_ADMIN:
        return True
    assignees = occurrence.task.assignees.values_list("pk", flat=True)
    return not assignees or user.pk in set(assignees)


def do_complete_occurrence(
    *,
    acting_user: User,
    occurrence_id: int,
    answers: Sequence[Mapping[str, Any]],
    now: dt.datetime | None = None,
) -> Occurrence:
    """Answer every checklist item of an open occurrence: OK, not applicable, or a finding (note required, photo
    optional). A finding is reported as a hidden danger (source "inspection") when the dangers app is installed."""
    now = now or timezone.now()
    with transaction.atomic():
        occurrence = access.get_for(
            acting_user,
            Occurrence.objects.select_related("task", "task__risk_object", "enterprise"),
            occurrence_id,
            "perform",
            "inspection",
            lock=True,
        )
        if not may_perform(acting_user, occurrence):
            raise PermissionDenied(_("您不是该排查任务的执行人"))
        if occurrence.status != OccurrenceStatus.PENDING:
            raise Conflict(_("该排查已完成或已过期"), code="not_pending")
        if not occurrence.period_start <= now < occurrence.period_end:
            raise Conflict(_("不在该排查的时间窗口内"), code="outside_window")
        items = occurrence.task.checklist
        if len(answers) != len(items):
            raise ValidationFailed(
                _("须逐项作答（共 %(n)s 项）") % {"n": len(items)}, code="answers_incomplete", field="answers"
            )
        rows = []
        for index, (item, answer) in enumerate(zip(items, answers, strict=True)):
            field = f"answers[{index}]"
            reject_unknown_fields(answer, {"result", "note", "photo"})
            result = answer.get("result")
            note = (answer.get("note") or "").strip()
            photo = answer.get("photo")
            if result not in AnswerResult.values():
                raise ValidationFailed(
                    _("请选择正常、不适用或发现隐患"), code="invalid_choice", field=f"{field}.result"
                )
            if result == AnswerResult.FINDING and not note:
                raise ValidationFailed(_("发现隐患时须说明情况"), code="required", field=f"{field}.note")
            if len(note) > 2000:
                raise ValidationFailed(_("说明不超过2000字"), code="too_long", field=f"{field}.note")
            if photo:
                validate_photo(photo, f"{field}.photo")
            rows.append(
                Answer(
                    enterprise_id=occurrence.enterprise_id,
                    occurrence=occurrence,
                    index=index,
                    item=item[:200],
                    result=result,
                    note=note,
                    photo=photo or "",
                )
            )
        for row, answer in zip(rows, answers, strict=True):
            row.save()
            _report_finding(acting_user, occurrence, row, answer.get("photo"))
        occurrence.status = OccurrenceStatus.DONE
        occurrence.completed_at = now
        occurrence.completed_by = acting_user
        occurrence.findings = sum(1 for row in rows if row.result == AnswerResult.FINDING)
        occurrence.save(update_fields=["status", "completed_at", "completed_by", "findings"])
        append_event(
            actor=acting_user,
            event="inspection.completed",
            obj=occurrence,
            payload={"task": occurrence.task_id, "due_on": occurrence.due_on, "findings": occurrence.findings},
            **_ids(occurrence.enterprise),
        )
    return occurrence


def _report_finding(acting_user: User, occurrence: Occurrence, answer: Answer, upload: Any) -> None:
    if answer.result != AnswerResult.FINDING or not apps.is_installed("ansheng.dangers"):
        return
    from django.urls import reverse

    from ansheng.dangers.services import do_report_danger

    photos = []
    if upload:
        upload.seek(0)
        photos.append(upload)
    obj = occurrence.task.risk_object
    danger = do_report_danger(
        acting_user=acting_user,
        enterprise_id=occurrence.enterprise_id,
        source="inspection",
        title=f"{obj.name}：{answer.item}"[:200],
        description=answer.note,
        location=obj.location or obj.name,
        photos=photos,
        latitude=obj.latitude,
        longitude=obj.longitude,
        origin_label=f"{occurrence.task.name} {occurrence.due_on:%Y-%m-%d}",
        origin_url=reverse("risks:object", args=[obj.pk]),
        found_at=timezone.now(),
    )
    Answer.objects.filter(pk=answer.pk).update(danger=danger)
    answer.danger = danger
