"""Export outcomes: the advisor's form and detail page, and the company's confirmation page (signed link)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from advisors import access
from advisors.access import Action
from advisors.models import Organisation
from companies import selectors as company_selectors
from exportcenter.errors import Stale, add_form_errors

from .. import links
from ..forms.outcomes import ConfirmOutcomeForm, DeclineOutcomeForm, OutcomeForm
from ..models import ExportOutcome
from ..selectors import outcomes as selectors
from ..services import outcomes as services
from . import link_not_found, private


def _tell_about_asking(request, result) -> None:
    if result is None:
        return
    if result == services.Asked.ASKED:
        messages.info(request, _("We have emailed the company a link to confirm the outcome."))
    else:
        messages.warning(request, services.asked_message(result))


def _outcome_form(request, company, *, data=None, initial=None):
    return OutcomeForm(
        data,
        initial=initial,
        contacts=company.contacts.filter(anonymised_at__isnull=True).order_by("-is_primary", "name"),
        partners=services.partner_choices(company),
        all_partners=Organisation.objects.active(),
        offered=selectors.linkable(request.user, company),
        lookups=selectors.link_querysets(request.user),
    )


def _outcome_or_404(user, public_id) -> ExportOutcome:
    outcome = selectors.outcome_detail(user, public_id)
    if outcome is None:
        raise Http404
    return outcome


def _outcome_form_page(request, form, *, company, outcome, save, done: str):
    """The advisor's outcome form: on a valid POST `save()` (services' (outcome, asked)); a stale version or
    a ValidationError goes back onto the form (status 400)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved, asked = save()
        except Stale:
            form.add_error(
                None,
                _("This outcome changed since you opened it. Reload the page and make your changes again."),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, done)
            _tell_about_asking(request, asked)
            return redirect("effects:outcome_detail", public_id=saved.public_id)
    return render(
        request,
        "effects/outcomes/form.html",
        {"form": form, "company": company, "outcome": outcome},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_create(request, company_id):
    company = company_selectors.company_or_404(request.user, company_id)
    access.require(request.user, Action.CREATE, ExportOutcome(company=company))
    initial = {"partners": [request.user.organisation_id]} if request.user.organisation_id else {}
    form = _outcome_form(request, company, data=request.POST or None, initial=initial)
    return _outcome_form_page(
        request,
        form,
        company=company,
        outcome=None,
        save=lambda: services.record_outcome(company=company, by=request.user, data=form.outcome_data()),
        done=_("The export outcome was recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request, public_id):
    outcome = _outcome_or_404(request.user, public_id)
    access.require(request.user, Action.CHANGE, outcome)
    company = outcome.company
    form = _outcome_form(
        request, company, data=request.POST or None, initial=OutcomeForm.initial_for(outcome)
    )
    return _outcome_form_page(
        request,
        form,
        company=company,
        outcome=outcome,
        save=lambda: services.update_outcome(
            outcome=outcome,
            by=request.user,
            data=form.outcome_data(),
            expected_version=form.cleaned_data.get("version") or 0,
        ),
        done=_("The changes were saved."),
    )


@login_required
def outcome_detail(request, public_id):
    outcome = _outcome_or_404(request.user, public_id)
    return render(
        request,
        "effects/outcomes/detail.html",
        {
            "outcome": outcome,
            "company": outcome.company,
            "can_change": access.can(request.user, Action.CHANGE, outcome),
            "expires_at": services.expires_at(outcome),
            "corrected_labels": [
                str(ExportOutcome._meta.get_field(name).verbose_name)
                for name in outcome.corrected_fields
                if name in services.FACT_FIELDS
            ],
            "not_asked": services.asked_message(services._why_not_asked(outcome.contact))
            if outcome.status == ExportOutcome.Status.PENDING and outcome.asked_at is None
            else "",
        },
    )


@login_required
@require_POST
def outcome_ask(request, public_id):
    """Ask the company (again) for a waiting outcome it was not asked about: a contact got an email."""
    outcome = _outcome_or_404(request.user, public_id)
    access.require(request.user, Action.CHANGE, outcome)
    if outcome.status == ExportOutcome.Status.PENDING:
        _tell_about_asking(request, services.ask_company(outcome))
    return redirect("effects:outcome_detail", public_id=outcome.public_id)


# --- The company's side: no account, the signed link is the key -----------------------------------------


def _answered(request, outcome, *, just_now: bool):
    return render(
        request,
        "effects/outcomes/answered.html",
        {"outcome": outcome, "just_now": just_now, "company": outcome.company},
    )


def _round_of(token: str) -> int:
    return links.read_token(services.LINK_PURPOSE, token)[1]


def _confirm_page(request, outcome, form, decline_form, status=200):
    return render(
        request,
        "effects/outcomes/confirm.html",
        {
            "outcome": outcome,
            "company": outcome.company,
            "form": form,
            "decline_form": decline_form,
            "expires_at": services.expires_at(outcome),
        },
        status=status,
    )


def _company_answers(request, outcome, token: str, form, answer):
    """Run the company's `answer` (confirm or decline): the thanks page, the 404 for a link gone, the first
    answer for a second one; or None with the errors on `form`."""
    try:
        answer()
    except services.LinkGone:
        return link_not_found(request)
    except services.AlreadyAnswered:
        return _answered(request, outcome, just_now=False)
    except ValidationError as error:
        add_form_errors(form, error)
        return None
    return redirect("effects:outcome_thanks", token=token)


@private
@require_http_methods(["GET", "POST"])
def outcome_confirm(request, token):
    outcome = services.outcome_for_token(token)
    if outcome is None:
        return link_not_found(request)
    if outcome.status != ExportOutcome.Status.PENDING:
        return _answered(request, outcome, just_now=False)
    partners = [link.organisation for link in outcome.partner_links.select_related("organisation")]
    form = ConfirmOutcomeForm(
        request.POST or None, initial=ConfirmOutcomeForm.initial_for(outcome), partners=partners
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answer = services.Answer(
            facts={name: data[name] for name in services.FACT_FIELDS},
            support_meaning=data["support_meaning"],
            without_support=data["without_support"],
            ratings=form.ratings(),
            case_study_allowed=data["case_study_allowed"] == "yes",
            comment=data["comment"],
        )
        done = _company_answers(
            request,
            outcome,
            token,
            form,
            lambda: services.confirm_by_company(outcome=outcome, round_=_round_of(token), answer=answer),
        )
        if done is not None:
            return done
    return _confirm_page(
        request, outcome, form, DeclineOutcomeForm(prefix="decline"), status=400 if form.errors else 200
    )


@private
@require_POST
def outcome_decline(request, token):
    outcome = services.outcome_for_token(token)
    if outcome is None:
        return link_not_found(request)
    if outcome.status != ExportOutcome.Status.PENDING:
        return _answered(request, outcome, just_now=False)
    decline_form = DeclineOutcomeForm(request.POST, prefix="decline")
    if decline_form.is_valid():
        done = _company_answers(
            request,
            outcome,
            token,
            decline_form,
            lambda: services.decline_by_company(
                outcome=outcome, round_=_round_of(token), comment=decline_form.cleaned_data["comment"]
            ),
        )
        if done is not None:
            return done
    partners = [link.organisation for link in outcome.partner_links.select_related("organisation")]
    form = ConfirmOutcomeForm(initial=ConfirmOutcomeForm.initial_for(outcome), partners=partners)
    return _confirm_page(request, outcome, form, decline_form, status=400)


@private
def outcome_thanks(request, token):
    outcome = services.outcome_for_token(token)
    if outcome is None or outcome.status == ExportOutcome.Status.PENDING:
        return link_not_found(request)
    return _answered(request, outcome, just_now=True)
