from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import Scoping
from ansheng.enterprises.validators import validate_phone
from ansheng.maps.choices import (
    HazardCategory,
    HazardStatus,
    RiskColour,
    RiskSourceKind,
    Shape,
    SourceStatus,
    Supervision,
)


class RiskSource(models.Model):
    """A risk source that is not an enterprise: a pipeline section, a tailings pond, a crowded place, a high-rise
    building, a gas network. Drawn on the map as a point, a line or an area.

    `geometry` is a GeoJSON geometry in WGS84 (validated and normalised by `ansheng.maps.geometry`); the bounding
    box, representative point, length and area are derived from it when it is saved through the services, so the
    map can select by bounding box with plain indexed columns. A long-distance pipeline is registered as one
    section per county (属地管理), grouped by `group` (the line's name).
    """

    # An industry department sees the kinds it lists among its sectors (e.g. 住建: gas_network, high_rise).
    scoping = Scoping(region="county__code", category="kind")

    code = models.CharField(_("编号"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=128, db_index=True)
    kind = models.CharField(_("类型"), max_length=32, choices=RiskSourceKind.choices, db_index=True)
    level = models.CharField(_("风险等级"), max_length=8, choices=RiskColour.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=SourceStatus.choices, default=SourceStatus.IN_SERVICE, db_index=True
    )
    county = models.ForeignKey(
        "core.Region", models.PROTECT, related_name="risk_sources", verbose_name=_("所在区县（属地）")
    )
    group = models.CharField(
        _("所属线路或系统"),
        max_length=64,
        blank=True,
        help_text=_("如一条长输管道跨多个区县，各区县管段填同一线路名称"),
    )
    operator = models.CharField(_("运营（管理）单位"), max_length=128, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_sources",
        verbose_name=_("对应登记企业"),
    )
    department = models.ForeignKey(
        "core.Organisation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_sources",
        verbose_name=_("行业监管部门"),
        limit_choices_to={"kind__in": ["bureau", "department"]},
    )
    contact_name = models.CharField(_("安全负责人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True, validators=[validate_phone])
    address = models.CharField(_("位置描述"), max_length=200, blank=True)
    description = models.TextField(_("风险描述与管控措施"), blank=True)
    attributes = models.JSONField(_("属性"), default=dict, blank=True)
    geometry = models.JSONField(_("空间位置（WGS84 GeoJSON）"))
    shape = models.CharField(_("图形"), max_length=8, choices=Shape.choices, editable=False)
    longitude = models.FloatField(_("代表点经度"), editable=False)
    latitude = models.FloatField(_("代表点纬度"), editable=False)
    min_lon = models.FloatField(editable=False)
    min_lat = models.FloatField(editable=False)
    max_lon = models.FloatField(editable=False)
    max_lat = models.FloatField(editable=False)
    length_m = models.FloatField(_("长度（米）"), null=True, blank=True, editable=False)
    area_m2 = models.FloatField(_("面积（平方米）"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["county_id", "kind", "name", "id"]
        verbose_name = _("风险源")
        verbose_name_plural = _("风险源")
        indexes = [
            models.Index(fields=["county", "kind"]),
            models.Index(fields=["min_lon", "max_lon"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = "\n".join([self.name, self.code, self.group, self.operator]).lower()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_kind_display(self) -> str:
        return str(RiskSourceKind.label(self.kind))

    def get_level_display(self) -> str:
        return str(RiskColour.label(self.level))

    @property
    def is_overhead_pond(self) -> bool:
        """A tailings pond with residents or important facilities within 1 km downstream (头顶库)."""
        if self.kind != RiskSourceKind.TAILINGS_POND:
            return False
        distance = (self.attributes or {}).get("downstream_distance_m")
        if distance is None:
            return False
        from ansheng.domain.risk_sources import is_overhead_tailings_pond

        return is_overhead_tailings_pond(float(distance))

    def describe_attributes(self) -> list[tuple[str, str]]:
        from ansheng.maps.attributes import describe

        return describe(self.kind, self.attributes or {})

    @property
    def size_text(self) -> str:
        if self.length_m:
            return f"{self.length_m / 1000:.2f} km" if self.length_m >= 1000 else f"{self.length_m:.0f} m"
        if self.area_m2:
            return f"{self.area_m2 / 1_000_000:.2f} km²" if self.area_m2 >= 100_000 else f"{self.area_m2:.0f} m²"
        return ""


class SourceHazard(models.Model):
    """A hazard (隐患) found on a risk source, e.g. a building over a pipeline, with the level of government that
    supervises its rectification (挂牌督办). Open → rectified (销号), and back to open when a check finds the
    rectification did not hold."""

    scoping = Scoping(region="risk_source__county__code", category="risk_source__kind")

    risk_source = models.ForeignKey(RiskSource, models.PROTECT, related_name="hazards", verbose_name=_("风险源"))
    category = models.CharField(_("隐患类别"), max_length=16, choices=HazardCategory.choices)
    description = models.TextField(_("隐患描述"))
    location_text = models.CharField(_("具体位置"), max_length=200, blank=True, help_text=_("如桩号 K123+400 附近"))
    longitude = models.FloatField(_("经度（WGS84）"), null=True, blank=True)
    latitude = models.FloatField(_("纬度（WGS84）"), null=True, blank=True)
    supervision = models.CharField(
        _("挂牌督办"), max_length=16, choices=Supervision.choices, default=Supervision.NONE, db_index=True
    )
    found_on = models.DateField(_("发现日期"))
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=HazardStatus.choices, default=HazardStatus.OPEN, db_index=True
    )
    rectified_on = models.DateField(_("销号日期"), null=True, blank=True)
    rectification_note = models.TextField(_("整改情况"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["status", "-found_on", "-id"]
        verbose_name = _("风险源隐患")
        verbose_name_plural = _("风险源隐患")

    def __str__(self) -> str:
        return f"{self.risk_source.name}：{self.get_category_display()}"

    def get_category_display(self) -> str:
        return str(HazardCategory.label(self.category))

    def is_overdue(self, today: dt.date | None = None) -> bool:
        if self.status != HazardStatus.OPEN or self.deadline is None:
            return False
        return self.deadline < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()
