from django import forms
from django.utils.translation import gettext_lazy as _

from exportcenter.widget_cache import CachedSelect, CachedSelectMultiple
from reference.countries import ALIASES, HOME_COUNTRY, all_country_choices, market_choices, search_names
from reference.models import Municipality, SNICode

from .identifiers import LegalForm, parse_organisation_number
from .models import EDITABLE_FIELDS, INTERNATIONAL_FLAG_FIELDS, INTERNATIONAL_FLAGS, Company, Contact
from .phones import normalise_phone


class CountryPickerMixin:
    """A select of countries that `static/js/country-picker.js` turns into a search with chips (issue 17).

    Each `<option>` carries the country's English and Swedish names (`data-en`, `data-sv`; the code is its
    value), so that "tys", "germ" and "DE" all find Germany in either language. Those attributes depend on
    the value only, never on the selection, so the widget cache keeps them in its cached options
    (`static_option_attrs`). The texts the script shows come with the select, in the page's language.
    """

    static_option_attrs = True

    def __init__(self, attrs=None, choices=(), *, key: str):
        picker = {
            "data-country-picker": True,
            "data-picker-hint": _(
                "Type the name of a country, or its code (e.g. DE), and choose from the list."
            ),
            "data-picker-chosen": _("Chosen"),
            "data-picker-remove": _("Remove %s"),
            "data-picker-added": _("%s added"),
            "data-picker-removed": _("%s removed"),
            "data-picker-none": _("No country found"),
            "data-picker-one": _("1 country found"),
            "data-picker-many": _("%s countries found"),
            "data-picker-assistive": _(
                "Use the up and down arrows to review the countries found, and Enter to choose one."
            ),
        }
        super().__init__({**picker, **(attrs or {})}, choices, key=key)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        names = search_names().get(str(value))
        if names is not None:
            # Before `selected`, where the widget cache puts it: the same bytes either way.
            aliases = {"data-alt": ALIASES[str(value)]} if str(value) in ALIASES else {}
            option["attrs"] = {"data-en": names[0], "data-sv": names[1], **aliases, **option["attrs"]}
        return option


class CountrySelect(CountryPickerMixin, CachedSelect):
    pass


class CountrySelectMultiple(CountryPickerMixin, CachedSelectMultiple):
    pass


class CountryMultipleChoiceField(forms.MultipleChoiceField):
    """Countries, the common markets first. Sweden stays in this list: the target markets have their own
    field, and a list that means something else (the countries a company exports to) keeps Sweden."""

    choices_function = staticmethod(all_country_choices)
    cache_key = "countries"

    def prepare_value(self, value):
        # A company's saved countries are django-countries' list object, not a list: the widget would render
        # it as one string ("Norway, Sweden") and choose nothing, and saving the form would drop them.
        if value is None or isinstance(value, str | list | tuple):
            return value
        return [getattr(country, "code", country) for country in value]

    def __init__(self, **kwargs):
        super().__init__(
            choices=self.choices_function,
            widget=CountrySelectMultiple(attrs={"size": 6}, key=self.cache_key),
            **kwargs,
        )


class TargetMarketsField(CountryMultipleChoiceField):
    """Countries where a company wants to do business: Sweden is its home market, not a target market."""

    choices_function = staticmethod(market_choices)
    cache_key = "target-markets"
    default_error_messages = {
        "home_country": _("Sweden is not a target market. Choose countries outside Sweden."),
    }

    def validate(self, value):
        if HOME_COUNTRY in (value or []):
            raise forms.ValidationError(self.error_messages["home_country"], code="home_country")
        super().validate(value)


class OrganisationNumberMixin:
    """One rule for forms with the fields `org_number` and `not_registered`: a valid organisation number
    (normalised to 10 digits, giving the legal form), or a tick that the company is not registered yet."""

    def clean_org_number(self):
        raw = self.cleaned_data.get("org_number", "")
        if not raw.strip():
            return None
        number = parse_organisation_number(raw)
        self._legal_form = number.legal_form
        return number.digits

    def clean_registration(self, cleaned) -> None:
        number, not_registered = cleaned.get("org_number"), cleaned.get("not_registered")
        if not number and not not_registered and "org_number" not in self.errors:
            self.add_error(
                "org_number",
                _("Enter the organisation number, or tick that the company is not registered yet."),
            )
        if number and not_registered:
            self.add_error(
                "not_registered",
                _("You gave an organisation number, so the company is registered. Untick this box."),
            )

    @property
    def legal_form(self) -> str:
        if self.cleaned_data.get("org_number"):
            return getattr(self, "_legal_form", LegalForm.UNREGISTERED)
        return LegalForm.UNREGISTERED


