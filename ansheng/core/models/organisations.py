from django.db import models
from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import OrganisationKind


class Organisation(models.Model):
    """A government body (应急管理局, an industry department of the 安委会), or an industrial park."""

    code = models.SlugField(_("机构编码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=OrganisationKind.choices)
    region = models.ForeignKey("core.Region", models.PROTECT, related_name="organisations", verbose_name=_("区划"))
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    # Regulatory categories (enterprises.choices.Category values) an industry department supervises.
    sectors = models.JSONField(_("监管行业"), default=list, blank=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["region_id", "kind", "name"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")

    def __str__(self) -> str:
        return self.name
