"""Files on the timeline (issue 20): their type and why one was not kept, in words."""

from django import template
from django.utils.translation import gettext as _

from exportcenter import uploads

register = template.Library()


@register.filter
def file_type(content_type: str) -> str:
    """``{{ attachment.content_type|file_type }}``: "Word document", "PDF", ..."""
    return uploads.type_label(content_type or "")


@register.filter
def refusal(reason: str) -> str:
    """Why a file from an email was not kept (`event.data.refused_files[].reason`)."""
    return {
        "type": _("not kept: a kind of file we do not accept"),
        "too_large": _("not kept: too large"),
        "empty": _("not kept: empty"),
        "too_many": _("not kept: too many files in one message"),
    }.get(reason, _("not kept"))
