"""The dashboards' figures. Every figure is one or a few aggregate queries; no loop over rows in Python.

A figure reads the requests of a *scope* (a region, an organisation or an advisor), received in a *period*
(Stockholm calendar days) and narrowed by *filters* (organisation, county or municipality, need, SNI
section, size band). The definitions are in the README ("Dashboards") and in each figure's panel.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from advisors import access
from advisors.models import Region
from companies.models import Company
from exportcenter.workdays import STOCKHOLM
from reference.models import EmployeeBand
from referrals.models import AdviceRequest, Referral

from .models import RequestFact


class Median(Aggregate):
    """PostgreSQL's `percentile_cont(0.5)`: the median of numbers or intervals."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


# --- Scope, period, filters -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Stockholm calendar days from `start` up to and including `end`."""

    start: date
    end: date

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=STOCKHOLM)

    @property
    def ends_at(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=STOCKHOLM)

    def contains(self, prefix: str = "created_at") -> Q:
        return Q(**{f"{prefix}__gte": self.starts_at, f"{prefix}__lt": self.ends_at})


@dataclass(frozen=True)
class Filters:
    organisation_id: int | None = None
    county: str | None = None
    municipality: str | None = None
    need: str | None = None  # a need category's slug
    sni_section: str | None = None
    size_band: str | None = None

    def q(self, lookups: dict[str, str]) -> Q:
        """The company filters on a model whose lookups for them are `lookups` (municipality, county,
        sni_section, size_band). A municipality makes its county redundant."""
        values = {
            "municipality": self.municipality,
            "county": None if self.municipality else self.county,
            "sni_section": self.sni_section,
            "size_band": self.size_band,
        }
        return Q(**{lookups[name]: value for name, value in values.items() if value})

    def company_q(self, prefix: str = "company__") -> Q:
        return self.q(
            {
                "municipality": f"{prefix}municipality",
                "county": f"{prefix}municipality__county",
                "sni_section": f"{prefix}sni_code__section",
                "size_band": f"{prefix}employee_band",
            }
        )


@dataclass(frozen=True)
class Scope:
    """Whose figures: a region's, an organisation's (within the region) or one advisor's."""

    region: Region
    organisation_id: int | None = None
    advisor_id: int | None = None
    label: str = field(default="", compare=False)


def scopes_for(user, region: Region) -> list[Scope]:
    """The dashboards a user may see for a region, widest first (README: "Dashboards", access rules).

    Regional staff: the region. Organisation leads: their organisation, plus the region's totals.
    Advisors: their own work, plus their organisation's. Nobody sees a region they do not work in.
    """
    if not access.can(user, "view", region):
        return []
    if user.is_superuser or user.is_regional_staff:
        return [Scope(region)]
    if user.organisation_id is None:
        return []
    organisation = Scope(region, organisation_id=user.organisation_id)
    if user.is_organisation_lead:
        return [Scope(region), organisation]
    return [organisation, Scope(region, organisation_id=user.organisation_id, advisor_id=user.pk)]


def _owned_by(qs: QuerySet, scope: Scope, filters: Filters) -> QuerySet:
    """The scope's and the organisation filter's owners (requests and daily figures name them alike)."""
    if scope.advisor_id:
        qs = qs.filter(owner_advisor_id=scope.advisor_id)
    elif scope.organisation_id:
        qs = qs.filter(owner_organisation_id=scope.organisation_id)
    if filters.organisation_id:
        qs = qs.filter(owner_organisation_id=filters.organisation_id)
    return qs


def requests_for(scope: Scope, filters: Filters) -> QuerySet[AdviceRequest]:
    """The requests a figure counts, before the period: scope and filters."""
    qs = _owned_by(
        AdviceRequest.objects.filter(region=scope.region).filter(filters.company_q()), scope, filters
    )
    if filters.need:
        # A subquery, not a join: a request with two needs is still one request.
        qs = qs.filter(
            Exists(
                AdviceRequest.needs.through.objects.filter(
                    advicerequest_id=OuterRef("pk"), needcategory__slug=filters.need
                )
            )
        )
    return qs


def received(scope: Scope, period: Period, filters: Filters) -> QuerySet[AdviceRequest]:
    return requests_for(scope, filters).filter(period.contains())


# --- Figures ---------------------------------------------------------------------------------------
#
# The counts of requests received (in total, per dimension, per month, per target market, and the speed
# figure's counts) are read from the daily pre-aggregated table (`RequestFact`, see dashboards/facts.py):
# a few thousand narrow rows a year per region instead of every request joined with its company, needs and
# reference data. Medians and distinct companies cannot be summed from it and are counted from the requests.


