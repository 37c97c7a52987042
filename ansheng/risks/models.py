"""Risk grading and control (安全风险分级管控) and inspection tasks (隐患排查任务).

Structure, as the national digital-construction practice describes it: a risk analysis object (风险点: equipment and
facilities, an operation, a process unit, a place) → analysis units → risk events (what can happen) → assessments
(append-only; inherent and residual) and control measures → inspection tasks → dated occurrences and their answers.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import Scoping
from ansheng.enterprises.validators import validate_latitude, validate_longitude, validate_phone
from ansheng.risks.choices import (
    AnswerResult,
    Colour,
    Cycle,
    Level,
    MeasureKind,
    Method,
    ObjectKind,
    OccurrenceStatus,
    Stage,
)

ENTERPRISE_SCOPING = Scoping(region="enterprise__county__code", enterprise="enterprise_id")


def new_qr_token() -> str:
    """A random, unguessable token for the risk point's QR code (128 bits)."""
    return secrets.token_urlsafe(16)


class RiskObject(models.Model):
    """A risk analysis object (风险分析对象), printed on its notice card with a QR code to its mobile page."""

    scoping = ENTERPRISE_SCOPING

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="risk_objects", verbose_name=_("企业")
    )
    kind = models.CharField(_("对象类型"), max_length=16, choices=ObjectKind.choices)
    code = models.CharField(_("编号"), max_length=32, help_text=_("企业内唯一，如 RP-01"))
    name = models.CharField(_("名称"), max_length=128, help_text=_("如：液氯储罐区"))
    location = models.CharField(_("位置"), max_length=200, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_longitude]
    )
    latitude = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_latitude]
    )
    department = models.CharField(_("所属车间/部门"), max_length=64, blank=True)
    responsible_name = models.CharField(_("责任人"), max_length=64)
    responsible_phone = models.CharField(_("责任人电话"), max_length=32, blank=True, validators=[validate_phone])
    emergency_actions = models.TextField(_("应急处置措施"), blank=True)
    qr_token = models.CharField(_("二维码令牌"), max_length=32, unique=True, default=new_qr_token, editable=False)
    is_active = models.BooleanField(_("在用"), default=True)
    # The worst current level among its active risk events (derived; kept up to date by the assessment services).
    level = models.CharField(_("风险等级"), max_length=8, choices=Level.choices, blank=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["enterprise_id", "code"]
        verbose_name = _("风险点")
        verbose_name_plural = _("风险点")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="risk_object_code_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def clean(self) -> None:
        if (self.longitude is None) != (self.latitude is None):
            field = "latitude" if self.latitude is None else "longitude"
            raise ValidationError({field: ValidationError(_("经度和纬度须同时填写"), code="incomplete_location")})

    @property
    def colour(self) -> str:
        return Level.colour(self.level) if self.level else "grey"


class AnalysisUnit(models.Model):
    """A part of a risk object analysed on its own (分析单元: a step of an operation, a component of equipment)."""

    scoping = ENTERPRISE_SCOPING

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="+", editable=False)
    risk_object = models.ForeignKey(RiskObject, models.CASCADE, related_name="units", verbose_name=_("风险点"))
    name = models.CharField(_("分析单元"), max_length=128)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["risk_object_id", "id"]
        verbose_name = _("分析单元")
        verbose_name_plural = _("分析单元")

    def __str__(self) -> str:
        return self.name


