"""Reads of the GDPR tools: finding a person, what is held about them, and what the retention job would do."""

from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from advisors import access
from companies.identifiers import LegalForm, format_number
from companies.models import Company, Contact
from exportcenter.personal_data import Subject, parts
from outreach.models import Activity
from referrals.models import AdviceRequest

from .labels import anonymised_label
from .models import RetentionRun

SEARCH_LIMIT = 50


class PersonKind:
    CONTACT = "contact"
    SOLE_TRADER = "sole_trader"
    ALL = (CONTACT, SOLE_TRADER)


@dataclass(frozen=True)
class PersonMatch:
    kind: str
    public_id: str
    name: str
    email: str
    company: str
    anonymised: bool


def search_people(user, query: str) -> list[PersonMatch]:
    """Contacts (by name or email) and sole traders (by name) the user may see; two queries in all."""
    query = query.strip()
    if not query:
        return []
    contacts = (
        access.visible(user, Contact.objects.all())
        .filter(Q(name__icontains=query) | Q(email__icontains=query))
        .select_related("company")
        .order_by("name", "pk")[:SEARCH_LIMIT]
    )
    sole_traders = (
        access.visible(user, Company.objects.filter(legal_form=LegalForm.SOLE_TRADER))
        .filter(name__icontains=query)
        .order_by("name", "pk")[:SEARCH_LIMIT]
    )
    return [
        *(
            PersonMatch(
                PersonKind.CONTACT,
                str(c.public_id),
                c.name,
                c.email,
                c.company.name,
                c.anonymised_at is not None,
            )
            for c in contacts
        ),
        *(
            PersonMatch(
                PersonKind.SOLE_TRADER, str(c.public_id), c.name, "", c.name, c.anonymised_at is not None
            )
            for c in sole_traders
        ),
    ]


def person_queryset(kind: str) -> QuerySet:
    if kind == PersonKind.CONTACT:
        return Contact.objects.select_related("company")
    if kind == PersonKind.SOLE_TRADER:
        return Company.objects.filter(legal_form=LegalForm.SOLE_TRADER)
    raise Http404


def person_for(user, kind: str, public_id) -> Contact | Company:
    """The person the user may see, else 404 (another region's person is not found, not forbidden)."""
    person = access.visible(user, person_queryset(kind)).filter(public_id=public_id).first()
    if person is None:
        raise Http404
    return person


def _identifiers(*values: str) -> frozenset[str]:
    # Short strings would match inside ordinary words; a name, an address or a number is longer. The
    # placeholders of an earlier erasure identify nobody.
    placeholders = {anonymised_label(kind) for kind in ("person", "sole_trader", "text")}
    return frozenset(
        value.strip() for value in values if value and len(value.strip()) >= 4 and value not in placeholders
    )


def subject_for(person: Contact | Company) -> Subject:
    """Who the GDPR tools work on: a contact, or a sole trader with every contact and request of theirs."""
    if isinstance(person, Contact):
        requests = AdviceRequest.objects.filter(contact=person).values_list("pk", flat=True)
        return Subject(
            kind=PersonKind.CONTACT,
            public_id=str(person.public_id),
            label=person.name,
            contact_ids=frozenset([person.pk]),
            emails=frozenset([person.email.lower()] if person.email else []),
            identifiers=_identifiers(person.name, person.email, person.phone),
            request_ids=frozenset(requests),
        )
    contacts = list(person.contacts.all())
    requests = AdviceRequest.objects.filter(Q(company=person) | Q(contact__in=contacts)).values_list(
        "pk", flat=True
    )
    number = person.org_number or ""
    return Subject(
        kind=PersonKind.SOLE_TRADER,
        public_id=str(person.public_id),
        label=person.name,
        contact_ids=frozenset(c.pk for c in contacts),
        company_ids=frozenset([person.pk]),
        emails=frozenset(c.email.lower() for c in contacts if c.email),
        identifiers=_identifiers(
            person.name,
            number,
            format_number(number) if number else "",
            person.website,
            *(value for c in contacts for value in (c.name, c.email, c.phone)),
        ),
        request_ids=frozenset(requests),
    )


