"""Bulk actions of the shared inbox: each row checked and changed on its own."""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisors import access

from ..models import AdviceRequest
from .workflow import (
    InvalidAssignee,
    OriginalIsDuplicate,
    SelfDuplicate,
    StaleRequest,
    Status,
    TransitionNotAllowed,
    assign,
    mark_duplicate,
    transition,
)

# --- Bulk actions -----------------------------------------------------------------------------------


class BulkAction(models.TextChoices):
    ASSIGN = "assign", gettext_lazy("Assign")
    STATUS = "status", gettext_lazy("Change status")
    SPAM = "spam", gettext_lazy("Close as spam")
    DUPLICATE = "duplicate", gettext_lazy("Close as duplicate")


@dataclass
class BulkResult:
    """What a bulk action did: the references changed, and those refused with the reason."""

    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


_BULK_PERMISSION = {
    BulkAction.ASSIGN: access.Action.ASSIGN,
    BulkAction.STATUS: access.Action.CHANGE_STATUS,
    BulkAction.SPAM: access.Action.CHANGE_STATUS,
    BulkAction.DUPLICATE: access.Action.CHANGE_STATUS,
}


def bulk_apply(
    *,
    by,
    items: list[tuple[AdviceRequest, int]],
    action: str,
    to_status: str = "",
    organisation=None,
    advisor=None,
    duplicate_of: AdviceRequest | None = None,
) -> BulkResult:
    """Apply one action to each (request, version the advisor saw) on its own.

    Each item is checked against the access rules and its version, and changed in its own transaction,
    so one refusal never undoes the others.
    """
    result = BulkResult()
    for request, version in items:
        try:
            if not access.can(by, _BULK_PERMISSION[action], request):
                raise PermissionError
            if action == BulkAction.ASSIGN:
                assign(
                    request=request,
                    by=by,
                    expected_version=version,
                    organisation=organisation,
                    advisor=advisor,
                )
            elif action == BulkAction.STATUS:
                transition(request=request, to_status=to_status, by=by, expected_version=version)
            elif action == BulkAction.SPAM:
                transition(
                    request=request,
                    to_status=Status.CLOSED,
                    by=by,
                    expected_version=version,
                    outcome=AdviceRequest.Outcome.SPAM,
                )
            else:
                mark_duplicate(request=request, of=duplicate_of, by=by, expected_version=version)
        except PermissionError:
            result.refused.append((request.reference, _("you may not change it")))
        except StaleRequest:
            result.refused.append((request.reference, _("it changed since you opened the list")))
        except TransitionNotAllowed as refused:
            result.refused.append(
                (
                    request.reference,
                    _("it cannot move from “%(current)s” to “%(target)s”")
                    % {"current": Status(refused.current).label, "target": Status(refused.target).label},
                )
            )
        except InvalidAssignee:
            result.refused.append((request.reference, _("the organisation does not serve its region")))
        except SelfDuplicate:
            result.refused.append((request.reference, _("a request cannot duplicate itself")))
        except OriginalIsDuplicate as chained:
            result.refused.append(
                (
                    request.reference,
                    _("%(reference)s is itself a duplicate of %(original)s")
                    % {
                        "reference": chained.original.reference,
                        "original": chained.original.duplicate_of.reference,
                    },
                )
            )
        else:
            result.done.append(request.reference)
    return result
