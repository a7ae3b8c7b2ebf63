"""The world of the request-action API tests: regions, partners, people and two requests, built once per
test module (tests/module_db.py); each test gets its own copies of the same rows."""

import copy

import pytest

from reference.loader import load_reference_data, reference_data_loaded
from referrals import services
from referrals.need_categories import seed_need_categories
from tests.factories import OrganisationFactory, RegionFactory, UserFactory
from tests.module_db import rows_for_this_module
from tests.referrals.conftest import build_submission


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The regions, organisations, people and the two requests, made once for the module's ~110 cases
    (tests/module_db.py)."""
    with rows_for_this_module(django_db_blocker):
        with django_db_blocker.unblock():
            built = build_world()
        yield built


def build_world():
    """What the conftest files' `region`, `organisation`, `advisor`, `operator` and `make_submission` make,
    this module's partners and people, and the requests `request_` and `original`."""
    if not reference_data_loaded():  # a transactional test's flush elsewhere may have removed it
        load_reference_data()
    seed_need_categories()  # transactional tests flush the categories the migration seeded
    region = RegionFactory(name="Exportcenter Uppsala län", slug="uppsala")
    organisation = OrganisationFactory(name="Almi Uppsala", slug="almi-uppsala", regions=[region])
    advisor = UserFactory(email="advisor@almi.example", full_name="Anna Andersson", organisation=organisation)
    # Almi Uppsala runs Exportcenter Uppsala län (county 03).
    region.counties.add("03")
    organisation.email = "uppsala@almi.example"
    organisation.save()
    region.operator = organisation
    region.save()
    ekn = OrganisationFactory(name="EKN", slug="ekn", regions=[region])
    ekn_advisor = UserFactory(email="erik@ekn.example", full_name="Erik Ek", organisation=ekn)
    far = RegionFactory(name="Exportcenter Skåne", slug="skane-api")
    far_advisor = UserFactory(
        email="far@skane.example", organisation=OrganisationFactory(slug="almi-skane", regions=[far])
    )
    # A new request in Uppsala; `advisor` belongs to Almi Uppsala, the triage organisation.
    request = services.submit_request(submission=build_submission())
    original = services.submit_request(submission=build_submission(contact_email="first@konsult.example"))
    return {
        "region": region,
        "organisation": organisation,
        "advisor": advisor,
        "ekn": ekn,
        "ekn_advisor": ekn_advisor,
        "far_advisor": far_advisor,
        "request": request,
        "original": original,
    }


@pytest.fixture
def world(module_world, db):
    return copy.deepcopy(module_world)  # each test its own instances of the same rows


@pytest.fixture
def region(world):
    return world["region"]


@pytest.fixture
def organisation(world):
    return world["organisation"]


@pytest.fixture
def operator(world):
    return world["organisation"]


@pytest.fixture
def advisor(world):
    return world["advisor"]


@pytest.fixture
def make_submission(world):
    return build_submission


@pytest.fixture
def request_(world):
    """A new request in Uppsala; `advisor` belongs to Almi Uppsala, the triage organisation."""
    return world["request"]


@pytest.fixture
def api(advisor):
    from .helpers import client_for

    return client_for(advisor)


@pytest.fixture
def ekn(world):
    return world["ekn"]


@pytest.fixture
def ekn_advisor(world):
    return world["ekn_advisor"]


@pytest.fixture
def far_advisor(world):
    return world["far_advisor"]


@pytest.fixture
def english(settings):
    """Messages in English for every client of the test: the default language is switched (a client
    that sends Accept-Language gets its language anyway, see tests/exportcenter/test_api_language.py)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def original(world):
    return world["original"]
