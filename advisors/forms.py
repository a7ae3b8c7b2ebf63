from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.sites.shortcuts import get_current_site
from django.utils.translation import gettext_lazy as _

from .models import User
from .password_reset import request_reset, users_for


class SignInForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("The email address or password is wrong, or the account is not active."),
        "inactive": _("This account is not active."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Asks for a reset link. Saving only queues a task (advisors.password_reset): no lookup in the
    request, so a known and an unknown address take the same work and time."""

    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email):
        return users_for(email)

    def save(self, domain_override=None, use_https=False, request=None, extra_email_context=None, **kwargs):
        if domain_override:
            site_name = domain = domain_override
        else:
            site = get_current_site(request)
            site_name, domain = site.name, site.domain
        request_reset(
            email=self.cleaned_data["email"],
            language=(extra_email_context or {}).get("language"),
            domain=domain,
            site_name=site_name,
            protocol="https" if use_https else "http",
        )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]
