"""Setting up an authenticator app, recovery codes shown once, the device list."""

import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action, AuditEntry
from tests.twofactor.conftest import add_authenticator, code_for, sign_in

pytestmark = pytest.mark.django_db


def _secret(html: str) -> str:
    return "".join(re.search(r'id="totp-secret"[^>]*>([^<]+)<', html).group(1).split())


def test_a_lead_sets_up_an_authenticator_app_and_gets_recovery_codes_once(client, required, lead):
    sign_in(client, lead)
    page = client.get("/advisor/security/authenticator/?next=/companies/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg class="qr-code" role="img" aria-label="' in html  # inline SVG: no data: URI, no script
    assert "data:image" not in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    device = TOTPDevice.objects.get(user=lead, confirmed=False)
    from base64 import b32encode

    assert _secret(html) == b32encode(device.bin_key).decode().rstrip("=")
    # A reload shows the same secret, and makes no second pending device.
    assert _secret(client.get("/advisor/security/authenticator/").content.decode()) == _secret(html)
    assert TOTPDevice.objects.filter(user=lead).count() == 1

    response = client.post(
        "/advisor/security/authenticator/", {"code": code_for(device), "next": "/companies/"}
    )
    assert response["Location"] == "/advisor/security/recovery-codes/"
    codes_page = client.get("/advisor/security/recovery-codes/").content.decode()
    assert 'class="btn btn-primary" href="/companies/"' in codes_page  # on to where the lead was going
    codes = re.findall(r"<li><code lang=\"en\">([a-z2-7]+)</code></li>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=lead).values_list("token", flat=True))
    # Shown once.
    assert not re.findall(r"<li><code", client.get("/advisor/security/recovery-codes/").content.decode())
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/companies/").status_code == 200  # the session counts as verified
    entry = AuditEntry.objects.get(action=Action.TWO_FACTOR_ENROLLED)
    assert (
        entry.actor == lead and entry.object_id == str(lead.pk) and entry.details["method"] == "authenticator"
    )


def test_a_wrong_code_at_setup_is_an_error_next_to_the_field(client, required, lead):
    sign_in(client, lead)
    client.get("/advisor/security/authenticator/")
    device = TOTPDevice.objects.get(user=lead)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post("/advisor/security/authenticator/", {"code": wrong})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_code_error"' in html and "Koden stämmer inte" in html
    device.refresh_from_db()
    assert not device.confirmed
    assert not AuditEntry.objects.filter(action=Action.TWO_FACTOR_ENROLLED).exists()
    assert client.get("/advisor/")["Location"].startswith("/advisor/security/")


def test_new_recovery_codes_replace_the_old(client, required, lead):
    device = add_authenticator(lead)
    sign_in(client, lead)
    client.post("/login/verify/", {"code": code_for(device)})
    client.post("/advisor/security/recovery-codes/")
    first = set(StaticToken.objects.values_list("token", flat=True))
    response = client.post("/advisor/security/recovery-codes/")
    assert response["Location"] == "/advisor/security/recovery-codes/"
    second = set(StaticToken.objects.values_list("token", flat=True))
    assert len(second) == 10 and not first & second


def test_the_security_page_lists_devices_and_removes_one(client, required, lead):
    device = add_authenticator(lead)
    other = add_authenticator(lead)
    sign_in(client, lead)
    client.post("/login/verify/", {"code": code_for(device)})
    html = client.get("/en/advisor/security/").content.decode()
    assert html.count("Authenticator app</td>") == 2
    response = client.post(f"/advisor/security/authenticator/{other.pk}/remove/")
    assert response["Location"] == "/advisor/security/"
    assert list(TOTPDevice.objects.filter(user=lead).values_list("pk", flat=True)) == [device.pk]
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_RESET, details__by_self=True).count() == 1


def test_removing_the_last_device_of_a_lead_asks_for_a_new_one(client, required, lead):
    device = add_authenticator(lead)
    sign_in(client, lead)
    client.post("/login/verify/", {"code": code_for(device)})
    client.post("/advisor/security/recovery-codes/")
    client.post(f"/advisor/security/authenticator/{device.pk}/remove/")
    assert not StaticToken.objects.exists()  # recovery codes alone are no second factor
    assert client.get("/advisor/")["Location"] == "/advisor/security/?next=%2Fadvisor%2F"


def test_one_cannot_remove_another_persons_device(client, required, lead, advisor):
    theirs = add_authenticator(advisor)
    sign_in(client, lead)
    client.get("/advisor/security/authenticator/")
    mine = TOTPDevice.objects.get(user=lead)
    client.post("/advisor/security/authenticator/", {"code": code_for(mine)})
    assert client.post(f"/advisor/security/authenticator/{theirs.pk}/remove/").status_code == 404
    assert client.post(f"/advisor/security/nonsense/{theirs.pk}/remove/").status_code == 404
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


def test_an_advisor_may_set_it_up_too(client, required, advisor):
    sign_in(client, advisor)
    page = client.get("/advisor/security/")
    assert page.status_code == 200
    assert 'id="passkey-register-button"' in page.content.decode()
    assert 'src="/static/django_otp_webauthn/otp_webauthn_register.js"' in page.content.decode()
