from django import forms
from django.utils.translation import gettext_lazy as _


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or email address"),
        max_length=200,
        required=False,
        help_text=_("A contact person's name or email address, or a sole trader's name."),
    )


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("zip", _("ZIP file: JSON and one CSV file per section")), ("json", _("JSON file"))],
        initial="zip",
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("I export this person's data to answer their request (GDPR article 15 or 20)."),
        error_messages={"required": _("Confirm why you export the data.")},
    )


class EraseForm(forms.Form):
    confirm_name = forms.CharField(
        label=_("Type the person's name to confirm"),
        max_length=200,
        help_text=_(
            "Erasure cannot be undone. The statistics stay; names, contact details and free text go."
        ),
    )

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm_name(self):
        typed = self.cleaned_data["confirm_name"]
        if " ".join(typed.split()).casefold() != " ".join(self.expected.split()).casefold():
            raise forms.ValidationError(_("The name does not match. Type it exactly as shown above."))
        return typed


class LegalHoldForm(forms.Form):
    on_hold = forms.BooleanField(label=_("On legal hold"), required=False)
