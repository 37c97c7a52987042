"""The one write path of the statistics inputs: set (create or change) and remove values, one at a time or many,
each with its source, each change in the change log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core import access
from ansheng.core.audit import log_change, snapshot
from ansheng.core.choices import ChangeAction
from ansheng.core.errors import FieldError, NotFound, ValidationFailed
from ansheng.core.models import Region, User
from ansheng.indicators.catalogue import items, wholes
from ansheng.indicators.models import StatInput

MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_VALUE = Decimal("1e15")


def _region(user: User, code: Any, field: str) -> Region:
    region = Region.objects.filter(pk=str(code or "").strip()).first()
    if region is None or region.level not in {"city", "county"}:
        raise ValidationFailed(
            _("区划代码 %(code)s 不存在或不是市、县级") % {"code": code}, code="unknown_region", field=field
        )
    if not access.scope_for(user).covers_region(region.pk):
        raise ValidationFailed(
            _("区划 %(name)s 不在您的辖区内") % {"name": region.name}, code="outside_jurisdiction", field=field
        )
    return region


def _value(code: str, raw: Any, field: str) -> Decimal:
    item = items()[code]
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("“%(value)s”不是数字") % {"value": raw}, code="invalid_number", field=field) from None
    if not value.is_finite() or value < 0 or value >= MAX_VALUE:
        raise ValidationFailed(_("数值应为 0 以上的数"), code="invalid_number", field=field)
    if item.decimals == 0 and value != value.to_integral_value():
        raise ValidationFailed(_("%(name)s应为整数") % {"name": item.name}, code="not_integer", field=field)
    return value.quantize(Decimal(1).scaleb(-max(item.decimals, 0))) if item.decimals else value.to_integral_value()


def _parse(user: User, row: Mapping[str, Any], index: int | None) -> dict[str, Any]:
    prefix = "" if index is None else f"rows[{index}]."
    code = str(row.get("item") or "").strip()
    if code not in items():
        raise ValidationFailed(_("未知的统计项“%(code)s”") % {"code": code}, code="unknown_item", field=f"{prefix}item")
    try:
        year = int(row.get("year"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        year = 0
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("年份应在 %(a)s–%(b)s 之间") % {"a": MIN_YEAR, "b": MAX_YEAR}, code="invalid_year", field=f"{prefix}year"
        )
    source = str(row.get("source") or "").strip()
    if not source:
        raise ValidationFailed(_("请注明数据来源（如：乐山市统计年鉴2016）"), code="required", field=f"{prefix}source")
    return {
        "region": _region(user, row.get("region"), f"{prefix}region"),
        "year": year,
        "item": code,
        "value": _value(code, row.get("value"), f"{prefix}value"),
        "source": source[:200],
        "note": str(row.get("note") or "").strip()[:200],
    }


def _check_parts(rows: list[dict[str, Any]]) -> None:
    """An occupational-health numerator may not exceed its whole (in the batch, or as stored)."""
    pairs = wholes()
    batch = {(r["region"].pk, r["year"], r["item"]): r["value"] for r in rows}
    keys = {(region, year) for region, year, _item in batch}
    stored = {
        (region, year, item): value
        for region, year, item, value in StatInput.objects.filter(
            region_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}
        ).values_list("region_id", "year", "item", "value")
    }
    merged = {**stored, **batch}
    for region, year in sorted(keys):
        for whole, part in pairs.items():
            a, b = merged.get((region, year, part)), merged.get((region, year, whole))
            if a is not None and b is not None and a > b:
                raise ValidationFailed(
                    _("%(region)s %(year)s 年：%(part)s（%(a)s）大于%(whole)s（%(b)s）")
                    % {
                        "region": region,
                        "year": year,
                        "part": items()[part].name,
                        "whole": items()[whole].name,
                        "a": a,
                        "b": b,
                    },
                    code="part_exceeds_whole",
                    field="value",
                )


def do_set_inputs(*, acting_user: User, rows: Iterable[Mapping[str, Any]]) -> list[StatInput]:
    """Create or change values, all or none: every row is checked first, then saved and logged."""
    access.require(acting_user, "change", "statistics_input")
    parsed: list[dict[str, Any]] = []
    errors: list[FieldError] = []
    for index, row in enumerate(rows):
        try:
            parsed.append(_parse(acting_user, row, index))
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors=errors)
    if not parsed:
        raise ValidationFailed(_("没有要保存的数据"), code="empty", field="rows")
    saved = []
    with transaction.atomic():
        _check_parts(parsed)
        for row in parsed:
            existing = (
                StatInput.objects.select_for_update()
                .filter(region=row["region"], year=row["year"], item=row["item"])
                .first()
            )
            before = snapshot(existing) if existing else None
            record = existing or StatInput(region=row["region"], year=row["year"], item=row["item"])
            if existing and (existing.value, existing.source, existing.note) == (
                row["value"],
                row["source"],
                row["note"],
            ):
                saved.append(existing)
                continue
            record.value, record.source, record.note = row["value"], row["source"], row["note"]
            record.updated_at = timezone.now()
            record.updated_by = acting_user
            record.save()
            log_change(
                user=acting_user,
                action=ChangeAction.UPDATE if existing else ChangeAction.CREATE,
                obj=record,
                before=before,
                after=snapshot(record),
                region_code=record.region_id,
            )
            saved.append(record)
    return saved


def do_remove_input(*, acting_user: User, input_id: int) -> None:
    with transaction.atomic():
        record = access.get_for(
            acting_user, StatInput.objects.select_for_update(), input_id, "change", "statistics_input"
        )
        if record is None:  # pragma: no cover - get_for raises
            raise NotFound()
        log_change(
            user=acting_user,
            action=ChangeAction.DELETE,
            obj=record,
            before=snapshot(record),
            after=None,
            region_code=record.region_id,
        )
        record.delete()


__all__ = ["do_remove_input", "do_set_inputs"]
