"""State changes of export outcomes: an advisor records and edits them; the company confirms or declines.

Rules (issue 18):
- An outcome links only to its company's own requests, activities and referrals.
- A partner that helped must serve a region covering the company's county.
- The outcome counts in the region of the recording advisor that covers the company (else their first).
- Editing an outcome the company already answered (or let expire) asks again: a new `confirmation_round`
  (older links stop working), the answers cleared, status PENDING.
- Only the company confirms (`confirm_by_company`, reached through the signed link); an advisor never can.
- A second answer to the same round changes nothing: the first stands (`AlreadyAnswered`).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from advisors.models import Organisation, Region
from companies.models import Company, Contact, FlagSource
from companies.services import confirm_international_flags
from exportcenter.bad_input import text_errors
from exportcenter.errors import Stale
from notifications.services import queue_email
from reference.countries import HOME_COUNTRY

from .. import links
from ..models import ExportOutcome, OutcomePartner

LINK_PURPOSE = "outcome"
CONFIRM_URL = "effects:outcome_confirm"
TEXT_LIMIT = 2000
FACT_FIELDS = ("market", "kind", "sells", "value_band", "achieved_on")
ANSWER_FIELDS = ("support_meaning", "without_support", "case_study_allowed", "company_comment")
# The company's side of an outcome (its answer, and the asking): read-only to staff in the admin and the API.
COMPANY_SIDE_FIELDS = (
    "status",
    "confirmation_round",
    "asked_at",
    "reminded_at",
    "answered_at",
    *ANSWER_FIELDS,
    "corrected_fields",
)


class StaleOutcome(Stale):
    """The outcome changed since the editor loaded it (an advisor's edit, or the company's answer)."""


class AlreadyAnswered(Exception):
    """The company answered this round already: the first answer stands."""


class LinkGone(Exception):
    """The link's round was replaced, or its time ran out: the caller answers with the one identical 404."""


class Asked(StrEnum):
    """What `ask_company` did: the advisor is told when the company could not be asked."""

    ASKED = "asked"
    NO_CONTACT = "no_contact"
    NO_EMAIL = "no_email"
    DECLINED_SURVEYS = "declined_surveys"


ASKED_MESSAGES = {
    Asked.NO_CONTACT: lambda: _(
        "The company was not asked to confirm: choose a contact person with an email address, and save again."
    ),
    Asked.NO_EMAIL: lambda: _(
        "The company was not asked to confirm: the contact person has no email address. Add one, "
        "then ask the company from the outcome's page."
    ),
    Asked.DECLINED_SURVEYS: lambda: _(
        "The company was not asked to confirm: the contact person asked not to be sent surveys or "
        "requests to confirm outcomes. Choose another contact person."
    ),
}


def asked_message(result: Asked) -> str:
    """What the advisor is told when the company could not be asked ("" when it was)."""
    message = ASKED_MESSAGES.get(result)
    return message() if message else ""


# --- Who and where ----------------------------------------------------------------------------------------


def partner_choices(company: Company):
    """The partner organisations that may be named as having helped: those serving a region that covers
    the company's county."""
    return (
        Organisation.objects.active()
        .filter(regions__is_active=True, regions__counties=company.county_id)
        .distinct()
        .order_by("name")
    )


def region_for(by, company: Company) -> Region | None:
    """The recording advisor's region that covers the company, or else the first of their regions."""
    if by is None or by.organisation_id is None:
        return None
    regions = Region.objects.filter(organisations=by.organisation_id).order_by("name", "pk")
    return regions.filter(counties=company.county_id).first() or regions.first()


def expires_at(outcome: ExportOutcome):
    """When the company's link stops working (None: never asked)."""
    if outcome.asked_at is None:
        return None
    return outcome.asked_at + timedelta(days=settings.OUTCOME_CONFIRMATION_DAYS)


# --- Validation ------------------------------------------------------------------------------------------


def _check_choice(errors: dict, data: dict, name: str, choices, message: str) -> None:
    if name in data and data[name] not in choices:
        errors.setdefault(name, []).append(message)


