"""/api/v1/participations/ and /api/v1/aid/: enrolment and support, aid with the ceiling's 409 and the
override, the ceiling status, bad input as 400 problems, access, and lists within a query budget."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEntry
from projects.models import DeMinimisAid, Participation
from tests.factories import CompanyFactory
from tests.projects.aid_helpers import *  # noqa: F403 - fixtures
from tests.projects.factories import (
    DeMinimisAidFactory,
    ParticipationFactory,
    SupportFactory,
    UndertakingLinkFactory,
)

pytestmark = pytest.mark.django_db

PARTICIPATIONS = "/api/v1/participations/"
AID = "/api/v1/aid/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def aid_body(company, **overrides):
    return {
        "company": str(company.public_id),
        "granted_on": "2025-06-01",
        "amount": "10000.00",
        "currency": "EUR",
        "granting_body": "Region Uppsala",
        **overrides,
    }


def test_enrol_change_and_record_support(project, company, staff):
    api = api_for(staff)
    created = api.post(
        PARTICIPATIONS,
        {"project": str(project.public_id), "company": str(company.public_id), "joined_on": "2024-02-01"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["size_class"] == "small" and created["ETag"] == '"1"'
    url = f"{PARTICIPATIONS}{created.json()['id']}/"
    assert api.patch(url, {"note": "x"}, format="json").status_code == 428
    changed = api.patch(url, {"left_on": "2025-01-01"}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert api.patch(url, {"note": "y"}, format="json", HTTP_IF_MATCH='"1"').status_code == 412
    support = api.post(
        f"{url}support/", {"kind": "advice", "given_on": "2024-03-01", "hours": "2"}, format="json"
    )
    assert support.status_code == 201 and len(support.json()["supports"]) == 1
    negative = api.post(
        f"{url}support/", {"kind": "advice", "given_on": "2024-03-01", "hours": "-1"}, format="json"
    )
    assert negative.status_code == 400 and "hours" in negative.json()["errors"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"joined_on": "2030-01-01"}, "joined_on"),
        ({"company": "00000000-0000-0000-0000-000000000000"}, "company"),
        ({"company": "nonsense"}, "company"),
    ],
)
def test_bad_enrolment_is_a_400_problem(project, company, staff, overrides, field):
    body = {"project": str(project.public_id), "company": str(company.public_id), "joined_on": "2024-02-01"}
    response = api_for(staff).post(PARTICIPATIONS, {**body, **overrides}, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_duplicate_enrolment_is_a_field_error(project, company, staff):
    ParticipationFactory(project=project, company=company)
    body = {"project": str(project.public_id), "company": str(company.public_id), "joined_on": "2024-02-01"}
    response = api_for(staff).post(PARTICIPATIONS, body, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["company"]
    assert Participation.objects.count() == 1


def test_outsiders_neither_see_nor_enrol(project, company, staff, outsider):
    participation = ParticipationFactory(project=project, company=company)
    api = api_for(outsider)
    assert api.get(PARTICIPATIONS).json()["results"] == []
    assert api.get(f"{PARTICIPATIONS}{participation.public_id}/").status_code == 404
    body = {"project": str(project.public_id), "company": str(company.public_id), "joined_on": "2024-02-01"}
    assert api.post(PARTICIPATIONS, body, format="json").status_code == 400  # neither exists for them


def test_aid_in_sek_and_the_ceiling_409_then_the_override(company, staff):
    api = api_for(staff)
    sek = api.post(
        AID, aid_body(company, currency="SEK", amount="3318750", sek_per_eur="11.25"), format="json"
    )
    assert sek.status_code == 201 and sek.json()["amount_eur"] == "295000.00"
    refused = api.post(AID, aid_body(company), format="json")
    problem = refused.json()
    assert refused.status_code == 409 and problem["code"] == "de_minimis_ceiling"
    assert (
        problem["ceiling"]["would_be_eur"] == "305000.00" and problem["ceiling"]["over_by_eur"] == "5000.00"
    )
    assert "override_reason" in problem["errors"]
    assert DeMinimisAid.objects.count() == 1
    done = api.post(
        AID, aid_body(company, override_reason="Repaid aid, see decision 2025-14."), format="json"
    )
    assert done.status_code == 201 and done.json()["overridden"] is True
    assert AuditEntry.objects.filter(action="de_minimis_override", actor=staff).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"currency": "USD"}, "currency"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"currency": "SEK"}, "sek_per_eur"),
        ({"currency": "SEK", "sek_per_eur": "0"}, "sek_per_eur"),
        ({"granted_on": "2999-01-01"}, "granted_on"),
        ({"granting_body": ""}, "granting_body"),
    ],
)
def test_bad_aid_is_a_400_problem(company, staff, overrides, field):
    response = api_for(staff).post(AID, aid_body(company, **overrides), format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert not DeMinimisAid.objects.exists()


def test_outsiders_cannot_record_aid(company, outsider):
    response = api_for(outsider).post(AID, aid_body(company), format="json")
    assert response.status_code == 400 and "company" in response.json()["errors"]


def test_the_ceiling_status_of_the_undertaking(company, staff):
    sister = CompanyFactory()
    UndertakingLinkFactory(company=company, linked_company=sister)
    DeMinimisAidFactory(company=sister, granted_on=datetime.date(2025, 1, 1), amount=Decimal("100000"))
    DeMinimisAidFactory(company=company, granted_on=datetime.date(2021, 1, 1), amount=Decimal("100000"))
    response = api_for(staff).get(f"{AID}ceiling/", {"company": str(company.public_id), "on": "2025-06-01"})
    body = response.json()
    assert response.status_code == 200
    assert (body["total_eur"], body["remaining_eur"], body["window_from"]) == (
        "100000.00",
        "200000.00",
        "2022-06-02",
    )
    assert [c["id"] for c in body["undertaking"]] == [str(sister.public_id)]
    bad = api_for(staff).get(f"{AID}ceiling/", {"company": "x"})
    assert bad.status_code == 400


def test_lists_keep_their_query_count(project, staff, django_assert_max_num_queries):
    for _ in range(15):
        participation = ParticipationFactory(project=project)
        SupportFactory(participation=participation)
        DeMinimisAidFactory(company=participation.company, project=project)
    api = api_for(staff)
    with django_assert_max_num_queries(12):
        participations = api.get(PARTICIPATIONS)
    with django_assert_max_num_queries(12):
        aid = api.get(AID, {"project": str(project.public_id)})
    assert participations.json()["count"] == 15 and aid.json()["count"] == 15
