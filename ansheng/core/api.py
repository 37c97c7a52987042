import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from ansheng.core import access, services
from ansheng.core.errors import NotFound
from ansheng.core.models import ApiToken, Job, Region

router = Router(tags=["platform"])


class TokenRequest(Schema):
    username: str
    password: str
    name: str = "api"


class TokenResponse(Schema):
    token: str
    id: int
    name: str
    expires_at: dt.datetime | None = None


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenResponse, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Exchange a user name and password for an API token",
)
def create_token(request: HttpRequest, payload: TokenRequest) -> TokenResponse:
    user = services.do_sign_in(
        username=payload.username, password=payload.password, address=request.META.get("REMOTE_ADDR", "")
    )
    token, raw = services.do_create_token(acting_user=user, name=payload.name)
    return TokenResponse(token=raw, id=token.pk, name=token.name, expires_at=token.expires_at)


class TokenOut(Schema):
    id: int
    name: str
    kind: str
    hint: str
    enterprise: int | None
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_enterprise(obj: ApiToken) -> int | None:
        return obj.enterprise_id


@router.get("/auth/tokens", response=list[TokenOut], summary="My API tokens (secrets are never shown again)")
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=request.user))


@router.delete("/auth/tokens/{token_id}", response={204: None, 404: ErrorOut}, summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    services.do_revoke_token(acting_user=request.user, token_id=token_id)
    return Status(204, None)


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    region: str | None
    organisation: str | None
    enterprise: int | None
    scope: str


@router.get("/me", response=MeOut, summary="Who the caller is and which jurisdiction they have")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    scope = access.scope_for(user)
    return MeOut(
        id=user.pk,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        region=user.region_id,
        organisation=user.organisation.name if user.organisation_id else None,
        enterprise=user.enterprise_id,
        scope=scope.kind if scope.kind != access.REGION else f"region:{scope.region_prefix}",
    )


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None

    @staticmethod
    def resolve_parent(obj: Region) -> str | None:
        return obj.parent_id


@router.get("/regions", response=list[RegionOut], auth=None, summary="Administrative divisions (GB/T 2260 codes)")
def regions(request: HttpRequest, parent: str | None = None, level: str | None = None) -> list[Region]:
    rows = Region.objects.all()
    if parent:
        rows = rows.filter(parent_id=parent)
    if level:
        rows = rows.filter(level=level)
    return list(rows)


class JobOut(Schema):
    id: int
    kind: str
    status: str
    total: int
    done: int
    percent: int
    result: dict
    error: str
    result_url: str | None

    @staticmethod
    def resolve_result_url(obj: Job) -> str | None:
        from django.urls import reverse

        return reverse("core:job_result", args=[obj.pk]) if obj.result_file else None


@router.get("/jobs/{job_id}", response={200: JobOut, 404: ErrorOut}, summary="Progress and result of a background job")
def job(request: HttpRequest, job_id: int) -> Job:
    found = Job.objects.filter(pk=job_id, created_by=request.user).first()
    if found is None:
        raise NotFound()
    return found
