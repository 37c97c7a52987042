"""Writes of the core app: users, API tokens, sign-in throttling, background jobs and notifications.

Every function here is the one write path for its noun (ARCHITECTURE principle 1): views, the API, commands and
workers all call it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansheng.core import access
from ansheng.core.audit import append_event
from ansheng.core.choices import JobStatus, Role, TokenKind
from ansheng.core.errors import NotAuthenticated, PermissionDenied, Throttled, ValidationFailed
from ansheng.core.models import ApiToken, Job, LoginFailure, Notification, User
from ansheng.core.models.users import hash_token
from ansheng.core.registry import job_handler

logger = logging.getLogger("ansheng.core")


# --- sign-in -----------------------------------------------------------------------------------------------------


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def login_is_throttled(username: str, address: str) -> bool:
    since = _window_start()
    limit = settings.LOGIN_FAILURE_LIMIT
    by_user = LoginFailure.objects.filter(username__iexact=username, at__gte=since).count()
    # An address gets more room than a user name (an office shares one address) but is bounded too.
    by_address = LoginFailure.objects.filter(address=address, at__gte=since).count() if address else 0
    return by_user >= limit or by_address >= limit * 4


def do_sign_in(*, username: str, password: str, address: str, request: Any = None) -> User:
    """Check a user name and password, with throttling after repeated failures. Returns the user or raises."""
    username = (username or "").strip()
    if login_is_throttled(username, address):
        raise Throttled(
            _("登录失败次数过多，请 %(minutes)s 分钟后再试") % {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            code="login_throttled",
        )
    user = authenticate(request, username=username, password=password)
    if user is None:
        LoginFailure.objects.create(username=username[:150], address=address[:64])
        raise NotAuthenticated(_("用户名或密码错误"), code="invalid_credentials")
    LoginFailure.objects.filter(username__iexact=username).delete()
    LoginFailure.objects.filter(at__lt=_window_start()).delete()
    return user


# --- users -------------------------------------------------------------------------------------------------------


def do_create_user(
    *,
    acting_user: User | None,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    region: Any = None,
    organisation: Any = None,
    enterprise: Any = None,
    email: str = "",
    phone: str = "",
    check_password: bool = True,
    password_hash: str | None = None,
) -> User:
    """Create a user whose role comes with the jurisdiction it needs (a county for a county supervisor, …)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError as DjangoValidationError

    if acting_user is not None:
        _check_may_manage(acting_user, role=role, enterprise=enterprise)
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_("请填写用户名"), code="required", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(_("用户名已被使用"), code="unique", field="username")
    if role not in Role.values():
        raise ValidationFailed(_("角色无效"), code="invalid_choice", field="role")
    if role in Role.ENTERPRISE and enterprise is None:
        raise ValidationFailed(_("企业用户须指定所属企业"), code="required", field="enterprise")
    if role == Role.COUNTY_SUPERVISOR and (region is None or region.level != "county"):
        raise ValidationFailed(_("县级监管人员须指定所辖区县"), code="required", field="region")
    if role == Role.DEPARTMENT_SUPERVISOR and (organisation is None or organisation.kind != "department"):
        raise ValidationFailed(_("行业部门监管人员须指定所属部门"), code="required", field="organisation")
    if check_password:
        try:
            validate_password(password, User(username=username, full_name=full_name))
        except DjangoValidationError as exc:
            raise ValidationFailed(" ".join(exc.messages), code="weak_password", field="password") from None
    with transaction.atomic():
        user = User(
            username=username,
            role=role,
            full_name=full_name,
            region=region or (organisation.region if organisation is not None else None),
            organisation=organisation,
            enterprise=enterprise,
            email=email,
            phone=phone,
            is_staff=role == Role.CITY_ADMIN,
        )
        if password_hash is not None:
            user.password = password_hash  # the demo hashes its one shared password once
        else:
            user.set_password(password)
        user.save()
        append_event(
            actor=acting_user,
            event="user.created",
            obj=user,
            payload={"username": username, "role": role, "region": user.region_id, "enterprise": user.enterprise_id},
            region_code=user.region_id or "",
            enterprise_id=user.enterprise_id,
        )
    return user


