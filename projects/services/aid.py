"""De minimis aid (Regulation (EU) 2023/2831) and the links that make companies one undertaking.

Rules (issue 19):
- The ceiling (settings.DE_MINIMIS_CEILING_EUR, EUR 300,000) holds per single undertaking over any period of
  three years (Art. 3(2)), assessed on a rolling basis: for a grant on day D the window is the three years
  ending on D, from the day after the same date three years earlier up to and including D. A grant on exactly
  that earlier date (D minus three years) is outside the window; the next day's is inside. (29 February minus
  three years is 28 February.)
- A grant entered late (aid granted outside the portal, dated in the past) must not break a later window
  either: every window ending on the new grant's date or on a later grant's date is checked, and the worst
  is the one reported.
- The single undertaking is the company and every company reachable through UndertakingLink, transitively,
  and through mergers (companies.Company.merged_into, both ways): aid granted to a company that merged into
  another counts for the company it merged into (Art. 3(8)). New aid is never recorded on a merged company.
- An amount in SEK is converted with the rate stored with the aid (SEK per euro, rounded half up to the
  cent); an amount in euro needs no rate (one sent is dropped).
- Aid that would take the undertaking over the ceiling raises CeilingExceeded with the figures, unless an
  override reason is given: the aid is then recorded with the reason and who overrode, and the override is
  logged (audit).
- Two grants at once cannot both slip under the ceiling: the undertaking's companies are locked
  (select_for_update, in id order) before the total is read; linking companies locks both undertakings.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record as audit_record
from companies.models import Company
from exportcenter.bad_input import text_errors

from ..models import Currency, DeMinimisAid, Participation, Support, UndertakingLink
from ..selectors.aid import (  # noqa: F401 - the reads of the ceiling, used here under the lock
    Ceiling,
    ceiling_eur,
    ceiling_status,
    undertaking_ids,
    window_end,
    window_start,
)

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
MIN_RATE = Decimal("1")
MAX_RATE = Decimal("100")
OVERRIDE_ACTION = Action.DE_MINIMIS_OVERRIDE
LINK_ACTION = Action.UNDERTAKING_LINKED
UNLINK_ACTION = Action.UNDERTAKING_UNLINKED


def to_eur(amount: Decimal, currency: str, sek_per_eur: Decimal | None) -> Decimal:
    if currency == Currency.EUR:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return (amount / sek_per_eur).quantize(CENT, rounding=ROUND_HALF_UP)


# --- The single undertaking ------------------------------------------------------------------------------


def _lock_undertaking(company_ids) -> set[int]:
    """Lock every company of the undertaking (in id order), reading it again until no link added since."""
    ids = undertaking_ids(company_ids)
    while True:
        list(Company.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        now = undertaking_ids(company_ids)
        if now <= ids:
            return now
        ids |= now


# --- The ceiling -----------------------------------------------------------------------------------------


def euros(amount: Decimal) -> str:
    """An amount as the language writes it (300 000,00 in Swedish, 300,000.00 in English)."""
    return number_format(amount, 2, use_l10n=True, force_grouping=True)


class CeilingExceeded(Exception):
    """The new aid would take the undertaking over the ceiling, and no override reason was given."""

    def __init__(self, ceiling: Ceiling):
        super().__init__(ceiling.as_dict())
        self.ceiling = ceiling

    @property
    def message(self) -> str:
        c = self.ceiling
        return _(
            "This aid would take the undertaking over the de minimis ceiling: EUR %(total)s was granted "
            "between %(start)s and %(end)s, and EUR %(amount)s more makes EUR %(would_be)s, EUR %(over)s "
            "over the ceiling of EUR %(ceiling)s."
        ) % {
            "total": euros(c.total_eur),
            "start": c.window_from.isoformat(),
            "end": c.window_to.isoformat(),
            "amount": euros(c.amount_eur),
            "would_be": euros(c.would_be_eur),
            "over": euros(c.over_by_eur),
            "ceiling": euros(c.ceiling_eur),
        }


def check_ceiling(company_ids, granted_on: date, amount_eur: Decimal) -> Ceiling:
    """The worst window the new grant falls in: the one ending on its date, or on any later grant's date
    within three years (a grant entered late must not break those)."""
    grants = list(
        DeMinimisAid.objects.filter(
            company_id__in=company_ids,
            granted_on__gte=window_start(granted_on),
            granted_on__lte=window_end(granted_on),
        ).values_list("granted_on", "amount_eur")
    )
    ends = sorted({granted_on, *(on for on, _amount in grants if on > granted_on)})
    worst = None
    for end in ends:
        start = window_start(end)
        total = sum((amount for on, amount in grants if start <= on <= end), Decimal(0))
        figures = Ceiling(window_from=start, window_to=end, total_eur=total, amount_eur=amount_eur)
        if worst is None or figures.would_be_eur > worst.would_be_eur:
            worst = figures
    return worst


# --- Recording aid ---------------------------------------------------------------------------------------


def _number(value, field_name: str, errors: dict, *, places: int) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(field_name, []).append(_("Enter a number."))
        return None
    if not number.is_finite():
        errors.setdefault(field_name, []).append(_("Enter a number."))
        return None
    if number.as_tuple().exponent < -places:
        errors.setdefault(field_name, []).append(_("Enter at most %(places)d decimals.") % {"places": places})
        return None
    return number


def _check_amount(data: dict, errors: dict) -> tuple[Decimal | None, Decimal | None]:
    currency = data.get("currency")
    if currency not in Currency.values:
        errors["currency"] = [_("Choose the currency: SEK or EUR.")]
    amount = None
    if data.get("amount") in (None, ""):
        errors["amount"] = [_("Enter the amount.")]
    elif (amount := _number(data["amount"], "amount", errors, places=2)) is not None:
        if amount <= 0:
            errors["amount"] = [_("The amount must be more than zero.")]
        elif amount > MAX_AMOUNT:
            errors["amount"] = [_("Enter at most %(limit)s.") % {"limit": MAX_AMOUNT}]
    rate = None
    if currency == Currency.SEK:
        if data.get("sek_per_eur") in (None, ""):
            errors["sek_per_eur"] = [_("An amount in SEK needs the exchange rate (SEK per euro).")]
        elif (rate := _number(data["sek_per_eur"], "sek_per_eur", errors, places=4)) is not None and not (
            MIN_RATE <= rate <= MAX_RATE
        ):
            errors["sek_per_eur"] = [
                _("Enter the rate as SEK per euro, for example 11.25 (between %(low)s and %(high)s).")
                % {"low": MIN_RATE, "high": MAX_RATE}
            ]
    if "amount" in errors or "currency" in errors or "sek_per_eur" in errors:
        return None, None
    amount_eur = to_eur(amount, currency, rate)
    if amount_eur <= 0:
        errors["amount"] = [_("The amount is less than one euro cent.")]
        return None, None
    return amount, rate


def _check_links(company: Company, data: dict, errors: dict) -> None:
    project, support = data.get("project"), data.get("support")
    if support is not None:
        if not isinstance(support, Support) or support.participation.company_id != company.pk:
            errors["support"] = [_("Choose support this company got.")]
        elif project is not None and support.participation.project_id != project.pk:
            errors["support"] = [_("Choose support given in this project.")]
        elif DeMinimisAid.objects.filter(support=support).exists():
            errors["support"] = [_("Aid is already recorded for this support.")]
    if project is not None and not Participation.objects.filter(project=project, company=company).exists():
        errors["project"] = [_("The company does not take part in this project.")]


def validate_aid(company: Company, data: dict[str, Any]) -> tuple[Decimal, Decimal | None]:
    """Raise a ValidationError by field for anything the aid may not hold; the amount and the rate."""
    errors: dict[str, list] = {}
    if company.merged_into_id is not None:
        errors["company"] = [_("This company was merged into another. Record the aid on that company.")]
    granted_on = data.get("granted_on")
    if not isinstance(granted_on, date):
        errors["granted_on"] = [_("Enter the grant date.")]
    elif granted_on > timezone.localdate():
        errors["granted_on"] = [_("The grant date cannot be in the future.")]
    elif granted_on.year < 2000:
        errors["granted_on"] = [_("Enter a date from 2000 or later.")]
    amount, rate = _check_amount(data, errors)
    body = str(data.get("granting_body") or "").strip()
    if not body:
        errors["granting_body"] = [_("Name the body that granted the aid.")]
    elif problems := text_errors(body, 200):
        errors["granting_body"] = problems
    for name, limit in (("reference", 100), ("override_reason", 2000)):
        if problems := text_errors(str(data.get(name) or ""), limit):
            errors[name] = problems
    _check_links(company, data, errors)
    if errors:
        raise ValidationError(errors)
    return amount, rate


def _refuse_a_second_submit(company: Company, data: dict[str, Any], amount: Decimal, currency: str) -> None:
    """The same grant twice (a form sent twice, a retried request) is refused: same company, date, amount,
    currency, granting body and reference. Checked under the undertaking's lock, so two at once cannot both
    pass. Two real grants alike in all of these differ in their decision reference."""
    same = DeMinimisAid.objects.filter(
        company=company,
        granted_on=data["granted_on"],
        amount=amount,
        currency=currency,
        granting_body=str(data["granting_body"]).strip(),
        reference=str(data.get("reference") or "").strip(),
    ).first()
    if same is not None:
        raise ValidationError(
            _(
                "This aid is already recorded (recorded %(when)s). If it is another grant, enter its "
                "decision reference."
            )
            % {"when": timezone.localtime(same.recorded_at).strftime("%Y-%m-%d %H:%M")}
        )


@transaction.atomic
def record_aid(*, company: Company, by, data: dict[str, Any]) -> DeMinimisAid:
    """Record de minimis aid on the company. Raises a ValidationError by field, or CeilingExceeded when the
    undertaking would pass the ceiling and `data["override_reason"]` is empty."""
    amount, rate = validate_aid(company, data)
    currency = data["currency"]
    amount_eur = to_eur(amount, currency, rate)
    ids = _lock_undertaking([company.pk])
    _refuse_a_second_submit(company, data, amount, currency)
    ceiling = check_ceiling(ids, data["granted_on"], amount_eur)
    reason = str(data.get("override_reason") or "").strip()
    if ceiling.passes and not reason:
        raise CeilingExceeded(ceiling)
    support = data.get("support")
    project = data.get("project") or (support.participation.project if support else None)
    try:
        with transaction.atomic():
            aid = DeMinimisAid.objects.create(
                company=company,
                project=project,
                support=support,
                granted_on=data["granted_on"],
                amount=amount,
                currency=currency,
                sek_per_eur=rate if currency == Currency.SEK else None,
                amount_eur=amount_eur,
                granting_body=str(data["granting_body"]).strip(),
                granted_outside_portal=bool(data.get("granted_outside_portal")),
                reference=str(data.get("reference") or "").strip(),
                override_reason=reason if ceiling.passes else "",
                overridden_by=by if ceiling.passes else None,
                recorded_by=by,
            )
    except IntegrityError as error:  # the same support's aid recorded twice at once
        raise ValidationError({"support": [_("Aid is already recorded for this support.")]}) from error
    if ceiling.passes:
        audit_record(
            OVERRIDE_ACTION, actor=by, obj=aid, reason=reason, company=company.name, **ceiling.as_dict()
        )
    return aid


# --- Undertaking links -----------------------------------------------------------------------------------


@transaction.atomic
def link_companies(*, company: Company, linked_company: Company, by, note: str = "") -> UndertakingLink:
    """Record that two companies are one undertaking (one row per pair, the lower id first). Both
    undertakings are locked, so that a grant being recorded on either sees the link or finishes first."""
    errors: dict[str, list] = {}
    if linked_company.pk == company.pk:
        errors["linked_company"] = [_("A company cannot be linked to itself.")]
    elif linked_company.merged_into_id is not None or company.merged_into_id is not None:
        errors["linked_company"] = [_("A merged company cannot be linked. Link the company it merged into.")]
    if problems := text_errors(note or "", 300):
        errors["note"] = problems
    if errors:
        raise ValidationError(errors)
    low, high = sorted((company, linked_company), key=lambda c: c.pk)
    _lock_undertaking([low.pk, high.pk])
    if UndertakingLink.objects.filter(company=low, linked_company=high).exists():
        raise ValidationError({"linked_company": [_("These companies are already linked.")]})
    try:
        with transaction.atomic():
            link = UndertakingLink.objects.create(
                company=low, linked_company=high, note=note or "", created_by=by
            )
    except IntegrityError as error:
        raise ValidationError({"linked_company": [_("These companies are already linked.")]}) from error
    audit_record(LINK_ACTION, actor=by, obj=company, linked_company=linked_company.name, note=note or "")
    return link


@transaction.atomic
def unlink_companies(*, link: UndertakingLink, by) -> None:
    _lock_undertaking([link.company_id, link.linked_company_id])
    audit_record(
        UNLINK_ACTION, actor=by, obj=link.company, linked_company=link.linked_company.name, note=link.note
    )
    UndertakingLink.objects.filter(pk=link.pk).delete()
