"""Nothing signed in before the second factor: a session that still has to verify (or, where two-factor
sign-in is required, set up) a device reaches only those pages; the API answers 403 through the session."""

from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied

from exportcenter.api.problems import problem

from .selectors import Step, step_of

ALWAYS_OPEN = {
    "advisors:logout",
    "admin:logout",
    "set_language",
    "healthz",
    "readyz",
    "otp_webauthn:js-i18n-catalog",
}
VERIFY_VIEWS = {
    "twofactor:verify",
    "twofactor:verify_recovery",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
}
ENROL_VIEWS = {
    "twofactor:security",
    "twofactor:setup_authenticator",
    "twofactor:recovery_codes",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if view_name in ALWAYS_OPEN:
            return None
        step = step_of(request)
        if step == Step.NONE or (step == Step.ENROL_FOR_ADMIN and match.app_name != "admin"):
            return None
        if view_name in (VERIFY_VIEWS if step == Step.VERIFY else ENROL_VIEWS):
            return None
        if request.path_info.startswith("/api/"):
            detail = _("Finish signing in with your second factor first.")
            body = problem(PermissionDenied(detail, code="two_factor_required"), 403)
            return JsonResponse(body, status=403, content_type="application/problem+json")
        target = reverse("twofactor:verify" if step == Step.VERIFY else "twofactor:security")
        if request.headers.get("HX-Request"):  # htmx: the whole page goes there, not a fragment
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
