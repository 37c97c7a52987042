"""The one write path for the enterprise registry: create, update, licences, and the Excel import."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from ansheng.core import access
from ansheng.core.audit import log_change, snapshot
from ansheng.core.choices import ChangeAction
from ansheng.core.errors import FieldError, PermissionDenied, ValidationFailed, full_clean, reject_unknown_fields
from ansheng.core.models import Organisation, Region, User
from ansheng.enterprises.access import REGULATOR_FIELDS, editable_fields
from ansheng.enterprises.models import Enterprise, Licence

ENTERPRISE_FIELDS = frozenset(
    {
        "credit_code",
        "name",
        "former_names",
        "legal_representative",
        "principal_name",
        "principal_phone",
        "safety_manager_name",
        "safety_manager_phone",
        "registered_address",
        "operating_address",
        "longitude",
        "latitude",
        "county",
        "township",
        "park",
        "industry_code",
        "category",
        "is_above_scale",
        "employees",
        "standardisation_level",
        "standardisation_expiry",
        "insurer",
        "insurance_policy",
        "insurance_start",
        "insurance_end",
        "status",
        "regulators",
    }
)
LICENCE_FIELDS = frozenset({"kind", "number", "issued_by", "issued_on", "expires_on", "scope"})


def _resolve_region(value: Any, field: str) -> Region | None:
    if value in (None, ""):
        return None
    if isinstance(value, Region):
        return value
    region = Region.objects.filter(pk=str(value).strip()).first()
    if region is None:
        raise ValidationFailed(_("区划代码 %(code)s 不存在") % {"code": value}, code="unknown_region", field=field)
    return region


def _resolve_org(value: Any, field: str, kinds: Iterable[str]) -> Organisation | None:
    if value in (None, ""):
        return None
    if isinstance(value, Organisation):
        org = value
    else:
        lookup = {"pk": value} if str(value).isdigit() else {"code": value}
        org = Organisation.objects.filter(**lookup).first()
    if org is None or org.kind not in set(kinds):
        raise ValidationFailed(_("机构“%(value)s”不存在") % {"value": value}, code="unknown_organisation", field=field)
    return org


def _apply(enterprise: Enterprise, data: Mapping[str, Any]) -> list[Organisation] | None:
    """Set plain fields on the instance; returns the regulators to set after saving (None: unchanged)."""
    regulators = None
    for name, value in data.items():
        if name == "county":
            enterprise.county = _resolve_region(value, "county")  # type: ignore[assignment]
        elif name == "township":
            enterprise.township = _resolve_region(value, "township")
        elif name == "park":
            enterprise.park = _resolve_org(value, "park", {"park"})
        elif name == "regulators":
            regulators = [
                org for org in (_resolve_org(v, "regulators", {"bureau", "department"}) for v in value or []) if org
            ]
        elif name == "former_names":
            if isinstance(value, str):
                value = [part.strip() for part in value.replace("；", ";").split(";") if part.strip()]
            enterprise.former_names = list(value or [])
        elif name in {"credit_code", "industry_code"} and isinstance(value, str):
            setattr(enterprise, name, value.strip().upper())
        elif isinstance(value, str):
            setattr(enterprise, name, value.strip())
        else:
            setattr(enterprise, name, value)
    return regulators


def _check_jurisdiction(user: User, enterprise: Enterprise) -> None:
    scope = access.scope_for(user)
    if enterprise.county_id and not scope.covers_region(enterprise.county_id) and scope.kind != access.ENTERPRISE:
        raise ValidationFailed(
            _("区县 %(code)s 不在您的辖区内") % {"code": enterprise.county_id},
            code="outside_jurisdiction",
            field="county",
        )


def do_create_enterprise(*, acting_user: User, data: Mapping[str, Any]) -> Enterprise:
    access.require(acting_user, "create", "enterprise")
    reject_unknown_fields(data, ENTERPRISE_FIELDS)
    enterprise = Enterprise()
    regulators = _apply(enterprise, data)
    missing = [
        FieldError(field, "required", _("此项为必填项"))
        for field in ("credit_code", "name", "county", "category")
        if not getattr(enterprise, field + ("_id" if field == "county" else ""), None)
    ]
    if missing:
        # Report the missing fields together with any other field errors.
        try:
            full_clean(enterprise)
        except ValidationFailed as exc:
            named = {error.field for error in missing}
            raise ValidationFailed(errors=missing + [e for e in exc.errors if e.field not in named]) from None
        raise ValidationFailed(errors=missing)
    _check_jurisdiction(acting_user, enterprise)
    full_clean(enterprise)
    try:
        with transaction.atomic():
            enterprise.save(force_insert=True)
            if regulators is not None:
                enterprise.regulators.set(regulators)
            after = snapshot(enterprise, exclude_m2m=True)
            after["regulators"] = sorted(org.pk for org in regulators or [])
            log_change(
                user=acting_user,
                action=ChangeAction.CREATE,
                obj=enterprise,
                before=None,
                after=after,
                region_code=enterprise.county_id,
                enterprise_id=enterprise.pk,
            )
    except IntegrityError:
        # A concurrent create with the same code won the race after our uniqueness check.
        raise ValidationFailed(_("该统一社会信用代码已登记"), code="unique", field="credit_code") from None
    return enterprise


def do_update_enterprise(
    *, acting_user: User, enterprise_id: int, changes: Mapping[str, Any], reason: str = ""
) -> Enterprise:
    reject_unknown_fields(changes, ENTERPRISE_FIELDS)
    with transaction.atomic():
        enterprise = access.get_for(acting_user, Enterprise, enterprise_id, "change", "enterprise", lock=True)
        if access.scope_for(acting_user).kind == access.ENTERPRISE and acting_user.role != "enterprise_admin":
            raise PermissionDenied()
        allowed = editable_fields(acting_user, set(ENTERPRISE_FIELDS))
        forbidden = sorted(
            name for name in changes if name not in allowed and _differs(enterprise, name, changes[name])
        )
        if forbidden:
            raise PermissionDenied(
                _("“%(field)s”由监管部门维护，企业不能修改")
                % {"field": Enterprise._meta.get_field(forbidden[0]).verbose_name},
                code="field_not_editable",
                field=forbidden[0],
            )
        before = snapshot(enterprise)
        regulators = _apply(enterprise, changes)
        if "county" in changes:
            _check_jurisdiction(acting_user, enterprise)
        full_clean(enterprise)
        try:
            with transaction.atomic():
                enterprise.save()
        except IntegrityError:
            raise ValidationFailed(_("该统一社会信用代码已登记"), code="unique", field="credit_code") from None
        if regulators is not None:
            enterprise.regulators.set(regulators)
        log_change(
            user=acting_user,
            action=ChangeAction.UPDATE,
            obj=enterprise,
            before=before,
            after=snapshot(enterprise),
            region_code=enterprise.county_id,
            enterprise_id=enterprise.pk,
            reason=reason,
        )
    return enterprise


def _differs(enterprise: Enterprise, name: str, value: Any) -> bool:
    """Whether a submitted value would change the field (forms send every field, changed or not)."""
    if name == "regulators":
        current = set(enterprise.regulators.values_list("pk", flat=True))
        wanted = {getattr(v, "pk", v) for v in value or []}
        return {int(v) for v in wanted if str(v).isdigit()} != current
    current = getattr(enterprise, name + "_id" if name in {"county", "township", "park"} else name)
    wanted = getattr(value, "pk", value)
    if isinstance(current, str) and isinstance(wanted, str):
        return current.strip().upper() != wanted.strip().upper()
    return str(current or "") != str(wanted or "")


def _licence_enterprise(acting_user: User, enterprise_id: int) -> Enterprise:
    return access.get_for(acting_user, Enterprise, enterprise_id, "change", "enterprise", lock=True)


def do_add_licence(*, acting_user: User, enterprise_id: int, data: Mapping[str, Any]) -> Licence:
    reject_unknown_fields(data, LICENCE_FIELDS)
    with transaction.atomic():
        enterprise = _licence_enterprise(acting_user, enterprise_id)
        licence = Licence(enterprise=enterprise, **{k: v.strip() if isinstance(v, str) else v for k, v in data.items()})
        full_clean(licence)
        licence.save()
        log_change(
            user=acting_user,
            action=ChangeAction.CREATE,
            obj=licence,
            before=None,
            after=snapshot(licence),
            region_code=enterprise.county_id,
            enterprise_id=enterprise.pk,
        )
    return licence


def do_update_licence(*, acting_user: User, enterprise_id: int, licence_id: int, changes: Mapping[str, Any]) -> Licence:
    reject_unknown_fields(changes, LICENCE_FIELDS)
    with transaction.atomic():
        enterprise = _licence_enterprise(acting_user, enterprise_id)
        licence = access.get_for(acting_user, enterprise.licences.all(), licence_id)
        before = snapshot(licence)
        for name, value in changes.items():
            setattr(licence, name, value.strip() if isinstance(value, str) else value)
        full_clean(licence)
        licence.save()
        log_change(
            user=acting_user,
            action=ChangeAction.UPDATE,
            obj=licence,
            before=before,
            after=snapshot(licence),
            region_code=enterprise.county_id,
            enterprise_id=enterprise.pk,
        )
    return licence


def do_remove_licence(*, acting_user: User, enterprise_id: int, licence_id: int) -> None:
    with transaction.atomic():
        enterprise = _licence_enterprise(acting_user, enterprise_id)
        licence = access.get_for(acting_user, enterprise.licences.all(), licence_id)
        log_change(
            user=acting_user,
            action=ChangeAction.DELETE,
            obj=licence,
            before=snapshot(licence),
            after=None,
            region_code=enterprise.county_id,
            enterprise_id=enterprise.pk,
        )
        licence.delete()


def do_queue_import(*, acting_user: User, upload: Any, update_existing: bool = False) -> tuple[Any, int]:
    """Check an uploaded workbook (type, size, header row) and queue its import; returns the job and row count."""
    import uuid

    from django.conf import settings
    from django.utils import translation

    from ansheng.core.services import do_enqueue_job, job_dir
    from ansheng.enterprises.excel import check_workbook

    access.require(acting_user, "import", "enterprise")
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise ValidationFailed(_("只接受 .xlsx 文件（请使用平台提供的模板）"), code="wrong_file_type", field="file")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationFailed(
            _("文件过大：最大 %(mb)s MB") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
            field="file",
        )
    path = job_dir() / f"upload-{uuid.uuid4().hex}.xlsx"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    try:
        rows = check_workbook(path)
    except ValidationFailed:
        path.unlink(missing_ok=True)
        raise
    job = do_enqueue_job(
        acting_user=acting_user,
        kind="enterprises.import",
        params={
            "update_existing": bool(update_existing),
            "language": translation.get_language() or "zh-hans",
            "filename": name[:200],
        },
        input_file=str(path),
    )
    return job, rows


__all__ = [
    "REGULATOR_FIELDS",
    "do_add_licence",
    "do_create_enterprise",
    "do_queue_import",
    "do_remove_licence",
    "do_update_enterprise",
    "do_update_licence",
]
