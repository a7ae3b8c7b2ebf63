"""The pages of effects: outcomes (advisors' pages and the company's confirmation) and surveys."""

from django.shortcuts import render


def link_not_found(request):
    """One answer for unknown, tampered, expired and replaced links: nobody learns whether anything exists."""
    return render(request, "effects/link_not_found.html", status=404)
