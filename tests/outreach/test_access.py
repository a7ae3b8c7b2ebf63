"""The access matrix of outreach and notifications: every role against campaigns, their members,
activities, follow-ups and notifications."""

import copy

import pytest

from advisors import access
from advisors.models import Organisation, User
from notifications.models import Notification
from outreach.models import Activity, Campaign, CampaignMember, FollowUp
from tests.advisors.test_access import ROLES
from tests.factories import CompanyFactory, OrganisationFactory, RegionFactory, UserFactory, municipality
from tests.module_db import rows_for_this_module
from tests.outreach.factories import ActivityFactory, CampaignFactory, FollowUpFactory


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
    """Two regions; the reference data is two municipalities only (loading all of it per test is slow)."""
    municipality("0380", "Uppsala", "03", "Uppsala län")
    far_municipality = municipality("2180", "Gävle", "21", "Gävleborgs län")
    home, away = RegionFactory(slug="home"), RegionFactory(slug="away")
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
    colleague = UserFactory(email="colleague@a.example", organisation=org_a)
    far_person = UserFactory(email="colleague@far.example", organisation=org_far)
    home_company = CompanyFactory(name="Hemma AB")
    far_company = CompanyFactory(name="Borta AB", municipality=far_municipality)
    campaign_a = CampaignFactory(region=home, organisation=org_a, name="A")
    campaign_far = CampaignFactory(region=away, organisation=org_far, name="Far")
    objects = {
        "campaign_a": campaign_a,
        "campaign_b": CampaignFactory(region=home, organisation=org_b, name="B"),
        "campaign_far": campaign_far,
        "member_a": CampaignMember.objects.create(campaign=campaign_a, company=home_company),
        "member_far": CampaignMember.objects.create(campaign=campaign_far, company=far_company),
        "activity_a": ActivityFactory(company=home_company, created_by=people["advisor"]),
        "activity_b": ActivityFactory(company=home_company, created_by=people["other_org_advisor"]),
        "activity_far": ActivityFactory(company=far_company, created_by=far_person),
        "follow_up_advisor": FollowUpFactory(owner=people["advisor"], company=home_company),
        "follow_up_colleague": FollowUpFactory(owner=colleague, company=home_company),
        "follow_up_b": FollowUpFactory(owner=people["other_org_advisor"], company=home_company),
        "follow_up_far": FollowUpFactory(owner=far_person, company=far_company),
        "notification_advisor": Notification.objects.create(
            recipient=people["advisor"], kind="follow_up_due", params={"title": "t"}, key="k"
        ),
        # "create" is asked about an unsaved object of what it would belong to.
        "new_campaign_a": Campaign(region=home, organisation=org_a),
        "new_campaign_b": Campaign(region=home, organisation=org_b),
        "new_campaign_far": Campaign(region=away, organisation=org_far),
        "new_activity_home": Activity(company=home_company),
        "new_activity_far": Activity(company=far_company),
        "new_follow_up_for_advisor": FollowUp(owner=people["advisor"], company=home_company),
        "new_follow_up_for_colleague": FollowUp(owner=colleague, company=home_company),
        "new_follow_up_far": FollowUp(owner=people["advisor"], company=far_company),
    }
    return people, objects


HOME = {"advisor", "lead", "other_org_advisor", "regional_staff", "superuser"}

