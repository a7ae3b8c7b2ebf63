from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A six-digit code from an authenticator app."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits. A new code appears every 30 seconds."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "size": 8,
            }
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the six digits that your authenticator app shows."))
        return code


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Recovery code"),
        help_text=_("One of the codes you saved when you set up two-factor sign-in. Each works once."),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "size": 12,
            }
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).replace("-", "").lower()
        if not (code.isascii() and code.isalnum() and 6 <= len(code) <= 16):
            raise forms.ValidationError(_("Enter a recovery code: letters and digits, as you saved it."))
        return code


class ResetForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have made sure that this person asked for it and no longer has their device"),
        error_messages={"required": _("Confirm that you have checked who is asking.")},
    )
