"""The two kinds of audit (CONVENTIONS 5): the change log of registry edits and the hash-chained event log.

Services call `log_change` for registry edits and `append_event` for legally significant steps, inside their own
transaction, so a step and its audit row commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from ansheng.core.choices import ChangeAction
from ansheng.core.context import current_request_id
from ansheng.core.models import AuditEvent, ChainHead, ObjectChange

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, set | frozenset):
        return sorted(_jsonable(item) for item in value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if hasattr(value, "name") and hasattr(value, "url") and not isinstance(value, str):  # a FieldFile
        return value.name or None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None, *, exclude_m2m: bool = False) -> dict[str, Any]:
    """The record's concrete field values (foreign keys by id, many-to-many as sorted ids) as JSON-able data.

    `exclude_m2m` leaves many-to-many fields out (a caller that just set them knows their ids without a query)."""
    data: dict[str, Any] = {}
    names = set(fields) if fields is not None else None
    for model_field in obj._meta.concrete_fields:
        if names is not None and model_field.name not in names:
            continue
        if not model_field.editable and not model_field.primary_key:
            continue  # derived or automatic (updated_at, search columns): not part of what someone changed
        data[model_field.name] = _jsonable(model_field.value_from_object(obj))
    if obj.pk is not None and not exclude_m2m:
        for m2m in obj._meta.many_to_many:
            if names is not None and m2m.name not in names:
                continue
            data[m2m.name] = sorted(getattr(obj, m2m.name).values_list("pk", flat=True))
    return data


def log_change(
    *,
    user: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    region_code: str = "",
    enterprise_id: int | None = None,
    reason: str = "",
) -> ObjectChange | None:
    """Record a registry edit; an update that changed nothing writes nothing."""
    if action == ChangeAction.UPDATE and before == after:
        return None
    return ObjectChange.objects.create(
        user=user if getattr(user, "pk", None) else None,
        user_name=_actor_name(user),
        request_id=current_request_id(),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        region_code=region_code or "",
        enterprise_id=enterprise_id,
        before=before,
        after=after,
        reason=reason[:200],
    )


def _actor_name(user: Any) -> str:
    if user is None or not getattr(user, "pk", None):
        return "system"
    return str(user.username)


def canonical(data: Any) -> str:
    return json.dumps(_jsonable(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _event_content(event: AuditEvent) -> str:
    return canonical(
        {
            "seq": event.seq,
            "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": event.actor_id,
            "actor_name": event.actor_name,
            "event": event.event,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "region_code": event.region_code,
            "enterprise_id": event.enterprise_id,
            "payload": event.payload,
        }
    )


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + _event_content(event)).encode()).hexdigest()


def append_event(
    *,
    actor: Any,
    event: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    payload: dict[str, Any] | None = None,
    region_code: str = "",
    enterprise_id: int | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction (services are atomic)."""
    with transaction.atomic():
        head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
        row = AuditEvent(
            seq=head.seq + 1,
            at=at or timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=_actor_name(actor),
            event=event,
            object_type=obj._meta.label_lower if obj is not None else object_type,
            object_id=str(obj.pk) if obj is not None else str(object_id),
            region_code=region_code or "",
            enterprise_id=enterprise_id,
            payload=canonical(payload or {}),
            prev_hash=head.hash,
        )
        row.hash = compute_hash(head.hash, row)
        row.save(force_insert=True)
        head.seq = row.seq
        head.hash = row.hash
        head.save(update_fields=["seq", "hash"])
    return row


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    def line(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.checked} events verified"
        return f"audit chain broken at event #{self.broken_seq}: {self.reason} ({self.checked} events checked)"


def verify_chain(batch: int = 5000) -> ChainReport:
    """Recompute every link in order and report the first one that does not hold."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = None
    while True:
        rows = AuditEvent.objects.order_by("seq")
        if last_seq is not None:
            rows = rows.filter(seq__gt=last_seq)
        chunk = list(rows[:batch])
        if not chunk:
            break
        for row in chunk:
            if row.seq != expected_seq:
                return ChainReport(False, checked, expected_seq, f"event #{expected_seq} is missing")
            if row.prev_hash != prev_hash:
                return ChainReport(False, checked, row.seq, "its link to the previous event does not match")
            if compute_hash(prev_hash, row) != row.hash:
                return ChainReport(False, checked, row.seq, "its content no longer matches its hash")
            prev_hash = row.hash
            expected_seq += 1
            checked += 1
            last_seq = row.seq
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != prev_hash):
        return ChainReport(False, checked, checked + 1, f"events after #{checked} were removed (head is #{head.seq})")
    return ChainReport(True, checked)
