from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import Scoping


class StatInput(models.Model):
    """One statistics input of one region (the city or a county) for one year, with where it comes from."""

    scoping = Scoping(region="region__code")

    region = models.ForeignKey("core.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    year = models.PositiveSmallIntegerField(_("年份"))
    item = models.CharField(_("指标项"), max_length=40)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4)
    source = models.CharField(_("数据来源"), max_length=200)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("填报人")
    )

    class Meta:
        ordering = ["region_id", "year", "item"]
        verbose_name = _("统计基础数据")
        verbose_name_plural = _("统计基础数据")
        constraints = [models.UniqueConstraint(fields=["region", "year", "item"], name="unique_stat_input")]
        indexes = [models.Index(fields=["item", "year"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.item}={self.value}"