class RiskEvent(models.Model):
    """What can happen in an analysis unit; carries its current level, colour and control level (from the latest
    assessment: the residual one when there is one, else the inherent one)."""

    scoping = ENTERPRISE_SCOPING

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="risk_events", editable=False, verbose_name=_("企业")
    )
    unit = models.ForeignKey(AnalysisUnit, models.CASCADE, related_name="events", verbose_name=_("分析单元"))
    description = models.CharField(_("风险事件"), max_length=200)
    accident_type = models.CharField(
        _("事故类型"), max_length=8, help_text=_("GB 6441-2025 基本类型编码，如 WSA10009（火灾）")
    )
    hazard_factors = models.JSONField(
        _("危险和有害因素"), default=list, blank=True, help_text=_("GB/T 13861-2022 代码")
    )
    consequence = models.CharField(_("可能后果"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    inherent_level = models.CharField(_("固有风险等级"), max_length=8, choices=Level.choices, blank=True)
    residual_level = models.CharField(_("剩余风险等级"), max_length=8, choices=Level.choices, blank=True)
    level = models.CharField(_("风险等级"), max_length=8, choices=Level.choices, blank=True, db_index=True)
    colour = models.CharField(_("颜色"), max_length=8, choices=Colour.choices, blank=True, db_index=True)
    control_level = models.CharField(_("管控层级"), max_length=32, blank=True)
    assessed_at = models.DateTimeField(_("评估时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["unit_id", "id"]
        verbose_name = _("风险事件")
        verbose_name_plural = _("风险事件")
        indexes = [
            models.Index(fields=["enterprise", "is_active", "level"]),
            # The events list's order (latest assessed first): a page of 50 without sorting every event.
            models.Index(fields=["-assessed_at", "id"], name="risk_event_assessed_idx"),
        ]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        from ansheng.domain.accident_types import AccidentTypeError, parse_wsa
        from ansheng.domain.hazard_factors import HazardFactorError, parse_hazard_factor

        errors: dict[str, ValidationError] = {}
        try:
            parsed = parse_wsa(self.accident_type or "")
            if parsed.mode != 1:
                errors["accident_type"] = ValidationError(
                    _("事故类型应为 GB 6441-2025 基本类型（WSA1xxxx）"), code="invalid_wsa_code"
                )
            else:
                self.accident_type = parsed.code
        except AccidentTypeError as exc:
            errors["accident_type"] = ValidationError(exc.message_zh, code=exc.code)
        if not isinstance(self.hazard_factors, list):
            errors["hazard_factors"] = ValidationError(_("危险和有害因素应为代码列表"), code="wrong_type")
        else:
            for code in self.hazard_factors:
                try:
                    parse_hazard_factor(code)
                except HazardFactorError as exc:
                    errors["hazard_factors"] = ValidationError(exc.message_zh, code=exc.code)
                    break
        if errors:
            raise ValidationError(errors)

    @property
    def accident_type_name(self) -> str:
        """The GB 6441-2025 type's name in the active language (the code when it names no basic type)."""
        from ansheng.domain.accident_types import AccidentTypeError, basic_types, parse_wsa

        try:
            name = parse_wsa(self.accident_type).name_zh
        except AccidentTypeError:
            return self.accident_type
        if not name:
            return self.accident_type
        if (get_language() or "").startswith("en"):
            return next((t.en for t in basic_types() if t.zh == name), name)
        return name

    @property
    def hazard_factor_names(self) -> list[str]:
        from ansheng.domain.hazard_factors import HazardFactorError, parse_hazard_factor

        names = []
        for code in self.hazard_factors or []:
            try:
                parsed = parse_hazard_factor(code)
            except HazardFactorError:
                names.append(code)
                continue
            # The GB/T 13861 class names are listed for the catalogue (ansheng/core/data_strings.py).
            names.append(f"{code} {gettext(parsed.second_zh or parsed.top_zh)}")
        return names


class Assessment(models.Model):
    """One assessment of a risk event (append-only: a reassessment adds a row, the history stays)."""

    scoping = ENTERPRISE_SCOPING

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="+", editable=False)
    event = models.ForeignKey(RiskEvent, models.CASCADE, related_name="assessments")
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices)
    method = models.CharField(_("评价方法"), max_length=8, choices=Method.choices)
    factors = models.JSONField(_("因素取值"), default=dict)
    score = models.DecimalField(_("分值"), max_digits=12, decimal_places=2)
    level = models.CharField(_("风险等级"), max_length=8, choices=Level.choices)
    band_label = models.CharField(_("分级说明"), max_length=64, blank=True)
    control_level = models.CharField(_("管控层级"), max_length=32)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    assessed_at = models.DateTimeField(_("评估时间"), default=timezone.now)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("风险评估")
        verbose_name_plural = _("风险评估")

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.score} {self.get_level_display()}"


class ControlMeasure(models.Model):
    scoping = ENTERPRISE_SCOPING

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="+", editable=False)
    event = models.ForeignKey(RiskEvent, models.CASCADE, related_name="measures", verbose_name=_("风险事件"))
    kind = models.CharField(_("措施类别"), max_length=16, choices=MeasureKind.choices)
    description = models.TextField(_("管控措施"))
    responsible_name = models.CharField(_("责任人"), max_length=64)
    control_level = models.CharField(_("管控层级"), max_length=32, blank=True, help_text=_("留空按风险等级自动确定"))
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["event_id", "kind", "id"]
        verbose_name = _("管控措施")
        verbose_name_plural = _("管控措施")

    def __str__(self) -> str:
        return self.description[:60]


class Post(models.Model):
    """A post (岗位) with the risk objects its people work at, for the 岗位风险告知卡."""

    scoping = ENTERPRISE_SCOPING

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="risk_posts")
    name = models.CharField(_("岗位名称"), max_length=64)
    duties = models.TextField(_("岗位职责"), blank=True)
    risk_objects = models.ManyToManyField(RiskObject, related_name="posts", blank=True, verbose_name=_("涉及风险点"))

    class Meta:
        ordering = ["enterprise_id", "name"]
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="risk_post_name_unique")]

    def __str__(self) -> str:
        return self.name


