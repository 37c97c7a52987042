from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import Role, TokenKind


class User(AbstractUser):
    """A person who signs in. The role and the region / organisation / enterprise set the jurisdiction."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.PUBLIC)
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("手机"), max_length=32, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation", models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("所属机构")
    )
    region = models.ForeignKey(
        "core.Region", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("辖区")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("所属企业"),
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """An API token. Only its SHA-256 is stored; the token itself is shown once, when created."""

    PREFIX = "ash_"

    user = models.ForeignKey("core.User", models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=TokenKind.choices, default=TokenKind.PERSONAL)
    # A gateway token may only post readings for this enterprise.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.CASCADE, null=True, blank=True, related_name="gateway_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("末四位"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} (…{self.hint})"

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


class LoginFailure(models.Model):
    """One failed sign-in, kept for the throttle window (shared by every web process through the database)."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username}@{self.address} {self.at:%Y-%m-%d %H:%M}"
