"""The public "help me export" form, the SME's reply on its status page, and the advisors' inbox forms."""

import re
import uuid

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from advisors.models import Organisation, User
from companies.forms import CountryMultipleChoiceField, OrganisationNumberMixin
from companies.models import EmployeeBand, ExportExperience, Municipality
from companies.phones import normalise_phone

from . import abuse
from .models import AdviceRequest, NeedCategory, Referral, RequestEvent, SavedView
from .services import ALLOWED_TRANSITIONS, BulkAction, Submission

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


class NeedsField(IgnoreEmptyChoicesMixin, forms.ModelMultipleChoiceField):
    pass


class CountriesField(IgnoreEmptyChoicesMixin, CountryMultipleChoiceField):
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


def _counter_attrs(limit: int) -> dict[str, str]:
    """Texts for the live character counter of static/js/site.js (the page works without it).

    Lazy: fields made when the module is imported (`_body_field`) render them in the page's language.
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
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("short_name"),
        empty_label=_("Choose a municipality"),
        help_text=_("Where the company is based."),
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
    target_markets = CountriesField(
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
        self.fields["description"].widget.attrs.update(_counter_attrs(3000))

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs.update(_counter_attrs(5000))


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


# --- The shared inbox: actions on a request -------------------------------------------------------------
#
# Each form that changes the request carries the version the advisor's page showed; the service refuses
# the change if the request moved on since (nothing is overwritten).


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


def _body_field(label, help_text, limit: int = 5000, required: bool = True, message=None):
    field = LongTextField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4, **_counter_attrs(limit)}),
    )
    if message:
        field.error_messages["required"] = message
    return field


class MessageForm(VersionedForm):
    body = _body_field(
        _("Message to the company"),
        _("Emailed to the contact person and shown on the company's status page. At most 5,000 characters."),
        message=_("Write the message to the company."),
    )


class NoteForm(forms.Form):
    body = _body_field(
        _("Internal note"),
        _("Never shown to the company. At most 5,000 characters."),
        message=_("Write the note."),
    )
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=RequestEvent.Visibility.choices,
        initial=RequestEvent.Visibility.ALL_PARTNERS,
        widget=forms.RadioSelect,
    )


class PriorityForm(VersionedForm):
    priority = forms.ChoiceField(label=_("Priority"), choices=AdviceRequest.Priority.choices)


DUPLICATE_NEEDS_ORIGINAL = _("Give the reference of the request this one duplicates, e.g. EC-2026-000123.")


def original_request(reference: str, *, candidates, advice_request: AdviceRequest) -> AdviceRequest:
    """The request that `advice_request` duplicates, by its reference, among the requests one may see."""
    original = candidates.select_related("duplicate_of").filter(reference=reference.strip().upper()).first()
    if original is None:
        raise forms.ValidationError(_("There is no request with this reference that you can see."))
    if original.pk == advice_request.pk:
        raise forms.ValidationError(_("A request cannot be a duplicate of itself."))
    if original.duplicate_of_id is not None:
        raise forms.ValidationError(
            _("%(reference)s is itself a duplicate of %(original)s: choose that one.")
            % {"reference": original.reference, "original": original.duplicate_of.reference}
        )
    return original


class StatusForm(VersionedForm):
    """Move the status; the choices are the transitions allowed from the current status."""

    status = forms.ChoiceField(label=_("New status"))
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Choose when closing")), *AdviceRequest.Outcome.choices],
        required=False,
        help_text=_("Needed when you close the request."),
    )
    duplicate_of = forms.CharField(
        label=_("Duplicate of request"),
        max_length=20,
        required=False,
        help_text=_("Needed when the outcome is “Duplicate”: the reference of the request to keep."),
    )
    comment = _body_field(_("Comment"), _("At most 2,000 characters."), limit=2000, required=False)

    def __init__(self, *args, advice_request: AdviceRequest, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.advice_request = advice_request
        self.candidates = candidates
        allowed = ALLOWED_TRANSITIONS.get(advice_request.status, set())
        self.fields["status"].choices = [
            (value, label) for value, label in AdviceRequest.Status.choices if value in allowed
        ]

    def clean(self):
        data = super().clean()
        closing = data.get("status") == AdviceRequest.Status.CLOSED
        if closing and not data.get("outcome"):
            self.add_error("outcome", _("Choose an outcome to close the request."))
        if not closing:
            data["outcome"] = ""
        data["duplicate_request"] = None
        if data.get("outcome") == AdviceRequest.Outcome.DUPLICATE and not self.has_error("duplicate_of"):
            reference = data.get("duplicate_of", "")
            if not reference.strip():
                self.add_error("duplicate_of", DUPLICATE_NEEDS_ORIGINAL)
            else:
                try:
                    data["duplicate_request"] = original_request(
                        reference, candidates=self.candidates, advice_request=self.advice_request
                    )
                except forms.ValidationError as error:
                    self.add_error("duplicate_of", error)
        return data


class AssignForm(VersionedForm):
    """Give the request to a partner's queue, or to one of its advisors."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False, empty_label=_("—")
    )
    advisor = forms.ModelChoiceField(
        label=_("Advisor"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— the organisation's queue —"),
        help_text=_("Choose an advisor, or only an organisation to put the request in its queue."),
    )

    def __init__(self, *args, organisations, advisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["advisor"].queryset = advisors
        self.fields["advisor"].label_from_instance = lambda user: f"{user.full_name} ({user.organisation})"

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not data.get("advisor") and not self.has_error("advisor"):
            self.add_error("organisation", _("Choose an organisation or an advisor."))
        return data


class DuplicateForm(VersionedForm):
    reference = forms.CharField(
        label=_("Duplicate of request"),
        max_length=20,
        help_text=_("The reference of the request to keep, e.g. EC-2026-000123."),
    )

    def __init__(self, *args, candidates, advice_request: AdviceRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.advice_request = advice_request

    def clean_reference(self):
        return original_request(
            self.cleaned_data["reference"], candidates=self.candidates, advice_request=self.advice_request
        )


# --- The shared inbox: bulk actions and saved views ----------------------------------------------------

_SELECTED = re.compile(r"^([0-9a-f-]{36}):(\d{1,9})$")


class SelectionField(forms.MultipleChoiceField):
    """Row values are checked by `BulkForm.clean_selected`, not against a list of choices."""

    def valid_value(self, value):
        return True


class BulkForm(forms.Form):
    """One action on the selected rows. Each row sends "<public id>:<version it showed>"."""

    selected = SelectionField(
        label=_("Selected requests"),
        error_messages={"required": _("Select at least one request.")},
    )
    action = forms.ChoiceField(label=_("Action"))
    to_status = forms.ChoiceField(
        label=_("New status"),
        required=False,
        choices=[
            ("", _("Choose a status")),
            *[(v, label) for v, label in AdviceRequest.Status.choices if v != AdviceRequest.Status.CLOSED],
        ],
    )
    organisation = forms.ModelChoiceField(
        label=_("Assign to organisation"), queryset=Organisation.objects.none(), required=False
    )
    duplicate_of = forms.CharField(
        label=_("Duplicate of request"), max_length=20, required=False, help_text=_("e.g. EC-2026-000123")
    )

    def __init__(self, *args, organisations, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Choose an action")), *BulkAction.choices]
        self.fields["organisation"].queryset = organisations
        self.candidates = candidates

    def clean_selected(self):
        items = []
        for value in self.cleaned_data["selected"]:
            match = _SELECTED.match(value)
            if match is None:
                raise forms.ValidationError(_("The selection is not valid. Reload the page and try again."))
            try:
                items.append((uuid.UUID(match.group(1)), int(match.group(2))))
            except ValueError:
                raise forms.ValidationError(
                    _("The selection is not valid. Reload the page and try again.")
                ) from None
        return items

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == BulkAction.ASSIGN and not data.get("organisation"):
            self.add_error("organisation", _("Choose the organisation to assign to."))
        if action == BulkAction.STATUS and not data.get("to_status"):
            self.add_error("to_status", _("Choose the new status."))
        if action == BulkAction.DUPLICATE:
            reference = (data.get("duplicate_of") or "").strip().upper()
            original = self.candidates.filter(reference=reference).first() if reference else None
            if original is None:
                self.add_error(
                    "duplicate_of", _("Give the reference of a request you can see, e.g. EC-2026-000123.")
                )
            data["duplicate_request"] = original
        return data


class SavedViewForm(forms.ModelForm):
    class Meta:
        model = SavedView
        fields = ["name", "is_shared", "view", "query"]
        widgets = {"view": forms.HiddenInput, "query": forms.HiddenInput}
        error_messages = {"name": {"required": _("Give the view a name.")}}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["name"].label = _("Name of the view")

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if SavedView.objects.filter(owner=self.owner, name__iexact=name).exists():
            raise forms.ValidationError(_("You already have a view with this name."))
        return name


# --- Referrals between partners -------------------------------------------------------------------------


class ReferForm(VersionedForm):
    """Refer the request (all of it, or some of its needs) to another partner, with the company's consent.

    `organisations` are the choices in groups: [(group label, [Organisation, ...]), ...], the request's
    region's partners first. The version is the request's.
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
    needs = NeedsField(
        label=_("Needs to refer"),
        queryset=NeedCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when you refer selected needs."),
    )
    note = _body_field(
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

    def __init__(self, *args, organisations, needs, **kwargs):
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
    reason = _body_field(
        _("Reason for declining"),
        _("The sender sees it, so that they can find the right partner. At most 2,000 characters."),
        limit=2000,
        message=_("Give a reason: the sender needs it to find the right partner."),
    )


class WithdrawReferralForm(VersionedForm):
    pass
