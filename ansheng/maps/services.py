"""The one write path for risk sources that are not enterprises and for the hazards found on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core import access
from ansheng.core.audit import append_event, log_change, snapshot
from ansheng.core.choices import ChangeAction, RegionLevel, Role
from ansheng.core.errors import (
    Conflict,
    FieldError,
    PermissionDenied,
    ValidationFailed,
    full_clean,
    reject_unknown_fields,
)
from ansheng.core.models import Organisation, Region, User
from ansheng.maps import geometry as geo
from ansheng.maps.attributes import attributes_for, clean_attributes
from ansheng.maps.choices import HazardCategory, HazardStatus, RiskColour, RiskSourceKind, SourceStatus, Supervision
from ansheng.maps.models import RiskSource, SourceHazard

RISK_SOURCE_FIELDS = frozenset(
    {
        "code",
        "name",
        "kind",
        "level",
        "status",
        "county",
        "group",
        "operator",
        "enterprise",
        "department",
        "contact_name",
        "contact_phone",
        "address",
        "description",
        "attributes",
        "geometry",
    }
)
HAZARD_FIELDS = frozenset(
    {"category", "description", "location_text", "longitude", "latitude", "supervision", "found_on", "deadline"}
)
CODE_PREFIX = {
    RiskSourceKind.PIPELINE: "GD",
    RiskSourceKind.TAILINGS_POND: "WK",
    RiskSourceKind.CROWDED_PLACE: "RM",
    RiskSourceKind.HIGH_RISE: "GC",
    RiskSourceKind.GAS_NETWORK: "RQ",
    RiskSourceKind.OTHER: "QT",
}

# Hazard lifecycle: (state, action) → next state. One service per transition.
HAZARD_TRANSITIONS = {
    (HazardStatus.OPEN, "rectify"): HazardStatus.RECTIFIED,
    (HazardStatus.RECTIFIED, "reopen"): HazardStatus.OPEN,
}
# Hazards listed for supervision by the city or the province are closed (销号) by the city, not by a county.
CITY_CLOSES = frozenset({Supervision.CITY, Supervision.PROVINCE})
CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.CITY_SUPERVISOR})


def _county(value: Any) -> Region | None:
    if value in (None, ""):
        return None
    if isinstance(value, Region):
        region: Region | None = value
    else:
        region = Region.objects.filter(pk=str(value).strip()).first()
    if region is None or region.level != RegionLevel.COUNTY:
        raise ValidationFailed(_("区县代码 %(code)s 不存在") % {"code": value}, code="unknown_region", field="county")
    return region


def _enterprise(user: User, value: Any) -> Any:
    from ansheng.enterprises.models import Enterprise

    if value in (None, ""):
        return None
    if isinstance(value, Enterprise):
        value = value.pk
    rows = access.restrict(Enterprise.objects.all(), user, "view")
    text = str(value).strip()
    found = rows.filter(pk=int(text)).first() if text.isdigit() else rows.filter(credit_code=text.upper()).first()
    if found is None:
        raise ValidationFailed(
            _("企业“%(value)s”不存在或不在您的辖区内") % {"value": text[:40]},
            code="unknown_enterprise",
            field="enterprise",
        )
    return found


def _department(value: Any) -> Organisation | None:
    if value in (None, ""):
        return None
    if isinstance(value, Organisation):
        org: Organisation | None = value
    else:
        text = str(value).strip()
        org = Organisation.objects.filter(**({"pk": int(text)} if text.isdigit() else {"code": text})).first()
    if org is None or org.kind not in {"bureau", "department"}:
        raise ValidationFailed(
            _("监管部门“%(value)s”不存在") % {"value": value}, code="unknown_organisation", field="department"
        )
    return org


def _check_jurisdiction(user: User, source: RiskSource) -> None:
    scope = access.scope_for(user)
    if source.county_id and not scope.covers_region(source.county_id):
        raise ValidationFailed(
            _("区县 %(code)s 不在您的辖区内") % {"code": source.county_id}, code="outside_jurisdiction", field="county"
        )
    if scope.kind == access.DEPARTMENT and source.kind not in scope.sectors:
        raise ValidationFailed(
            _("“%(kind)s”不属于本部门监管的行业") % {"kind": RiskSourceKind.label(source.kind)},
            code="kind_not_supervised",
            field="kind",
        )


def _check_kind_rules(source: RiskSource) -> None:
    """Rules a kind's attributes must meet beyond their own ranges (thresholds from ansheng.domain)."""
    if source.kind == RiskSourceKind.HIGH_RISE:
        from ansheng.domain.risk_sources import HIGH_RISE_PUBLIC_M, HIGH_RISE_RESIDENTIAL_M, is_high_rise

        values = source.attributes or {}
        height, use = values.get("height_m"), values.get("use")
        if height is not None and use:
            residential = use == "residential"
            if not is_high_rise(float(height), residential=residential):
                limit = HIGH_RISE_RESIDENTIAL_M if residential else HIGH_RISE_PUBLIC_M
                raise ValidationFailed(
                    _("建筑高度 %(h)s m 未超过 %(limit)s m，不属于高层建筑（GB 50016-2014 第2.1.1条）")
                    % {"h": f"{float(height):g}", "limit": f"{limit:g}"},
                    code="not_high_rise",
                    field="attributes.height_m",
                )


