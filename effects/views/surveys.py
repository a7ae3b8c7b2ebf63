"""The company's survey pages, opened by the signed link in its email: no account, never indexed, never
cached. Unknown, tampered and expired links get the one identical 404 (`link_not_found`)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import links
from ..forms.surveys import DeclineForm, FollowUpForm, SatisfactionForm
from ..models import FollowUpSurvey, SatisfactionSurvey, SurveyStatus
from ..services import surveys as services
from . import link_not_found, private


def _survey_for(spec: "_Survey", token: str):
    """The survey the token was made for, while its link works (SURVEY_LINK_DAYS after it was sent)."""
    read = links.read_token(spec.purpose, token)
    if read is None or read[1] != 1:
        return None
    public_id, _round = read
    survey = (
        spec.model.objects.select_related(*spec.related).filter(public_id=public_id).first()
        if _is_uuid(public_id)
        else None
    )
    if survey is None or survey.status == SurveyStatus.SKIPPED:
        return None
    expires_at = services.link_expires_at(survey)
    if expires_at is None or expires_at <= timezone.now():
        return None
    return survey


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class _Survey:
    """What differs between the survey pages: the rest of the flow is `_survey_page`."""

    model: type
    related: tuple[str, ...]  # select_related for the page
    purpose: str  # the signed link's purpose
    url_name: str
    template: str
    form_class: type[forms.Form]
    answer: Callable[[object, forms.Form], object]  # (survey, valid form): raises services.AlreadyAnswered


_SATISFACTION = _Survey(
    model=SatisfactionSurvey,
    related=("request__company", "organisation", "region", "contact"),
    purpose="satisfaction",
    url_name="effects:satisfaction_survey",
    template="effects/surveys/satisfaction.html",
    form_class=SatisfactionForm,
    answer=lambda survey, form: services.answer_satisfaction(
        survey=survey, answer=services.SatisfactionAnswer(**form.cleaned_data)
    ),
)
_FOLLOW_UP = _Survey(
    model=FollowUpSurvey,
    related=("company", "region", "contact"),
    purpose="follow_up",
    url_name="effects:follow_up_survey",
    template="effects/surveys/follow_up.html",
    form_class=FollowUpForm,
    answer=lambda survey, form: services.answer_follow_up(
        survey=survey, flags=form.flags(), comment=form.cleaned_data["comment"]
    ),
)


def _survey_page(request, token: str, spec: _Survey):
    """The link's survey (or the identical 404); a POST declines surveys, or answers once: a second answer
    is told the first stands, an invalid one is shown again with status 400."""
    survey = _survey_for(spec, token)
    if survey is None:
        return link_not_found(request)
    if request.method == "POST" and "decline" in request.POST:
        services.decline_surveys(contact=survey.contact)
        messages.success(request, _("We will not send you any more surveys."))
        return redirect(spec.url_name, token=token)
    form = spec.form_class()
    status = 200
    if request.method == "POST":
        if survey.status == SurveyStatus.ANSWERED:
            messages.warning(request, _("This survey was already answered. The first answer stands."))
            return redirect(spec.url_name, token=token)
        form = spec.form_class(request.POST)
        if form.is_valid():
            try:
                spec.answer(survey, form)
            except services.AlreadyAnswered:
                messages.warning(request, _("This survey was already answered. The first answer stands."))
            else:
                messages.success(request, _("Thank you for your answer."))
            return redirect(spec.url_name, token=token)
        status = 400
    return render(
        request,
        spec.template,
        {"survey": survey, "form": form, "decline_form": DeclineForm()},
        status=status,
    )


@private
@require_http_methods(["GET", "POST"])
def satisfaction(request, token):
    return _survey_page(request, token, _SATISFACTION)


@private
@require_http_methods(["GET", "POST"])
def follow_up(request, token):
    return _survey_page(request, token, _FOLLOW_UP)
