"""Monitoring points, readings and their aggregates, the rejection log, alarms and their transitions, maintenance
windows and the enterprises' early warnings.

Readings are the hot path: they are written by `ansheng.monitoring.store` with the database's bulk path (COPY on
PostgreSQL, executemany on SQLite), never row by row through the ORM. Their timestamps are integer milliseconds
since the epoch (UTC): one 8-byte column, exact equality for the idempotency key (point, ts), and bucket arithmetic
that is the same SQL on both databases.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import Scoping
from ansheng.monitoring.choices import (
    AlarmLevel,
    AlarmType,
    Channel,
    NotifyState,
    PointKind,
    Severity,
    TransitionKind,
    WarningColour,
)

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")


def ms_to_datetime(ms: int | None) -> dt.datetime | None:
    return None if ms is None else dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)


def datetime_to_ms(value: dt.datetime) -> int:
    return round(value.timestamp() * 1000)


def validate_code(value: str) -> None:
    if not CODE_RE.match(value or ""):
        raise ValidationError(
            _("编码只能包含字母、数字和 _ . : -，以字母或数字开头，最长 64 个字符"), code="invalid_code"
        )


class MonitoringPoint(models.Model):
    """A sensor or status signal of an enterprise, usually on a major hazard source, with its alarm settings."""

    scoping = Scoping(region="enterprise__county__code", enterprise="enterprise_id")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="monitoring_points", verbose_name=_("企业")
    )
    hazard_source = models.ForeignKey(
        "hazards.HazardSource",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="monitoring_points",
        verbose_name=_("所属重大危险源"),
    )
    code = models.CharField(
        _("测点编码"),
        max_length=64,
        validators=[validate_code],
        help_text=_("企业内唯一且保持不变，数据网关上报时使用，如 T101-LT-01"),
    )
    name = models.CharField(_("测点名称"), max_length=128, help_text=_("如：1#液氯储罐液位"))
    kind = models.CharField(_("类型"), max_length=24, choices=PointKind.choices)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    substance = models.CharField(_("检测介质"), max_length=64, blank=True, help_text=_("气体检测器检测的物质"))
    location = models.CharField(_("安装位置"), max_length=128, blank=True)
    range_min = models.FloatField(_("量程下限"))
    range_max = models.FloatField(_("量程上限"))
    ll = models.FloatField(_("低低报（LL）"), null=True, blank=True)
    l = models.FloatField(_("低报（L）"), null=True, blank=True)  # noqa: E741
    h = models.FloatField(_("高报（H）/ 一级报警"), null=True, blank=True)
    hh = models.FloatField(_("高高报（HH）/ 二级报警"), null=True, blank=True)
    deadband = models.FloatField(
        _("死区"), default=0, validators=[MinValueValidator(0)], help_text=_("恢复正常需回到阈值以内的幅度（工程单位）")
    )
    on_delay_s = models.PositiveIntegerField(_("报警延时（秒）"), default=0, help_text=_("超限持续该时长后才报警"))
    normal_value = models.FloatField(_("正常值（开关量）"), null=True, blank=True)
    severity_1 = models.CharField(
        _("一级报警级别"),
        max_length=16,
        choices=Severity.choices,
        default=Severity.WARNING,
        help_text=_("L/H、气体一级报警、开关量异常"),
    )
    severity_2 = models.CharField(
        _("二级报警级别"),
        max_length=16,
        choices=Severity.choices,
        default=Severity.MAJOR,
        help_text=_("LL/HH、气体二级报警"),
    )
    interval_s = models.PositiveIntegerField(_("应上报间隔（秒）"), default=60, validators=[MinValueValidator(1)])
    no_data_after_s = models.PositiveIntegerField(
        _("无数据报警时限（秒）"), null=True, blank=True, help_text=_("留空按上报间隔的倍数")
    )
    in_service = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["enterprise_id", "hazard_source_id", "code"]
        verbose_name = _("监测点")
        verbose_name_plural = _("监测点")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="monitoring_point_code_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def discrete(self) -> bool:
        return self.kind in PointKind.DISCRETE

    @property
    def thresholds(self) -> dict[str, float | None]:
        return {"ll": self.ll, "l": self.l, "h": self.h, "hh": self.hh}

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}

        def add(field: str, message: object, code: str) -> None:
            errors.setdefault(field, []).append(ValidationError(message, code=code))

        if self.range_min is not None and self.range_max is not None and self.range_min >= self.range_max:
            add("range_max", _("量程上限应大于下限"), "range_inverted")
        if self.kind in PointKind.DISCRETE:
            for name in ("ll", "l", "h", "hh"):
                if getattr(self, name) is not None:
                    add(name, _("开关量测点不设报警阈值，只设正常值"), "discrete_with_thresholds")
            if self.normal_value is None:
                self.normal_value = PointKind.NORMAL.get(self.kind, 0.0)
        else:
            if self.normal_value is not None:
                add("normal_value", _("模拟量测点不设正常值"), "analog_with_normal_value")
            previous: tuple[str, float] | None = None
            for name in ("ll", "l", "h", "hh"):
                value = getattr(self, name)
                if value is None:
                    continue
                if (
                    self.range_min is not None
                    and self.range_max is not None
                    and not (self.range_min <= value <= self.range_max)
                ):
                    add(name, _("报警阈值应在量程之内"), "threshold_outside_range")
                if previous is not None and value < previous[1]:
                    add(name, _("报警阈值应满足 LL ≤ L ≤ H ≤ HH"), "thresholds_out_of_order")
                previous = (name, value)
            if self.kind in PointKind.GAS and (self.l is not None or self.ll is not None):
                add("l", _("气体检测器只设一级和二级报警值"), "gas_with_low_thresholds")
        allowed_units = PointKind.UNITS.get(self.kind)
        if allowed_units and self.unit not in allowed_units:
            if allowed_units == ("",):
                self.unit = ""
            else:
                add("unit", _("单位应为：%(units)s") % {"units": "、".join(allowed_units)}, "invalid_unit")
        if errors:
            raise ValidationError(errors)


class PointState(models.Model):
    """The live state of a point: its last reading and what the alarm rules remember (pending on-delays, active
    levels). Written on every batch by the ingest service in one statement for all the batch's points."""

    point = models.OneToOneField(MonitoringPoint, models.CASCADE, primary_key=True, related_name="state")
    last_ts = models.BigIntegerField(null=True, blank=True)  # ms since the epoch (UTC)
    last_value = models.FloatField(null=True, blank=True)
    rule_state = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"{self.point_id}: {self.last_value} @ {self.last_ts}"

    @property
    def last_at(self) -> dt.datetime | None:
        return ms_to_datetime(self.last_ts)


