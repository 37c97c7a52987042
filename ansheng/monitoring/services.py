"""The one write path for monitoring: points, gateway tokens, maintenance windows, readings (see `ingest`) and the
alarm transitions people make (acknowledge, shelve, unshelve, close with handling feedback).

The alarm lifecycle (ISA-18.2 / ThingsBoard): two independent bits, active/cleared (set by the rules) and
acknowledged/unacknowledged (set by people), plus shelving (with an expiry) and closing (with 处置反馈). The table
below says which person-made transition is allowed from which state; system transitions (raise, rise, clear,
escalate, unshelve on expiry) are in `engine` and `notifier`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core import access
from ansheng.core.audit import log_change, snapshot
from ansheng.core.choices import ChangeAction, Role, TokenKind
from ansheng.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    full_clean,
    reject_unknown_fields,
)
from ansheng.core.models import ApiToken, User
from ansheng.core.services import do_create_token, do_revoke_token
from ansheng.enterprises.models import Enterprise
from ansheng.monitoring import conf, engine
from ansheng.monitoring.choices import PointKind, Severity, TransitionKind, WarningColour
from ansheng.monitoring.ingest import Result, Submission, Totals, directory, ingest
from ansheng.monitoring.models import (
    Alarm,
    EnterpriseWarning,
    MaintenanceWindow,
    MonitoringPoint,
    PointState,
)

POINT_FIELDS = frozenset(
    {
        "hazard_source",
        "code",
        "name",
        "kind",
        "unit",
        "substance",
        "location",
        "range_min",
        "range_max",
        "ll",
        "l",
        "h",
        "hh",
        "deadband",
        "on_delay_s",
        "normal_value",
        "severity_1",
        "severity_2",
        "interval_s",
        "no_data_after_s",
        "in_service",
    }
)


# --- monitoring points ----------------------------------------------------------------------------------------------


def _resolve_source(enterprise: Enterprise, value: Any) -> Any:
    from ansheng.hazards.models import HazardSource

    if value in (None, ""):
        return None
    source = HazardSource.objects.filter(pk=getattr(value, "pk", value), enterprise=enterprise).first()
    if source is None:
        raise ValidationFailed(_("重大危险源不属于本企业"), code="foreign_source", field="hazard_source")
    return source


def _apply_point(point: MonitoringPoint, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        if name == "hazard_source":
            point.hazard_source = _resolve_source(point.enterprise, value)
        elif isinstance(value, str):
            setattr(point, name, value.strip())
        else:
            setattr(point, name, value)
    if not point.unit and PointKind.UNITS.get(point.kind, ("",))[0]:
        point.unit = PointKind.UNITS[point.kind][0]
    if point.kind in PointKind.DISCRETE:
        if point.range_min is None:
            point.range_min = 0
        if point.range_max is None:
            point.range_max = 2 if point.kind == PointKind.SIS else 1


def do_create_point(*, acting_user: User, enterprise_id: int, data: Mapping[str, Any]) -> MonitoringPoint:
    access.require(acting_user, "change", "monitoring_point")
    reject_unknown_fields(data, POINT_FIELDS)
    enterprise = access.get_for(acting_user, Enterprise, enterprise_id, "view", "enterprise")
    point = MonitoringPoint(enterprise=enterprise, interval_s=conf.get("MONITORING_DEFAULT_INTERVAL_S"))
    _apply_point(point, data)
    if MonitoringPoint.objects.filter(enterprise=enterprise, code=point.code).exists():
        raise ValidationFailed(_("本企业已有该编码的测点"), code="unique", field="code")
    full_clean(point, exclude=["enterprise"])
    try:
        with transaction.atomic():
            point.save(force_insert=True)
            PointState.objects.create(point=point)
            log_change(
                user=acting_user,
                action=ChangeAction.CREATE,
                obj=point,
                before=None,
                after=snapshot(point),
                region_code=enterprise.county_id,
                enterprise_id=enterprise.pk,
            )
    except IntegrityError:
        raise ValidationFailed(_("本企业已有该编码的测点"), code="unique", field="code") from None
    directory.invalidate(enterprise.pk)
    return point


def do_update_point(
    *, acting_user: User, point_id: int, changes: Mapping[str, Any], reason: str = ""
) -> MonitoringPoint:
    """Change a point's settings. Its code is its identity for gateways and cannot change."""
    reject_unknown_fields(changes, POINT_FIELDS)
    with transaction.atomic():
        point = access.get_for(
            acting_user,
            MonitoringPoint.objects.select_related("enterprise"),
            point_id,
            "change",
            "monitoring_point",
            lock=True,
        )
        if "code" in changes and str(changes["code"]).strip() != point.code:
            raise ValidationFailed(
                _("测点编码是数据网关上报的标识，不能修改；如需更换请新建测点并停用旧测点"),
                code="code_immutable",
                field="code",
            )
        if "kind" in changes and changes["kind"] != point.kind:
            raise ValidationFailed(_("测点类型不能修改"), code="kind_immutable", field="kind")
        before = snapshot(point)
        _apply_point(point, {k: v for k, v in changes.items() if k not in {"code", "kind"}})
        full_clean(point, exclude=["enterprise"])
        point.save()
        if not point.in_service and before["in_service"]:
            # Out of service: nothing more to evaluate; open alarms stay for their feedback.
            from ansheng.monitoring.store import lock_enterprises

            lock_enterprises([point.enterprise_id])
            PointState.objects.filter(point=point).update(rule_state="")
        log_change(
            user=acting_user,
            action=ChangeAction.UPDATE,
            obj=point,
            before=before,
            after=snapshot(point),
            reason=reason,
            region_code=point.enterprise.county_id,
            enterprise_id=point.enterprise_id,
        )
    directory.invalidate(point.enterprise_id)
    return point


