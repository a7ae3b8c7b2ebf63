"""The README's "who is told" table, row by row, before and after a handover.

Before: Almi (which runs the center) owns the request and its advisor Anna has taken it. After: Almi
referred the whole request to EKN, and EKN accepted it into its queue (no person yet), or for Eva.
Each row asserts who got an in-app notification, who got an email, and that nobody else did.
"""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from advisors.models import User
from notifications.models import Notification, NotificationPreference, OutboundEmail
from referrals import services
from referrals.models import AdviceRequest, NeedCategory
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(owned_request, operator, advisor, ekn, ekn_advisor, refer, region):
    ekn_queue = UserFactory(
        email="queue@ekn.example", full_name="Kim Kö", organisation=ekn, handles_triage=True
    )
    almi_triage = UserFactory(email="triage@almi.example", organisation=operator, handles_triage=True)
    almi_colleague = UserFactory(email="colleague@almi.example", organisation=operator)
    sek = OrganisationFactory(name="SEK", slug="sek", kind="sek", email="info@sek.example", regions=[region])
    sek_lead = UserFactory(email="lead@sek.example", organisation=sek, role=User.Role.ORGANISATION_LEAD)
    staff_org = OrganisationFactory(name="Region Uppsala", slug="region-uppsala", regions=[region])
    staff = UserFactory(email="staff@region.example", organisation=staff_org, role=User.Role.REGIONAL_STAFF)
    Notification.objects.all().delete()
    OutboundEmail.objects.all().delete()
    return {
        "request": owned_request,
        "anna": advisor,
        "almi_triage": almi_triage,
        "almi_colleague": almi_colleague,
        "eva": ekn_advisor,
        "ekn_queue": ekn_queue,
        "ekn": ekn,
        "sek": sek,
        "sek_lead": sek_lead,
        "staff": staff,
        "refer": refer,
    }


def hand_over(world, *, to_person: bool = False) -> AdviceRequest:
    """Almi refers the whole request to EKN; EKN accepts it (for Eva, or into its queue)."""
    referral = world["refer"](world["request"], world["ekn"], world["anna"])
    services.accept_referral(
        referral=referral, by=world["ekn_queue"], advisor=world["eva"] if to_person else None
    )
    Notification.objects.all().delete()
    OutboundEmail.objects.all().delete()
    return AdviceRequest.objects.get(pk=world["request"].pk)


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def emailed() -> set[str]:
    return set(OutboundEmail.objects.values_list("to", flat=True))


# --- New request ---------------------------------------------------------------------------------------


def test_a_new_request_goes_to_the_operating_organisations_triage_function_not_to_everyone(
    world, make_submission
):
    request = services.submit_request(submission=make_submission(contact_email="new@firma.example"))
    assert told("new_request") == {"triage@almi.example"}  # not Anna, not the colleague
    # The functional address and the company; people on triage duty get email only if they ask for it.
    assert emailed() == {"uppsala@almi.example", "new@firma.example"}
    with translation.override("en"):
        note = Notification.objects.get(kind="new_request")
        assert note.url == f"/en/advisor/requests/{request.public_id}/"


def test_without_anyone_on_triage_duty_the_leads_are_the_queue(world, make_submission, operator):
    User.objects.filter(organisation=operator).update(handles_triage=False)
    lead = UserFactory(email="lead@almi.example", organisation=operator, role=User.Role.ORGANISATION_LEAD)
    # Another text than `world`'s request: the same one again would be the same request.
    services.submit_request(submission=make_submission(description="We need help with Japan."))
    assert told("new_request") == {lead.email}


# --- The company replies --------------------------------------------------------------------------------


def test_before_a_handover_the_owner_advisor_hears_of_a_reply(world):
    services.reply_from_company(request=world["request"], body="Här är offerten.")
    assert told("company_replied") == {"advisor@almi.example"}
    assert emailed() == {"advisor@almi.example"}  # by her preferences (on by default), no shared address


def test_after_a_handover_to_a_queue_the_new_owner_hears_of_a_reply(world):
    request = hand_over(world)
    services.reply_from_company(request=request, body="Här är offerten.")
    assert told("company_replied") == {"queue@ekn.example"}  # EKN's queue, not Almi
    assert emailed() == {"queue@ekn.example", "info@ekn.example"}  # nobody owns it as a person


def test_after_a_handover_to_a_person_that_person_hears_of_a_reply(world):
    request = hand_over(world, to_person=True)
    services.reply_from_company(request=request, body="Här är offerten.")
    assert told("company_replied") == {"eva@ekn.example"}
    assert emailed() == {"eva@ekn.example"}


def test_co_handlers_hear_of_replies_too(world, refer):
    need = NeedCategory.objects.get(slug="buyer-credit-risk")
    referral = refer(world["request"], world["ekn"], world["anna"], needs=[need])
    services.accept_referral(referral=referral, by=world["eva"])
    services.reply_from_company(request=world["request"], body="Fråga om kredit.")
    assert told("company_replied") == {"advisor@almi.example", "queue@ekn.example"}


