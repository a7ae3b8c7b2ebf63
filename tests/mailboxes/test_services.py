"""mailboxes.services beyond the pages: moving a mailbox between regions and organisations, the write-only
password, activating again with a taken address, and the admin (no password field, messages read-only)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mailboxes import secrets, services
from mailboxes.models import InboundMessage, Mailbox
from tests.factories import UserFactory
from tests.mailboxes.pages_fixtures import *  # noqa: F403 - fixtures
from tests.mailboxes.pages_fixtures import PASSWORD, make_mailbox, make_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def test_a_lead_cannot_move_their_mailbox_to_another_organisation(people, almi_mailbox, region_org):
    with pytest.raises(ValidationError) as error:
        services.update_mailbox(
            mailbox=almi_mailbox,
            by=people["organisation_lead"],
            data={"organisation": region_org},
            expected_version=1,
        )
    assert "organisation" in error.value.message_dict
    almi_mailbox.refresh_from_db()
    assert almi_mailbox.organisation_id != region_org.pk and almi_mailbox.version == 1


def test_regional_staff_cannot_move_a_mailbox_to_another_region(people, almi_mailbox, gavleborg):
    with pytest.raises(ValidationError) as error:
        services.update_mailbox(
            mailbox=almi_mailbox, by=people["regional_staff"], data={"region": gavleborg}, expected_version=1
        )
    assert "region" in error.value.message_dict


def test_an_organisation_must_serve_the_region(people, uppsala, far_org):
    with pytest.raises(ValidationError) as error:
        services.create_mailbox(
            by=people["regional_staff"],
            data={
                "name": "X",
                "address": "x@far.example",
                "region": uppsala,
                "organisation": far_org,
                "kind": "imap",
                "host": "imap.far.example",
                "username": "x",
            },
            password="p",
        )
    assert error.value.message_dict == {"organisation": ["The organisation does not serve this region."]}


def test_a_stale_version_raises(people, almi_mailbox):
    with pytest.raises(services.StaleMailbox):
        services.update_mailbox(
            mailbox=almi_mailbox, by=people["regional_staff"], data={}, expected_version=7
        )


def test_activating_again_needs_a_free_address(people, uppsala, organisation, almi_mailbox):
    staff = people["regional_staff"]
    services.set_active(mailbox=almi_mailbox, by=staff, active=False)
    make_mailbox(uppsala, organisation, address=almi_mailbox.address.upper())
    with pytest.raises(ValidationError):
        services.set_active(mailbox=almi_mailbox, by=staff, active=True)


def test_a_superuser_may_connect_any_regions_mailbox(gavleborg, far_org, reference_data):
    root = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    mailbox = services.create_mailbox(
        by=root,
        data={
            "name": "Gävle",
            "address": "gavle@almi.example",
            "region": gavleborg,
            "organisation": far_org,
            "kind": "imap",
            "host": "imap.almi.example",
            "username": "gavle",
        },
        password="p",
    )
    assert mailbox.region == gavleborg


def test_the_password_is_kept_unless_a_new_one_is_given(people, almi_mailbox):
    for password in (None, ""):
        services.update_mailbox(
            mailbox=almi_mailbox,
            by=people["regional_staff"],
            data={},
            password=password,
            expected_version=None,
        )
    almi_mailbox.refresh_from_db()
    assert secrets.decrypt(almi_mailbox.password_encrypted) == PASSWORD


# --- The admin ---------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    root = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    client.force_login(root)
    return client


def test_the_mailbox_admin_has_no_password_field(admin_client, almi_mailbox):
    page = admin_client.get(
        reverse("admin:mailboxes_mailbox_change", args=[almi_mailbox.pk])
    ).content.decode()
    assert 'name="password_encrypted"' not in page and almi_mailbox.password_encrypted not in page
    assert PASSWORD not in page and "field-has_password" in page  # the read-only "password stored"
    assert admin_client.get(reverse("admin:mailboxes_mailbox_changelist")).status_code == 200


def test_messages_are_read_only_in_the_admin(admin_client, almi_mailbox):
    message = make_message(almi_mailbox)
    url = reverse("admin:mailboxes_inboundmessage_change", args=[message.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="subject"' not in page.content.decode()
    admin_client.post(url, {"subject": "Ändrat"})
    message.refresh_from_db()
    assert message.subject == "Svar: Er förfrågan"
    assert admin_client.get(reverse("admin:mailboxes_inboundmessage_add")).status_code == 403
    assert InboundMessage.objects.count() == 1 and Mailbox.objects.count() == 1
