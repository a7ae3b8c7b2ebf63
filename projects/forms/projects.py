"""Forms of projects: the list's filter, the project, a partner, a project activity, a programme.

They validate the shape of the input only; the rules (period, budget, regions, lead partner) are the
services', which answer with field errors the views put back on the form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from companies.forms import CountrySelect
from companies.identifiers import parse_organisation_number
from outreach.forms import DateInput
from reference.countries import all_country_choices

from ..models import Programme, Project
from ..services.projects import ACTIVITY_KINDS, MAX_EUR


def _country_choices():
    return [("", _("Choose a country")), *all_country_choices()]


def _eur(label, help_text=""):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=MAX_EUR,
        max_digits=14,
        decimal_places=2,
        help_text=help_text,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class ProjectFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=200, help_text=_("Name, acronym or description.")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Project.Status.choices]
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        required=False,
        queryset=Programme.objects.none(),
        empty_label=_("All programmes"),
    )
    region = forms.ModelChoiceField(
        label=_("Region"), required=False, queryset=None, empty_label=_("All regions")
    )

    def __init__(self, *args, programmes, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["region"].queryset = regions


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    acronym = forms.CharField(label=_("Acronym"), max_length=40, required=False)
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, empty_label=_("Choose a programme")
    )
    region = forms.ModelChoiceField(
        label=_("Recording region"),
        queryset=None,
        empty_label=None,
        help_text=_("The region whose export center keeps the project in the portal."),
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Participating Swedish regions"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("Starts"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends"), widget=DateInput)
    status = forms.ChoiceField(label=_("Status"), choices=Project.Status.choices)
    budget_total_eur = _eur(_("Total budget (EUR)"), _("The whole project's budget, all partners."))
    eu_cofinancing_eur = _eur(_("EU co-financing (EUR)"))
    national_cofinancing_eur = _eur(_("National or regional co-financing (EUR)"))
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    website = forms.URLField(label=_("Link"), max_length=300, required=False, assume_scheme="https")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, programmes, recording_regions, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["region"].queryset = recording_regions
        self.fields["regions"].queryset = regions

    @staticmethod
    def initial_for(project: Project) -> dict:
        return {
            **{name: getattr(project, name) for name in ProjectForm.base_fields if hasattr(project, name)},
            "programme": project.programme_id,
            "region": project.region_id,
            "regions": [region.pk for region in project.regions.all()],
            "version": project.version,
        }

    def project_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation in the portal"),
        queryset=None,
        required=False,
        empty_label=_("None: an organisation outside the portal"),
    )
    name = forms.CharField(
        label=_("Name of an organisation outside the portal"),
        max_length=200,
        required=False,
        help_text=_("For example Government of Navarra."),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=_country_choices,
        required=False,
        widget=CountrySelect(key="projects.partner.country"),
        help_text=_("For an organisation outside the portal."),
    )
    region_name = forms.CharField(
        label=_("Region"),
        max_length=200,
        required=False,
        help_text=_("The partner's region, for example Navarra."),
    )
    role = forms.CharField(label=_("Role in the project"), max_length=200, required=False)
    is_lead = forms.BooleanField(
        label=_("Lead partner"),
        required=False,
        help_text=_("A project has one lead partner: naming this one takes the role from the one before."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not (data.get("name") or "").strip():
            self.add_error("name", _("Choose an organisation in the portal or name one outside it."))
        elif not data.get("organisation") and not data.get("country"):
            self.add_error("country", _("Choose the partner's country."))
        return data

    def partner_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ProjectActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of activity"),
        choices=[(kind.value, kind.label) for kind in ACTIVITY_KINDS],
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput)
    company = forms.CharField(
        label=_("Company (organisation number)"),
        max_length=20,
        help_text=_("The company the activity was for, like 556677-8899. It must be a company you can see."),
    )
    host_region = forms.CharField(
        label=_("Host region"),
        max_length=200,
        required=False,
        help_text=_("Where the study visit took place."),
    )
    host_country = forms.ChoiceField(
        label=_("Host country"),
        choices=_country_choices,
        required=False,
        widget=CountrySelect(key="projects.activity.host_country"),
    )
    visiting_partners = forms.ModelMultipleChoiceField(
        label=_("Visiting organisations"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The project's partners that took part in the study visit."),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, partners, find_company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visiting_partners"].queryset = partners
        self.fields["visiting_partners"].label_from_instance = lambda partner: partner.display_name
        self._find_company = find_company

    def clean_company(self):
        number = parse_organisation_number(self.cleaned_data["company"])
        company = self._find_company(number.digits)
        if company is None:
            raise ValidationError(_("No company you can see has this organisation number."))
        return company

    def activity_data(self) -> dict:
        return {
            name: value for name, value in self.cleaned_data.items() if name not in ("version", "company")
        }


class ProgrammeForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_("A short name for the address and the API, like interreg-europe."),
    )
    name_sv = forms.CharField(label=_("Name (Swedish)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    fund = forms.ChoiceField(label=_("Fund"), choices=Programme.Fund.choices)
    period = forms.CharField(
        label=_("Programme period"), max_length=20, required=False, help_text=_("For example 2021–2027.")
    )
    website = forms.URLField(label=_("Website"), max_length=300, required=False, assume_scheme="https")
    is_active = forms.BooleanField(label=_("Open for new projects"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    @staticmethod
    def initial_for(programme: Programme) -> dict:
        return {name: getattr(programme, name) for name in ProgrammeForm.base_fields}

    def programme_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}
