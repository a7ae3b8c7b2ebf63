"""The access matrix of saved inbox views: personal ones are the owner's, shared ones the organisation's."""

import pytest
from django.contrib.auth.models import AnonymousUser

from advisors import access
from advisors.models import User
from referrals.models import SavedView
from tests.factories import OrganisationFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    region = RegionFactory(slug="home")
    org_a, org_b = OrganisationFactory(regions=[region]), OrganisationFactory(regions=[region])
    people = {
        "owner": UserFactory(email="owner@a.example", organisation=org_a),
        "colleague": UserFactory(email="colleague@a.example", organisation=org_a),
        "lead": UserFactory(email="lead@a.example", organisation=org_a, role=User.Role.ORGANISATION_LEAD),
        "partner": UserFactory(email="partner@b.example", organisation=org_b),
        "staff": UserFactory(email="staff@b.example", organisation=org_b, role=User.Role.REGIONAL_STAFF),
        "anonymous": AnonymousUser(),
    }
    owner = people["owner"]
    views = {
        "personal": SavedView.objects.create(
            owner=owner, organisation=org_a, name="Mine", query="status=new"
        ),
        "shared": SavedView.objects.create(owner=owner, organisation=org_a, name="Ours", is_shared=True),
    }
    return people, views


MATRIX = {
    ("personal", "view"): {"owner"},
    ("personal", "delete"): {"owner"},
    ("shared", "view"): {"owner", "colleague", "lead"},
    ("shared", "delete"): {"owner", "lead"},
}
ROLES = ["owner", "colleague", "lead", "partner", "staff", "anonymous"]


@pytest.mark.parametrize(("view", "action"), sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_can(world, role, view, action):
    people, views = world
    assert access.can(people[role], action, views[view]) is (role in MATRIX[(view, action)])


@pytest.mark.parametrize("role", ROLES)
def test_visible_agrees_with_can(world, role):
    people, views = world
    visible = set(access.visible(people[role], SavedView.objects.all()).values_list("name", flat=True))
    assert visible == {view.name for view in views.values() if access.can(people[role], "view", view)}
