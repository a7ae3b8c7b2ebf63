"""Reads of participations, support, de minimis aid and undertaking links: the lists, the project page's
and the company page's panels, and the ceiling status."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from advisors import access
from advisors.access import Action
from companies.models import Company
from companies.selectors import MAX_SEARCH_LENGTH, search, visible_companies
from exportcenter.panels import probe

from ..models import DeMinimisAid, Participation, Project, Support, UndertakingLink

PARTICIPATION_LIST_RELATED = ("project", "company", "company__municipality")
AID_LIST_RELATED = ("company", "project", "support", "recorded_by", "overridden_by")
PANEL_LIMIT = 200
PROJECT_PANEL_ROWS = 50  # the project page's companies; the count and the totals cover them all


# --- The de minimis ceiling: the single undertaking, the rolling window, the totals ---------------------


def ceiling_eur() -> Decimal:
    return Decimal(settings.DE_MINIMIS_CEILING_EUR)


def window_start(on: date) -> date:
    """The first day of the rolling window that ends on `on` (inclusive)."""
    return on - relativedelta(years=settings.DE_MINIMIS_YEARS) + timedelta(days=1)


def window_end(start: date) -> date:
    """The last day of a window that starts on `start`: its inverse (for the later windows a grant is in)."""
    return start + relativedelta(years=settings.DE_MINIMIS_YEARS) - timedelta(days=1)


def undertaking_ids(company_ids) -> set[int]:
    """The ids of the single undertaking of these companies: links (transitive) and mergers, both ways.

    One recursive query, however long the chain (UNION, not UNION ALL: a cycle of links ends). PostgreSQL
    follows each step down the indexes of the links' two companies and of `merged_into` (0.5 ms at
    1,000,000 companies); a walk in Python took two queries a step."""
    found = {getattr(company, "pk", company) for company in company_ids}
    if not found:
        return found
    with connection.cursor() as cursor:
        cursor.execute(*_undertaking(found))
        found.update(pk for (pk,) in cursor.fetchall())
    return found


def undertaking_companies(company_ids) -> QuerySet[Company]:
    """The companies of the single undertaking of these (existing) companies, the walk as a subquery."""
    sql, ids = _undertaking({getattr(company, "pk", company) for company in company_ids})
    return Company.objects.filter(pk__in=RawSQL(sql, ids))  # noqa: S611 # nosec B611: _undertaking_sql's own names


def _undertaking(seeds: set) -> tuple[str, list]:
    return _undertaking_sql().format(seeds=", ".join(["%s"] * len(seeds))), sorted(seeds)


@cache
def _undertaking_sql() -> str:
    link, company = UndertakingLink._meta, Company._meta
    links, companies = connection.ops.quote_name(link.db_table), connection.ops.quote_name(company.db_table)
    one, other = (
        connection.ops.quote_name(link.get_field(name).column) for name in ("company", "linked_company")
    )
    pk, merged = (connection.ops.quote_name(company.get_field(name).column) for name in ("id", "merged_into"))
    # The models' own table and column names, quoted; the ids are parameters.
    sql = (
        f"WITH RECURSIVE undertaking(id) AS (SELECT {pk} FROM {companies} WHERE {pk} IN ({{seeds}})"  # noqa: S608 # nosec B608
        f" UNION SELECT edge.other FROM undertaking JOIN (SELECT {one} AS one, {other} AS other FROM {links}"
        f" UNION ALL SELECT {other}, {one} FROM {links}"
        f" UNION ALL SELECT {pk}, {merged} FROM {companies} WHERE {merged} IS NOT NULL"
        f" UNION ALL SELECT {merged}, {pk} FROM {companies} WHERE {merged} IS NOT NULL"
        ") AS edge ON edge.one = undertaking.id) SELECT id FROM undertaking"
    )
    return sql


@dataclass(frozen=True)
class Ceiling:
    """The de minimis figures of an undertaking for a window: what it got, a new grant, and the ceiling."""

    window_from: date
    window_to: date
    total_eur: Decimal  # granted in the window before the new grant
    amount_eur: Decimal = Decimal(0)  # the new grant (0: just the status)
    ceiling_eur: Decimal = field(default_factory=ceiling_eur)

    @property
    def would_be_eur(self) -> Decimal:
        return self.total_eur + self.amount_eur

    @property
    def remaining_eur(self) -> Decimal:
        """Headroom before the new grant (negative: over the ceiling already)."""
        return self.ceiling_eur - self.total_eur

    @property
    def passes(self) -> bool:
        return self.would_be_eur > self.ceiling_eur

    @property
    def over_by_eur(self) -> Decimal:
        return max(self.would_be_eur - self.ceiling_eur, Decimal(0))

    def as_dict(self) -> dict[str, str]:
        return {
            "ceiling_eur": str(self.ceiling_eur),
            "window_from": self.window_from.isoformat(),
            "window_to": self.window_to.isoformat(),
            "total_eur": str(self.total_eur),
            "amount_eur": str(self.amount_eur),
            "would_be_eur": str(self.would_be_eur),
            "over_by_eur": str(self.over_by_eur),
        }


def ceiling_status(company_ids, on: date | None = None) -> Ceiling:
    """The undertaking's total in the window ending `on` (default today), and its headroom."""
    on = on or timezone.localdate()
    start = window_start(on)
    total = DeMinimisAid.objects.filter(
        company_id__in=company_ids, granted_on__gte=start, granted_on__lte=on
    ).aggregate(total=Sum("amount_eur"))["total"]
    return Ceiling(window_from=start, window_to=on, total_eur=total or Decimal(0))


