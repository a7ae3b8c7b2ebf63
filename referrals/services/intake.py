"""The public intake: a "help me export" form becomes a request, and the company's replies land on it."""

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from advisors.selectors import region_for_county
from companies import services as company_services
from companies.models import Company, CompanySource, Contact
from exportcenter.locks import wait_for_lock
from exportcenter.workdays import end_of_next_working_day, local_date

from .. import notices
from ..models import AdviceRequest, Attachment, ReferenceCounter, RequestEvent
from . import attachments


def next_reference(year: int) -> tuple[int, str]:
    """The next number of the year, e.g. (123, "EC-2026-000123"). Call inside a transaction.

    One statement takes the number: it makes the year's counter row at 1, or adds 1 to it, and the row
    stays locked until the transaction ends, so concurrent submissions queue for it and every number is
    given out once, in order.
    """
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)  # the model's own, not input
    upsert = (
        f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) ON CONFLICT (year) "  # noqa: S608 # nosec B608
        f"DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(upsert, [year])
        (number,) = cursor.fetchone()
    return number, f"EC-{year}-{number:06d}"


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
    # Files sent with the form, checked by it (referrals.forms.attachments): kept on the "created" entry.
    files: list[Any] = field(default_factory=list)

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


def _company_and_contact(submission: Submission) -> tuple[Company, Contact]:
    """The registered company with this number, or a new one, and its contact with this email, or a new one.
    Advisors' data is never overwritten. A new company is registered with its contact, in one go."""
    contact_data = {
        "name": submission.contact_name,
        "email": submission.contact_email,
        "phone": submission.contact_phone,
        "preferred_language": submission.language,
        "legal_basis": Contact.LegalBasis.PUBLIC_TASK,
        "source": CompanySource.WEB_REQUEST,
    }
    try:
        return company_services.register_company_with_contact(
            by=None,
            data={
                "org_number": submission.org_number,
                "legal_form": submission.legal_form,
                "name": submission.company_name,
                "municipality": submission.municipality,
                "website": submission.website,
                "employee_band": submission.employee_band,
                "export_experience": submission.export_experience,
                "export_countries": submission.export_countries,
                "target_markets": submission.target_markets,
            },
            contact=contact_data,
            source=CompanySource.WEB_REQUEST,
        )
    except company_services.DuplicateCompany as duplicate:  # registered already (or a moment ago)
        company = duplicate.existing
    contact = company.contacts.filter(email__iexact=submission.contact_email).first()
    return company, contact or company_services.add_contact(company=company, by=None, data=contact_data)


class RateLimited(Exception):
    """The sender is over the form's rate limit (`admit` said no): nothing was written."""


def submit_request(*, submission: Submission, admit: Callable[[], bool] | None = None) -> AdviceRequest:
    """Receive a "help me export" request: all of it, or nothing, in one transaction.

    A second submission with the same idempotency key (a double click, a resent POST), or the same
    company, email and text within the duplicate window, returns the first request. Only a request that
    is really new asks `admit` (the public form's rate limit, so that a resent form uses no quota); a
    refusal raises RateLimited. The confirmation to the SME and the triage email are written to the outbox
    in the same transaction, so a broker or mail-server outage delays them but never loses them.
    """
    key = _idempotency_key(submission)
    fingerprint = _fingerprint(submission)
    try:
        with attachments.removed_on_failure(), transaction.atomic():
            # Concurrent submissions of the same request queue here (the lock ends with the transaction),
            # so the second one sees the first one's committed request and returns it.
            wait_for_lock(f"intake:{fingerprint}")
            if (existing := already_submitted(submission)) is not None:
                return existing
            if admit is not None and not admit():
                raise RateLimited
            return _create_request(submission, key, fingerprint)
    except IntegrityError:
        existing = AdviceRequest.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing


def already_submitted(submission: Submission) -> AdviceRequest | None:
    """The request this form already created (a double click or a resent POST), or the same company,
    contact email and text received within INTAKE_DUPLICATE_WINDOW_SECONDS (the SME saw an error page, went
    back and sent the form again with a new submission id), if any."""
    key, fingerprint = _idempotency_key(submission), _fingerprint(submission)
    if not key:
        return _recent_duplicate(fingerprint)
    # One query: the request of this form id first, else the earliest recent duplicate.
    by_key = Q(idempotency_key=key)
    return (
        _recent(fingerprint, also=by_key)
        .order_by(ExpressionWrapper(by_key, output_field=BooleanField()).desc(), "pk")
        .first()
    )


def _fingerprint(submission: Submission) -> str:
    """A keyed hash (no readable personal data) of the company (its number, else its name), the contact's
    email and the text, each normalised (case, spacing)."""
    company = submission.org_number or " ".join(submission.company_name.split()).casefold()
    text = " ".join(submission.description.split()).casefold()
    email = submission.contact_email.strip().casefold()
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{company}\x00{email}\x00{text}".encode(), hashlib.sha256
    ).hexdigest()


def _recent(fingerprint: str, also: Q | None = None):
    """Requests with this fingerprint received within INTAKE_DUPLICATE_WINDOW_SECONDS (or matching `also`)."""
    since = timezone.now() - timedelta(seconds=settings.INTAKE_DUPLICATE_WINDOW_SECONDS)
    recent = Q(fingerprint=fingerprint, created_at__gte=since)
    return AdviceRequest.objects.filter(recent | also if also is not None else recent)


def _recent_duplicate(fingerprint: str) -> AdviceRequest | None:
    return _recent(fingerprint).order_by("pk").first()


def _idempotency_key(submission: Submission) -> str | None:
    """The form's one-time id bound to the sender's email: a copied id opens nobody else's request."""
    if not submission.idempotency_key:
        return None
    bound = f"{submission.idempotency_key}:{submission.contact_email.strip().lower()}"
    return hashlib.sha256(bound.encode()).hexdigest()


def _create_request(submission: Submission, key: str | None, fingerprint: str = "") -> AdviceRequest:
    now = timezone.now()
    company, contact = _company_and_contact(submission)
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
        fingerprint=fingerprint,
    )
    # The needs of a new request, in one insert (`needs.set` would first ask which it has). The request's
    # own save has scheduled the dashboards' refresh that the m2m signal would schedule.
    AdviceRequest.needs.through.objects.bulk_create(
        AdviceRequest.needs.through(advicerequest=request, needcategory=need) for need in submission.needs
    )
    created = RequestEvent.objects.create(
        request=request, kind=RequestEvent.Kind.CREATED, data={"channel": request.channel}
    )
    # Before the confirmation is written: it may carry the files (referrals.notices).
    attachments.store(request=request, event=created, files=submission.files, source=Attachment.Source.FORM)
    notices.confirmation_to_company(request)
    notices.new_request(request, needs=submission.needs)
    return request


def reply_from_company(
    *, request: AdviceRequest, body: str, files=(), source: str = Attachment.Source.STATUS_PAGE
) -> RequestEvent:
    """The SME writes on its status page (or by email). It lands on the timeline, with its files; the owner
    (or triage) is told."""
    with attachments.removed_on_failure():
        return _reply_from_company(request=request, body=body, files=files, source=source)


@transaction.atomic
def _reply_from_company(*, request: AdviceRequest, body: str, files, source: str) -> RequestEvent:
    request = AdviceRequest.objects.select_for_update().get(pk=request.pk)
    event = RequestEvent.objects.create(
        request=request, kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY, body=body
    )
    attachments.store(request=request, event=event, files=files, source=source)
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