def holds(subject: Subject) -> list[str]:
    """References (or names) of what is on legal hold among the person's data: erasure waits for them."""
    held = list(
        AdviceRequest.objects.filter(pk__in=subject.request_ids)
        .filter(Q(legal_hold=True) | Q(company__legal_hold=True))
        .values_list("reference", flat=True)
    )
    companies = Company.objects.filter(legal_hold=True).filter(
        Q(pk__in=subject.company_ids) | Q(contacts__in=subject.contact_ids)
    )
    return [*held, *companies.distinct().values_list("name", flat=True)]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: list


def held_data(subject: Subject) -> list[Section]:
    """Everything held about the person, section by section (what the export contains)."""
    return [Section(part.key, str(part.title), part.collect(subject)) for part in parts()]


# --- Legal hold panels --------------------------------------------------------------------------------


def company_hold(user, company: Company) -> dict:
    """The company page's panel: its legal hold, and links to the GDPR tools for regional staff."""
    may_change = access.can(user, access.Action.SET_LEGAL_HOLD, company)
    # Only regional staff of the region use the tools: the others get no list (and no query).
    contacts = list(company.contacts.all()) if may_change else []
    return {
        "on_hold": company.legal_hold,
        "may_change": may_change,
        "is_sole_trader": company.is_sole_trader,
        "may_manage_person": company.is_sole_trader and access.can(user, access.Action.GDPR_EXPORT, company),
        "contacts": contacts,
    }


def request_hold(user, request: AdviceRequest) -> dict:
    return {
        "on_hold": request.legal_hold,
        "may_change": access.can(user, access.Action.SET_LEGAL_HOLD, request),
    }


# --- Retention ----------------------------------------------------------------------------------------


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Requests closed before this moment are due: RETENTION_MONTHS calendar months ago."""
    return (now or timezone.now()) - relativedelta(months=settings.RETENTION_MONTHS)


def _closed_before(cutoff):
    return AdviceRequest.objects.filter(
        status=AdviceRequest.Status.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True
    )


def due_requests(cutoff) -> QuerySet:
    """Closed before the cutoff, free text still there, neither it nor its company on legal hold."""
    return _closed_before(cutoff).filter(legal_hold=False, company__legal_hold=False)


def held_requests(cutoff) -> QuerySet:
    return _closed_before(cutoff).filter(Q(legal_hold=True) | Q(company__legal_hold=True))


def _contacts_past(cutoff) -> QuerySet:
    """Contacts whose every request was closed before the cutoff and who met nobody since."""
    theirs = AdviceRequest.objects.filter(contact=OuterRef("pk"))
    live = theirs.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff))
    met_since = Activity.contacts.through.objects.filter(
        contact_id=OuterRef("pk"), activity__occurred_on__gte=timezone.localdate(cutoff)
    )
    return Contact.objects.filter(anonymised_at__isnull=True).filter(
        Exists(theirs), ~Exists(live), ~Exists(met_since)
    )


def due_contacts(cutoff) -> QuerySet:
    held = AdviceRequest.objects.filter(contact=OuterRef("pk"), legal_hold=True)
    return _contacts_past(cutoff).filter(company__legal_hold=False).filter(~Exists(held))


def held_contacts(cutoff) -> QuerySet:
    held = AdviceRequest.objects.filter(contact=OuterRef("pk"), legal_hold=True)
    return _contacts_past(cutoff).filter(Q(company__legal_hold=True) | Exists(held))


@dataclass(frozen=True)
class RetentionPreview:
    cutoff: datetime
    retention_months: int
    requests: int
    contacts: int
    requests_on_hold: int
    contacts_on_hold: int


def retention_preview(now: datetime | None = None) -> RetentionPreview:
    """The dry run: what a run now would anonymise and skip. Reads only."""
    cutoff = retention_cutoff(now)
    return RetentionPreview(
        cutoff=cutoff,
        retention_months=settings.RETENTION_MONTHS,
        requests=due_requests(cutoff).count(),
        contacts=due_contacts(cutoff).count(),
        requests_on_hold=held_requests(cutoff).count(),
        contacts_on_hold=held_contacts(cutoff).count(),
    )


def recent_runs(limit: int = 20) -> QuerySet:
    return RetentionRun.objects.all()[:limit]
