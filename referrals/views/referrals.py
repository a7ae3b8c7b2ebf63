"""Referrals between partners: the "Referrals" lists (to us, from us) and the answers to a referral
(accept, decline, withdraw), on the list and on the request page. Referring a request is one of the
request page's actions (`inbox.request_action`); `referral_panel` builds that page's referral panel.

Plain posts redirect with a message; with htmx the changed part is swapped: the request's workspace, or
the list's row.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from advisors import access
from exportcenter.errors import Stale
from exportcenter.pagination import paginate

from .. import selectors, services
from ..models import Referral
from . import inbox
from .referral_panel import REFERRAL_ACTIONS, answer_forms, referral_form

STALE_REFERRAL_TEXT = gettext_lazy(
    "This referral changed since you opened it. Nothing was saved: check it, then send again if it still "
    "applies. Your text is kept."
)


# --- The referral lists --------------------------------------------------------------------------------


def _list_params(request) -> tuple[str, str]:
    directions = selectors.referral_directions(request.user)
    direction = request.GET.get("direction") or directions[0]
    if direction not in directions:
        direction = directions[0]
    status = request.GET.get("status", "")
    if status not in Referral.Status.values:
        status = ""
    return direction, status


def _list_context(request, direction: str, status: str, bound=None) -> dict[str, Any]:
    page = paginate(request, selectors.referrals_for(request.user, direction=direction, status=status))
    counts = selectors.pending_counts(request.user)
    query = f"direction={direction}" + (f"&status={status}" if status else "")
    return {
        "direction": direction,
        "status": status,
        "directions": [
            (value, label, counts[value])
            for value, label in selectors.ReferralDirection.choices
            if value in counts
        ],
        "statuses": Referral.Status.choices,
        "count_cap": selectors.VIEW_COUNT_CAP,
        "page": page,
        "rows": answer_forms(request.user, list(page.object_list), bound),
        "query": query,
    }


@login_required
def referral_list(request):
    """ "Referrals to us" and "Referrals from us" (and, for regional staff, all in their regions)."""
    direction, status = _list_params(request)
    return render(request, "referrals/referrals.html", _list_context(request, direction, status))


# --- Answering a referral ------------------------------------------------------------------------------


def _success_text(action: str, referral: Referral) -> str:
    names = {"reference": referral.request.reference, "organisation": referral.to_organisation.name}
    if action == "accept":
        if referral.is_whole_request:
            return _("You accepted %(reference)s: it is now your organisation's request.") % names
        return _("You accepted to help with %(reference)s.") % names
    if action == "decline":
        return _("You declined the referral of %(reference)s; the sender sees your reason.") % names
    return _("The referral of %(reference)s to %(organisation)s was withdrawn.") % names


def _not_pending_text(status: str) -> str:
    return {
        Referral.Status.ACCEPTED: _("This referral has already been accepted. Nothing was changed."),
        Referral.Status.DECLINED: _("This referral has already been declined. Nothing was changed."),
        Referral.Status.WITHDRAWN: _("This referral has been withdrawn. Nothing was changed."),
    }.get(status, _("This referral is no longer waiting for an answer. Nothing was changed."))


def _answer(user, action: str, referral: Referral, data: dict[str, Any]) -> Referral:
    if action == "accept":
        return services.accept_referral(
            referral=referral, by=user, advisor=data.get("advisor"), expected_version=data["version"]
        )
    if action == "decline":
        return services.decline_referral(
            referral=referral, by=user, reason=data["reason"], expected_version=data["version"]
        )
    return services.withdraw_referral(referral=referral, by=user, expected_version=data["version"])


@login_required
@require_POST
def referral_action(request, public_id, action):
    """Accept, decline or withdraw. `from=request` answers with the request page, else with the list."""
    if action not in REFERRAL_ACTIONS:
        raise Http404
    referral = selectors.referral_detail(request.user, public_id)
    if referral is None:
        raise Http404
    access.require(request.user, REFERRAL_ACTIONS[action][0], referral)
    form = referral_form(action, request.user, referral, data=request.POST)
    problem, status = None, 400
    if form.is_valid():
        try:
            referral = _answer(request.user, action, referral, form.cleaned_data)
        except Stale:
            problem, status = STALE_REFERRAL_TEXT, 409
        except services.ReferralNotPending as answered:
            problem, status = _not_pending_text(answered.status), 409
        except services.ReferralRefused as refused:
            problem, status = refused.message, 409
        except services.InvalidAssignee:
            form.add_error("advisor", _("Choose an active advisor of your organisation."))
        else:
            return _after(request, referral, _success_text(action, referral))
    elif "version" in form.errors:
        problem, status = inbox.RELOAD_TEXT, 409
    # Show the form again with what was typed, on the referral as it is now (with its current version).
    referral = selectors.referral_detail(request.user, public_id)
    if problem:
        data = form.data.copy()
        data["version"] = referral.version
        form = referral_form(action, request.user, referral, data=data)
        form.is_valid()
    return _again(request, referral, {(action, referral.pk): form}, problem, status)


def _from_request_page(request) -> bool:
    return request.POST.get("from") == "request"


def _list_url(request) -> str:
    return f"{reverse('referrals:referrals')}?{request.POST.get('return_query', '')[:500]}"


def _to_the_list(request, text: str, level=messages.SUCCESS):
    """Back to "Referrals to us": after declining, another region's partner no longer sees the request."""
    messages.add_message(request, level, text)
    url = f"{reverse('referrals:referrals')}?direction=to_us"
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


def _after(request, referral: Referral, text: str):
    if _from_request_page(request):
        advice_request = selectors.request_detail(request.user, referral.request.public_id)
        if advice_request is None:
            return _to_the_list(request, text)
        return inbox.after_action(request, advice_request, text)
    if request.htmx:
        return _row(request, referral, notice=text)
    messages.success(request, text)
    return HttpResponseRedirect(_list_url(request))


def _again(request, referral: Referral, bound, problem, status):
    if _from_request_page(request):
        advice_request = selectors.request_detail(request.user, referral.request.public_id)
        if advice_request is None:
            return _to_the_list(request, problem or _("The referral could not be answered."), messages.ERROR)
        return inbox.show_again(request, advice_request, bound, problem, status)
    if request.htmx:
        return _row(request, referral, bound=bound, problem=problem)
    direction, status_filter = _list_params_from_query(request)
    context = {**_list_context(request, direction, status_filter, bound), "problem": problem}
    return render(request, "referrals/referrals.html", context, status=status)


def _list_params_from_query(request) -> tuple[str, str]:
    """The list the form was posted from (its query string travels in `return_query`)."""
    params = QueryDict(request.POST.get("return_query", "")[:500])
    directions = selectors.referral_directions(request.user)
    direction = params.get("direction") if params.get("direction") in directions else directions[0]
    status = params.get("status") if params.get("status") in Referral.Status.values else ""
    return direction, status


def _row(request, referral: Referral, *, bound=None, notice=None, problem=None):
    """One row of the list again, for htmx."""
    fresh = selectors.referral_detail(request.user, referral.public_id)
    (row,) = answer_forms(request.user, [fresh], bound)
    return render(
        request,
        "referrals/partials/referral_row.html",
        {
            "row": row,
            "row_notice": notice,
            "row_problem": problem,
            "return_query": request.POST.get("return_query", "")[:500],
        },
    )
