"""The funder's indicators of one project for one period, computed from its participations, support and
partners (the rules: `projects.indicators`). A few queries whatever the number of companies: the
participations supported in the period, the kinds of that support, the partners, and, only when a merge
chain is longer than one step, the companies at its end. Portable: PostgreSQL and the embedded SQLite."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Min, Q

from advisors import access
from companies.models import Company
from exportcenter.unique import one_or_none

from .. import indicators as defs
from ..models import Participation, Project, ProjectPartner, SizeClass, Support, SupportKind

MAX_MERGE_CHAIN = 10  # a merge flattens chains; this only guards against a loop in old data


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # included


def project_period(project: Project) -> Period:
    """The default reporting period: the project's whole run."""
    return Period(project.starts_on, project.ends_on)


def three_years_before(day: datetime.date) -> datetime.date:
    years = defs.NEW_ENTERPRISE_YEARS
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def is_new_enterprise(registered_on: datetime.date | None, joined_on: datetime.date) -> bool | None:
    """RCO05: registered less than three years before joining; None when the registration date is unknown."""
    if registered_on is None:
        return None
    return registered_on > three_years_before(joined_on)


@dataclass
class CountedCompany:
    """One company as the indicators count it (the surviving company of a merge)."""

    company: Company
    size_class: str
    joined_on: datetime.date
    registered_on: datetime.date | None
    support_kinds: set[str] = field(default_factory=set)
    first_support_on: datetime.date | None = None
    merged: list[Company] = field(default_factory=list)  # the companies merged into it that took part

    @property
    def is_new(self) -> bool | None:
        return is_new_enterprise(self.registered_on, self.joined_on)

    @property
    def size_label(self) -> str:
        return str(SizeClass(self.size_class).label)

    @property
    def support_labels(self) -> list[str]:
        return [str(kind.label) for kind in SupportKind if kind.value in self.support_kinds]

    def counts_in(self, indicator: defs.Indicator) -> bool:
        if indicator.interreg_only:
            return False
        if indicator.code == defs.RCO05:
            return bool(self.is_new)
        if not indicator.support_kinds:
            return True
        return bool(self.support_kinds.intersection(indicator.support_kinds))


@dataclass(frozen=True)
class CountedPartner:
    name: str
    country: object  # django_countries Country
    region_name: str
    is_lead: bool
    in_portal: bool


@dataclass
class SizeCount:
    size_class: str
    label: str
    value: int


@dataclass
class Figure:
    indicator: defs.Indicator
    value: int | None  # None: not applicable to this project
    companies: list[CountedCompany] = field(default_factory=list)
    partners: list[CountedPartner] = field(default_factory=list)
    sizes: list[SizeCount] = field(default_factory=list)  # RCO01's breakdown
    unknown_registration: list[CountedCompany] = field(default_factory=list)  # RCO05: not known

    @property
    def applicable(self) -> bool:
        return self.value is not None

    @property
    def code(self) -> str:
        return self.indicator.code


@dataclass
class ProjectIndicators:
    project: Project
    period: Period
    figures: list[Figure]
    companies: list[CountedCompany]  # every company counted in RCO01, by name

    def figure(self, code: str) -> Figure:
        return next(figure for figure in self.figures if figure.code == code)


def visible_project(user, public_id) -> Project | None:
    """The project if the user may see it (else None: a 404, never a hint that it exists)."""
    projects = access.visible(user, Project.objects.select_related("programme", "region"))
    return one_or_none(projects.filter(public_id=public_id))


def _in_period(period: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}given_on__gte": period.start, f"{prefix}given_on__lte": period.end})


# What the indicators show of a counted company and the company it merged into (the page, its downloads and
# the API): at 1M a project's 200 participations read two whole company rows each, 24 → 15 ms.
_COMPANY_FIELDS = ("public_id", "name", "org_number", "merged_into")
_COUNTED_COMPANY_FIELDS = (
    *(f"company__{name}" for name in _COMPANY_FIELDS),
    *(f"company__merged_into__{name}" for name in _COMPANY_FIELDS),
)
_PARTICIPATION_FIELDS = tuple(field.name for field in Participation._meta.concrete_fields)


def _supported(project: Project, period: Period) -> list[Participation]:
    """The participations with support in the period, each with `kinds` (the kinds of that support) and
    `first_support_on`. Two queries, on PostgreSQL and SQLite alike."""
    participations = list(
        Participation.objects.filter(project=project)
        .annotate(first_support_on=Min("supports__given_on", filter=_in_period(period, "supports__")))
        .filter(first_support_on__isnull=False)
        .select_related("company", "company__merged_into")
        .only(*_PARTICIPATION_FIELDS, *_COUNTED_COMPANY_FIELDS)
        .order_by("joined_on", "pk")
    )
    kinds: dict[int, set[str]] = {}
    if participations:
        given = (
            Support.objects.filter(_in_period(period), participation__project=project)
            .values_list("participation_id", "kind")
            .order_by()  # not Support's default ordering, which DISTINCT would take in
            .distinct()
        )
        for participation_id, kind in given:
            kinds.setdefault(participation_id, set()).add(kind)
    for participation in participations:
        participation.kinds = kinds.get(participation.pk, set())
    return participations


