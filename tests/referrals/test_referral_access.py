"""Who may do what with referrals (advisors/access.py), and who sees a request once it is referred across
regions: the receiver, the sender, a third partner, another region's partner, regional staff."""

import copy

import pytest
from django.contrib.auth.models import AnonymousUser

from advisors import access
from advisors.models import User
from referrals import services
from referrals.models import AdviceRequest, NeedCategory, Referral, RequestEvent
from referrals.need_categories import seed_need_categories
from tests.factories import OrganisationFactory, RegionFactory, UserFactory
from tests.module_db import rows_for_this_module
from tests.referrals.conftest import build_submission

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The people and the owned request, made once for the module's cases (tests/module_db.py)."""
    with rows_for_this_module(django_db_blocker):
        with django_db_blocker.unblock():
            built = build_world()
        yield built


@pytest.fixture
def world(module_world, db):
    return copy.deepcopy(module_world)


def build_world():
    """What the conftest files' fixtures make (region, operator, ...), and the people of the matrix."""
    seed_need_categories()
    region = RegionFactory(name="Exportcenter Uppsala län", slug="uppsala")
    region.counties.add("03")
    operator = OrganisationFactory(
        name="Almi Uppsala", slug="almi-uppsala", email="uppsala@almi.example", regions=[region]
    )
    region.operator = operator
    region.save()
    advisor = UserFactory(email="advisor@almi.example", full_name="Anna Andersson", organisation=operator)
    ekn = OrganisationFactory(name="EKN", slug="ekn", kind="ekn", email="info@ekn.example", regions=[region])
    ekn_advisor = UserFactory(email="eva@ekn.example", full_name="Eva Ek", organisation=ekn)
    far_partner = OrganisationFactory(
        name="Sandbacka Science Park",
        slug="sandbacka",
        kind="innovation_centre",
        email="hej@sandbacka.example",
        regions=[RegionFactory(name="Exportcenter Gävleborg", slug="gavleborg")],
    )
    far_advisor = UserFactory(email="sven@sandbacka.example", full_name="Sven Sand", organisation=far_partner)
    business_sweden = OrganisationFactory(
        name="Business Sweden", slug="bs", kind="business_sweden", regions=[region]
    )
    region_org = OrganisationFactory(
        name="Region Uppsala", slug="region-uppsala", kind="region", regions=[region]
    )
    elsewhere = OrganisationFactory(slug="elsewhere", regions=[RegionFactory(slug="elsewhere")])
    people = {
        "anonymous": AnonymousUser(),
        "sender": advisor,  # Almi: owns the request and refers it
        "sender_colleague": UserFactory(organisation=operator),
        "receiver": ekn_advisor,
        "receiver_lead": UserFactory(organisation=ekn, role=User.Role.ORGANISATION_LEAD),
        "third_partner": UserFactory(organisation=business_sweden),
        "staff": UserFactory(organisation=region_org, role=User.Role.REGIONAL_STAFF),
        "other_region": UserFactory(organisation=elsewhere),
        "other_region_staff": UserFactory(organisation=elsewhere, role=User.Role.REGIONAL_STAFF),
        "far_receiver": far_advisor,
    }
    request = services.submit_request(submission=build_submission())
    return {
        "region": region,
        "operator": operator,
        "advisor": advisor,
        "ekn": ekn,
        "ekn_advisor": ekn_advisor,
        "far_partner": far_partner,
        "far_advisor": far_advisor,
        "people": people,
        # A request about buyer credit risk and market selection, taken by Almi's advisor (Almi owns it).
        "owned_request": services.claim(request=request, advisor=advisor),
    }


# The fixtures of the conftest files that these tests use, taken from the module's world.
@pytest.fixture
def region(world):
    return world["region"]


@pytest.fixture
def operator(world):
    return world["operator"]


@pytest.fixture
def organisation(world):
    return world["operator"]


@pytest.fixture
def advisor(world):
    return world["advisor"]


@pytest.fixture
def ekn(world):
    return world["ekn"]


@pytest.fixture
def ekn_advisor(world):
    return world["ekn_advisor"]


@pytest.fixture
def far_partner(world):
    return world["far_partner"]


@pytest.fixture
def far_advisor(world):
    return world["far_advisor"]


@pytest.fixture
def people(world):
    return world["people"]


@pytest.fixture
def owned_request(world):
    return world["owned_request"]


ROLES = [
    "anonymous",
    "sender",
    "sender_colleague",
    "receiver",
    "receiver_lead",
    "third_partner",
    "staff",
    "other_region",
    "other_region_staff",
    "far_receiver",
]

