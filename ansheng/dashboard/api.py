from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from ansheng.core import access
from ansheng.core.api import ErrorOut
from ansheng.dashboard.board import build, resolve_region

router = Router(tags=["dashboard"])


class PanelsParams(Schema):
    region: str | None = Field(None, max_length=12, description="a county code; empty for the whole jurisdiction")


class RegionOut(Schema):
    code: str | None
    name: str


class BoardOut(Schema):
    region: RegionOut
    generated_at: str
    refresh_seconds: int
    panels: list[dict[str, Any]]


@router.get(
    "/panels",
    response={200: BoardOut, 403: ErrorOut, 404: ErrorOut},
    summary="Every panel of the command dashboard (the panel protocol is in docs/dashboard.md)",
)
def panels(request: HttpRequest, params: Query[PanelsParams]) -> dict[str, Any]:
    access.require(request.user, "view", "dashboard")
    return build(request.user, resolve_region(request.user, params.region))
