"""State changes of advice requests. Each writes its timeline event in the same transaction."""

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisors import access
from advisors.selectors import region_for_county
from companies import services as company_services
from companies.models import Company, CompanyEvent, CompanySource, Contact
from exportcenter.workdays import end_of_next_working_day, local_date, one_working_day_after

from . import notices
from .models import AdviceRequest, CoHandling, ReferenceCounter, Referral, RequestEvent


def next_reference(year: int) -> tuple[int, str]:
    """The next number of the year, e.g. (123, "EC-2026-000123"). Call inside a transaction.

    The year's counter row is locked until the transaction ends, so concurrent submissions queue
    for it and every number is given out once, in order.
    """
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"EC-{year}-{counter.last_number:06d}"


@dataclass
class Submission:
    """A validated "help me export" form, as the intake service takes it."""

    org_number: str | None
    legal_form: str
    company_name: str
    municipality: Any
    website: str
    employee_band: str
    sells: str
    export_experience: str
    export_countries: list[str]
    needs: list[Any]
    target_markets: list[str]
    description: str
    contact_name: str
    contact_email: str
    contact_phone: str
    language: str
    preferred_contact_method: str
    idempotency_key: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def company_profile(self) -> dict[str, Any]:
        """What the SME says about its company, kept on the request and compared with the register."""
        return {
            "org_number": self.org_number or "",
            "name": self.company_name,
            "municipality": self.municipality.pk,
            "website": self.website,
            "employee_band": self.employee_band,
            "export_experience": self.export_experience,
            "export_countries": sorted(self.export_countries),
        }


def _company_for(submission: Submission) -> Company:
    """The registered company with this number, or a new one. Advisors' data is never overwritten."""
    existing = company_services.existing_company_for(submission.org_number)
    if existing is not None:
        return existing
    data = {
        "org_number": submission.org_number,
        "legal_form": submission.legal_form,
        "name": submission.company_name,
        "municipality": submission.municipality,
        "website": submission.website,
        "employee_band": submission.employee_band,
        "export_experience": submission.export_experience,
        "export_countries": submission.export_countries,
        "target_markets": submission.target_markets,
    }
    try:
        return company_services.register_company(by=None, data=data, source=CompanySource.WEB_REQUEST)
    except company_services.DuplicateCompany as duplicate:  # registered a moment ago by someone else
        return duplicate.existing


def _contact_for(company: Company, submission: Submission) -> Contact:
    contact = company.contacts.filter(email__iexact=submission.contact_email).first()
    if contact is not None:
        return contact
    return company_services.add_contact(
        company=company,
        by=None,
        data={
            "name": submission.contact_name,
            "email": submission.contact_email,
            "phone": submission.contact_phone,
            "preferred_language": submission.language,
            "legal_basis": Contact.LegalBasis.PUBLIC_TASK,
            "source": CompanySource.WEB_REQUEST,
        },
    )


def submit_request(*, submission: Submission) -> AdviceRequest:
    """Receive a "help me export" request: all of it, or nothing, in one transaction.

    A second submission with the same idempotency key (a double click, a resent POST) returns the first
    request. The confirmation to the SME and the triage email are written to the outbox in the same
    transaction, so a broker or mail-server outage delays them but never loses them.
    """
    if (existing := already_submitted(submission)) is not None:
        return existing
    key = _idempotency_key(submission)
    try:
        with transaction.atomic():
            return _create_request(submission, key)
    except IntegrityError:
        existing = AdviceRequest.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing


def already_submitted(submission: Submission) -> AdviceRequest | None:
    """The request this very form already created (a double click or a resent POST), if any."""
    key = _idempotency_key(submission)
    return AdviceRequest.objects.filter(idempotency_key=key).first() if key else None


def _idempotency_key(submission: Submission) -> str | None:
    """The form's one-time id bound to the sender's email: a copied id opens nobody else's request."""
    if not submission.idempotency_key:
        return None
    bound = f"{submission.idempotency_key}:{submission.contact_email.strip().lower()}"
    return hashlib.sha256(bound.encode()).hexdigest()


def _create_request(submission: Submission, key: str | None) -> AdviceRequest:
    now = timezone.now()
    company = _company_for(submission)
    contact = _contact_for(company, submission)
    year = local_date(now).year
    number, reference = next_reference(year)
    request = AdviceRequest.objects.create(
        reference=reference,
        year=year,
        number=number,
        channel=AdviceRequest.Channel.WEB,
        region=region_for_county(submission.municipality.county_id),
        company=company,
        contact=contact,
        target_markets=submission.target_markets,
        description=submission.description,
        sells=submission.sells,
        language=submission.language,
        preferred_contact_method=submission.preferred_contact_method,
        submitted=submission.company_profile(),
        first_response_due_at=end_of_next_working_day(now),
        idempotency_key=key,
    )
    request.needs.set(submission.needs)
    RequestEvent.objects.create(
        request=request, kind=RequestEvent.Kind.CREATED, data={"channel": request.channel}
    )
    notices.confirmation_to_company(request)
    notices.new_request(request)
    return request


