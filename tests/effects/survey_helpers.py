"""Fixtures and helpers for the survey tests (imported by tests/effects/test_surveys*.py,
tests/dashboards/test_satisfaction*.py and tests/e2e/test_surveys.py)."""

import datetime
from itertools import count

import pytest
from django.utils import timezone

from advisors.models import Organisation, User
from effects import links
from effects.models import Answer, FollowUpSurvey, SatisfactionSurvey, SurveyStatus
from referrals.models import AdviceRequest
from tests.factories import CompanyFactory, ContactFactory, OrganisationFactory, UserFactory

__all__ = ["world"]  # the fixture, for `import *`; the helpers are imported by name

_numbers = count(500_000)


@pytest.fixture
def world(region, organisation, reference_data):
    """Uppsala (county 03) with Almi (the `organisation` fixture) and EKN; people of every role."""
    region.counties.add("03")
    ekn = OrganisationFactory(name="EKN", slug="ekn", kind=Organisation.Kind.EKN, regions=[region])
    tillvaxtverket = OrganisationFactory(name="Tillväxtverket", slug="tillvaxtverket", regions=[])

    class World:
        pass

    w = World()
    w.region, w.almi, w.ekn = region, organisation, ekn
    w.staff = UserFactory(
        email="rita@region.example", organisation=organisation, role=User.Role.REGIONAL_STAFF
    )
    w.lead = UserFactory(
        email="lars@almi.example", organisation=organisation, role=User.Role.ORGANISATION_LEAD
    )
    w.advisor = UserFactory(email="anna@almi.example", organisation=organisation)
    w.ekn_lead = UserFactory(email="erik@ekn.example", organisation=ekn, role=User.Role.ORGANISATION_LEAD)
    w.ekn_advisor = UserFactory(email="eva@ekn.example", organisation=ekn)
    w.national = UserFactory(
        email="nils@tillvaxtverket.example", organisation=tillvaxtverket, role=User.Role.NATIONAL
    )
    return w


def company_with_contact(*, email="karin@verktyg.example", language="sv", **contact_fields):
    company = CompanyFactory()
    contact = ContactFactory(
        company=company, email=email, is_primary=True, preferred_language=language, **contact_fields
    )
    return company, contact


def closed_request(
    *,
    region,
    owner,
    company=None,
    contact=None,
    outcome=AdviceRequest.Outcome.HELPED,
    closed_at=None,
    status=AdviceRequest.Status.CLOSED,
) -> AdviceRequest:
    """A request closed with `outcome`, written directly (without the workflow or its signals' tasks)."""
    if company is None:
        company, contact = company_with_contact(email=f"c{next(_numbers)}@company.example")
    number = next(_numbers)
    closed_at = closed_at or timezone.now()
    closed = status == AdviceRequest.Status.CLOSED
    return AdviceRequest.objects.create(
        reference=f"S-{number}",
        year=2026,
        number=number,
        company=company,
        contact=contact,
        region=region,
        owner_organisation=owner,
        status=status,
        outcome=outcome if closed else "",
        closed_at=closed_at if closed else None,
        first_response_due_at=closed_at - datetime.timedelta(days=3),
    )


def answered_survey(*, region, owner, score: int, answered_at=None, comment="") -> SatisfactionSurvey:
    """An answered satisfaction survey (on its own closed request)."""
    answered_at = answered_at or timezone.now()
    request = closed_request(region=region, owner=owner, closed_at=answered_at - datetime.timedelta(days=1))
    # update_or_create: in a transactional test, closing the request made its survey already (after commit).
    return SatisfactionSurvey.objects.update_or_create(
        request=request,
        defaults={
            "organisation": owner,
            "region": region,
            "contact": request.contact,
            "status": SurveyStatus.ANSWERED,
            "sent_at": answered_at - datetime.timedelta(days=1),
            "answered_at": answered_at,
            "satisfaction": score,
            "right_partner_in_one_day": Answer.YES,
            "handover_clear": Answer.YES,
            "comment": comment,
        },
    )[0]


def sent_follow_up(*, company, region, contact=None, wave=6, helped_on=None) -> FollowUpSurvey:
    return FollowUpSurvey.objects.create(
        company=company,
        region=region,
        contact=contact,
        wave=wave,
        helped_on=helped_on or datetime.date(2026, 1, 15),
        status=SurveyStatus.SENT,
        sent_at=timezone.now(),
    )


def satisfaction_url(survey, language="sv") -> str:
    return links.absolute_url(
        "effects:satisfaction_survey", links.token_for("satisfaction", survey.public_id), language
    )


def follow_up_url(survey, language="sv") -> str:
    return links.absolute_url(
        "effects:follow_up_survey", links.token_for("follow_up", survey.public_id), language
    )


def path_of(url: str) -> str:
    from django.conf import settings

    return url.removeprefix(settings.SITE_URL)
