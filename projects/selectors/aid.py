"""Reads of participations, support, de minimis aid and undertaking links: the lists, the project page's
and the company page's panels, and the ceiling status."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from advisors import access
from advisors.access import Action
from companies.models import Company
from companies.selectors import MAX_SEARCH_LENGTH, search, visible_companies

from ..models import DeMinimisAid, Participation, Project, Support, UndertakingLink
from ..services import aid as aid_services

PARTICIPATION_LIST_RELATED = ("project", "company", "company__municipality")
AID_LIST_RELATED = ("company", "project", "support", "recorded_by", "overridden_by")
PANEL_LIMIT = 200


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


def project_participations(user, project: Project) -> ProjectParticipations:
    rows = list(
        visible_participations(user)
        .filter(project=project)
        .prefetch_related(
            Prefetch("supports", queryset=Support.objects.select_related("aid").order_by("given_on", "pk"))
        )[:PANEL_LIMIT]
    )
    for row in rows:
        row.hours_total = sum((s.hours for s in row.supports.all()), Decimal(0))
        row.value_total = sum((s.value_sek for s in row.supports.all()), Decimal(0))
    return ProjectParticipations(
        project=project,
        rows=rows,
        can_enrol=access.can(user, Action.CHANGE, project),
        total_hours=sum((row.hours_total for row in rows), Decimal(0)),
        total_value_sek=sum((row.value_total for row in rows), Decimal(0)),
    )


@dataclass
class CompanyAid:
    """The company page's panel "De minimis aid": the undertaking's rolling total and headroom, its grants
    (those the user sees; the total counts every one), and the links that make it one undertaking."""

    company: Company
    status: aid_services.Ceiling
    grants: list = field(default_factory=list)
    hidden_grants: int = 0
    undertaking: list = field(default_factory=list)  # the other companies of the single undertaking
    links: list = field(default_factory=list)  # the company's own links (removable)
    participations: list = field(default_factory=list)
    can_record: bool = False
    can_link: bool = False


def undertaking_of(company: Company) -> set[int]:
    """The single undertaking's company ids (a merged company's: the one it merged into, with it)."""
    return aid_services.undertaking_ids([company.merged_into_id or company.pk])


def ceiling_status_of(company: Company) -> aid_services.Ceiling:
    """The company's undertaking's rolling total and headroom today."""
    return aid_services.ceiling_status(undertaking_of(company))


def company_aid(user, company: Company) -> CompanyAid:
    ids = undertaking_of(company)
    status = aid_services.ceiling_status(ids)
    in_window = DeMinimisAid.objects.filter(
        company_id__in=ids, granted_on__gte=aid_services.window_start(status.window_to)
    )
    grants = list(visible_aid(user).filter(company_id__in=ids).order_by("-granted_on", "-pk")[:PANEL_LIMIT])
    shown = {grant.pk for grant in grants}
    hidden = in_window.exclude(pk__in=shown).count() if len(grants) < PANEL_LIMIT else 0
    links = list(
        access.visible(user, UndertakingLink.objects.filter(Q(company=company) | Q(linked_company=company)))
        .select_related("company", "linked_company")
        .order_by("pk")
    )
    probe = UndertakingLink(company=company, linked_company=company)
    return CompanyAid(
        company=company,
        status=status,
        grants=grants,
        hidden_grants=hidden,
        undertaking=list(
            Company.objects.filter(pk__in=ids - {company.pk})
            .select_related("merged_into")
            .order_by("name", "pk")
        ),
        links=links,
        participations=list(
            visible_participations(user).filter(company=company).order_by("-joined_on", "pk")
        ),
        can_record=company.merged_into_id is None
        and access.can(user, Action.CREATE, DeMinimisAid(company=company)),
        can_link=company.merged_into_id is None and access.can(user, Action.CREATE, probe),
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
