import pytest
from django.conf import settings

from companies.reference_data import load_reference_data, reference_data_loaded
from tests.factories import OrganisationFactory, RegionFactory, UserFactory


@pytest.fixture
def reference_data(db):
    """SCB reference data. Loaded per test because transactional tests flush the database."""
    if not reference_data_loaded():
        load_reference_data()


@pytest.fixture
def region(db):
    return RegionFactory(name="Exportcenter Uppsala län", slug="uppsala")


@pytest.fixture
def other_region(db):
    return RegionFactory(name="Exportcenter Gävleborg", slug="gavleborg")


@pytest.fixture
def organisation(region):
    return OrganisationFactory(name="Almi Uppsala", slug="almi-uppsala", regions=[region])


@pytest.fixture
def advisor(organisation):
    return UserFactory(email="advisor@almi.example", full_name="Anna Andersson", organisation=organisation)


@pytest.fixture
def is_postgres():
    return settings.USING_POSTGRES


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