# --- Participations and aid -----------------------------------------------------------------------------


def visible_participations(user) -> QuerySet[Participation]:
    return access.visible(user, Participation.objects.all()).select_related(*PARTICIPATION_LIST_RELATED)


def participation_detail(user, public_id) -> Participation | None:
    return (
        visible_participations(user)
        .prefetch_related(
            Prefetch("supports", queryset=Support.objects.select_related("aid").order_by("given_on", "pk"))
        )
        .filter(public_id=public_id)
        .first()
    )


def visible_aid(user) -> QuerySet[DeMinimisAid]:
    return access.visible(user, DeMinimisAid.objects.all()).select_related(*AID_LIST_RELATED)


def visible_supports(user) -> QuerySet[Support]:
    return access.visible(user, Support.objects.all()).select_related(
        "participation__project", "participation__company"
    )


@dataclass
class ProjectParticipations:
    """The project page's panel: the companies taking part, each with its support and aid."""

    project: Project
    rows: list = field(default_factory=list)
    can_enrol: bool = False
    total_hours: Decimal = Decimal(0)
    total_value_sek: Decimal = Decimal(0)
    count: int = 0  # every company taking part that the user sees; `rows` holds the first PROJECT_PANEL_ROWS

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.rows))


_PANEL_PARTICIPATION_FIELDS = (
    *(field.name for field in Participation._meta.concrete_fields),
    "company__name",
)
_PANEL_SUPPORT_FIELDS = ("participation", "kind", "given_on", "hours", "value_sek", "aid__id")


def project_participations(user, project: Project) -> ProjectParticipations:
    """The first PROJECT_PANEL_ROWS companies (a page of a few hundred rows costs several times the floor to
    render), with the count and the totals of hours and value over every one the user sees (one query)."""
    participations = visible_participations(user).filter(project=project)
    # What the panel shows (the project is the page's own): the rest of each row unread, −40 % at 1M.
    supports = Support.objects.select_related("aid").only(*_PANEL_SUPPORT_FIELDS).order_by("given_on", "pk")
    rows = list(
        participations.select_related(None)
        .select_related("company")
        .only(*_PANEL_PARTICIPATION_FIELDS)
        .prefetch_related(Prefetch("supports", queryset=supports))[:PROJECT_PANEL_ROWS]
    )
    for row in rows:
        row.hours_total = sum((s.hours for s in row.supports.all()), Decimal(0))
        row.value_total = sum((s.value_sek for s in row.supports.all()), Decimal(0))
    count = len(rows)
    hours = sum((row.hours_total for row in rows), Decimal(0))
    value = sum((row.value_total for row in rows), Decimal(0))
    if count == PROJECT_PANEL_ROWS:
        totals = Support.objects.filter(participation__in=participations.values("pk")).aggregate(
            hours=Sum("hours"), value=Sum("value_sek")
        )
        count = participations.count()
        hours, value = totals["hours"] or Decimal(0), totals["value"] or Decimal(0)
    return ProjectParticipations(
        project=project,
        rows=rows,
        can_enrol=access.can(user, Action.CHANGE, project),
        total_hours=hours,
        total_value_sek=value,
        count=count,
    )


@dataclass
class CompanyAid:
    """The company page's panel "De minimis aid": the undertaking's rolling total and headroom, its grants
    (those the user sees; the total counts every one), and the links that make it one undertaking."""

    company: Company
    status: Ceiling
    grants: list = field(default_factory=list)
    hidden_grants: int = 0
    undertaking: list = field(default_factory=list)  # the other companies of the single undertaking
    links: list = field(default_factory=list)  # the company's own links (removable)
    participations: list = field(default_factory=list)
    can_record: bool = False
    can_link: bool = False


def undertaking_of(company: Company) -> set[int]:
    """The single undertaking's company ids (a merged company's: the one it merged into, with it)."""
    return undertaking_ids([company.merged_into_id or company.pk])


