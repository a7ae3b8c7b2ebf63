"""`seed_volume --projects`: EU-funded projects with partners, participations, support, de minimis aid and
undertaking links that look like what the services write, topped up on a re-run."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.urls import reverse

from advisors.models import User
from projects.models import (
    DeMinimisAid,
    Participation,
    Project,
    ProjectPartner,
    Support,
    SupportKind,
    UndertakingLink,
)
from projects.sizes import size_class
from tests.module_db import rows_for_this_module

# seed_volume writes with COPY (and drops and rebuilds indexes): PostgreSQL only, as the command says.
pytestmark = pytest.mark.postgres


SIZES = {"companies": 300, "requests": 40, "regions": 2, "campaigns": 0}


def seed(**sizes) -> str:
    out = StringIO()
    call_command(
        "seed_volume", *[f"--{name}={value}" for name, value in {**SIZES, **sizes}.items()], stdout=out
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with rows_for_this_module(django_db_blocker):
        with django_db_blocker.unblock():
            output = seed(projects=6)
        yield output


@pytest.fixture
def data(seeded, db):
    return seeded


def volume_projects():
    return Project.objects.filter(name__startswith="Volym ")


def test_projects_with_partners_and_one_lead(data):
    assert "projects: 6 added" in data
    assert volume_projects().count() == 6
    for project in volume_projects().annotate(leads=Count("partners", filter=Q(partners__is_lead=True))):
        assert project.leads == 1, project
        assert project.regions.filter(pk=project.region_id).exists()
        assert project.partners.filter(organisation__isnull=False).exists()
        assert project.eu_cofinancing_eur + project.national_cofinancing_eur == project.budget_total_eur
        if project.programme.is_interreg:
            assert project.partners.exclude(country="SE").filter(organisation__isnull=True).exists()
    assert ProjectPartner.objects.filter(project__in=volume_projects(), organisation__isnull=True).exists()


def test_participations_with_a_size_snapshot_and_support(data):
    participations = Participation.objects.filter(project__in=volume_projects()).select_related("company")
    per_project = volume_projects().annotate(n=Count("participations")).values_list("n", flat=True)
    assert all(10 <= n <= 200 for n in per_project)  # 300 companies: every pool holds at least 10
    for row in participations:
        assert row.size_class == size_class(row.company.employee_band, row.company.turnover_class_id)
        assert row.joined_on >= row.project.starts_on
        # The company's counties are among the project's region's.
        assert row.company.municipality.county_id in {c.code for c in row.project.region.counties.all()}
    assert not participations.filter(supports__isnull=True).exists()
    assert Support.objects.filter(participation__in=participations, kind=SupportKind.GRANT).exists()


def test_aid_on_grants_in_euro_and_links_ordered(data):
    aid = DeMinimisAid.objects.filter(granting_body__endswith="(volym)")
    assert aid.exists()
    for row in aid.filter(support__isnull=False).select_related("support__participation"):
        assert row.support.kind == SupportKind.GRANT
        assert row.company_id == row.support.participation.company_id
        assert row.amount == row.support.value_sek
        assert row.amount_eur == (row.amount / row.sek_per_eur).quantize(Decimal("0.01"))
    assert not UndertakingLink.objects.filter(company_id__gte=F("linked_company_id")).exists()


def test_pages_render_for_regional_staff(data, client):
    project = volume_projects().annotate(n=Count("participations")).order_by("-n").first()
    staff = User.objects.filter(role=User.Role.REGIONAL_STAFF, organisation__regions=project.region).first()
    client.force_login(staff)
    company = DeMinimisAid.objects.filter(project=project).first().company
    for url in (
        reverse("projects:project_list"),
        reverse("projects:project_detail", args=[project.public_id]),
        reverse("projects:indicators", args=[project.public_id]),
        reverse("companies:detail", args=[company.public_id]),
        "/api/v1/projects/",
        "/api/v1/aid/",
        f"/api/v1/projects/{project.public_id}/indicators/",
    ):
        assert client.get(url).status_code == 200, url


def test_rerun_tops_up_without_duplicates(data):
    participations = Participation.objects.count()
    assert "projects: 0 added" in seed(projects=6)
    assert Participation.objects.count() == participations
    assert "projects: 2 added" in seed(projects=8)
    assert volume_projects().count() == 8
    assert volume_projects().values("name").distinct().count() == 8
    assert Participation.objects.count() > participations
