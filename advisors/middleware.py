"""Middleware of sign-in: session limits, and no caching of what a signed-in person is shown."""

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from . import sessions


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


class SessionLimitsMiddleware:
    """Ends idle and too old sessions (advisors.sessions), and marks every answer to a signed-in person,
    and every API answer, `Cache-Control: no-store`: no browser or proxy cache keeps personal data.

    Pages for anonymous visitors keep whatever caching they had.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            reason = sessions.ended(session)
            if reason is not None:
                ended = self._end(request, reason)
                if ended is not None:
                    return ended
            else:
                sessions.touch(session)
        response = self.get_response(request)
        if SESSION_KEY in request.session or _is_api(request):
            patch_cache_control(response, no_store=True, private=True)
        return response

    def _end(self, request, reason: str):
        request.session_ended = reason  # the audit log's sign-out entry says why
        logout(request)
        if _is_api(request):
            return None  # answered as anyone signed out is: 401 in problem details
        if reason == "idle":
            messages.info(request, _("You were signed out after a while without activity. Sign in again."))
        else:
            messages.info(request, _("Your session has reached its time limit. Sign in again."))
        login_url = resolve_url("advisors:login")
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
        elif request.method == "GET":
            response = redirect_to_login(request.get_full_path(), login_url)
        else:
            response = HttpResponseRedirect(login_url)
        patch_cache_control(response, no_store=True, private=True)
        return response
