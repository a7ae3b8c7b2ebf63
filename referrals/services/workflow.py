"""Working a request: transitions, claim, assign, priority, notes, messages, duplicates.

Each change locks the request, checks the version, writes and appends its timeline event in one transaction.
"""

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from exportcenter.errors import Stale

from .. import notices
from ..models import AdviceRequest, Attachment, RequestEvent
from . import attachments

# --- Working a request ------------------------------------------------------------------------------
#
# Every change goes through one of these functions. Each locks the request, checks the version the
# advisor's page was based on, changes it, bumps the version and appends a timeline event, in one
# transaction. Permission checks (advisors.access) are the callers' (views, API), before they call.

Status = AdviceRequest.Status

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.TRIAGED, Status.CLOSED},
    Status.TRIAGED: {Status.IN_PROGRESS, Status.CLOSED},
    Status.IN_PROGRESS: {Status.WAITING_FOR_COMPANY, Status.CLOSED},
    Status.WAITING_FOR_COMPANY: {Status.IN_PROGRESS, Status.CLOSED},
    Status.CLOSED: {Status.IN_PROGRESS},  # reopen
}


class StaleRequest(Stale):
    """The request changed since the advisor's page was loaded; nothing was written."""


class TransitionNotAllowed(Exception):
    def __init__(self, current: str, target: str):
        super().__init__(f"{current} -> {target}")
        self.current, self.target = current, target


class AlreadyClaimed(Exception):
    """Someone else took the request first."""


class SelfDuplicate(ValueError):
    """A request cannot be a duplicate of itself."""


class DuplicateNeedsOriginal(ValueError):
    """Closing as a duplicate names the request it duplicates."""


class OriginalIsDuplicate(ValueError):
    """The named original is itself closed as a duplicate: name the request it duplicates instead."""

    def __init__(self, original: AdviceRequest):
        super().__init__(original.reference)
        self.original = original


class InvalidAssignee(Exception):
    """The organisation does not serve the request's region, or the advisor is not active there."""


