"""Company and contact rows of the access-control matrix (see tests/advisors/test_access.py)."""

import copy

import pytest
from django.contrib.auth.models import AnonymousUser

from advisors import access
from advisors.models import User
from companies import services
from companies.identifiers import parse_organisation_number
from companies.models import Company, Contact
from tests.companies.conftest import org_number
from tests.factories import OrganisationFactory, RegionFactory, UserFactory
from tests.module_db import rows_for_this_module

ROLES = [
    "anonymous",
    "advisor",
    "responsible_advisor",
    "lead",
    "regional_staff",
    "other_region_staff",
    "superuser",
]


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The world's rows, made once for the module's cases (tests/module_db.py)."""
    with rows_for_this_module(django_db_blocker):
        with django_db_blocker.unblock():
            built = build_world()
        yield built


@pytest.fixture
def world(module_world, db):
    return copy.deepcopy(module_world)


def build_world():
    home = RegionFactory(slug="uppsala")
    home.counties.add("03")
    away = RegionFactory(slug="gavleborg")
    away.counties.add("21")
    almi = OrganisationFactory(slug="almi", regions=[home])
    ekn = OrganisationFactory(slug="ekn", regions=[home])
    region_org = OrganisationFactory(slug="region", regions=[home])
    far = OrganisationFactory(slug="far", regions=[away])
    people = {
        "anonymous": AnonymousUser(),
        "advisor": UserFactory(organisation=ekn),
        "responsible_advisor": UserFactory(organisation=almi),
        "lead": UserFactory(organisation=ekn, role=User.Role.ORGANISATION_LEAD),
        "regional_staff": UserFactory(organisation=region_org, role=User.Role.REGIONAL_STAFF),
        "other_region_staff": UserFactory(organisation=far, role=User.Role.REGIONAL_STAFF),
        "superuser": UserFactory(organisation=None, is_superuser=True, is_staff=True),
    }

    def company(name, number, municipality):
        parsed = parse_organisation_number(number)
        return services.register_company(
            by=people["superuser"],
            data={
                "org_number": parsed.digits,
                "legal_form": parsed.legal_form,
                "name": name,
                "municipality_id": municipality,
                "responsible_organisation": almi,
            },
        )

    objects = {
        "home_company": company("Home AB", org_number(1), "0380"),
        "sole_trader": company("Karins Keramik", "880320-0016", "0381"),
        "far_company": company("Gävle AB", org_number(2), "2180"),
    }
    objects["home_contact"] = Contact.objects.create(
        company=objects["home_company"], name="K", legal_basis="public_task", source="advisor"
    )
    objects["far_contact"] = Contact.objects.create(
        company=objects["far_company"], name="G", legal_basis="public_task", source="advisor"
    )
    return people, objects


EVERYONE_AT_HOME = {"advisor", "responsible_advisor", "lead", "regional_staff", "superuser"}
MATRIX = {
    ("home_company", "view"): EVERYONE_AT_HOME,
    ("home_company", "change"): EVERYONE_AT_HOME,  # the register is shared and every change attributed
    ("home_company", "merge"): {"regional_staff", "superuser"},
    ("home_company", "delete"): {"superuser"},
    ("home_company", "export"): EVERYONE_AT_HOME | {"other_region_staff"},  # exports are scoped by visible()
    ("home_company", "export_personal_data"): {"lead", "regional_staff", "other_region_staff", "superuser"},
    ("sole_trader", "view_personal_data"): {"responsible_advisor", "lead", "regional_staff", "superuser"},
    ("far_company", "view"): {"other_region_staff", "superuser"},
    ("far_company", "change"): {"other_region_staff", "superuser"},
    ("far_company", "merge"): {"other_region_staff", "superuser"},
    ("far_company", "view_personal_data"): {"other_region_staff", "superuser"},
    ("home_contact", "view"): EVERYONE_AT_HOME,
    ("home_contact", "change"): EVERYONE_AT_HOME,
    ("far_contact", "view"): {"other_region_staff", "superuser"},
}


@pytest.mark.parametrize(("object_name", "action"), sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_can(world, role, object_name, action):
    people, objects = world
    assert access.can(people[role], action, objects[object_name]) is (role in MATRIX[(object_name, action)])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("advisor", {"Home AB", "Karins Keramik"}),
        ("regional_staff", {"Home AB", "Karins Keramik"}),
        ("other_region_staff", {"Gävle AB"}),
        ("anonymous", set()),
        ("superuser", {"Home AB", "Karins Keramik", "Gävle AB"}),
    ],
)
def test_visible_companies_and_contacts(world, role, expected):
    people, _ = world
    assert set(access.visible(people[role], Company.objects.all()).values_list("name", flat=True)) == expected
    contacts = set(
        access.visible(people[role], Contact.objects.all()).values_list("company__name", flat=True)
    )
    assert contacts == expected - {"Karins Keramik"}


def test_a_merged_company_can_no_longer_be_changed(world):
    people, objects = world
    other = services.register_company(
        by=people["advisor"],
        data={
            "org_number": org_number(3),
            "legal_form": "limited_company",
            "name": "Twin AB",
            "municipality_id": "0380",
        },
    )
    services.merge_companies(survivor=objects["home_company"], duplicate=other, by=people["regional_staff"])
    other.refresh_from_db()
    assert access.can(people["advisor"], "view", other)
    assert not access.can(people["advisor"], "change", other)


def test_creating_needs_a_region(world):
    people, _ = world
    assert access.can(people["advisor"], "create", Company)
    homeless = UserFactory(organisation=OrganisationFactory(slug="nowhere"))
    assert not access.can(homeless, "create", Company)
