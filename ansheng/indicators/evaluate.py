"""A plan's indicators for a region: the yearly quantities from the accident register and the statistics inputs,
evaluated by the rules library (``ansheng.domain.plans.evaluate``, with the formulas of ``domain.indicators``).

Accident quantities count the accidents in the statistics (``accidents.statistics.fact_groups``) that pass the
indicator's filter. Inputs are the region's own values; a city without its own value for a year takes the sum of
its counties' when every county has one and the item adds up (``additive`` in the catalogue).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ansheng.accidents import statistics
from ansheng.accidents.statistics import Fact, FactGroup
from ansheng.core import access
from ansheng.core.models import Region
from ansheng.core.models.regions import division_prefix
from ansheng.domain.indicators import display
from ansheng.domain.plans import (
    AccidentFacts,
    Indicator,
    IndicatorResult,
    Plan,
    Quantity,
    accident_total,
    evaluate,
)
from ansheng.indicators.catalogue import items
from ansheng.indicators.models import StatInput

Series = dict[int, Fraction | None]


def default_as_of(plan: Plan, today: Any = None) -> int:
    """The last complete year, within the plan's period (its end once the period is over)."""
    year = (today or timezone.localdate()).year
    return min(plan.end, year - 1)


def plan_years(plan: Plan) -> list[int]:
    return sorted(set(plan.baseline_years) | {plan.baseline_year} | set(plan.years))


@dataclass
class Inputs:
    """Statistics inputs of the regions involved: values[item][region][year] and where each came from."""

    values: dict[str, dict[str, dict[int, Fraction]]] = field(default_factory=dict)
    sources: dict[tuple[str, str, int], str] = field(default_factory=dict)

    def series(self, item: str, region: Region, counties: list[Region], years: Iterable[int]) -> Series:
        own = self.values.get(item, {}).get(region.pk, {})
        result: Series = {}
        catalogue = items().get(item)
        for year in years:
            if year in own:
                result[year] = own[year]
            elif region.level == "city" and catalogue is not None and catalogue.additive and counties:
                parts = [self.values.get(item, {}).get(c.pk, {}).get(year) for c in counties]
                result[year] = None if any(p is None for p in parts) else sum(parts, Fraction(0))  # type: ignore[arg-type]
            else:
                result[year] = None
        return result


def load_inputs(region_codes: Iterable[str], codes: Iterable[str], years: Iterable[int]) -> Inputs:
    wanted = list(years)
    inputs = Inputs()
    rows = StatInput.objects.filter(region_id__in=list(region_codes), item__in=list(codes), year__in=wanted)
    for row in rows.values_list("item", "region_id", "year", "value", "source"):
        item, region, year, value, source = row
        inputs.values.setdefault(item, {}).setdefault(region, {})[year] = Fraction(value)
        inputs.sources[(item, region, year)] = source
    return inputs


ByYear = dict[int, list[AccidentFacts]]


def by_year(groups: Iterable[FactGroup]) -> ByYear:
    """The groups' facts by year (done once per evaluation, not once per indicator)."""
    split: ByYear = defaultdict(list)
    for group in groups:
        split[group.year].append(group.facts)
    return split


def _accident_series(quantity: Quantity, facts: ByYear, years: Iterable[int]) -> Series:
    return {year: accident_total(quantity, facts.get(year, [])) for year in years}


def quantity_series(
    quantity: Quantity | None,
    facts: ByYear,
    inputs: Inputs,
    region: Region,
    counties: list[Region],
    years: list[int],
) -> Series | None:
    if quantity is None:
        return None
    if quantity.is_accidents:
        return _accident_series(quantity, facts, years)
    return inputs.series(str(quantity.input), region, counties, years)