def _set_geometry(source: RiskSource, value: Any, crs: str) -> None:
    geometry = geo.validate(value, crs=crs)
    derived = geo.derive(geometry)
    source.geometry = geometry
    for name in ("shape", "longitude", "latitude", "min_lon", "min_lat", "max_lon", "max_lat", "length_m", "area_m2"):
        setattr(source, name, getattr(derived, name))


def _check_in_county(source: RiskSource) -> None:
    from ansheng.maps import boundaries

    if not source.county_id or not source.geometry:
        return
    outline = boundaries.shape_wgs84(source.county_id)
    if outline is None:  # no boundary asset: nothing to check against
        return
    if not geo.near_region(source.geometry, outline):
        raise ValidationFailed(
            _("空间位置不在所选区县（%(county)s）范围内：请核对坐标或所选区县，或确认坐标系（WGS84 / GCJ-02）")
            % {"county": source.county.name},
            code="outside_county",
            field="geometry",
        )


def _apply(user: User, source: RiskSource, data: Mapping[str, Any], crs: str) -> None:
    errors: list[FieldError] = []
    for name, value in data.items():
        try:
            if name == "county":
                source.county = _county(value)  # type: ignore[assignment]
            elif name == "enterprise":
                source.enterprise = _enterprise(user, value)
            elif name == "department":
                source.department = _department(value)
            elif name == "geometry":
                _set_geometry(source, value, crs)
            elif name == "attributes":
                continue  # cleaned once the kind is known
            elif name == "code":
                source.code = str(value or "").strip().upper()
            elif isinstance(value, str):
                setattr(source, name, value.strip())
            else:
                setattr(source, name, value)
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors=errors)


def _next_code(source: RiskSource) -> str:
    prefix = f"{CODE_PREFIX.get(source.kind, 'QT')}-{source.county_id}-"
    taken = RiskSource.objects.filter(code__startswith=prefix).count()
    number = taken + 1
    while RiskSource.objects.filter(code=f"{prefix}{number:04d}").exists():
        number += 1
    return f"{prefix}{number:04d}"


