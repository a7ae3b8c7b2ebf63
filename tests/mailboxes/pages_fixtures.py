"""Fixtures of the mailbox pages, API and panel tests: the people of every role (tests.projects'), mailboxes
of Uppsala (Almi Uppsala's and the region's shared address) and of Gävleborg, messages taken, and a request
made from an email whose company is a guess."""

import itertools
import uuid

import pytest

from mailboxes import secrets
from mailboxes.models import InboundMessage, Mailbox
from tests.projects.project_fixtures import *  # noqa: F403 - fixtures (people, uppsala, gavleborg, ...)

PASSWORD = "hemligt-lösen-42"  # a test password that must never be shown
_numbers = itertools.count(1)


def make_mailbox(region, organisation=None, **fields) -> Mailbox:
    number = next(_numbers)
    values = {
        "name": f"Brevlåda {number}",
        "address": f"export{number}-{uuid.uuid4().hex[:6]}@almi.example",
        "region": region,
        "organisation": organisation,
        "kind": Mailbox.Kind.IMAP,
        "host": "imap.almi.example",
        "port": 993,
        "username": f"export{number}@almi.example",
        "password_encrypted": secrets.encrypt(PASSWORD),
    }
    values.update(fields)
    return Mailbox.objects.create(**values)


def make_message(mailbox, request=None, **fields) -> InboundMessage:
    values = {
        "mailbox": mailbox,
        "message_id": f"<{uuid.uuid4().hex}@bergsmide.example>",
        "outcome": InboundMessage.Outcome.REPLY if request else InboundMessage.Outcome.AUTO_REPLY,
        "from_address": "karin@bergsmide.example",
        "from_name": "Karin Berg",
        "to_addresses": [mailbox.address],
        "subject": "Svar: Er förfrågan",
        "headers": {"From": "Karin Berg <karin@bergsmide.example>", "Subject": "Svar: Er förfrågan"},
        "body_text": "Hej!\nTack för svaret.",
        "body_html": "<p>Hej!</p><p>Tack för <b>svaret</b>.</p>",
        "size": 1234,
        "request": request,
    }
    values.update(fields)
    return InboundMessage.objects.create(**values)


@pytest.fixture
def almi_mailbox(people, uppsala, organisation):
    return make_mailbox(uppsala, organisation, name="Almi export")


@pytest.fixture
def shared_mailbox(people, uppsala):
    return make_mailbox(uppsala, None, name="Exportcenter Uppsala")


@pytest.fixture
def far_mailbox(people, gavleborg, far_org):
    return make_mailbox(gavleborg, far_org, name="Almi Gävleborg")


@pytest.fixture
def email_request(people, uppsala, organisation, need_categories):
    """A request from Knivsta Konsult AB (Uppsala), owned by Almi Uppsala, that came by email."""
    from referrals import services
    from referrals.models import AdviceRequest
    from tests.referrals.conftest import build_submission

    request = services.submit_request(submission=build_submission())
    AdviceRequest.objects.filter(pk=request.pk).update(
        channel=AdviceRequest.Channel.EMAIL, owner_organisation=organisation
    )
    request.refresh_from_db()
    return request


@pytest.fixture
def need_categories(db):
    from referrals.models import NeedCategory
    from referrals.need_categories import seed_need_categories

    seed_need_categories()
    return NeedCategory.objects.all()
