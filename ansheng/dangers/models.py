"""Hidden dangers (事故隐患, 安监总局令第16号) and their photos and extension requests.

The lifecycle state lives on `HiddenDanger.state` and changes only through the services in
`ansheng.dangers.services`, each writing an audit event (`danger.<step>`) to the hash-chained log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import Scoping
from ansheng.dangers.choices import ExtensionStatus, Grade, PhotoKind, Source, State
from ansheng.domain import hidden_dangers as rules
from ansheng.enterprises.validators import validate_latitude, validate_longitude


def today_shanghai(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Asia/Shanghai: deadlines are calendar days in Beijing time."""
    return (now or timezone.now()).astimezone(rules.SHANGHAI).date()


class DangerQuerySet(models.QuerySet):
    def open(self) -> DangerQuerySet:
        return self.filter(state__in=State.OPEN)

    def overdue(self, today: dt.date | None = None) -> DangerQuerySet:
        return self.filter(state__in=State.RUNNING, deadline__lt=today or today_shanghai())

    def not_overdue(self, today: dt.date | None = None) -> DangerQuerySet:
        return self.exclude(Q(state__in=State.RUNNING) & Q(deadline__lt=today or today_shanghai()))


class HiddenDanger(models.Model):
    scoping = Scoping(region="county__code", enterprise="enterprise_id")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="hidden_dangers", verbose_name=_("企业")
    )
    # The enterprise's county when the danger was reported, kept on the record: every regulator's list, count and
    # statistic filters by county, and a column of its own (indexed) answers without joining the enterprises.
    county = models.ForeignKey("core.Region", models.PROTECT, related_name="+", verbose_name=_("区县"))
    number = models.CharField(_("隐患编号"), max_length=32, blank=True, db_index=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    title = models.CharField(_("隐患名称"), max_length=200)
    description = models.TextField(_("隐患描述"))
    location = models.CharField(_("隐患部位"), max_length=200, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_longitude]
    )
    latitude = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_latitude]
    )
    # Where it was found (a checklist item of an inspection, a risk point): a label and a link, no foreign key,
    # so this app does not depend on the risks app (whose rows point here instead).
    origin_label = models.CharField(_("发现来源"), max_length=200, blank=True)
    origin_url = models.CharField(_("来源链接"), max_length=300, blank=True)
    found_at = models.DateTimeField(_("发现时间"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("报告人")
    )
    reported_at = models.DateTimeField(_("报告时间"), default=timezone.now)

    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.REPORTED, db_index=True)
    grade = models.CharField(_("隐患级别"), max_length=8, choices=Grade.choices, blank=True, db_index=True)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    graded_at = models.DateTimeField(_("定级时间"), null=True, blank=True)
    grading_note = models.TextField(_("定级说明"), blank=True)
    # 16号令 第十四条: a 重大 danger's report to the bureau states its present state and cause, and its harm and how
    # hard it is to remedy (the governance plan, the third part, comes with the assignment).
    cause = models.TextField(_("隐患的现状及其产生原因"), blank=True)
    harm = models.TextField(_("危害程度和整改难易程度分析"), blank=True)
    # 16号令 第十四条: a 重大 danger is reported to the bureau at once (the moment the county was notified).
    bureau_notified_at = models.DateTimeField(_("报告监管部门时间"), null=True, blank=True)

    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="responsible_dangers",
        null=True,
        blank=True,
        verbose_name=_("整改责任人"),
    )
    deadline = models.DateField(_("整改期限"), null=True, blank=True, db_index=True)
    measures = models.TextField(_("整改措施"), blank=True)
    # 16号令 第十五条: the governance plan of a 重大 danger, keyed by `rules.PLAN_ITEMS` codes.
    plan = models.JSONField(_("治理方案"), default=dict, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始整改时间"), null=True, blank=True)

    rectifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("整改人")
    )
    rectification_note = models.TextField(_("整改情况"), blank=True)
    submitted_at = models.DateTimeField(_("提交验收时间"), null=True, blank=True)
    rejections = models.PositiveSmallIntegerField(_("验收退回次数"), default=0)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("验收人")
    )
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    acceptance_note = models.TextField(_("验收意见"), blank=True)
    on_the_spot = models.BooleanField(_("立即整改"), default=False)

    # 重大: 挂牌督办 by the county bureau, the evaluation after governance and the bureau's review (16号令 第十八条).
    supervised = models.BooleanField(_("挂牌督办"), default=False, db_index=True)
    supervision_due = models.DateField(_("督办期限"), null=True, blank=True)
    supervision_note = models.TextField(_("督办要求"), blank=True)
    supervised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("督办人")
    )
    supervised_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    evaluation_agency = models.CharField(_("评估单位"), max_length=200, blank=True)
    evaluation_conclusion = models.TextField(_("评估结论"), blank=True)
    evaluation_submitted_at = models.DateTimeField(_("评估报告提交时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)

    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True, db_index=True)
    # The overdue worker marks the escalation so running it twice escalates once (per deadline).
    escalated_for = models.DateField(_("已升级的逾期期限"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DangerQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("事故隐患")
        verbose_name_plural = _("事故隐患")
        indexes = [
            models.Index(fields=["enterprise", "state"]),
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["grade", "state"]),
            # The lists' order, and the periods of the statistics (reported, accepted in a period).
            models.Index(fields=["-reported_at", "-id"], name="danger_reported_idx"),
            models.Index(fields=["accepted_at"], name="danger_accepted_idx"),
            models.Index(fields=["county", "state"], name="danger_county_state_idx"),
            models.Index(fields=["county", "-reported_at"], name="danger_county_reported_idx"),
            # Partial indexes over the open dangers, a small share of the register (measured in
            # bench/dual_prevention.py at 1,000,000 dangers): the lists' and dashboards' counts of open dangers read
            # this index alone, no table rows (`id` is in it for their COUNT(id)); the overdue lists walk only the
            # running dangers newest first; the regulators' 重大 list walks the open 重大 dangers by deadline.
            models.Index(
                fields=["state", "grade", "county", "deadline", "supervised", "id"],
                name="danger_open_idx",
                condition=Q(state__in=sorted(State.OPEN)),
            ),
            models.Index(
                fields=["-reported_at", "-id"],
                name="danger_running_reported_idx",
                condition=Q(state__in=sorted(State.RUNNING)),
            ),
            models.Index(
                fields=["deadline", "id"],
                name="danger_major_open_idx",
                condition=Q(grade=Grade.MAJOR, state__in=sorted(State.OPEN)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.county_id is None and self.enterprise_id is not None:
            self.county_id = self.enterprise.county_id
        super().save(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        return self.state in State.RUNNING and rules.is_overdue(self.deadline, today_shanghai())

    @property
    def days_overdue(self) -> int:
        return rules.days_overdue(self.deadline, today_shanghai()) if self.state in State.RUNNING else 0

    @property
    def grade_short(self) -> str:
        return Grade.SHORT.get(self.grade, "")

    @property
    def state_label(self) -> Any:
        return State.label(self.state)

    @property
    def state_colour(self) -> str:
        return State.colour(self.state)

    @property
    def grade_label(self) -> Any:
        return Grade.label(self.grade) if self.grade else _("未定级")

    @property
    def grade_colour(self) -> str:
        return Grade.colour(self.grade)

    def plan_rows(self) -> list[tuple[str, str]]:
        return [(item_label(item), str(self.plan.get(item.code, ""))) for item in rules.PLAN_ITEMS]


def item_label(item: rules.PlanItem, *, capitalise: bool = True) -> str:
    """A plan or report item's name in the active language (the rules library carries both)."""
    if not (get_language() or "").startswith("en"):
        return item.label_zh
    return item.label_en[:1].upper() + item.label_en[1:] if capitalise else item.label_en


def _photo_path(instance: DangerPhoto, filename: str) -> str:
    # Private files live under MEDIA_ROOT/private (never served directly); the name carries no user input.
    suffix = PurePosixPath(filename).suffix.lower()
    day = timezone.localdate()
    return f"private/dangers/{day:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class DangerPhoto(models.Model):
    scoping = Scoping(region="danger__county__code", enterprise="danger__enterprise_id")

    danger = models.ForeignKey(HiddenDanger, models.CASCADE, related_name="photos")
    kind = models.CharField(_("类型"), max_length=8, choices=PhotoKind.choices)
    file = models.FileField(_("照片"), upload_to=_photo_path, max_length=200)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["danger_id", "kind", "id"]
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")

    def __str__(self) -> str:
        return f"{self.danger_id}/{self.kind}/{self.pk}"


class ExtensionRequest(models.Model):
    """A request to extend the rectification deadline (安监总局令第15号 第十七条)."""

    scoping = Scoping(region="danger__county__code", enterprise="danger__enterprise_id")

    danger = models.ForeignKey(HiddenDanger, models.CASCADE, related_name="extensions")
    current_deadline = models.DateField(_("原整改期限"))
    new_deadline = models.DateField(_("申请延期至"))
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_on = models.DateField(_("申请日期"))
    answer_due = models.DateField(_("答复期限"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING, db_index=True
    )
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer_note = models.TextField(_("答复意见"), blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")

    def __str__(self) -> str:
        return f"{self.danger_id}: {self.current_deadline} → {self.new_deadline}"

    @property
    def status_label(self) -> Any:
        return ExtensionStatus.label(self.status)
