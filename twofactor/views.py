"""Two-factor sign-in pages: verify after the password, set up and manage one's own devices, and the
reset of another person's (a lost device). Kept apart from the sign-in view: twofactor.middleware routes
a signed-in session here until its step is done."""

from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from advisors import access
from advisors.access import Action

from . import selectors, services
from .forms import CodeForm, RecoveryCodeForm, ResetForm
from .qr import qr_svg
from .selectors import Step

RECOVERY_CODES_SESSION_KEY = "twofactor_new_recovery_codes"
# Where a guided enrolment was going (?next=), for after the recovery codes: a passkey's registration
# is a script's request that does not carry it.
NEXT_SESSION_KEY = "twofactor_next"
DEVICE_KINDS = {"authenticator": TOTPDevice, "passkey": WebAuthnCredential}


def _safe_next(request) -> str:
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _next_url(request) -> str:
    return _safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _not_pending_verification(request):
    """The own-device pages are for a verified session, or one that has no device to verify yet."""
    if selectors.step_of(request) == Step.VERIFY:
        raise PermissionDenied


def _show_codes_once(request, codes):
    if codes:
        request.session[RECOVERY_CODES_SESSION_KEY] = codes
        return redirect("twofactor:recovery_codes")
    return None


# --- After the password ---------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    devices = selectors.devices_of(request.user)
    if selectors.step_of(request) != Step.VERIFY or not devices.any:
        # Verified already, or the devices were reset meanwhile: the step is looked at afresh.
        request.session[selectors.STEP_SESSION_KEY] = selectors.step_for(request.user).value
        return redirect(_next_url(request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and devices.authenticators and form.is_valid():
        try:
            verified = services.verify_code(request=request, code=form.cleaned_data["code"])
        except services.Throttled:
            form.add_error("code", _("Too many wrong codes in a row. Wait a minute and try again."))
        else:
            if verified:
                return redirect(_next_url(request))
            form.add_error("code", _("That code is not right. Enter the code your app shows now."))
    return render(
        request,
        "twofactor/verify.html",
        {"form": form, "devices": devices, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify_recovery(request):
    if selectors.step_of(request) != Step.VERIFY:
        return redirect(_next_url(request))
    form = RecoveryCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = services.use_recovery_code(request=request, code=form.cleaned_data["code"])
        except services.Throttled:
            form.add_error("code", _("Too many wrong codes in a row. Wait a minute and try again."))
        else:
            if verified:
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code, which now no longer works. Set up your "
                        "authenticator app or passkey again if you lost it, and make new recovery codes."
                    ),
                )
                return redirect("twofactor:security")
            form.add_error("code", _("That recovery code is not right, or it has been used."))
    return render(
        request,
        "twofactor/verify_recovery.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


# --- One's own devices ----------------------------------------------------------------------------


@never_cache
@login_required
def security(request):
    _not_pending_verification(request)
    step = selectors.step_of(request)
    if _safe_next(request):
        request.session[NEXT_SESSION_KEY] = _safe_next(request)
    return render(
        request,
        "twofactor/security.html",
        {
            "devices": selectors.devices_of(request.user),
            "must_enrol": step in (Step.ENROL, Step.ENROL_FOR_ADMIN),
            "required": selectors.must_use_two_factor(request.user),
            "next": request.GET.get("next", ""),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup_authenticator(request):
    _not_pending_verification(request)
    device = services.pending_authenticator(request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed, codes = services.confirm_authenticator(
                request=request, device=device, code=form.cleaned_data["code"]
            )
        except services.Throttled:
            form.add_error("code", _("Too many wrong codes in a row. Wait a minute and try again."))
        else:
            if confirmed:
                messages.success(request, _("Your authenticator app is set up."))
                if codes and _safe_next(request):
                    request.session[NEXT_SESSION_KEY] = _safe_next(request)
                return _show_codes_once(request, codes) or redirect(_next_url(request))
            form.add_error(
                "code", _("That code is not right. Check that the app shows the account you just added.")
            )
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "twofactor/setup_authenticator.html",
        {
            "form": form,
            "qr": qr_svg(device.config_url, label=_("QR code to scan with your authenticator app")),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """GET shows codes just made, once; POST makes new ones (the old ones stop working)."""
    _not_pending_verification(request)
    if request.method == "POST":
        if not selectors.has_second_factor(request.user):
            raise PermissionDenied
        return _show_codes_once(request, services.new_recovery_codes(request=request))
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    continue_to = request.session.pop(NEXT_SESSION_KEY, None) if codes else None
    return render(request, "twofactor/recovery_codes.html", {"codes": codes, "continue_to": continue_to})


@login_required
@require_POST
def remove_device(request, kind, pk):
    _not_pending_verification(request)
    model = DEVICE_KINDS.get(kind)
    if model is None:
        raise Http404
    device = get_object_or_404(model, pk=pk, user=request.user, confirmed=True)
    services.remove_device(request=request, device=device)
    messages.success(request, _("The device was removed."))
    return redirect("twofactor:security")


# --- Other people's (a lost device) ----------------------------------------------------------------


@login_required
def people(request):
    if not (request.user.is_organisation_lead or request.user.is_regional_staff or request.user.is_superuser):
        raise PermissionDenied
    return render(request, "twofactor/people.html", {"people": selectors.people_for_reset(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def person(request, pk):
    person = get_object_or_404(
        access.visible(request.user, get_user_model().objects.select_related("organisation")), pk=pk
    )
    access.require(request.user, Action.RESET_TWO_FACTOR, person)
    form = ResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        removed = services.reset_two_factor(request=request, person=person)
        if removed:
            messages.success(
                request,
                _("%(name)s's two-factor sign-in was reset. They set it up again at their next sign-in.")
                % {"name": person.full_name},
            )
        else:
            messages.info(
                request, _("%(name)s had no two-factor sign-in to reset.") % {"name": person.full_name}
            )
        return redirect("twofactor:person", pk=person.pk)
    return render(
        request,
        "twofactor/person.html",
        {"person": person, "devices": selectors.devices_of(person), "form": form},
    )
