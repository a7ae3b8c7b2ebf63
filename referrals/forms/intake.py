"""The public intake's forms (help me export, the company's reply) and the need categories' form, with the
fields and widgets they share."""

import re
import uuid

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from advisors.models import Organisation
from companies.forms import CountryMultipleChoiceField, OrganisationNumberMixin, TargetMarketsField
from companies.models import ExportExperience
from companies.phones import normalise_phone
from exportcenter.cached_rows import CachedModelChoiceField, CachedModelMultipleChoiceField
from exportcenter.widget_cache import CachedSelect
from reference.models import EmployeeBand, Municipality

from .. import abuse
from ..models import AdviceRequest, Attachment, NeedCategory
from ..services import Submission
from .attachments import attachments_field

# The language names are written in their own language (and marked with `lang` when rendered).
LANGUAGE_CHOICES = [("sv", "Svenska"), ("en", "English")]
_SUBMISSION_ID = re.compile(r"[0-9a-f]{32}")
MULTIPLE_SELECT_HINT = _("Hold down Ctrl (Cmd on a Mac) to choose more than one.")


class LongTextField(forms.CharField):
    """A textarea's text with line breaks as the browser counts them.

    Browsers count a line break as one character for `maxlength` but send it as CRLF, so without this
    a text the browser accepted could fail the same limit on the server.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class IgnoreEmptyChoicesMixin:
    """A multiple choice where an empty value counts as "nothing chosen", not as an unknown choice."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = [item for item in value if item not in self.empty_values]
        return super().clean(value)


class NeedsField(IgnoreEmptyChoicesMixin, CachedModelMultipleChoiceField):
    pass


class CountriesField(IgnoreEmptyChoicesMixin, CountryMultipleChoiceField):
    pass


class MarketsField(IgnoreEmptyChoicesMixin, TargetMarketsField):
    pass


class HintedChoiceMixin:
    """Adds a hint (and a language) to each option; `includes/choice_group.html` renders and links it.

    For model choices the hint is the object's localised `help_text`, read when the page is rendered.
    """

    def __init__(self, *args, hints=None, langs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.hints = hints or {}
        self.langs = langs or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        hint = getattr(instance, "help_text", "") if instance is not None else self.hints.get(str(value), "")
        option["hint"] = hint
        option["lang"] = self.langs.get(str(value), "")
        if hint and "id" in option["attrs"]:
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}_hint"
        return option


class HintedRadioSelect(HintedChoiceMixin, forms.RadioSelect):
    pass


class HintedCheckboxSelectMultiple(HintedChoiceMixin, forms.CheckboxSelectMultiple):
    pass


def counter_attrs(limit: int) -> dict[str, str]:
    """Texts for the live character counter of static/js/site.js (the page works without it).

    Lazy: fields made when the module is imported (`body_field`) render them in the page's language.
    """
    return {
        "data-char-counter": str(limit),
        "data-counter-one": _("{count} character left"),
        "data-counter-other": _("{count} characters left"),
    }


