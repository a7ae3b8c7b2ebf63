"""The company's survey forms: satisfaction after a request, and the follow-up about international
business."""

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.models import INTERNATIONAL_FLAGS
from referrals.forms.intake import LongTextField, counter_attrs

from ..models import Answer

COMMENT_LIMIT = 2000
SATISFACTION_CHOICES = [
    ("5", _("5 – Very satisfied")),
    ("4", _("4 – Satisfied")),
    ("3", _("3 – Neither satisfied nor dissatisfied")),
    ("2", _("2 – Dissatisfied")),
    ("1", _("1 – Very dissatisfied")),
]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _comment_field(label) -> LongTextField:
    return LongTextField(
        label=label,
        required=False,
        max_length=COMMENT_LIMIT,
        help_text=_("Optional. At most 2,000 characters."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class SatisfactionForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the help you got?"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are, from 1 to 5.")},
    )
    right_partner_in_one_day = forms.ChoiceField(
        label=_("Did you reach the right partner within one working day?"),
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes, no or don't know.")},
    )
    handover_clear = forms.ChoiceField(
        label=_("Was the handover clear?"),
        help_text=_(
            "If another partner took over your question: did you understand who would help you next?"
        ),
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes, no or don't know.")},
    )
    comment = _comment_field(_("Anything else you want to tell us?"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].widget.attrs.update(counter_attrs(COMMENT_LIMIT))


class FollowUpForm(forms.Form):
    """Tillväxtverket's six signs of international business, each yes or no."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in INTERNATIONAL_FLAGS:
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=YES_NO,
                coerce=lambda value: value == "yes",
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer yes or no.")},
            )
        self.fields["comment"] = _comment_field(_("Anything you want to add?"))
        self.fields["comment"].widget.attrs.update(counter_attrs(COMMENT_LIMIT))

    def flags(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name, _label in INTERNATIONAL_FLAGS}


class DeclineForm(forms.Form):
    """ "Don't send me surveys": a button, nothing to fill in."""
