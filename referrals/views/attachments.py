"""Downloads of the files on a request (issue 20): only through these access-checked views, always as a
download (never inline), never cached.

An advisor downloads what `advisors.access` lets them see (the request's people; an organisation-only note's
files only within that organisation). The company downloads, through its private status link, the files of
its own conversation: what it sent with the form or its replies, and the advisors' messages to it. Anything
else, unknown, refused by the scanner or erased is a 404, the same answer for all.
"""

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_GET

from advisors import access
from audit.services import record_read
from exportcenter.uploads import download_response

from .. import status_links
from ..models import Attachment, RequestEvent
from .inbox import request_or_404
from .intake import _link_not_found, _private

logger = logging.getLogger(__name__)

# The timeline entries whose files the company sees on its status page.
COMPANY_KINDS = (
    RequestEvent.Kind.CREATED,
    RequestEvent.Kind.MESSAGE_FROM_COMPANY,
    RequestEvent.Kind.MESSAGE_TO_COMPANY,
)


def _download(attachment: Attachment):
    if not attachment.is_available:
        raise Http404
    try:
        return download_response(attachment.file, attachment.name)
    except FileNotFoundError as error:
        logger.error("Attachment %s is missing from storage: %s", attachment.public_id, error)
        raise Http404 from error


@login_required
@require_GET
def advisor_download(request, public_id, attachment_id):
    advice_request = request_or_404(request.user, public_id)
    attachment = (
        access.visible(request.user, Attachment.objects.filter(request=advice_request))
        .filter(public_id=attachment_id)
        .first()
    )
    if attachment is None or not access.can(request.user, access.Action.VIEW, attachment):
        raise Http404
    response = _download(attachment)
    record_read(request, advice_request, attachment=str(attachment.public_id))
    return response


@_private
@require_GET
def company_download(request, token, attachment_id):
    advice_request = status_links.request_for_token(token)
    if advice_request is None:
        return _link_not_found(request)
    attachment = Attachment.objects.filter(
        request=advice_request, public_id=attachment_id, event__kind__in=COMPANY_KINDS
    ).first()
    if attachment is None:
        raise Http404
    return _download(attachment)
