from axes.models import AccessAttempt
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from advisors import access

from .sections import sections_for


@login_required
def home(request):
    """The signed-in advisor's start page: what to do today, in sections, and a short "Your account".

    A national coordinator has no worklist (aggregates only): their start page is the national figures."""
    if request.user.is_national:
        return redirect("national:dashboard")
    return render(
        request,
        "worklist/home.html",
        {
            "sections": sections_for(request.user),
            "today": timezone.localdate(),
            "may_see_lockouts": access.can(request.user, access.Action.VIEW, AccessAttempt),
        },
    )