def _check_may_manage(acting_user: User, *, role: str, enterprise: Any) -> None:
    """Who creates and manages which accounts: the city administrator any; a county supervisor the accounts of the
    county's enterprises; an enterprise administrator the staff of their own enterprise."""
    if acting_user.role == Role.CITY_ADMIN or acting_user.is_superuser:
        return
    if acting_user.role == Role.COUNTY_SUPERVISOR and role in Role.ENTERPRISE:
        if enterprise is not None and access.scope_for(acting_user).covers_region(enterprise.county_id):
            return
        raise ValidationFailed(_("该企业不在您的辖区内"), code="outside_jurisdiction", field="enterprise")
    if acting_user.role == Role.ENTERPRISE_ADMIN and role == Role.ENTERPRISE_STAFF:
        if enterprise is not None and enterprise.pk == acting_user.enterprise_id:
            return
        raise ValidationFailed(_("只能为本企业创建员工账号"), code="outside_jurisdiction", field="enterprise")
    raise PermissionDenied(_("您不能创建或管理该角色的账号"))


def managed_users(acting_user: User) -> Any:
    """The accounts a user may manage (see _check_may_manage)."""
    rows = User.objects.select_related("enterprise", "organisation", "region")
    if acting_user.role == Role.CITY_ADMIN or acting_user.is_superuser:
        return rows
    if acting_user.role == Role.COUNTY_SUPERVISOR:
        prefix = access.scope_for(acting_user).region_prefix
        return (
            rows.filter(role__in=Role.ENTERPRISE, enterprise__county__code__startswith=prefix)
            if prefix
            else rows.none()
        )
    if acting_user.role == Role.ENTERPRISE_ADMIN and acting_user.enterprise_id:
        return rows.filter(enterprise_id=acting_user.enterprise_id)
    return rows.none()


def do_update_user(*, acting_user: User, user_id: int, changes: dict[str, Any]) -> User:
    """Change an account's name, contacts or active flag (deactivating signs it out and stops its tokens)."""
    allowed = {"full_name", "phone", "email", "is_active"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed(_("未知字段：%(name)s") % {"name": unknown[0]}, code="unknown_field", field=unknown[0])
    with transaction.atomic():
        user = managed_users(acting_user).select_for_update(of=("self",)).filter(pk=user_id).first()
        if user is None:
            from ansheng.core.errors import NotFound

            raise NotFound()
        if user.pk == acting_user.pk and changes.get("is_active") is False:
            raise ValidationFailed(_("不能停用自己的账号"), code="self_deactivation", field="is_active")
        before = {name: getattr(user, name) for name in allowed}
        for name, value in changes.items():
            setattr(user, name, value.strip() if isinstance(value, str) else value)
        user.save(update_fields=list(changes))
        append_event(
            actor=acting_user,
            event="user.changed",
            obj=user,
            payload={"before": before, "after": {name: getattr(user, name) for name in allowed}},
            region_code=user.region_id or (user.enterprise.county_id if user.enterprise_id else ""),
            enterprise_id=user.enterprise_id,
        )
    return user


def do_reset_password(*, acting_user: User, user_id: int) -> tuple[User, str]:
    """Give an account a new random password (shown once to the one who reset it)."""
    import secrets

    with transaction.atomic():
        user = managed_users(acting_user).select_for_update(of=("self",)).filter(pk=user_id).first()
        if user is None:
            from ansheng.core.errors import NotFound

            raise NotFound()
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save(update_fields=["password"])
        append_event(
            actor=acting_user,
            event="user.password_reset",
            obj=user,
            payload={"username": user.username},
            region_code=user.region_id or "",
            enterprise_id=user.enterprise_id,
        )
    return user, password


def do_create_city_admin(*, username: str, password: str, full_name: str = "") -> User:
    from django.conf import settings as django_settings

    from ansheng.core.models import Organisation, Region

    city = Region.objects.filter(pk=django_settings.CITY_CODE).first()
    bureau = Organisation.objects.filter(kind="bureau", region_id=django_settings.CITY_CODE).first()
    return do_create_user(
        acting_user=None,
        username=username,
        password=password,
        role=Role.CITY_ADMIN,
        full_name=full_name or username,
        region=city,
        organisation=bureau,
    )


def do_set_password(*, acting_user: User | None, user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])