# A pending referral of a request owned by Almi, to EKN (both in Uppsala): (action) -> who may.
REFERRAL_MATRIX = {
    "view": {"sender", "sender_colleague", "receiver", "receiver_lead", "third_partner", "staff"},
    "accept": {"receiver", "receiver_lead"},
    "decline": {"receiver", "receiver_lead"},
    "withdraw": {"sender", "sender_colleague"},
    "change": set(),
    "delete": set(),
}


@pytest.mark.parametrize("action", sorted(REFERRAL_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_the_referral_access_matrix(owned_request, ekn, advisor, people, refer, role, action):
    referral = refer(owned_request, ekn, advisor)
    assert access.can(people[role], action, referral) is (role in REFERRAL_MATRIX[action])
    visible = access.visible(people[role], Referral.objects.all()).filter(pk=referral.pk).exists()
    assert visible is (role in REFERRAL_MATRIX["view"])


def test_a_superuser_may_do_everything(owned_request, ekn, advisor, refer):
    admin = User.objects.create_superuser("root@example.com", "x")
    referral = refer(owned_request, ekn, advisor)
    assert all(access.can(admin, action, referral) for action in ("view", "accept", "decline", "withdraw"))


def test_the_owner_may_withdraw_a_referral_it_did_not_send(
    owned_request, ekn, ekn_advisor, advisor, people, refer
):
    needs = [NeedCategory.objects.get(slug="buyer-credit-risk")]
    referral = refer(owned_request, people["third_partner"].organisation, advisor, needs=needs)
    request = AdviceRequest.objects.get(pk=owned_request.pk)
    services.assign(request=request, by=advisor, organisation=ekn, expected_version=request.version)
    referral.refresh_from_db()
    assert access.can(ekn_advisor, "withdraw", referral)  # the owner now
    assert access.can(advisor, "withdraw", referral)  # the sender still
    assert not access.can(people["third_partner"], "withdraw", referral)  # the receiver answers instead


# Who may refer a request: those who handle it.
REFER_OWNED = {"sender", "sender_colleague", "staff"}
REFER_UNOWNED = {"sender", "sender_colleague", "staff"}  # Almi runs the center: its people triage


@pytest.mark.parametrize("owned", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_refer(make_submission, owned_request, people, role, owned):
    request = owned_request if owned else services.submit_request(submission=make_submission(number=None))
    expected = role in (REFER_OWNED if owned else REFER_UNOWNED)
    assert access.can(people[role], "refer", request) is expected


def test_a_closed_request_is_not_referred(owned_request, advisor):
    closed = services.transition(
        request=owned_request,
        to_status="closed",
        by=advisor,
        expected_version=owned_request.version,
        outcome="helped",
    )
    assert not access.can(advisor, "refer", closed)


# --- Across regions ---------------------------------------------------------------------------------------


def sees(user, request) -> bool:
    """Both questions of the access module must agree."""
    by_object = access.can(user, "view", AdviceRequest.objects.get(pk=request.pk))
    by_scope = access.visible(user, AdviceRequest.objects.all()).filter(pk=request.pk).exists()
    assert by_object is by_scope
    return by_object


def test_a_referral_to_another_regions_partner_opens_the_request_to_it(
    owned_request, advisor, far_advisor, far_partner, people, refer
):
    assert not sees(far_advisor, owned_request)
    referral = refer(owned_request, far_partner, advisor)
    assert sees(far_advisor, owned_request)
    assert not sees(people["other_region"], owned_request)  # other partners of other regions still do not
    request = AdviceRequest.objects.get(pk=owned_request.pk)
    assert access.can(far_advisor, "add_note", request)
    assert access.can(far_advisor, "accept", referral)
    for action in ("change_status", "write_to_company", "refer", "claim", "assign"):
        assert not access.can(far_advisor, action, request), action
    # The timeline comes with it (but not another organisation's own notes).
    services.add_note(request=request, by=advisor, body="Only for Almi.", visibility="organisation")
    events = access.visible(far_advisor, RequestEvent.objects.filter(request=request))
    assert events.filter(kind="referred").exists() and not events.filter(body="Only for Almi.").exists()


def test_accepted_across_regions_the_receiver_handles_the_request(
    owned_request, advisor, far_advisor, far_partner, refer
):
    referral = refer(owned_request, far_partner, advisor)
    services.accept_referral(referral=referral, by=far_advisor, advisor=far_advisor)
    request = AdviceRequest.objects.get(pk=owned_request.pk)
    assert sees(far_advisor, request)
    for action in ("change_status", "write_to_company", "refer", "assign", "add_note"):
        assert access.can(far_advisor, action, request), action
    # It may hand the request to a colleague although it does not serve the request's region.
    colleague = UserFactory(organisation=far_partner)
    services.assign(request=request, by=far_advisor, advisor=colleague, expected_version=request.version)
    # The region's partners still see it ("no wrong door"); Almi no longer works it.
    assert sees(advisor, request)
    assert not access.can(advisor, "change_status", AdviceRequest.objects.get(pk=request.pk))


def test_declined_or_withdrawn_the_request_closes_to_the_receiver(
    owned_request, advisor, far_advisor, far_partner, refer
):
    declined = refer(owned_request, far_partner, advisor)
    services.decline_referral(referral=declined, by=far_advisor, reason="Not our region's kind of case.")
    assert not sees(far_advisor, owned_request)
    withdrawn = refer(owned_request, far_partner, advisor)
    assert sees(far_advisor, owned_request)
    services.withdraw_referral(referral=withdrawn, by=advisor)
    assert not sees(far_advisor, owned_request)
    # The referrals themselves stay visible to both organisations (their history).
    assert access.visible(far_advisor, Referral.objects.all()).count() == 2


def test_co_handled_needs_keep_the_request_open_to_the_co_handler(
    owned_request, advisor, far_advisor, far_partner, refer
):
    needs = [NeedCategory.objects.get(slug="buyer-credit-risk")]
    referral = refer(owned_request, far_partner, advisor, needs=needs)
    services.accept_referral(referral=referral, by=far_advisor)
    assert sees(far_advisor, owned_request)
    request = AdviceRequest.objects.get(pk=owned_request.pk)
    assert not access.can(far_advisor, "change_status", request)  # Almi still owns it
    assert access.can(far_advisor, "add_note", request)


def test_a_sender_from_another_region_still_sees_what_it_referred(
    owned_request, advisor, far_advisor, far_partner, ekn, ekn_advisor, refer
):
    services.accept_referral(referral=refer(owned_request, far_partner, advisor), by=far_advisor)
    onward = refer(owned_request, ekn, far_advisor)
    assert onward.from_organisation == far_partner
    services.accept_referral(referral=onward, by=ekn_advisor)
    assert sees(far_advisor, owned_request)
    assert not access.can(far_advisor, "change_status", AdviceRequest.objects.get(pk=owned_request.pk))


def test_regional_staff_see_every_referral_of_their_region(
    owned_request, advisor, ekn, far_partner, people, refer
):
    in_region = refer(owned_request, ekn, advisor, needs=[NeedCategory.objects.get(slug="buyer-credit-risk")])
    across = refer(owned_request, far_partner, advisor)
    staff = people["staff"]
    assert set(access.visible(staff, Referral.objects.all())) == {in_region, across}
    assert not access.visible(people["other_region_staff"], Referral.objects.all()).exists()
    # Staff of the far region: their organisation is involved, so they see the request and its referrals
    # (as its timeline shows them) ...
    far_staff = UserFactory(organisation=far_partner, role=User.Role.REGIONAL_STAFF)
    assert set(access.visible(far_staff, Referral.objects.all())) == {in_region, across}
    request = AdviceRequest.objects.get(pk=owned_request.pk)
    assert not access.can(far_staff, "change_status", request)  # staff, but of another region
    # ... and once it declined, only the referral to their organisation.
    services.decline_referral(referral=across, by=far_staff, reason="Not ours.")
    assert set(access.visible(far_staff, Referral.objects.all())) == {across}
    assert not access.can(far_staff, "view", in_region)


def test_the_request_scope_costs_one_query_however_many_referrals(
    make_submission, operator, advisor, far_advisor, far_partner, refer, django_assert_num_queries
):
    for n in range(5):
        request = services.claim(
            request=services.submit_request(
                submission=make_submission(contact_email=f"s{n}@konsult.example")
            ),
            advisor=advisor,
        )
        refer(request, far_partner, advisor)
    access.region_ids(far_advisor)  # cached on the user, as after the first question of a page
    with django_assert_num_queries(1):
        assert len(list(access.visible(far_advisor, AdviceRequest.objects.all()))) == 5


def test_the_request_page_reads_the_referral_chain_every_viewer_of_the_request_may_see(
    owned_request, advisor, ekn, far_partner, people, refer
):
    """`selectors.request_referrals` skips the referral visibility rule (issue 16: its subquery cost ~100
    ms): for anyone who sees the request (`request_detail`), it reads what `visible()` gives."""
    from referrals import selectors

    in_region = refer(owned_request, ekn, advisor, needs=[NeedCategory.objects.get(slug="buyer-credit-risk")])
    across = refer(owned_request, far_partner, advisor)
    services.decline_referral(referral=across, by=people["far_receiver"], reason="Not ours.")
    seen = 0
    for name, user in people.items():
        request = selectors.request_detail(user, owned_request.public_id)
        if request is None:
            continue
        seen += 1
        visible = list(
            access.visible(user, Referral.objects.filter(request=request)).order_by("created_at", "pk")
        )
        assert selectors.request_referrals(user, request) == visible == [in_region, across], name
    assert seen >= 5
