"""Who must use two-factor sign-in, what a session still has to do, and a person's devices."""

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from advisors import access
from advisors.access import Action

# The session remembers, from sign-in on, which step is still due, so that a signed-in page costs no query.
STEP_SESSION_KEY = "twofactor_step"


class Step(StrEnum):
    NONE = "none"  # nothing to do: no device and not required
    VERIFY = "verify"  # has a device: verify it after the password
    ENROL = "enrol"  # required and no device yet: set one up before anything else
    ENROL_FOR_ADMIN = "enrol_admin"  # required for /admin/ only (an advisor with admin access)


def must_use_two_factor(user) -> bool:
    """Regional staff, organisation leads, national coordinators and superusers, when TWO_FACTOR_REQUIRED
    is on."""
    return bool(settings.TWO_FACTOR_REQUIRED) and (
        user.is_superuser or user.is_organisation_lead or user.is_regional_staff or user.is_national
    )


def has_second_factor(user) -> bool:
    """An authenticator app or a passkey. Recovery codes alone are no second factor: they are its spare."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def step_for(user) -> Step:
    if has_second_factor(user):
        return Step.VERIFY
    if must_use_two_factor(user):
        return Step.ENROL
    if settings.TWO_FACTOR_REQUIRED and user.is_staff:
        return Step.ENROL_FOR_ADMIN
    return Step.NONE


def step_of(request) -> Step:
    """The step this session still has to take (NONE once verified)."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return Step.NONE
    stored = request.session.get(STEP_SESSION_KEY)
    if stored not in Step.__members__.values():
        stored = request.session[STEP_SESSION_KEY] = step_for(user)  # a session older than this feature
    return Step(stored)


@dataclass(frozen=True)
class Devices:
    authenticators: list  # confirmed TOTP devices
    passkeys: list  # confirmed WebAuthn credentials
    recovery_codes_left: int

    @property
    def any(self) -> bool:
        return bool(self.authenticators or self.passkeys)


def devices_of(user) -> Devices:
    return Devices(
        authenticators=list(
            TOTPDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")
        ),
        passkeys=list(
            WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")
        ),
        recovery_codes_left=StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
    )


def people_for_reset(user):
    """The people whose two-factor sign-in this user may reset, with whether they have set it up."""
    User = get_user_model()
    people = access.permitted(
        user, Action.RESET_TWO_FACTOR, User.objects.filter(is_active=True).exclude(pk=user.pk)
    )
    return (
        people.select_related("organisation")
        .annotate(
            has_authenticator=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_passkey=Exists(WebAuthnCredential.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_recovery_codes=Exists(
                StaticDevice.objects.filter(user=OuterRef("pk"), token_set__isnull=False)
            ),
        )
        .order_by("organisation__name", "full_name", "pk")
    )
