"""Fixtures of the projects tests: two regions and the people of every role around a project.

Uppsala (the `region` fixture, county 03) records the project; Almi Uppsala (`organisation`) is its
partner. Gävleborg (`other_region`, county 21) has its own people, and one Gävleborg organisation is a
partner of the Uppsala project too."""

import pytest

from advisors.models import Organisation, User
from tests.factories import OrganisationFactory, UserFactory

from .factories import ProgrammeFactory, ProjectFactory


@pytest.fixture
def uppsala(region, reference_data):
    region.counties.add("03")
    return region


@pytest.fixture
def gavleborg(other_region, reference_data):
    other_region.counties.add("21")
    return other_region


@pytest.fixture
def region_org(uppsala):
    return OrganisationFactory(
        name="Region Uppsala", slug="region-uppsala", kind=Organisation.Kind.REGION, regions=[uppsala]
    )


@pytest.fixture
def far_org(gavleborg):
    return OrganisationFactory(name="Almi Gävleborg", slug="almi-gavleborg", regions=[gavleborg])


@pytest.fixture
def partner_far_org(gavleborg):
    return OrganisationFactory(name="Science Park Gävle", slug="science-park-gavle", regions=[gavleborg])


@pytest.fixture
def people(uppsala, organisation, region_org, far_org, partner_far_org):
    """One user of each role; `other_advisor` is of an Uppsala organisation that is no partner."""
    bystander = OrganisationFactory(name="Business Sweden Uppsala", slug="bs-uppsala", regions=[uppsala])
    national_org = OrganisationFactory(name="Tillväxtverket", slug="tillvaxtverket")
    return {
        "advisor": UserFactory(email="advisor@almi.example", organisation=organisation),
        "organisation_lead": UserFactory(
            email="lead@almi.example", organisation=organisation, role=User.Role.ORGANISATION_LEAD
        ),
        "regional_staff": UserFactory(
            email="staff@region.example", organisation=region_org, role=User.Role.REGIONAL_STAFF
        ),
        "other_advisor": UserFactory(email="advisor@bs.example", organisation=bystander),
        "other_lead": UserFactory(
            email="lead@bs.example", organisation=bystander, role=User.Role.ORGANISATION_LEAD
        ),
        "national": UserFactory(
            email="national@tva.example", organisation=national_org, role=User.Role.NATIONAL
        ),
        "other_region_advisor": UserFactory(email="advisor@gavle.example", organisation=far_org),
        "other_region_staff": UserFactory(
            email="staff@gavle.example", organisation=far_org, role=User.Role.REGIONAL_STAFF
        ),
        "partner_in_other_region": UserFactory(
            email="advisor@sciencepark.example", organisation=partner_far_org
        ),
    }


@pytest.fixture
def programme(db):
    return ProgrammeFactory(code="test-erdf", name_sv="Testfonden", name_en="The test fund")


@pytest.fixture
def project(uppsala, organisation, partner_far_org, programme):
    """Uppsala's project: Almi Uppsala and Science Park Gävle are its partners."""
    return ProjectFactory(
        name="Inside Out EU",
        acronym="IOEU",
        region=uppsala,
        programme=programme,
        partners=[organisation, partner_far_org],
    )


@pytest.fixture
def far_project(gavleborg, far_org, programme):
    return ProjectFactory(
        name="Gävle Export", acronym="GE", region=gavleborg, programme=programme, partners=[far_org]
    )