@transaction.atomic
def reply_from_company(*, request: AdviceRequest, body: str) -> RequestEvent:
    """The SME writes on its status page. It lands on the timeline; the owner (or triage) is told."""
    request = AdviceRequest.objects.select_for_update().get(pk=request.pk)
    event = RequestEvent.objects.create(
        request=request, kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY, body=body
    )
    if request.status == AdviceRequest.Status.WAITING_FOR_COMPANY:
        request.status = AdviceRequest.Status.IN_PROGRESS
        request.version += 1
        request.save(update_fields=["status", "version", "updated_at"])
        RequestEvent.objects.create(
            request=request,
            kind=RequestEvent.Kind.STATUS_CHANGED,
            data={"from": AdviceRequest.Status.WAITING_FOR_COMPANY, "to": AdviceRequest.Status.IN_PROGRESS},
        )
    notices.company_replied(request, event)
    return event


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


class StaleRequest(Exception):
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
    if fields:
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
def message_company(*, request: AdviceRequest, by, body: str, expected_version: int | None) -> RequestEvent:
    """Write to the company: on its status page, and by email (through the outbox, after commit)."""
    request = _locked(request, expected_version)
    fields = _stamp_first_response(request, by)
    _save(request, *fields)
    event = _event(request, RequestEvent.Kind.MESSAGE_TO_COMPANY, by, body=body)
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


# --- Deadlines --------------------------------------------------------------------------------------


def record_missed_deadlines(*, now=None, limit: int = 1000) -> int:
    """Write a "deadline missed" event, once, on each open request whose first response is overdue.

    The conditional UPDATE claims each request, so two sweeps never write the event twice.
    """
    now = now or timezone.now()
    overdue = (
        AdviceRequest.objects.filter(
            first_response_at__isnull=True, first_response_due_at__lt=now, deadline_missed_at__isnull=True
        )
        .exclude(status=Status.CLOSED)
        .order_by("first_response_due_at")
        .values_list("pk", "first_response_due_at")[:limit]
    )
    written = 0
    for pk, due in overdue:
        with transaction.atomic():
            if AdviceRequest.objects.filter(pk=pk, deadline_missed_at__isnull=True).update(
                deadline_missed_at=now
            ):
                RequestEvent.objects.create(
                    request_id=pk, kind=RequestEvent.Kind.DEADLINE_MISSED, data={"due": due.isoformat()}
                )
                notices.deadline_missed(
                    AdviceRequest.objects.select_related(
                        "company", "region__operator", "owner_organisation", "owner_advisor"
                    ).get(pk=pk)
                )
                written += 1
    return written


# --- Referrals between partners ----------------------------------------------------------------------
#
# The owner (or, before anyone owns it, whoever handles it) refers the request, or some of its needs, to
# another partner, in its region or a cooperating one. The receiver accepts or declines; the sender or
# the owner may withdraw while it waits. Each function locks the request and then the referral (always in
# that order, so two of them never deadlock), checks, changes, bumps the versions and appends the events
# to the request's and the company's timelines, in one transaction. Permission checks are the callers'.

RStatus = Referral.Status


class ReferralRefused(Exception):
    """The referral cannot be sent (or accepted) like this; `message` says why, for people."""

    SAME_ORGANISATION = "same_organisation"
    INACTIVE_ORGANISATION = "inactive_organisation"
    REQUEST_CLOSED = "request_closed"
    UNKNOWN_NEEDS = "unknown_needs"
    ALREADY_PENDING = "already_pending"
    WHOLE_REQUEST_PENDING = "whole_request_pending"
    NO_SENDER = "no_sender"

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return {
            self.SAME_ORGANISATION: _("A request cannot be referred to the organisation that has it."),
            self.INACTIVE_ORGANISATION: _("This organisation is no longer active."),
            self.REQUEST_CLOSED: _("The request is closed. Reopen it first."),
            self.UNKNOWN_NEEDS: _("Choose needs of this request."),
            self.ALREADY_PENDING: _("This organisation already has a referral of the request to answer."),
            self.WHOLE_REQUEST_PENDING: _(
                "The whole request is already referred and waiting for an answer. "
                "Withdraw that referral first."
            ),
            self.NO_SENDER: _("Only a partner organisation can refer a request."),
        }[self.code]