class Reading(models.Model):
    """A raw reading, idempotent on (point, ts). Kept for MONITORING_RAW_RETENTION_DAYS (≥ 30 days)."""

    pk = models.CompositePrimaryKey("point", "ts")
    # No database foreign key: a constraint check per row would halve the insert rate; points are never deleted
    # while readings exist (they are taken out of service instead).
    point = models.ForeignKey(MonitoringPoint, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    ts = models.BigIntegerField()
    value = models.FloatField()

    class Meta:
        db_table = "monitoring_reading"

    def __str__(self) -> str:
        return f"{self.point_id} {self.ts} {self.value}"


class ReadingMinute(models.Model):
    """One-minute aggregate of a point's readings (bucket = start of the minute, ms)."""

    pk = models.CompositePrimaryKey("point", "bucket")
    point = models.ForeignKey(MonitoringPoint, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    bucket = models.BigIntegerField()
    vmin = models.FloatField()
    vmax = models.FloatField()
    vsum = models.FloatField()
    n = models.IntegerField()

    class Meta:
        db_table = "monitoring_reading_1m"

    def __str__(self) -> str:
        return f"{self.point_id} {self.bucket} n={self.n}"


class ReadingHour(models.Model):
    """One-hour aggregate, rolled up from the minute aggregates."""

    pk = models.CompositePrimaryKey("point", "bucket")
    point = models.ForeignKey(MonitoringPoint, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    bucket = models.BigIntegerField()
    vmin = models.FloatField()
    vmax = models.FloatField()
    vsum = models.FloatField()
    n = models.IntegerField()

    class Meta:
        db_table = "monitoring_reading_1h"

    def __str__(self) -> str:
        return f"{self.point_id} {self.bucket} n={self.n}"


class RollupMark(models.Model):
    """How far the aggregates have been rolled up (one row per level), and ranges a backfill asks to redo."""

    name = models.CharField(max_length=32, primary_key=True)
    upto = models.BigIntegerField(default=0)  # ms: aggregates are complete before this instant
    redo_from = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} up to {self.upto}"


class Rejection(models.Model):
    """A reading (or a whole message) refused by ingestion, with the reason. Nothing is dropped silently."""

    scoping = Scoping(region="region_code", enterprise="enterprise_id")

    received_at = models.DateTimeField(_("接收时间"), default=timezone.now, db_index=True)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    source = models.CharField(_("来源"), max_length=200, blank=True, help_text=_("主题、令牌名称或文件"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("企业")
    )
    region_code = models.CharField(max_length=12, blank=True, db_index=True)
    index = models.IntegerField(_("序号"), null=True, blank=True)
    point_code = models.CharField(_("测点"), max_length=64, blank=True)
    ts_text = models.CharField(_("时间"), max_length=64, blank=True)
    value_text = models.CharField(_("值"), max_length=64, blank=True)
    code = models.CharField(_("原因代码"), max_length=32, db_index=True)
    message = models.CharField(_("原因"), max_length=200)
    payload = models.TextField(_("报文摘录"), blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("拒收记录")
        verbose_name_plural = _("拒收记录")
        indexes = [models.Index(fields=["enterprise", "received_at"])]

    def __str__(self) -> str:
        return f"{self.code} {self.point_code}"


class Alarm(models.Model):
    """An alarm of a point (or, for communications lost, of an enterprise). At most one open (not closed) alarm per
    (point, type): a repeat re-activates it and counts, a new row starts only after the previous one was closed."""

    scoping = Scoping(region="enterprise__county__code", enterprise="enterprise_id")

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="alarms")
    point = models.ForeignKey(MonitoringPoint, models.PROTECT, null=True, blank=True, related_name="alarms")
    hazard_source = models.ForeignKey(
        "hazards.HazardSource", models.SET_NULL, null=True, blank=True, related_name="alarms"
    )
    type = models.CharField(_("报警类型"), max_length=16, choices=AlarmType.choices)
    level = models.CharField(_("报警等级"), max_length=16, choices=AlarmLevel.choices)
    severity = models.CharField(_("级别"), max_length=16, choices=Severity.choices)
    active = models.BooleanField(_("报警中"), default=True)
    acknowledged = models.BooleanField(_("已确认"), default=False)
    started_at = models.DateTimeField(_("首次报警"))
    activated_at = models.DateTimeField(_("本次报警"))
    last_at = models.DateTimeField(_("最近数据"))
    cleared_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    count = models.PositiveIntegerField(_("报警次数"), default=1)
    first_value = models.FloatField(null=True, blank=True)
    last_value = models.FloatField(_("最新值"), null=True, blank=True)
    peak_value = models.FloatField(_("峰值"), null=True, blank=True)
    threshold = models.FloatField(_("阈值"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shelved_until = models.DateTimeField(_("搁置至"), null=True, blank=True)
    shelved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    shelve_reason = models.CharField(_("搁置原因"), max_length=200, blank=True)
    suppressed = models.BooleanField(_("维护期间"), default=False)
    tier = models.PositiveSmallIntegerField(_("已上报至"), default=0)
    tier_at = models.DateTimeField(null=True, blank=True)
    last_notified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    cause = models.TextField(_("原因分析"), blank=True)
    measures = models.TextField(_("处置措施"), blank=True)
    feedback_note = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ["-activated_at", "-id"]
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        constraints = [
            models.UniqueConstraint(
                fields=["point", "type"],
                condition=Q(closed_at__isnull=True, point__isnull=False),
                name="alarm_one_open_per_point_type",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "type"],
                condition=Q(closed_at__isnull=True, point__isnull=True),
                name="alarm_one_open_per_enterprise_type",
            ),
        ]
        indexes = [
            models.Index(fields=["closed_at", "active"]),
            models.Index(fields=["enterprise", "closed_at"]),
            models.Index(fields=["activated_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_type_display()} {self.get_severity_display()}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def is_shelved(self, now: dt.datetime | None = None) -> bool:
        return self.shelved_until is not None and self.shelved_until > (now or timezone.now())

    @property
    def severity_colour(self) -> str:
        return Severity.colour(self.severity)

    @property
    def state_label(self) -> str:
        if self.closed_at is not None:
            return str(_("已关闭"))
        state = _("报警中") if self.active else _("已恢复")
        ack = _("已确认") if self.acknowledged else _("未确认")
        return f"{state}·{ack}"


class AlarmTransition(models.Model):
    """One change of an alarm (a flip, after healthchecks): the notifier claims pending rows with a conditional
    update, so two notifier workers never send the same notice."""

    scoping = Scoping(region="alarm__enterprise__county__code", enterprise="alarm__enterprise_id")

    alarm = models.ForeignKey(Alarm, models.CASCADE, related_name="transitions")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=24, choices=TransitionKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    actor_name = models.CharField(max_length=150, default="system")
    severity = models.CharField(max_length=16, choices=Severity.choices)
    active = models.BooleanField()
    acknowledged = models.BooleanField()
    tier = models.PositiveSmallIntegerField(default=0)
    value = models.FloatField(null=True, blank=True)
    note = models.TextField(blank=True)
    notify = models.CharField(max_length=12, choices=NotifyState.choices, default=NotifyState.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    notified = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["notify", "at"])]

    def __str__(self) -> str:
        return f"#{self.alarm_id} {self.kind} {self.at:%Y-%m-%d %H:%M:%S}"


class MaintenanceWindow(models.Model):
    """A planned maintenance period: alarms raised inside it (for the enterprise, one hazard source or one point)
    are marked suppressed: recorded, not notified, not escalated, not counted in the early warning."""

    scoping = Scoping(region="enterprise__county__code", enterprise="enterprise_id")

    enterprise = models.ForeignKey("enterprises.Enterprise", models.CASCADE, related_name="maintenance_windows")
    hazard_source = models.ForeignKey(
        "hazards.HazardSource", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("重大危险源")
    )
    point = models.ForeignKey(
        MonitoringPoint, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("监测点")
    )
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    reason = models.CharField(_("原因"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("维护窗口")
        verbose_name_plural = _("维护窗口")

    def __str__(self) -> str:
        return f"{self.reason} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class EnterpriseWarning(models.Model):
    """An enterprise's current early warning colour, derived from its alarms (conf.warning_rule)."""

    scoping = Scoping(region="enterprise__county__code", enterprise="enterprise_id")

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", models.CASCADE, primary_key=True, related_name="monitoring_warning"
    )
    colour = models.CharField(max_length=8, choices=WarningColour.choices, blank=True, default="")
    reasons = models.JSONField(default=list, blank=True)
    since = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.colour or 'none'}"


class WarningChange(models.Model):
    """A change of an enterprise's early warning colour (for its history and the statistics)."""

    scoping = Scoping(region="enterprise__county__code", enterprise="enterprise_id")

    enterprise = models.ForeignKey("enterprises.Enterprise", models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    previous = models.CharField(max_length=8, choices=WarningColour.choices, blank=True)
    colour = models.CharField(max_length=8, choices=WarningColour.choices, blank=True)
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.previous or 'none'} → {self.colour or 'none'}"
