"""Accident statistics: per year (or month) counts, casualties and loss, by grade, sector and county.

Everything is read through the access door, so a county sees its county and an industry department the sectors it
regulates. An accident counts when it is in the statistics (not withdrawn; with casualties or a direct loss at
least the cut-off, ``rules.counts_in_statistics``), with its confirmed figures once the re-count window has closed
and its provisional figures before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ansheng.accidents.choices import Grade, Sector, Status
from ansheng.accidents.models import Accident
from ansheng.core import access
from ansheng.core.errors import NotFound, ValidationFailed
from ansheng.core.models import Region
from ansheng.core.models.regions import division_prefix
from ansheng.domain.plans import AccidentFacts

MIN_YEAR, MAX_YEAR = 1990, 2100
STAT_FIELDS = ("deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss")


def stat_expr(name: str) -> Coalesce:
    return Coalesce(f"confirmed_{name}", name)


def region_for(user: Any, code: str | None, *, noun: str = "accident_statistics") -> Region:
    """The region a user asks about: the city (default) or a county, within their jurisdiction (else 404)."""
    from django.conf import settings

    access.require(user, "view", noun)
    own = getattr(user, "region_id", None) or ""
    default = own if len(own) == 6 else getattr(settings, "CITY_CODE", "511100")
    code = (code or default).strip()
    region = Region.objects.filter(pk=code).first()
    scope = access.scope_for(user)
    if region is None or region.level not in {"city", "county"}:
        raise NotFound(_("区划 %(code)s 不存在") % {"code": code}, code="unknown_region")
    if not scope.covers_region(region.pk):
        # A county supervisor asking for the city gets their own county's figures only through their own code.
        raise NotFound()
    return region


def region_choices(user: Any) -> list[Region]:
    """The city (when the user's jurisdiction covers it) and the counties the user may pick."""
    from django.conf import settings

    city_code = getattr(settings, "CITY_CODE", "511100")
    regions = list(access.visible_regions(user).order_by("code"))
    if access.scope_for(user).covers_region(city_code):
        city = Region.objects.filter(pk=city_code).first()
        if city is not None:
            regions.insert(0, city)
    return regions


def check_years(year_from: int | None, year_to: int | None, default_to: int) -> tuple[int, int]:
    end = year_to if year_to is not None else default_to
    start = year_from if year_from is not None else end
    for value, field in ((start, "from"), (end, "to")):
        if not MIN_YEAR <= value <= MAX_YEAR:
            raise ValidationFailed(
                _("年份应在 %(a)s–%(b)s 之间") % {"a": MIN_YEAR, "b": MAX_YEAR}, code="invalid_year", field=field
            )
    if end < start:
        raise ValidationFailed(_("结束年份不能早于起始年份"), code="end_before_start", field="to")
    if end - start > 50:
        raise ValidationFailed(_("一次最多统计 50 年"), code="range_too_long", field="to")
    return start, end


def counted(user: Any, region: Region) -> QuerySet[Accident]:
    """The accidents in the statistics within ``region`` that ``user`` may see."""
    rows = Accident.objects.filter(in_statistics=True, county__code__startswith=division_prefix(region.pk))
    return access.restrict(rows.exclude(status=Status.WITHDRAWN), user, "view", "accident")


def _empty_year(year: int) -> dict[str, Any]:
    return {
        "year": year,
        "accidents": 0,
        "deaths": 0,
        "missing": 0,
        "serious_injuries": 0,
        "minor_injuries": 0,
        "direct_loss_10k_yuan": Decimal(0),
        "by_grade": dict.fromkeys(Grade.KEYS.values(), 0),
        "deaths_by_grade": dict.fromkeys(Grade.KEYS.values(), 0),
        "by_sector": {},
        "large_risk": 0,
        "provisional": 0,
    }


def _aggregate(rows: QuerySet[Accident], keys: Iterable[str]) -> Iterable[dict[str, Any]]:
    return (
        rows.values(*keys)
        .annotate(
            n=Count("id"),
            deaths_sum=Sum(stat_expr("deaths")),
            missing_sum=Sum(stat_expr("missing")),
            serious_sum=Sum(stat_expr("serious_injuries")),
            minor_sum=Sum(stat_expr("minor_injuries")),
            loss_sum=Sum(stat_expr("direct_loss")),
            provisional=Count("id", filter=Q(figures_frozen_at__isnull=True)),
        )
        .order_by(*keys)
    )


def yearly(user: Any, region: Region, year_from: int, year_to: int, *, by: str = "year") -> list[dict[str, Any]]:
    """Per year (``by="year"``) or per month of one year (``by="month"``): accidents, casualties, direct loss
    (万元), counts and deaths by grade (keyed 一般/较大/重大/特别重大), by sector, 较大涉险 and provisional rows."""
    rows = counted(user, region).filter(year__gte=year_from, year__lte=year_to)
    periods: list[int] = list(range(year_from, year_to + 1)) if by == "year" else list(range(1, 13))
    table = {period: _empty_year(period) for period in periods}
    if by == "month":
        for period, row in table.items():
            row["month"] = period
            row["year"] = year_from
    for group in _aggregate(rows, [by, "grade", "sector"]):
        row = table[group[by]]
        row["accidents"] += group["n"]
        row["deaths"] += group["deaths_sum"] or 0
        row["missing"] += group["missing_sum"] or 0
        row["serious_injuries"] += group["serious_sum"] or 0
        row["minor_injuries"] += group["minor_sum"] or 0
        row["direct_loss_10k_yuan"] += group["loss_sum"] or Decimal(0)
        row["provisional"] += group["provisional"]
        key = Grade.KEYS[group["grade"]]
        row["by_grade"][key] += group["n"]
        row["deaths_by_grade"][key] += group["deaths_sum"] or 0
        sector = row["by_sector"].setdefault(group["sector"], {"accidents": 0, "deaths": 0, "serious_injuries": 0})
        sector["accidents"] += group["n"]
        sector["deaths"] += group["deaths_sum"] or 0
        sector["serious_injuries"] += group["serious_sum"] or 0
    large = (
        access.restrict(
            Accident.objects.filter(large_risk=True).exclude(status=Status.WITHDRAWN), user, "view", "accident"
        )
        .filter(county__code__startswith=division_prefix(region.pk), year__gte=year_from, year__lte=year_to)
        .values(by)
        .annotate(n=Count("id"))
    )
    for group in large:
        table[group[by]]["large_risk"] = group["n"]
    for row in table.values():
        row["by_sector"] = {code: row["by_sector"][code] for code in Sector.values() if code in row["by_sector"]}
    return [table[period] for period in periods]


def by_county(
    user: Any, region: Region, year_from: int, year_to: int, months: tuple[int, int] | None = None
) -> list[dict[str, Any]]:
    """Accidents and casualties per county of ``region`` over the years (and months) given."""
    rows = counted(user, region).filter(year__gte=year_from, year__lte=year_to)
    if months is not None:
        rows = rows.filter(month__gte=months[0], month__lte=months[1])
    found = {group["county"]: group for group in _aggregate(rows, ["county"])}
    counties = access.visible_regions(user).filter(code__startswith=division_prefix(region.pk)).order_by("code")
    result = []
    for county in counties:
        group = found.get(county.pk, {})
        result.append(
            {
                "county": county.pk,
                "name": county.name,
                "accidents": group.get("n", 0),
                "deaths": group.get("deaths_sum") or 0,
                "serious_injuries": group.get("serious_sum") or 0,
                "direct_loss_10k_yuan": group.get("loss_sum") or Decimal(0),
            }
        )
    return result


@dataclass(frozen=True)
class Fact:
    """One accident as the indicators see it."""

    id: int
    number: str
    year: int
    county: str
    facts: AccidentFacts


def facts(user: Any, region: Region, years: Iterable[int]) -> list[Fact]:
    """The accidents in the statistics of ``region`` over ``years``, as pure facts for the plan's filters."""
    wanted = sorted(set(years))
    if not wanted:
        return []
    rows = (
        counted(user, region)
        .filter(year__gte=wanted[0], year__lte=wanted[-1])
        .annotate(
            s_deaths=stat_expr("deaths"),
            s_missing=stat_expr("missing"),
            s_serious=stat_expr("serious_injuries"),
            s_minor=stat_expr("minor_injuries"),
            s_loss=stat_expr("direct_loss"),
        )
        .values_list(
            "pk",
            "number",
            "year",
            "county_id",
            "sector",
            "grade",
            "s_deaths",
            "s_missing",
            "s_serious",
            "s_minor",
            "s_loss",
            "large_risk",
        )
    )
    return [
        Fact(
            pk,
            number,
            year,
            county,
            AccidentFacts(
                sector=sector,
                grade=grade,
                deaths=deaths,
                missing=missing,
                serious_injuries=serious,
                minor_injuries=minor,
                direct_loss=Fraction(loss),
                large_risk=large_risk,
            ),
        )
        for pk, number, year, county, sector, grade, deaths, missing, serious, minor, loss, large_risk in rows
        if year in wanted
    ]


@dataclass(frozen=True)
class FactGroup:
    """Accidents of one year and county alike in everything the plan's filters look at, counted together."""

    year: int
    county: str
    facts: AccidentFacts


def fact_groups(
    user: Any,
    region: Region,
    years: Iterable[int],
    measures: Iterable[str] = ("missing", "minor_injuries", "direct_loss"),
) -> list[FactGroup]:
    """The accidents in the statistics of ``region`` over ``years``, grouped by year, county, sector, grade, deaths,
    serious injuries and 较大涉险 (what a filter can look at) with their numbers and the totals of ``measures``: a
    city's decade of accidents is a few thousand groups however many accidents it holds. Totals no indicator asks
    for are not computed."""
    wanted = sorted(set(years))
    if not wanted:
        return []
    totals = {
        name: Sum(stat_expr(name)) for name in ("missing", "minor_injuries", "direct_loss") if name in set(measures)
    }
    keys = ("year", "county_id", "sector", "grade", "s_deaths", "s_serious", "large_risk")
    rows = (
        counted(user, region)
        .filter(year__gte=wanted[0], year__lte=wanted[-1])
        .annotate(s_deaths=stat_expr("deaths"), s_serious=stat_expr("serious_injuries"))
        .values(*keys)
        .annotate(n=Count("id"), **{f"t_{name}": total for name, total in totals.items()})
        .order_by()
        .values_list(*keys, "n", *(f"t_{name}" for name in totals))
    )
    names = list(totals)
    result = []
    for year, county, sector, grade, deaths, serious, large_risk, count, *sums in rows:
        extra = dict(zip(names, sums, strict=True))
        result.append(
            FactGroup(
                year,
                county,
                AccidentFacts(
                    sector=sector,
                    grade=grade,
                    deaths=deaths,
                    serious_injuries=serious,
                    large_risk=large_risk,
                    count=count,
                    missing=extra.get("missing") or 0,
                    minor_injuries=extra.get("minor_injuries") or 0,
                    direct_loss=Fraction(extra.get("direct_loss") or 0),
                ),
            )
        )
    return result


def change(current: float | int | Decimal, previous: float | int | Decimal) -> float | None:
    """同比: the relative change, or None against zero."""
    if not previous:
        return None
    return float((Decimal(str(current)) - Decimal(str(previous))) / Decimal(str(previous)))


__all__ = ["by_county", "change", "check_years", "counted", "fact_groups", "facts", "region_for", "stat_expr", "yearly"]
