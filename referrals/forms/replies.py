"""The form of a canned reply: its title, language and text, and (when a new one could belong to more than
one owner) whose it is. The model's validators check the placeholders; the services check again and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CannedReply
from ..models.replies import BODY_MAX_LENGTH
from ..services.replies import CANNED_REPLY_FIELDS
from .intake import LongTextField, counter_attrs


def owner_key(owner) -> str:
    """An owner (organisation or region) as the form's choice value: "organisation:3", "region:1"."""
    return f"{owner._meta.model_name}:{owner.pk}"


class CannedReplyForm(forms.ModelForm):
    """Add or change a canned reply. `owners`: whose a new reply may be (organisations and regions)."""

    body = LongTextField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        help_text=CannedReply._meta.get_field("body").help_text,
        widget=forms.Textarea(attrs={"rows": 8, **counter_attrs(BODY_MAX_LENGTH)}),
        error_messages={"required": _("Write the text of the reply.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)

    class Meta:
        model = CannedReply
        fields = CANNED_REPLY_FIELDS
        widgets = {"language": forms.RadioSelect}
        error_messages = {"title": {"required": _("Give the reply a title.")}}

    # Rendered as a fieldset (includes/choice_group.html) rather than a single input.
    choice_groups = ("language",)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {owner_key(owner): owner for owner in owners}
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        elif len(self.owners) > 1:
            self.fields["owner"] = forms.ChoiceField(
                label=_("Kept by"),
                choices=[("", _("Choose…")), *((key, str(owner)) for key, owner in self.owners.items())],
                help_text=_("An organisation's replies are for its people; a region's are shared."),
                error_messages={"required": _("Choose whose reply it is.")},
            )
        self.fields["language"].choices = CannedReply.Language.choices  # no empty choice: it has a default

    def chosen_owner(self):
        """The organisation or region a new reply goes to (the only one, or the one chosen)."""
        if len(self.owners) == 1:
            return next(iter(self.owners.values()))
        return self.owners.get(self.cleaned_data.get("owner", ""))

    def reply_data(self) -> dict:
        return {field: self.cleaned_data[field] for field in self.Meta.fields}
