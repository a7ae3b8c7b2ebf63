from axes.models import AccessAttempt
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from advisors import access

from .sections import sections_for


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
        },
    )