def _check_facts(data: dict[str, Any], errors: dict[str, list]) -> None:
    _check_choice(errors, data, "kind", ExportOutcome.Kind.values, _("Choose one of the kinds of outcome."))
    _check_choice(errors, data, "sells", ExportOutcome.Sells.values, _("Choose goods, services or both."))
    _check_choice(
        errors, data, "value_band", ExportOutcome.ValueBand.values, _("Choose one of the value bands.")
    )
    if "market" in data:
        market = str(data["market"] or "")
        if market not in countries:
            errors.setdefault("market", []).append(_("Choose a country from the list."))
        elif market == HOME_COUNTRY:
            errors.setdefault("market", []).append(
                _("Sweden is not an export market. Choose another country.")
            )
    if "achieved_on" in data:
        achieved_on = data["achieved_on"]
        if not isinstance(achieved_on, date):
            errors.setdefault("achieved_on", []).append(_("Enter a valid date."))
        elif achieved_on > timezone.localdate():
            errors.setdefault("achieved_on", []).append(_("The date cannot be in the future."))
        elif achieved_on.year < 2000:
            errors.setdefault("achieved_on", []).append(_("Enter a date from 2000 or later."))


def _check_links(company: Company, data: dict[str, Any], errors: dict[str, list]) -> None:
    """Partners serve the company's region; linked objects are the company's own."""
    if "partners" in data:
        allowed = set(partner_choices(company).values_list("pk", flat=True))
        for partner in data["partners"]:
            if partner.pk not in allowed:
                errors.setdefault("partners", []).append(
                    _("%(partner)s does not work in the company's region.") % {"partner": partner.name}
                )
    owners = {
        "requests": (
            lambda obj: obj.company_id,
            _("Request %(name)s is not one of this company's requests."),
        ),
        "activities": (
            lambda obj: obj.company_id,
            _("The activity of %(name)s is not one of this company's activities."),
        ),
        "referrals": (
            lambda obj: obj.request.company_id,
            _("Referral %(name)s is not one of this company's referrals."),
        ),
    }
    names = {
        "requests": lambda obj: obj.reference,
        "activities": lambda obj: obj.occurred_on.isoformat(),
        "referrals": lambda obj: obj.request.reference,
    }
    for field, (owner, message) in owners.items():
        for obj in data.get(field) or []:
            if owner(obj) != company.pk:
                errors.setdefault(field, []).append(message % {"name": names[field](obj)})


def _check_contact(company: Company, data: dict[str, Any], errors: dict[str, list]) -> None:
    contact = data.get("contact")
    if contact is not None and (contact.company_id != company.pk or contact.anonymised_at is not None):
        errors.setdefault("contact", []).append(_("Choose one of the company's contact persons."))


def validate_outcome(company: Company, data: dict[str, Any], *, creating: bool) -> None:
    """Raise a ValidationError by field for anything the outcome may not hold."""
    errors: dict[str, list] = {}
    if creating:
        for name in FACT_FIELDS:
            if data.get(name) in (None, ""):
                errors.setdefault(name, []).append(_("This field is required."))
    _check_facts({k: v for k, v in data.items() if k not in errors}, errors)
    if "description" in data and (problems := text_errors(str(data["description"] or ""), TEXT_LIMIT)):
        errors["description"] = problems
    _check_contact(company, data, errors)
    _check_links(company, data, errors)
    if errors:
        raise ValidationError(errors)


# --- Recording and editing -------------------------------------------------------------------------------

SCALAR_FIELDS = (*FACT_FIELDS, "description", "contact")
RELATION_FIELDS = ("requests", "activities", "referrals")


def _set_partners(outcome: ExportOutcome, partners) -> bool:
    wanted = {partner.pk for partner in partners}
    current = set(outcome.partner_links.values_list("organisation_id", flat=True))
    if wanted == current:
        return False
    outcome.partner_links.exclude(organisation_id__in=wanted).delete()
    OutcomePartner.objects.bulk_create(
        [OutcomePartner(outcome=outcome, organisation_id=pk) for pk in wanted - current]
    )
    return True


def _set_relations(outcome: ExportOutcome, data: dict[str, Any]) -> bool:
    changed = False
    for name in RELATION_FIELDS:
        if name in data:
            manager = getattr(outcome, name)
            wanted = {obj.pk for obj in data[name]}
            if set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(wanted)
                changed = True
    return changed


