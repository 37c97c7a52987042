import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from ansheng.accidents import statistics
from ansheng.core import access
from ansheng.core.api import ErrorOut
from ansheng.core.errors import NotFound
from ansheng.domain.plans import PlanError
from ansheng.indicators import evaluate, plans, services
from ansheng.indicators.catalogue import items
from ansheng.indicators.models import StatInput

plans_router = Router(tags=["plans and indicators"])
inputs_router = Router(tags=["statistics inputs"])
ROUTERS = [("/plans", plans_router), ("/statistics", inputs_router)]

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PlanSummary(Schema):
    code: str
    name: str
    region: str
    start: int
    end: int
    baseline_start: int
    baseline_end: int
    baseline_year: int
    indicators: int
    source: str


class PlanList(Schema):
    items: list[PlanSummary]
    count: int


def _summary(plan: Any) -> dict[str, Any]:
    return {
        "code": plan.code,
        "name": plan.name,
        "region": plan.region,
        "start": plan.start,
        "end": plan.end,
        "baseline_start": plan.baseline_start,
        "baseline_end": plan.baseline_end,
        "baseline_year": plan.baseline_year,
        "indicators": len(plan.indicators),
        "source": plan.source,
    }


@plans_router.get("", response={200: PlanList, 403: ErrorOut}, summary="The plans the platform knows")
def list_plans(request: HttpRequest) -> dict[str, Any]:
    access.require(request.user, "view", "indicator")
    found = [_summary(p.plan) for p in plans.all_plans()]
    return {"items": found, "count": len(found)}


class IndicatorOut(Schema):
    no: int = Field(description="the indicator's number in the plan (1–12 for leshan-2016-2020)")
    code: str
    name: str
    unit: str
    compare: str = Field(description="period_total (the plan's years against the baseline period) or final_year")
    formula: str
    region: str
    baseline: int | float | None
    target: int | float | None = Field(description="the value to reach (baseline × (1 − reduction), or the level)")
    target_kind: str
    target_value: float
    actual: int | float | None = Field(description="to date: the period's total so far, or the latest year's value")
    actual_year: int | None
    change: float | None = Field(description="(actual − baseline) / baseline; −0.15 is a 15 % reduction")
    attained: bool | None = Field(description="met (true) or missed (false); null while the period is running")
    projection: int | float | None = Field(description="projected value at the end of the period")
    projected_change: float | None
    on_track: bool | None
    status: str = Field(description="attained, missed, on_track, off_track, no_data or not_started")
    final: bool
    yearly: dict[str, int | float | None]
    missing: list[str]


class IndicatorsOut(Schema):
    plan: PlanSummary
    region: str
    region_name: str
    as_of: int
    items: list[IndicatorOut]
    count: int


class IndicatorsQuery(Schema):
    region: str | None = Field(None, max_length=12, description="city or county code (default: the plan's city)")
    as_of: int | None = Field(None, ge=1990, le=2100, description="evaluate as of the end of this year")


@plans_router.get(
    "/{code}/indicators",
    response={200: IndicatorsOut, **ERRORS},
    summary="Each indicator of a plan for a region: baseline, target, actual, change, attained",
)
def plan_indicators(request: HttpRequest, code: str, query: Query[IndicatorsQuery]) -> dict[str, Any]:
    plan = plans.get_plan(code)
    region = statistics.region_for(request.user, query.region or plan.region, noun="indicator")
    result = evaluate.evaluate_plan(request.user, plan, region, query.as_of)
    rows = [row.as_dict() for row in result.rows]
    return {
        "plan": _summary(plan),
        "region": region.pk,
        "region_name": region.name,
        "as_of": result.as_of,
        "items": rows,
        "count": len(rows),
    }


class CountyOut(Schema):
    region: str
    name: str
    indicator: IndicatorOut


class AccidentRef(Schema):
    id: int
    number: str
    year: int
    county: str
    sector: str
    grade: int
    deaths: int


class IndicatorDetailOut(Schema):
    plan: PlanSummary
    region: str
    as_of: int
    indicator: IndicatorOut
    counties: list[CountyOut]
    accidents: list[AccidentRef] = Field(description="the accidents behind the figure (baseline and plan years)")
    inputs: list[dict[str, Any]]


