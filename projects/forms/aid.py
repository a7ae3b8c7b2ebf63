"""Forms of participations, support, de minimis aid and undertaking links. They check shape only; the rules
(periods, duplicates, the ceiling) are the services', whose field errors come back onto the form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.forms import DateInput

from ..models import Currency, SupportKind

DECIMAL = {"max_digits": 14, "decimal_places": 2}


class CompanySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the company"),
        max_length=200,
        required=False,
        help_text=_("Its name or organisation number. Only companies of your regions are found."),
    )


class EnrolForm(forms.Form):
    company = forms.UUIDField(
        label=_("Company"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the company."), "invalid": _("Choose the company.")},
    )
    joined_on = forms.DateField(
        label=_("Takes part from"), widget=DateInput, help_text=_("A date within the project's period.")
    )
    left_on = forms.DateField(label=_("Took part until"), widget=DateInput, required=False)
    company_registered_on = forms.DateField(
        label=_("Company registered"),
        widget=DateInput,
        required=False,
        help_text=_("From Bolagsverket: a company under three years old at enrolment counts as new."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The search's results as radio options; a posted id is looked up among the visible companies.
        self.fields["company"].widget.choices = [
            (str(c.public_id), f"{c.name} ({c.org_number_masked}, {c.municipality.name})") for c in companies
        ]


class ParticipationForm(forms.Form):
    joined_on = forms.DateField(label=_("Takes part from"), widget=DateInput)
    left_on = forms.DateField(label=_("Took part until"), widget=DateInput, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SupportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of support"), choices=SupportKind.choices, widget=forms.RadioSelect
    )
    given_on = forms.DateField(label=_("Date"), widget=DateInput)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=7, decimal_places=1, initial=0)
    value_sek = forms.DecimalField(
        label=_("Value (SEK)"), min_value=0, initial=0, help_text=_("What the support was worth."), **DECIMAL
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class AidForm(forms.Form):
    """De minimis aid. When the ceiling would be passed the page shows the figures and asks again: the aid
    is recorded only with `override` ticked and a reason."""

    granted_on = forms.DateField(label=_("Grant date"), widget=DateInput)
    amount = forms.DecimalField(label=_("Amount"), min_value=0.01, **DECIMAL)
    currency = forms.ChoiceField(
        label=_("Currency"), choices=Currency.choices, widget=forms.RadioSelect, initial=Currency.SEK
    )
    sek_per_eur = forms.DecimalField(
        label=_("SEK per euro"),
        max_digits=9,
        decimal_places=4,
        required=False,
        help_text=_("The exchange rate on the grant date, for an amount in SEK, for example 11.25."),
    )
    granting_body = forms.CharField(label=_("Granting body"), max_length=200)
    reference = forms.CharField(label=_("Decision reference"), max_length=100, required=False)
    granted_outside_portal = forms.BooleanField(
        label=_("Granted outside the portal (aid from another body that the company declared)"),
        required=False,
    )
    project = forms.ChoiceField(label=_("Project"), required=False)
    support = forms.ChoiceField(label=_("Support it is for"), required=False)
    override = forms.BooleanField(label=_("Record the aid even though it passes the ceiling"), required=False)
    override_reason = forms.CharField(
        label=_("Reason for passing the ceiling"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the aid may still be granted. It is stored with the aid and logged."),
    )

    def __init__(self, *args, projects=(), supports=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = {str(p.public_id): p for p in projects}
        self.supports = {str(s.public_id): s for s in supports}
        self.fields["project"].choices = [
            ("", _("No project")),
            *((k, str(p)) for k, p in self.projects.items()),
        ]
        self.fields["support"].choices = [
            ("", _("No particular support")),
            *((k, f"{s.get_kind_display()}, {s.given_on.isoformat()}") for k, s in self.supports.items()),
        ]
        if not supports:
            del self.fields["support"]

    def clean(self):
        data = super().clean()
        if data.get("override") and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Give the reason for passing the ceiling."))
        return data

    def aid_data(self) -> dict:
        data = self.cleaned_data
        return {
            "granted_on": data["granted_on"],
            "amount": data["amount"],
            "currency": data["currency"],
            "sek_per_eur": data.get("sek_per_eur"),
            "granting_body": data["granting_body"],
            "reference": data.get("reference") or "",
            "granted_outside_portal": data.get("granted_outside_portal", False),
            "project": self.projects.get(data.get("project") or ""),
            "support": self.supports.get(data.get("support") or ""),
            "override_reason": (data.get("override_reason") or "") if data.get("override") else "",
        }


class LinkForm(forms.Form):
    linked_company = forms.UUIDField(
        label=_("Company"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the company."), "invalid": _("Choose the company.")},
    )
    note = forms.CharField(
        label=_("How they are linked"),
        max_length=300,
        required=False,
        help_text=_("For example: the same owner holds more than half of the votes in both."),
    )

    def __init__(self, *args, companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["linked_company"].widget.choices = [
            (str(c.public_id), f"{c.name} ({c.org_number_masked})") for c in companies
        ]
