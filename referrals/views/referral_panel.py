"""The request page's referral panel: routing suggestions, the referral chain with the answers the user may
give, co-handlers and the referral forms. Used by the request page (`inbox`) and the referral lists."""

from typing import Any

from advisors import access
from advisors.access import Action

from .. import routing, selectors
from ..forms import AcceptReferralForm, DeclineReferralForm, WithdrawReferralForm
from ..models import AdviceRequest, Referral

# action: (the access it needs, its form)
REFERRAL_ACTIONS = {
    "accept": (Action.ACCEPT, AcceptReferralForm),
    "decline": (Action.DECLINE, DeclineReferralForm),
    "withdraw": (Action.WITHDRAW, WithdrawReferralForm),
}

# --- The request page's referral panel ---------------------------------------------------------------


class _Advisors(dict):
    """The active people of each receiving organisation, read once per page (not once per referral)."""

    def __missing__(self, organisation_id):
        self[organisation_id] = list(selectors.organisation_advisors(organisation_id))
        return self[organisation_id]


def referral_form(action: str, user, referral: Referral, data=None, advisors=None):
    form_class = REFERRAL_ACTIONS[action][1]
    kwargs: dict[str, Any] = {
        "initial": {"version": referral.version},
        "auto_id": f"id_{action}_{referral.public_id.hex}_%s",
    }
    if action == "accept":
        kwargs["advisors"] = (advisors if advisors is not None else _Advisors())[referral.to_organisation_id]
    return form_class(data, **kwargs)


def answer_forms(user, referrals: list[Referral], bound: dict | None = None) -> list[dict[str, Any]]:
    """Each referral with what the user may do to it and the forms for that; `bound` ({(action, pk): form})
    replaces a form that came back with errors."""
    bound = bound or {}
    advisors = _Advisors()
    rows = []
    for referral in referrals:
        may = {
            action: referral.is_pending and access.can(user, permission, referral)
            for action, (permission, _form_class) in REFERRAL_ACTIONS.items()
        }
        forms = {
            action: bound.get((action, referral.pk))
            or referral_form(action, user, referral, advisors=advisors)
            for action, allowed in may.items()
            if allowed
        }
        rows.append({"referral": referral, "may": may, "forms": forms})
    return rows


def workspace_context(
    user, advice_request: AdviceRequest, *, may_assign: bool, bound=None, partners=None
) -> dict[str, Any]:
    """The request page's routing suggestions, referral chain, co-handlers and referral forms. `partners`:
    `selectors.request_partners(advice_request)`, when the page has read them."""
    may_refer = access.can(user, Action.REFER, advice_request)
    referral_bound = {key: form for key, form in (bound or {}).items() if isinstance(key, tuple)}
    return {
        "suggestions": routing.suggestions_for(advice_request, partners),
        "may_route": may_assign
        and advice_request.owner_organisation_id is None
        and not advice_request.is_closed,
        "may_refer": may_refer,
        "referrals": answer_forms(user, selectors.request_referrals(user, advice_request), referral_bound),
        "co_handlers": selectors.co_handlers(advice_request),
        "sender": advice_request.owner_organisation or user.organisation,
    }
