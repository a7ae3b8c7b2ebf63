"""Fixtures and a factory for the export outcome tests (imported by tests/effects/test_outcomes*.py)."""

import datetime

import pytest
from django.utils import timezone

from advisors.models import Organisation, User
from effects.models import ExportOutcome, OutcomePartner
from effects.services import outcomes as services
from reference.models import Municipality
from tests.factories import CompanyFactory, ContactFactory, OrganisationFactory, RegionFactory, UserFactory


@pytest.fixture
def uppsala(region, reference_data):
    region.counties.add("03")
    return region


@pytest.fixture
def gavleborg(other_region, reference_data):
    other_region.counties.add("21")
    return other_region


@pytest.fixture
def almi(organisation, uppsala):
    return organisation


@pytest.fixture
def anna(advisor, uppsala):
    return advisor


@pytest.fixture
def partner(uppsala):
    return OrganisationFactory(
        name="Business Sweden",
        slug="business-sweden",
        kind=Organisation.Kind.BUSINESS_SWEDEN,
        regions=[uppsala],
    )


@pytest.fixture
def far_partner(gavleborg):
    return OrganisationFactory(name="Almi Gävleborg", slug="almi-gavleborg", regions=[gavleborg])


@pytest.fixture
def company(uppsala):
    return CompanyFactory(name="Uppsala Verktyg AB")


@pytest.fixture
def contact(company):
    return ContactFactory(company=company, name="Karin Berg", email="karin@verktyg.example", is_primary=True)


@pytest.fixture
def far_company(gavleborg):
    return CompanyFactory(name="Gävle Plåt AB", municipality=Municipality.objects.get(code="2180"))


def facts(**overrides) -> dict:
    return {
        "market": "NO",
        "kind": ExportOutcome.Kind.NEW_MARKET,
        "sells": ExportOutcome.Sells.GOODS,
        "value_band": ExportOutcome.ValueBand.FROM_1M,
        "achieved_on": timezone.localdate() - datetime.timedelta(days=10),
        **overrides,
    }


def record(company, by, **overrides):
    """An outcome recorded through the service (the company asked when it has a contact with email)."""
    data = {**facts(), "description": "Första ordern till Norge.", **overrides}
    outcome, _asked = services.record_outcome(company=company, by=by, data=data)
    return outcome


def answer(outcome, **overrides) -> services.Answer:
    ratings = {link.organisation_id: 5 for link in OutcomePartner.objects.filter(outcome=outcome)}
    values = {
        "facts": {name: getattr(outcome, name) for name in services.FACT_FIELDS},
        "support_meaning": ExportOutcome.SupportMeaning.PREREQUISITE,
        "without_support": ExportOutcome.WithoutSupport.NONE,
        "ratings": ratings,
        "case_study_allowed": True,
        "comment": "",
        **overrides,
    }
    return services.Answer(**values)


def make_outcome(company, region, organisation, *, status=ExportOutcome.Status.PENDING, **fields):
    """A row without the service (for lists and access tests)."""
    return ExportOutcome.objects.create(
        company=company,
        region=region,
        organisation=organisation,
        status=status,
        **{**facts(), **fields},
    )


def people_of(region) -> dict[str, User]:
    org = OrganisationFactory(regions=[region])
    return {
        "advisor": UserFactory(organisation=org),
        "lead": UserFactory(organisation=org, role=User.Role.ORGANISATION_LEAD),
    }


__all__ = [
    "RegionFactory",
    "almi",
    "anna",
    "answer",
    "company",
    "contact",
    "facts",
    "far_company",
    "far_partner",
    "gavleborg",
    "make_outcome",
    "partner",
    "people_of",
    "record",
    "uppsala",
]
