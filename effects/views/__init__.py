"""The pages of effects: outcomes (advisors' pages and the company's confirmation) and surveys."""

from functools import wraps

from django.shortcuts import render
from django.views.decorators.cache import never_cache


def link_not_found(request):
    """One answer for unknown, tampered, expired and replaced links: nobody learns whether anything exists."""
    return render(request, "effects/link_not_found.html", status=404)


def private(view):
    """For the pages opened by the company's signed link (like the request status page): never cached, never
    indexed, the token never sent to another site."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "same-origin"
        return response

    return never_cache(wrapped)