def test_email_follows_each_persons_preferences(world):
    NotificationPreference.objects.create(user=world["anna"], kind="company_replied", email=False)
    services.reply_from_company(request=world["request"], body="Här är offerten.")
    assert told("company_replied") == {"advisor@almi.example"} and emailed() == set()


# --- Referrals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("handed_over", [False, True])
def test_a_referral_goes_to_the_receivers_queue(world, handed_over):
    request = hand_over(world, to_person=True) if handed_over else world["request"]
    by = world["eva"] if handed_over else world["anna"]
    world["refer"](request, world["sek"], by)
    assert told("referral_received") == {"lead@sek.example"}  # SEK has nobody on triage duty: its lead
    assert "info@sek.example" in emailed()


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_an_answer_goes_to_the_sender_and_the_current_owner_not_the_previous_one(world, action):
    request = hand_over(world, to_person=True)  # EKN's Eva owns it now
    referral = world["refer"](request, world["sek"], world["eva"])
    if action == "accept":
        services.accept_referral(referral=referral, by=world["sek_lead"])
    else:
        services.decline_referral(referral=referral, by=world["sek_lead"], reason="Inte för oss.")
    assert told({"accept": "referral_accepted", "decline": "referral_declined"}[action]) == {
        "eva@ekn.example"
    }  # not Anna at Almi, not SEK itself
    assert "info@ekn.example" in emailed()


def test_an_answer_to_a_referral_sent_before_a_handover_also_reaches_the_new_owner(world):
    need = NeedCategory.objects.get(slug="market-selection")
    early = world["refer"](world["request"], world["sek"], world["anna"], needs=[need])
    request = hand_over(world, to_person=True)
    services.accept_referral(referral=early, by=world["sek_lead"])
    assert told("referral_accepted") == {"advisor@almi.example", "eva@ekn.example"}
    assert request.owner_advisor == world["eva"]


def test_a_withdrawal_goes_to_the_receivers_queue(world):
    referral = world["refer"](world["request"], world["ekn"], world["anna"])
    Notification.objects.all().delete()
    services.withdraw_referral(referral=referral, by=world["anna"])
    assert told("referral_withdrawn") == {"queue@ekn.example"}
    assert "info@ekn.example" in emailed()


# --- Status changes and deadlines ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handed_over", "expected"), [(False, {"advisor@almi.example"}), (True, {"queue@ekn.example"})]
)
def test_a_status_change_by_somebody_else_tells_the_current_owner(world, handed_over, expected):
    request = hand_over(world) if handed_over else AdviceRequest.objects.get(pk=world["request"].pk)
    services.transition(
        request=request,
        to_status=AdviceRequest.Status.CLOSED,
        outcome=AdviceRequest.Outcome.HELPED,
        by=world["staff"],
        expected_version=request.version,
    )
    assert told("status_changed") == expected
    with translation.override("en"):
        assert Notification.objects.filter(kind="status_changed").first().title.endswith("is now: Closed")


def test_the_owner_is_not_told_of_their_own_status_change(world):
    request = AdviceRequest.objects.get(pk=world["request"].pk)
    services.transition(
        request=request,
        to_status=AdviceRequest.Status.IN_PROGRESS,
        by=world["anna"],
        expected_version=request.version,
    )
    assert told("status_changed") == set()


@pytest.mark.parametrize(
    ("handed_over", "people", "addresses"),
    [
        (False, {"advisor@almi.example"}, set()),
        (True, {"queue@ekn.example"}, {"info@ekn.example"}),
    ],
)
def test_a_missed_deadline_tells_the_current_owner(world, handed_over, people, addresses):
    request = hand_over(world) if handed_over else world["request"]
    AdviceRequest.objects.filter(pk=request.pk).update(
        first_response_at=None, first_response_due_at=timezone.now() - timedelta(hours=1)
    )
    assert services.record_missed_deadlines() == 1
    assert told("deadline_missed") == people
    assert addresses <= emailed()
    assert services.record_missed_deadlines() == 0 and told("deadline_missed") == people  # once


# --- Words in the reader's language -----------------------------------------------------------------------


def test_a_notification_reads_in_the_readers_language_whatever_it_was_created_in(world):
    with translation.override("sv"):  # created during a Swedish page view
        services.reply_from_company(request=world["request"], body="Hej")
    note = Notification.objects.get(kind="company_replied")
    assert "title" not in note.params and note.params["reference"] == world["request"].reference
    with translation.override("en"):
        assert note.title == f"Knivsta Konsult AB replied on {world['request'].reference}"
        assert note.url.startswith("/en/advisor/requests/")
    with translation.override("sv"):
        assert note.title == f"Knivsta Konsult AB har svarat i ärende {world['request'].reference}"
        assert note.url.startswith("/advisor/requests/")