# --- gateway tokens --------------------------------------------------------------------------------------------------


def do_create_gateway_token(
    *, acting_user: User, name: str, enterprise_id: int | None = None, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A token a data gateway uses to post readings for one enterprise; its secret is shown once."""
    access.require(acting_user, "manage", "gateway_token")
    enterprise_id = enterprise_id or acting_user.enterprise_id
    if enterprise_id is None:
        raise ValidationFailed(_("请选择企业"), code="required", field="enterprise")
    enterprise = access.get_for(acting_user, Enterprise, enterprise_id, "view", "enterprise")
    return do_create_token(
        acting_user=acting_user, name=name, kind=TokenKind.GATEWAY, enterprise=enterprise, expires_at=expires_at
    )


def gateway_tokens(user: User) -> Any:
    rows = ApiToken.objects.filter(kind=TokenKind.GATEWAY).select_related("enterprise", "user")
    if user.role == Role.CITY_ADMIN:
        return rows
    if user.role == Role.ENTERPRISE_ADMIN and user.enterprise_id:
        return rows.filter(enterprise_id=user.enterprise_id)
    return rows.none()


def do_revoke_gateway_token(*, acting_user: User, token_id: int) -> ApiToken:
    """Revoke one of the enterprise's gateway tokens (whoever of its administrators created it)."""
    access.require(acting_user, "manage", "gateway_token")
    if not gateway_tokens(acting_user).filter(pk=token_id).exists():
        raise NotFound()
    return do_revoke_token(acting_user=acting_user, token_id=token_id)


def ingest_enterprise(request: Any) -> int:
    """The enterprise a caller may post readings for: a gateway token's, or an enterprise administrator's own."""
    token = getattr(request, "api_token", None)
    if token is not None and token.kind == TokenKind.GATEWAY:
        return int(token.enterprise_id)
    user = request.user
    if getattr(user, "role", None) == Role.ENTERPRISE_ADMIN and user.enterprise_id:
        return int(user.enterprise_id)
    raise PermissionDenied(_("只有企业的数据网关令牌或企业管理员可以上传监测数据"), code="not_a_gateway")


# --- readings ---------------------------------------------------------------------------------------------------


def do_ingest_readings(
    *,
    acting_user: User | None,
    submissions: Sequence[Submission],
    now: dt.datetime | None = None,
    evaluate: bool = True,
) -> tuple[list[Result], Totals]:
    """Validate, store and evaluate readings (see `ansheng.monitoring.ingest`). The acting user is the gateway's
    owner or None for the MQTT worker; access was decided where the submission was bound to its enterprise."""
    return ingest(submissions, now=now, evaluate=evaluate)


# --- maintenance windows ----------------------------------------------------------------------------------------------


def do_create_maintenance_window(
    *,
    acting_user: User,
    enterprise_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    hazard_source: Any = None,
    point: Any = None,
    now: dt.datetime | None = None,
) -> MaintenanceWindow:
    access.require(acting_user, "maintain", "monitoring_point")
    now = now or timezone.now()
    enterprise = access.get_for(acting_user, Enterprise, enterprise_id, "view", "enterprise")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写维护原因"), code="required", field="reason")
    if ends_at <= starts_at:
        raise ValidationFailed(_("结束时间应晚于开始时间"), code="end_before_start", field="ends_at")
    if ends_at <= now:
        raise ValidationFailed(_("结束时间应晚于现在"), code="in_the_past", field="ends_at")
    if ends_at - starts_at > dt.timedelta(days=30):
        raise ValidationFailed(_("维护窗口最长 30 天"), code="too_long", field="ends_at")
    source = _resolve_source(enterprise, hazard_source)
    target = None
    if point not in (None, ""):
        target = MonitoringPoint.objects.filter(pk=getattr(point, "pk", point), enterprise=enterprise).first()
        if target is None:
            raise ValidationFailed(_("测点不属于本企业"), code="foreign_point", field="point")
    with transaction.atomic():
        window = MaintenanceWindow.objects.create(
            enterprise=enterprise,
            hazard_source=source,
            point=target,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason[:200],
            created_by=acting_user,
        )
        log_change(
            user=acting_user,
            action=ChangeAction.CREATE,
            obj=window,
            before=None,
            after=snapshot(window),
            region_code=enterprise.county_id,
            enterprise_id=enterprise.pk,
        )
    return window


def do_cancel_maintenance_window(
    *, acting_user: User, window_id: int, now: dt.datetime | None = None
) -> MaintenanceWindow:
    access.require(acting_user, "maintain", "monitoring_point")
    now = now or timezone.now()
    with transaction.atomic():
        window = access.get_for(
            acting_user, MaintenanceWindow.objects.select_related("enterprise"), window_id, lock=True
        )
        if window.cancelled_at is None:
            before = snapshot(window)
            window.cancelled_at = now
            window.ends_at = min(window.ends_at, window.cancelled_at)
            window.save(update_fields=["cancelled_at", "ends_at"])
            log_change(
                user=acting_user,
                action=ChangeAction.UPDATE,
                obj=window,
                before=before,
                after=snapshot(window),
                region_code=window.enterprise.county_id,
                enterprise_id=window.enterprise_id,
            )
    return window


# --- alarm transitions made by people ---------------------------------------------------------------------------------

# action: (guard on the locked alarm → the error code and message when it fails, or None)
Guard = Callable[[Alarm, dt.datetime], tuple[str, Any] | None]


def _open(alarm: Alarm, now: dt.datetime) -> tuple[str, Any] | None:
    return ("closed", _("报警已关闭")) if alarm.closed_at is not None else None


def _can_acknowledge(alarm: Alarm, now: dt.datetime) -> tuple[str, Any] | None:
    return _open(alarm, now) or (("already_acknowledged", _("报警已确认")) if alarm.acknowledged else None)


def _can_shelve(alarm: Alarm, now: dt.datetime) -> tuple[str, Any] | None:
    return _open(alarm, now)


def _can_unshelve(alarm: Alarm, now: dt.datetime) -> tuple[str, Any] | None:
    return _open(alarm, now) or (None if alarm.is_shelved(now) else ("not_shelved", _("报警未被搁置")))


def _can_close(alarm: Alarm, now: dt.datetime) -> tuple[str, Any] | None:
    return _open(alarm, now) or (("still_active", _("报警仍在持续，恢复正常后才能关闭")) if alarm.active else None)


TRANSITIONS: dict[str, tuple[str, Guard]] = {
    "acknowledge": ("acknowledge", _can_acknowledge),
    "shelve": ("shelve", _can_shelve),
    "unshelve": ("shelve", _can_unshelve),
    "close": ("close", _can_close),
}


def _alarm_for(acting_user: User, alarm_id: int, action: str, now: dt.datetime) -> Alarm:
    permission, guard = TRANSITIONS[action]
    alarm = access.get_for(acting_user, Alarm.objects.all(), alarm_id, permission, "alarm", lock=True)
    failure = guard(alarm, now)
    if failure is not None:
        raise Conflict(failure[1], code=failure[0])
    return alarm


def _refresh(alarm: Alarm, now: dt.datetime) -> None:
    engine.refresh_warnings([alarm.enterprise_id], now)


def do_acknowledge_alarm(*, acting_user: User, alarm_id: int, note: str = "", now: dt.datetime | None = None) -> Alarm:
    """Someone has seen the alarm and is on it (ISA-18.2 acknowledge); stops the acknowledgement escalation."""
    now = now or timezone.now()
    with transaction.atomic():
        alarm = _alarm_for(acting_user, alarm_id, "acknowledge", now)
        alarm.acknowledged = True
        alarm.acknowledged_at = now
        alarm.acknowledged_by = acting_user
        alarm.save(update_fields=["acknowledged", "acknowledged_at", "acknowledged_by"])
        engine.transition(
            alarm, TransitionKind.ACKNOWLEDGED, actor=acting_user, note=(note or "").strip()[:2000], when=now
        )
        _refresh(alarm, now)
    return alarm


def do_shelve_alarm(
    *, acting_user: User, alarm_id: int, until: dt.datetime, reason: str, now: dt.datetime | None = None
) -> Alarm:
    """Shelve an alarm until a time (at most MONITORING_SHELVE_MAX_HOURS ahead): it stays recorded and evaluated
    but is not announced, escalated or counted in the early warning until the shelving expires."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写搁置原因"), code="required", field="reason")
    if until <= now:
        raise ValidationFailed(_("搁置截止时间应晚于现在"), code="in_the_past", field="until")
    limit = conf.get("MONITORING_SHELVE_MAX_HOURS")
    if until - now > dt.timedelta(hours=limit):
        raise ValidationFailed(_("搁置最长 %(n)s 小时") % {"n": limit}, code="too_long", field="until")
    with transaction.atomic():
        alarm = _alarm_for(acting_user, alarm_id, "shelve", now)
        alarm.shelved_until = until
        alarm.shelved_by = acting_user
        alarm.shelve_reason = reason[:200]
        alarm.save(update_fields=["shelved_until", "shelved_by", "shelve_reason"])
        engine.transition(
            alarm,
            TransitionKind.SHELVED,
            actor=acting_user,
            note=f"{reason[:200]}（{timezone.localtime(until):%Y-%m-%d %H:%M}）",
            when=now,
        )
        _refresh(alarm, now)
    return alarm


def do_unshelve_alarm(*, acting_user: User, alarm_id: int, now: dt.datetime | None = None) -> Alarm:
    now = now or timezone.now()
    with transaction.atomic():
        alarm = _alarm_for(acting_user, alarm_id, "unshelve", now)
        alarm.shelved_until = None
        alarm.save(update_fields=["shelved_until"])
        engine.transition(alarm, TransitionKind.UNSHELVED, actor=acting_user, when=now)
        _refresh(alarm, now)
    return alarm


def do_close_alarm(
    *, acting_user: User, alarm_id: int, cause: str, measures: str, note: str = "", now: dt.datetime | None = None
) -> Alarm:
    """Close a cleared alarm with its handling feedback (处置反馈: cause and measures). Closing acknowledges it."""
    now = now or timezone.now()
    cause, measures = (cause or "").strip(), (measures or "").strip()
    errors = []
    if not cause:
        errors.append(("cause", _("请填写原因分析")))
    if not measures:
        errors.append(("measures", _("请填写处置措施")))
    if errors:
        from ansheng.core.errors import FieldError

        raise ValidationFailed(errors=[FieldError(field, "required", message) for field, message in errors])
    with transaction.atomic():
        alarm = _alarm_for(acting_user, alarm_id, "close", now)
        if not alarm.acknowledged:
            alarm.acknowledged, alarm.acknowledged_at, alarm.acknowledged_by = True, now, acting_user
        alarm.closed_at = now
        alarm.closed_by = acting_user
        alarm.cause, alarm.measures, alarm.feedback_note = cause[:4000], measures[:4000], (note or "").strip()[:4000]
        alarm.save()
        engine.transition(alarm, TransitionKind.CLOSED, actor=acting_user, note=f"{cause}｜{measures}"[:2000], when=now)
        _refresh(alarm, now)
    return alarm


# --- reads other apps call ------------------------------------------------------------------------------------------


def enterprise_warning_colour(enterprise_id: int) -> str | None:
    """The enterprise's current early-warning colour from its monitoring alarms: "red", "orange", "yellow", "blue",
    or None when it has no warning. For the enterprise risk colour (the risks app) and the dashboard."""
    colour = EnterpriseWarning.objects.filter(enterprise_id=enterprise_id).values_list("colour", flat=True).first()
    return colour or None


def enterprise_warning_colours(enterprise_ids: Sequence[int] | None = None) -> dict[int, str]:
    """The same for many enterprises at once (only those with a warning are in the result)."""
    rows = EnterpriseWarning.objects.exclude(colour=WarningColour.NONE)
    if enterprise_ids is not None:
        rows = rows.filter(enterprise_id__in=list(enterprise_ids))
    return dict(rows.values_list("enterprise_id", "colour"))


def source_monitoring_summary(source: Any) -> dict[str, int] | None:
    """Points, points online now and open alarms of a hazard source (for its page in the hazards app)."""
    from ansheng.monitoring.stats import online_now

    points = list(MonitoringPoint.objects.filter(hazard_source=source, in_service=True).select_related("state"))
    alarms = Alarm.objects.filter(hazard_source=source, closed_at__isnull=True).count()
    if not points and not alarms:
        return {"points": 0, "online": 0, "alarms": 0}
    now_ms = int(timezone.now().timestamp() * 1000)
    return {"points": len(points), "online": sum(online_now(p, now_ms) for p in points), "alarms": alarms}


def open_alarms_q() -> Q:
    return Q(closed_at__isnull=True)


__all__ = [
    "Severity",
    "Submission",
    "do_acknowledge_alarm",
    "do_cancel_maintenance_window",
    "do_close_alarm",
    "do_create_gateway_token",
    "do_create_maintenance_window",
    "do_create_point",
    "do_ingest_readings",
    "do_revoke_gateway_token",
    "do_shelve_alarm",
    "do_unshelve_alarm",
    "do_update_point",
    "enterprise_warning_colour",
    "enterprise_warning_colours",
    "ingest_enterprise",
    "source_monitoring_summary",
]
