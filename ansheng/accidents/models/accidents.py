"""The accident register: the report (493号令 第十二条), its reporting chain, follow-ups, every change of a figure,
and the investigation with its findings and ordered measures ("四不放过")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ansheng.accidents.choices import (
    Channel,
    FigureSource,
    Grade,
    Handling,
    MeasureStatus,
    Nature,
    PartyKind,
    Sector,
    Source,
    Status,
    StepState,
)
from ansheng.core.access import Scoping
from ansheng.domain.accident_types import basic_types, gb6441_1986_types
from ansheng.enterprises.choices import Category
from ansheng.enterprises.validators import validate_industry_code, validate_latitude, validate_longitude

FIGURES = ("deaths", "missing", "serious_injuries", "poisonings", "minor_injuries", "direct_loss")
CASUALTIES = ("deaths", "missing", "serious_injuries", "poisonings", "minor_injuries")
YUAN_PER_WAN = Decimal(10_000)


def validate_wsa(value: str) -> None:
    from django.utils import translation

    from ansheng.domain.accident_types import AccidentTypeError, parse_wsa

    try:
        parse_wsa(value)
    except AccidentTypeError as exc:
        raise ValidationError(exc.message(translation.get_language() or "zh-hans"), code=exc.code) from None


def type_1986_choices() -> list[tuple[int, Any]]:
    # The names are in the English catalogue through ansheng/core/data_strings.py.
    return [(number, _(name)) for number, name in gb6441_1986_types()]


def local_name(named: Any) -> str:
    """The name of a rules-library record that carries both languages (``zh``/``en``), in the active one."""
    return str(named.en if (get_language() or "").startswith("en") else named.zh)


def accident_type_name(accident_type: Any) -> str:
    """A GB 6441-2025 type's name in the active language (the standard gives both)."""
    if (get_language() or "").startswith("en"):
        return str(accident_type.en[:1].upper() + accident_type.en[1:])
    return str(accident_type.zh)


