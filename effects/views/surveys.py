"""The company's survey pages, opened by the signed link in its email: no account, never indexed, never
cached. Unknown, tampered and expired links get the one identical 404 (`link_not_found`)."""

import uuid
from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import links
from ..forms.surveys import DeclineForm, FollowUpForm, SatisfactionForm
from ..models import FollowUpSurvey, SatisfactionSurvey, SurveyStatus
from ..services import surveys as services
from . import link_not_found


def _private(view):
    """Like the request status page: never cached or indexed, the token never sent to another site."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "same-origin"
        return response

    return never_cache(wrapped)


def _survey_for(model, purpose: str, token: str):
    """The survey the token was made for, while its link works (SURVEY_LINK_DAYS after it was sent)."""
    read = links.read_token(purpose, token)
    if read is None or read[1] != 1:
        return None
    public_id, _round = read
    survey = (
        model.objects.select_related(*_RELATED[model]).filter(public_id=public_id).first()
        if _is_uuid(public_id)
        else None
    )
    if survey is None or survey.status == SurveyStatus.SKIPPED:
        return None
    expires_at = services.link_expires_at(survey)
    if expires_at is None or expires_at <= timezone.now():
        return None
    return survey


_RELATED = {
    SatisfactionSurvey: ("request__company", "organisation", "region", "contact"),
    FollowUpSurvey: ("company", "region", "contact"),
}


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _decline(request, survey, url_name: str, token: str):
    services.decline_surveys(contact=survey.contact)
    messages.success(request, _("We will not send you any more surveys."))
    return redirect(url_name, token=token)


@_private
@require_http_methods(["GET", "POST"])
def satisfaction(request, token):
    survey = _survey_for(SatisfactionSurvey, "satisfaction", token)
    if survey is None:
        return link_not_found(request)
    if request.method == "POST" and "decline" in request.POST:
        return _decline(request, survey, "effects:satisfaction_survey", token)
    form = SatisfactionForm()
    status = 200
    if request.method == "POST" and survey.status != SurveyStatus.ANSWERED:
        form = SatisfactionForm(request.POST)
        if form.is_valid():
            try:
                services.answer_satisfaction(
                    survey=survey, answer=services.SatisfactionAnswer(**form.cleaned_data)
                )
            except services.AlreadyAnswered:
                messages.warning(request, _("This survey was already answered. The first answer stands."))
            else:
                messages.success(request, _("Thank you for your answer."))
            return redirect("effects:satisfaction_survey", token=token)
        status = 400
    elif request.method == "POST":
        messages.warning(request, _("This survey was already answered. The first answer stands."))
        return redirect("effects:satisfaction_survey", token=token)
    return render(
        request,
        "effects/surveys/satisfaction.html",
        {"survey": survey, "form": form, "decline_form": DeclineForm()},
        status=status,
    )


@_private
@require_http_methods(["GET", "POST"])
def follow_up(request, token):
    survey = _survey_for(FollowUpSurvey, "follow_up", token)
    if survey is None:
        return link_not_found(request)
    if request.method == "POST" and "decline" in request.POST:
        return _decline(request, survey, "effects:follow_up_survey", token)
    form = FollowUpForm()
    status = 200
    if request.method == "POST" and survey.status != SurveyStatus.ANSWERED:
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                services.answer_follow_up(
                    survey=survey, flags=form.flags(), comment=form.cleaned_data["comment"]
                )
            except services.AlreadyAnswered:
                messages.warning(request, _("This survey was already answered. The first answer stands."))
            else:
                messages.success(request, _("Thank you for your answer."))
            return redirect("effects:follow_up_survey", token=token)
        status = 400
    elif request.method == "POST":
        messages.warning(request, _("This survey was already answered. The first answer stands."))
        return redirect("effects:follow_up_survey", token=token)
    return render(
        request,
        "effects/surveys/follow_up.html",
        {"survey": survey, "form": form, "decline_form": DeclineForm()},
        status=status,
    )
