import smtplib
import threading
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies import services as company_services
from companies.models import Company, Contact
from notifications.models import Notification, OutboundEmail
from notifications.services import flush_outbox
from referrals import services, status_links
from referrals.models import AdviceRequest, RequestEvent
from tests.clock import WORKING_DAY_MORNING

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.time_machine(WORKING_DAY_MORNING, tick=False)
def test_a_submission_becomes_a_new_web_request(
    make_submission, operator, triager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.submit_request(submission=make_submission())
    assert request.reference == "EC-2026-000001"  # the year of the day it came in
    assert (request.status, request.channel, request.region, request.language) == (
        "new",
        "web",
        operator.regions.get(),
        "sv",
    )
    assert sorted(need.slug for need in request.needs.all()) == ["buyer-credit-risk", "market-selection"]
    assert [str(c) for c in request.target_markets] == ["DE", "NO"]
    assert request.company.source == "web_request"
    assert (request.contact.email, request.contact.legal_basis, request.contact.source) == (
        "karin@konsult.example",
        Contact.LegalBasis.PUBLIC_TASK,
        "web_request",
    )
    assert request.events.get().kind == RequestEvent.Kind.CREATED
    assert request.submitted["name"] == "Knivsta Konsult AB"


def test_reference_numbers_are_sequential_per_year(make_submission, operator):
    first = services.submit_request(submission=make_submission())
    second = services.submit_request(submission=make_submission(contact_email="other@konsult.example"))
    assert (first.number, second.number) == (1, 2)
    assert services.next_reference(2031) == (1, "EC-2031-000001")  # a new year starts again


def test_the_deadline_is_the_end_of_the_next_working_day(make_submission, operator):
    thursday_before_midsummer = datetime(2026, 6, 18, 10, 0, tzinfo=STOCKHOLM)
    with mock.patch("django.utils.timezone.now", return_value=thursday_before_midsummer):
        request = services.submit_request(submission=make_submission())
    assert request.first_response_due_at == datetime(2026, 6, 22, 17, 0, tzinfo=STOCKHOLM)


def test_the_same_idempotency_key_creates_one_request(make_submission, operator):
    first = services.submit_request(submission=make_submission(idempotency_key="a" * 32))
    again = services.submit_request(submission=make_submission(idempotency_key="a" * 32))
    assert first.pk == again.pk
    assert AdviceRequest.objects.count() == 1
    assert OutboundEmail.objects.filter(to="karin@konsult.example").count() == 1


def test_an_existing_company_is_matched_and_its_data_kept(make_submission, operator, advisor):
    registered = company_services.register_company(
        by=advisor,
        data={
            "org_number": "5566778899",
            "legal_form": "limited_company",
            "name": "Knivsta Konsult Aktiebolag",
            "municipality_id": "0330",
            "employee_band": "10-19",
            "website": "https://konsult.example",
        },
    )
    request = services.submit_request(
        submission=make_submission(
            number="16556677-8899", company_name="Knivsta Konsult", employee_band="5-9"
        )
    )
    registered.refresh_from_db()
    assert request.company == registered
    assert (registered.name, registered.employee_band, registered.website) == (
        "Knivsta Konsult Aktiebolag",
        "10-19",
        "https://konsult.example",
    )  # what advisors maintain is never overwritten ...
    assert (request.submitted["name"], request.submitted["employee_band"]) == (
        "Knivsta Konsult",
        "5-9",
    )  # ... it is kept
    assert Company.objects.count() == 1


def test_a_contact_is_matched_by_email_within_the_company(make_submission, operator):
    first = services.submit_request(submission=make_submission())
    second = services.submit_request(submission=make_submission(contact_email="KARIN@konsult.example"))
    assert first.contact == second.contact
    assert Contact.objects.count() == 1


def test_an_unregistered_company_is_created_without_a_number(make_submission, operator):
    request = services.submit_request(submission=make_submission(number=None, company_name="Idé & Co"))
    assert (request.company.org_number, request.company.legal_form) == (None, "unregistered")


def test_a_county_no_region_serves_goes_to_the_unassigned_queue(make_submission, operator):
    from reference.models import Municipality

    request = services.submit_request(
        submission=make_submission(municipality=Municipality.objects.get(code="2180"))
    )
    assert request.region is None
    assert list(AdviceRequest.objects.unassigned_region()) == [request]


def test_triage_is_notified_in_the_portal_and_by_email(
    make_submission, operator, triager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.submit_request(submission=make_submission())
    notification = Notification.objects.get(recipient=triager)
    assert request.reference in notification.title
    triage_mail = [m for m in mail.outbox if m.to == ["uppsala@almi.example"]]
    assert len(triage_mail) == 1
    assert request.reference in triage_mail[0].subject
    assert "880320" not in triage_mail[0].body and "karin@" not in triage_mail[0].body  # no personal data


@pytest.mark.parametrize(
    ("language", "subject", "phrase"),
    [
        ("sv", "Vi har tagit emot", "Din privata sida"),
        ("en", "We have received your request", "private page"),
    ],
)
def test_confirmation_email_in_the_smes_language(
    make_submission, operator, language, subject, phrase, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.submit_request(submission=make_submission(language=language))
    message = next(m for m in mail.outbox if m.to == ["karin@konsult.example"])
    assert message.subject.startswith(subject)
    assert request.reference in message.subject
    assert status_links.status_url(request) in message.body
    assert phrase.lower() in message.body.lower()
    html = message.alternatives[0][0]
    assert f'lang="{language}"' in html and status_links.status_url(request) in html
    assert ("/en/status/" in message.body) is (language == "en")


def test_the_submission_succeeds_when_the_broker_is_down_and_the_email_waits(
    make_submission, operator, django_capture_on_commit_callbacks
):
    with (
        # The submission's two emails go to the broker in one message (exportcenter/after_commit.py).
        mock.patch(
            "notifications.tasks.deliver_emails.delay", side_effect=ConnectionRefusedError("no broker")
        ) as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        request = services.submit_request(submission=make_submission())
    publish.assert_called_once()
    assert request.pk
    assert mail.outbox == []
    assert OutboundEmail.objects.filter(status="pending").count() == 2  # confirmation + triage
    assert flush_outbox() == 2  # the broker is back: the sweep sends them
    assert flush_outbox() == 0  # ... exactly once
    assert len(mail.outbox) == 2


def test_the_submission_succeeds_when_the_mail_server_is_down(
    make_submission, operator, django_capture_on_commit_callbacks
):
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPConnectError(421, "down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.submit_request(submission=make_submission())
    # One task, one connection: the first email was tried and refused, the other waits untried.
    attempts = (
        OutboundEmail.objects.filter(status="pending").order_by("pk").values_list("attempts", flat=True)
    )
    assert list(attempts) == [1, 0]
    OutboundEmail.objects.update(next_attempt_at=timezone.now())
    assert flush_outbox() == 2
    assert flush_outbox() == 0
    assert len(mail.outbox) == 2


def test_a_reply_from_the_company_lands_on_the_timeline(make_submission, operator, triager):
    request = services.submit_request(submission=make_submission())
    AdviceRequest.objects.filter(pk=request.pk).update(status="waiting_for_company")
    event = services.reply_from_company(request=request, body="Here are the numbers you asked for.")
    request.refresh_from_db()
    assert event.kind == RequestEvent.Kind.MESSAGE_FROM_COMPANY
    assert request.status == "in_progress"  # the ball is back with the advisor
    assert Notification.objects.filter(recipient=triager, kind="company_replied").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.time_machine(WORKING_DAY_MORNING)  # the clock runs (threads wait), far from New Year
def test_concurrent_submissions_get_unique_sequential_references(make_submission, operator):
    submissions = [make_submission(contact_email=f"person{n}@konsult.example") for n in range(8)]
    barrier = threading.Barrier(len(submissions))
    references, errors = [], []

    def submit(submission):
        try:
            barrier.wait()
            references.append(services.submit_request(submission=submission).reference)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(s,)) for s in submissions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(references) == [f"EC-2026-{n:06d}" for n in range(1, 9)]
    assert Company.objects.count() == 1  # the same org number: one company, whoever came first


def test_a_resent_form_is_found_in_one_query_before_a_duplicate(
    make_submission, operator, django_assert_num_queries
):
    """`already_submitted` asks once: the request of the form id first, else the earliest duplicate."""
    duplicate = services.submit_request(submission=make_submission(idempotency_key="e" * 32, description="B"))
    keyed = services.submit_request(submission=make_submission(idempotency_key="d" * 32, description="A"))
    resent, copied = [make_submission(idempotency_key=key * 32, description="B") for key in "df"]
    with django_assert_num_queries(1):
        found = services.already_submitted(resent)
    assert found == keyed  # its own request wins over the older duplicate
    with django_assert_num_queries(1):
        assert services.already_submitted(copied) == duplicate
    assert services.already_submitted(make_submission(idempotency_key="f" * 32, description="C")) is None


def test_a_copied_submission_id_opens_nobody_elses_request(make_submission, operator):
    first = services.submit_request(submission=make_submission(idempotency_key="b" * 32))
    other = services.submit_request(
        submission=make_submission(idempotency_key="b" * 32, contact_email="mallory@elsewhere.example")
    )
    assert other.pk != first.pk
    assert first.idempotency_key != "b" * 32  # stored bound to the email, not as sent


def test_a_request_has_one_stable_status_link(make_submission, operator):
    request = services.submit_request(submission=make_submission())
    assert status_links.token_for(request) == status_links.token_for(request)
    assert status_links.request_for_token(status_links.token_for(request)) == request


@pytest.mark.time_machine(WORKING_DAY_MORNING, tick=False)
def test_a_submission_writes_in_few_statements(make_submission, operator, triager):
    """Issue 16's submission budget: a new company, its contact, the request, its needs and event, the
    triager's notification and both emails. Before session 16 the reference number took 3 statements, the
    needs 3, the preferences 2 and the company's number 2, and the company and its contact two savepoints
    each; before session 17 each email took 4 (ask for its key, then insert under a savepoint); before
    session 19 the contact had a savepoint and a question of its own, each timeline entry an insert, the
    triage email read the needs back, and the export center and the reply address were read each time."""
    services.submit_request(submission=make_submission(number="556036-0793", description="An earlier one."))
    submission = make_submission()  # the reference rows are cached now (exportcenter.cached_rows)
    with CaptureQueriesContext(connection) as queries:
        request = services.submit_request(submission=submission)
    statements = [query["sql"] for query in queries.captured_queries]
    assert request.needs.count() == 2 and triager.notifications.count() == 2
    assert request.contact.is_primary and request.company.events.count() == 2

    def touching(table):
        return [sql.split()[0] for sql in statements if f'"{table}"' in sql]

    assert len(touching("referrals_referencecounter")) == 1  # one upsert takes the number
    # The needs are inserted without first asking which the new request has; the triage email lists the
    # submitted ones.
    assert touching("referrals_advicerequest_needs") == ["INSERT"]
    assert len(touching("notifications_notificationpreference")) == 1  # muted and by email at once
    assert touching("companies_company") == ["SELECT", "INSERT"]  # the check for the number, the insert
    assert touching("companies_contact") == ["INSERT"]  # a new company has no contact to ask about
    assert touching("companies_companyevent") == ["INSERT"]  # "registered" and "contact added" at once
    assert touching("advisors_region") == touching("mailboxes_mailbox") == []  # cached reference rows
    # Each email is one INSERT … ON CONFLICT (key) DO NOTHING.
    assert touching("notifications_outboundemail") == ["INSERT", "INSERT"]
    savepoints = [sql for sql in statements if sql.startswith("SAVEPOINT")]
    assert len(savepoints) == 2  # the intake's transaction (a savepoint in the test's) and the company
    assert len(statements) == (19 if connection.vendor == "postgresql" else 18)


def test_a_company_without_a_number_is_registered_without_a_savepoint(make_submission, operator):
    """No unique number to lose a race on: the company, its contact and their entries need no savepoint."""
    with CaptureQueriesContext(connection) as queries:
        request = services.submit_request(submission=make_submission(number=None))
    savepoints = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 1  # the intake's own (in the test's transaction)
    assert request.company.org_number is None and request.contact.company == request.company
