"""django-otp-webauthn's endpoints under its own namespace (its template tags reverse them by name)."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as webauthn_views

from .webauthn import CompleteCredentialRegistrationView

app_name = "otp_webauthn"

urlpatterns = [
    path(
        "registration/begin/",
        webauthn_views.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        CompleteCredentialRegistrationView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        webauthn_views.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        webauthn_views.CompleteCredentialAuthenticationView.as_view(),
        name="credential-authentication-complete",
    ),
    # Their script's messages: the package's catalogue and ours (locale/*/LC_MESSAGES/djangojs.po).
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
