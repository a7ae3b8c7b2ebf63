"""Fixtures for the participation and aid tests (imported by tests/projects/test_participation*.py and
test_aid*.py): a region covering Uppsala county, its advisor, a project of the region, a company in it."""

import datetime
from decimal import Decimal

import pytest

from advisors.models import User
from projects.models import Currency
from tests.factories import CompanyFactory, OrganisationFactory, RegionFactory, UserFactory
from tests.projects.factories import ProjectFactory


@pytest.fixture
def uppsala(region, reference_data):
    region.counties.add("03")
    return region


@pytest.fixture
def staff(uppsala):
    return UserFactory(
        email="staff@region.example",
        role=User.Role.REGIONAL_STAFF,
        organisation=OrganisationFactory(name="Region Uppsala", regions=[uppsala]),
    )


@pytest.fixture
def outsider(reference_data):
    far = RegionFactory(name="Exportcenter Gävleborg", slug="gavleborg")
    far.counties.add("21")
    return UserFactory(
        email="outsider@gavle.example",
        role=User.Role.REGIONAL_STAFF,
        organisation=OrganisationFactory(name="Region Gävleborg", regions=[far]),
    )


@pytest.fixture
def project(uppsala):
    return ProjectFactory(
        region=uppsala,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        name="Inside Out EU",
        acronym="IOE",
    )


@pytest.fixture
def company(uppsala):
    return CompanyFactory(name="Uppsala Verktyg AB", employee_band="20-49")


def aid_data(**overrides) -> dict:
    return {
        "granted_on": datetime.date(2025, 6, 1),
        "amount": Decimal("10000"),
        "currency": Currency.EUR,
        "sek_per_eur": None,
        "granting_body": "Region Uppsala",
        **overrides,
    }
