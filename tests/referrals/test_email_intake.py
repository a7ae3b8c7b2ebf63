"""referrals.services.email_intake: a request that arrived by email (issue 20)."""

import pytest

from advisors.selectors import queue_people
from companies.models import Company
from notifications.models import Notification, OutboundEmail
from referrals import threading
from referrals.models import AdviceRequest, RequestEvent
from referrals.services.email_intake import request_from_email
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(reference_data):
    return ContactFactory(email="karin@konsult.example", name="Karin Berg")


def make(contact, **overrides):
    values = {
        "region": None,
        "owner_organisation": None,
        "company": contact.company,
        "contact": contact,
        "subject": "Hjälp med Norge",
        "body": "Vi vill exportera.",
        "email": {"from": contact.email, "subject": "Hjälp med Norge", "message_id": "<m1@konsult.example>"},
        "event_data": {"message_id": "<m1@konsult.example>", "inbound": "abc"},
    }
    values.update(overrides)
    return request_from_email(**values)


def test_a_request_by_email_in_the_region_inbox(contact, operator, region, triager):
    """From a region's shared mailbox: the region's inbox, for triage."""
    request = make(contact, region=region)
    assert request.channel == AdviceRequest.Channel.EMAIL and request.status == AdviceRequest.Status.NEW
    assert request.reference.startswith("EC-") and request.owner_organisation is None
    assert request.description == "Hjälp med Norge\n\nVi vill exportera."
    assert request.first_response_due_at > request.created_at
    created = request.events.get()
    assert created.kind == RequestEvent.Kind.CREATED
    assert created.data == {"message_id": "<m1@konsult.example>", "inbound": "abc", "channel": "email"}
    assert Notification.objects.filter(recipient=triager, kind="new_request").exists()


def test_a_request_in_an_organisations_own_mailbox_is_in_its_queue(contact, organisation, region):
    UserFactory(email="lead@almi.example", organisation=organisation, role="lead")
    request = make(contact, region=region, owner_organisation=organisation)
    assert request.owner_organisation == organisation and request.owner_since is not None
    queue = queue_people(organisation.pk)
    assert queue  # the organisation's queue hears of it, though another organisation runs the region
    told = set(Notification.objects.filter(kind="new_request").values_list("recipient_id", flat=True))
    assert {person.pk for person in queue} <= told


def test_the_confirmation_answers_the_email_and_says_it_is_automatic(contact, settings):
    settings.MAIL_REPLY_ADDRESS = "svar@export.example"
    request = make(contact, language="en")  # the request's language, whatever the active one
    email = OutboundEmail.objects.get(key=f"request-confirmation:{request.pk}")
    assert email.to == "karin@konsult.example"
    assert email.subject == f"Re: Hjälp med Norge [{request.reference}]"
    assert email.headers["Auto-Submitted"] == "auto-replied"
    assert email.headers["In-Reply-To"] == "<m1@konsult.example>"
    assert email.headers["References"].split()[0] == "<m1@konsult.example>"
    assert threading.request_for_address(email.headers["Reply-To"]) == request
    assert "This is an automatic answer." in email.body_text
    assert "You can answer this email" in email.body_text
    assert email.thread == threading.thread_of(request)


def test_a_long_email_is_cut_to_the_description_limit(contact):
    request = make(contact, body="å" * 10_000, subject="")
    assert len(request.description) == 3000 and request.description.endswith("…")


def test_without_a_subject_the_confirmation_has_the_usual_subject(contact):
    request = make(contact, subject="", email={"from": contact.email}, language="en")
    email = OutboundEmail.objects.get(key=f"request-confirmation:{request.pk}")
    assert email.subject == f"We have received your request {request.reference}"
    assert "In-Reply-To" in email.headers  # the thread's root
    assert Company.objects.count() == 1