class CompanyForm(OrganisationNumberMixin, forms.ModelForm):
    """Register or edit a company. The organisation number is normalised and gives the legal form."""

    org_number = forms.CharField(
        label=_("Organisation number"),
        required=False,
        max_length=20,
        help_text=_(
            "10 digits, e.g. 556677-8899. A sole trader's personal identity number is also accepted."
        ),
    )
    not_registered = forms.BooleanField(
        label=_("The company is not registered yet (no organisation number)"), required=False
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        help_text=_("Municipalities of your export center's counties."),
        widget=CachedSelect(key="municipalities"),
    )
    website = forms.URLField(label=_("Website"), max_length=300, required=False, assume_scheme="https")
    sni_code = forms.ModelChoiceField(
        label=_("Industry (SNI 2025)"),
        queryset=SNICode.objects.all(),
        required=False,
        widget=CachedSelect(key="sni-codes"),
    )
    export_countries = CountryMultipleChoiceField(label=_("Exports to"), required=False)
    target_markets = TargetMarketsField(label=_("Target markets"), required=False)
    flags_source_note = forms.CharField(
        label=_("Source of the signs of international business"),
        max_length=300,
        required=False,
        help_text=_(
            "Where you learned it, for example the annual report 2025 or a call with the CEO. With a source, "
            "the signs count as confirmed by you today; without one they are recorded but unconfirmed and "
            "do not count toward the goals."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Company
        fields = EDITABLE_FIELDS
        widgets = {
            **{
                f"{name}_confirmed_on": forms.DateInput(attrs={"type": "date"})
                for name, _label in INTERNATIONAL_FLAGS
            },
            # Reference data: their <option>s come from the cache (the advisors are people, not cached).
            "turnover_class": CachedSelect(key="turnover-classes"),
            "responsible_organisation": CachedSelect(key="organisations"),
        }

    def __init__(self, *args, advisors=None, organisations=None, county_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        if county_ids is not None:
            # A company outside the user's counties would vanish from their register once saved.
            # Sorted: the same counties give the same SQL, so one cached <option> list (widget_cache).
            self.fields["municipality"].queryset = Municipality.objects.filter(
                county_id__in=sorted(county_ids)
            )
        if self.instance.pk:
            self.fields["org_number"].initial = self.instance.org_number_display
            self.fields["not_registered"].initial = not self.instance.org_number
            self.fields["version"].initial = self.instance.version
        if advisors is not None:
            self.fields["responsible_advisor"].queryset = advisors
        if organisations is not None:
            self.fields["responsible_organisation"].queryset = organisations
        self.fields["name"].max_length = 200

    def clean(self):
        cleaned = super().clean()
        self.clean_registration(cleaned)
        for name, _label in INTERNATIONAL_FLAGS:
            if cleaned.get(f"{name}_confirmed_on") and not cleaned.get(name):
                self.add_error(f"{name}_confirmed_on", _("Tick the box above, or leave the date empty."))
        return cleaned

    def _get_validation_exclusions(self):
        # The number's uniqueness is the service's to decide (with the database constraint), so that the
        # error can link to the existing company and a race between two registrations is caught too.
        return {*super()._get_validation_exclusions(), "org_number"}

    def international_fields(self):
        return [
            self[field] for name, _label in INTERNATIONAL_FLAGS for field in (name, f"{name}_confirmed_on")
        ]

    def signs_changed_without_source(self) -> bool:
        """The signs of international business changed and no source was given: recorded, unconfirmed."""
        changed = set(self.changed_data) & set(INTERNATIONAL_FLAG_FIELDS)
        return bool(changed) and not self.cleaned_data.get("flags_source_note", "").strip()

    def company_data(self) -> dict:
        """The validated fields as the services take them."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        data["legal_form"] = self.legal_form
        data["flags_source_note"] = self.cleaned_data.get("flags_source_note", "")
        return data

    def save(self, commit=True):  # pragma: no cover - the services save, never the form
        raise NotImplementedError("Use companies.services.register_company / update_company.")


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name",
            "title",
            "email",
            "phone",
            "preferred_language",
            "is_primary",
            "legal_basis",
            "consent_given_on",
        ]
        widgets = {"consent_given_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "phone": _("Swedish numbers may be written 070-123 45 67; foreign numbers with +country code."),
            "legal_basis": _("Why the export center may keep this person's details (GDPR)."),
        }

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("legal_basis") == Contact.LegalBasis.CONSENT and not cleaned.get("consent_given_on"):
            self.add_error("consent_given_on", _("Enter the date when consent was given."))
        return cleaned

    def contact_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def save(self, commit=True):  # pragma: no cover
        raise NotImplementedError("Use companies.services.add_contact / update_contact.")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, comma or semicolon separated, at most 2 MB. The first row names the columns."),
    )