@plans_router.get(
    "/{code}/indicators/{no}",
    response={200: IndicatorDetailOut, **ERRORS},
    summary="One indicator: by county, and the accidents and inputs behind it",
)
def plan_indicator(request: HttpRequest, code: str, no: int, query: Query[IndicatorsQuery]) -> dict[str, Any]:
    plan = plans.get_plan(code)
    try:
        indicator = plan.indicator(no)
    except PlanError:
        raise NotFound() from None
    region = statistics.region_for(request.user, query.region or plan.region, noun="indicator")
    result = evaluate.evaluate_plan(request.user, plan, region, query.as_of)
    row = result.row(no)
    counties = [
        {"region": r.region.pk, "name": r.region.name, "indicator": r.as_dict()}
        for r in evaluate.by_county(request.user, result, indicator)
    ]
    facts = evaluate.contributing(result, indicator, evaluate.plan_years(plan))
    accidents = [
        {
            "id": f.id,
            "number": f.number,
            "year": f.year,
            "county": f.county,
            "sector": f.facts.sector,
            "grade": f.facts.grade,
            "deaths": f.facts.deaths,
        }
        for f in facts
    ]
    inputs = [
        {**r, "value": float(r["value"]) if r["value"] is not None else None}
        for r in evaluate.input_rows(result, indicator)
    ]
    return {
        "plan": _summary(plan),
        "region": region.pk,
        "as_of": result.as_of,
        "indicator": row.as_dict(),
        "counties": counties,
        "accidents": accidents,
        "inputs": inputs,
    }


@plans_router.get("/{code}", response={200: dict, **ERRORS}, summary="A plan's definition")
def plan_definition(request: HttpRequest, code: str) -> dict[str, Any]:
    access.require(request.user, "view", "indicator")
    plan = plans.get_plan(code)
    return {
        **_summary(plan),
        "description": plan.description,
        "indicators": [
            {
                "no": i.no,
                "code": i.code,
                "name": i.name,
                "unit": i.unit,
                "compare": i.compare,
                "formula": i.formula.name,
                "target": {i.target.kind: float(i.target.value)},
                "numerator": _quantity(i.numerator),
                "denominator": _quantity(i.denominator) if i.denominator else None,
                "description": i.description,
            }
            for i in plan.indicators
        ],
    }


def _quantity(q: Any) -> dict[str, Any]:
    if q.input:
        return {"input": q.input}
    where = q.where
    return {
        "accidents": q.accidents,
        "where": {
            "sectors": sorted(where.sectors) if where.sectors is not None else None,
            "exclude_sectors": sorted(where.exclude_sectors),
            "min_grade": where.min_grade,
            "min_deaths": where.min_deaths,
            "min_serious_injuries": where.min_serious_injuries,
            "large_risk": where.large_risk,
        },
    }


# --- statistics inputs ------------------------------------------------------------------------------------------


class InputOut(Schema):
    id: int
    region: str
    year: int
    item: str
    item_name: str
    unit: str
    value: Decimal
    source: str
    note: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_region(obj: StatInput) -> str:
        return obj.region_id

    @staticmethod
    def resolve_item_name(obj: StatInput) -> str:
        item = items().get(obj.item)
        return item.name if item else obj.item

    @staticmethod
    def resolve_unit(obj: StatInput) -> str:
        item = items().get(obj.item)
        return item.unit if item else ""


class InputFilters(Schema):
    region: str | None = Field(None, max_length=12)
    year: int | None = Field(None, ge=1990, le=2100)
    item: str | None = Field(None, max_length=40)


@inputs_router.get("/inputs", response=list[InputOut], summary="Statistics inputs per region and year")
@paginate(LimitOffsetPagination)
def list_inputs(request: HttpRequest, filters: Query[InputFilters]) -> Any:
    rows = access.restrict(StatInput.objects.all(), request.user, "view", "statistics_input")
    if filters.region:
        rows = rows.filter(region_id=filters.region)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.item:
        rows = rows.filter(item=filters.item)
    return rows.order_by("region_id", "year", "item")


class InputIn(Schema):
    region: str = Field(..., max_length=12)
    year: int
    item: str = Field(..., max_length=40, description="a code of the catalogue (GET /statistics/items)")
    value: Decimal
    source: str = Field(..., max_length=200, description="where the figure comes from")
    note: str = Field("", max_length=200)


class InputsIn(Schema):
    rows: list[InputIn] = Field(..., max_length=2000)


class InputsOut(Schema):
    items: list[InputOut]
    count: int


@inputs_router.put(
    "/inputs", response={200: InputsOut, **ERRORS}, summary="Set statistics inputs (create or change; all rows or none)"
)
def set_inputs(request: HttpRequest, payload: InputsIn) -> dict[str, Any]:
    saved = services.do_set_inputs(acting_user=request.user, rows=[row.dict() for row in payload.rows])
    return {"items": saved, "count": len(saved)}


@inputs_router.delete("/inputs/{input_id}", response={204: None, **ERRORS}, summary="Remove a value")
def remove_input(request: HttpRequest, input_id: int) -> Status:
    services.do_remove_input(acting_user=request.user, input_id=input_id)
    return Status(204, None)


class ItemOut(Schema):
    code: str
    name: str
    unit: str
    decimals: int
    additive: bool
    part_of: str | None
    help: str


@inputs_router.get("/items", response=list[ItemOut], summary="The catalogue of statistics inputs")
def list_items(request: HttpRequest) -> list[Any]:
    access.require(request.user, "view", "statistics_input")
    return list(items().values())
