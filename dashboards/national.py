"""The national roll-up (issue 18): every region's figures side by side, and the country's, for a period.

Aggregates only. Each figure is ONE query grouped by region (never a query per region), so the page costs
the same number of queries for 2 regions as for 21 (tests/dashboards/test_national_queries.py). The request
counts and the routing share come from the daily pre-aggregated `RequestFact`; the rest are grouped counts
over indexed columns, and the whole roll-up is kept as a `NationalSnapshot` (dashboards/national_snapshots.py)
until something it counts changes.

**Suppression.** A count under `SUPPRESS_BELOW` (5) is never shown: it reads "fewer than 5". A share, median
or mean computed from fewer than 5 is suppressed too. When exactly one region's cell of a column is
suppressed, the next smallest is suppressed as well (secondary suppression), so the national total minus
the shown regions cannot give the hidden one away. Definitions: README "The national roll-up".
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisors.models import Region
from companies.models import Company
from effects.models import ExportOutcome, SatisfactionSurvey, SurveyStatus
from reference.models import CountyExportStatistic, CountyPopulation, EmployeeBand
from referrals.models import AdviceRequest, Referral

from .models import RegionalGoal, RequestFact
from .official_statistics import county_growth
from .selectors import FACT_LOOKUPS, Filters, Period, _once_per_request

SUPPRESS_BELOW = 5
SUPPRESSED_TEXT = _("fewer than 5")

# The columns of the per-region table: (key, label, kind). "count" cells are suppressed under 5; "derived"
# cells (a share, median or mean) are suppressed with the count they are computed from (`BASE_OF`).
COLUMNS = [
    ("companies_reached", _("Companies reached"), "count"),
    ("requests", _("Requests"), "count"),
    ("routed_within_one_working_day_percent", _("Routed within one working day (%)"), "derived"),
    ("median_first_response_hours", _("Median first response (hours)"), "derived"),
    ("referrals_answered", _("Referrals answered"), "count"),
    ("referral_acceptance_percent", _("Referral acceptance (%)"), "derived"),
    ("outcomes", _("Confirmed export outcomes"), "count"),
    ("satisfaction_answers", _("Satisfaction answers"), "count"),
    ("satisfaction_mean", _("Mean satisfaction (1–5)"), "derived"),
    ("newly_international", _("Newly international companies in the period"), "count"),
    ("goal_target", _("Goal: target increase"), "plain"),
    ("goal_actual", _("Goal: newly international in the goal's period"), "count"),
    ("goal_progress_percent", _("Goal progress (%)"), "derived"),
]
BASE_OF = {
    "routed_within_one_working_day_percent": "routing_decided",
    "median_first_response_hours": "responded",
    "referral_acceptance_percent": "referrals_answered",
    "satisfaction_mean": "satisfaction_answers",
    "goal_progress_percent": "goal_actual",
}
OUTCOME_KINDS = list(ExportOutcome.Kind.choices)
SME_EXCLUDED_BANDS = [EmployeeBand.B500_PLUS]
# An estimate of a confirmed outcome's value from its band (SEK): the band's middle, the floor of the top one.
VALUE_BAND_SEK = {
    ExportOutcome.ValueBand.UNDER_100K: 50_000,
    ExportOutcome.ValueBand.FROM_100K: 550_000,
    ExportOutcome.ValueBand.FROM_1M: 5_500_000,
    ExportOutcome.ValueBand.FROM_10M: 30_000_000,
    ExportOutcome.ValueBand.OVER_50M: 50_000_000,
}


@dataclass(frozen=True)
class NationalQuery:
    period: Period
    filters: Filters
    region_id: int | None = None  # one region only (the per-region page and endpoint)


# --- Helpers ---------------------------------------------------------------------------------------


def _percent(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _hours(seconds) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def _seconds(value) -> float | None:
    return None if value is None else value.total_seconds()


def _need_exists(filters: Filters, request_ref: str = "pk") -> Q:
    if not filters.need:
        return Q()
    return Q(
        Exists(
            AdviceRequest.needs.through.objects.filter(
                advicerequest_id=OuterRef(request_ref), needcategory__slug=filters.need
            )
        )
    )


def _requests(query: NationalQuery):
    qs = AdviceRequest.objects.filter(query.filters.company_q()).filter(_need_exists(query.filters))
    if query.region_id:
        qs = qs.filter(region_id=query.region_id)
    return qs.order_by()


def _in_region(qs, query: NationalQuery, field: str = "region_id"):
    return qs.filter(**{field: query.region_id}) if query.region_id else qs


def regions(query: NationalQuery) -> list[Region]:
    """The active regions (or the one asked for), each with `n_counties`: one query."""
    qs = Region.objects.filter(is_active=True).annotate(n_counties=Count("counties")).order_by("name")
    return list(_in_region(qs, query, "pk"))


# --- The figures: one grouped query each ----------------------------------------------------------


def request_counts(query: NationalQuery, *, now: datetime | None = None) -> dict:
    """Requests received and the routing share, per region and nationally, from the daily figures."""
    now = now or timezone.now()
    period, filters = query.period, query.filters
    facts = RequestFact.objects.filter(day__gte=period.start, day__lte=period.end).filter(
        filters.q(FACT_LOOKUPS)
    )
    if filters.need:
        facts = facts.filter(need__slug=filters.need)
    facts = _in_region(_once_per_request(facts, filters), query)
    rows = facts.values("region_id").annotate(
        n_requests=Coalesce(Sum("requests"), 0),
        n_owned=Coalesce(Sum("owned"), 0),
        on_time=Coalesce(Sum("owned_on_time"), 0),
        unowned_past=Coalesce(Sum(F("requests") - F("owned"), filter=Q(first_response_due_at__lt=now)), 0),
    )
    result = {}
    for row in rows.order_by():  # one row per region
        decided = row["n_owned"] + row["unowned_past"]
        result[row["region_id"]] = {
            "requests": row["n_requests"],
            "routing_decided": decided,
            "routed_on_time": row["on_time"],
            "routed_within_one_working_day_percent": _percent(row["on_time"], decided),
        }
    return result


def _grouped_with_total(queryset, select: str, group: str = "region_id") -> list[tuple]:
    """PostgreSQL: `SELECT <group>, <select> FROM (queryset) GROUP BY GROUPING SETS ((<group>), ())`: the
    per-region rows and the national row (group None) in ONE query."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.{group}, {select} FROM ({sql}) u GROUP BY GROUPING SETS ((u.{group}), ())",  # noqa: S608 # nosec B608: our names, the values parameters
            params,
        )
        return cursor.fetchall()


