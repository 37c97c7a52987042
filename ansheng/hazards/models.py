"""Major hazard sources (重大危险源) per GB 18218-2018: units, substances, grading, 包保, evaluation, 备案."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import Scoping
from ansheng.enterprises.validators import validate_latitude, validate_longitude
from ansheng.hazards.choices import (
    CheckResult,
    Duty,
    Grade,
    RegistrationAction,
    RegistrationStatus,
    SourceStatus,
    UnitKind,
)


class HazardSource(models.Model):
    """A production or storage unit identified under GB 18218-2018; a major hazard source when S ≥ 1.

    S, α, R and the grade are computed by `ansheng.domain.gb18218.assess` from the substances and the people within
    500 m, and stored here (rounded for display and filtering) every time one of them changes.
    """

    scoping = Scoping(region="enterprise__county__code", enterprise="enterprise_id")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="hazard_sources", verbose_name=_("企业")
    )
    code = models.CharField(_("单元编号"), max_length=32, help_text=_("企业内唯一，如 HS-01"))
    name = models.CharField(_("单元名称"), max_length=128, help_text=_("如：液氯储罐区"))
    unit_kind = models.CharField(_("单元类型"), max_length=16, choices=UnitKind.choices)
    description = models.TextField(_("工艺与设施说明"), blank=True)
    status = models.CharField(_("使用状态"), max_length=16, choices=SourceStatus.choices, default=SourceStatus.IN_USE)
    commissioned_on = models.DateField(_("投用日期"), null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_longitude]
    )
    latitude = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_latitude]
    )
    people_within_500m = models.PositiveIntegerField(
        _("厂区外500米范围内常住人口"), default=0, help_text=_("用于确定校正系数 α（GB 18218-2018 表5）")
    )
    # The assessment (GB 18218-2018 §4.2, §4.3), recomputed on every change.
    s_value = models.DecimalField(_("S 值"), max_digits=14, decimal_places=4, default=Decimal(0))
    is_major = models.BooleanField(_("构成重大危险源"), default=False, db_index=True)
    alpha = models.DecimalField(_("α"), max_digits=4, decimal_places=2, default=Decimal("0.5"))
    r_value = models.DecimalField(_("R 值"), max_digits=14, decimal_places=4, null=True, blank=True)
    grade = models.PositiveSmallIntegerField(_("级别"), null=True, blank=True, db_index=True)
    assessed_at = models.DateTimeField(_("辨识分级时间"), null=True, blank=True)
    # 备案 with the county bureau.
    registration_status = models.CharField(
        _("备案状态"), max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.NONE, db_index=True
    )
    registration_no = models.CharField(_("备案编号"), max_length=64, blank=True)
    registered_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    registered_grade = models.PositiveSmallIntegerField(_("备案级别"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["enterprise_id", "code"]
        verbose_name = _("重大危险源")
        verbose_name_plural = _("重大危险源")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="hazard_source_code_unique")]
        indexes = [models.Index(fields=["is_major", "grade"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def clean(self) -> None:
        if (self.longitude is None) != (self.latitude is None):
            raise ValidationError(
                {
                    "latitude" if self.latitude is None else "longitude": ValidationError(
                        _("经度和纬度须同时填写"), code="incomplete_location"
                    )
                }
            )

    @property
    def grade_label(self) -> str:
        return str(Grade.label(str(self.grade))) if self.grade else ""

    @property
    def grade_colour(self) -> str:
        return Grade.colour(str(self.grade)) if self.grade else "grey"

    @property
    def position(self) -> tuple[Decimal | None, Decimal | None]:
        """The unit's own location, else its enterprise's (WGS84)."""
        if self.longitude is not None and self.latitude is not None:
            return self.longitude, self.latitude
        return self.enterprise.longitude, self.enterprise.latitude

    def latest_evaluation(self) -> EvaluationReport | None:
        return self.evaluations.order_by("-evaluated_on", "-id").first()


class HazardSubstance(models.Model):
    """A hazardous chemical in a unit with its design maximum quantity (GB 18218-2018 §4.2.2) and its share."""

    scoping = Scoping(region="source__enterprise__county__code", enterprise="source__enterprise_id")

    source = models.ForeignKey(HazardSource, models.CASCADE, related_name="substances")
    substance_key = models.CharField(_("物质"), max_length=32, help_text=_("table1:<序号> 或 table2:<类别>"))
    name = models.CharField(_("名称"), max_length=128)
    cas = models.CharField(_("CAS号"), max_length=64, blank=True)
    max_quantity_t = models.DecimalField(
        _("设计最大量（吨）"), max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )
    beta_symbol = models.CharField(_("β 取值类别"), max_length=8, blank=True, help_text=_("留空按平台默认"))
    critical_t = models.DecimalField(_("临界量（吨）"), max_digits=14, decimal_places=4, default=Decimal(0))
    beta = models.DecimalField(_("β"), max_digits=6, decimal_places=2, default=Decimal(1))
    ratio = models.DecimalField(_("q/Q"), max_digits=14, decimal_places=4, default=Decimal(0))
    weighted = models.DecimalField(_("β·q/Q"), max_digits=14, decimal_places=4, default=Decimal(0))

    class Meta:
        ordering = ["source_id", "-weighted", "id"]
        verbose_name = _("危险化学品")
        verbose_name_plural = _("危险化学品")
        constraints = [
            models.UniqueConstraint(fields=["source", "substance_key"], name="hazard_substance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.max_quantity_t} t"


class ResponsiblePerson(models.Model):
    """One of the three 包保责任人 of a source, with the cycle of their checks."""

    scoping = Scoping(region="source__enterprise__county__code", enterprise="source__enterprise_id")

    source = models.ForeignKey(HazardSource, models.CASCADE, related_name="responsible_persons")
    duty = models.CharField(_("包保职责"), max_length=16, choices=Duty.choices)
    name = models.CharField(_("姓名"), max_length=64)
    position = models.CharField(_("职务"), max_length=64, blank=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="hazard_duties",
        verbose_name=_("平台账号"),
        help_text=_("关联后可收到本危险源的报警通知"),
    )
    cycle_days = models.PositiveSmallIntegerField(_("检查周期（天）"), validators=[MinValueValidator(1)])
    since = models.DateField(_("履职起始日期"), default=timezone.localdate)
    last_check_on = models.DateField(_("最近检查"), null=True, blank=True)

    class Meta:
        ordering = ["source_id", "duty"]
        verbose_name = _("包保责任人")
        verbose_name_plural = _("包保责任人")
        constraints = [models.UniqueConstraint(fields=["source", "duty"], name="hazard_duty_unique")]

    def __str__(self) -> str:
        return f"{self.get_duty_display()} {self.name}"

    @property
    def next_due(self) -> dt.date:
        from ansheng.domain.major_hazards import next_check_due

        return next_check_due(self.last_check_on, self.cycle_days, self.since)

    def due_state(self, today: dt.date | None = None) -> str:
        from ansheng.domain.major_hazards import due_state

        return due_state(self.next_due, today or timezone.localdate(), warn_days=min(3, self.cycle_days // 3))


class DutyCheck(models.Model):
    """A check a responsible person made of the source (包保履职记录)."""

    scoping = Scoping(region="source__enterprise__county__code", enterprise="source__enterprise_id")

    source = models.ForeignKey(HazardSource, models.CASCADE, related_name="duty_checks")
    person = models.ForeignKey(ResponsiblePerson, models.SET_NULL, null=True, related_name="checks")
    duty = models.CharField(_("包保职责"), max_length=16, choices=Duty.choices)
    person_name = models.CharField(_("检查人"), max_length=64)
    checked_on = models.DateField(_("检查日期"))
    result = models.CharField(_("检查结果"), max_length=16, choices=CheckResult.choices)
    findings = models.TextField(_("检查情况"), blank=True)
    measures = models.TextField(_("处理措施"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("包保履职检查")
        verbose_name_plural = _("包保履职检查")

    def __str__(self) -> str:
        return f"{self.get_duty_display()} {self.person_name} {self.checked_on:%Y-%m-%d}"


class EvaluationReport(models.Model):
    """A safety evaluation report of the source (安全评估报告), valid for three years (40号令 第十一条 [U])."""

    scoping = Scoping(region="source__enterprise__county__code", enterprise="source__enterprise_id")

    source = models.ForeignKey(HazardSource, models.CASCADE, related_name="evaluations")
    report_no = models.CharField(_("报告编号"), max_length=64)
    agency = models.CharField(_("评估机构"), max_length=128)
    evaluated_on = models.DateField(_("评估日期"))
    valid_until = models.DateField(_("有效期至"))
    stated_grade = models.PositiveSmallIntegerField(
        _("报告确定的级别"), null=True, blank=True, choices=[(int(v), label) for v, label in Grade.choices()]
    )
    conclusion = models.TextField(_("评估结论"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-evaluated_on", "-id"]
        verbose_name = _("安全评估报告")
        verbose_name_plural = _("安全评估报告")

    def __str__(self) -> str:
        return f"{self.report_no}（{self.evaluated_on:%Y-%m-%d}）"

    @property
    def state(self) -> str | None:
        from ansheng.enterprises.models.enterprises import expiry_state

        return expiry_state(self.valid_until)


class RegistrationStep(models.Model):
    """One step of the source's 备案: submitted, accepted, returned, cancelled, change required."""

    scoping = Scoping(region="source__enterprise__county__code", enterprise="source__enterprise_id")

    source = models.ForeignKey(HazardSource, models.CASCADE, related_name="registration_steps")
    action = models.CharField(max_length=16, choices=RegistrationAction.choices)
    status = models.CharField(max_length=16, choices=RegistrationStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