def _validate(user: User, source: RiskSource, attributes: Any) -> None:
    """Every check of a risk source, the same for create and update; reports all field errors together."""
    errors: list[FieldError] = []
    for field in ("name", "kind", "level", "county"):
        if not getattr(source, field + ("_id" if field == "county" else ""), None):
            errors.append(FieldError(field, "required", _("此项为必填项")))
    if not source.geometry:
        errors.append(FieldError("geometry", "geometry_required", _("请绘制或填写空间位置")))
    if source.kind and source.kind not in RiskSourceKind.values():
        errors.append(FieldError("kind", "invalid_choice", _("风险源类型无效")))
    if source.level and source.level not in RiskColour.values():
        errors.append(FieldError("level", "invalid_choice", _("风险等级应为红、橙、黄、蓝之一")))
    if source.kind in RiskSourceKind.values():
        try:
            source.attributes = clean_attributes(source.kind, attributes)
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    try:
        full_clean(
            source,
            exclude=["geometry", "attributes", "code", *[e.field for e in errors if e.field]],
            validate_unique=False,
        )
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors=errors)
    _check_jurisdiction(user, source)
    _check_kind_rules(source)
    _check_in_county(source)


def do_create_risk_source(*, acting_user: User, data: Mapping[str, Any], crs: str = geo.WGS84) -> RiskSource:
    """Register a risk source; `crs` says what the geometry's coordinates are (WGS84 is stored)."""
    access.require(acting_user, "create", "risk_source")
    reject_unknown_fields(data, RISK_SOURCE_FIELDS)
    source = RiskSource(status=SourceStatus.IN_SERVICE, attributes={}, geometry={})
    _apply(acting_user, source, data, crs)
    _validate(acting_user, source, data.get("attributes"))
    try:
        with transaction.atomic():
            if not source.code:
                source.code = _next_code(source)
            elif RiskSource.objects.filter(code=source.code).exists():
                raise ValidationFailed(_("编号 %(code)s 已被使用") % {"code": source.code}, code="unique", field="code")
            source.save(force_insert=True)
            log_change(
                user=acting_user,
                action=ChangeAction.CREATE,
                obj=source,
                before=None,
                after=snapshot(source),
                region_code=source.county_id,
                enterprise_id=source.enterprise_id,
            )
    except IntegrityError:
        raise ValidationFailed(
            _("编号 %(code)s 已被使用") % {"code": source.code}, code="unique", field="code"
        ) from None
    return source


def do_update_risk_source(
    *,
    acting_user: User,
    source_id: int,
    changes: Mapping[str, Any],
    crs: str = geo.WGS84,
    reason: str = "",
) -> RiskSource:
    reject_unknown_fields(changes, RISK_SOURCE_FIELDS)
    with transaction.atomic():
        source = access.get_for(acting_user, RiskSource, source_id, "change", "risk_source", lock=True)
        before = snapshot(source)
        _apply(acting_user, source, changes, crs)
        if "attributes" in changes:
            attributes = changes["attributes"]
        else:  # a change of kind keeps the attributes the new kind also has
            known = {attribute.name for attribute in attributes_for(source.kind)}
            attributes = {k: v for k, v in (source.attributes or {}).items() if k in known}
        if "code" in changes and not source.code:
            raise ValidationFailed(_("此项为必填项"), code="required", field="code")
        _validate(acting_user, source, attributes)
        if source.code != before["code"] and RiskSource.objects.filter(code=source.code).exclude(pk=source.pk).exists():
            raise ValidationFailed(_("编号 %(code)s 已被使用") % {"code": source.code}, code="unique", field="code")
        try:
            with transaction.atomic():
                source.save()
        except IntegrityError:
            raise ValidationFailed(
                _("编号 %(code)s 已被使用") % {"code": source.code}, code="unique", field="code"
            ) from None
        log_change(
            user=acting_user,
            action=ChangeAction.UPDATE,
            obj=source,
            before=before,
            after=snapshot(source),
            region_code=source.county_id,
            enterprise_id=source.enterprise_id,
            reason=reason,
        )
    return source


