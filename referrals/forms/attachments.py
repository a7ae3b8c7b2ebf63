"""The files field of the public form, the company's reply and the advisor's message (issue 20).

It checks everything before anything is saved: the count, each file's size, its type as read from its
content (the allow-list), and the virus scan when CLAMAV_URL is set. Each problem is a field error in
words; a scanner that does not answer is one too ("try again later"). The service then keeps what the field
checked, without reading or scanning the files again.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from exportcenter import uploads

from ..services import attachments

# What the browser's file chooser offers first (a convenience: the content decides).
ACCEPT = ",".join(
    [
        ".pdf",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".txt",
        ".csv",
        ".rtf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".odt",
        ".ods",
        ".odp",
    ]
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more files. `cleaned_data[name]` is the list of files, checked and scanned.

    The form sets `advice_request` and `by` on the field (when known) for the audit entry of a file with a
    virus: `attach_context(form, ...)`.
    """

    def __init__(self, *, source: str, **kwargs):
        kwargs.setdefault("label", _("Files"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty_file", True)  # said in our words by the check
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)
        self.source = source
        self.advice_request = None
        self.by = None

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [forms.FileField.clean(self, file, initial) for file in files if file]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        errors = attachments.check_uploads(files, source=self.source, request=self.advice_request, by=self.by)
        if errors:
            raise ValidationError(errors)
        return files

    def bound_data(self, data, initial):
        return data

    def has_changed(self, initial, data):
        return bool(data)


# The limits in words, read when rendered (the settings and the language of the moment).
limits_text = lazy(uploads.limits_text, str)


def attachments_field(source: str, **kwargs) -> AttachmentsField:
    kwargs.setdefault("help_text", limits_text())
    return AttachmentsField(source=source, **kwargs)


def attach_context(form: forms.Form, *, advice_request=None, by=None, field: str = "attachments") -> None:
    """Tell the form's files field whose request it is for (the audit entry of a refused file)."""
    if field in form.fields:
        form.fields[field].advice_request = advice_request
        form.fields[field].by = by