class ReferralNotPending(Exception):
    """The referral was answered or withdrawn already (perhaps a moment ago, by someone else)."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


class StaleReferral(Exception):
    """The referral changed since the page or client read it; nothing was written."""


class DeclineNeedsReason(ValueError):
    """A referral is declined with a reason, which goes back to the sender."""


@dataclass(frozen=True)
class Consent:
    """The company's agreement that its information is shared with the receiving organisation.

    Having one is the confirmation; `method` (a `Referral.ConsentMethod`) and `details` say how and when.
    """

    method: str
    details: str = ""

    def __post_init__(self):
        if self.method not in Referral.ConsentMethod.values:
            raise ValueError(f"Unknown consent method: {self.method}")


def _locked_referral(referral: Referral, expected_version: int | None) -> tuple[AdviceRequest, Referral]:
    request = _locked(AdviceRequest(pk=referral.request_id), None)
    current = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("from_organisation", "to_organisation", "created_by")
        .get(pk=referral.pk)
    )
    current.request = request
    if current.status != RStatus.PENDING:  # says more than "stale": it was answered or withdrawn
        raise ReferralNotPending(current.status)
    if expected_version is not None and current.version != expected_version:
        raise StaleReferral
    return request, current


def _referral_data(referral: Referral, needs=None) -> dict[str, Any]:
    """What a timeline event keeps of a referral: ids and names as they were (no query per event)."""
    needs = list(referral.needs.all()) if needs is None else needs
    return {
        "referral": str(referral.public_id),
        "from": referral.from_organisation.slug,
        "to": referral.to_organisation.slug,
        "from_name": referral.from_organisation.name,
        "to_name": referral.to_organisation.name,
        "scope": referral.scope,
        "needs": [need.slug for need in needs],
    }


def _company_event(referral: Referral, kind: str, by) -> CompanyEvent:
    """The chain on the company's timeline. Its summary (a reference and names) reads in every language."""
    request = referral.request
    return CompanyEvent.objects.create(
        company_id=request.company_id,
        kind=kind,
        actor=by,
        summary=f"{request.reference}: {referral.from_organisation.name} → {referral.to_organisation.name}"[
            :500
        ],
        data={
            "request": str(request.public_id),
            "referral": str(referral.public_id),
            "status": referral.status,
        },
    )


@transaction.atomic
def refer_request(
    *,
    request: AdviceRequest,
    to_organisation,
    by,
    needs,
    note: str,
    consent: Consent,
    expected_version: int | None,
) -> Referral:
    """Refer the request to another partner: the whole request (no `needs`), or the given needs of it.

    It is sent from the request's owner, or, before anyone owns it, from the referrer's organisation. The
    receiver has one Swedish working day to answer (`exportcenter.workdays.one_working_day_after`).
    """
    if not isinstance(consent, Consent):
        raise ValueError("A referral needs the company's consent.")
    request = _locked(request, expected_version)
    if request.is_closed:
        raise ReferralRefused(ReferralRefused.REQUEST_CLOSED)
    from_organisation = request.owner_organisation or getattr(by, "organisation", None)
    if from_organisation is None:
        raise ReferralRefused(ReferralRefused.NO_SENDER)
    if to_organisation.pk == from_organisation.pk:
        raise ReferralRefused(ReferralRefused.SAME_ORGANISATION)
    if not to_organisation.is_active:
        raise ReferralRefused(ReferralRefused.INACTIVE_ORGANISATION)
    needs = sorted(set(needs or []), key=lambda need: (need.position, need.slug))
    if needs and not {need.pk for need in needs} <= set(request.needs.values_list("pk", flat=True)):
        raise ReferralRefused(ReferralRefused.UNKNOWN_NEEDS)
    scope = Referral.Scope.NEEDS if needs else Referral.Scope.WHOLE
    pending = Referral.objects.filter(request=request, status=RStatus.PENDING)
    if pending.filter(to_organisation=to_organisation).exists():
        raise ReferralRefused(ReferralRefused.ALREADY_PENDING)
    if scope == Referral.Scope.WHOLE and pending.filter(scope=Referral.Scope.WHOLE).exists():
        raise ReferralRefused(ReferralRefused.WHOLE_REQUEST_PENDING)
    try:
        with transaction.atomic():  # the unique constraints back the checks above
            referral = Referral.objects.create(
                request=request,
                from_organisation=from_organisation,
                to_organisation=to_organisation,
                created_by=by,
                scope=scope,
                note=note,
                consent_confirmed=True,
                consent_method=consent.method,
                consent_details=consent.details,
                due_at=one_working_day_after(timezone.now()),
            )
    except IntegrityError:
        raise ReferralRefused(ReferralRefused.ALREADY_PENDING) from None
    referral.needs.set(needs)
    _save(request)
    _event(
        request,
        RequestEvent.Kind.REFERRED,
        by,
        body=note,
        referral=referral,
        data={
            **_referral_data(referral, needs),
            "due": referral.due_at.isoformat(),
            "consent_method": consent.method,
            "consent_details": consent.details,
        },
    )
    _company_event(referral, CompanyEvent.Kind.REFERRED, by)
    notices.referral_received(referral)
    return referral