def do_delete_risk_source(*, acting_user: User, source_id: int, reason: str = "") -> None:
    """Remove a source registered by mistake. One with hazards on record is retired (status), never deleted."""
    with transaction.atomic():
        source = access.get_for(acting_user, RiskSource, source_id, "delete", "risk_source", lock=True)
        if source.hazards.exists():
            raise Conflict(
                _("该风险源有隐患记录，不能删除；如已停用或拆除，请修改其状态"), code="has_hazards", field=None
            )
        log_change(
            user=acting_user,
            action=ChangeAction.DELETE,
            obj=source,
            before=snapshot(source),
            after=None,
            region_code=source.county_id,
            enterprise_id=source.enterprise_id,
            reason=reason,
        )
        source.delete()


# --- hazards on risk sources -------------------------------------------------------------------------------------


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(_("日期格式应为 YYYY-MM-DD"), code="wrong_type", field=field) from None


def _hazard_event(hazard: SourceHazard, event: str, actor: User, payload: dict[str, Any]) -> None:
    source = hazard.risk_source
    append_event(
        actor=actor,
        event=event,
        obj=hazard,
        payload={"risk_source": source.pk, "code": source.code, "supervision": hazard.supervision, **payload},
        region_code=source.county_id,
        enterprise_id=source.enterprise_id,
    )


def do_add_source_hazard(
    *, acting_user: User, source_id: int, data: Mapping[str, Any], today: dt.date | None = None
) -> SourceHazard:
    """Record a hazard found on a risk source, with its supervision level and rectification deadline."""
    reject_unknown_fields(data, HAZARD_FIELDS)
    today = today or timezone.localdate()
    with transaction.atomic():
        source = access.get_for(acting_user, RiskSource, source_id, "view", "risk_source", lock=True)
        access.require(acting_user, "create", "source_hazard")
        hazard = SourceHazard(risk_source=source, created_by=acting_user)
        errors: list[FieldError] = []
        for name in ("category", "description", "location_text", "supervision"):
            if name in data and data[name] is not None:
                setattr(hazard, name, str(data[name]).strip())
        for name in ("found_on", "deadline"):
            try:
                setattr(hazard, name, _date(data.get(name), name))
            except ValidationFailed as exc:
                errors.extend(exc.errors)
        lon, lat = data.get("longitude"), data.get("latitude")
        if (lon in (None, "")) != (lat in (None, "")):
            errors.append(
                FieldError(
                    "latitude" if lon not in (None, "") else "longitude",
                    "incomplete_location",
                    _("经度和纬度须同时填写"),
                )
            )
        elif lon not in (None, ""):
            try:
                point = geo.validate({"type": "Point", "coordinates": [float(lon), float(lat)]}, field="longitude")
                hazard.longitude, hazard.latitude = point["coordinates"]
            except (TypeError, ValueError):
                errors.append(FieldError("longitude", "wrong_type", _("经纬度应为数字")))
            except ValidationFailed as exc:
                errors.extend(exc.errors)
        if not hazard.description:
            errors.append(FieldError("description", "required", _("请描述隐患")))
        if hazard.category not in HazardCategory.values():
            errors.append(FieldError("category", "invalid_choice", _("请选择隐患类别")))
        if hazard.supervision not in Supervision.values():
            errors.append(FieldError("supervision", "invalid_choice", _("挂牌督办级别无效")))
        if hazard.found_on is None:
            errors.append(FieldError("found_on", "required", _("请填写发现日期")))
        elif hazard.found_on > today:
            errors.append(FieldError("found_on", "in_future", _("发现日期不能晚于今天")))
        if hazard.deadline and hazard.found_on and hazard.deadline < hazard.found_on:
            errors.append(FieldError("deadline", "end_before_start", _("整改期限不能早于发现日期")))
        if errors:
            raise ValidationFailed(errors=errors)
        full_clean(hazard, validate_unique=False)
        hazard.save()
        log_change(
            user=acting_user,
            action=ChangeAction.CREATE,
            obj=hazard,
            before=None,
            after=snapshot(hazard),
            region_code=source.county_id,
            enterprise_id=source.enterprise_id,
        )
        _hazard_event(
            hazard,
            "source_hazard.reported",
            acting_user,
            {"category": hazard.category, "found_on": hazard.found_on, "deadline": hazard.deadline},
        )
    return hazard


