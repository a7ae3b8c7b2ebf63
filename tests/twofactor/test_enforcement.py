"""Who must use two-factor sign-in, and what a session can reach before its second factor."""

import pytest
from django_otp.plugins.otp_static.models import StaticToken

from audit.models import Action, AuditEntry
from tests.factories import OrganisationFactory, UserFactory
from tests.twofactor.conftest import add_authenticator, code_for, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["organisation_lead", "regional_staff"])
def test_a_lead_or_staff_without_a_device_is_sent_to_set_one_up(client, required, organisation, role):
    person = UserFactory(organisation=organisation, role=role)
    response = sign_in(client, person)
    assert response.status_code == 302
    followed = client.get(response["Location"])
    assert followed.status_code == 302
    assert followed["Location"] == "/advisor/security/?next=%2Fadvisor%2F"
    page = client.get(followed["Location"])
    assert page.status_code == 200
    assert "Konfigurera tvåstegsinloggning för att fortsätta" in page.content.decode()
    for url in ("/advisor/", "/companies/", "/advisor/requests/", "/advisor/profile/"):
        assert client.get(url)["Location"].startswith("/advisor/security/?next=")


def test_a_superuser_without_a_device_is_sent_to_set_one_up(client, required):
    admin = UserFactory(organisation=None, is_superuser=True, is_staff=True)
    sign_in(client, admin)
    assert client.get("/admin/")["Location"] == "/advisor/security/?next=%2Fadmin%2F"


