"""The mailbox pages: the list (state, only visible ones, query budget), connecting and editing a mailbox
(field errors with status 400, the write-only password, stale versions), deactivating, "Test connection"
(htmx, in words), "Poll now" (after commit), and a message taken (text by default, HTML on request)."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from mailboxes import imap, secrets, services
from mailboxes.models import Mailbox
from tests.mailboxes.pages_fixtures import *  # noqa: F403 - fixtures
from tests.mailboxes.pages_fixtures import PASSWORD, make_mailbox, make_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def form_data(region, organisation=None, **overrides):
    return {
        "name": "Export Almi",
        "address": "export@almi.example",
        "region": region.pk,
        "organisation": organisation.pk if organisation else "",
        "kind": "imap",
        "host": "imap.almi.example",
        "port": "993",
        "security": "tls",
        "username": "export@almi.example",
        "password": "app-lösen-1",
        "folder": "INBOX",
        "processed_folder": "Processed",
        "poll_interval_seconds": "60",
        **overrides,
    }


# --- The list --------------------------------------------------------------------------------------------


def test_the_list_shows_the_state_of_the_mailboxes_one_sees(
    client, people, almi_mailbox, shared_mailbox, far_mailbox
):
    almi_mailbox.last_error = "The server refused the login: check the user name and password."
    almi_mailbox.messages_taken = 17
    almi_mailbox.save()
    client.force_login(people["advisor"])
    page = client.get(reverse("mailboxes:mailbox_list")).content.decode()
    assert "Almi export" in page and "Exportcenter Uppsala" in page
    assert "Almi Gävleborg" not in page
    assert "refused the login" in page and ">17<" in page
    assert "Connect a mailbox" not in page  # an advisor does not connect mailboxes


def test_the_list_reads_a_fixed_number_of_queries(
    client, people, uppsala, organisation, django_assert_max_num_queries
):
    for _ in range(30):
        make_mailbox(uppsala, organisation)
    client.force_login(people["regional_staff"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("mailboxes:mailbox_list"))
    assert response.status_code == 200 and response.content.decode().count("data-mailbox=") == 25


def test_the_nav_links_the_mailboxes_for_those_who_configure_them(client, people):
    url = reverse("mailboxes:mailbox_list")
    for role, shown in [("regional_staff", True), ("organisation_lead", True), ("advisor", False)]:
        client.force_login(people[role])
        page = client.get(reverse("worklist:home")).content.decode()
        assert (f'href="{url}"' in page) is shown, role


# --- Connecting and editing ------------------------------------------------------------------------------


def test_regional_staff_connect_a_mailbox_and_the_password_is_stored_encrypted(
    client, people, uppsala, organisation
):
    client.force_login(people["regional_staff"])
    response = client.post(reverse("mailboxes:mailbox_create"), form_data(uppsala, organisation))
    mailbox = Mailbox.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "mailboxes:mailbox_detail", kwargs={"public_id": mailbox.public_id}
    )
    assert mailbox.password_encrypted and "app-lösen-1" not in mailbox.password_encrypted
    assert secrets.decrypt(mailbox.password_encrypted) == "app-lösen-1"
    assert mailbox.created_by == people["regional_staff"]
    entry = AuditEntry.objects.get(action=services.AUDIT_MAILBOX_CREATED)
    assert "app-lösen-1" not in str(entry.details) and entry.details["password_set"] is True
    page = client.get(response["Location"]).content.decode()
    assert "app-lösen-1" not in page and "Stored (never shown)" in page


def test_a_lead_connects_their_own_organisations_mailbox_only(
    client, people, uppsala, organisation, region_org
):
    client.force_login(people["organisation_lead"])
    page = client.get(reverse("mailboxes:mailbox_create")).content.decode()
    assert "Almi" in page and "Region Uppsala" not in page  # only their own organisation is offered
    response = client.post(reverse("mailboxes:mailbox_create"), form_data(uppsala, region_org))
    assert response.status_code == 400 and not Mailbox.objects.exists()
    response = client.post(reverse("mailboxes:mailbox_create"), form_data(uppsala, None))
    assert response.status_code == 400 and "Choose your own organisation." in response.content.decode()
    response = client.post(reverse("mailboxes:mailbox_create"), form_data(uppsala, organisation))
    assert response.status_code == 302 and Mailbox.objects.get().organisation == organisation


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"host": "imaps://imap.almi.example"}, "without imap://"),
        ({"host": "imap almi.example"}, "has no spaces"),
        ({"host": "a" * 254}, "253"),
        ({"host": ""}, "needs a server"),
        ({"port": "0"}, "greater than or equal to 1"),
        ({"port": "70000"}, "less than or equal to 65535"),
        ({"folder": "IN\nBOX"}, "control characters"),
        ({"folder": "x" * 201}, "at most 200 characters"),
        ({"processed_folder": "INBOX"}, "another folder"),
        ({"address": "not-an-address"}, "valid email address"),
        ({"password": ""}, "needs the password"),
        ({"password": "x" * 501}, "at most 500 characters"),
        ({"kind": "local"}, "Select a valid choice"),
        ({"poll_interval_seconds": "5"}, "greater than or equal to 30"),
        ({"name": "x" * 121}, "at most 120 characters"),
    ],
)
def test_bad_input_is_a_field_error(client, people, uppsala, organisation, settings, overrides, message):
    settings.MAIL_LOCAL_FOLDER = ""
    client.force_login(people["regional_staff"])
    response = client.post(reverse("mailboxes:mailbox_create"), form_data(uppsala, organisation, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Mailbox.objects.exists()


def test_nul_bytes_are_refused(client, people, uppsala, organisation):
    client.force_login(people["regional_staff"])
    response = client.post(
        reverse("mailboxes:mailbox_create"), form_data(uppsala, organisation, folder="IN\x00BOX")
    )
    assert response.status_code == 400 and not Mailbox.objects.exists()


def test_a_local_folder_mailbox_only_when_the_server_has_one(
    client, people, uppsala, organisation, settings, tmp_path
):
    settings.MAIL_LOCAL_FOLDER = str(tmp_path)
    client.force_login(people["regional_staff"])
    response = client.post(
        reverse("mailboxes:mailbox_create"),
        form_data(uppsala, organisation, kind="local", host="", username="", password=""),
    )
    assert response.status_code == 302 and Mailbox.objects.get().kind == "local"


def test_an_address_is_taken_by_one_active_mailbox(client, people, uppsala, organisation, almi_mailbox):
    client.force_login(people["regional_staff"])
    data = form_data(uppsala, organisation, address=almi_mailbox.address.upper())
    response = client.post(reverse("mailboxes:mailbox_create"), data)
    assert response.status_code == 400
    assert "Another active mailbox has this address." in response.content.decode()
    services.set_active(mailbox=almi_mailbox, by=people["regional_staff"], active=False)
    assert client.post(reverse("mailboxes:mailbox_create"), data).status_code == 302


def test_the_address_constraint_answers_a_race_with_a_field_error(
    people, uppsala, organisation, almi_mailbox, monkeypatch
):
    # The check before the insert saw nothing (another request committed in between): the constraint answers.
    monkeypatch.setattr(services, "_check_mailbox", lambda *args, **kwargs: None)
    with pytest.raises(services.ValidationError) as error:
        services.create_mailbox(
            by=people["regional_staff"],
            data={
                **form_data(uppsala, organisation),
                "region": uppsala,
                "organisation": organisation,
                "address": almi_mailbox.address,
                "port": 993,
                "poll_interval_seconds": 60,
            },
            password="x",
        )
    assert error.value.message_dict == {"address": ["Another active mailbox has this address."]}


def test_another_regions_region_cannot_be_chosen(client, people, gavleborg, far_org):
    client.force_login(people["regional_staff"])
    response = client.post(reverse("mailboxes:mailbox_create"), form_data(gavleborg, far_org))
    assert response.status_code == 400 and not Mailbox.objects.exists()


def test_editing_keeps_the_password_when_the_field_is_empty(
    client, people, uppsala, organisation, almi_mailbox
):
    client.force_login(people["regional_staff"])
    url = reverse("mailboxes:mailbox_edit", kwargs={"public_id": almi_mailbox.public_id})
    page = client.get(url).content.decode()
    assert PASSWORD not in page and almi_mailbox.password_encrypted not in page
    assert 'name="password"' in page and "A password is stored." in page
    data = form_data(
        uppsala, organisation, address=almi_mailbox.address, password="", name="Nytt namn", version=1
    )
    assert client.post(url, data).status_code == 302
    almi_mailbox.refresh_from_db()
    assert almi_mailbox.name == "Nytt namn" and almi_mailbox.version == 2
    assert secrets.decrypt(almi_mailbox.password_encrypted) == PASSWORD
    data.update(password="nytt-lösen", version=2)
    assert client.post(url, data).status_code == 302
    almi_mailbox.refresh_from_db()
    assert secrets.decrypt(almi_mailbox.password_encrypted) == "nytt-lösen"
    entries = AuditEntry.objects.filter(action=services.AUDIT_MAILBOX_CHANGED)
    assert [entry.details["password_changed"] for entry in entries.order_by("pk")] == [False, True]
    assert all("nytt-lösen" not in str(entry.details) for entry in entries)


def test_a_stale_edit_saves_nothing(client, people, uppsala, organisation, almi_mailbox):
    client.force_login(people["regional_staff"])
    url = reverse("mailboxes:mailbox_edit", kwargs={"public_id": almi_mailbox.public_id})
    Mailbox.objects.filter(pk=almi_mailbox.pk).update(version=2)
    response = client.post(
        url, form_data(uppsala, organisation, address=almi_mailbox.address, name="Min", version=1)
    )
    assert response.status_code == 400 and "changed since you opened it" in response.content.decode()
    almi_mailbox.refresh_from_db()
    assert almi_mailbox.name == "Almi export"


@pytest.mark.parametrize(
    ("role", "view", "edit"),
    [
        ("regional_staff", 200, 200),
        ("organisation_lead", 200, 200),
        ("advisor", 200, 403),
        ("other_lead", 404, 404),
        ("other_region_staff", 404, 404),
        ("national", 404, 404),
    ],
)
def test_who_sees_and_edits_an_organisations_mailbox(client, people, almi_mailbox, role, view, edit):
    client.force_login(people[role])
    kwargs = {"public_id": almi_mailbox.public_id}
    assert client.get(reverse("mailboxes:mailbox_detail", kwargs=kwargs)).status_code == view
    assert client.get(reverse("mailboxes:mailbox_edit", kwargs=kwargs)).status_code == edit


def test_a_lead_cannot_edit_the_regions_shared_mailbox(client, people, shared_mailbox):
    client.force_login(people["organisation_lead"])
    kwargs = {"public_id": shared_mailbox.public_id}
    assert client.get(reverse("mailboxes:mailbox_detail", kwargs=kwargs)).status_code == 200
    assert client.get(reverse("mailboxes:mailbox_edit", kwargs=kwargs)).status_code == 403
    assert client.post(reverse("mailboxes:mailbox_test", kwargs=kwargs)).status_code == 403


def test_an_unknown_mailbox_is_a_404(client, people):
    client.force_login(people["regional_staff"])
    assert client.get("/advisor/mailboxes/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/advisor/mailboxes/not-a-uuid/").status_code == 404


# --- Deactivating, testing, polling ---------------------------------------------------------------------


def test_deactivating_and_activating_again(client, people, almi_mailbox):
    client.force_login(people["regional_staff"])
    url = reverse("mailboxes:mailbox_active", kwargs={"public_id": almi_mailbox.public_id})
    assert client.post(url, {"version": "1"}).status_code == 302
    almi_mailbox.refresh_from_db()
    assert not almi_mailbox.is_active and almi_mailbox.version == 2
    client.post(url, {"version": "1", "active": "on"})  # stale: nothing changes
    almi_mailbox.refresh_from_db()
    assert not almi_mailbox.is_active
    client.post(url, {"version": "2", "active": "on"})
    almi_mailbox.refresh_from_db()
    assert almi_mailbox.is_active
    assert client.get(url).status_code == 405


def test_test_connection_says_what_is_wrong_in_an_aria_live_region(client, people, almi_mailbox, monkeypatch):
    seen = []

    def fake_test(mailbox, password=None):
        seen.append(mailbox.pk)
        return imap.Check(
            False, imap.LOGIN, "The server refused the login: check the user name and password."
        )

    monkeypatch.setattr(imap, "test_connection", fake_test)
    client.force_login(people["organisation_lead"])
    kwargs = {"public_id": almi_mailbox.public_id}
    page = client.get(reverse("mailboxes:mailbox_detail", kwargs=kwargs)).content.decode()
    assert 'id="connection-result"' in page and 'aria-live="polite"' in page
    answer = client.post(reverse("mailboxes:mailbox_test", kwargs=kwargs), headers={"HX-Request": "true"})
    text = answer.content.decode()
    assert answer.status_code == 200 and "<html" not in text
    assert "The connection failed." in text and "refused the login" in text and 'data-problem="login"' in text
    assert PASSWORD not in text and seen == [almi_mailbox.pk]
    # Without JavaScript: the mailbox page with the result.
    page = client.post(reverse("mailboxes:mailbox_test", kwargs=kwargs)).content.decode()
    assert "<html" in page and "refused the login" in page


def test_test_connection_of_a_local_folder(client, people, uppsala, organisation, settings, tmp_path):
    settings.MAIL_LOCAL_FOLDER = str(tmp_path)
    mailbox = make_mailbox(uppsala, organisation, kind="local", host="", password_encrypted="")
    client.force_login(people["regional_staff"])
    url = reverse("mailboxes:mailbox_test", kwargs={"public_id": mailbox.public_id})
    assert 'data-check="ok"' in client.post(url, headers={"HX-Request": "true"}).content.decode()
    settings.MAIL_LOCAL_FOLDER = str(tmp_path / "gone")
    assert 'data-check="failed"' in client.post(url, headers={"HX-Request": "true"}).content.decode()


def test_poll_now_hands_the_task_over_after_commit(
    client, people, almi_mailbox, monkeypatch, django_capture_on_commit_callbacks
):
    import sys
    import types

    published = []
    task = object()
    fake_tasks = types.ModuleType("mailboxes.tasks")
    fake_tasks.poll_mailbox = task
    monkeypatch.setitem(sys.modules, "mailboxes.tasks", sys.modules.get("mailboxes.tasks") or fake_tasks)
    monkeypatch.setattr(services.broker, "publish", lambda task, *args: published.append(args) or True)
    client.force_login(people["regional_staff"])
    url = reverse("mailboxes:mailbox_poll", kwargs={"public_id": almi_mailbox.public_id})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert published == [(almi_mailbox.pk,)]
    client.force_login(people["advisor"])
    assert client.post(url).status_code == 403


# --- The mailbox page and a message -------------------------------------------------------------------


def test_the_mailbox_page_lists_the_messages_taken_with_a_bounded_number_of_queries(
    client, people, almi_mailbox, email_request, django_assert_max_num_queries
):
    for number in range(30):
        make_message(almi_mailbox, email_request if number % 2 else None, subject=f"Meddelande {number}")
    client.force_login(people["regional_staff"])
    with django_assert_max_num_queries(14):
        page = client.get(reverse("mailboxes:mailbox_detail", kwargs={"public_id": almi_mailbox.public_id}))
    text = page.content.decode()
    assert "Meddelande 29" in text and "Meddelande 4" not in text  # 25 a page, newest first
    assert email_request.reference in text and "Auto-reply (ignored)" in text
    assert "Page 1 of 2" in text


def test_a_message_shows_its_text_and_its_html_only_on_request(client, people, almi_mailbox, email_request):
    message = make_message(
        almi_mailbox,
        email_request,
        body_html='<p>Hej <a href="https://bergsmide.example" rel="noopener noreferrer">länk</a></p>',
    )
    client.force_login(people["advisor"])
    url = reverse("mailboxes:message_detail", kwargs={"public_id": message.public_id})
    page = client.get(url).content.decode()
    assert 'data-body="text"' in page and "Tack för svaret." in page and 'data-body="html"' not in page
    assert "Karin Berg &lt;karin@bergsmide.example&gt;" in page and email_request.reference in page
    assert (
        "Reply on a request" in page and message.message_id.replace("<", "&lt;").replace(">", "&gt;") in page
    )
    page = client.get(url + "?html=1").content.decode()
    assert 'data-body="html"' in page and '<a href="https://bergsmide.example"' in page


def test_the_html_is_sanitised_again_when_shown(client, people, almi_mailbox, email_request):
    """Whatever wrote the column (an import, a bug), the page shows only what the sanitiser lets through."""
    message = make_message(
        almi_mailbox,
        email_request,
        body_html='<p onclick="steal()">Hej</p><script>alert(1)</script><img src="https://x.example/t.gif">',
    )
    client.force_login(people["advisor"])
    url = reverse("mailboxes:message_detail", kwargs={"public_id": message.public_id})
    page = client.get(url + "?html=1").content.decode()
    html = page.split('data-body="html">', 1)[1].split("</div>", 1)[0]
    assert "Hej" in html and "<script" not in html and "onclick" not in html and "x.example" not in html


def test_who_sees_a_message(client, people, almi_mailbox, far_mailbox, email_request):
    on_request = make_message(almi_mailbox, email_request)
    ignored = make_message(almi_mailbox, None)
    elsewhere = make_message(far_mailbox, None)

    def status(role, message):
        client.force_login(people[role])
        return client.get(
            reverse("mailboxes:message_detail", kwargs={"public_id": message.public_id})
        ).status_code

    assert status("advisor", on_request) == 200  # sees the request
    assert status("advisor", ignored) == 404  # an auto-reply is for those who configure the mailbox
    assert status("organisation_lead", ignored) == 200
    assert status("regional_staff", ignored) == 200
    assert status("regional_staff", elsewhere) == 404
    assert status("other_region_staff", on_request) == 404
    assert status("other_region_staff", elsewhere) == 200


def test_a_message_lists_the_files_that_came_with_it(client, people, almi_mailbox, email_request):
    from referrals.models import Attachment

    message = make_message(almi_mailbox, email_request, outcome="new_request")
    Attachment.objects.create(
        request=email_request,
        name="offert.pdf",
        content_type="application/pdf",
        size=2048,
        sha256="0" * 64,
        source=Attachment.Source.EMAIL,
        scan=Attachment.Scan.INFECTED,
        created_at=message.taken_at,
    )
    Attachment.objects.create(
        request=email_request,
        name="formulär.pdf",
        content_type="application/pdf",
        size=10,
        sha256="1" * 64,
        source=Attachment.Source.FORM,
        scan=Attachment.Scan.CLEAN,
        created_at=message.taken_at,
    )
    client.force_login(people["advisor"])
    page = client.get(
        reverse("mailboxes:message_detail", kwargs={"public_id": message.public_id})
    ).content.decode()
    assert "offert.pdf" in page and "refused: virus found" in page
    assert "formulär.pdf" not in page  # the form's file is not the email's
