"""Official regional statistics beside the portal's own figures (issue 19): the reads.

Per county and year: SCB's / Tillväxtverket's figures (population, goods exports and imports, exporting and
importing companies, exporting SMEs) with their source, table and vintage, and two figures computed from
them:

- **Exporting SMEs per 100,000 inhabitants**: the official count of exporting SMEs over the population of
  the same year.
- **Growth in goods exports per inhabitant** (SEK per inhabitant, year on year): goods exports per
  inhabitant of the year minus those of the year before, each over its own year's population.

A figure that is not loaded, or is ".." at the source, is missing (None), never zero, and nothing computed
from it is shown. Every read is a fixed number of queries, whatever the number of counties or years.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from advisors import access
from companies.models import Company
from reference.models import County, CountyExportStatistic, CountyPopulation, EmployeeBand

TRADE_MEASURES = (
    "goods_exports_msek",
    "goods_imports_msek",
    "exporting_companies",
    "importing_companies",
    "exporting_smes",
)
MEASURE_LABELS = {
    "population": _("Population"),
    "goods_exports_msek": _("Goods exports (SEK million)"),
    "goods_imports_msek": _("Goods imports (SEK million)"),
    "exporting_companies": _("Exporting companies"),
    "importing_companies": _("Importing companies"),
    "exporting_smes": _("Exporting SMEs"),
}
STATUS_LABELS = {
    "new": _("New"),
    "changed": _("Changed"),
    "unchanged": _("Unchanged"),
    "kept": _("Kept (newer vintage loaded)"),
    "error": _("Error"),
}
SME_EXCLUDED_BANDS = [EmployeeBand.B500_PLUS]
MILLION = Decimal(1_000_000)


@dataclass
class CountyRow:
    code: str
    name: str
    year: int | None  # the latest year with official trade figures (up to the year asked)
    population: int | None = None
    figures: dict = field(default_factory=dict)  # measure -> value or None
    exporting_smes_per_100k: float | None = None
    goods_exports_sek_per_inhabitant: int | None = None
    growth_sek_per_inhabitant: int | None = None  # year on year; None when either year is missing
    goods_exports_before_msek: Decimal | None = None  # the year before's, for the growth
    population_before: int | None = None
    portal_exporting_smes: int = 0
    portal_exporting_smes_per_100k: float | None = None
    source: str = ""
    table: str = ""
    vintage: date | None = None
    population_source: str = ""
    population_table: str = ""
    population_vintage: date | None = None
    is_sample: bool = False


def per_100k(count, population) -> float | None:
    if count is None or not population:
        return None
    return round(100_000 * count / population, 1)


def sek_per_inhabitant(msek, population) -> Decimal | None:
    if msek is None or not population:
        return None
    return Decimal(msek) * MILLION / population


def growth_per_inhabitant(exports_now, population_now, exports_before, population_before) -> int | None:
    """SEK per inhabitant this year minus the year before (each over its own population); None if missing."""
    now = sek_per_inhabitant(exports_now, population_now)
    before = sek_per_inhabitant(exports_before, population_before)
    if now is None or before is None:
        return None
    return round(now - before)


def _portal_smes(county_codes, year: int) -> dict[str, int]:
    """Companies of the portal's register in each county, of fewer than 500 employees (or of unknown size),
    whose export of goods or services was confirmed by the end of the year (as on the national page)."""
    end = date(year, 12, 31)
    exporting = Q(exports_goods=True, exports_goods_confirmed_on__lte=end) | Q(
        exports_services=True, exports_services_confirmed_on__lte=end
    )
    rows = (
        Company.objects.active()
        .filter(exporting, municipality__county_id__in=county_codes)
        .exclude(employee_band__in=SME_EXCLUDED_BANDS)
        .values_list("municipality__county_id")
        .annotate(n=Count("*"))  # `*`: from the exporting companies' index alone (company_exporting_idx)
        .order_by()
    )
    return dict(rows)


def county_rows(user, county_codes, year: int, *, with_portal: bool = True) -> list[CountyRow]:
    """The official figures of these counties (those the user may see) for the latest year up to `year`,
    with the portal's own exporting SMEs. Four queries."""
    counties = list(County.objects.filter(code__in=county_codes).order_by("code"))
    codes = [county.code for county in counties]
    populations = {
        (p.county_id, p.year): p
        for p in access.visible(user, CountyPopulation.objects.filter(county_id__in=codes, year__lte=year))
    }
    trade = {
        (t.county_id, t.year): t
        for t in access.visible(
            user, CountyExportStatistic.objects.filter(county_id__in=codes, year__lte=year)
        )
    }
    portal = _portal_smes(codes, year) if with_portal else {}
    rows = []
    for county in counties:  # in memory: no query per county
        years = [y for (code, y) in trade if code == county.code]
        chosen = max(years) if years else None
        row = CountyRow(county.code, county.name, chosen, portal_exporting_smes=portal.get(county.code, 0))
        latest_population = max((y for (code, y) in populations if code == county.code), default=None)
        population = populations.get((county.code, chosen if chosen else latest_population))
        if population is not None:
            row.population = population.population
            row.population_source = population.source
            row.population_table = population.table
            row.population_vintage = population.vintage
            row.is_sample = population.is_sample
        portal_population = populations.get((county.code, latest_population))
        row.portal_exporting_smes_per_100k = per_100k(
            row.portal_exporting_smes, portal_population.population if portal_population else None
        )
        figures = trade.get((county.code, chosen))
        row.figures = {m: getattr(figures, m) if figures else None for m in TRADE_MEASURES}
        if figures is not None:
            row.source, row.table, row.vintage = figures.source, figures.table, figures.vintage
            row.is_sample = row.is_sample or figures.is_sample
            row.exporting_smes_per_100k = per_100k(figures.exporting_smes, row.population)
            per_inhabitant = sek_per_inhabitant(figures.goods_exports_msek, row.population)
            row.goods_exports_sek_per_inhabitant = None if per_inhabitant is None else round(per_inhabitant)
            before = trade.get((county.code, chosen - 1))
            population_before = populations.get((county.code, chosen - 1))
            row.goods_exports_before_msek = before.goods_exports_msek if before else None
            row.population_before = population_before.population if population_before else None
            row.growth_sek_per_inhabitant = growth_per_inhabitant(
                figures.goods_exports_msek,
                row.population,
                row.goods_exports_before_msek,
                row.population_before,
            )
        rows.append(row)
    return rows


