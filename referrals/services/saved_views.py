"""Saved inbox views: a name for a set of inbox filters, personal or shared with one's organisation."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from ..filters import RequestFilter
from ..models import InboxView, SavedView

__all__ = ["clean_saved_query", "create_saved_view", "delete_saved_view"]

# Never kept in a saved view: the standard view has its own field, and a page or a search key is fleeting.
SAVED_VIEW_EXCLUDED_PARAMS = ("view", "page", "search", "saved")


def clean_saved_query(query: str) -> str:
    """Only the inbox's own filters are kept (never a session-held search key or a page number)."""
    params = QueryDict(query[:1000], mutable=True)
    for key in list(params):
        if key in SAVED_VIEW_EXCLUDED_PARAMS or key not in RequestFilter.base_filters:
            params.pop(key)
    return params.urlencode()[:1000]


def create_saved_view(*, owner, name: str, view: str, query: str = "", is_shared: bool = False) -> SavedView:
    """Save a view for `owner`; a shared one is seen by the owner's organisation."""
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = _("Give the view a name.")
    elif len(name) > 80:
        errors["name"] = _("At most 80 characters.")
    elif SavedView.objects.filter(owner=owner, name__iexact=name).exists():
        errors["name"] = _("You already have a view with this name.")
    if view not in InboxView.values:
        errors["view"] = _("Choose one of the inbox's views.")
    if is_shared and owner.organisation_id is None:
        errors["is_shared"] = _("Only a member of an organisation can share a view.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=owner,
                organisation_id=owner.organisation_id,
                name=name,
                view=view,
                query=clean_saved_query(query),
                is_shared=is_shared,
            )
    except IntegrityError:  # the same name sent twice at once
        raise ValidationError({"name": _("You already have a view with this name.")}) from None


def delete_saved_view(*, saved: SavedView) -> None:
    saved.delete()
