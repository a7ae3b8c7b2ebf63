"""Optimistic concurrency for the REST API: the ETag, and the If-Match header or `version` field.

An object that can be changed carries a `version`. Reads send it as the ETag header; a change must send
back the version it was based on (If-Match, or a `version` field in the body): without one the answer is
428, and with an old one 412, and nothing is saved.
"""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status

from exportcenter.bad_input import whole_number


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        'Send the version you read, as an If-Match header (If-Match: "3") or as a "version" field.'
    )
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "Someone else changed this after you read it. Nothing was saved: "
        "read it again and make your changes on the new version."
    )
    default_code = "precondition_failed"


_ENTITY_TAG = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


def etag(obj) -> str:
    """The ETag of a versioned object, e.g. `"3"`."""
    return f'"{obj.version}"'


def expected_version(request) -> int:
    """The version the client read: the If-Match header, else the body's `version`."""
    header = request.headers.get("If-Match", "").strip()
    body = request.data.get("version") if hasattr(request.data, "get") else None
    body_version = None
    if body not in (None, ""):
        if isinstance(body, bool) or not whole_number(body):
            raise exceptions.ValidationError({"version": [_("The version is a whole number.")]})
        body_version = int(body)
    if header and header != "*":
        match = _ENTITY_TAG.match(header)
        if match is None:
            raise PreconditionFailed  # an entity tag we never issued matches no version
        header_version = int(match.group(1))
        if body_version is not None and body_version != header_version:
            raise exceptions.ValidationError(
                {"version": [_("The version differs from the one in the If-Match header.")]}
            )
        return header_version
    if body_version is None:
        raise PreconditionRequired
    return body_version


def require_version(request, obj) -> int:
    """The version the client read, which must still be the object's: 428 without one, 412 when stale.

    Only a quick answer: the service checks the version again under a row lock, which is what counts.
    """
    version = expected_version(request)
    if version != obj.version:
        raise PreconditionFailed
    return version


# --- Documentation ---------------------------------------------------------------------------------


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=_(
        'The version you read, as returned in the ETag header, e.g. "3". '
        "Required unless the body has a `version` field."
    ),
)


def etag_header(*statuses: int) -> OpenApiParameter:
    return OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        response=list(statuses),
        description=_("The current version; send it back in If-Match to make a change."),
    )
