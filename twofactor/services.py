"""Setting up, verifying, removing and resetting second factors. Every enrolment and reset is audited."""

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from audit.services import Action, record

from .selectors import STEP_SESSION_KEY, Step, step_for

RECOVERY_DEVICE_NAME = "recovery"


class Throttled(Exception):
    """Too many wrong codes in a row: wait before the next attempt."""


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator app being set up: one unconfirmed device per person, kept until it is confirmed
    (reloading the page shows the same secret)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _check(device, code: str) -> bool:
    """Verify one code on one device under its row lock, so that throttling counts every attempt."""
    device = type(device).objects.select_for_update().get(pk=device.pk)
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        raise Throttled
    return device.verify_token(code)


@transaction.atomic
def confirm_authenticator(*, request, device: TOTPDevice, code: str) -> tuple[bool, list[str] | None]:
    """Confirm an authenticator app with a code from it; the session counts as verified.

    Returns (confirmed, recovery codes): new recovery codes when the person had none (to be shown once).
    A wrong code returns (False, None) and still counts towards throttling; too many raise Throttled.
    """
    if not _check(device, _normalise(code)):
        return False, None
    device.refresh_from_db()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True, _enrolled(request=request, device=device, method="authenticator")


@transaction.atomic
def passkey_enrolled(*, request, credential_id: int) -> list[str] | None:
    """Audit a passkey that django-otp-webauthn has just registered; recovery codes as above."""
    device = WebAuthnCredential.objects.get(pk=credential_id, user=request.user)
    return _enrolled(request=request, device=device, method="passkey")


def _enrolled(*, request, device, method: str) -> list[str] | None:
    user = request.user
    codes = None
    if not StaticToken.objects.filter(device__user=user).exists():
        codes = _replace_recovery_codes(user)
    if not user.is_verified():
        otp_login(request, device)
    request.session[STEP_SESSION_KEY] = Step.VERIFY.value
    record(Action.TWO_FACTOR_ENROLLED, request=request, obj=user, method=method, device=str(device.name))
    return codes


def _replace_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def new_recovery_codes(*, request) -> list[str]:
    """Replace the person's recovery codes (the old ones stop working)."""
    return _replace_recovery_codes(request.user)


@transaction.atomic
def verify_code(*, request, code: str) -> bool:
    """A code from one of the person's authenticator apps; True verifies the session."""
    code = _normalise(code)
    for device in TOTPDevice.objects.filter(user=request.user, confirmed=True).order_by("pk"):
        if _check(device, code):
            otp_login(request, device)
            return True
    return False


@transaction.atomic
def use_recovery_code(*, request, code: str) -> bool:
    """A recovery code verifies the session once: it is used up."""
    code = _normalise(code)
    for device in StaticDevice.objects.filter(user=request.user, confirmed=True):
        if _check(device, code):  # StaticDevice.verify_token deletes the token it matched
            otp_login(request, device)
            record(
                Action.SIGN_IN,
                request=request,
                obj=request.user,
                second_factor="recovery_code",
                recovery_codes_left=device.token_set.count(),
            )
            return True
    return False


@transaction.atomic
def remove_device(*, request, device) -> None:
    """Remove one of one's own authenticator apps or passkeys. Without either, the recovery codes go too
    and, where two-factor sign-in is required, the session must set up a new one."""
    user = request.user
    if device.user_id != user.pk:
        raise PermissionError
    name = str(device.name)
    device.delete()
    if step_for(user) != Step.VERIFY:
        StaticDevice.objects.filter(user=user).delete()
        request.session[STEP_SESSION_KEY] = step_for(user).value
    record(Action.TWO_FACTOR_RESET, request=request, obj=user, removed=name, by_self=True)


@transaction.atomic
def reset_two_factor(*, request, person) -> int:
    """A lost device: remove every second factor of `person` (the access check is the caller's).

    At the next sign-in they set it up again, where it is required. Returns the number of devices removed.
    """
    removed = 0
    for model in (TOTPDevice, WebAuthnCredential, StaticDevice):
        _total, per_model = model.objects.filter(user=person).delete()
        removed += per_model.get(model._meta.label, 0)
    record(Action.TWO_FACTOR_RESET, request=request, obj=person, devices_removed=removed)
    return removed
