from django.shortcuts import render

from advisors.selectors import current_region


def request_help(request):
    """Entry point of the "help me export" request. The form itself arrives with the intake issue."""
    region = current_region(request.user)
    operator = region.operator if region is not None else None
    return render(request, "referrals/request_help.html", {"region": region, "operator": operator})