class HelpMeExportForm(OrganisationNumberMixin, forms.Form):
    """The SME's request for help. Validates everything; `submission()` hands it to the intake service."""

    # --- Your company
    org_number = forms.CharField(
        label=_("Organisation number"),
        required=False,
        max_length=20,
        help_text=_(
            "10 digits, e.g. 556677-8899. A sole trader gives their personal identity number. "
            "If the company has no number yet, tick the box below instead."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    not_registered = forms.BooleanField(label=_("The company is not registered yet"), required=False)
    company_name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        error_messages={"required": _("Enter the company's name.")},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    municipality = CachedModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("short_name"),
        empty_label=_("Choose a municipality"),
        help_text=_("Where the company is based."),
        widget=CachedSelect(
            key="municipalities"
        ),  # its <option>s from the cache (exportcenter/widget_cache.py)
        error_messages={
            "required": _("Choose the municipality where the company is based."),
            "invalid_choice": _("Choose a municipality from the list."),
        },
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_("For example www.example.se"),
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    employee_band = forms.ChoiceField(
        label=_("Number of employees"),
        choices=[("", _("Choose the number of employees")), *EmployeeBand.choices],
        error_messages={"required": _("Choose the number of employees.")},
    )
    sells = forms.ChoiceField(
        label=_("What does the company sell?"),
        choices=AdviceRequest.Sells.choices,
        widget=HintedRadioSelect,
        error_messages={"required": _("Choose what the company sells.")},
    )
    export_experience = forms.ChoiceField(
        label=_("Export experience"),
        choices=ExportExperience.choices,
        widget=HintedRadioSelect,
        error_messages={"required": _("Choose the company's export experience.")},
    )
    export_countries = CountriesField(
        label=_("Countries the company exports to today"), required=False, help_text=MULTIPLE_SELECT_HINT
    )

    # --- What do you need help with?
    needs = NeedsField(
        label=_("Areas where you need help"),
        queryset=NeedCategory.objects.filter(is_active=True),
        widget=HintedCheckboxSelectMultiple,
        help_text=_("Choose one or more."),
        error_messages={"required": _("Choose at least one thing you need help with.")},
    )
    target_markets = MarketsField(
        label=_("Countries where you want to do business"), required=False, help_text=MULTIPLE_SELECT_HINT
    )
    description = LongTextField(
        label=_("Describe your company and what you need help with"),
        min_length=10,
        max_length=3000,
        help_text=_("At most 3,000 characters."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Describe what you need help with."),
            "min_length": _("Write at least 10 characters, so that we understand what you need."),
        },
    )

    attachments = attachments_field(
        Attachment.Source.FORM, label=_("Files (for example a product sheet or a price list)")
    )

    # --- Contact person
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": _("Enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.se."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    contact_phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=32,
        help_text=_("Swedish numbers may be written 070-123 45 67; foreign numbers with +country code."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Which language should we use?"),
        choices=LANGUAGE_CHOICES,
        widget=HintedRadioSelect(langs={"sv": "sv", "en": "en"}),
        error_messages={"required": _("Choose a language.")},
    )
    preferred_contact_method = forms.ChoiceField(
        label=_("How would you like us to contact you?"),
        choices=AdviceRequest.ContactMethod.choices,
        initial=AdviceRequest.ContactMethod.EMAIL,
        widget=HintedRadioSelect,
        error_messages={"required": _("Choose how we should contact you.")},
    )

    # --- Privacy
    privacy_confirmed = forms.BooleanField(
        label=_("I have read how the export center handles my personal data"),
        help_text=_("What we store about you and your company, why, and for how long."),
        error_messages={"required": _("Confirm that you have read the privacy notice.")},
    )

    # --- Hidden: the idempotency key, when the form was shown, and a honeypot for bots.
    submission_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    started = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    company_fields = (
        "org_number",
        "not_registered",
        "company_name",
        "municipality",
        "website",
        "employee_band",
        "sells",
        "export_experience",
        "export_countries",
    )

    def __init__(self, data=None, *args, **kwargs):
        self._original_started = None
        if data is not None:
            data = data.copy()
            # A missing or malformed key gets a fresh one, kept in the re-shown form so that resending it
            # is still one request.
            if not _SUBMISSION_ID.fullmatch(str(data.get("submission_id", ""))):
                data["submission_id"] = uuid.uuid4().hex
            self._original_started = data.get("started")
            if not abuse.started_token_is_valid(self._original_started):
                data["started"] = abuse.new_started_token()
        super().__init__(data, *args, **kwargs)
        self.fields["submission_id"].initial = uuid.uuid4().hex
        self.fields["started"].initial = abuse.new_started_token()
        self.fields["language"].initial = "en" if (get_language() or "sv").startswith("en") else "sv"
        self.fields["description"].widget.attrs.update(counter_attrs(3000))

    def clean_contact_phone(self):
        return normalise_phone(self.cleaned_data.get("contact_phone", ""))

    def clean(self):
        cleaned = super().clean()
        self.clean_registration(cleaned)
        if (
            cleaned.get("preferred_contact_method") == AdviceRequest.ContactMethod.PHONE
            and not cleaned.get("contact_phone")
            and "contact_phone" not in self.errors
        ):
            self.add_error("contact_phone", _("Enter a phone number, or choose to be contacted by email."))
        if abuse.filled_too_fast(self._original_started):
            self.add_error(None, _("Please check your answers and send the form again."))
        return cleaned

    def submission(self) -> Submission:
        data = self.cleaned_data
        return Submission(
            org_number=data["org_number"],
            legal_form=self.legal_form,
            company_name=data["company_name"],
            municipality=data["municipality"],
            website=data["website"],
            employee_band=data["employee_band"],
            sells=data["sells"],
            export_experience=data["export_experience"],
            export_countries=list(data["export_countries"]),
            needs=list(data["needs"]),
            target_markets=list(data["target_markets"]),
            description=data["description"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            language=data["language"],
            preferred_contact_method=data["preferred_contact_method"],
            idempotency_key=data["submission_id"],
            files=list(data.get("attachments") or []),
        )


class ReplyForm(forms.Form):
    """The SME's answer on its private status page."""

    body = LongTextField(
        label=_("Your message"),
        max_length=5000,
        help_text=_("At most 5,000 characters."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your message.")},
    )
    attachments = attachments_field(Attachment.Source.STATUS_PAGE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs.update(counter_attrs(5000))


class NeedCategoryForm(forms.ModelForm):
    """Regional staff maintain the need categories: names, help texts and the partner kinds that route."""

    primary_partner_kinds = forms.MultipleChoiceField(
        label=_("Primary partner kinds"),
        choices=Organisation.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kinds of partner that usually help first with this need."),
    )
    secondary_partner_kinds = forms.MultipleChoiceField(
        label=_("Secondary partner kinds"),
        choices=Organisation.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = NeedCategory
        fields = [
            "name_sv",
            "name_en",
            "help_sv",
            "help_en",
            "primary_partner_kinds",
            "secondary_partner_kinds",
            "position",
            "is_active",
        ]
