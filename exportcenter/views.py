"""Public pages of the portal: landing page, accessibility statement, error pages."""

import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import requires_csrf_token
from django.views.i18n import set_language as django_set_language

from advisors.selectors import current_region, partners_of

from . import accessibility, unavailable
from .api.problems import API_PATH_PREFIX, server_error_response


def home(request):
    region = current_region(request.user)
    return render(request, "exportcenter/home.html", {"region": region, "partners": partners_of(region)})


def set_language(request):
    """Django's set_language, resolving `next` in the language of its own path.

    With Swedish unprefixed, Django resolves `next` in the active language, so `/en/...` would not
    resolve while Swedish is active and the switch would stay on the English page.
    """
    next_path = urlsplit(request.POST.get("next", request.GET.get("next", "/"))).path
    with translation.override(translation.get_language_from_path(next_path) or settings.LANGUAGE_CODE):
        return django_set_language(request)


def accessibility_statement(request):
    """The statement that lag (2018:1937) asks for, in DIGG's model; its facts are in a data file."""
    region = current_region()  # the site's, whoever reads it
    return render(
        request,
        "exportcenter/accessibility.html",
        {
            "statement": accessibility.statement(),
            "responsible_body": settings.ACCESSIBILITY_RESPONSIBLE_BODY
            or (region.name if region else settings.PORTAL_NAME),
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "site_url": settings.SITE_URL,
            "Compliance": accessibility.Compliance,
        },
    )


@requires_csrf_token
def server_error(request):
    """A 500 page that touches neither the database nor the session: those may be what failed. An /api/
    request gets problem details instead (exportcenter/api/problems.py). A database error (the database went
    away) is a 503 "try again" instead (exportcenter/unavailable.py)."""
    if unavailable.is_database_blip(sys.exc_info()[1]):
        return unavailable.unavailable_response(request)
    if request.path_info.startswith(API_PATH_PREFIX):
        return server_error_response()
    return render(request, "500.html", status=500)
