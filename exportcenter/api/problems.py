"""Every API error in one shape: RFC 9457 problem details (`application/problem+json`).

    {"type": "about:blank", "title": "Ogiltiga uppgifter", "status": 400, "code": "invalid",
     "detail": "…", "errors": {"org_number": ["…"], "consent.confirmed": ["…"]}}

`title` names the kind of error and `detail` says what happened, both in the language of the request
(Accept-Language). `code` is stable, for programs. A 400 lists its field errors in `errors` (a nested
field's name is its path, `consent.confirmed`; errors about no one field are under `non_field_errors`).
Some errors add members of their own (a 409 may name the `existing` company, or the `allowed` statuses).

`exception_handler` is REST_FRAMEWORK["EXCEPTION_HANDLER"]. It also turns what the services raise into
answers, so views need not catch them: `exportcenter.errors.Stale` is a 412 and a Django
`ValidationError` a 400 with field errors. Any other exception is a server error: Django logs it (with
the traceback, to `django.request`) and its 500 handler (`exportcenter.views.server_error`) answers an /api/
request with `server_error_response()`, a problem that tells nothing of the cause.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from exportcenter.errors import Stale, messages_by_field

from .concurrency import PreconditionFailed
from .negotiation import PROBLEM_JSON

TITLES = {
    status.HTTP_400_BAD_REQUEST: _("Invalid input"),
    status.HTTP_401_UNAUTHORIZED: _("Not signed in"),
    status.HTTP_403_FORBIDDEN: _("Not allowed"),
    status.HTTP_404_NOT_FOUND: _("Not found"),
    status.HTTP_405_METHOD_NOT_ALLOWED: _("Method not allowed"),
    status.HTTP_406_NOT_ACCEPTABLE: _("Not acceptable"),
    status.HTTP_409_CONFLICT: _("Conflict"),
    status.HTTP_412_PRECONDITION_FAILED: _("Changed since you read it"),
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: _("Unsupported media type"),
    status.HTTP_428_PRECONDITION_REQUIRED: _("Version required"),
    status.HTTP_429_TOO_MANY_REQUESTS: _("Too many requests"),
    status.HTTP_500_INTERNAL_SERVER_ERROR: _("Server error"),
}
INVALID_INPUT = _("Some of what you sent is not valid: see the errors per field.")
SERVER_ERROR = _("Something went wrong on the server. The error has been logged; please try again later.")
API_PATH_PREFIX = "/api/"


class Conflict(exceptions.APIException):
    """409: the object's state does not allow this. Keyword arguments become members of the problem."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This is not possible in the object's current state.")
    default_code = "conflict"

    def __init__(self, detail=None, code=None, *, errors: dict | None = None, **members):
        super().__init__(detail, code)
        self.errors = errors
        self.members = members


def validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's Django ValidationError as DRF field errors (HTTP 400)."""
    return exceptions.ValidationError(messages_by_field(error, api_settings.NON_FIELD_ERRORS_KEY))


def invalid_form(form) -> exceptions.ValidationError:
    """A bound Django form's errors as DRF field errors (HTTP 400)."""
    return validation_error(DjangoValidationError(form.errors.as_data()))


def field_errors(detail, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {field: [messages]}.

    A nested serializer's field is named by its path (`consent.confirmed`); an item of a list reports on the
    list (`target_markets`), its message naming the value.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, messages: list[str]) -> None:
        errors.setdefault(name or api_settings.NON_FIELD_ERRORS_KEY, []).extend(messages)

    if isinstance(detail, dict):
        for key, value in detail.items():
            name = path if isinstance(key, int) else (f"{path}.{key}" if path else str(key))
            for nested_name, messages in field_errors(value, name).items():
                add(nested_name, messages)
    elif isinstance(detail, list):
        for item in detail:
            if isinstance(item, (dict, list)):
                for nested_name, messages in field_errors(item, path).items():
                    add(nested_name, messages)
            else:
                add(path, [str(item)])
    else:
        add(path, [str(detail)])
    return errors


SIGNED_OUT_CODES = {"not_authenticated", "authentication_failed"}


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    return str(getattr(exc.detail, "code", None) or exc.default_code)