@transaction.atomic
def record_outcome(*, company: Company, by, data: dict[str, Any]) -> tuple[ExportOutcome, Asked]:
    """Record an outcome on the company and ask the company to confirm it."""
    validate_outcome(company, data, creating=True)
    region = region_for(by, company)
    if region is None:
        raise ValidationError(_("You work in no region, so the outcome cannot be recorded."))
    if data.get("contact") is None:
        data = {**data, "contact": _default_contact(company)}
    outcome = ExportOutcome.objects.create(
        company=company,
        region=region,
        organisation_id=by.organisation_id,
        created_by=by,
        updated_by=by,
        **{name: data[name] for name in SCALAR_FIELDS if name in data},
    )
    _set_partners(outcome, data.get("partners") or [])
    _set_relations(outcome, data)
    return outcome, ask_company(outcome)


def _default_contact(company: Company) -> Contact | None:
    """The company's primary contact with an email address, else any contact with one, else the primary
    contact (the advisor is then told that nobody could be asked)."""
    contacts = company.contacts.filter(anonymised_at__isnull=True).order_by("-is_primary", "pk")
    return contacts.exclude(email="").first() or contacts.first()


def _clear_answers(outcome: ExportOutcome) -> None:
    outcome.status = ExportOutcome.Status.PENDING
    outcome.confirmation_round = F("confirmation_round") + 1
    outcome.asked_at = None
    outcome.reminded_at = None
    outcome.answered_at = None
    outcome.support_meaning = ""
    outcome.without_support = ""
    outcome.case_study_allowed = None
    outcome.company_comment = ""
    outcome.corrected_fields = []
    outcome.partner_links.update(rating=None)


@transaction.atomic
def update_outcome(
    *, outcome: ExportOutcome, by, data: dict[str, Any], expected_version: int
) -> tuple[ExportOutcome, Asked | None]:
    """Apply an advisor's changes if nobody changed the outcome since `expected_version`.

    An outcome the company answered (or let expire) goes back to waiting and is asked about again, in a
    new round; so is one whose contact person changed. Raises StaleOutcome, or a ValidationError by field.
    Returns the outcome and what asking did (None: the company was not asked again).
    """
    current = ExportOutcome.objects.select_for_update().get(pk=outcome.pk)
    if current.version != expected_version:
        raise StaleOutcome
    validate_outcome(current.company, data, creating=False)
    changed = [name for name in SCALAR_FIELDS if name in data and getattr(current, name) != data[name]]
    for name in changed:
        setattr(current, name, data[name])
    relations_changed = _set_relations(current, data)
    partners_changed = "partners" in data and _set_partners(current, data["partners"])
    if not (changed or relations_changed or partners_changed):
        return current, None
    ask_again = current.status != ExportOutcome.Status.PENDING or (
        "contact" in changed and current.asked_at is not None
    )
    if ask_again:
        _clear_answers(current)
    current.updated_by = by
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    if ask_again or current.asked_at is None:
        return current, ask_company(current)
    return current, None


# --- Asking the company ----------------------------------------------------------------------------------


def confirm_url(outcome: ExportOutcome, language: str) -> str:
    token = links.token_for(LINK_PURPOSE, outcome.public_id, outcome.confirmation_round)
    return links.absolute_url(CONFIRM_URL, token, language)


def _why_not_asked(contact: Contact | None) -> Asked | None:
    if contact is None or contact.anonymised_at is not None:
        return Asked.NO_CONTACT
    if not contact.email:
        return Asked.NO_EMAIL
    if contact.surveys_declined_on is not None:
        return Asked.DECLINED_SURVEYS
    return None


def _email(outcome: ExportOutcome, *, template: str, key: str) -> None:
    contact = outcome.contact
    language = contact.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "outcome": outcome,
            "contact": contact,
            "company": outcome.company,
            "region": outcome.region,
            "confirm_url": confirm_url(outcome, language),
            "expires_on": timezone.localdate(expires_at(outcome)),
            "partners": [link.organisation for link in outcome.partner_links.select_related("organisation")],
        }
        queue_email(
            key=key,
            to=contact.email,
            subject=render_to_string(f"effects/outcomes/email/{template}_subject.txt", context),
            body_text=render_to_string(f"effects/outcomes/email/{template}.txt", context),
        )