def first_response_medians(query: NationalQuery) -> tuple[dict, dict]:
    """The median first response per region and nationally: one query (PostgreSQL's grouping sets); other
    databases (development only) count without a median."""
    requests = _requests(query).filter(query.period.contains(), first_response_at__isnull=False)
    if connection.vendor != "postgresql":
        rows = requests.values("region_id").annotate(responded=Count("pk"))
        per_region = {r["region_id"]: {"responded": r["responded"], "median": None} for r in rows}
        return per_region, {"responded": sum(r["responded"] for r in per_region.values()), "median": None}
    durations = requests.annotate(
        waited=ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())
    ).values("region_id", "waited")
    per_region, total = {}, {"responded": 0, "median": None}
    select = "COUNT(*), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY u.waited)"
    for region_id, responded, median in _grouped_with_total(durations, select):
        cell = {"responded": responded, "median": _seconds(median)}
        if region_id is None:
            total = cell
        else:
            per_region[region_id] = cell
    return per_region, total


def companies_reached(query: NationalQuery) -> tuple[dict, int]:
    """Distinct companies (a merged company as the one it was merged into) with a request received, or a
    referral made, in the period: per region and nationally (a company reached in two regions once).

    PostgreSQL: the (region, company) pairs of the two sources as a UNION (each served by its own index),
    counted per region and in total in one query (grouping sets)."""
    requests = _requests(query)
    company = Coalesce("company__merged_into_id", "company_id")
    if connection.vendor != "postgresql":
        referred = Referral.objects.filter(query.period.contains()).values("request_id")
        either = requests.filter(Q(query.period.contains()) | Q(pk__in=referred))
        rows = either.values("region_id").annotate(n=Count(company, distinct=True))
        return {row["region_id"]: row["n"] for row in rows}, either.aggregate(
            n=Count(company, distinct=True)
        )["n"]
    received = requests.filter(query.period.contains()).values("region_id", reached=company)
    referred = requests.filter(
        pk__in=Referral.objects.filter(query.period.contains()).values("request_id")
    ).values("region_id", reached=company)
    per_region, total = {}, 0
    for region_id, n in _grouped_with_total(received.union(referred), "COUNT(DISTINCT u.reached)"):
        if region_id is None:
            total = n
        else:
            per_region[region_id] = n
    return per_region, total


