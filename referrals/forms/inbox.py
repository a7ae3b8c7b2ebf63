"""The shared inbox's forms: actions on a request, bulk actions and saved views."""

import re
import uuid

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from advisors.models import Organisation, User
from exportcenter.widget_cache import CachedSelect

from ..models import AdviceRequest, Attachment, RequestEvent, SavedView
from ..services import ALLOWED_TRANSITIONS, BulkAction
from .attachments import attachments_field
from .intake import LongTextField, counter_attrs

# --- The shared inbox: actions on a request -------------------------------------------------------------
#
# Each form that changes the request carries the version the advisor's page showed; the service refuses
# the change if the request moved on since (nothing is overwritten).


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


def body_field(label, help_text, limit: int = 5000, required: bool = True, message=None):
    field = LongTextField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4, **counter_attrs(limit)}),
    )
    if message:
        field.error_messages["required"] = message
    return field


class MessageForm(VersionedForm):
    body = body_field(
        _("Message to the company"),
        _("Emailed to the contact person and shown on the company's status page. At most 5,000 characters."),
        message=_("Write the message to the company."),
    )
    attachments = attachments_field(Attachment.Source.ADVISOR)


class NoteForm(forms.Form):
    body = body_field(
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
    comment = body_field(_("Comment"), _("At most 2,000 characters."), limit=2000, required=False)

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


class ReadRowsIterator(ModelChoiceIterator):
    """A model choice's options from rows the page has already read (the field's `rows`), else from its
    queryset. The field still validates a choice against its queryset; `rows` must hold the same objects."""

    def _rows(self):
        return getattr(self.field, "rows", None)

    def __iter__(self):
        rows = self._rows()
        if rows is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in rows:
            yield self.choice(obj)

    def __len__(self):
        rows = self._rows()
        if rows is None:
            return super().__len__()
        return len(rows) + (self.field.empty_label is not None)

    def __bool__(self):
        rows = self._rows()
        return super().__bool__() if rows is None else bool(self.field.empty_label is not None or rows)


class ReadModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options may come from rows already read (`rows`; see ReadRowsIterator)."""

    iterator = ReadRowsIterator
    rows = None


class AssignForm(VersionedForm):
    """Give the request to a partner's queue, or to one of its advisors.

    `organisation_rows`: the organisations of `organisations`, when the page has read them already.
    """

    organisation = ReadModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False, empty_label=_("—")
    )
    advisor = forms.ModelChoiceField(
        label=_("Advisor"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— the organisation's queue —"),
        help_text=_("Choose an advisor, or only an organisation to put the request in its queue."),
    )

    def __init__(self, *args, organisations, advisors, organisation_rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].rows = organisation_rows
        # Only shown (an unbound form): each advisor's name and organisation's, not the whole people
        # (a region's 40 advisors with their organisations: a third of the select's cost). A posted
        # advisor is read whole, for the assignment and its notice.
        self.fields["advisor"].queryset = (
            advisors if self.is_bound else advisors.only("full_name", "organisation__name")
        )
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
        label=_("Assign to organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Choose an organisation"),
        widget=CachedSelect(key="organisations"),  # its <option>s from the cache, per queryset
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
