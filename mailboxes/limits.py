"""The size limit of a message taken (MAIL_MAX_MESSAGE_BYTES), shared by the IMAP and local-folder polls."""

from django.conf import settings
from django.utils.translation import gettext as _

HEADER_BYTES = 64 * 1024  # of a refused message's header, kept for the record


def too_large(size: int) -> bool:
    return size > settings.MAIL_MAX_MESSAGE_BYTES


def too_large_reason(size: int) -> str:
    return _("The message is larger (%(size)s MB) than the largest taken (%(limit)s MB).") % {
        "size": round(size / 1024 / 1024, 1),
        "limit": round(settings.MAIL_MAX_MESSAGE_BYTES / 1024 / 1024, 1),
    }