class Accident(models.Model):
    """One production-safety accident (生产安全事故) or 较大涉险事故 as reported and investigated.

    Figures come twice: the provisional ones the reports give (首报、续报、更正; they may change, and re-grade the
    accident, within the re-count window of 493号令 第十三条) and the confirmed ones, fixed when the window closes
    and, for the direct loss, by the investigation. Statistics use the confirmed figure where there is one.
    """

    scoping = Scoping(region="county__code", enterprise="enterprise_id", category="category")

    number = models.CharField(_("事故编号"), max_length=32, unique=True)
    source = models.CharField(_("信息来源"), max_length=16, choices=Source.choices, default=Source.ENTERPRISE)
    status = models.CharField(_("状态"), max_length=24, choices=Status.choices, default=Status.REPORTED, db_index=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    withdrawn_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    # 第十二条(一) 事故发生单位概况
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="accidents",
        verbose_name=_("事故发生单位（已登记企业）"),
    )
    unit_name = models.CharField(_("事故发生单位"), max_length=128)
    unit_overview = models.TextField(_("单位概况"), blank=True)
    category = models.CharField(_("监管类别"), max_length=32, choices=Category.choices, db_index=True)
    industry_code = models.CharField(
        _("国民经济行业代码"),
        max_length=8,
        blank=True,
        validators=[validate_industry_code],
        help_text=_("GB/T 4754-2017，如 C2614"),
    )
    sector = models.CharField(_("统计行业领域"), max_length=24, choices=Sector.choices, db_index=True)

    # 第十二条(二) 发生的时间、地点以及现场情况
    occurred_at = models.DateTimeField(_("发生时间"), db_index=True)
    year = models.PositiveSmallIntegerField(_("年份"), editable=False, db_index=True)
    month = models.PositiveSmallIntegerField(_("月份"), editable=False)
    learned_at = models.DateTimeField(_("单位负责人接报时间"))
    bureau_learned_at = models.DateTimeField(_("监管部门获知时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("首报时间"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("报告人")
    )
    reporter_name = models.CharField(_("报告人姓名"), max_length=64, blank=True)
    reporter_phone = models.CharField(_("报告人电话"), max_length=32, blank=True)
    county = models.ForeignKey("core.Region", models.PROTECT, related_name="+", verbose_name=_("所在区县"))
    township = models.ForeignKey(
        "core.Region", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("所在乡镇（街道）")
    )
    place = models.CharField(_("发生地点"), max_length=200)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_longitude]
    )
    latitude = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_latitude]
    )
    scene = models.TextField(_("现场情况"))
    # 第十二条(三) 事故的简要经过
    course = models.TextField(_("事故简要经过"))
    # 第十二条(五) 已经采取的措施; (六) 其他应当报告的情况
    measures_taken = models.TextField(_("已采取的措施"))
    other_info = models.TextField(_("其他应当报告的情况"), blank=True)

    # Classification
    type_1986 = models.PositiveSmallIntegerField(
        _("事故类别（GB 6441-1986）"), choices=type_1986_choices, null=True, blank=True
    )
    type_2025 = models.CharField(
        _("事故类型编码（GB 6441-2025）"),
        max_length=8,
        blank=True,
        validators=[validate_wsa],
        help_text=_("如 WSA10009（火灾）"),
    )
    large_risk = models.BooleanField(_("较大涉险事故"), default=False)
    large_risk_triggers = models.JSONField(_("较大涉险情形"), default=list, blank=True)
    # The facts 21号令 第二十六条 judges a 较大涉险事故 by (the missing count too, above).
    people_at_risk = models.PositiveIntegerField(_("涉险人数"), default=0)
    trapped = models.PositiveIntegerField(_("被困人数"), default=0)
    evacuated = models.PositiveIntegerField(_("紧急疏散人数"), default=0)
    large_risk_flags = models.JSONField(default=dict, blank=True)
    socially_significant = models.BooleanField(_("社会影响重大"), default=False)

    # 第十二条(四) provisional figures, as the reports give them
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    missing = models.PositiveIntegerField(_("失踪人数"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤人数（含急性工业中毒）"), default=0)
    poisonings = models.PositiveIntegerField(_("其中急性工业中毒"), default=0)
    minor_injuries = models.PositiveIntegerField(_("轻伤人数"), default=0)
    direct_loss = models.DecimalField(
        _("直接经济损失（万元）"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )

    # Grading (493号令 第三条, 第二十条)
    grade = models.PositiveSmallIntegerField(_("事故等级"), choices=Grade.int_choices(), default=1, db_index=True)
    grade_basis = models.JSONField(_("分级依据"), default=dict, blank=True)
    graded_at = models.DateTimeField(_("定级时间"), default=timezone.now)
    recount_kind = models.CharField(max_length=16, default="other")
    recount_until = models.DateTimeField(_("伤亡人数统计截止"))
    figures_frozen_at = models.DateTimeField(_("统计数字确认时间"), null=True, blank=True)

    # Confirmed figures
    confirmed_deaths = models.PositiveIntegerField(_("核定死亡人数"), null=True, blank=True)
    confirmed_missing = models.PositiveIntegerField(_("核定失踪人数"), null=True, blank=True)
    confirmed_serious_injuries = models.PositiveIntegerField(_("核定重伤人数"), null=True, blank=True)
    confirmed_poisonings = models.PositiveIntegerField(_("核定急性工业中毒人数"), null=True, blank=True)
    confirmed_minor_injuries = models.PositiveIntegerField(_("核定轻伤人数"), null=True, blank=True)
    confirmed_direct_loss = models.DecimalField(
        _("核定直接经济损失（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    in_statistics = models.BooleanField(_("纳入统计"), default=True, db_index=True)

    # Follow-up reports (21号令 第十一条)
    last_report_at = models.DateTimeField(_("最近一次报告"), null=True, blank=True)
    next_followup_due = models.DateTimeField(_("下次续报时限"), null=True, blank=True, db_index=True)
    response_ended_at = models.DateTimeField(_("应急处置结束时间"), null=True, blank=True)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("生产安全事故")
        verbose_name_plural = _("生产安全事故")
        indexes = [
            models.Index(fields=["county", "year"]),
            models.Index(fields=["year", "sector"]),
            models.Index(fields=["status", "occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(grade__gte=1, grade__lte=4), name="accident_grade_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.unit_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        local = timezone.localtime(self.occurred_at)
        self.year, self.month = local.year, local.month
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "occurred_at" in update_fields:
            kwargs["update_fields"] = {*update_fields, "year", "month"}
        super().save(*args, **kwargs)

    # --- the figures statistics use -----------------------------------------------------------------------------

    def stat(self, name: str) -> Any:
        """The confirmed figure where there is one, else the provisional one."""
        confirmed = getattr(self, f"confirmed_{name}")
        return getattr(self, name) if confirmed is None else confirmed

    @property
    def figures_confirmed(self) -> bool:
        return self.figures_frozen_at is not None

    @property
    def direct_loss_yuan(self) -> Decimal:
        return self.direct_loss * YUAN_PER_WAN

    @property
    def grade_label(self) -> Any:
        return Grade.label(str(self.grade))

    @property
    def grade_colour(self) -> str:
        return Grade.colour(str(self.grade))

    @property
    def grade_key(self) -> str:
        return Grade.KEYS[self.grade]

    @property
    def is_open(self) -> bool:
        return self.status in Status.OPEN

    def type_2025_name(self) -> str:
        if not self.type_2025:
            return ""
        from ansheng.domain.accident_types import parse_wsa

        parsed = parse_wsa(self.type_2025)
        found = next((t for t in basic_types() if f"WSA1{t.code}" == parsed.code), None)
        return accident_type_name(found) if found else parsed.name_zh or ""


class ReportStep(models.Model):
    """One report up the chain (493号令 第九–十一条; 21号令 第六–九条): who reports to whom, by when, and when it
    was done. Deadlines run from the moment the sender itself received the report."""

    scoping = Scoping(
        region="accident__county__code", enterprise="accident__enterprise_id", category="accident__category"
    )

    accident = models.ForeignKey(Accident, models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    sender = models.CharField(_("报告单位"), max_length=40)
    recipient = models.CharField(_("接收单位"), max_length=40)
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    clause = models.CharField(_("依据"), max_length=100)
    within_minutes = models.PositiveIntegerField(_("时限（分钟）"))
    mandatory = models.BooleanField(default=True)
    tracked = models.BooleanField(default=True)
    required_since = models.DateTimeField()
    deadline = models.DateTimeField(_("上报时限"), db_index=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=StepState.choices, default=StepState.PENDING, db_index=True
    )
    done_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    recipient_contact = models.CharField(_("接报人"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    late_seconds = models.PositiveIntegerField(_("迟报时长（秒）"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "order"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "sender", "recipient", "channel"], name="unique_report_step"),
        ]
        verbose_name = _("上报环节")
        verbose_name_plural = _("上报环节")

    def __str__(self) -> str:
        return f"{self.sender}→{self.recipient} ({self.channel})"

    @property
    def is_late(self) -> bool:
        return bool(self.late_seconds)

    def labels(self) -> tuple[str, str]:
        from ansheng.domain.accidents import authority

        return local_name(authority(self.sender)), local_name(authority(self.recipient))


class FollowUp(models.Model):
    """A follow-up report (续报, 21号令 第十一条), with the figures it gave, if any."""

    scoping = Scoping(
        region="accident__county__code", enterprise="accident__enterprise_id", category="accident__category"
    )

    accident = models.ForeignKey(Accident, models.CASCADE, related_name="followups")
    at = models.DateTimeField(_("续报时间"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    by_name = models.CharField(max_length=150, blank=True)
    text = models.TextField(_("续报内容"))
    figures = models.JSONField(_("报告的数字"), default=dict, blank=True)
    due_at = models.DateTimeField(_("应续报时限"), null=True, blank=True)
    late_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("续报")
        verbose_name_plural = _("续报")

    def __str__(self) -> str:
        return f"{self.accident.number} 续报 {self.at:%Y-%m-%d %H:%M}"


class FigureChange(models.Model):
    """One change of one figure: who, when, why, and what it did to the grade (also in the audit chain)."""

    scoping = Scoping(
        region="accident__county__code", enterprise="accident__enterprise_id", category="accident__category"
    )

    accident = models.ForeignKey(Accident, models.CASCADE, related_name="figure_changes")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    by_name = models.CharField(max_length=150)
    field = models.CharField(max_length=32)
    confirmed = models.BooleanField(default=False)  # a change of the confirmed figure, not the provisional one
    before = models.CharField(max_length=32)
    after = models.CharField(max_length=32)
    reason = models.CharField(_("原因"), max_length=300)
    source = models.CharField(max_length=16, choices=FigureSource.choices)
    within_window = models.BooleanField(default=True)
    grade_before = models.PositiveSmallIntegerField()
    grade_after = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("数字变更")
        verbose_name_plural = _("数字变更")

    def __str__(self) -> str:
        return f"{self.field}: {self.before} → {self.after}"

    @property
    def field_label(self) -> Any:
        name = self.field
        return Accident._meta.get_field(name).verbose_name if name in FIGURES else name

    @property
    def regraded(self) -> bool:
        return self.grade_before != self.grade_after


class Investigation(models.Model):
    """The investigation (493号令 第十九–三十二条): who leads it, when its report is due, the report, its approval."""

    scoping = Scoping(
        region="accident__county__code", enterprise="accident__enterprise_id", category="accident__category"
    )

    accident = models.OneToOneField(Accident, models.CASCADE, related_name="investigation")
    level = models.CharField(_("负责调查的人民政府"), max_length=40)
    led_by = models.CharField(_("事故调查组组织单位"), max_length=128)
    team_leader = models.CharField(_("调查组组长"), max_length=64, blank=True)
    delegated_to_enterprise = models.BooleanField(_("委托事故发生单位调查"), default=False)
    opened_at = models.DateTimeField(_("成立调查组时间"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    appraisal_days = models.PositiveIntegerField(_("技术鉴定（不计入调查期限）天数"), default=0)
    extension_days = models.PositiveIntegerField(_("延长天数"), default=0, validators=[MaxValueValidator(60)])
    extension_reason = models.CharField(_("延期理由"), max_length=200, blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    report_due = models.DateTimeField(_("调查报告提交期限"))
    report_submitted_at = models.DateTimeField(_("调查报告提交时间"), null=True, blank=True)
    report_document = models.CharField(_("调查报告文号"), max_length=100, blank=True)
    cause = models.TextField(_("事故原因"), blank=True)
    nature = models.CharField(_("事故性质"), max_length=16, choices=Nature.choices, blank=True)
    summary = models.TextField(_("调查报告摘要"), blank=True)
    approval_due = models.DateTimeField(_("批复期限"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批复时间"), null=True, blank=True)
    approval_document = models.CharField(_("批复文号"), max_length=100, blank=True)
    approval_authority = models.CharField(_("批复机关"), max_length=128, blank=True)
    returned_note = models.CharField(_("退回意见"), max_length=300, blank=True)
    education_done_at = models.DateTimeField(_("警示教育完成时间"), null=True, blank=True)
    education_note = models.TextField(_("警示教育情况"), blank=True)

    class Meta:
        verbose_name = _("事故调查")
        verbose_name_plural = _("事故调查")

    def __str__(self) -> str:
        return f"{self.accident.number} 调查"

    def level_label(self) -> str:
        from ansheng.domain.accidents import authority

        return authority(self.level).zh


class Responsibility(models.Model):
    """A responsibility finding of the investigation and the handling it proposes, tracked until handled."""

    scoping = Scoping(
        region="accident__county__code", enterprise="accident__enterprise_id", category="accident__category"
    )

    accident = models.ForeignKey(Accident, models.CASCADE, related_name="responsibilities")
    party = models.CharField(_("责任单位或人员"), max_length=128)
    party_kind = models.CharField(_("类别"), max_length=8, choices=PartyKind.choices, default=PartyKind.PERSON)
    position = models.CharField(_("职务"), max_length=64, blank=True)
    finding = models.TextField(_("责任认定"))
    handling = models.CharField(_("处理建议"), max_length=16, choices=Handling.choices)
    handled_at = models.DateTimeField(_("处理落实时间"), null=True, blank=True)
    handled_note = models.CharField(_("处理结果"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("责任认定")
        verbose_name_plural = _("责任认定")

    def __str__(self) -> str:
        return self.party


class Measure(models.Model):
    """A measure the investigation orders (整改措施), tracked to completion and verification."""

    scoping = Scoping(
        region="accident__county__code", enterprise="accident__enterprise_id", category="accident__category"
    )

    accident = models.ForeignKey(Accident, models.CASCADE, related_name="ordered_measures")
    description = models.TextField(_("整改措施"))
    responsible = models.CharField(_("责任单位"), max_length=128)
    due_on = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.CharField(_("落实情况"), max_length=300, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def overdue(self) -> bool:
        return self.status == MeasureStatus.OPEN and self.due_on < timezone.localdate()
