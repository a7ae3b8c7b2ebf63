"""Two-factor sign-in in a real browser: a lead sets up an authenticator app, and a passkey with Chromium's
virtual authenticator (DevTools protocol), and signs in with each."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from audit.models import Action, AuditEntry
from demo.partners import DEMO_PASSWORD

LARS = "lars.lead@almi.example"  # organisation lead: two-factor sign-in is required
RITA = "rita.staff@regionuppsala.example"  # regional staff


@pytest.fixture
def required(settings, live_server):
    settings.TWO_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code straight after a wrong one is not refused
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


def sign_in_with_password(page, email):
    page.goto("/login/")
    form = page.get_by_role("main").locator("form")
    form.locator("input[name='username']").fill(email)
    form.locator("input[name='password']").fill(DEMO_PASSWORD)
    form.get_by_role("button").click()


def sign_out(page):
    page.get_by_role("banner").locator("form[action$='/logout/']").get_by_role("button").click()
    # The start page itself: any page signed in (/advisor/, /en/advisor/security/) ends with "/" as well.
    page.wait_for_url(re.compile(r"^https?://[^/]+/(en/)?$"))


def code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this secret (steps_ahead: a later 30-second window, which the
    server still accepts, for a code that must differ from the one just used)."""
    key = b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, drift=steps_ahead):06d}"


def next_code(secret: str, email: str) -> str:
    """A code the app shows after the one last used: the window after the device's last accepted one, or
    the current window if that is later. (django-otp refuses a window already used, and a code entered
    just after a window turned moves the device's drift back by one, so "always the next window" is
    refused about one run in thirty.)"""
    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    now = int(time.time()) // device.step
    return code(secret, steps_ahead=max(0, device.last_t + 1 - now))


def test_a_lead_sets_up_an_authenticator_app_and_signs_in_with_it(
    page, live_server, demo, required, assert_no_axe_violations
):
    sign_in_with_password(page, LARS)
    # Guided: nothing else opens before a second factor is set up.
    expect(page).to_have_url(f"{live_server.url}/advisor/security/?next=%2Fadvisor%2F")
    main = page.get_by_role("main")
    expect(main.get_by_role("status").first).to_be_visible()
    assert_no_axe_violations(page)
    page.goto("/companies/")
    expect(page).to_have_url(re.compile(r"/advisor/security/\?next=%2Fcompanies%2F$"))

    main.get_by_role("link", name=re.compile("authenticator", re.I)).or_(
        main.locator("a[href^='/advisor/security/authenticator/']")
    ).first.click()
    expect(page).to_have_url(re.compile(r"/advisor/security/authenticator/"))
    expect(main.locator("svg.qr-code")).to_be_visible()
    assert_no_axe_violations(page)
    secret = "".join(main.locator("#totp-secret").inner_text().split())
    assert len(secret) == 32

    field = main.locator("input[name='code']")
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    expect(field).to_have_attribute("inputmode", "numeric")
    field.fill("12")
    main.locator("form button[type='submit']").click()
    expect(main.locator("#id_code_error")).to_be_visible()  # the error next to the field
    expect(main.locator("input[name='code']")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page)

    main.locator("input[name='code']").fill(code(secret))
    main.locator("form button[type='submit']").click()
    expect(page).to_have_url(f"{live_server.url}/advisor/security/recovery-codes/")
    expect(main.locator(".recovery-codes li")).to_have_count(10)
    assert_no_axe_violations(page)
    recovery_code = main.locator(".recovery-codes li").first.inner_text().strip()
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_ENROLLED, actor__email=LARS).count() == 1

    page.goto("/advisor/")
    expect(page).to_have_url(f"{live_server.url}/advisor/")
    sign_out(page)

    # Next sign-in: the password, then the code.
    sign_in_with_password(page, LARS)
    expect(page).to_have_url(f"{live_server.url}/login/verify/?next=%2Fadvisor%2F")
    assert_no_axe_violations(page)
    main.locator("input[name='code']").fill(next_code(secret, LARS))
    main.locator("form button[type='submit']").click()
    expect(page).to_have_url(f"{live_server.url}/advisor/")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Lars")
    sign_out(page)

    # A lost phone: a recovery code, once.
    sign_in_with_password(page, LARS)
    main.locator("a[href^='/login/verify/recovery-code/']").click()
    assert_no_axe_violations(page)
    main.locator("input[name='code']").fill(recovery_code)
    main.locator("form button[type='submit']").click()
    expect(page).to_have_url(f"{live_server.url}/advisor/security/")
    assert_no_axe_violations(page)


def test_a_passkey_is_set_up_and_signs_in_with_the_virtual_authenticator(
    page, live_server, demo, required, assert_no_axe_violations
):
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]

    sign_in_with_password(page, RITA)
    expect(page).to_have_url(f"{live_server.url}/advisor/security/?next=%2Fadvisor%2F")
    main = page.get_by_role("main")
    add_passkey = main.locator("#passkey-register-button")
    expect(add_passkey).to_be_visible()  # the package's script (from our static files) found WebAuthn
    assert_no_axe_violations(page)
    add_passkey.click()
    expect(page).to_have_url(f"{live_server.url}/advisor/security/recovery-codes/")
    expect(main.locator(".recovery-codes li")).to_have_count(10)
    main.get_by_role("link", name=re.compile("saved|sparat", re.I)).click()
    expect(page).to_have_url(f"{live_server.url}/advisor/")  # on to where the guided enrolment was going
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(credentials) == 1
    entry = AuditEntry.objects.get(action=Action.TWO_FACTOR_ENROLLED, actor__email=RITA)
    assert entry.details["method"] == "passkey"

    page.goto("/en/advisor/security/")
    expect(main.get_by_role("table")).to_contain_text("Passkey")
    assert_no_axe_violations(page)
    sign_out(page)

    sign_in_with_password(page, RITA)
    expect(page).to_have_url(f"{live_server.url}/login/verify/?next=%2Fadvisor%2F")
    use_passkey = main.locator("#passkey-verification-button")
    expect(use_passkey).to_be_visible()
    assert_no_axe_violations(page)
    use_passkey.click()
    expect(page).to_have_url(f"{live_server.url}/advisor/")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Rita")
    page.goto("/advisor/requests/")
    expect(page).to_have_url(f"{live_server.url}/advisor/requests/")
    # The package's script ran under the strict CSP: nothing was refused, nothing failed.
    assert console_errors == []


def test_regional_staff_reset_a_leads_lost_device(
    page, live_server, demo, settings, assert_no_axe_violations
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from advisors.models import User

    lars = User.objects.get(email=LARS)
    TOTPDevice.objects.create(user=lars, name="Authenticator app", confirmed=True)
    sign_in_with_password(page, RITA)  # TWO_FACTOR_REQUIRED is off here: the password is enough
    page.goto("/advisor/profile/")
    main = page.get_by_role("main")
    main.locator("a[href='/advisor/people/two-factor/']").click()
    assert_no_axe_violations(page)
    row = main.get_by_role("row").filter(has_text="Lars")
    row.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/advisor/people/{lars.pk}/two-factor/")
    assert_no_axe_violations(page)
    main.locator("form button[type='submit']").click()
    expect(main.locator("#id_confirm_error")).to_be_visible()  # the confirmation is asked for
    assert_no_axe_violations(page)
    main.locator("input[name='confirm']").check()
    main.locator("form button[type='submit']").click()
    expect(page.locator(".messages")).to_contain_text("Lars")
    assert not TOTPDevice.objects.filter(user=lars).exists()
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_RESET, actor__email=RITA).count() == 1
