from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ansheng.core import access
from ansheng.core.errors import NotFound
from ansheng.dangers import services
from ansheng.dangers.models import HiddenDanger

NOUN = "hidden_danger"


def _visible(request: HttpRequest):  # type: ignore[no-untyped-def]
    return access.restrict(
        HiddenDanger.objects.select_related("enterprise", "enterprise__county", "responsible"),
        request.user,
        "view",
        NOUN,
    )


@login_required
def danger_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", NOUN):
        raise Http404
    return render(request, "dangers/list.html", {"rows": _visible(request)[:50]})


@login_required
def danger_detail(request: HttpRequest, pk: int) -> HttpResponse:
    danger = access.get_for(request.user, _visible(request), pk, "view", NOUN)
    return render(request, "dangers/detail.html", {"danger": danger})


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo, only to those who may see its danger (404 across jurisdictions)."""
    try:
        item = services.photo_for(request.user, pk)
    except NotFound:
        raise Http404 from None
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
