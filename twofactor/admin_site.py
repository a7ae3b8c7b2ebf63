"""The admin site: django-otp's OTPAdminSite, whose second factor is the portal's own step (the verify
page, with authenticator apps and passkeys) instead of a code field on the admin's sign-in form."""

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp.admin import OTPAdminSite

from .selectors import Step, step_of


class TwoFactorAdminSite(OTPAdminSite):
    login_form = AdminAuthenticationForm
    login_template = None

    def __init__(self, name="admin"):
        super().__init__(name)

    def has_permission(self, request):
        # Verified, or (TWO_FACTOR_REQUIRED off, no device) nothing to verify. twofactor.middleware sends an
        # unverified session to the verify or set-up page before it gets here; this is the second lock.
        return AdminSite.has_permission(self, request) and (
            request.user.is_verified() or step_of(request) == Step.NONE
        )
