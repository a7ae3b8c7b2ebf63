"""The access-control matrix: every role against every object kind and action.

Later issues add rows (companies, requests, referrals, ...) to MATRIX.
"""

import copy
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from advisors import access
from advisors.models import ApiToken, Organisation, Region, User
from companies.identifiers import LegalForm
from referrals.models import Service
from tests.advisors.factories import ServiceFactory
from tests.factories import (
    SOLE_TRADER_NUMBER,
    CompanyFactory,
    ContactFactory,
    OrganisationFactory,
    RegionFactory,
    UserFactory,
    municipality,
)
from tests.module_db import rows_for_this_module

ROLES = [
    "anonymous",
    "inactive",
    "advisor",
    "lead",
    "other_org_advisor",
    "regional_staff",
    "other_region_advisor",
    "superuser",
]


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The world's rows, made once for the module's ~450 cases (tests/module_db.py)."""
    with rows_for_this_module(django_db_blocker):
        with django_db_blocker.unblock():
            built = build_world()
        yield built


@pytest.fixture
def world(module_world, db):
    return copy.deepcopy(module_world)


def build_world():
    """Two regions. In the home region: organisations A (the actor's) and B; regional staff work for R."""
    home, away = RegionFactory(slug="home"), RegionFactory(slug="away")
    # The GDPR tools follow the company's county: Uppsala (03) is home's, Gävleborg (21) away's.
    uppsala = municipality("0380", "Uppsala", "03", "Uppsala län")
    gavle = municipality("2180", "Gävle", "21", "Gävleborg")
    home.counties.add("03")
    away.counties.add("21")
    org_a = OrganisationFactory(slug="org-a", regions=[home])
    org_b = OrganisationFactory(slug="org-b", regions=[home])
    org_r = OrganisationFactory(slug="org-r", kind=Organisation.Kind.REGION, regions=[home])
    org_far = OrganisationFactory(slug="org-far", regions=[away])
    people = {
        "advisor": UserFactory(email="advisor@a.example", organisation=org_a),
        "lead": UserFactory(email="lead@a.example", organisation=org_a, role=User.Role.ORGANISATION_LEAD),
        "other_org_advisor": UserFactory(email="advisor@b.example", organisation=org_b),
        "regional_staff": UserFactory(
            email="staff@r.example", organisation=org_r, role=User.Role.REGIONAL_STAFF
        ),
        "other_region_advisor": UserFactory(email="advisor@far.example", organisation=org_far),
        "inactive": UserFactory(email="gone@a.example", organisation=org_a, is_active=False),
        "superuser": UserFactory(
            email="root@example.org", organisation=None, is_superuser=True, is_staff=True
        ),
    }
    from django.contrib.auth.models import AnonymousUser

    people["anonymous"] = AnonymousUser()
    objects = {
        "home_region": home,
        "away_region": away,
        "org_a": org_a,
        "org_b": org_b,
        "org_far": org_far,
        "colleague": UserFactory(email="colleague@a.example", organisation=org_a),
        "partner_person": UserFactory(email="colleague@b.example", organisation=org_b),
        "far_person": UserFactory(email="colleague@far.example", organisation=org_far),
        "service_a": ServiceFactory(organisation=org_a, name_sv="a-active"),
        "inactive_service_a": ServiceFactory(organisation=org_a, name_sv="a-inactive", is_active=False),
        "service_b": ServiceFactory(organisation=org_b, name_sv="b-active"),
        "inactive_service_b": ServiceFactory(organisation=org_b, name_sv="b-inactive", is_active=False),
        "service_far": ServiceFactory(organisation=org_far, name_sv="far-active"),
        "inactive_service_far": ServiceFactory(organisation=org_far, name_sv="far-inactive", is_active=False),
        # "create" is asked about an unsaved service of the organisation it would belong to.
        "new_service_a": Service(organisation=org_a),
        "new_service_b": Service(organisation=org_b),
        "new_service_far": Service(organisation=org_far),
        # Pages about a kind of object rather than one object are asked about the model.
        "advice_requests": apps.get_model("referrals", "AdviceRequest"),
        "organisations": Organisation,
        "regions": Region,
        # GDPR tools (privacy): the contact model ("may open the tools"), people at home and far away.
        "contacts": apps.get_model("companies", "Contact"),
        "home_contact": ContactFactory(company=CompanyFactory(municipality=uppsala)),
        "far_contact": ContactFactory(company=CompanyFactory(municipality=gavle)),
        "home_sole_trader": CompanyFactory(
            municipality=uppsala, org_number=SOLE_TRADER_NUMBER, legal_form=LegalForm.SOLE_TRADER
        ),
        "home_company": CompanyFactory(municipality=uppsala),
        "retention_runs": apps.get_model("privacy", "RetentionRun"),
        # Personal API tokens: the model ("may hold tokens"), a new one for the lead, and existing ones.
        "api_tokens": ApiToken,
        "new_token_of_lead": ApiToken(user=people["lead"]),
        "token_of_lead": _token(people["lead"], "lead01"),
        "token_of_staff": _token(people["regional_staff"], "staff01"),
    }
    return people, objects


def _token(user, prefix):
    return ApiToken.objects.create(
        user=user,
        name=prefix,
        prefix=prefix,
        secret_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=30),
    )


