from __future__ import annotations

import contextlib
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import Scoping
from ansheng.enterprises.choices import Category, ExpiryState, LicenceKind, Standardisation, Status
from ansheng.enterprises.validators import (
    validate_credit_code,
    validate_industry_code,
    validate_latitude,
    validate_longitude,
    validate_phone,
)


def expiry_state(expires_on: dt.date | None, today: dt.date | None = None) -> str | None:
    if expires_on is None:
        return None
    today = today or timezone.localdate()
    if expires_on < today:
        return ExpiryState.EXPIRED
    if expires_on <= today + dt.timedelta(days=settings.EXPIRY_WARNING_DAYS):
        return ExpiryState.EXPIRING
    return ExpiryState.VALID


class Enterprise(models.Model):
    """An enterprise as the regulator keeps it (生产经营单位)."""

    scoping = Scoping(region="county__code", enterprise="pk")

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code])
    name = models.CharField(_("企业名称"), max_length=128, db_index=True)
    former_names = models.JSONField(_("曾用名"), default=list, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    principal_name = models.CharField(_("主要负责人"), max_length=64, blank=True)
    principal_phone = models.CharField(_("主要负责人电话"), max_length=32, blank=True, validators=[validate_phone])
    safety_manager_name = models.CharField(_("安全管理人员"), max_length=64, blank=True)
    safety_manager_phone = models.CharField(
        _("安全管理人员电话"), max_length=32, blank=True, validators=[validate_phone]
    )
    registered_address = models.CharField(_("注册地址"), max_length=200, blank=True)
    operating_address = models.CharField(_("经营地址"), max_length=200, blank=True)
    # WGS84 / CGCS2000, as GNSS receivers and 天地图 give them.
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_longitude]
    )
    latitude = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_latitude]
    )
    county = models.ForeignKey("core.Region", models.PROTECT, related_name="enterprises", verbose_name=_("所在区县"))
    township = models.ForeignKey(
        "core.Region", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("所在乡镇（街道）")
    )
    park = models.ForeignKey(
        "core.Organisation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="park_enterprises",
        verbose_name=_("所在园区"),
        limit_choices_to={"kind": "park"},
    )
    industry_code = models.CharField(
        _("国民经济行业代码"),
        max_length=8,
        blank=True,
        validators=[validate_industry_code],
        help_text=_("GB/T 4754-2017，如 C2614"),
    )
    category = models.CharField(_("监管类别"), max_length=32, choices=Category.choices, db_index=True)
    is_above_scale = models.BooleanField(_("规模以上"), default=False)
    employees = models.PositiveIntegerField(_("从业人员数"), default=0)
    standardisation_level = models.CharField(
        _("安全生产标准化等级"), max_length=8, choices=Standardisation.choices, default=Standardisation.NONE
    )
    standardisation_expiry = models.DateField(_("标准化有效期至"), null=True, blank=True)
    insurer = models.CharField(_("安责险承保机构"), max_length=64, blank=True)
    insurance_policy = models.CharField(_("安责险保单号"), max_length=64, blank=True)
    insurance_start = models.DateField(_("安责险起期"), null=True, blank=True)
    insurance_end = models.DateField(_("安责险止期"), null=True, blank=True)
    status = models.CharField(
        _("经营状态"), max_length=16, choices=Status.choices, default=Status.OPERATING, db_index=True
    )
    regulators = models.ManyToManyField(
        "core.Organisation",
        blank=True,
        related_name="regulated_enterprises",
        verbose_name=_("监管部门"),
        limit_choices_to={"kind__in": ["bureau", "department"]},
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Name, former names and code in one column, so a search is one LIKE over one column.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        indexes = [
            models.Index(fields=["county", "category"]),
            models.Index(fields=["category", "status"]),
            models.Index(fields=["search_text", "id"], name="enterprise_search_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = "\n".join([self.name, *self.former_names, self.credit_code]).lower()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    # Fast labels for list pages and the API (Django's get_FOO_display re-hashes callable choices on every call).
    def get_category_display(self) -> str:
        return str(Category.label(self.category))

    def get_status_display(self) -> str:
        return str(Status.label(self.status))

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        if self.industry_code:
            from ansheng.domain.industry import parse

            with contextlib.suppress(ValueError):  # the field validator reports a bad code
                self.industry_code = parse(self.industry_code).code
        if (self.longitude is None) != (self.latitude is None):
            errors.setdefault("latitude" if self.latitude is None else "longitude", []).append(
                ValidationError(_("经度和纬度须同时填写"), code="incomplete_location")
            )
        if self.county_id and len(self.county_id) != 6:
            errors.setdefault("county", []).append(ValidationError(_("请选择区县"), code="invalid_county"))
        if self.township_id and self.county_id and not self.township_id.startswith(self.county_id):
            errors.setdefault("township", []).append(
                ValidationError(_("所选乡镇不属于所选区县"), code="township_outside_county")
            )
        if self.insurance_start and self.insurance_end and self.insurance_end < self.insurance_start:
            errors.setdefault("insurance_end", []).append(
                ValidationError(_("安责险止期不能早于起期"), code="end_before_start")
            )
        if self.standardisation_level != Standardisation.NONE and not self.standardisation_expiry:
            errors.setdefault("standardisation_expiry", []).append(
                ValidationError(_("已评定标准化等级的，请填写有效期"), code="required")
            )
        if errors:
            raise ValidationError(errors)

    # --- warnings a regulator wants to see on the record -----------------------------------------------------

    @property
    def standardisation_state(self) -> str | None:
        if self.standardisation_level == Standardisation.NONE:
            return None
        return expiry_state(self.standardisation_expiry)

    @property
    def insurance_state(self) -> str | None:
        return expiry_state(self.insurance_end)

    def expiry_warnings(self) -> list[dict[str, object]]:
        """Licences, standardisation and insurance that have expired or expire within the warning period."""
        warnings: list[dict[str, object]] = []
        for licence in self.licences.all():
            state = licence.state
            if state in {ExpiryState.EXPIRED, ExpiryState.EXPIRING}:
                warnings.append({"what": licence.get_kind_display(), "expires_on": licence.expires_on, "state": state})
        if self.standardisation_state in {ExpiryState.EXPIRED, ExpiryState.EXPIRING}:
            warnings.append(
                {
                    "what": _("安全生产标准化"),
                    "expires_on": self.standardisation_expiry,
                    "state": self.standardisation_state,
                }
            )
        if self.insurance_state in {ExpiryState.EXPIRED, ExpiryState.EXPIRING}:
            warnings.append(
                {"what": _("安全生产责任保险"), "expires_on": self.insurance_end, "state": self.insurance_state}
            )
        return warnings


class Licence(models.Model):
    scoping = Scoping(region="enterprise__county__code", enterprise="enterprise_id")

    enterprise = models.ForeignKey(Enterprise, models.CASCADE, related_name="licences")
    kind = models.CharField(_("许可证类型"), max_length=32, choices=LicenceKind.choices)
    number = models.CharField(_("证书编号"), max_length=64)
    issued_by = models.CharField(_("发证机关"), max_length=64, blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"))
    scope = models.CharField(_("许可范围"), max_length=200, blank=True)

    class Meta:
        ordering = ["expires_on"]
        verbose_name = _("许可证")
        verbose_name_plural = _("许可证")
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="unique_licence_number")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": ValidationError(_("有效期不能早于发证日期"), code="end_before_start")})

    @property
    def state(self) -> str | None:
        return expiry_state(self.expires_on)