class InspectionTask(models.Model):
    """What to check at a risk object (or for one control measure), how, how often and by whom."""

    scoping = ENTERPRISE_SCOPING

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="inspection_tasks")
    risk_object = models.ForeignKey(RiskObject, models.CASCADE, related_name="tasks", verbose_name=_("风险点"))
    measure = models.ForeignKey(
        ControlMeasure, models.CASCADE, null=True, blank=True, related_name="tasks", verbose_name=_("管控措施")
    )
    name = models.CharField(_("任务名称"), max_length=128)
    method = models.CharField(_("排查方式"), max_length=200, blank=True, help_text=_("如：现场目视检查、仪表读数核对"))
    checklist = models.JSONField(_("检查项"), default=list)
    cycle = models.CharField(_("排查周期"), max_length=16, choices=Cycle.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True, help_text=_("季节性、节假日、专项排查必填"))
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="inspection_tasks", blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    # Occurrences exist for every window that starts before this instant (the generator's bookmark).
    generated_until = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["enterprise_id", "risk_object_id", "id"]
        verbose_name = _("排查任务")
        verbose_name_plural = _("排查任务")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        items = self.checklist
        if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items):
            errors["checklist"] = ValidationError(_("请至少填写一个检查项"), code="required")
        elif len(items) > 50 or any(len(i) > 200 for i in items):
            errors["checklist"] = ValidationError(_("检查项最多50项，每项不超过200字"), code="too_long")
        if self.cycle in Cycle.AD_HOC and not self.ends_on:
            errors["ends_on"] = ValidationError(_("季节性、节假日和专项排查须填写结束日期"), code="required")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = ValidationError(_("结束日期不能早于开始日期"), code="invalid_range")
        if errors:
            raise ValidationError(errors)


class Occurrence(models.Model):
    """One dated window of a task (e.g. 2026-02-29's 每日 check); done, missed after its window, or pending."""

    scoping = ENTERPRISE_SCOPING

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="+", editable=False)
    task = models.ForeignKey(InspectionTask, models.CASCADE, related_name="occurrences")
    period_start = models.DateTimeField(_("开始"))
    period_end = models.DateTimeField(_("截止"), db_index=True)
    due_on = models.DateField(_("应完成日期"), db_index=True, help_text=_("窗口最后一天（北京时间）"))
    status = models.CharField(
        _("状态"), max_length=8, choices=OccurrenceStatus.choices, default=OccurrenceStatus.PENDING, db_index=True
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    findings = models.PositiveSmallIntegerField(_("发现隐患数"), default=0)

    class Meta:
        ordering = ["period_start", "id"]
        verbose_name = _("排查记录")
        verbose_name_plural = _("排查记录")
        constraints = [models.UniqueConstraint(fields=["task", "period_start"], name="occurrence_window_unique")]
        indexes = [models.Index(fields=["enterprise", "due_on", "status"])]

    def __str__(self) -> str:
        return f"{self.task} {self.due_on}"

    def is_open(self, now: object = None) -> bool:
        now = now or timezone.now()
        return self.status == OccurrenceStatus.PENDING and self.period_start <= now < self.period_end  # type: ignore[operator]


def answer_photo_path(instance: Answer, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"risks/{instance.enterprise_id}/{timezone.now():%Y%m}/{secrets.token_hex(12)}.{suffix}"


class Answer(models.Model):
    """The answer to one checklist item of an occurrence."""

    scoping = ENTERPRISE_SCOPING

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="+", editable=False)
    occurrence = models.ForeignKey(Occurrence, models.CASCADE, related_name="answers")
    index = models.PositiveSmallIntegerField()
    item = models.CharField(_("检查项"), max_length=200)
    result = models.CharField(_("结果"), max_length=8, choices=AnswerResult.choices)
    note = models.TextField(_("情况说明"), blank=True)
    photo = models.FileField(_("照片"), upload_to=answer_photo_path, blank=True)
    # The hidden danger a finding was reported as (the dangers app's record).
    danger = models.ForeignKey(
        "dangers.HiddenDanger", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("隐患")
    )

    class Meta:
        ordering = ["occurrence_id", "index"]
        constraints = [models.UniqueConstraint(fields=["occurrence", "index"], name="answer_item_unique")]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_result_display()}"


class EnterpriseColour(models.Model):
    """The enterprise's current risk colour (红橙黄蓝), stored so maps and lists read 100k enterprises at once."""

    scoping = Scoping(region="county_code", enterprise="enterprise_id")

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", models.CASCADE, primary_key=True, related_name="risk_colour"
    )
    county_code = models.CharField(max_length=12, db_index=True)
    colour = models.CharField(_("风险颜色"), max_length=8, choices=Colour.choices, db_index=True)
    reasons = models.JSONField(_("依据"), default=list)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)

    class Meta:
        verbose_name = _("企业风险颜色")
        verbose_name_plural = _("企业风险颜色")

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.colour}"