@transaction.atomic
def accept_referral(*, referral: Referral, by, advisor=None, expected_version: int | None = None) -> Referral:
    """The receiver takes it on, optionally naming one of its advisors.

    The whole request: the receiver becomes the owner (its queue, or the advisor) and the clock of
    "the right partner" stops (`owner_since`). Selected needs: the receiver co-handles them; the owner stays.
    """
    request, referral = _locked_referral(referral, expected_version)
    if request.is_closed:
        raise ReferralRefused(ReferralRefused.REQUEST_CLOSED)
    if advisor is not None and (
        not advisor.is_active or advisor.organisation_id != referral.to_organisation_id
    ):
        raise InvalidAssignee
    now = timezone.now()
    referral.status, referral.answered_at, referral.answered_by, referral.advisor = (
        RStatus.ACCEPTED,
        now,
        by,
        advisor,
    )
    referral.version += 1
    referral.save(update_fields=["status", "answered_at", "answered_by", "advisor", "version", "updated_at"])
    needs = list(referral.needs.all())
    data = {**_referral_data(referral, needs), "advisor_name": advisor.full_name if advisor else ""}
    if referral.is_whole_request:
        data["owner_before"] = {
            "organisation": request.owner_organisation_id,
            "advisor": request.owner_advisor_id,
        }
        request.owner_organisation, request.owner_advisor = referral.to_organisation, advisor
        request.owner_since = now
        _save(request, "owner_organisation", "owner_advisor", "owner_since")
    else:
        CoHandling.objects.bulk_create(
            [
                CoHandling(
                    request=request, organisation=referral.to_organisation, need=need, referral=referral
                )
                for need in needs
            ],
            ignore_conflicts=True,
        )
        _save(request)
    _event(request, RequestEvent.Kind.REFERRAL_ACCEPTED, by, referral=referral, data=data)
    _company_event(referral, CompanyEvent.Kind.REFERRAL_ACCEPTED, by)
    notices.referral_answered(referral, by=by)
    return referral


@transaction.atomic
def decline_referral(*, referral: Referral, by, reason: str, expected_version: int | None = None) -> Referral:
    """The receiver says no, with a reason. The request goes back to the sender, who is told why."""
    reason = (reason or "").strip()
    if not reason:
        raise DeclineNeedsReason("A referral is declined with a reason.")
    request, referral = _locked_referral(referral, expected_version)
    referral.status, referral.answered_at, referral.answered_by, referral.decline_reason = (
        RStatus.DECLINED,
        timezone.now(),
        by,
        reason,
    )
    referral.version += 1
    referral.save(
        update_fields=["status", "answered_at", "answered_by", "decline_reason", "version", "updated_at"]
    )
    _save(request)
    _event(
        request,
        RequestEvent.Kind.REFERRAL_DECLINED,
        by,
        body=reason,
        referral=referral,
        data=_referral_data(referral),
    )
    _company_event(referral, CompanyEvent.Kind.REFERRAL_DECLINED, by)
    notices.referral_answered(referral, by=by)
    return referral


@transaction.atomic
def withdraw_referral(*, referral: Referral, by, expected_version: int | None = None) -> Referral:
    """The sender (or the request's owner) takes a waiting referral back; the receiver is told."""
    request, referral = _locked_referral(referral, expected_version)
    referral.status, referral.answered_at, referral.answered_by = RStatus.WITHDRAWN, timezone.now(), by
    referral.version += 1
    referral.save(update_fields=["status", "answered_at", "answered_by", "version", "updated_at"])
    _save(request)
    _event(
        request, RequestEvent.Kind.REFERRAL_WITHDRAWN, by, referral=referral, data=_referral_data(referral)
    )
    _company_event(referral, CompanyEvent.Kind.REFERRAL_WITHDRAWN, by)
    notices.referral_withdrawn(referral)
    return referral
