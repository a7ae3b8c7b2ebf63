"""The access matrix of the audit log: regional staff see the entries of their regions (an actor working
there, or an object there); superusers all; nobody else any. Nobody may change or delete an entry."""

import copy

import pytest
from django.contrib.auth.models import AnonymousUser

from advisors import access
from advisors.models import Organisation, User
from audit.models import AuditEntry
from audit.services import Action
from reference.loader import load_reference_data, reference_data_loaded
from referrals import services as request_services
from referrals.need_categories import seed_need_categories
from tests.factories import CompanyFactory, ContactFactory, OrganisationFactory, RegionFactory, UserFactory
from tests.module_db import rows_for_this_module
from tests.referrals.conftest import build_submission

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "inactive_staff",
    "advisor",
    "lead",
    "regional_staff",
    "other_region_staff",
    "other_region_advisor",
    "superuser",
]


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The people and the entries, made once for the module's ~120 cases (tests/module_db.py)."""
    with rows_for_this_module(django_db_blocker):
        with django_db_blocker.unblock():
            built = build_world()
        yield built


@pytest.fixture
def world(module_world, db):
    return copy.deepcopy(module_world)  # each test its own instances of the same rows


def build_world():
    """What tests/audit/conftest.py's `uppsala` and `staff` make, and the people and entries of the matrix."""
    if not reference_data_loaded():  # a transactional test's flush elsewhere may have removed it
        load_reference_data()
    uppsala = RegionFactory(name="Exportcenter Uppsala län", slug="uppsala")
    uppsala.counties.add("03")  # the home region covers Uppsala län
    staff = UserFactory(
        email="rita@region.example",
        full_name="Rita Regional",
        organisation=OrganisationFactory(
            name="Region Uppsala", slug="region-uppsala", kind=Organisation.Kind.REGION, regions=[uppsala]
        ),
        role=User.Role.REGIONAL_STAFF,
    )
    away = RegionFactory(slug="away")
    away.counties.add("21")
    org_a = OrganisationFactory(slug="org-a", regions=[uppsala])
    org_far = OrganisationFactory(slug="org-far", regions=[away])
    advisor = UserFactory(email="advisor@a.example", organisation=org_a)
    far_advisor = UserFactory(email="advisor@far.example", organisation=org_far)
    people = {
        "anonymous": AnonymousUser(),
        "inactive_staff": UserFactory(
            email="gone@r.example",
            organisation=staff.organisation,
            role=User.Role.REGIONAL_STAFF,
            is_active=False,
        ),
        "advisor": advisor,
        "lead": UserFactory(email="lead@a.example", organisation=org_a, role=User.Role.ORGANISATION_LEAD),
        "regional_staff": staff,
        "other_region_staff": UserFactory(
            email="staff@far.example", organisation=org_far, role=User.Role.REGIONAL_STAFF
        ),
        "other_region_advisor": far_advisor,
        "superuser": UserFactory(
            email="root@example.org", organisation=None, is_superuser=True, is_staff=True
        ),
    }
    home_company = CompanyFactory(name="Hem AB")
    far_company = CompanyFactory(name="Gävle AB", municipality_id="2180")
    home_contact = ContactFactory(company=home_company)
    seed_need_categories()
    home_request = request_services.submit_request(submission=build_submission())
    colleague = UserFactory(email="colleague@a.example", organisation=org_a)

    def entry(action=Action.READ, actor=None, obj=None, **fields):
        if obj is not None:
            from audit.models import object_key

            fields.update(object_type=obj._meta.label_lower, object_id=object_key(obj))
        return AuditEntry.objects.create(action=action, actor=actor, **fields)

    objects = {
        "sign_in_at_home": entry(Action.SIGN_IN, actor=advisor),
        "home_company_read_from_far": entry(actor=far_advisor, obj=home_company),
        "far_company_read_from_far": entry(actor=far_advisor, obj=far_company),
        "home_contact_read": entry(obj=home_contact),
        "home_request_read": entry(obj=home_request),
        "home_person_role_changed": entry(Action.ROLE_CHANGED, actor=people["superuser"], obj=colleague),
        "far_organisation_changed": entry(Action.ORGANISATION_CHANGED, obj=org_far),
        "unknown_sign_in_failed": entry(Action.SIGN_IN_FAILED, actor_label="nobody@example.org"),
        "purge": entry(Action.AUDIT_PURGED, actor_label="retention"),
        "the_log": AuditEntry,
    }
    return people, objects


HOME_STAFF = {"regional_staff", "superuser"}
FAR_STAFF = {"other_region_staff", "superuser"}
MATRIX = {
    ("sign_in_at_home", "view"): HOME_STAFF,
    ("home_company_read_from_far", "view"): HOME_STAFF | FAR_STAFF,  # the object at home, the actor far
    ("far_company_read_from_far", "view"): FAR_STAFF,
    ("home_contact_read", "view"): HOME_STAFF,
    ("home_request_read", "view"): HOME_STAFF,
    ("home_person_role_changed", "view"): HOME_STAFF,
    ("far_organisation_changed", "view"): FAR_STAFF,
    ("unknown_sign_in_failed", "view"): {"superuser"},
    ("purge", "view"): {"superuser"},
    ("the_log", "view"): {"regional_staff", "other_region_staff", "superuser"},
    ("the_log", "export"): {"regional_staff", "other_region_staff", "superuser"},
    # No policy grants a change (a superuser's "yes" stops at the ORM and the trigger: test_append_only.py).
    ("home_request_read", "change"): {"superuser"},
    ("home_request_read", "delete"): {"superuser"},
    ("the_log", "change"): {"superuser"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "action"), sorted(MATRIX))
def test_matrix(world, role, name, action):
    people, objects = world
    assert access.can(people[role], action, objects[name]) is (role in MATRIX[(name, action)])


@pytest.mark.parametrize("role", ROLES)
def test_visible_agrees_with_can_view(world, role):
    people, objects = world
    entries = [obj for obj in objects.values() if isinstance(obj, AuditEntry)]
    shown = set(access.visible(people[role], AuditEntry.objects.all()).values_list("pk", flat=True))
    assert shown == {e.pk for e in entries if access.can(people[role], "view", e)}
    assert shown == {
        objects[name].pk
        for (name, action), roles in MATRIX.items()
        if action == "view" and role in roles
        if isinstance(objects[name], AuditEntry)
    }


def test_visibility_follows_where_the_actor_works_now(world):
    people, objects = world
    staff, entry = people["regional_staff"], objects["far_company_read_from_far"]
    assert not access.can(staff, "view", entry)
    far_advisor = people["other_region_advisor"]
    far_advisor.organisation = Organisation.objects.get(slug="org-a")
    far_advisor.save()
    assert access.can(staff, "view", AuditEntry.objects.get(pk=entry.pk))
