from django.utils.functional import SimpleLazyObject

from . import selectors
from .templatetags.request_tags import capped


def _waiting(user) -> dict:
    count = selectors.waiting_for_organisation(user)
    return {"count": count, "label": capped(count, selectors.VIEW_COUNT_CAP)}


def menu(request):
    """The menu's count of referrals waiting for the user's organisation: one query, only when shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"referrals_waiting": SimpleLazyObject(lambda: _waiting(user))}
