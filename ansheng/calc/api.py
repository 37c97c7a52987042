"""`/api/v1/calc`: the rules calculators over HTTP, open to anonymous callers (they read and write nothing).

`POST /calc/{name}` takes and returns the same JSON objects as `ansheng calc NAME`. Each calculator also has its own
route (`POST /calc/gb18218`, …) so that the OpenAPI document shows its input and output; both kinds of route read
the body themselves and let the rules library check it, so the codes and fields of errors are those of the command
line. Messages follow the request's language (Accept-Language, or the language cookie).
"""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from ansheng.calc import contract, lookup, schemas
from ansheng.core.api import ErrorOut
from ansheng.domain.calculators import CALCULATORS, describe
from ansheng.domain.errors import DomainError

router = Router(tags=["calculators"], auth=None)

ERRORS: dict[int, Any] = {413: ErrorOut, 422: ErrorOut}


def _json(body: object, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _error(exc: DomainError, status: int = 422) -> JsonResponse:
    return _json(exc.to_dict(translation.get_language() or "zh-hans"), status)


# A unit's substances or an accident's figures fit in a few kilobytes; a larger body is refused before it is read,
# since the calculators are open to anonymous callers.
MAX_BODY_BYTES = 1024 * 1024


def _answer(request: HttpRequest, name: str) -> HttpResponse:
    if name not in CALCULATORS:
        return _error(contract.unknown_calculator(name), 404)
    too_large = contract.InputError(
        "too_large", None, f"请求体过大（上限{MAX_BODY_BYTES // 1024} KB）", f"the body exceeds {MAX_BODY_BYTES} bytes"
    )
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        return _error(too_large, 413)
    try:
        raw = request.body
    except RequestDataTooBig:
        return _error(too_large, 413)
    if len(raw) > MAX_BODY_BYTES:
        return _error(too_large, 413)
    try:
        return _json(contract.evaluate(name, raw))
    except DomainError as exc:
        return _error(exc)


@router.get("", response=schemas.CalculatorList, summary="The calculators and their input fields (for forms)")
def list_calculators(request: HttpRequest) -> dict[str, Any]:
    described = describe()
    return {"items": described, "count": len(described)}


class SubstanceQuery(Schema):
    q: str = Field("", max_length=200, description="name, alias, CAS number (or part of one), Table 2 symbol")


@router.get(
    "/gb18218/substances",
    response=list[schemas.SubstanceOut],
    summary="Search GB 18218-2018 Table 1 and Table 2 by name, alias, CAS number or symbol",
    description="Best matches first: exact, then prefix, then substring, then description. Each entry carries its "
    "Q and β from the standard and `input`, what to send as a substance of the gb18218 calculator.",
)
@paginate(LimitOffsetPagination)
def substances(request: HttpRequest, filters: Query[SubstanceQuery]) -> list[dict[str, Any]]:
    return [lookup.entry_json(substance) for substance in lookup.search(filters.q)]


def _route(name: str) -> None:
    model_in, model_out, summary = schemas.CONTRACT[name]

    def calculate(request: HttpRequest) -> HttpResponse:
        return _answer(request, name)

    calculate.__name__ = "calc_" + name.replace("-", "_")
    router.post(
        f"/{name}",
        response={200: model_out, **ERRORS},
        summary=summary,
        operation_id=calculate.__name__,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": schemas.inline_schema(model_in)}},
            }
        },
    )(calculate)


for _name in CALCULATORS:
    _route(_name)


@router.post(
    "/{name}",
    response={200: dict[str, Any], 404: ErrorOut, **ERRORS},
    summary="Run any calculator by name (the same objects as `ansheng calc NAME`)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
        }
    },
)
def calculate_by_name(request: HttpRequest, name: str) -> HttpResponse:
    return _answer(request, name)