def referral_answers(query: NationalQuery) -> dict:
    """Referrals sent in the period per region of their request: answered, and accepted among them."""
    referrals = Referral.objects.filter(query.period.contains())
    if any(vars(query.filters).values()) or query.region_id:
        referrals = referrals.filter(request__in=_requests(query).values("pk"))
    answered = Q(status__in=[Referral.Status.ACCEPTED, Referral.Status.DECLINED])
    rows = referrals.values(region_id=F("request__region_id")).annotate(
        sent=Count("pk"),
        answered=Count("pk", filter=answered),
        accepted=Count("pk", filter=Q(status=Referral.Status.ACCEPTED)),
    )
    return {
        row["region_id"]: {
            "referrals_sent": row["sent"],
            "referrals_answered": row["answered"],
            "referrals_accepted": row["accepted"],
            "referral_acceptance_percent": _percent(row["accepted"], row["answered"]),
        }
        for row in rows.order_by()
    }


def confirmed_outcomes(query: NationalQuery) -> dict:
    """Export outcomes confirmed by the company (status confirmed only), achieved in the period, per region
    and kind. The need filter does not apply (an outcome has no need)."""
    outcomes = ExportOutcome.objects.filter(
        status=ExportOutcome.Status.CONFIRMED,
        achieved_on__gte=query.period.start,
        achieved_on__lte=query.period.end,
    ).filter(query.filters.company_q())
    rows = _in_region(outcomes, query).values("region_id", "kind").annotate(n=Count("pk")).order_by()
    result: dict = defaultdict(dict)
    for row in rows:  # one row per region and kind
        result[row["region_id"]][row["kind"]] = row["n"]
    return result


def satisfaction(query: NationalQuery) -> dict:
    """Answered satisfaction surveys (answered in the period): n and mean per region. Never free text."""
    surveys = SatisfactionSurvey.objects.filter(
        status=SurveyStatus.ANSWERED, satisfaction__isnull=False, **_period_of("answered_at", query.period)
    ).filter(query.filters.company_q("request__company__"))
    surveys = _in_region(surveys.filter(_need_exists(query.filters, "request_id")), query)
    rows = surveys.values("region_id").annotate(n=Count("pk"), total=Sum("satisfaction")).order_by()
    return {row["region_id"]: {"n": row["n"], "total": row["total"]} for row in rows}


def _period_of(field: str, period: Period) -> dict:
    return {f"{field}__gte": period.starts_at, f"{field}__lt": period.ends_at}


def _newly_international(period_start, period_end):
    return Company.objects.active().filter(
        international_confirmed_on__gte=period_start, international_confirmed_on__lte=period_end
    )


def newly_international(query: NationalQuery) -> tuple[dict, int]:
    """Companies whose first international flag was confirmed in the period (`international_confirmed_on`),
    in the region's counties, not merged away: per region and nationally (each company once)."""
    companies = _newly_international(query.period.start, query.period.end).filter(
        query.filters.company_q(prefix="")
    )
    in_regions = companies.filter(municipality__county__regions__is_active=True)
    if query.region_id:
        in_regions = in_regions.filter(municipality__county__regions=query.region_id)
    if connection.vendor != "postgresql":
        rows = (
            in_regions.values(region_id=F("municipality__county__regions")).annotate(n=Count("pk")).order_by()
        )
        total = in_regions.aggregate(n=Count("pk", distinct=True))["n"]
        return {row["region_id"]: row["n"] for row in rows}, total
    pairs = in_regions.values(region_id=F("municipality__county__regions"), company=F("pk"))
    per_region, total = {}, 0
    for region_id, n in _grouped_with_total(pairs, "COUNT(DISTINCT u.company)"):
        if region_id is None:
            total = n
        else:
            per_region[region_id] = n
    return per_region, total