@dataclass
class Row:
    """One indicator evaluated for one region."""

    indicator: Indicator
    result: IndicatorResult
    region: Region
    numerators: Series
    denominators: Series | None
    as_of: int | None = None

    def rounded(self, value: Fraction | None) -> float | int | None:
        if value is None:
            return None
        if self.indicator.places == 0:
            return int(display(value, 0))
        return display(value, self.indicator.places)

    @property
    def target_text(self) -> str:
        target = self.indicator.target
        amount = float(target.value)
        if target.kind == "reduce_by":
            return _("下降 %(n)s%%") % {"n": f"{amount * 100:g}"}
        if target.kind == "increase_by":
            return _("上升 %(n)s%%") % {"n": f"{amount * 100:g}"}
        if target.kind == "at_least":
            return f"≥ {amount:g}{self.indicator.unit if self.indicator.unit != '%' else '%'}"
        return f"≤ {amount:g}{self.indicator.unit if self.indicator.unit != '%' else '%'}"

    @property
    def progress(self) -> float | None:
        """How far along the way from the baseline to the target the actual value is (1.0 = there), for the
        progress bars; for a level target, actual ÷ target."""
        r = self.result
        if r.actual is None or r.target is None:
            return None
        if self.indicator.target.kind in {"at_least", "at_most"}:
            if r.target == 0:
                return None
            return (
                float(r.actual / r.target)
                if self.indicator.target.kind == "at_least"
                else float(r.target / r.actual)
                if r.actual
                else 1.0
            )
        if r.baseline is None or r.baseline == r.target:
            return None
        if self.indicator.compare == "period_total" and not r.final and r.projection is not None:
            value = r.projection
        else:
            value = r.actual
        return float((r.baseline - value) / (r.baseline - r.target))

    @property
    def improved(self) -> bool | None:
        """Whether the actual value moved from the baseline in the direction the target wants."""
        r = self.result
        if r.change is None or r.change == 0:
            return None
        wants_down = self.indicator.target.kind in {"reduce_by", "at_most"}
        return (r.change < 0) == wants_down

    def as_dict(self) -> dict[str, Any]:
        r = self.result
        i = self.indicator
        return {
            "no": i.no,
            "code": i.code,
            "name": i.name,
            "unit": i.unit,
            "compare": i.compare,
            "formula": i.formula.name,
            "region": self.region.pk,
            "baseline": self.rounded(r.baseline),
            "target": self.rounded(r.target),
            "target_kind": i.target.kind,
            "target_value": float(i.target.value),
            "actual": self.rounded(r.actual),
            "actual_year": r.actual_year,
            "change": display(r.change, 4) if r.change is not None else None,
            "attained": r.attained,
            "projection": self.rounded(r.projection),
            "projected_change": display(r.projected_change, 4) if r.projected_change is not None else None,
            "on_track": r.on_track,
            "status": r.status,
            "final": r.final,
            # The years up to the evaluation's year: an evaluation "as of 2018" knows nothing of 2019.
            "yearly": {
                str(year): self.rounded(value)
                for year, value in sorted(r.yearly.items())
                if self.as_of is None or year <= self.as_of
            },
            "missing": list(r.missing),
        }


@dataclass
class Evaluation:
    plan: Plan
    region: Region
    as_of: int
    rows: list[Row]
    counties: list[Region]
    groups: list[FactGroup]
    inputs: Inputs
    user: Any = None
    _by_county: dict[str, ByYear] | None = None

    def county_facts(self, county: str) -> ByYear:
        if self._by_county is None:
            split: dict[str, list[FactGroup]] = defaultdict(list)
            for group in self.groups:
                split[group.county].append(group)
            self._by_county = {code: by_year(groups) for code, groups in split.items()}
        return self._by_county.get(county, {})

    def row(self, no: int) -> Row:
        return next(r for r in self.rows if r.indicator.no == no)


def _input_codes(plan: Plan) -> set[str]:
    codes = set()
    for indicator in plan.indicators:
        for quantity in (indicator.numerator, indicator.denominator):
            if quantity is not None and quantity.input:
                codes.add(quantity.input)
    return codes


