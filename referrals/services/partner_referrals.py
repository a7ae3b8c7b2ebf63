"""Referrals between partners ("no wrong door"): refer, accept, decline, withdraw."""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import CompanyEvent
from exportcenter.errors import Stale
from exportcenter.workdays import one_working_day_after

from .. import notices
from ..models import AdviceRequest, CoHandling, CompanyEventKind, Referral, RequestEvent
from .workflow import InvalidAssignee, _event, _locked, _save

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


class StaleReferral(Stale):
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
    _company_event(referral, CompanyEventKind.REFERRED, by)
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
    _company_event(referral, CompanyEventKind.REFERRAL_ACCEPTED, by)
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
    _company_event(referral, CompanyEventKind.REFERRAL_DECLINED, by)
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
    _company_event(referral, CompanyEventKind.REFERRAL_WITHDRAWN, by)
    notices.referral_withdrawn(referral)
    return referral
