"""django-otp-webauthn's ceremonies, with our audit trail: a passkey registered is an enrolment."""

import json

from django.db import transaction
from django.urls import reverse
from django_otp_webauthn import views as webauthn_views

from . import services
from .views import RECOVERY_CODES_SESSION_KEY


class CompleteCredentialRegistrationView(webauthn_views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        with transaction.atomic():
            response = super().post(*args, **kwargs)
            credential_id = json.loads(response.content)["id"]
            codes = services.passkey_enrolled(request=self.request, credential_id=credential_id)
        if codes:
            self.request.session[RECOVERY_CODES_SESSION_KEY] = codes
        # Where the page goes next (static/js/two-factor.js): the recovery codes, or back to the list.
        body = {
            "id": credential_id,
            "next": reverse("twofactor:recovery_codes" if codes else "twofactor:security"),
        }
        return type(response)(body)
