"""Two workers taking the same message at the same moment (PostgreSQL, real connections): one row, one
request, one confirmation."""

import pytest

from mailboxes import ingest
from mailboxes.models import InboundMessage, Mailbox
from notifications.models import OutboundEmail
from referrals.models import AdviceRequest
from tests.mailboxes.conftest import make_message
from tests.threads import at_once


@pytest.fixture
def mailbox(transactional_db, reference_data, region, organisation, is_postgres):
    if not is_postgres:
        pytest.skip("concurrent transactions need PostgreSQL")
    return Mailbox.objects.create(
        name="Almi export",
        address="export@almi.example",
        region=region,
        organisation=organisation,
        kind="local",
    )


def test_concurrent_takes_of_one_message_give_one_row(mailbox):
    raw = make_message(message_id="<same@bergsmide.example>")
    results = at_once(*[lambda: ingest.take(mailbox, raw, uid=5, uidvalidity=1)] * 2)
    assert sorted(taken.created for taken in results) == [False, True]
    assert len({taken.message.pk for taken in results}) == 1
    assert InboundMessage.objects.count() == 1
    assert AdviceRequest.objects.count() == 1
    assert OutboundEmail.objects.filter(key__startswith="request-confirmation:").count() == 1
    mailbox.refresh_from_db()
    assert mailbox.messages_taken == 1


def test_concurrent_takes_of_different_messages_both_become_requests(mailbox):
    first, second = make_message("Ett"), make_message("Två")
    results = at_once(lambda: ingest.take(mailbox, first), lambda: ingest.take(mailbox, second))
    assert all(taken.created for taken in results)
    assert AdviceRequest.objects.count() == 2
    assert len(set(AdviceRequest.objects.values_list("reference", flat=True))) == 2