def test_an_advisor_may_go_without(client, required, advisor):
    sign_in(client, advisor)
    assert client.get("/advisor/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_an_advisor_with_admin_access_needs_it_for_the_admin_only(client, required, advisor):
    advisor.is_staff = True
    advisor.save()
    sign_in(client, advisor)
    assert client.get("/advisor/").status_code == 200
    assert client.get("/admin/")["Location"] == "/advisor/security/?next=%2Fadmin%2F"


def test_nothing_is_required_when_the_setting_is_off(client, settings, lead):
    settings.TWO_FACTOR_REQUIRED = False
    sign_in(client, lead)
    assert client.get("/advisor/").status_code == 200


def test_a_device_is_verified_after_the_password_even_when_not_required(client, settings, advisor):
    settings.TWO_FACTOR_REQUIRED = False
    add_authenticator(advisor)
    sign_in(client, advisor)
    assert client.get("/advisor/")["Location"] == "/login/verify/?next=%2Fadvisor%2F"


def test_the_api_refuses_a_session_until_it_is_verified(client, required, lead):
    device = add_authenticator(lead)
    sign_in(client, lead)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "two_factor_required"
    assert client.post("/login/verify/", {"code": code_for(device)}).status_code == 302
    assert client.get("/api/v1/me/").status_code == 200


def test_the_api_refuses_a_session_that_must_enrol(client, required, lead):
    sign_in(client, lead)
    assert client.get("/api/v1/companies/").status_code == 403


def test_a_user_with_a_device_verifies_and_lands_where_they_were_going(client, required, lead):
    device = add_authenticator(lead)
    response = sign_in(client, lead, next="/companies/")
    assert client.get(response["Location"])["Location"] == "/login/verify/?next=%2Fcompanies%2F"
    page = client.get("/login/verify/?next=%2Fcompanies%2F")
    html = page.content.decode()
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    response = client.post("/login/verify/", {"code": code_for(device), "next": "/companies/"})
    assert response["Location"] == "/companies/"
    assert client.get("/companies/").status_code == 200


def test_a_wrong_code_is_an_error_next_to_the_field(client, required, lead):
    device = add_authenticator(lead)
    sign_in(client, lead)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post("/login/verify/", {"code": wrong})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_code_error"' in html
    assert "Koden stämmer inte" in html
    assert 'aria-invalid="true"' in html
    assert client.get("/advisor/").status_code == 302
    english = client.post("/en/login/verify/", {"code": "12ab"})
    assert "Enter the six digits" in english.content.decode()


def test_a_code_is_not_accepted_twice(client, required, lead, django_user_model):
    from django.test import Client

    device = add_authenticator(lead)
    code = code_for(device)
    sign_in(client, lead)
    assert client.post("/login/verify/", {"code": code}).status_code == 302
    other = Client()
    sign_in(other, lead)
    assert other.post("/login/verify/", {"code": code}).status_code == 200  # replayed: refused


def test_wrong_codes_in_a_row_are_throttled(client, settings, lead):
    settings.TWO_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = add_authenticator(lead)
    sign_in(client, lead)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    client.post("/login/verify/", {"code": wrong})
    response = client.post("/login/verify/", {"code": code_for(device)})
    assert response.status_code == 200
    assert "För många felaktiga koder" in response.content.decode()


def test_a_recovery_code_works_once(client, required, lead):
    from django_otp.plugins.otp_static.models import StaticDevice

    add_authenticator(lead)
    static = StaticDevice.objects.create(user=lead, name="recovery")
    static.token_set.create(token="abcd2345")
    static.token_set.create(token="efgh6723")
    sign_in(client, lead)
    response = client.post("/login/verify/recovery-code/", {"code": "ABCD 2345"})
    assert response["Location"] == "/advisor/security/"
    assert client.get("/advisor/").status_code == 200
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh6723"]
    client.logout()
    sign_in(client, lead)
    response = client.post("/login/verify/recovery-code/", {"code": "abcd2345"})
    assert response.status_code == 200
    assert 'id="id_code_error"' in response.content.decode()
    assert client.get("/advisor/").status_code == 302
    assert (
        AuditEntry.objects.filter(action=Action.SIGN_IN, details__second_factor="recovery_code").count() == 1
    )


def test_an_unverified_session_cannot_manage_devices(client, required, lead):
    device = add_authenticator(lead)
    sign_in(client, lead)
    assert client.get("/advisor/security/")["Location"].startswith("/login/verify/")
    response = client.post(f"/advisor/security/authenticator/{device.pk}/remove/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/verify/")
    assert client.post("/webauthn/registration/begin/").status_code == 302
    device.refresh_from_db()


def test_the_admin_asks_for_the_second_factor(client, required):
    admin = UserFactory(organisation=None, is_superuser=True, is_staff=True)
    device = add_authenticator(admin)
    client.post("/admin/login/", {"username": admin.email, "password": "Correct-Horse-42!"})
    assert client.get("/admin/")["Location"] == "/login/verify/?next=%2Fadmin%2F"
    client.post("/login/verify/", {"code": code_for(device)})
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 200


def test_the_admin_site_refuses_an_unverified_session_by_itself(rf, required, lead):
    """The admin site is django-otp's OTPAdminSite: without the middleware it still refuses."""
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.middleware import OTPMiddleware

    lead.is_staff = True
    lead.save()
    add_authenticator(lead)
    request = rf.get("/admin/")
    request.session = SessionStore()
    request.user = lead
    OTPMiddleware(lambda r: None)(request)
    assert not admin.site.has_permission(request)


@pytest.mark.parametrize("code", ["1" * 500, "", "١٢٣٤٥٦", "12 34 5"])
def test_bad_input_in_the_code_is_an_error_next_to_the_field(client, required, lead, code):
    add_authenticator(lead)
    sign_in(client, lead)
    response = client.post("/login/verify/", {"code": code})
    assert response.status_code == 200
    assert 'id="id_code_error"' in response.content.decode()
    assert client.get("/advisor/").status_code == 302


def test_a_nul_byte_in_the_code_is_refused_without_an_error_page(client, required, lead):
    add_authenticator(lead)
    sign_in(client, lead)
    assert client.post("/login/verify/", {"code": "12\x003456"}).status_code in {200, 400}
    assert client.get("/advisor/").status_code == 302


def test_the_passkey_script_speaks_swedish(client):
    """django-otp-webauthn ships no Swedish: its messages come from locale/sv/LC_MESSAGES/djangojs.po."""
    assert "Registrera en nyckel" in client.get("/webauthn/jsi18n/").content.decode()
    assert "Registrera en nyckel" not in client.get("/en/webauthn/jsi18n/").content.decode()


def test_an_htmx_request_of_an_unverified_session_sends_the_whole_page_to_verify(client, required, lead):
    add_authenticator(lead)
    sign_in(client, lead)
    response = client.get("/advisor/requests/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login/verify/"


def test_a_national_coordinator_without_a_device_is_sent_to_set_one_up(client, required):
    """National coordinators see every region's figures: like regional staff, they need two factors."""
    national_office = OrganisationFactory(name="Tillväxtverket", slug="tillvaxtverket")
    person = UserFactory(organisation=national_office, role="national")
    response = sign_in(client, person)
    followed = client.get(response["Location"])
    assert followed["Location"].startswith("/advisor/security/?next=")
    assert client.get("/national/")["Location"].startswith("/advisor/security/?next=")
