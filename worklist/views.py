from axes.models import AccessAttempt
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from advisors import access

from .sections import sections_for


def _calendar_feed_url() -> str | None:
    """The calendar feed's page (outreach), once it exists."""
    try:
        return reverse("outreach:calendar_feed")
    except NoReverseMatch:
        return None


@login_required
def home(request):
    """The signed-in advisor's start page: what to do today, in sections, and a short "Your account"."""
    return render(
        request,
        "worklist/home.html",
        {
            "sections": sections_for(request.user),
            "today": timezone.localdate(),
            "may_see_lockouts": access.can(request.user, access.Action.VIEW, AccessAttempt),
            "calendar_feed_url": _calendar_feed_url(),
        },
    )
