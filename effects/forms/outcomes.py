"""Forms of export outcomes: the advisor's record/edit form, and the company's confirmation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.forms import CountrySelect
from outreach.forms import DateInput
from reference.countries import market_choices

from ..models import ExportOutcome
from ..services.outcomes import FACT_FIELDS


def _market_choices():
    return [("", _("Choose a country")), *market_choices()]


class FactsMixin:
    """The facts an advisor records and the company confirms or corrects."""

    def add_fact_fields(self) -> None:
        self.fields["market"] = forms.ChoiceField(
            label=_("Market"),
            choices=_market_choices,
            widget=CountrySelect(key="effects.outcome.market"),
            help_text=_("The country the export went to."),
        )
        self.fields["kind"] = forms.ChoiceField(
            label=_("Kind of outcome"), choices=ExportOutcome.Kind.choices, widget=forms.RadioSelect
        )
        self.fields["sells"] = forms.ChoiceField(
            label=_("Goods or services"), choices=ExportOutcome.Sells.choices, widget=forms.RadioSelect
        )
        self.fields["value_band"] = forms.ChoiceField(
            label=_("Value"),
            choices=[("", _("Choose a value band")), *ExportOutcome.ValueBand.choices],
            help_text=_("The value of the deal in Swedish kronor (SEK)."),
        )
        self.fields["achieved_on"] = forms.DateField(
            label=_("Date"), widget=DateInput, help_text=_("When the deal was made or the export took place.")
        )


class OutcomeForm(FactsMixin, forms.Form):
    """Record or edit an outcome. The checkboxes offer the company's own requests, activities and
    referrals and the partners of its region; what is posted is looked up more widely, so that the
    service's rules answer with their own field errors."""

    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happened, in a sentence or two. The company sees it."),
    )
    contact = forms.ModelChoiceField(
        label=_("Contact person asked to confirm"),
        queryset=None,
        required=False,
        empty_label=_("The primary contact"),
        help_text=_("We email this person a link to confirm the outcome."),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners that helped"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The company rates each partner when it confirms."),
    )
    requests = forms.ModelMultipleChoiceField(
        label=_("Requests that led to it"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    activities = forms.ModelMultipleChoiceField(
        label=_("Activities that led to it"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    referrals = forms.ModelMultipleChoiceField(
        label=_("Referrals that led to it"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    field_order = [
        "market",
        "kind",
        "sells",
        "value_band",
        "achieved_on",
        "description",
        "contact",
        "partners",
        "requests",
        "activities",
        "referrals",
    ]

    def __init__(self, *args, contacts, partners, all_partners, offered, lookups, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_fact_fields()
        self.order_fields(self.field_order)
        self.fields["contact"].queryset = contacts
        self.fields["contact"].label_from_instance = lambda contact: (
            f"{contact.name} ({contact.email})" if contact.email else f"{contact.name} ({_('no email')})"
        )
        self._offer("partners", all_partners, [(org.pk, org.name) for org in partners])
        self._offer(
            "requests",
            lookups["requests"],
            [(obj.pk, f"{obj.reference} ({obj.get_status_display()})") for obj in offered["requests"]],
        )
        self._offer(
            "activities",
            lookups["activities"],
            [
                (obj.pk, f"{obj.occurred_on:%Y-%m-%d}: {obj.get_kind_display()}")
                for obj in offered["activities"]
            ],
        )
        self._offer(
            "referrals",
            lookups["referrals"],
            [
                (obj.pk, f"{obj.request.reference} → {obj.to_organisation.name}")
                for obj in offered["referrals"]
            ],
        )

    def _offer(self, name, lookup, shown):
        """Look posted values up in `lookup`, show only `shown` (and drop an empty list of links)."""
        field = self.fields[name]
        field.queryset = lookup
        if not shown and name != "partners":
            del self.fields[name]
            return
        field.widget.choices = shown

    def outcome_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in (*FACT_FIELDS, "description", "contact")}
        for name in ("partners", "requests", "activities", "referrals"):
            if name in self.fields:
                data[name] = list(self.cleaned_data[name])
        return data

    @classmethod
    def initial_for(cls, outcome: ExportOutcome) -> dict:
        return {
            **{name: getattr(outcome, name) for name in (*FACT_FIELDS, "description")},
            "market": outcome.market.code,
            "contact": outcome.contact_id,
            "partners": [link.organisation_id for link in outcome.partner_links.all()],
            "requests": [obj.pk for obj in outcome.requests.all()],
            "activities": [obj.pk for obj in outcome.activities.all()],
            "referrals": [obj.pk for obj in outcome.referrals.all()],
            "version": outcome.version,
        }


YES_NO = [("yes", _("Yes")), ("no", _("No"))]
RATINGS = [(str(n), str(n)) for n in range(1, 6)]


class ConfirmOutcomeForm(FactsMixin, forms.Form):
    """The company's answer: the facts (corrected where wrong), what the support meant, the partners'
    ratings, and whether it may be a case study."""

    support_meaning = forms.ChoiceField(
        label=_("What did the support mean for this outcome?"),
        choices=ExportOutcome.SupportMeaning.choices,
        widget=forms.RadioSelect,
    )
    without_support = forms.ChoiceField(
        label=_("How much of it would you have achieved without the support?"),
        choices=ExportOutcome.WithoutSupport.choices,
        widget=forms.RadioSelect,
    )
    case_study_allowed = forms.ChoiceField(
        label=_("May we tell others about this outcome as an example (a case study)?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_("We would ask you again before publishing anything."),
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell us?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_fact_fields()
        self.partner_fields = []
        for partner in partners:
            name = f"rating_{partner.pk}"
            self.fields[name] = forms.ChoiceField(
                label=_("How much did %(partner)s help? (1 = not at all, 5 = very much)")
                % {"partner": partner.name},
                choices=RATINGS,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                required=False,
            )
            self.partner_fields.append(name)
        for name in ("kind", "sells", "support_meaning", "without_support", "case_study_allowed"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    @property
    def fact_fields(self):
        return [self[name] for name in FACT_FIELDS]

    @property
    def rating_fields(self):
        return [self[name] for name in self.partner_fields]

    @classmethod
    def initial_for(cls, outcome: ExportOutcome) -> dict:
        return {
            **{name: getattr(outcome, name) for name in FACT_FIELDS},
            "market": outcome.market.code,
        }

    def ratings(self) -> dict[int, int | None]:
        return {
            int(name.removeprefix("rating_")): int(self.cleaned_data[name])
            if self.cleaned_data[name]
            else None
            for name in self.partner_fields
        }


class DeclineOutcomeForm(forms.Form):
    comment = forms.CharField(
        label=_("What is not right? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