FACT_LOOKUPS = {
    "municipality": "municipality_id",
    "county": "county_id",
    "sni_section": "sni_section_id",
    "size_band": "size_band",
}


def facts_for(scope: Scope, period: Period, filters: Filters) -> QuerySet[RequestFact]:
    """The fact rows of the scope, period and filters. Under a need filter, only that need's rows."""
    qs = RequestFact.objects.filter(region=scope.region, day__gte=period.start, day__lte=period.end)
    qs = _owned_by(qs.filter(filters.q(FACT_LOOKUPS)), scope, filters)
    if filters.need:
        qs = qs.filter(need__slug=filters.need)
    return qs


def _once_per_request(facts: QuerySet[RequestFact], filters: Filters, *, per_need=False, per_market=False):
    """The rows that count each request once (or once per need, or per market; see `RequestFact`)."""
    if not per_need and not filters.need:
        facts = facts.filter(first_need=True)
    if not per_market:
        facts = facts.filter(first_market=True)
    return facts


DIMENSIONS = {
    # dimension -> (key, Swedish label, English label) in `RequestFact`; choices are labelled in Python
    "channel": ("channel", None, None),
    "need": ("need__slug", "need__name_sv", "need__name_en"),
    "municipality": ("municipality_id", "municipality__short_name", None),
    "sni_section": ("sni_section_id", "sni_section__name_sv", "sni_section__name_en"),
    "size_band": ("size_band", None, None),
}
CHOICE_LABELS = {"channel": AdviceRequest.Channel, "size_band": EmployeeBand}


def _label(dimension: str, row: dict) -> str:
    if not row["key"]:
        return str(_("Not known"))
    if dimension in CHOICE_LABELS:
        choices = dict(CHOICE_LABELS[dimension].choices)
        return str(choices.get(row["key"], row["key"]))
    english = row.get("label_en") if (get_language() or "sv").startswith("en") else None
    label = english or row.get("label_sv") or row["key"]
    return f"{row['key']} {label}" if dimension == "sni_section" else label


def requests_by(dimension: str, scope: Scope, period: Period, filters: Filters) -> list[dict]:
    """Requests received in the period, counted per value of `dimension`, largest first.

    A request with two needs counts once under each need; every other dimension sums to the total.
    Under a need filter, "by need" shows that need only.
    """
    key, label_sv, label_en = DIMENSIONS[dimension]
    fields = {"key": F(key)}
    if label_sv:
        fields["label_sv"] = F(label_sv)
    if label_en:
        fields["label_en"] = F(label_en)
    facts = _once_per_request(facts_for(scope, period, filters), filters, per_need=dimension == "need")
    if dimension == "need":
        facts = facts.filter(need__isnull=False)
    rows = facts.values(**fields).annotate(count=Sum("requests")).order_by("-count", "key")
    # One row per group (a handful of channels, needs, municipalities), not per request.
    return [{"key": row["key"] or "", "label": _label(dimension, row), "count": row["count"]} for row in rows]


def requests_by_target_market(scope: Scope, period: Period, filters: Filters) -> list[dict]:
    """Requests received in the period per target market, most wanted first (the top target markets).

    A request with three target markets counts once under each of them.
    """
    facts = _once_per_request(facts_for(scope, period, filters), filters, per_market=True).exclude(market="")
    rows = facts.values("market").annotate(count=Sum("requests")).order_by("-count", "market")
    return [
        {
            "key": row["market"],
            "label": str(countries.name(row["market"])) or row["market"],
            "count": row["count"],
        }
        for row in rows
    ]


def requests_by_month(scope: Scope, period: Period, filters: Filters) -> list[dict]:
    """Requests received per calendar month in Stockholm time (a request at 00:30 on 1 April, Swedish
    summer time, belongs to April although it is still March in UTC: the facts' days are Stockholm days)."""
    rows = (
        _once_per_request(facts_for(scope, period, filters), filters)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(count=Sum("requests"))
        .order_by("month")
    )
    return [
        {
            "key": row["month"].strftime("%Y-%m"),
            "label": row["month"].strftime("%Y-%m"),
            "count": row["count"],
        }
        for row in rows
    ]


def requests_received(scope: Scope, period: Period, filters: Filters) -> int:
    facts = _once_per_request(facts_for(scope, period, filters), filters)
    return facts.aggregate(n=Coalesce(Sum("requests"), 0))["n"]


