"""The request page's email panel: the messages that came by email, the contact's bounce, and "did you mean"
for a company made from an email's sender, whose button moves the request (and its contact) to the chosen
company and removes the made-up one when nothing else refers to it. Its queries do not grow with the
messages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from companies.models import Company, Contact
from mailboxes import services
from referrals.models import AdviceRequest
from tests.factories import CompanyFactory, ContactFactory
from tests.mailboxes.pages_fixtures import *  # noqa: F403 - fixtures
from tests.mailboxes.pages_fixtures import make_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def page_of(client, request):
    return client.get(reverse("referrals:request_detail", kwargs={"public_id": request.public_id}))


def guessed(request, sender="karin@konsult.example"):
    """The request's company was made from the email's sender (mailboxes.matching says so)."""
    request.submitted = {**(request.submitted or {}), "email": {"company_matched_by": "new", "from": sender}}
    request.save(update_fields=["submitted"])
    return request


@pytest.fixture
def known_company(email_request):
    company = CompanyFactory(name="Konsultbolaget i Knivsta AB")
    ContactFactory(company=company, email="vd@konsult.example", name="Vera Vd")
    return company


def test_the_panel_lists_the_messages_that_came_by_email(client, people, almi_mailbox, email_request):
    message = make_message(almi_mailbox, email_request, subject="Svar om Norge")
    make_message(almi_mailbox, None, subject="Frånvarande")
    client.force_login(people["advisor"])
    page = page_of(client, email_request).content.decode()
    assert "data-email-panel" in page and "Svar om Norge" in page and "Frånvarande" not in page
    assert reverse("mailboxes:message_detail", kwargs={"public_id": message.public_id}) in page


def test_no_panel_without_email(client, people, email_request):
    client.force_login(people["advisor"])
    assert "data-email-panel" not in page_of(client, email_request).content.decode()


def test_a_bouncing_contact_is_shown(client, people, email_request):
    Contact.objects.filter(pk=email_request.contact_id).update(
        email_bouncing_since=timezone.now(), email_bounce_reason="550 5.1.1 User unknown"
    )
    client.force_login(people["advisor"])
    page = page_of(client, email_request).content.decode()
    assert "data-bounce" in page and "comes back undelivered" in page and "550 5.1.1 User unknown" in page


def test_did_you_mean_moves_the_request_and_removes_the_made_up_company(
    client, people, email_request, known_company
):
    guessed(email_request)
    placeholder = email_request.company
    contact = email_request.contact
    client.force_login(people["advisor"])
    page = page_of(client, email_request).content.decode()
    assert "data-did-you-mean" in page and "Konsultbolaget i Knivsta AB" in page
    response = client.post(
        reverse("mailboxes:use_company", kwargs={"public_id": email_request.public_id}),
        {"company": str(known_company.public_id)},
    )
    assert response.status_code == 302
    email_request.refresh_from_db()
    contact.refresh_from_db()
    assert email_request.company == known_company and contact.company == known_company
    assert email_request.submitted["email"]["company_matched_by"] == services.CHOSEN_BY_ADVISOR
    assert not Company.objects.filter(pk=placeholder.pk).exists()
    entry = AuditEntry.objects.get(action=services.AUDIT_REQUEST_COMPANY)
    assert entry.details["placeholder_removed"] is True and entry.actor == people["advisor"]
    assert "data-did-you-mean" not in page_of(client, email_request).content.decode()  # asked once


def test_the_known_contact_is_used_when_the_person_is_already_there(
    client, people, email_request, known_company
):
    guessed(email_request)
    same_person = ContactFactory(company=known_company, email=email_request.contact.email.upper())
    client.force_login(people["advisor"])
    client.post(
        reverse("mailboxes:use_company", kwargs={"public_id": email_request.public_id}),
        {"company": str(known_company.public_id)},
    )
    email_request.refresh_from_db()
    assert email_request.contact == same_person and email_request.company == known_company


def test_the_made_up_company_stays_when_something_else_refers_to_it(
    people, email_request, known_company, need_categories
):
    from referrals import services as referral_services
    from tests.referrals.conftest import build_submission

    guessed(email_request)
    placeholder = email_request.company
    other = referral_services.submit_request(
        submission=build_submission(description="Ett annat ärende om Tyskland och marknaden där.")
    )
    assert other.company == placeholder
    services.use_company(request=email_request, company=known_company, by=people["advisor"])
    assert Company.objects.filter(pk=placeholder.pk).exists()
    entry = AuditEntry.objects.get(action=services.AUDIT_REQUEST_COMPANY)
    assert entry.details["placeholder_removed"] is False


def test_only_a_guessed_company_is_moved(client, people, email_request, known_company):
    client.force_login(people["advisor"])
    client.post(
        reverse("mailboxes:use_company", kwargs={"public_id": email_request.public_id}),
        {"company": str(known_company.public_id)},
    )
    email_request.refresh_from_db()
    assert email_request.company != known_company


@pytest.mark.parametrize(
    ("role", "status"), [("other_region_staff", 404), ("other_advisor", 403), ("national", 404)]
)
def test_who_may_move_the_request(client, people, email_request, known_company, role, status):
    guessed(email_request)
    client.force_login(people[role])
    response = client.post(
        reverse("mailboxes:use_company", kwargs={"public_id": email_request.public_id}),
        {"company": str(known_company.public_id)},
    )
    assert response.status_code == status
    assert AdviceRequest.objects.get(pk=email_request.pk).company_id != known_company.pk


def test_an_unknown_or_unseen_company_is_refused(client, people, email_request):
    from reference.models import Municipality

    guessed(email_request)
    far = CompanyFactory(name="Hemlig AB", municipality=Municipality.objects.get(code="2180"))
    client.force_login(people["advisor"])
    url = reverse("mailboxes:use_company", kwargs={"public_id": email_request.public_id})
    for company in ["not-a-uuid", "00000000-0000-0000-0000-000000000000", str(far.public_id), ""]:
        assert client.post(url, {"company": company}).status_code == 302
    email_request.refresh_from_db()
    assert email_request.company.name == "Knivsta Konsult AB"
    assert client.get(url).status_code == 405


def test_the_panel_reads_a_fixed_number_of_queries(
    client, people, almi_mailbox, email_request, known_company
):
    guessed(email_request)
    client.force_login(people["advisor"])
    make_message(almi_mailbox, email_request)
    page_of(client, email_request)  # warm the caches
    with CaptureQueriesContext(connection) as one:
        page_of(client, email_request)
    for _ in range(15):
        make_message(almi_mailbox, email_request)
        ContactFactory(company=known_company)
    with CaptureQueriesContext(connection) as many:
        page = page_of(client, email_request).content.decode()
    assert page.count("/advisor/mailboxes/messages/") == 16
    assert len(many) == len(one)
