from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core.access import Scoping
from ansheng.core.choices import ChangeAction


class ObjectChange(models.Model):
    """The change log of registry edits: who changed what, when, with the record before and after."""

    scoping = Scoping(region="region_code", enterprise="enterprise_id")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    user_name = models.CharField(_("操作人"), max_length=150)
    request_id = models.UUIDField(null=True, blank=True, db_index=True)
    action = models.CharField(_("操作"), max_length=16, choices=ChangeAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=100, db_index=True)
    object_id = models.CharField(_("对象"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象名称"), max_length=200)
    # The county of the record, so the change log honours jurisdiction like the records themselves.
    region_code = models.CharField(max_length=12, blank=True, db_index=True)
    enterprise_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")

    def __str__(self) -> str:
        return f"{self.user_name} {self.action} {self.object_repr}"

    def diff(self) -> list[tuple[str, object, object]]:
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]


class AuditEvent(models.Model):
    """An append-only, hash-chained record of a legally significant step.

    `hash = sha256(prev_hash + canonical JSON of the row's content)`; `ansheng audit verify` recomputes the chain
    and reports the first row whose content, order or link no longer matches. Database triggers refuse UPDATE and
    DELETE, so tampering needs a deliberate bypass, which the chain then exposes.
    """

    scoping = Scoping(region="region_code", enterprise="enterprise_id")

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    actor_name = models.CharField(max_length=150)
    event = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    region_code = models.CharField(max_length=12, blank=True, db_index=True)
    enterprise_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # The canonical JSON text itself is stored (not a JSON column) so that the hashed bytes are exactly the
    # stored bytes on every database.
    payload = models.TextField(default="{}")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self) -> str:
        return f"#{self.seq} {self.event} {self.object_type}:{self.object_id}"

    @property
    def data(self) -> dict:
        import json

        return json.loads(self.payload)


class ChainHead(models.Model):
    """A single row holding the end of the audit chain; appends lock it so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.seq}"
