"""The HTTP API at /api/v1: authentication, error conversion and the routers of every app."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from ansheng.core.errors import AnshengError, ValidationFailed, from_domain
from ansheng.core.registry import platform_apps
from ansheng.domain.errors import DomainError

logger = logging.getLogger("ansheng.api")


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; the request's user becomes the token's owner."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from ansheng.core.services import authenticate_token

        api_token = authenticate_token(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class Session(SessionAuth):
    """The browser's session cookie; unsafe methods need the CSRF token, as for pages."""


AUTH = [BearerToken(), Session()]

api = NinjaAPI(
    title="安生 API",
    version="1",
    description="安生 platform API. Authenticate with `Authorization: Bearer <token>` (see POST /auth/token) "
    "or the browser session. Errors are `{code, message, field}` with a 4xx status.",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(AnshengError)
def _ansheng_error(request: HttpRequest, exc: AnshengError) -> HttpResponse:
    return _error(request, exc.status, exc.as_dict())


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    error = from_domain(exc)
    return _error(request, error.status, error.as_dict())


@api.exception_handler(DjangoValidationError)
def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    error = ValidationFailed.from_django(exc)
    return _error(request, error.status, error.as_dict())


def _loc_to_field(loc: list[Any]) -> str | None:
    parts = [str(part) for part in loc if part not in {"body", "query", "path", "payload", "form", "header", "cookie"}]
    # ninja puts the parameter name first for body schemas; keep the field path after it
    if len(parts) > 1 and parts[0] in {"data", "body", "payload", "filters"}:
        parts = parts[1:]
    if not parts:
        return None
    text = parts[0]
    for part in parts[1:]:
        text += f"[{part}]" if part.isdigit() else f".{part}"
    return text


_TYPE_CODES = {
    "missing": "required",
    "json_invalid": "malformed_json",
    "extra_forbidden": "unknown_field",
    "int_parsing": "wrong_type",
    "float_parsing": "wrong_type",
    "bool_parsing": "wrong_type",
    "decimal_parsing": "wrong_type",
    "date_parsing": "wrong_type",
    "date_from_datetime_parsing": "wrong_type",
    "datetime_parsing": "wrong_type",
    "datetime_from_date_parsing": "wrong_type",
    "string_type": "wrong_type",
    "int_type": "wrong_type",
    "float_type": "wrong_type",
    "bool_type": "wrong_type",
    "decimal_type": "wrong_type",
    "model_attributes_type": "wrong_type",
    "model_type": "wrong_type",
    "dict_type": "wrong_type",
    "list_type": "wrong_type",
    "int_from_float": "wrong_type",
    "string_too_long": "too_long",
    "string_too_short": "too_short",
    "too_long": "too_long",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "decimal_max_digits": "too_many_digits",
    "decimal_max_places": "too_many_decimals",
    "decimal_whole_digits": "too_many_digits",
    "finite_number": "not_finite",
}


def _validation_message(code: str, item: dict[str, Any]) -> str:
    ctx = item.get("ctx") or {}
    messages = {
        "required": _("缺少必填字段"),
        "malformed_json": _("请求体不是合法的 JSON"),
        "unknown_field": _("未知字段"),
        "wrong_type": _("字段类型错误"),
        "too_long": _("超过最大长度 %(n)s") % {"n": ctx.get("max_length", "")},
        "too_short": _("短于最小长度 %(n)s") % {"n": ctx.get("min_length", "")},
        "out_of_range": _("数值超出允许范围"),
        "too_many_digits": _("数字位数过多"),
        "too_many_decimals": _("小数位数过多（最多 %(n)s 位）") % {"n": ctx.get("decimal_places", "")},
        "not_finite": _("数值必须是有限数"),
    }
    return str(messages.get(code, _("输入有误：%(detail)s") % {"detail": item.get("msg", "")}))


@api.exception_handler(NinjaValidationError)
def _ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for item in exc.errors:
        code = _TYPE_CODES.get(str(item.get("type", "invalid")), "invalid")
        field = _loc_to_field(list(item.get("loc", [])))
        errors.append({"code": code, "message": _validation_message(code, item), "field": field})
    if not errors:
        errors = [{"code": "invalid", "message": str(_("输入有误")), "field": None}]
    body = dict(errors[0])
    if len(errors) > 1:
        body["errors"] = errors
    return _error(request, 422, body)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, {"code": "not_authenticated", "message": _("请先登录或提供有效的令牌"), "field": None})


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, {"code": "not_found", "message": _("记录不存在"), "field": None})


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and "parse" in str(exc.message).lower():
        return _error(request, 400, {"code": "malformed_json", "message": _("请求体不是合法的 JSON"), "field": None})
    code = {
        400: "bad_request",
        401: "not_authenticated",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        429: "throttled",
    }.get(exc.status_code, "error")
    return _error(request, exc.status_code, {"code": code, "message": str(exc.message), "field": None})


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # A value the database cannot store (a NUL character in a JSON string, a number beyond a column's range):
    # the input is wrong, not the server.
    logger.info("data error on %s %s: %s", request.method, request.path, exc)
    return _error(
        request,
        422,
        {"code": "invalid_value", "message": _("输入的值无法保存（含不允许的字符或超出范围）"), "field": None},
    )


@api.exception_handler(IntegrityError)
def _integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    if "datatype mismatch" in str(exc):  # SQLite: an integer parameter beyond 64 bits
        return _error(request, 422, {"code": "out_of_range", "message": _("数值超出允许范围"), "field": None})
    # A constraint the service did not foresee (a race between two writers): the record changed meanwhile.
    logger.warning("integrity error on %s %s: %s", request.method, request.path, exc)
    return _error(request, 409, {"code": "conflict", "message": _("记录状态已变化，请刷新后重试"), "field": None})


@api.exception_handler(OverflowError)
def _overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # A number in the request too large for the database (an id or a year of 10**20): bad input, never a 500.
    return _error(request, 422, {"code": "out_of_range", "message": _("数值超出允许范围"), "field": None})


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return _error(request, 500, {"code": "server_error", "message": _("服务器内部错误"), "field": None})


def _register_routers() -> None:
    for app in platform_apps():
        if app.api_prefix is None:
            continue
        try:
            module = importlib.import_module(f"{app.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name == f"{app.name}.api":
                continue
            raise
        for prefix, router in getattr(module, "ROUTERS", [(app.api_prefix, getattr(module, "router", None))]):
            if router is not None:
                api.add_router(prefix, router)


_register_routers()