MATRIX = {
    # Campaigns: the region's people see them; the owning organisation and regional staff run them.
    ("campaign_a", "view"): HOME,
    ("campaign_a", "change"): {"advisor", "lead", "regional_staff", "superuser"},
    ("campaign_a", "delete"): {"superuser"},
    ("campaign_b", "change"): {"other_org_advisor", "regional_staff", "superuser"},
    ("campaign_far", "view"): {"other_region_advisor", "superuser"},
    ("campaign_far", "change"): {"other_region_advisor", "superuser"},
    ("new_campaign_a", "create"): {"advisor", "lead", "regional_staff", "superuser"},
    ("new_campaign_b", "create"): {"other_org_advisor", "regional_staff", "superuser"},
    ("new_campaign_far", "create"): {"other_region_advisor", "superuser"},
    # The target list: shared contact work; taking a company off is the campaign's owners'.
    ("member_a", "view"): HOME,
    ("member_a", "change_status"): HOME,
    ("member_a", "delete"): {"advisor", "lead", "regional_staff", "superuser"},
    ("member_far", "view"): {"other_region_advisor", "superuser"},
    ("member_far", "change_status"): {"other_region_advisor", "superuser"},
    # Activities: the region's; the author and the author's organisation's leads change them.
    ("activity_a", "view"): HOME,
    ("activity_a", "change"): {"advisor", "lead", "superuser"},
    ("activity_b", "change"): {"other_org_advisor", "superuser"},
    ("activity_far", "view"): {"other_region_advisor", "superuser"},
    ("activity_far", "change"): {"superuser"},
    ("new_activity_home", "create"): HOME,
    ("new_activity_far", "create"): {"other_region_advisor", "superuser"},
    # Follow-ups: the owner and the owner's organisation see them; owners and leads change and reassign.
    ("follow_up_advisor", "view"): {"advisor", "lead", "superuser"},
    ("follow_up_advisor", "change"): {"advisor", "lead", "superuser"},
    ("follow_up_advisor", "assign"): {"advisor", "lead", "superuser"},
    ("follow_up_colleague", "view"): {"advisor", "lead", "superuser"},
    ("follow_up_colleague", "change"): {"lead", "superuser"},
    ("follow_up_colleague", "assign"): {"lead", "superuser"},
    ("follow_up_b", "view"): {"other_org_advisor", "superuser"},
    ("follow_up_b", "assign"): {"other_org_advisor", "superuser"},
    ("follow_up_far", "view"): {"other_region_advisor", "superuser"},  # the owner's organisation
    ("new_follow_up_for_advisor", "create"): {"advisor", "lead", "superuser"},
    ("new_follow_up_for_colleague", "create"): {"lead", "superuser"},
    ("new_follow_up_far", "create"): {"superuser"},
    # Notifications: the recipient's alone.
    ("notification_advisor", "view"): {"advisor", "superuser"},
    ("notification_advisor", "change"): {"advisor", "superuser"},
}


@pytest.mark.parametrize(("object_name", "action"), sorted(MATRIX))
def test_can(world, object_name, action):
    """Every role is asked; exactly the expected ones are allowed (one world per row keeps it quick)."""
    people, objects = world
    allowed = {role for role in ROLES if access.can(people[role], action, objects[object_name])}
    assert allowed == MATRIX[(object_name, action)]


@pytest.mark.parametrize(
    ("model", "role", "expected"),
    [
        (Campaign, "advisor", {"campaign_a", "campaign_b"}),
        (Campaign, "regional_staff", {"campaign_a", "campaign_b"}),
        (Campaign, "other_region_advisor", {"campaign_far"}),
        (Campaign, "anonymous", set()),
        (Campaign, "inactive", set()),
        (CampaignMember, "other_org_advisor", {"member_a"}),
        (CampaignMember, "other_region_advisor", {"member_far"}),
        (Activity, "advisor", {"activity_a", "activity_b"}),
        (Activity, "other_region_advisor", {"activity_far"}),
        (FollowUp, "advisor", {"follow_up_advisor", "follow_up_colleague"}),
        (FollowUp, "lead", {"follow_up_advisor", "follow_up_colleague"}),
        (FollowUp, "other_org_advisor", {"follow_up_b"}),
        (FollowUp, "regional_staff", set()),
        (FollowUp, "other_region_advisor", {"follow_up_far"}),
        (Notification, "advisor", {"notification_advisor"}),
        (Notification, "lead", set()),
    ],
)
def test_visible(world, model, role, expected):
    people, objects = world
    names = {name: obj.pk for name, obj in objects.items() if isinstance(obj, model) and obj.pk}
    visible = set(access.visible(people[role], model.objects.all()).values_list("pk", flat=True))
    assert {name for name, pk in names.items() if pk in visible} == expected
