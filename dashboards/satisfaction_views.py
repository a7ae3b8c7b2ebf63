"""The Satisfaction page: per partner and per region, for organisation leads and regional staff."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from advisors import access
from effects.models import SatisfactionSurvey

from . import satisfaction


@login_required
def satisfaction_page(request):
    access.require(request.user, access.Action.OVERSEE, SatisfactionSurvey)
    form = satisfaction.SatisfactionQueryForm(request.GET or None, user=request.user)
    context = {"form": form, "min_answers": satisfaction.MIN_ANSWERS, "fewer_than": satisfaction.FEWER_THAN}
    if form.is_bound and not form.is_valid():
        return render(request, "dashboards/satisfaction.html", {**context, "form_valid": False}, status=400)
    region, period = form.chosen()
    context.update(
        form_valid=True,
        region=region,
        period=period,
        partners=satisfaction.by_partner(region, period) if region else [],
        regions=satisfaction.by_region(satisfaction.regions_for(form), period),
        comments=satisfaction.comments(request.user, region, period) if region else [],
    )
    return render(request, "dashboards/satisfaction.html", context)
