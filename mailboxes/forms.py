"""The mailbox form. It checks the shape of the input only; the rules (regions, organisations, a free
address, the server's name, folders) are `mailboxes.services`', whose errors the view puts back on the form.

The password is write-only: the field is never filled in (render_value=False) and an empty one keeps the
stored password."""

from django import forms
from django.conf import settings
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from .models import Mailbox
from .services import MAILBOX_FIELDS, MAX_PASSWORD_LENGTH, MAX_POLL_SECONDS, MIN_POLL_SECONDS


class MailboxForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("What advisors call this mailbox."))
    address = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address companies write to. Replies to the portal's emails come back here."),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=None,
        empty_label=None,
        help_text=_("New requests from this mailbox go to this region's inbox."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        required=False,
        empty_label=_("None: the region's shared address"),
        help_text=_("New requests go to the organisation's queue; without one they wait for triage."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Mailbox.Kind.choices, widget=forms.RadioSelect)
    host = forms.CharField(
        label=_("Server"),
        max_length=253,
        required=False,
        help_text=_("The IMAP server's name, e.g. outlook.office365.com or imap.gmail.com."),
    )
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=993)
    security = forms.ChoiceField(label=_("Security"), choices=Mailbox.Security.choices)
    username = forms.CharField(
        label=_("User name"), max_length=254, required=False, help_text=_("Often the email address.")
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=MAX_PASSWORD_LENGTH,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    folder = forms.CharField(label=_("Folder"), max_length=200, initial="INBOX")
    processed_folder = forms.CharField(
        label=_("Folder for processed messages"),
        max_length=200,
        required=False,
        help_text=_("Messages taken are moved here. Empty: they stay where they are and are flagged."),
    )
    poll_interval_seconds = forms.IntegerField(
        label=_("Poll every (seconds)"), min_value=MIN_POLL_SECONDS, max_value=MAX_POLL_SECONDS, initial=60
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, regions, organisations, has_password: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["organisation"].queryset = organisations
        if not settings.MAIL_LOCAL_FOLDER:
            self.fields["kind"].choices = [
                choice for choice in Mailbox.Kind.choices if choice[0] != Mailbox.Kind.LOCAL
            ]
        self.fields["password"].help_text = (
            _("A password is stored. Leave the field empty to keep it; it is never shown.")
            if has_password
            else _("Stored encrypted and never shown again. Not needed for a local folder.")
        )

    @staticmethod
    def initial_for(mailbox: Mailbox) -> dict:
        return {**model_to_dict(mailbox, fields=MAILBOX_FIELDS), "version": mailbox.version}

    def mailbox_data(self) -> dict:
        return {
            name: value for name, value in self.cleaned_data.items() if name not in ("version", "password")
        }

    def new_password(self) -> str:
        """The password typed, or "" to keep the stored one."""
        return self.cleaned_data.get("password") or ""
