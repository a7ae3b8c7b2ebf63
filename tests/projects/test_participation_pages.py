"""The pages of enrolment, participations and support, and the project page's panel."""

import datetime

import pytest
from django.urls import reverse

from projects.models import Participation, Support
from tests.factories import CompanyFactory
from tests.projects.aid_helpers import *  # noqa: F403 - fixtures
from tests.projects.factories import ParticipationFactory, SupportFactory

pytestmark = pytest.mark.usefixtures("in_english")


def test_enrol_a_company_found_by_name(client, project, company, staff):
    client.force_login(staff)
    url = reverse("projects:participation_create", args=[project.public_id])
    page = client.get(url, {"q": "Uppsala Verktyg"})
    assert page.status_code == 200
    assert "Uppsala Verktyg AB" in page.content.decode()
    response = client.post(
        url, {"company": str(company.public_id), "joined_on": "2024-03-01", "note": "Via the seminar"}
    )
    participation = Participation.objects.get(project=project, company=company)
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:participation_detail", args=[participation.public_id])
    assert participation.size_class == "small" and participation.created_by == staff


def test_enrol_twice_or_outside_the_period_gives_field_errors(client, project, company, staff):
    ParticipationFactory(project=project, company=company)
    client.force_login(staff)
    url = reverse("projects:participation_create", args=[project.public_id])
    page = client.post(url, {"company": str(company.public_id), "joined_on": "2030-01-01"})
    assert page.status_code == 400
    body = page.content.decode()
    assert "already takes part" in body and "within the project&#x27;s period" in body
    assert Participation.objects.count() == 1


@pytest.mark.parametrize("company_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "far"])
def test_enrol_an_unknown_or_invisible_company_is_a_field_error(client, project, staff, outsider, company_id):
    if company_id == "far":
        from reference.models import Municipality

        company_id = str(CompanyFactory(municipality=Municipality.objects.get(code="2180")).public_id)
    client.force_login(staff)
    url = reverse("projects:participation_create", args=[project.public_id])
    page = client.post(url, {"company": company_id, "joined_on": "2024-03-01"})
    assert page.status_code == 400 and "Choose" in page.content.decode()
    assert not Participation.objects.exists()


def test_others_cannot_enrol(client, project, company, outsider):
    client.force_login(outsider)
    url = reverse("projects:participation_create", args=[project.public_id])
    assert client.get(url).status_code == 404


def test_record_support_and_refuse_negative_hours(client, project, company, staff):
    participation = ParticipationFactory(
        project=project, company=company, joined_on=datetime.date(2024, 2, 1)
    )
    client.force_login(staff)
    url = reverse("projects:support_create", args=[participation.public_id])
    bad = client.post(url, {"kind": "advice", "given_on": "2024-03-01", "hours": "-2", "value_sek": "100"})
    assert bad.status_code == 400 and not Support.objects.exists()
    good = client.post(url, {"kind": "training", "given_on": "2024-03-01", "hours": "6", "value_sek": "9000"})
    assert good.status_code == 302 and Support.objects.get().kind == "training"
    detail = client.get(reverse("projects:participation_detail", args=[participation.public_id]))
    assert "Training" in detail.content.decode()


def test_edit_participation_with_a_stale_version(client, project, company, staff):
    participation = ParticipationFactory(project=project, company=company)
    client.force_login(staff)
    url = reverse("projects:participation_edit", args=[participation.public_id])
    data = {"joined_on": "2024-01-01", "left_on": "2025-01-01", "note": "", "version": "1"}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, data)
    assert stale.status_code == 400 and "changed since you opened it" in stale.content.decode()


def test_the_project_page_lists_the_companies_within_a_query_budget(
    client, project, staff, django_assert_max_num_queries
):
    for _ in range(12):
        participation = ParticipationFactory(project=project)
        SupportFactory(participation=participation)
        SupportFactory(participation=participation)
    client.force_login(staff)
    url = reverse("projects:project_detail", args=[project.public_id])
    client.get(url)
    with django_assert_max_num_queries(40):
        page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Companies taking part" in body and body.count("participations/") >= 12


def test_an_advisor_who_may_not_change_the_project_cannot_enrol(client, project, company, advisor):
    client.force_login(advisor)  # of the project's region, not of a partner organisation
    url = reverse("projects:participation_create", args=[project.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url, {"company": str(company.public_id), "joined_on": "2024-03-01"}).status_code == 403
    assert not Participation.objects.exists()