def goals(query: NationalQuery) -> dict:
    """Each region's goal "newly international companies" for the year the period ends in, with the count
    in the goal's own period (default: that calendar year), never negative progress. Two queries: the
    goals, then the newly international companies of their regions per region and day, summed per goal's
    period in memory (at most a few thousand rows; one scan of the companies, not one per goal). The
    dashboard filters do not apply: a goal is the whole region's."""
    year = query.period.end.year
    goals_of_year = RegionalGoal.objects.filter(
        kind=RegionalGoal.Kind.INTERNATIONAL_COMPANIES, name="", year=year
    )
    found = list(_in_region(goals_of_year, query).values("region_id", "target", "starts_on", "ends_on"))
    if not found:
        return {}
    for goal in found:
        goal["starts_on"] = goal["starts_on"] or date(year, 1, 1)
        goal["ends_on"] = goal["ends_on"] or date(year, 12, 31)
    days = (
        _newly_international(min(g["starts_on"] for g in found), max(g["ends_on"] for g in found))
        .filter(municipality__county__regions__in=[g["region_id"] for g in found])
        .values_list("municipality__county__regions", "international_confirmed_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_region_day = defaultdict(list)
    for region_id, day, n in days:  # per region and day, not per company
        per_region_day[region_id].append((day, n))
    result = {}
    for goal in found:
        actual = sum(
            n for day, n in per_region_day[goal["region_id"]] if goal["starts_on"] <= day <= goal["ends_on"]
        )
        result[goal["region_id"]] = {
            "goal_target": goal["target"],
            "goal_starts_on": goal["starts_on"],
            "goal_ends_on": goal["ends_on"],
            "goal_actual": actual,
            "goal_progress_percent": max(0.0, _percent(actual, goal["target"]) or 0.0)
            if goal["target"]
            else None,
        }
    return result


# --- Suppression -----------------------------------------------------------------------------------


def _suppress_row(row: dict, keys: list[str]) -> None:
    hidden = set(row.get("suppressed", ()))
    for key in keys:
        value = row.get(key)
        if value is not None and 0 < value < SUPPRESS_BELOW:
            hidden.add(key)
    for derived, base in BASE_OF.items():
        if derived in row and (base in hidden or 0 < (row.get(base) or 0) < SUPPRESS_BELOW):
            hidden.add(derived)
    for key in hidden:
        row[key] = None
    row["suppressed"] = sorted(hidden)


def _secondary(rows: list[dict], keys: list[str]) -> None:
    """Where exactly one region's cell of a column is hidden, hide the next smallest too, so that the
    national total minus the regions shown cannot reveal it."""
    for key in keys:
        hidden = [row for row in rows if key in row["suppressed"]]
        shown = [row for row in rows if key not in row["suppressed"] and row.get(key) is not None]
        if len(hidden) == 1 and shown:
            smallest = min(shown, key=lambda row: row[key])
            smallest["suppressed"] = sorted({*smallest["suppressed"], key, *_derived_of(key)})
            smallest[key] = None
            for derived in _derived_of(key):
                smallest[derived] = None


def _derived_of(key: str) -> list[str]:
    return [derived for derived, base in BASE_OF.items() if base == key]


COUNT_KEYS = [key for key, _label, kind in COLUMNS if kind == "count"] + [
    f"outcomes_{k}" for k, _l in OUTCOME_KINDS
]
INTERNAL_BASES = ["routing_decided", "responded"]


def _row(region_id, reached, requests, medians, referrals, outcomes, answers, newly, goal) -> dict:
    kinds = outcomes or {}
    row = {
        "companies_reached": reached or 0,
        "requests": (requests or {}).get("requests", 0),
        "routing_decided": (requests or {}).get("routing_decided", 0),
        "routed_within_one_working_day_percent": (requests or {}).get(
            "routed_within_one_working_day_percent"
        ),
        "responded": (medians or {}).get("responded", 0),
        "median_first_response_hours": _hours((medians or {}).get("median")),
        "referrals_answered": (referrals or {}).get("referrals_answered", 0),
        "referral_acceptance_percent": (referrals or {}).get("referral_acceptance_percent"),
        "outcomes": sum(kinds.values()),
        **{f"outcomes_{kind}": kinds.get(kind, 0) for kind, _label in OUTCOME_KINDS},
        "satisfaction_answers": (answers or {}).get("n", 0),
        "satisfaction_mean": round((answers or {})["total"] / answers["n"], 2)
        if answers and answers["n"]
        else None,
        "newly_international": newly or 0,
        "goal_target": None,
        "goal_actual": None,
        "goal_progress_percent": None,
        "goal_period": None,
    }
    if goal:
        row.update(
            {
                k: v
                for k, v in goal.items()
                if not k.startswith("goal_starts") and not k.startswith("goal_ends")
            }
        )
        row["goal_period"] = f"{goal['goal_starts_on']:%Y-%m-%d}/{goal['goal_ends_on']:%Y-%m-%d}"
    return row


def compute(query: NationalQuery, *, now: datetime | None = None) -> dict:
    """Every national figure for the query, suppressed, as plain data (JSON-safe): what the page, the
    downloads and the API show. A fixed number of queries, whatever the number of regions."""
    region_list = regions(query)
    reached, reached_total = companies_reached(query)
    counts = request_counts(query, now=now)
    medians, median_total = first_response_medians(query)
    referrals = referral_answers(query)
    outcomes = confirmed_outcomes(query)
    answers = satisfaction(query)
    newly, newly_total = newly_international(query)
    goal_rows = goals(query)
    rows = []
    for region in region_list:  # rows in memory (21 at most), no query per region
        row = _row(
            region.pk,
            reached.get(region.pk),
            counts.get(region.pk),
            medians.get(region.pk),
            referrals.get(region.pk),
            outcomes.get(region.pk),
            answers.get(region.pk),
            newly.get(region.pk),
            goal_rows.get(region.pk),
        )
        rows.append({"region": {"slug": region.slug, "name": region.name}, **row})
    for row in rows:
        _suppress_row(row, COUNT_KEYS)
    _secondary(rows, COUNT_KEYS)
    ids = {region.pk for region in region_list}
    total_counts = [v for k, v in counts.items() if k in ids]
    total_referrals = [v for k, v in referrals.items() if k in ids]
    total_answers = [v for k, v in answers.items() if k in ids]
    kinds_total: dict = defaultdict(int)
    for region_id, kinds in outcomes.items():
        if region_id in ids:
            for kind, n in kinds.items():
                kinds_total[kind] += n
    decided = sum(c["routing_decided"] for c in total_counts)
    answered = sum(r["referrals_answered"] for r in total_referrals)
    n_answers = sum(a["n"] for a in total_answers)
    national = {
        "companies_reached": reached_total,
        "requests": sum(c["requests"] for c in total_counts),
        "routing_decided": decided,
        "routed_within_one_working_day_percent": _percent(
            sum(c["routed_on_time"] for c in total_counts), decided
        ),
        "responded": median_total["responded"],
        "median_first_response_hours": _hours(median_total["median"]),
        "referrals_answered": answered,
        "referral_acceptance_percent": _percent(
            sum(r["referrals_accepted"] for r in total_referrals), answered
        ),
        "outcomes": sum(kinds_total.values()),
        **{f"outcomes_{kind}": kinds_total.get(kind, 0) for kind, _label in OUTCOME_KINDS},
        "satisfaction_answers": n_answers,
        "satisfaction_mean": round(sum(a["total"] for a in total_answers) / n_answers, 2)
        if n_answers
        else None,
        "newly_international": newly_total,
        "goal_target": sum(g["goal_target"] for k, g in goal_rows.items() if k in ids) if goal_rows else None,
        "goal_actual": sum(g["goal_actual"] for k, g in goal_rows.items() if k in ids) if goal_rows else None,
        "goal_progress_percent": None,
        "goal_period": None,
    }
    if national["goal_target"]:
        national["goal_progress_percent"] = max(
            0.0, _percent(national["goal_actual"], national["goal_target"])
        )
    _suppress_row(national, COUNT_KEYS)
    for row in [*rows, national]:
        for key in INTERNAL_BASES:
            row.pop(key, None)
    return {
        "period": {"start": query.period.start.isoformat(), "end": query.period.end.isoformat()},
        "regions": rows,
        "national": national,
        "region_of_the_year": region_of_the_year(query, region_list),
    }


# --- Export region of the year ---------------------------------------------------------------------


def _small(n) -> bool:
    return n is not None and 0 < n < SUPPRESS_BELOW


def _hide(row: dict, *keys: str) -> None:
    for key in keys:
        row[key] = None
        if key not in row["suppressed"]:
            row["suppressed"].append(key)


def _complete(rows, county_counts: dict) -> dict:
    """{(region, year): row} for the years in which every county of the region has a figure."""
    return {
        (row["region_id"], row["year"]): row
        for row in rows
        if county_counts.get(row["region_id"]) and row["counties"] == county_counts[row["region_id"]]
    }


def _latest(figures: dict, region_id: int, year: int) -> int | None:
    """The latest year up to `year` with a complete figure for the region."""
    years = [y for (r, y) in figures if r == region_id and y <= year]
    return max(years) if years else None


def region_of_the_year(query: NationalQuery, region_list: list[Region] | None = None) -> dict:
    """ "Export region of the year" for the year the period ends in: exporting SMEs per 100,000 inhabitants
    and the growth in goods exports per inhabitant, computed from the portal's confirmed data and, when
    loaded, from the official county figures. Four queries, whatever the number of regions."""
    year = query.period.end.year
    region_list = regions(query) if region_list is None else region_list
    ids = [region.pk for region in region_list]
    county_counts = {region.pk: region.n_counties for region in region_list}
    # Reference tables are small (21 counties, a few years): every year up to `year`, the latest chosen here.
    population_rows = (
        CountyPopulation.objects.filter(county__regions__in=ids, year__lte=year)
        .values("year", region_id=F("county__regions"))
        .annotate(
            population=Sum("population"), sample=Count("pk", filter=Q(is_sample=True)), counties=Count("pk")
        )
        .order_by()
    )
    population = _complete(population_rows, county_counts)
    end_of_year = date(year, 12, 31)
    exporting = Q(exports_goods=True, exports_goods_confirmed_on__lte=end_of_year) | Q(
        exports_services=True, exports_services_confirmed_on__lte=end_of_year
    )
    smes = dict(
        Company.objects.active()
        .filter(exporting, municipality__county__regions__in=ids)
        .exclude(employee_band__in=SME_EXCLUDED_BANDS)
        .values_list("municipality__county__regions")
        .annotate(n=Count("*"))  # `*`: from the exporting companies' index alone (company_exporting_idx)
        .order_by()
    )
    value = Case(
        *[When(value_band=band, then=Value(sek)) for band, sek in VALUE_BAND_SEK.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    goods_rows = (
        ExportOutcome.objects.filter(
            region_id__in=ids,
            status=ExportOutcome.Status.CONFIRMED,
            sells__in=[ExportOutcome.Sells.GOODS, ExportOutcome.Sells.BOTH],
            achieved_on__gte=date(year - 1, 1, 1),
            achieved_on__lte=end_of_year,
        )
        .values("region_id", year=F("achieved_on__year"))
        .annotate(n=Count("pk"), sek=Sum(value))
        .order_by()
    )
    goods = {(r["region_id"], r["year"]): r for r in goods_rows}
    official_rows = (
        CountyExportStatistic.objects.filter(county__regions__in=ids, year__lte=year)
        .values("year", region_id=F("county__regions"))
        .annotate(
            smes=Sum("exporting_smes"),
            smes_missing=Count("pk", filter=Q(exporting_smes__isnull=True)),
            goods=Sum("goods_exports_msek"),
            goods_missing=Count("pk", filter=Q(goods_exports_msek__isnull=True)),
            sample=Count("pk", filter=Q(is_sample=True)),
            counties=Count("pk"),
        )
        .order_by()
    )
    official = _complete(official_rows, county_counts)
    rows = []
    for region in region_list:  # in memory, no query per region
        pop_year = _latest(population, region.pk, year)
        pop = population.get((region.pk, pop_year))
        pop_before = population.get((region.pk, _latest(population, region.pk, year - 1)))
        inhabitants = pop["population"] if pop else None
        row = {
            "region": {"slug": region.slug, "name": region.name},
            "population": inhabitants,
            "population_year": pop_year,
            "population_is_sample": bool(pop and pop["sample"]),
            "portal_exporting_smes": smes.get(region.pk, 0),
            "portal_exporting_smes_per_100k": None,
            "portal_goods_outcomes": (goods.get((region.pk, year)) or {}).get("n", 0),
            "portal_goods_sek_per_inhabitant": None,
            "portal_goods_growth_per_inhabitant_percent": None,
            "official_exporting_smes_per_100k": None,
            "official_goods_sek_per_inhabitant": None,
            "official_goods_growth_per_inhabitant_percent": None,
            "official_year": None,
            "official_is_sample": False,
            "suppressed": [],
        }
        if inhabitants:
            row["portal_exporting_smes_per_100k"] = round(
                100_000 * row["portal_exporting_smes"] / inhabitants, 1
            )
            now_g, before_g = goods.get((region.pk, year)), goods.get((region.pk, year - 1))
            if now_g:
                row["portal_goods_sek_per_inhabitant"] = round(now_g["sek"] / inhabitants, 2)
            if now_g and before_g and pop_before and before_g["sek"]:
                per_now = now_g["sek"] / inhabitants
                per_before = before_g["sek"] / pop_before["population"]
                row["portal_goods_growth_per_inhabitant_percent"] = round(100 * (per_now / per_before - 1), 1)
            official_year = _latest(official, region.pk, year)
            off = official.get((region.pk, official_year))
            off_before = official.get((region.pk, (official_year or 0) - 1))
            off_pop = population.get((region.pk, _latest(population, region.pk, official_year or 0))) or pop
            off_pop_before = population.get(
                (region.pk, _latest(population, region.pk, (official_year or 0) - 1))
            )
            if off:
                inhabitants = off_pop["population"]
                row["official_year"] = official_year
                row["official_is_sample"] = bool(off["sample"])
                if off["smes"] is not None and not off["smes_missing"]:
                    row["official_exporting_smes_per_100k"] = round(100_000 * off["smes"] / inhabitants, 1)
                if off["goods"] is not None and not off["goods_missing"]:
                    per_now = Decimal(off["goods"]) * 1_000_000 / inhabitants
                    row["official_goods_sek_per_inhabitant"] = round(float(per_now), 0)
                    if (
                        off_before
                        and off_before["goods"]
                        and off_pop_before
                        and not off_before["goods_missing"]
                    ):
                        per_before = Decimal(off_before["goods"]) * 1_000_000 / off_pop_before["population"]
                        row["official_goods_growth_per_inhabitant_percent"] = round(
                            float(100 * (per_now / per_before - 1)), 1
                        )
        # The portal's counts are about companies it helped: from 1 to 4, nothing computed from them is shown.
        if _small(row["portal_exporting_smes"]):
            _hide(row, "portal_exporting_smes", "portal_exporting_smes_per_100k")
        if _small(row["portal_goods_outcomes"]):
            _hide(row, "portal_goods_outcomes", "portal_goods_sek_per_inhabitant")
        if _small(row["portal_goods_outcomes"]) or _small(
            (goods.get((region.pk, year - 1)) or {}).get("n", 0)
        ):
            _hide(row, "portal_goods_growth_per_inhabitant_percent")
        rows.append(row)

    def ranked(key: str) -> None:
        values = sorted({row[key] for row in rows if row[key] is not None}, reverse=True)
        for row in rows:
            row[f"{key}_rank"] = values.index(row[key]) + 1 if row[key] is not None else None

    for key in (
        "portal_exporting_smes_per_100k",
        "portal_goods_growth_per_inhabitant_percent",
        "official_exporting_smes_per_100k",
        "official_goods_growth_per_inhabitant_percent",
    ):
        ranked(key)
    # Issue 19: each county's growth in goods exports per inhabitant (SEK, official figures): one query.
    return {"year": year, "regions": rows, "counties": county_growth(year)}