def counties_of(user: Any, region: Region) -> list[Region]:
    if region.level == "county":
        return []
    return list(access.visible_regions(user).filter(code__startswith=division_prefix(region.pk)).order_by("code"))


def evaluate_plan(user: Any, plan: Plan, region: Region, as_of: int | None = None) -> Evaluation:
    """Every indicator of ``plan`` for ``region`` (the plan's city or one of its counties) as of a year."""
    as_of = default_as_of(plan) if as_of is None else as_of
    years = plan_years(plan)
    counties = counties_of(user, region)
    measures = {
        str(q.accidents)
        for indicator in plan.indicators
        for q in (indicator.numerator, indicator.denominator)
        if q is not None and q.is_accidents
    }
    groups = statistics.fact_groups(user, region, years, measures)
    inputs = load_inputs([region.pk, *(c.pk for c in counties)], _input_codes(plan), years)
    facts = by_year(groups)
    rows = [_row(plan, indicator, region, counties, facts, inputs, years, as_of) for indicator in plan.indicators]
    return Evaluation(plan, region, as_of, rows, counties, groups, inputs, user)


def _row(
    plan: Plan,
    indicator: Indicator,
    region: Region,
    counties: list[Region],
    facts: ByYear,
    inputs: Inputs,
    years: list[int],
    as_of: int,
) -> Row:
    numerators = quantity_series(indicator.numerator, facts, inputs, region, counties, years) or {}
    denominators = quantity_series(indicator.denominator, facts, inputs, region, counties, years)
    result = evaluate(plan, indicator, numerators, denominators, as_of=as_of)
    return Row(indicator, result, region, numerators, denominators, as_of)


def by_county(user: Any, evaluation: Evaluation, indicator: Indicator) -> list[Row]:
    """The indicator for each county of the evaluated city, where the data allow."""
    if not indicator.by_county:
        return []
    years = plan_years(evaluation.plan)
    rows = []
    for county in evaluation.counties:
        facts = evaluation.county_facts(county.pk)
        rows.append(_row(evaluation.plan, indicator, county, [], facts, evaluation.inputs, years, evaluation.as_of))
    return rows


def contributing(
    evaluation: Evaluation, indicator: Indicator, years: Iterable[int], county: str | None = None
) -> list[Fact]:
    """The accidents behind an indicator's accident quantity over ``years`` (its drill-down)."""
    wanted = set(years)
    quantities = [q for q in (indicator.numerator, indicator.denominator) if q is not None and q.is_accidents]
    if not quantities:
        return []
    return [
        fact
        for fact in statistics.facts(evaluation.user, evaluation.region, wanted)
        if fact.year in wanted
        and (county is None or fact.county == county)
        and any(
            q.where.matches(fact.facts)
            and (q.accidents == "count" or (q.accidents is not None and fact.facts.measure(q.accidents) > 0))
            for q in quantities
        )
    ]


def input_rows(evaluation: Evaluation, indicator: Indicator) -> list[dict[str, Any]]:
    """The statistics inputs behind an indicator, with their sources, for the drill-down."""
    rows = []
    catalogue = items()
    for quantity in (indicator.numerator, indicator.denominator):
        if quantity is None or not quantity.input:
            continue
        code = quantity.input
        item = catalogue.get(code)
        for year in plan_years(evaluation.plan):
            value = evaluation.inputs.values.get(code, {}).get(evaluation.region.pk, {}).get(year)
            derived = False
            if value is None:
                value = evaluation.inputs.series(code, evaluation.region, evaluation.counties, [year])[year]
                derived = value is not None
            rows.append(
                {
                    "item": code,
                    "name": item.name if item else code,
                    "unit": item.unit if item else "",
                    "year": year,
                    "value": None if value is None else Decimal(value.numerator) / Decimal(value.denominator),
                    "source": evaluation.inputs.sources.get((code, evaluation.region.pk, year), ""),
                    "derived": derived,
                }
            )
    return rows
