"""The forms of referrals between partners: refer, accept, decline, withdraw."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import NeedCategory, Referral
from .inbox import ReadRowsIterator, VersionedForm, body_field
from .intake import HintedRadioSelect, NeedsField


class ReferNeedsField(NeedsField):
    """The needs to refer; the options may come from the request's needs as the page read them (`rows`)."""

    iterator = ReadRowsIterator
    rows = None


# --- Referrals between partners -------------------------------------------------------------------------


class ReferForm(VersionedForm):
    """Refer the request (all of it, or some of its needs) to another partner, with the company's consent.

    `organisations` are the choices in groups: [(group label, [Organisation, ...]), ...], the request's
    region's partners first. The version is the request's. `need_rows`: the needs of `needs`, when the
    page has read them already.
    """

    to_organisation = forms.TypedChoiceField(
        label=_("Refer to"),
        coerce=int,
        empty_value=None,
        error_messages={
            "required": _("Choose the organisation to refer to."),
            "invalid_choice": _("Choose one of the organisations in the list."),
        },
    )
    scope = forms.ChoiceField(
        label=_("What do you refer?"),
        choices=Referral.Scope.choices,
        initial=Referral.Scope.WHOLE,
        widget=HintedRadioSelect(
            hints={
                Referral.Scope.WHOLE: _("If they accept, they take the request over."),
                Referral.Scope.NEEDS: _(
                    "If they accept, they help with these needs; the request stays with its owner."
                ),
            }
        ),
    )
    needs = ReferNeedsField(
        label=_("Needs to refer"),
        queryset=NeedCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when you refer selected needs."),
    )
    note = body_field(
        _("Handover note"),
        _(
            "What the receiver needs to know: what the company wants, what has been done so far. Never shown "
            "to the company. At most 3,000 characters."
        ),
        limit=3000,
        message=_("Write a handover note for the receiver."),
    )
    consent_confirmed = forms.BooleanField(
        label=_("The company has agreed that its information is shared with this organisation."),
        error_messages={
            "required": _("Confirm that the company has agreed. Ask the company first if it has not.")
        },
    )
    consent_method = forms.ChoiceField(
        label=_("How did the company agree?"),
        choices=[("", _("Choose how")), *Referral.ConsentMethod.choices],
        error_messages={"required": _("Say how the company agreed.")},
    )
    consent_details = forms.CharField(
        label=_("Who agreed, and when"),
        max_length=300,
        required=False,
        help_text=_("For example: Karin Berg, by phone on 3 March. At most 300 characters."),
    )

    def __init__(self, *args, organisations, needs, need_rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {org.pk: org for _group, members in organisations for org in members}
        self.fields["to_organisation"].choices = [
            ("", _("Choose an organisation")),
            *[
                (group, [(org.pk, org.name) for org in members])
                for group, members in organisations
                if members
            ],
        ]
        self.fields["needs"].queryset = needs
        self.fields["needs"].rows = need_rows

    def clean_to_organisation(self):
        return self.organisations[self.cleaned_data["to_organisation"]]

    def clean(self):
        data = super().clean()
        if data.get("scope") == Referral.Scope.NEEDS:
            if not data.get("needs") and not self.has_error("needs"):
                self.add_error("needs", _("Choose at least one need, or refer the whole request."))
        else:
            data["needs"] = []
        return data


class AcceptReferralForm(VersionedForm):
    """Accept a referral to one's organisation, optionally naming the advisor who takes it on.

    `advisors` is a list (not a queryset), so that a page of referrals reads the organisation's people once.
    """

    advisor = forms.TypedChoiceField(
        label=_("Advisor"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Who takes it on. Leave empty to put it in your organisation's queue."),
        error_messages={"invalid_choice": _("Choose an advisor of your organisation.")},
    )

    def __init__(self, *args, advisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.advisors = {person.pk: person for person in advisors}
        self.fields["advisor"].choices = [
            ("", _("— our organisation's queue —")),
            *[(person.pk, person.full_name) for person in advisors],
        ]

    def clean_advisor(self):
        chosen = self.cleaned_data["advisor"]
        return None if chosen is None else self.advisors[chosen]


class DeclineReferralForm(VersionedForm):
    reason = body_field(
        _("Reason for declining"),
        _("The sender sees it, so that they can find the right partner. At most 2,000 characters."),
        limit=2000,
        message=_("Give a reason: the sender needs it to find the right partner."),
    )


class WithdrawReferralForm(VersionedForm):
    pass
