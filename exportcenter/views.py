"""Public pages of the portal: landing page, accessibility statement, error pages."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

from advisors.selectors import current_region, partners_of


def home(request):
    region = current_region(request.user)
    return render(request, "exportcenter/home.html", {"region": region, "partners": partners_of(region)})


def accessibility_statement(request):
    return render(
        request,
        "exportcenter/accessibility.html",
        {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL},
    )


@requires_csrf_token
def server_error(request):
    """A 500 page that touches neither the database nor the session: those may be what failed."""
    return render(request, "500.html", status=500)