@transaction.atomic
def ask_company(outcome: ExportOutcome) -> Asked:
    """Email the contact person a link to confirm the outcome (once per round: the key
    `outcome:<pk>:<round>`), delivered after commit. Skipped, with the reason returned, when there is
    nobody to ask or the person declined such emails."""
    current = (
        ExportOutcome.objects.select_for_update(of=("self",))
        .select_related("contact", "company", "region")
        .get(pk=outcome.pk)
    )
    if current.status != ExportOutcome.Status.PENDING:
        return Asked.ASKED
    if reason := _why_not_asked(current.contact):
        return reason
    if current.asked_at is None:
        current.asked_at = timezone.now()
        ExportOutcome.objects.filter(pk=current.pk).update(asked_at=current.asked_at)
    _email(current, template="ask", key=f"outcome:{current.pk}:{current.confirmation_round}")
    outcome.asked_at = current.asked_at
    return Asked.ASKED


def remind_company(outcome: ExportOutcome) -> bool:
    """The one reminder of a round (idempotent: `reminded_at`, and the email's key). True when sent."""
    with transaction.atomic():
        current = (
            ExportOutcome.objects.select_for_update(of=("self",))
            .select_related("contact", "company", "region")
            .get(pk=outcome.pk)
        )
        if (
            current.status != ExportOutcome.Status.PENDING
            or current.asked_at is None
            or current.reminded_at is not None
            or _why_not_asked(current.contact) is not None
        ):
            return False
        current.reminded_at = timezone.now()
        ExportOutcome.objects.filter(pk=current.pk).update(reminded_at=current.reminded_at)
        _email(
            current, template="reminder", key=f"outcome:{current.pk}:{current.confirmation_round}:reminder"
        )
        return True