def region_total(rows: list[CountyRow]) -> CountyRow | None:
    """The region's counties together, for the same year; a figure missing in any county is missing."""
    if len(rows) < 2 or len({row.year for row in rows}) != 1 or rows[0].year is None:
        return None

    def total(values):
        values = list(values)
        return None if any(v is None for v in values) else sum(values)

    population = total(row.population for row in rows)
    figures = {m: total(row.figures.get(m) for row in rows) for m in TRADE_MEASURES}
    result = CountyRow("", "", rows[0].year, population=population, figures=figures)
    result.portal_exporting_smes = sum(row.portal_exporting_smes for row in rows)
    result.exporting_smes_per_100k = per_100k(figures["exporting_smes"], population)
    per_inhabitant = sek_per_inhabitant(figures["goods_exports_msek"], population)
    result.goods_exports_sek_per_inhabitant = None if per_inhabitant is None else round(per_inhabitant)
    result.goods_exports_before_msek = total(row.goods_exports_before_msek for row in rows)
    result.population_before = total(row.population_before for row in rows)
    result.growth_sek_per_inhabitant = growth_per_inhabitant(
        figures["goods_exports_msek"], population, result.goods_exports_before_msek, result.population_before
    )
    result.is_sample = any(row.is_sample for row in rows)
    return result


def panel(user, region, year: int) -> dict:
    """The regional dashboard's panel: the region's counties, and the region as a whole."""
    codes = list(region.counties.values_list("code", flat=True))
    rows = county_rows(user, codes, year)
    return {
        "year": year,
        "rows": rows,
        "total": region_total(rows),
        "any_figures": any(row.year for row in rows),
        "sources": sorted(
            {(row.source, row.table, row.vintage) for row in rows if row.year},
            key=lambda s: (s[0], s[1], s[2] or date.min),
        ),
    }


def county_growth(year: int) -> list[dict]:
    """The national page: each county's growth in goods exports per inhabitant (SEK, year on year) for the
    latest year up to `year` with official figures; a county without them is listed, its growth missing.
    One query (every county, its trade figures and each year's population); official figures only."""
    population = CountyPopulation.objects.filter(
        county_id=OuterRef("code"), year=OuterRef("export_statistics__year")
    ).values("population")[:1]
    rows = (
        County.objects.filter(Q(export_statistics__year__lte=year) | Q(export_statistics__isnull=True))
        .values(
            "code",
            "name",
            "export_statistics__year",
            "export_statistics__goods_exports_msek",
            "export_statistics__is_sample",
        )
        .annotate(population=Subquery(population))
        .order_by("code", "export_statistics__year")
    )
    per_county: dict[str, dict] = {}
    for row in rows:
        county = per_county.setdefault(row["code"], {"name": row["name"], "years": {}})
        if row["export_statistics__year"] is not None:
            county["years"][row["export_statistics__year"]] = row
    result = []
    for code, county in per_county.items():  # ordered by code
        chosen = max(county["years"], default=None)
        growth, sample = None, False
        if chosen is not None:
            now, before = county["years"][chosen], county["years"].get(chosen - 1) or {}
            sample = now["export_statistics__is_sample"]
            growth = growth_per_inhabitant(
                now["export_statistics__goods_exports_msek"],
                now["population"],
                before.get("export_statistics__goods_exports_msek"),
                before.get("population"),
            )
        result.append(
            {
                "code": code,
                "name": county["name"],
                "year": chosen,
                "growth_sek_per_inhabitant": growth,
                "is_sample": bool(sample),
            }
        )
    return result


def preview_table(preview, names: dict[str, str]) -> dict:
    """A dry-run preview (reference.scb.Preview) as a table: one row per county and year, its values, its
    status, and its errors and notices beside it."""
    return {
        "columns": [MEASURE_LABELS[m] for m in preview.measures],
        "counts": [(STATUS_LABELS[status], n) for status, n in preview.counts.items()],
        "file_errors": preview.file_errors,
        "rows": [
            {
                "line": row.line,
                "county": row.county or "",
                "name": names.get(row.county or "", ""),
                "year": row.year,
                "cells": [
                    {"value": row.values.get(m), "changed": m in row.changed} for m in preview.measures
                ],
                "status": row.status,
                "status_label": STATUS_LABELS[row.status],
                "errors": row.errors,
                "notice": row.notice,
            }
            for row in preview.rows
        ],
    }
