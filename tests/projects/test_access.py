"""The access matrix of projects: every role against a project, its parts and the programmes, through
advisors.access and through the pages and the API (the same answers)."""

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from advisors import access
from advisors.access import Action
from projects.models import Programme, Project, ProjectActivity, ProjectPartner
from tests.projects.factories import OutsidePartnerFactory, ProjectActivityFactory
from tests.projects.project_fixtures import *  # noqa: F403 - fixtures

pytestmark = pytest.mark.django_db

# role: (sees the Uppsala project, changes it, creates projects, keeps programmes, sees the Gävleborg one)
MATRIX = {
    "advisor": (True, True, False, False, False),
    "organisation_lead": (True, True, True, False, False),
    "regional_staff": (True, True, True, True, False),
    "other_advisor": (True, False, False, False, False),
    "other_lead": (True, False, True, False, False),
    "national": (False, False, False, False, False),
    "other_region_advisor": (False, False, False, False, True),
    "other_region_staff": (False, False, True, True, True),
    "partner_in_other_region": (True, True, False, False, True),
}


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_the_access_module(role, people, project, far_project):
    user = people[role]
    sees, changes, creates, keeps, sees_far = MATRIX[role]
    assert access.can(user, Action.VIEW, project) is sees
    assert access.visible(user, Project.objects.filter(pk=project.pk)).exists() is sees
    assert access.can(user, Action.CHANGE, project) is changes
    assert access.can(user, Action.CREATE, Project) is creates
    assert access.can(user, Action.CREATE, Programme) is keeps
    assert access.can(user, Action.VIEW, far_project) is sees_far
    # The project's parts follow it.
    partner = OutsidePartnerFactory(project=project)
    visit = ProjectActivityFactory(project=project)
    assert access.visible(user, ProjectPartner.objects.filter(pk=partner.pk)).exists() is sees
    assert access.visible(user, ProjectActivity.objects.filter(pk=visit.pk)).exists() is sees
    assert access.can(user, Action.CHANGE, partner) is changes
    assert access.can(user, Action.CREATE, ProjectActivity(project=project)) is changes
    # Nobody records a project in another's region.
    assert access.can(user, Action.CREATE, Project(region=far_project.region)) is (
        role == "other_region_staff"
    )


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_the_pages_agree(role, client, people, project):
    sees, changes, creates, keeps, _sees_far = MATRIX[role]
    client.force_login(people[role])
    assert client.get(en("projects:project_detail", public_id=project.public_id)).status_code == (
        200 if sees else 404
    )
    edit = client.get(en("projects:project_edit", public_id=project.public_id)).status_code
    assert edit == (200 if changes else 403 if sees else 404)
    assert client.get(en("projects:partner_add", public_id=project.public_id)).status_code == edit
    assert client.get(en("projects:activity_add", public_id=project.public_id)).status_code == edit
    assert client.get(en("projects:project_create")).status_code == (200 if creates else 403)
    assert client.get(en("projects:programme_create")).status_code == (200 if keeps else 403)
    listed = client.get(en("projects:project_list")).content.decode()
    assert ("Inside Out EU" in listed) is sees


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_the_api_agrees(role, people, project):
    sees, changes, *_ = MATRIX[role]
    api = APIClient()
    api.force_authenticate(people[role])
    url = f"/api/v1/projects/{project.public_id}/"
    assert api.get(url).status_code == (200 if sees else 404)
    ids = [row["id"] for row in api.get("/api/v1/projects/").json()["results"]]
    assert (str(project.public_id) in ids) is sees
    answer = api.patch(
        url, {"name": "Nytt namn"}, format="json", headers={"If-Match": f'"{project.version}"'}
    )
    assert answer.status_code == (200 if changes else 403 if sees else 404)


def test_signed_out_people_are_sent_to_sign_in(client, project):
    assert client.get(en("projects:project_detail", public_id=project.public_id)).status_code == 302
    assert APIClient().get("/api/v1/projects/").status_code in (401, 403)


def test_an_organisation_lead_who_creates_a_project_keeps_it(people, uppsala, programme):
    import datetime

    from projects.services.projects import create_project

    lead = people["other_lead"]
    project = create_project(
        by=lead,
        data={
            "name": "Ny export",
            "programme": programme,
            "region": uppsala,
            "starts_on": datetime.date(2026, 1, 1),
            "ends_on": datetime.date(2027, 1, 1),
            "budget_total_eur": 10,
            "eu_cofinancing_eur": 5,
            "national_cofinancing_eur": 5,
        },
    )
    assert list(project.partners.values_list("organisation", flat=True)) == [lead.organisation_id]
    assert access.can(lead, Action.CHANGE, project)