def ceiling_status_of(company: Company) -> Ceiling:
    """The company's undertaking's rolling total and headroom today."""
    return ceiling_status(undertaking_of(company))


def company_aid_probes() -> dict[str, Exists]:
    """What the company page asks first (exportcenter.panels): whether any aid, link, participation or
    merger concerns the company. Most companies have none, and the panel then needs no more reads."""
    about = OuterRef("pk")
    return {
        "aid": Exists(DeMinimisAid.objects.filter(company=about)),
        "links": Exists(UndertakingLink.objects.filter(Q(company=about) | Q(linked_company=about))),
        "participations": Exists(Participation.objects.filter(company=about)),
        "merged": Exists(Company.objects.filter(merged_into=about)),
    }


def _window_figures(window: QuerySet[DeMinimisAid], today: date) -> dict[str, Subquery]:
    """The ceiling's total (as ceiling_status) and the number of grants of `window`, as two scalar
    subqueries: the same for every row they annotate (uncorrelated, so the database reads them once)."""
    return {
        "window_total": Subquery(
            window.filter(granted_on__lte=today)
            .order_by()
            .values(total=Func("amount_eur", function="SUM", output_field=DecimalField()))[:1]
        ),
        "window_count": Subquery(
            window.order_by().values(count=Func("pk", function="COUNT", output_field=IntegerField()))[:1]
        ),
    }


def company_aid(user, company: Company, found: dict | None = None) -> CompanyAid:
    """The company page's panel; `found`: the answers to company_aid_probes (asked here when not given).
    A company merged into another always has its undertaking to show; one with neither links nor merged
    companies is an undertaking of its own, with no walk to read."""
    merged_away = company.merged_into_id is not None
    can_record = not merged_away and access.can(user, Action.CREATE, DeMinimisAid(company=company))
    new_link = UndertakingLink(company=company, linked_company=company)
    can_link = not merged_away and access.can(user, Action.CREATE, new_link)
    if found is None:
        found = (
            dict.fromkeys(company_aid_probes(), True) if merged_away else probe(company, company_aid_probes())
        )
    if not merged_away and not any(found.values()):
        today = timezone.localdate()
        status = Ceiling(window_from=window_start(today), window_to=today, total_eur=Decimal(0))
        return CompanyAid(company=company, status=status, can_record=can_record, can_link=can_link)
    undertaking: list[Company] = []
    if merged_away or found["links"] or found["merged"]:
        undertaking = list(
            undertaking_companies([company.merged_into_id or company.pk])
            .exclude(pk=company.pk)
            .select_related("merged_into")
            .order_by("name", "pk")
        )
    ids = {company.pk, *(other.pk for other in undertaking)}
    today = timezone.localdate()
    start = window_start(today)
    # The grants the user sees, each row carrying the undertaking's window figures (every grant counted,
    # seen or not): one query. Only when the user sees none is the window asked on its own.
    window = DeMinimisAid.objects.filter(company_id__in=ids, granted_on__gte=start)
    grants = list(
        visible_aid(user)
        .filter(company_id__in=ids)
        .annotate(**_window_figures(window, today))
        .order_by("-granted_on", "-pk")[:PANEL_LIMIT]
    )
    if grants:
        figures = {"total": grants[0].window_total, "count": grants[0].window_count}
    else:
        figures = window.aggregate(
            total=Sum("amount_eur", filter=Q(granted_on__lte=today)), count=Count("pk")
        )
    # The window's grants the user does not see: those counted but not listed.
    hidden = figures["count"] - sum(1 for grant in grants if grant.granted_on >= start)
    links = (
        access.visible(user, UndertakingLink.objects.filter(Q(company=company) | Q(linked_company=company)))
        .select_related("company", "linked_company")
        .order_by("pk")
    )
    participations = visible_participations(user).filter(company=company).order_by("-joined_on", "pk")
    return CompanyAid(
        company=company,
        status=Ceiling(window_from=start, window_to=today, total_eur=figures["total"] or Decimal(0)),
        grants=grants,
        hidden_grants=hidden if len(grants) < PANEL_LIMIT else 0,
        undertaking=undertaking,
        links=list(links) if found["links"] else [],
        participations=list(participations) if found["participations"] else [],
        can_record=can_record,
        can_link=can_link,
    )


def company_choices(
    user, text: str = "", *, exclude: Company | None = None, limit: int = 20
) -> list[Company]:
    """Companies the user sees, found by name or organisation number (to enrol, or to link)."""
    text = (text or "").strip()[:MAX_SEARCH_LENGTH]
    if not text:
        return []
    companies = search(visible_companies(user, name_search=text), text)
    if exclude is not None:
        companies = companies.exclude(pk=exclude.pk)
    return list(companies.select_related("municipality")[:limit])