def _survivors(participations: list[Participation]) -> dict[int, Company]:
    """Each participating company's surviving company. A merge points the merged company's own merged
    companies at the survivor, so one step is the rule; a longer chain (older data) is followed too."""
    survivors = {
        p.company_id: p.company.merged_into if p.company.merged_into_id else p.company for p in participations
    }
    for _step in range(MAX_MERGE_CHAIN):
        further = {company.merged_into_id for company in survivors.values() if company.merged_into_id}
        if not further:
            break
        ends = Company.objects.in_bulk(further)
        survivors = {
            pk: ends[company.merged_into_id] if company.merged_into_id else company
            for pk, company in survivors.items()
        }
    return survivors


def counted_companies(project: Project, period: Period) -> list[CountedCompany]:
    """The companies supported in the period, each once (merged companies as their survivor)."""
    participations = _supported(project, period)
    survivors = _survivors(participations)
    counted: dict[int, CountedCompany] = {}
    for participation in participations:  # by joining date: the earliest enrolment's snapshot stands
        survivor = survivors[participation.company_id]
        row = counted.get(survivor.pk)
        if row is None:
            row = counted[survivor.pk] = CountedCompany(
                company=survivor,
                size_class=participation.size_class
                if participation.size_class in SizeClass.values
                else SizeClass.UNKNOWN,
                joined_on=participation.joined_on,
                registered_on=participation.company_registered_on,
            )
        row.support_kinds.update(participation.kinds)
        if row.first_support_on is None or participation.first_support_on < row.first_support_on:
            row.first_support_on = participation.first_support_on
        if participation.company_id != survivor.pk:
            row.merged.append(participation.company)
    return sorted(counted.values(), key=lambda row: (row.company.name.casefold(), row.company.pk))


def _partner_key(partner: ProjectPartner) -> tuple:
    if partner.organisation_id:
        return ("portal", partner.organisation_id)
    return ("outside", " ".join(partner.name.split()).casefold(), str(partner.country))


def counted_partners(project: Project) -> list[CountedPartner]:
    """The project's partners, each organisation once (the lead partner's row wins)."""
    rows: dict[tuple, CountedPartner] = {}
    partners = project.partners.all()  # the project page has prefetched them (with their organisations)
    if "partners" not in getattr(project, "_prefetched_objects_cache", {}):
        partners = partners.select_related("organisation")
    for partner in sorted(partners, key=lambda partner: (not partner.is_lead, partner.pk)):
        rows.setdefault(
            _partner_key(partner),
            CountedPartner(
                name=partner.display_name,
                country=partner.country,
                region_name=partner.region_name,
                is_lead=partner.is_lead,
                in_portal=partner.organisation_id is not None,
            ),
        )
    return sorted(rows.values(), key=lambda row: (not row.is_lead, row.name.casefold()))


def _runs_in(project: Project, period: Period) -> bool:
    return project.starts_on <= period.end and project.ends_on >= period.start


def project_indicators(project: Project, period: Period | None = None) -> ProjectIndicators:
    """Every indicator of the project for the period (default: the project's whole run)."""
    period = period or project_period(project)
    companies = counted_companies(project, period)
    figures = []
    for indicator in defs.INDICATORS:
        if indicator.interreg_only:
            if not project.programme.is_interreg:
                figures.append(Figure(indicator, None))
                continue
            partners = counted_partners(project) if _runs_in(project, period) else []
            figures.append(Figure(indicator, len(partners), partners=partners))
            continue
        rows = [row for row in companies if row.counts_in(indicator)]
        figure = Figure(indicator, len(rows), companies=rows)
        if indicator.code == defs.RCO01:
            figure.sizes = [
                SizeCount(size, str(SizeClass(size).label), sum(1 for r in rows if r.size_class == size))
                for size in defs.SIZE_BREAKDOWN
            ]
        if indicator.code == defs.RCO05:
            figure.unknown_registration = [row for row in companies if row.is_new is None]
        figures.append(figure)
    return ProjectIndicators(project=project, period=period, figures=figures, companies=companies)


def companies_seen(user, rows: list[CountedCompany]) -> set[int]:
    """The ids of the counted companies the user may open (one query)."""
    ids = [row.company.pk for row in rows]
    if not ids:
        return set()
    return set(access.visible(user, Company.objects.filter(pk__in=ids)).values_list("pk", flat=True))


def headline(project: Project) -> ProjectIndicators:
    """The project page's panel: the whole run."""
    return project_indicators(project)
