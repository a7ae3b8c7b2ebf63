import uuid
from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.sites.shortcuts import get_current_site
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exportcenter.workdays import STOCKHOLM

from .models import ApiToken, User
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


# --- Personal API tokens --------------------------------------------------------------------------


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the integration that uses it."),
        error_messages={"required": _("Give the token a name.")},
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("Give write access only to an integration that makes changes."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Choose when the token expires."), "invalid": _("Enter a date.")},
    )
    # Sent once: a second post of the same form (a double click, a reload) issues no second token.
    form_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.max_days = settings.API_TOKEN_MAX_DAYS
        self.fields["expires_on"].help_text = _("At most %(days)s days from today.") % {"days": self.max_days}
        self.fields["expires_on"].widget.attrs.update(
            min=(today + timedelta(days=1)).isoformat(),
            max=(today + timedelta(days=self.max_days)).isoformat(),
        )
        if not self.is_bound:
            self.initial.setdefault("expires_on", today + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS))
            self.initial.setdefault("form_id", uuid.uuid4())

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("Choose a day after today."))
        if day > today + timedelta(days=self.max_days):
            raise forms.ValidationError(
                _("A token may last at most %(days)s days.") % {"days": self.max_days}
            )
        return day

    def expires_at(self):
        """The end of the chosen day in Stockholm, capped at the longest a token may last."""
        end_of_day = datetime.combine(
            self.cleaned_data["expires_on"] + timedelta(days=1), time.min, tzinfo=STOCKHOLM
        )
        return min(end_of_day, timezone.now() + timedelta(days=self.max_days))


# --- Roles (issue 18: the national role) ----------------------------------------------------------


def national_role_errors(*, role, organisation, regions=None) -> dict[str, str]:
    """Why this role and organisation do not go together: a national coordinator belongs to a national
    organisation (Tillväxtverket, Business Sweden's national office) that serves no region, so that every
    rule written by region shows them nothing (aggregates only). `regions`: the organisation's regions as
    being saved (its form), else read from the organisation."""
    if role != User.Role.NATIONAL or organisation is None:
        return {}
    served = list(regions) if regions is not None else list(organisation.regions.all())
    if served:
        return {
            "organisation": _(
                "A national coordinator belongs to a national organisation that serves no region: "
                "“%(organisation)s” serves a region."
            )
            % {"organisation": organisation}
        }
    return {}


class RoleCheckMixin:
    """An admin form for people: refuses a national coordinator in an organisation that serves a region."""

    def clean(self):
        data = super().clean()
        for field, message in national_role_errors(
            role=data.get("role"), organisation=data.get("organisation")
        ).items():
            self.add_error(field, message)
        return data


class OrganisationRegionsCheckMixin:
    """An admin form for organisations: one with national coordinators may not serve a region."""

    def clean(self):
        data = super().clean()
        regions = data.get("regions")
        national_members = self.instance.pk and self.instance.members.filter(role=User.Role.NATIONAL).exists()
        if regions and regions.exists() and national_members:
            self.add_error(
                "regions",
                _(
                    "National coordinators belong to this organisation: it serves no region. Move them "
                    "to another organisation first."
                ),
            )
        return data