def expire_outcomes(now=None) -> int:
    """Outcomes asked more than OUTCOME_CONFIRMATION_DAYS ago and still unanswered become EXPIRED."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OUTCOME_CONFIRMATION_DAYS)
    return ExportOutcome.objects.filter(
        status=ExportOutcome.Status.PENDING, asked_at__isnull=False, asked_at__lte=cutoff
    ).update(status=ExportOutcome.Status.EXPIRED, updated_at=now, version=F("version") + 1)


def due_for_reminder(now=None):
    """Outcomes waiting for the company, asked at least OUTCOME_REMINDER_AFTER_DAYS ago, not reminded."""
    now = now or timezone.now()
    return ExportOutcome.objects.filter(
        status=ExportOutcome.Status.PENDING,
        reminded_at__isnull=True,
        asked_at__lte=now - timedelta(days=settings.OUTCOME_REMINDER_AFTER_DAYS),
        asked_at__gt=now - timedelta(days=settings.OUTCOME_CONFIRMATION_DAYS),
    ).order_by("pk")


# --- The company's answer --------------------------------------------------------------------------------


def outcome_for_token(token: str) -> ExportOutcome | None:
    """The outcome a company's link is for, or None for an unknown, tampered, replaced or expired link.

    An answered outcome is returned (its page says the answer is recorded); one that expired is not.
    """
    read = links.read_token(LINK_PURPOSE, token)
    if read is None:
        return None
    public_id, round_ = read
    outcome = (
        ExportOutcome.objects.filter(public_id=public_id, confirmation_round=round_)
        .select_related("company", "region", "organisation", "contact")
        .first()
    )
    if outcome is None or not _link_alive(outcome):
        return None
    return outcome


def _link_alive(outcome: ExportOutcome, now=None) -> bool:
    if outcome.status == ExportOutcome.Status.EXPIRED or outcome.asked_at is None:
        return False
    if outcome.status == ExportOutcome.Status.PENDING:
        return (now or timezone.now()) < expires_at(outcome)
    return True  # answered: the page says so


def _locked_for_answer(outcome: ExportOutcome, round_: int) -> ExportOutcome:
    current = ExportOutcome.objects.select_for_update().get(pk=outcome.pk)
    if current.confirmation_round != round_ or not _link_alive(current):
        raise LinkGone
    if current.status in (ExportOutcome.Status.CONFIRMED, ExportOutcome.Status.DECLINED):
        raise AlreadyAnswered
    return current


@dataclass(frozen=True)
class Answer:
    """What the company says: the facts as they are (corrected or not), and its answers."""

    facts: dict[str, Any]
    support_meaning: str
    without_support: str
    ratings: dict[int, int | None]  # organisation id -> 1..5 or None (not rated)
    case_study_allowed: bool
    comment: str = ""


def _check_answer(current: ExportOutcome, answer: Answer) -> None:
    errors: dict[str, list] = {}
    _check_facts(answer.facts, errors)
    _check_choice(
        errors,
        {"support_meaning": answer.support_meaning},
        "support_meaning",
        ExportOutcome.SupportMeaning.values,
        _("Choose what the support meant."),
    )
    _check_choice(
        errors,
        {"without_support": answer.without_support},
        "without_support",
        ExportOutcome.WithoutSupport.values,
        _("Choose how much you would have achieved without the support."),
    )
    if not isinstance(answer.case_study_allowed, bool):
        errors["case_study_allowed"] = [_("Say whether we may use this as a case study.")]
    if problems := text_errors(answer.comment or "", TEXT_LIMIT):
        errors["comment"] = problems
    partners = set(current.partner_links.values_list("organisation_id", flat=True))
    for organisation_id, rating in answer.ratings.items():
        if organisation_id not in partners:
            errors.setdefault("ratings", []).append(_("Rate only the partners named in the outcome."))
        elif rating is not None and (isinstance(rating, bool) or rating not in range(1, 6)):
            errors[f"rating_{organisation_id}"] = [_("Choose a rating from 1 to 5.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def confirm_by_company(*, outcome: ExportOutcome, round_: int, answer: Answer) -> ExportOutcome:
    """The company confirms (with any corrections) and answers. Confirms the company's export flags.

    Raises LinkGone (the round was replaced or ran out), AlreadyAnswered (the first answer stands) or a
    ValidationError by field.
    """
    current = _locked_for_answer(outcome, round_)
    _check_answer(current, answer)
    corrected = []
    for name in FACT_FIELDS:
        if name in answer.facts and getattr(current, name) != answer.facts[name]:
            setattr(current, name, answer.facts[name])
            corrected.append(name)
    current.corrected_fields = corrected
    current.support_meaning = answer.support_meaning
    current.without_support = answer.without_support
    current.case_study_allowed = answer.case_study_allowed
    current.company_comment = answer.comment or ""
    current.status = ExportOutcome.Status.CONFIRMED
    current.answered_at = timezone.now()
    current.version = F("version") + 1
    current.save()
    for organisation_id, rating in answer.ratings.items():
        current.partner_links.filter(organisation_id=organisation_id).update(rating=rating)
    current.refresh_from_db()
    sells = current.sells
    flags = {
        "exports_goods": True if sells in (ExportOutcome.Sells.GOODS, ExportOutcome.Sells.BOTH) else None,
        "exports_services": True
        if sells in (ExportOutcome.Sells.SERVICES, ExportOutcome.Sells.BOTH)
        else None,
    }
    confirm_international_flags(
        company=current.company,
        flags=flags,
        source=FlagSource.COMPANY_OUTCOME,
        on=current.achieved_on,
        note=_("Export outcome confirmed by the company: %(kind)s, %(market)s")
        % {"kind": current.get_kind_display(), "market": current.market.name},
    )
    return current


@transaction.atomic
def decline_by_company(*, outcome: ExportOutcome, round_: int, comment: str = "") -> ExportOutcome:
    """The company says the outcome is not right (or does not want to answer). It never counts."""
    current = _locked_for_answer(outcome, round_)
    if problems := text_errors(comment or "", TEXT_LIMIT):
        raise ValidationError({"comment": problems})
    current.status = ExportOutcome.Status.DECLINED
    current.answered_at = timezone.now()
    current.company_comment = comment or ""
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    return current
