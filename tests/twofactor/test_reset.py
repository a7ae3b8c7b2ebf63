"""A lost device: a lead resets their organisation's people, regional staff their region's; it is audited."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from advisors import access
from advisors.access import Action as Access
from audit.models import Action, AuditEntry
from tests.factories import OrganisationFactory, UserFactory
from tests.twofactor.conftest import add_authenticator, code_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(region, other_region, organisation, lead, staff, advisor):
    other_org = OrganisationFactory(name="Business Sweden", slug="bs", regions=[region])
    far_org = OrganisationFactory(name="Almi Gävleborg", slug="almi-gavle", regions=[other_region])
    far_staff_org = OrganisationFactory(name="Region Gävleborg", slug="region-gavle", regions=[other_region])
    return {
        "lead": lead,
        "staff": staff,
        "advisor": advisor,
        "colleague": UserFactory(organisation=organisation),
        "other_org_person": UserFactory(organisation=other_org),
        "far_person": UserFactory(organisation=far_org),
        "far_staff": UserFactory(organisation=far_staff_org, role="regional_staff"),
        "far_lead": UserFactory(organisation=far_org, role="organisation_lead"),
        "superuser": UserFactory(organisation=None, is_superuser=True, is_staff=True),
    }


EXPECTED = {
    # who: the people they may reset
    "lead": {"advisor", "colleague"},
    "staff": {"lead", "advisor", "colleague", "other_org_person"},
    "advisor": set(),
    "far_staff": {"far_person", "far_lead"},
    "far_lead": {"far_person"},
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_who_may_reset_whom(world, who):
    user = world[who]
    allowed = {name for name, person in world.items() if access.can(user, Access.RESET_TWO_FACTOR, person)}
    assert allowed == EXPECTED[who]
    listed = set(access.permitted(user, Access.RESET_TWO_FACTOR, type(user).objects.all()))
    assert {name for name, person in world.items() if person in listed} == EXPECTED[who]


def test_a_lead_resets_a_colleague_and_it_is_audited(client, required, world):
    lead, advisor = world["lead"], world["advisor"]
    add_authenticator(advisor)
    StaticDevice.objects.create(user=advisor, name="recovery").token_set.create(token="abcd2345")
    device = add_authenticator(lead)
    client.force_login(lead)  # a session that must verify first
    assert client.get(f"/advisor/people/{advisor.pk}/two-factor/").status_code == 302
    client.post("/login/verify/", {"code": code_for(device)})
    page = client.get(f"/advisor/people/{advisor.pk}/two-factor/")
    assert page.status_code == 200
    refused = client.post(f"/advisor/people/{advisor.pk}/two-factor/", {})
    assert 'id="id_confirm_error"' in refused.content.decode()
    assert TOTPDevice.objects.filter(user=advisor).exists()
    response = client.post(f"/advisor/people/{advisor.pk}/two-factor/", {"confirm": "on"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=advisor).exists()
    assert not StaticDevice.objects.filter(user=advisor).exists()
    entry = AuditEntry.objects.get(action=Action.TWO_FACTOR_RESET)
    assert entry.actor == lead
    assert entry.object_type == "advisors.user" and entry.object_id == str(advisor.pk)
    assert entry.details == {"devices_removed": 2}


@pytest.mark.parametrize(
    ("who", "whom", "status"),
    [
        ("lead", "other_org_person", 403),  # same region, another organisation
        ("lead", "far_person", 404),  # another region: not even visible
        ("staff", "far_person", 404),
        ("advisor", "colleague", 403),
        ("far_lead", "advisor", 404),
        ("lead", "lead", 403),  # oneself: that is what recovery codes are for
    ],
)
def test_others_may_not_reset(client, world, who, whom, status):
    person = world[whom]
    client.force_login(world[who])  # signed in before the device exists: nothing to verify
    add_authenticator(person)
    assert client.post(f"/advisor/people/{person.pk}/two-factor/", {"confirm": "on"}).status_code == status
    assert TOTPDevice.objects.filter(user=person).exists()
    assert not AuditEntry.objects.filter(action=Action.TWO_FACTOR_RESET).exists()


def test_the_people_list_shows_whom_one_may_reset(client, world, django_assert_max_num_queries):
    for n in range(15):
        add_authenticator(UserFactory(organisation=world["advisor"].organisation, email=f"p{n}@almi.example"))
    client.force_login(world["staff"])
    with django_assert_max_num_queries(12):
        page = client.get("/en/advisor/people/two-factor/")
    html = page.content.decode()
    assert page.status_code == 200
    assert world["other_org_person"].full_name in html
    assert world["far_person"].full_name not in html
    assert html.count("Authenticator app</td>") == 15
    client.force_login(world["advisor"])
    assert client.get("/advisor/people/two-factor/").status_code == 403


def test_after_a_reset_the_person_sets_it_up_again(client, required, world):
    advisor_lead = world["lead"]
    device = add_authenticator(advisor_lead)
    client.force_login(advisor_lead)  # must verify
    assert client.get("/advisor/")["Location"].startswith("/login/verify/")
    device.delete()  # reset meanwhile
    response = client.get("/login/verify/?next=/advisor/")
    assert response["Location"] == "/advisor/"
    assert client.get("/advisor/")["Location"].startswith("/advisor/security/")
