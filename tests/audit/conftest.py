import pytest

from advisors.models import Organisation, User
from tests.factories import CompanyFactory, ContactFactory, OrganisationFactory, UserFactory


@pytest.fixture
def uppsala(region, reference_data):
    """The home region covers Uppsala län (county 03)."""
    region.counties.add("03")
    return region


@pytest.fixture
def staff(uppsala):
    """Regional staff of the home region."""
    org = OrganisationFactory(
        name="Region Uppsala", slug="region-uppsala", kind=Organisation.Kind.REGION, regions=[uppsala]
    )
    return UserFactory(
        email="rita@region.example",
        full_name="Rita Regional",
        organisation=org,
        role=User.Role.REGIONAL_STAFF,
    )


@pytest.fixture
def company(uppsala):
    return CompanyFactory(name="Uppsala Precision AB")


@pytest.fixture
def contact(company):
    return ContactFactory(company=company, name="Karin Berg", email="karin@precision.example")