SIGNED_IN = {"advisor", "lead", "other_org_advisor", "regional_staff", "other_region_advisor", "superuser"}

# (object, action) -> the roles that are allowed. Every other role is refused.
MATRIX = {
    # GDPR tools: regional staff of the person's region only; a limited company is not a person.
    ("contacts", "gdpr_export"): {"regional_staff", "superuser"},
    ("home_contact", "gdpr_export"): {"regional_staff", "superuser"},
    ("home_contact", "gdpr_erase"): {"regional_staff", "superuser"},
    ("far_contact", "gdpr_export"): {"superuser"},
    ("far_contact", "gdpr_erase"): {"superuser"},
    ("home_sole_trader", "gdpr_export"): {"regional_staff", "superuser"},
    ("home_sole_trader", "gdpr_erase"): {"regional_staff", "superuser"},
    ("home_company", "gdpr_erase"): {"superuser"},
    ("home_company", "set_legal_hold"): {"regional_staff", "superuser"},
    ("retention_runs", "view"): {"regional_staff", "superuser"},
    ("home_region", "view"): {"advisor", "lead", "other_org_advisor", "regional_staff", "superuser"},
    ("home_region", "change"): {"superuser"},
    ("away_region", "view"): {"other_region_advisor", "superuser"},
    ("org_a", "view"): {
        "advisor",
        "lead",
        "other_org_advisor",
        "regional_staff",
        "other_region_advisor",
        "superuser",
    },
    ("org_a", "change"): {"lead", "regional_staff", "superuser"},
    ("org_a", "delete"): {"superuser"},
    ("org_b", "change"): {"regional_staff", "superuser"},
    ("org_far", "view"): {
        "advisor",
        "lead",
        "other_org_advisor",
        "regional_staff",
        "other_region_advisor",
        "superuser",
    },
    ("org_far", "change"): {"superuser"},
    ("colleague", "view"): {"advisor", "lead", "other_org_advisor", "regional_staff", "superuser"},
    ("colleague", "change"): {"lead", "superuser"},
    ("partner_person", "view"): {"advisor", "lead", "other_org_advisor", "regional_staff", "superuser"},
    ("partner_person", "change"): {"superuser"},
    ("far_person", "view"): {"other_region_advisor", "superuser"},
    ("far_person", "change"): {"superuser"},
    # The service catalogue: a shared directory; the organisation's lead and its regions' staff maintain it.
    ("service_a", "view"): SIGNED_IN,
    ("service_a", "change"): {"lead", "regional_staff", "superuser"},
    ("service_a", "delete"): {"superuser"},
    ("inactive_service_a", "view"): {"lead", "regional_staff", "superuser"},
    ("inactive_service_a", "change"): {"lead", "regional_staff", "superuser"},
    ("service_b", "view"): SIGNED_IN,
    ("service_b", "change"): {"regional_staff", "superuser"},
    ("inactive_service_b", "view"): {"regional_staff", "superuser"},
    ("service_far", "view"): SIGNED_IN,
    ("service_far", "change"): {"superuser"},
    ("inactive_service_far", "view"): {"superuser"},
    ("inactive_service_far", "change"): {"superuser"},
    ("new_service_a", "create"): {"lead", "regional_staff", "superuser"},
    ("new_service_b", "create"): {"regional_staff", "superuser"},
    ("new_service_far", "create"): {"superuser"},
    # The worklist's oversight sections: a lead their own organisation's, regional staff their regions'.
    ("organisations", "oversee"): {"lead", "superuser"},
    ("org_a", "oversee"): {"lead", "superuser"},
    ("org_b", "oversee"): {"superuser"},
    ("regions", "oversee"): {"regional_staff", "superuser"},
    ("home_region", "oversee"): {"regional_staff", "superuser"},
    ("away_region", "oversee"): {"superuser"},
    # The unassigned queue (requests from counties no region serves): regional staff, as the README says.
    ("advice_requests", "view_unassigned"): {"regional_staff", "superuser"},
    # API tokens sign in without the second factor: leads and regional staff only, each their own.
    ("api_tokens", "create"): {"lead", "regional_staff", "superuser"},
    ("new_token_of_lead", "create"): {"lead", "superuser"},
    ("token_of_lead", "view"): {"lead", "superuser"},
    ("token_of_lead", "delete"): {"lead", "superuser"},
    ("token_of_lead", "change"): {"superuser"},
    ("token_of_staff", "view"): {"regional_staff", "superuser"},
    ("token_of_staff", "delete"): {"regional_staff", "superuser"},
}


