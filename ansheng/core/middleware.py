from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ansheng.core.context import reset_request_id, set_request_id


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) that the change log records, and refuses NUL characters
    in the query string and form fields (no database can store them; they are never meant)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return _bad_character(request)
        request_id = uuid.uuid4()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = str(request_id)
        return response


def _bad_character(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse
    from django.utils.translation import gettext as _

    return JsonResponse(
        {"code": "invalid_character", "message": _("请求中含有不允许的字符（NUL）"), "field": None}, status=400
    )


class ErrorPagesMiddleware:
    """Turns service errors that escape a page view into the right page: 404, 403, 409 or 422 with the message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from ansheng.core.errors import AnshengError

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, OverflowError):  # a number in the address too large for the database
            from django.utils.translation import gettext as _

            return render(request, "core/error.html", {"status": 400, "title": _("数值超出允许范围")}, status=400)
        if not isinstance(exception, AnshengError):
            return None
        return render(
            request,
            "core/error.html",
            {"status": exception.status, "title": exception.message, "code": exception.code},
            status=exception.status,
        )