# --- API tokens --------------------------------------------------------------------------------------------------


def do_create_token(
    *,
    acting_user: User,
    name: str,
    kind: str = TokenKind.PERSONAL,
    enterprise: Any = None,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret (shown once; only the hash is kept)."""
    access.require(acting_user, "create", "token")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写令牌名称"), code="required", field="name")
    if kind not in TokenKind.values():
        raise ValidationFailed(_("令牌类型无效"), code="invalid_choice", field="kind")
    if kind == TokenKind.GATEWAY:
        if enterprise is None:
            raise ValidationFailed(_("数据网关令牌须绑定一家企业"), code="required", field="enterprise")
        # Only the enterprise's own administrator (or the city administrator) issues gateway tokens.
        if not (
            acting_user.role == Role.CITY_ADMIN
            or (acting_user.role == Role.ENTERPRISE_ADMIN and acting_user.enterprise_id == enterprise.pk)
        ):
            raise PermissionDenied(_("只有本企业管理员可以创建数据网关令牌"))
    elif enterprise is not None:
        raise ValidationFailed(_("个人令牌不绑定企业"), code="invalid", field="enterprise")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(_("过期时间须晚于现在"), code="invalid", field="expires_at")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=acting_user,
        name=name[:64],
        kind=kind,
        enterprise=enterprise,
        key_hash=hash_token(raw),
        hint=raw[-4:],
        expires_at=expires_at,
    )
    return token, raw


def do_revoke_token(*, acting_user: User, token_id: int) -> ApiToken:
    """Revoke a token: one's own, any of the enterprise's gateway tokens for its administrator, any for the city
    administrator. Logged in the change log; revoking twice changes nothing."""
    from ansheng.core.audit import log_change
    from ansheng.core.choices import ChangeAction
    from ansheng.core.errors import NotFound

    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update(of=("self",)).select_related("enterprise").filter(pk=token_id).first()
        )
        allowed = token is not None and (
            token.user_id == acting_user.pk
            or acting_user.role == Role.CITY_ADMIN
            or (
                token.kind == TokenKind.GATEWAY
                and acting_user.role == Role.ENTERPRISE_ADMIN
                and token.enterprise_id == acting_user.enterprise_id
            )
        )
        if not allowed:
            raise NotFound()
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            log_change(
                user=acting_user,
                action=ChangeAction.UPDATE,
                obj=token,
                before={"revoked_at": None},
                after={"revoked_at": token.revoked_at.isoformat()},
                enterprise_id=token.enterprise_id,
                region_code=token.enterprise.county_id if token.enterprise_id else "",
            )
    return token


def authenticate_token(raw: str) -> ApiToken | None:
    if not raw or not raw.startswith(ApiToken.PREFIX) or len(raw) > 128:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute, so a busy gateway does not write on every request.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- background jobs ---------------------------------------------------------------------------------------------


def job_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "private" / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def do_enqueue_job(*, acting_user: User, kind: str, params: dict[str, Any], input_file: str = "") -> Job:
    job_handler(kind)  # fail now, not in the worker, for an unknown kind
    return Job.objects.create(kind=kind, created_by=acting_user, params=params, input_file=input_file)


class Progress:
    """Handed to a job handler to report progress; writes at most every `every` items."""

    def __init__(self, job: Job, every: int = 50) -> None:
        self.job = job
        self.every = every

    def total(self, total: int) -> None:
        self.job.total = total
        Job.objects.filter(pk=self.job.pk).update(total=total)

    def advance(self, done: int) -> None:
        self.job.done = done
        if done % self.every == 0 or done == self.job.total:
            Job.objects.filter(pk=self.job.pk).update(done=done)


def claim_job(job_id: int) -> bool:
    """Claim a queued job with a conditional update: of two workers, exactly one wins."""
    return bool(
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now()
        )
    )


def run_job(job: Job) -> Job:
    handler = job_handler(job.kind)
    try:
        result = handler(job, Progress(job))
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, finished_at=timezone.now(), error=str(exc))
    else:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE,
            finished_at=timezone.now(),
            done=job.total or job.done,
            result=result.get("result", {}) if isinstance(result, dict) else {},
            result_file=(result or {}).get("result_file", "") if isinstance(result, dict) else "",
        )
    job.refresh_from_db()
    return job


def run_next_job() -> int:
    for job_id in Job.objects.filter(status=JobStatus.QUEUED).order_by("created_at").values_list("pk", flat=True)[:5]:
        if claim_job(job_id):
            run_job(Job.objects.get(pk=job_id))
            return 1
    return 0


# --- notifications -----------------------------------------------------------------------------------------------


def do_notify(
    users: Iterable[User],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedup_key: str = "",
) -> list[Notification]:
    """Notify users in the platform; e-mail follows through the notifier worker. `dedup_key` makes it once-only."""
    created = []
    for user in {u.pk: u for u in users if u is not None and u.is_active}.values():
        if dedup_key and Notification.objects.filter(user=user, dedup_key=dedup_key).exists():
            continue
        created.append(
            Notification(
                user=user,
                kind=kind,
                title=str(title)[:200],
                body=str(body),
                url=url[:300],
                dedup_key=dedup_key[:200],
                delivery=Notification.PENDING
                if user.email or (user.phone and settings.SMS_BACKEND)
                else Notification.SKIPPED,
            )
        )
    return Notification.objects.bulk_create(created)


def do_mark_read(*, acting_user: User, ids: Iterable[int] | None = None) -> int:
    rows = Notification.objects.filter(user=acting_user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def deliver_pending_notifications(batch: int = 50, max_attempts: int = 5) -> int:
    """Send pending e-mail; each row is claimed by one worker only, failures are kept with their error."""
    handled = 0
    now = timezone.now()
    pending = Notification.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), delivery=Notification.PENDING
    ).order_by("created_at")
    for note_id in pending.values_list("pk", flat=True)[:batch]:
        claimed = Notification.objects.filter(pk=note_id, delivery=Notification.PENDING).update(
            delivery=Notification.SENDING
        )
        if not claimed:
            continue
        note = Notification.objects.select_related("user").get(pk=note_id)
        try:
            if note.user.email:
                send_mail(
                    subject=f"[安生] {note.title}",
                    message=note.body + (f"\n\n{note.url}" if note.url else ""),
                    from_email=None,
                    recipient_list=[note.user.email],
                )
            sms = sms_backend()
            if sms is not None and note.user.phone:
                sms.send(note.user.phone, f"【安生】{note.title}")
        except Exception as exc:  # a transport error must not stop the worker; the row keeps the reason
            attempts = note.attempts + 1
            Notification.objects.filter(pk=note_id).update(
                delivery=Notification.PENDING if attempts < max_attempts else Notification.FAILED,
                attempts=attempts,
                next_attempt_at=now + dt.timedelta(minutes=2**attempts),  # back off: 2, 4, 8, 16 minutes
                delivery_error=str(exc)[:2000],
            )
        else:
            Notification.objects.filter(pk=note_id).update(
                delivery=Notification.SENT, attempts=note.attempts + 1, delivered_at=timezone.now()
            )
        handled += 1
    return handled


def sms_backend() -> Any:
    """The configured SMS transport (settings.SMS_BACKEND), or None."""
    if not settings.SMS_BACKEND:
        return None
    from ansheng.core.registry import import_string

    return import_string(settings.SMS_BACKEND)()


def users_with_role(role: str, **filters: Any) -> list[User]:
    return list(User.objects.filter(Q(role=role) & Q(is_active=True), **filters))