@pytest.mark.parametrize(("object_name", "action"), sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_can(world, role, object_name, action):
    people, objects = world
    expected = role in MATRIX[(object_name, action)]
    assert access.can(people[role], action, objects[object_name]) is expected


@pytest.mark.parametrize(
    ("model", "role", "expected"),
    [
        (Region, "advisor", {"home"}),
        (Region, "other_region_advisor", {"away"}),
        (Region, "anonymous", set()),
        (Region, "inactive", set()),
        (Region, "superuser", {"home", "away"}),
        (Organisation, "advisor", {"org-a", "org-b", "org-r", "org-far"}),
        (Organisation, "anonymous", set()),
    ],
)
def test_visible_regions_and_organisations(world, model, role, expected):
    people, _ = world
    assert set(access.visible(people[role], model.objects.all()).values_list("slug", flat=True)) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            "advisor",
            {
                "advisor@a.example",
                "lead@a.example",
                "advisor@b.example",
                "staff@r.example",
                "gone@a.example",
                "colleague@a.example",
                "colleague@b.example",
            },
        ),
        ("other_region_advisor", {"advisor@far.example", "colleague@far.example"}),
        ("anonymous", set()),
    ],
)
def test_visible_people(world, role, expected):
    people, _ = world
    assert set(access.visible(people[role], User.objects.all()).values_list("email", flat=True)) == expected


def test_everyone_may_change_themselves(world):
    people, _ = world
    for role in ["advisor", "lead", "regional_staff", "other_region_advisor"]:
        assert access.can(people[role], "change", people[role])


def test_a_model_without_a_policy_is_closed(world):
    from notifications.models import OutboundEmail

    people, _ = world
    email = OutboundEmail.objects.create(to="x@example.org", subject="s", body_text="b")
    assert not access.can(people["regional_staff"], "view", email)
    assert not access.visible(people["regional_staff"], OutboundEmail.objects.all()).exists()
    assert access.can(people["superuser"], "view", email)


def test_require_raises_permission_denied(world):
    people, objects = world
    with pytest.raises(PermissionDenied):
        access.require(people["advisor"], "change", objects["org_b"])
    access.require(people["lead"], "change", objects["org_a"])


@pytest.mark.parametrize(
    ("role", "view", "change"),
    [
        ("anonymous", False, False),
        ("advisor", True, False),
        ("lead", True, False),
        ("regional_staff", True, True),
        ("superuser", True, True),
    ],
)
def test_need_categories_are_maintained_by_regional_staff(world, role, view, change):
    from referrals.models import NeedCategory

    people, _ = world
    category = NeedCategory.objects.create(slug="test-need", name_sv="Behov", name_en="Need")
    assert access.can(people[role], "view", category) is view
    assert access.can(people[role], "change", category) is change
    assert access.can(people[role], "create", NeedCategory) is change


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", set()),
        ("inactive", set()),
        ("advisor", {"a-active", "b-active", "far-active"}),
        ("other_region_advisor", {"a-active", "b-active", "far-active"}),
        ("lead", {"a-active", "b-active", "far-active", "a-inactive"}),
        ("regional_staff", {"a-active", "b-active", "far-active", "a-inactive", "b-inactive"}),
        ("superuser", {"a-active", "b-active", "far-active", "a-inactive", "b-inactive", "far-inactive"}),
    ],
)
def test_visible_services(world, role, expected):
    """Everyone signed in sees the active catalogue; inactive services only those who maintain them."""
    people, _ = world
    visible = access.visible(people[role], Service.objects.all())
    names = list(visible.values_list("name_sv", flat=True))
    assert len(names) == len(set(names))  # no duplicate rows from the region join
    assert set(names) == expected


def test_scope_and_can_agree_for_services(world):
    people, objects = world
    services = [obj for name, obj in objects.items() if name.startswith(("service", "inactive_service"))]
    for role in ROLES:
        visible = set(access.visible(people[role], Service.objects.all()).values_list("pk", flat=True))
        for service in services:
            assert (service.pk in visible) is access.can(people[role], "view", service), (role, service)


def test_creating_a_service_needs_an_organisation(world):
    """Asked about the model rather than a service of an organisation, "create" is refused."""
    people, _ = world
    for role in ["lead", "regional_staff", "advisor"]:
        assert not access.can(people[role], "create", Service)
    assert access.can(people["superuser"], "create", Service)
