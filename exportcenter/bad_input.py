"""Input no view can take: NUL bytes and invalid UTF-8 are answered with a 400 before any view runs.

PostgreSQL refuses a NUL in any text (`ValueError: A string literal cannot contain NUL`) and Django
silently replaces invalid UTF-8 with U+FFFD, so neither can be stored or searched as sent. Rather than a
validator on every form field, filter and API parameter, `BadInputMiddleware` looks once at:

- the query string (every key and value, percent-decoded);
- a urlencoded form body (the same);
- a multipart body's fields and file names (file contents are the file's business).

JSON bodies are checked by the API's parser (`exportcenter.api.parsers.SafeJSONParser`), which also limits
their nesting. The API answers in problem details, a page with the localised 400 page.
"""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PROBLEM_JSON = "application/problem+json"  # as exportcenter.api, which imports this module (its parser)
REPLACEMENT_CHARACTER = "\ufffd"  # what Django's decoding makes of invalid UTF-8
UNREADABLE_ADDRESS = gettext_lazy(
    "The address holds characters that cannot be read (a NUL byte or invalid UTF-8)."
)
UNREADABLE_FORM = gettext_lazy("The form holds characters that cannot be read (a NUL byte or invalid UTF-8).")


def whole_number(value) -> bool:
    """True for a non-empty run of the ASCII digits 0-9 only. `str.isdigit()` also says yes to "²" and "٣",
    which `int()` refuses or reads as another digit: an id or a version in a query string is never those."""
    text = str(value)
    return text.isascii() and text.isdigit()


def bad_text(value: str) -> bool:
    """A decoded text that cannot have been valid: a NUL, a lone surrogate or a replaced byte."""
    if "\x00" in value or REPLACEMENT_CHARACTER in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from a JSON "\ud800"
        return True
    return False


def text_errors(value: str, limit: int) -> list[str]:
    """A service's check of a free text: no NUL byte (PostgreSQL refuses it) and at most `limit` characters;
    the messages, none if it is fine."""
    if "\x00" in value:
        return [_("Null characters are not allowed.")]
    if len(value) > limit:
        return [
            _("Write at most %(limit)d characters (it has %(count)d).")
            % {"limit": limit, "count": len(value)}
        ]
    return []


def bad_urlencoded(raw: bytes) -> bool:
    """Whether a query string or urlencoded body holds a NUL or invalid UTF-8 once percent-decoded."""
    if not raw:
        return False
    for pair in raw.replace(b";", b"&").split(b"&"):
        decoded = unquote_to_bytes(pair.replace(b"+", b" "))
        if b"\x00" in decoded:
            return True
        try:
            decoded.decode("utf-8")
        except UnicodeDecodeError:
            return True
    return False


def _content_type(request) -> str:
    return request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()


def bad_body(request) -> bool:
    content_type = _content_type(request)
    if content_type == "application/x-www-form-urlencoded":
        return bad_urlencoded(request.body)
    if content_type == "multipart/form-data":
        fields = request.POST
        names = [*fields, *request.FILES]
        values = [value for name in fields for value in fields.getlist(name)]
        file_names = [upload.name or "" for name in request.FILES for upload in request.FILES.getlist(name)]
        return any(bad_text(text) for text in (*names, *values, *file_names))
    return False


def bad_input_response(request, detail: str):
    """A 400: problem details for the API, the localised 400 page otherwise."""
    if request.path_info.startswith("/api/"):
        body = {"type": "about:blank", "title": _("Invalid input"), "status": 400, "code": "invalid_encoding"}
        body["detail"] = detail
        return JsonResponse(body, status=400, content_type=PROBLEM_JSON)
    return render(request, "400.html", {"detail": detail}, status=400)


class BadInputMiddleware:
    """Answers 400 to a request with a NUL byte or invalid UTF-8 in its address, query string or form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # WSGI hands the query string's raw bytes over as latin-1; ASGI does too.
        query = request.META.get("QUERY_STRING", "").encode("latin-1", errors="replace")
        if "\x00" in request.path_info or bad_urlencoded(query):
            return bad_input_response(request, str(UNREADABLE_ADDRESS))
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            try:
                bad = bad_body(request)
            except (RequestDataTooBig, TooManyFieldsSent):
                raise  # Django answers these itself, with a 400
            except MultiPartParserError:
                return bad_input_response(request, str(UNREADABLE_FORM))
            if bad:
                return bad_input_response(request, str(UNREADABLE_FORM))
        return self.get_response(request)
