"""Reads of projects and programmes, always through advisors.access."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from advisors import access
from advisors.models import Organisation, Region
from companies.models import Company
from exportcenter.unique import one_or_none

from ..models import Programme, Project, ProjectActivity, ProjectPartner

MAX_SEARCH_LENGTH = 200
# The list's related paths: one query for the page, whatever its length.
PROJECT_LIST_RELATED = ["programme", "region"]


@dataclass(frozen=True)
class ProjectFilters:
    status: str = ""
    programme: Programme | None = None
    region: Region | None = None
    search: str = ""


def visible_projects(user) -> QuerySet[Project]:
    return access.visible(user, Project.objects.all())


def project_list(user, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    """The projects the user sees, filtered, with what the list shows (partner count, lead partner)."""
    filters = filters or ProjectFilters()
    projects = visible_projects(user).select_related(*PROJECT_LIST_RELATED)
    if filters.status:
        projects = projects.filter(status=filters.status)
    if filters.programme is not None:
        projects = projects.filter(programme=filters.programme)
    if filters.region is not None:
        projects = projects.filter(Q(region=filters.region) | Q(regions=filters.region)).distinct()
    if text := filters.search.strip()[:MAX_SEARCH_LENGTH]:
        projects = projects.filter(
            Q(name__icontains=text) | Q(acronym__icontains=text) | Q(description__icontains=text)
        )
    projects = projects.annotate(partner_count=Count("partners", distinct=True)).order_by(
        "-starts_on", "name", "pk"
    )
    return projects.prefetch_related(
        Prefetch(
            "partners",
            queryset=ProjectPartner.objects.filter(is_lead=True).select_related("organisation"),
            to_attr="lead_partners",
        )
    )


def project_for_api(user) -> QuerySet[Project]:
    return (
        visible_projects(user)
        .select_related(*PROJECT_LIST_RELATED)
        .prefetch_related(
            Prefetch("partners", queryset=ProjectPartner.objects.select_related("organisation")),
            Prefetch("regions", queryset=Region.objects.order_by("name")),
        )
    )


def project_detail(user, public_id) -> Project | None:
    """One visible project with its partners, regions and activities (their visitors and companies)."""
    return one_or_none(
        visible_projects(user)
        .select_related(*PROJECT_LIST_RELATED, "created_by")
        .prefetch_related(
            Prefetch("partners", queryset=ProjectPartner.objects.select_related("organisation")),
            Prefetch("regions", queryset=Region.objects.order_by("name")),
            Prefetch(
                "activity_links",
                queryset=ProjectActivity.objects.select_related(
                    "activity", "activity__company", "activity__organisation"
                ).prefetch_related(
                    Prefetch(
                        "visiting_partners", queryset=ProjectPartner.objects.select_related("organisation")
                    )
                ),
            ),
        )
        .filter(public_id=public_id)
    )


def activities_of(user, project: Project) -> list[ProjectActivity]:
    """The project's activities; the company of an activity is shown only to those who may see it."""
    links = list(project.activity_links.all())
    companies = {link.activity.company_id for link in links}
    seen = set(access.visible(user, Company.objects.filter(pk__in=companies)).values_list("pk", flat=True))
    for link in links:
        link.company_visible = link.activity.company_id in seen
    return links


# --- Choices for the forms ------------------------------------------------------------------------------


def recording_regions(user, project: Project | None = None) -> QuerySet[Region]:
    """The regions a project can be recorded in: the user's own (and the project's, which may stay)."""
    rule = Q(pk__in=access.region_ids(user), is_active=True)
    if project is not None:
        rule |= Q(pk=project.region_id)
    return Region.objects.filter(rule).order_by("name")


def participating_region_choices() -> QuerySet[Region]:
    return Region.objects.filter(is_active=True).order_by("name")


def programme_choices(project: Project | None = None) -> QuerySet[Programme]:
    """Programmes open for new projects (and the project's own, if it was closed since)."""
    rule = Q(is_active=True)
    if project is not None and project.programme_id:
        rule |= Q(pk=project.programme_id)
    return Programme.objects.filter(rule).order_by("name_sv")


def partner_organisation_choices() -> QuerySet[Organisation]:
    return Organisation.objects.active().order_by("name")


def visible_programmes(user) -> QuerySet[Programme]:
    return access.visible(user, Programme.objects.all()).annotate(project_count=Count("projects"))


def find_company(user, org_number: str) -> Company | None:
    """A company the user sees, by its organisation number (10 digits)."""
    return access.visible(user, Company.objects.active()).filter(org_number=org_number).first()