def companies_reached(scope: Scope, period: Period, filters: Filters) -> int:
    """Distinct companies with a request received, or a referral made, in the period.

    A company merged into another counts as the company it was merged into, so the pair counts once.
    """
    requests = requests_for(scope, filters).order_by()
    received_in_period = requests.filter(period.contains()).values("company_id")
    # The referrals' requests by their own index, not an OR that rescans every request of the scope.
    referred_in_period = requests.filter(
        pk__in=Referral.objects.filter(period.contains()).values("request_id")
    ).values("company_id")
    in_period = received_in_period.union(referred_in_period)
    company_ids = set(in_period.values_list("company_id", flat=True)) - {None}
    # Each as the company it was merged into. The merged ones are few (the merged_into index finds them), so
    # the period's companies are not joined with the whole company table (a scan of a million rows).
    merged = Company.objects.filter(merged_into__isnull=False, pk__in=in_period)
    merged_into = dict(merged.values_list("pk", "merged_into_id"))
    return len({merged_into.get(pk, pk) for pk in company_ids})


def _duration_seconds(value) -> float | None:
    return None if value is None else value.total_seconds()


def _median_duration(queryset: QuerySet, expression) -> float | None:
    """The median of a duration expression over `queryset`, in seconds.

    PostgreSQL: `percentile_cont(0.5)` in one query. SQLite (development only): two small queries, the
    count and the one or two middle values by ORDER BY/OFFSET, so it is still computed in the database.
    """
    annotated = queryset.annotate(_d=ExpressionWrapper(expression, output_field=DurationField()))
    if connection.vendor == "postgresql":
        return _duration_seconds(annotated.aggregate(m=Median("_d", output_field=DurationField()))["m"])
    total = annotated.count()
    if not total:
        return None
    middle = list(annotated.order_by("_d").values_list("_d", flat=True)[(total - 1) // 2 : total // 2 + 1])
    return sum(_duration_seconds(d) for d in middle) / len(middle)


def speed(scope: Scope, period: Period, filters: Filters, *, now: datetime | None = None) -> dict:
    """Median time to first response, and the share that reached the final owner within one working day.

    - Median: over requests received in the period that have a first response, of
      `first_response_at - created_at` (calendar time, in seconds).
    - Within one working day: a request counts when its current owner got it (`owner_since`) no later than
      its first-response deadline (`first_response_due_at`: the end of the next Swedish working day after
      it arrived). The denominator is the requests received in the period that are decided: owned, or
      past that deadline without an owner.
    """
    now = now or timezone.now()
    facts = _once_per_request(facts_for(scope, period, filters), filters)
    counts = facts.aggregate(
        owned_total=Coalesce(Sum("owned"), 0),
        on_time=Coalesce(Sum("owned_on_time"), 0),
        unowned_past_deadline=Coalesce(
            Sum(F("requests") - F("owned"), filter=Q(first_response_due_at__lt=now)), 0
        ),
    )
    counts["decided"] = counts["owned_total"] + counts["unowned_past_deadline"]
    requests = received(scope, period, filters)
    median = _median_duration(
        requests.filter(first_response_at__isnull=False), F("first_response_at") - F("created_at")
    )
    share = round(100 * counts["on_time"] / counts["decided"], 1) if counts["decided"] else None
    return {
        "median_first_response_seconds": median,
        "median_first_response_hours": None if median is None else round(median / 3600, 1),
        "decided": counts["decided"],
        "owner_within_one_working_day": counts["on_time"],
        "owner_within_one_working_day_percent": share,
    }


def workload(scope: Scope, filters: Filters, *, now: datetime | None = None) -> dict:
    """Open and overdue requests now, per organisation and per advisor (the period does not apply).

    Overdue: open, no first response yet, and the first-response deadline has passed.
    """
    now = now or timezone.now()
    open_requests = requests_for(scope, filters).exclude(status=AdviceRequest.Status.CLOSED)
    overdue = Q(first_response_at__isnull=True, first_response_due_at__lt=now)
    # One query, grouped by owner (organisation and advisor); the two tables are sums of its rows.
    rows = open_requests.values(
        organisation_key=F("owner_organisation__slug"),
        organisation_label=F("owner_organisation__name"),
        advisor_key=F("owner_advisor_id"),
        advisor_label=F("owner_advisor__full_name"),
    ).annotate(
        # Columns of the open requests' index (request_open_region_idx), so that it is read alone; an overdue
        # request has a deadline, so counting the deadlines counts the overdue.
        open=Count("*"),
        overdue=Count("first_response_due_at", filter=overdue),
    )
    per_organisation: dict = {}
    per_advisor: dict = {}
    for row in rows.order_by():  # one row per owner, not per request
        for totals, kind in ((per_organisation, "organisation"), (per_advisor, "advisor")):
            if kind == "advisor" and row["advisor_key"] is None:
                continue
            key = row[f"{kind}_key"]
            total = totals.setdefault(
                key, {"key": key, "label": row[f"{kind}_label"], "open": 0, "overdue": 0}
            )
            total["open"] += row["open"]
            total["overdue"] += row["overdue"]

    def ordered(totals: dict) -> list[dict]:
        return sorted(
            totals.values(), key=lambda row: (-row["open"], row["label"] is None, row["label"] or "")
        )

    return {"per_organisation": ordered(per_organisation), "per_advisor": ordered(per_advisor)}


def referral_matrix(scope: Scope, period: Period, filters: Filters) -> list[dict]:
    """Referrals sent in the period between partners, from → to, for requests in scope.

    Each referral counts, so one declined and then made again counts twice. Acceptance rate: accepted
    among the answered (accepted or declined). Median time to answer: `answered_at - created_at` over the
    answered ones (PostgreSQL; SQLite shows none per pair).
    """
    referrals = Referral.objects.filter(period.contains(), request__in=requests_for(scope, filters))
    answered = Q(status__in=[Referral.Status.ACCEPTED, Referral.Status.DECLINED])
    annotations = {
        "count": Count("pk"),
        "answered": Count("pk", filter=answered),
        "accepted": Count("pk", filter=Q(status=Referral.Status.ACCEPTED)),
    }
    if connection.vendor == "postgresql":
        annotations["median"] = Median(
            ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField()),
            filter=answered,
            output_field=DurationField(),
        )
    rows = (
        referrals.values(
            from_key=F("from_organisation__slug"),
            from_label=F("from_organisation__name"),
            to_key=F("to_organisation__slug"),
            to_label=F("to_organisation__name"),
        )
        .annotate(**annotations)
        .order_by("from_label", "to_label")
    )
    result = []
    for row in rows:  # one row per pair of organisations, not per referral
        median = _duration_seconds(row.pop("median", None))
        row["acceptance_percent"] = (
            round(100 * row["accepted"] / row["answered"], 1) if row["answered"] else None
        )
        row["median_answer_hours"] = None if median is None else round(median / 3600, 1)
        result.append(row)
    return result


def outreach_funnel(scope: Scope, period: Period, filters: Filters) -> list[dict]:
    """Per campaign of the region that runs during the period: the companies on its target list and how
    many were contacted, went on to a request and became exporters (one query, grouped by campaign).

    - Targeted: on the target list (not removed).
    - Contacted: an activity logged for the membership, or a status other than "to contact".
    - Went on to a request: the company (or the company it was merged into) has a request received on
      or after the campaign's first day, or the status says so.
    - Became exporters: the company's first sign of international business is on or after the
      campaign's first day, or the status is "now exporting".
    """
    from outreach.models import Activity, CampaignMember

    Status = CampaignMember.Status
    members = CampaignMember.objects.filter(
        removed_at__isnull=True,
        campaign__region=scope.region,
        campaign__starts_on__lte=period.end,
        campaign__ends_on__gte=period.start,
    ).filter(filters.company_q())
    if scope.organisation_id:
        members = members.filter(campaign__organisation_id=scope.organisation_id)
    if filters.organisation_id:
        members = members.filter(campaign__organisation_id=filters.organisation_id)
    has_activity = Exists(Activity.objects.filter(campaign_member=OuterRef("pk")))
    # Two probes by company id (each served by the foreign key's index), not one `company OR merged_into`
    # join that PostgreSQL can only answer by scanning every request once per member (issue 16).
    since_start = Q(created_at__date__gte=OuterRef("campaign__starts_on"))
    merged_away = Company.objects.filter(merged_into=OuterRef(OuterRef("company"))).values("pk")
    has_request = Exists(AdviceRequest.objects.filter(since_start, company=OuterRef("company"))) | Exists(
        AdviceRequest.objects.filter(since_start, company__in=merged_away)
    )
    contacted = has_activity | ~Q(status=Status.TO_CONTACT)
    requested = has_request | Q(status__in=[Status.REQUEST_CREATED, Status.NOW_EXPORTING])
    exporting = Q(company__became_international_on__gte=F("campaign__starts_on")) | Q(
        status=Status.NOW_EXPORTING
    )
    rows = (
        members.values(key=F("campaign__public_id"), label=F("campaign__name"))
        .annotate(
            targeted=Count("pk"),
            contacted=Count("pk", filter=contacted),
            requested=Count("pk", filter=requested),
            exporting=Count("pk", filter=exporting),
        )
        .order_by("label", "key")
    )
    return [{**row, "key": str(row["key"])} for row in rows]