def _transition(acting_user: User, hazard_id: int, action: str) -> SourceHazard:
    """Lock the hazard and check the transition and who may make it; the caller performs it."""
    hazard = access.get_for(
        acting_user, SourceHazard.objects.select_related("risk_source"), hazard_id, action, "source_hazard", lock=True
    )
    if (hazard.status, action) not in HAZARD_TRANSITIONS:
        raise Conflict(
            _("隐患当前状态为“%(state)s”，不能执行此操作") % {"state": HazardStatus.label(hazard.status)},
            code="invalid_transition",
        )
    return hazard


def do_rectify_source_hazard(
    *,
    acting_user: User,
    hazard_id: int,
    rectified_on: Any,
    note: str,
    today: dt.date | None = None,
) -> SourceHazard:
    """Close a hazard as rectified (销号). A hazard listed by the city or the province is closed by the city."""
    today = today or timezone.localdate()
    with transaction.atomic():
        hazard = _transition(acting_user, hazard_id, "rectify")
        if hazard.supervision in CITY_CLOSES and acting_user.role not in CITY_ROLES and not acting_user.is_superuser:
            raise PermissionDenied(
                _("%(level)s的隐患由市级监管部门登记销号") % {"level": Supervision.label(hazard.supervision)},
                code="closed_by_city",
            )
        day = _date(rectified_on, "rectified_on")
        note = (note or "").strip()
        errors = []
        if not note:
            errors.append(FieldError("note", "required", _("请填写整改情况")))
        if day is None:
            errors.append(FieldError("rectified_on", "required", _("请填写销号日期")))
        elif day > today:
            errors.append(FieldError("rectified_on", "in_future", _("销号日期不能晚于今天")))
        elif day < hazard.found_on:
            errors.append(FieldError("rectified_on", "end_before_start", _("销号日期不能早于发现日期")))
        if errors:
            raise ValidationFailed(errors=errors)
        new_state = HAZARD_TRANSITIONS[(hazard.status, "rectify")]
        updated = SourceHazard.objects.filter(pk=hazard.pk, status=hazard.status).update(
            status=new_state, rectified_on=day, rectification_note=note[:4000]
        )
        if updated != 1:  # pragma: no cover - the row lock above makes this unreachable on both databases
            raise Conflict()
        hazard.refresh_from_db()
        _hazard_event(hazard, "source_hazard.rectified", acting_user, {"rectified_on": day, "note": note[:500]})
    return hazard


def do_reopen_source_hazard(*, acting_user: User, hazard_id: int, reason: str) -> SourceHazard:
    """Reopen a rectified hazard when a check finds the rectification did not hold."""
    reason = (reason or "").strip()
    with transaction.atomic():
        hazard = _transition(acting_user, hazard_id, "reopen")
        if not reason:
            raise ValidationFailed(_("请填写重新打开的原因"), code="required", field="reason")
        new_state = HAZARD_TRANSITIONS[(hazard.status, "reopen")]
        updated = SourceHazard.objects.filter(pk=hazard.pk, status=hazard.status).update(
            status=new_state, rectified_on=None
        )
        if updated != 1:  # pragma: no cover - see above
            raise Conflict()
        hazard.refresh_from_db()
        _hazard_event(hazard, "source_hazard.reopened", acting_user, {"reason": reason[:500]})
    return hazard


__all__ = [
    "HAZARD_TRANSITIONS",
    "do_add_source_hazard",
    "do_create_risk_source",
    "do_delete_risk_source",
    "do_rectify_source_hazard",
    "do_reopen_source_hazard",
    "do_update_risk_source",
]
