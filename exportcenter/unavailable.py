"""A database blip is a 503 that says "try again", never a bare 500.

A connection that died between requests never reaches a view: CONN_HEALTH_CHECKS (settings) checks a
persistent connection before its first use in a request and opens a new one. A request already running when
the database goes away gets an OperationalError or InterfaceError: `DatabaseUnavailableMiddleware` turns it
into a 503 with Retry-After, a page in the request's language (or problem details under /api/), and the
500 handler does the same for such an error raised outside a view. Both are built without the database or
the session, which is what failed. Nothing is half-written: the failed statement's transaction rolled back.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .api.negotiation import PROBLEM_JSON
from .api.problems import API_PATH_PREFIX

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
TITLE = _("Temporarily unavailable")
DETAIL = _("The service could not reach its database for a moment. Nothing was saved; please try again.")


def is_database_blip(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def unavailable_response(request) -> HttpResponse:
    if request.path_info.startswith(API_PATH_PREFIX):
        body = {
            "type": "about:blank",
            "title": str(TITLE),
            "status": 503,
            "code": "unavailable",
            "detail": str(DETAIL),
        }
        response = JsonResponse(body, status=503, content_type=PROBLEM_JSON)
    else:
        response = HttpResponse(render_to_string("503.html", {"detail": DETAIL}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Last in MIDDLEWARE, so that its process_exception sees a view's exception first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_blip(exception):
            return None
        logger.warning(
            "Database unavailable during %s %s: %s",
            request.method,
            request.path,
            exception.__class__.__name__,
        )
        response = unavailable_response(request)
        response._has_been_logged = True  # logged above as a warning; not django.request's ERROR line
        return response