def problem(exc: exceptions.APIException, status_code: int) -> dict:
    """The problem-details body of an API exception."""
    code = _code(exc)
    title = TITLES[401] if code in SIGNED_OUT_CODES else TITLES.get(status_code, _("Error"))
    body = {"type": "about:blank", "title": str(title), "status": status_code, "code": code}
    if isinstance(exc, exceptions.ValidationError):
        errors = field_errors(exc.detail)
        messages = [message for field_messages in errors.values() for message in field_messages]
        body["detail"] = messages[0] if len(messages) == 1 else str(INVALID_INPUT)
        body["errors"] = errors
        return body
    detail = exc.detail
    if isinstance(detail, (dict, list)):  # an APIException given structured detail
        body["detail"] = str(TITLES.get(status_code, _("Error")))
        body["errors"] = field_errors(detail)
    else:
        body["detail"] = str(detail)
    if getattr(exc, "errors", None):
        body["errors"] = exc.errors
    body.update(getattr(exc, "members", {}))
    return body


def exception_handler(exc, context):
    """REST framework's handler, answering in problem details; the services' errors become answers."""
    if isinstance(exc, Stale):
        exc = PreconditionFailed()
    elif isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django logs it, and its 500 handler answers server_error_response()
    if not isinstance(exc, exceptions.APIException):  # Http404 or Django's PermissionDenied
        exc = exceptions.NotFound() if response.status_code == 404 else exceptions.PermissionDenied()
    response.data = problem(exc, response.status_code)
    response.content_type = PROBLEM_JSON
    return response


def server_error_response() -> JsonResponse:
    """The 500 of an /api/ request: problem details without the exception, its message or a traceback.
    Built without the database or the session, which may be what failed."""
    body = {
        "type": "about:blank",
        "title": str(TITLES[status.HTTP_500_INTERNAL_SERVER_ERROR]),
        "status": status.HTTP_500_INTERNAL_SERVER_ERROR,
        "code": "server_error",
        "detail": str(SERVER_ERROR),
    }
    return JsonResponse(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR, content_type=PROBLEM_JSON)


# --- Documentation ---------------------------------------------------------------------------------


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details: the body of every error."""

    type = serializers.CharField(
        help_text=_("A URI naming the kind of problem; about:blank: see the status.")
    )
    title = serializers.CharField(help_text=_("The kind of problem, in the language of the answer."))
    status = serializers.IntegerField(help_text=_("The HTTP status code."))
    code = serializers.CharField(help_text=_("A stable code for programs, e.g. precondition_failed."))
    detail = serializers.CharField(help_text=_("What happened, in the language of the answer."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_(
            "The field errors of a 400: each field name (a path for nested fields) maps to messages."
        ),
    )


def problem_response(description, serializer=ProblemSerializer) -> OpenApiResponse:
    return OpenApiResponse(serializer, description=description)


VALIDATION_ERROR = problem_response(_("Field errors: `errors` maps each field name to a list of messages."))
FORBIDDEN = problem_response(_("You may not do this."))
NOT_FOUND = problem_response(_("No such object, or you may not see it."))
CONFLICT = problem_response(_("The object's state does not allow this."))
STALE = problem_response(_("It changed since you read it (stale version). Nothing was saved."))
VERSION_MISSING = problem_response(_("No version sent: use the If-Match header or the `version` field."))
SIGNED_OUT = problem_response(_("Not signed in, or you may not do this."))


def problem_media_type(result, generator, request, public):
    """Schema post-processing: every error response is `application/problem+json`, and every operation
    documents the answer to one who is not signed in (a 403: the API signs in by session)."""
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.get("responses", {})
            for code, response in responses.items():
                content = response.get("content")
                if code.isdigit() and int(code) >= 400 and content and "application/json" in content:
                    response["content"] = {PROBLEM_JSON: content["application/json"]}
            responses.setdefault(
                "403",
                {
                    "description": str(SIGNED_OUT.description),
                    "content": {PROBLEM_JSON: {"schema": problem_ref}},
                },
            )
            operation["responses"] = dict(sorted(responses.items()))
    return result
