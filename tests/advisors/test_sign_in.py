import re

import pytest
from django.core import mail

from notifications.models import OutboundEmail
from tests.factories import TEST_PASSWORD, UserFactory


def sign_in(client, email, password=TEST_PASSWORD, **extra):
    return client.post("/login/", {"username": email, "password": password, **extra})


def test_sign_in_with_email_and_password(client, advisor):
    response = sign_in(client, "ADVISOR@almi.example")  # the address is case-insensitive
    assert response.status_code == 302
    assert response["Location"] == "/advisor/"
    assert client.get("/advisor/").status_code == 200


def test_sign_in_lands_in_the_preferred_language(client, advisor):
    advisor.preferred_language = "en"
    advisor.save()
    assert sign_in(client, advisor.email)["Location"] == "/en/advisor/"


def test_sign_in_keeps_a_safe_next_url(client, advisor):
    response = sign_in(client, advisor.email, next="/advisor/profile/")
    assert response["Location"] == "/advisor/profile/"
    client.logout()
    response = sign_in(client, advisor.email, next="https://evil.example/")
    assert response["Location"] == "/advisor/"


def test_wrong_password_is_refused_with_a_localised_error(client, advisor):
    response = sign_in(client, advisor.email, password="wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "lösenordet är fel" in html.lower()
    english = client.post("/en/login/", {"username": advisor.email, "password": "nope"})
    assert "password is wrong" in english.content.decode()


def test_inactive_user_cannot_sign_in(client, advisor):
    advisor.is_active = False
    advisor.save()
    response = sign_in(client, advisor.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_user_of_an_inactive_organisation_cannot_sign_in(client, advisor):
    advisor.organisation.is_active = False
    advisor.organisation.save()
    response = sign_in(client, advisor.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_deactivating_the_organisation_ends_existing_sessions(client, advisor):
    sign_in(client, advisor.email)
    assert client.get("/advisor/").status_code == 200
    advisor.organisation.is_active = False
    advisor.organisation.save()
    response = client.get("/advisor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_advisor_pages_need_sign_in(client, db):
    response = client.get("/advisor/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/advisor/"


def test_sign_out_is_a_post(client, advisor):
    sign_in(client, advisor.email)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_email_goes_through_the_outbox(client, advisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password/reset/", {"email": advisor.email})
    assert response.status_code == 302
    outbox_row = OutboundEmail.objects.get(to=advisor.email)
    assert outbox_row.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [advisor.email]
    assert "Återställ ditt lösenord" in message.subject or "lösenord" in message.subject.lower()
    link = re.search(r"http://testserver(/password/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "A-brand-new-passw0rd", "new_password2": "A-brand-new-passw0rd"},
    )
    assert response.status_code == 302
    assert sign_in(client, advisor.email, password="A-brand-new-passw0rd").status_code == 302


def test_password_reset_email_uses_the_users_language(client, advisor, django_capture_on_commit_callbacks):
    advisor.preferred_language = "en"
    advisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/password/reset/", {"email": advisor.email})
    assert mail.outbox[0].subject.startswith("Reset your password")


@pytest.mark.parametrize("state", ["unknown", "inactive user", "inactive organisation"])
def test_password_reset_sends_nothing_to_people_who_cannot_sign_in(
    client, advisor, state, django_capture_on_commit_callbacks
):
    email = advisor.email
    if state == "unknown":
        email = "nobody@nowhere.example"
    elif state == "inactive user":
        advisor.is_active = False
        advisor.save()
    else:
        advisor.organisation.is_active = False
        advisor.organisation.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password/reset/", {"email": email})
    assert response.status_code == 302  # the same answer either way: no account enumeration
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_password_change(client, advisor):
    sign_in(client, advisor.email)
    response = client.post(
        "/password/change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Another-passw0rd-1",
            "new_password2": "Another-passw0rd-1",
        },
    )
    assert response.status_code == 302
    advisor.refresh_from_db()
    assert advisor.check_password("Another-passw0rd-1")


def test_profile_sets_the_preferred_language(client, advisor):
    sign_in(client, advisor.email)
    response = client.post(
        "/advisor/profile/", {"full_name": "Anna A. Andersson", "preferred_language": "en"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/advisor/profile/"
    advisor.refresh_from_db()
    assert (advisor.full_name, advisor.preferred_language) == ("Anna A. Andersson", "en")


def test_profile_shows_errors_next_to_the_field(client, advisor):
    sign_in(client, advisor.email)
    response = client.post("/en/advisor/profile/", {"full_name": "", "preferred_language": "xx"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_full_name_error"' in html
    assert 'aria-describedby="id_full_name_error"' in html
    assert 'href="#id_preferred_language"' in html  # the error summary links to the field


def test_the_admin_is_at_admin(client, db):
    superuser = UserFactory(email="root@example.org", organisation=None, is_superuser=True, is_staff=True)
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/advisors/organisation/").status_code == 200


# --- The language is kept through sign-in, sign-out and password reset ---------------------------------


def test_signing_in_on_the_english_page_lands_on_the_english_start_page(client, advisor):
    assert advisor.preferred_language == "sv"
    response = client.post("/en/login/", {"username": advisor.email, "password": TEST_PASSWORD})
    assert response["Location"] == "/en/advisor/"
    assert '<html lang="en">' in client.get(response["Location"]).content.decode()


def test_a_page_that_needs_sign_in_sends_english_readers_to_the_english_sign_in(client, advisor):
    response = client.get("/en/advisor/profile/")
    assert response["Location"] == "/en/login/?next=/en/advisor/profile/"
    response = client.post(response["Location"], {"username": advisor.email, "password": TEST_PASSWORD})
    assert response["Location"] == "/en/advisor/profile/"


def test_signing_out_on_an_english_page_stays_in_english(client, advisor):
    client.force_login(advisor)
    page = client.get("/en/advisor/").content.decode()
    assert 'action="/en/logout/"' in page
    response = client.post("/en/logout/")
    assert response["Location"] == "/en/"
    assert "_auth_user_id" not in client.session
    assert client.post("/logout/")["Location"] == "/"


def test_a_password_reset_asked_for_in_english_stays_in_english(
    client, advisor, django_capture_on_commit_callbacks
):
    assert advisor.preferred_language == "sv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/password/reset/", {"email": advisor.email})
    assert response["Location"] == "/en/password/reset/sent/"
    message = mail.outbox[0]
    assert message.subject.startswith("Reset your password")
    link = re.search(r"http://testserver(/\S+/)", message.body).group(1)
    assert link.startswith("/en/password/reset/")
    form_page = client.get(link, follow=True)
    assert '<html lang="en">' in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "A-brand-new-passw0rd", "new_password2": "A-brand-new-passw0rd"},
    )
    assert done["Location"] == "/en/password/reset/done/"
    complete = client.get(done["Location"]).content.decode()
    assert 'href="/en/login/"' in complete
