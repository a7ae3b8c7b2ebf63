import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a right code straight after a wrong one is not refused
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def lead(organisation):
    return UserFactory(
        email="lead@almi.example", full_name="Lena Lead", organisation=organisation, role="organisation_lead"
    )


@pytest.fixture
def staff(region):
    region_org = OrganisationFactory(name="Region Uppsala", slug="region-uppsala", regions=[region])
    return UserFactory(
        email="staff@region.example", full_name="Rita Staff", organisation=region_org, role="regional_staff"
    )


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    """What the person's authenticator app shows now (offset: steps later)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def add_authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def sign_in(client, user, **extra):
    return client.post("/login/", {"username": user.email, "password": TEST_PASSWORD, **extra})