def _locked(request: AdviceRequest, expected_version: int | None) -> AdviceRequest:
    current = (
        AdviceRequest.objects.select_for_update(of=("self",)).select_related("region").get(pk=request.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise StaleRequest
    return current


def _event(request: AdviceRequest, kind: str, by, **fields) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request, kind=kind, actor=by, organisation=getattr(by, "organisation", None), **fields
    )


def _save(request: AdviceRequest, *fields: str) -> AdviceRequest:
    request.version += 1
    request.save(update_fields=[*fields, "version", "updated_at"])
    return request


def _stamp_first_response(request: AdviceRequest, by) -> list[str]:
    """The first message to the company, or the owner's first move out of "new", is the first response."""
    if request.first_response_at is None:
        request.first_response_at = timezone.now()
        return ["first_response_at"]
    return []


@transaction.atomic
def transition(
    *,
    request: AdviceRequest,
    to_status: str,
    by,
    expected_version: int | None,
    outcome: str = "",
    comment: str = "",
    duplicate_of: AdviceRequest | None = None,
) -> AdviceRequest:
    """Move a request along the allowed transitions; closing needs an outcome.

    Closing as a duplicate names the original (`duplicate_of`) on every path, and is `mark_duplicate`:
    the timeline moves to the original.
    """
    if to_status == Status.CLOSED and outcome == AdviceRequest.Outcome.DUPLICATE:
        return mark_duplicate(
            request=request, of=duplicate_of, by=by, expected_version=expected_version, comment=comment
        )
    if duplicate_of is not None:
        raise ValueError("Only a request closed as a duplicate names an original.")
    request = _locked(request, expected_version)
    current = request.status
    if to_status not in ALLOWED_TRANSITIONS.get(current, set()):
        raise TransitionNotAllowed(current, to_status)
    fields = ["status"]
    request.status = to_status
    if to_status == Status.CLOSED:
        if outcome not in AdviceRequest.Outcome.values:
            raise ValueError("Closing a request needs an outcome.")
        request.outcome, request.outcome_comment, request.closed_at = outcome, comment, timezone.now()
        fields += ["outcome", "outcome_comment", "closed_at"]
    elif current == Status.CLOSED:  # reopened
        request.outcome, request.outcome_comment, request.closed_at = "", "", None
        fields += ["outcome", "outcome_comment", "closed_at"]
    if current == Status.NEW and to_status != Status.CLOSED:
        fields += _stamp_first_response(request, by)
    _save(request, *fields)
    event = _event(
        request,
        RequestEvent.Kind.STATUS_CHANGED,
        by,
        body=comment,
        data={"from": current, "to": to_status, **({"outcome": outcome} if outcome else {})},
    )
    notices.status_changed(request, event, by=by)
    return request


@transaction.atomic
def claim(*, request: AdviceRequest, advisor) -> AdviceRequest:
    """The advisor takes the request ("take it"). Of two who claim at once, exactly one gets it.

    The conditional UPDATE is the arbiter: it only matches while nobody owns the request as a person.
    """
    own_or_unowned = Q(owner_organisation__isnull=True) | Q(owner_organisation_id=advisor.organisation_id)
    taken = AdviceRequest.objects.filter(own_or_unowned, pk=request.pk, owner_advisor__isnull=True).exclude(
        status=Status.CLOSED
    )
    # The UPDATE reads the old row: the organisation's clock starts only when the organisation changes.
    owner_since = Case(
        When(owner_organisation_id=advisor.organisation_id, owner_since__isnull=False, then=F("owner_since")),
        default=Value(timezone.now()),
    )
    if not taken.update(
        owner_advisor=advisor,
        owner_organisation_id=advisor.organisation_id,
        owner_since=owner_since,
        version=F("version") + 1,
    ):
        raise AlreadyClaimed
    request = AdviceRequest.objects.select_for_update().get(pk=request.pk)
    fields = []
    if request.status == Status.NEW:
        request.status = Status.TRIAGED
        fields = ["status", *_stamp_first_response(request, advisor)]
    # Saved also when only the owner changed: `updated_at` moves, and the model's signals tell the rest
    # (the dashboards' daily figures count owners).
    request.save(update_fields=[*fields, "updated_at"])
    _event(request, RequestEvent.Kind.CLAIMED, advisor)
    return request


@transaction.atomic
def assign(
    *, request: AdviceRequest, by, expected_version: int | None, organisation=None, advisor=None
) -> AdviceRequest:
    """Give the request to an organisation (its queue) or to one of its advisors."""
    if organisation is None and advisor is None:
        raise ValueError("Assign to an organisation or an advisor.")
    request = _locked(request, expected_version)
    if advisor is not None:
        if not advisor.is_active or advisor.organisation_id is None:
            raise InvalidAssignee
        organisation = advisor.organisation
    # The region's partners, or the owner itself (after a referral, a cooperating region's partner).
    serves = (
        request.region_id is None
        or organisation.pk == request.owner_organisation_id
        or organisation.regions.filter(pk=request.region_id).exists()
    )
    if not organisation.is_active or not serves:
        raise InvalidAssignee
    before = {"organisation": request.owner_organisation_id, "advisor": request.owner_advisor_id}
    fields = ["owner_organisation", "owner_advisor"]
    if organisation.pk != request.owner_organisation_id or request.owner_since is None:
        request.owner_since = timezone.now()
        fields.append("owner_since")
    request.owner_organisation, request.owner_advisor = organisation, advisor
    _save(request, *fields)
    _event(
        request,
        RequestEvent.Kind.ASSIGNED,
        by,
        data={
            "from": before,
            "to": {"organisation": organisation.pk, "advisor": getattr(advisor, "pk", None)},
            # Names as they were, so that the timeline reads without a query per event.
            "organisation_name": organisation.name,
            "advisor_name": advisor.full_name if advisor is not None else "",
        },
    )
    return request


@transaction.atomic
def set_priority(*, request: AdviceRequest, by, priority: str, expected_version: int | None) -> AdviceRequest:
    if priority not in AdviceRequest.Priority.values:
        raise ValueError(priority)
    request = _locked(request, expected_version)
    before = request.priority
    request.priority = priority
    _save(request, "priority")
    _event(request, RequestEvent.Kind.PRIORITY_CHANGED, by, data={"from": before, "to": priority})
    return request


@transaction.atomic
def add_note(
    *, request: AdviceRequest, by, body: str, visibility: str = RequestEvent.Visibility.ALL_PARTNERS
) -> RequestEvent:
    """An internal note: for all partners, or for the author's organisation only. Never shown to the SME."""
    if visibility not in RequestEvent.Visibility.values:
        raise ValueError(visibility)
    request = AdviceRequest.objects.select_for_update().get(pk=request.pk)
    return _event(request, RequestEvent.Kind.NOTE, by, body=body, visibility=visibility)


@transaction.atomic
def message_company(
    *, request: AdviceRequest, by, body: str, expected_version: int | None, files=()
) -> RequestEvent:
    """Write to the company: on its status page, and by email (through the outbox, after commit). The
    files (checked by the form) are kept before the email is written, so that it carries them."""
    request = _locked(request, expected_version)
    fields = _stamp_first_response(request, by)
    _save(request, *fields)
    event = _event(request, RequestEvent.Kind.MESSAGE_TO_COMPANY, by, body=body)
    if files:
        attachments.store(request=request, event=event, files=files, source=Attachment.Source.ADVISOR, by=by)
    notices.message_to_company(request, event)
    return event


@transaction.atomic
def mark_duplicate(
    *, request: AdviceRequest, of: AdviceRequest | None, by, expected_version: int | None, comment: str = ""
) -> AdviceRequest:
    """Close `request` as a duplicate of `of`. Its timeline moves onto `of`; nothing is lost.

    The original must be another request that is not itself a duplicate (so chains never form).
    """
    if of is None:
        raise DuplicateNeedsOriginal
    if request.pk == of.pk:
        raise SelfDuplicate
    original = (
        AdviceRequest.objects.select_for_update(of=("self",)).select_related("duplicate_of").get(pk=of.pk)
    )
    if original.duplicate_of_id is not None:
        raise OriginalIsDuplicate(original)
    request = _locked(request, expected_version)
    if request.status == Status.CLOSED:
        raise TransitionNotAllowed(request.status, Status.CLOSED)
    moved = RequestEvent.objects.filter(request=request).update(request=original)
    original.needs.add(*request.needs.all())
    request.duplicate_of = original
    request.status, request.outcome, request.outcome_comment, request.closed_at = (
        Status.CLOSED,
        AdviceRequest.Outcome.DUPLICATE,
        comment,
        timezone.now(),
    )
    _save(request, "duplicate_of", "status", "outcome", "outcome_comment", "closed_at")
    _event(
        request,
        RequestEvent.Kind.MERGED,
        by,
        body=comment,
        data={"into": original.reference, "moved_events": moved},
    )
    _event(original, RequestEvent.Kind.MERGED, by, data={"from": request.reference, "moved_events": moved})
    _save(original)
    return request
