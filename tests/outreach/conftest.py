import pytest

from advisors.models import Organisation, User
from reference.models import Municipality
from tests.factories import CompanyFactory, OrganisationFactory, UserFactory


@pytest.fixture
def uppsala(region, reference_data):
    """The home region covers Uppsala län (county 03); Almi (the `organisation` fixture) runs it."""
    region.counties.add("03")
    return region


@pytest.fixture
def lead(organisation):
    return UserFactory(
        email="lead@almi.example",
        full_name="Lars Lind",
        organisation=organisation,
        role=User.Role.ORGANISATION_LEAD,
    )


@pytest.fixture
def colleague(organisation):
    return UserFactory(
        email="colleague@almi.example", full_name="Cecilia Carlsson", organisation=organisation
    )


@pytest.fixture
def partner(uppsala):
    return OrganisationFactory(
        name="Business Sweden",
        slug="business-sweden",
        kind=Organisation.Kind.BUSINESS_SWEDEN,
        regions=[uppsala],
    )


@pytest.fixture
def partner_advisor(partner):
    return UserFactory(email="bo@business-sweden.example", full_name="Bo Berg", organisation=partner)


@pytest.fixture
def company(uppsala):
    return CompanyFactory(name="Enköping Verktyg AB", municipality=Municipality.objects.get(code="0381"))
