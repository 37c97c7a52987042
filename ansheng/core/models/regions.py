from django.db import models
from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import RegionLevel


class Region(models.Model):
    """An administrative division (GB/T 2260 6-digit code; townships by their 9-digit GB/T 10114 code)."""

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    longitude = models.DecimalField(_("中心经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("中心纬度"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The code prefix shared by this division and everything under it (510000 → 51, 511100 → 5111)."""
        return division_prefix(self.code)


def division_prefix(code: str) -> str:
    """The code prefix shared by a division and everything under it (GB/T 2260: 51 province, 5111 prefecture,
    511102 county; a township is its own 9-digit code)."""
    from ansheng.domain.codes import parse_division

    division = parse_division(code)
    return {"province": code[:2], "prefecture": code[:4], "county": code[:6]}.get(division.level, division.code)
