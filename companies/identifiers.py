"""Swedish organisation numbers and sole traders' personal identity numbers.

Accepted input: 10 digits with or without the dash, a `16` prefix (`16NNNNNN-NNNN`), a sole trader's
12-digit personal number (`19YYMMDD-NNNN`), and surrounding spaces. Stored form: 10 digits, no dash.
Validation is python-stdnum's (`stdnum.se.orgnr`, `stdnum.se.personnummer`).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.se import orgnr, personnummer

from exportcenter.bad_input import whole_number


class LegalForm(models.TextChoices):
    """Derived from the first digit of an organisation number; a personal number means a sole trader."""

    SOLE_TRADER = "sole_trader", _("Sole trader (enskild firma)")
    ESTATE = "estate", _("Estate of a deceased person")
    PUBLIC_SECTOR = "public_sector", _("Public sector")
    FOREIGN = "foreign", _("Foreign company")
    LIMITED_COMPANY = "limited_company", _("Limited company (AB)")
    SIMPLE_PARTNERSHIP = "simple_partnership", _("Simple partnership")
    ECONOMIC_ASSOCIATION = "economic_association", _("Economic association")
    NON_PROFIT = "non_profit", _("Non-profit association or foundation")
    PARTNERSHIP = "partnership", _("Trading or limited partnership")
    UNREGISTERED = "unregistered", _("Not registered yet")


LEGAL_FORM_BY_FIRST_DIGIT = {
    "1": LegalForm.ESTATE,
    "2": LegalForm.PUBLIC_SECTOR,
    "3": LegalForm.FOREIGN,
    "5": LegalForm.LIMITED_COMPANY,
    "6": LegalForm.SIMPLE_PARTNERSHIP,
    "7": LegalForm.ECONOMIC_ASSOCIATION,
    "8": LegalForm.NON_PROFIT,
    "9": LegalForm.PARTNERSHIP,
}

MAX_INPUT_LENGTH = 20
_SEPARATORS = re.compile(r"[\s\-+]")


@dataclass(frozen=True)
class OrganisationNumber:
    digits: str  # the stored form: 10 digits
    legal_form: str

    @property
    def is_personal(self) -> bool:
        return self.legal_form == LegalForm.SOLE_TRADER

    @property
    def formatted(self) -> str:
        return format_number(self.digits)

    @property
    def masked(self) -> str:
        return mask_number(self.digits) if self.is_personal else self.formatted


def format_number(digits: str) -> str:
    return f"{digits[:6]}-{digits[6:]}" if digits and len(digits) == 10 else digits or ""


def mask_number(digits: str) -> str:
    """A personal identity number with nothing left to identify the person."""
    return "••••••-••••" if digits else ""


def is_personal_number(digits: str) -> bool:
    """Legal entities have 20 or more in the 3rd–4th digits; a birth month (01–12) means a person."""
    return len(digits) == 10 and int(digits[2:4]) < 20


def parse_organisation_number(raw: str) -> OrganisationNumber:
    """Normalise and validate; raise ValidationError with a message the user can act on."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter an organisation number."), code="required")
    if len(text) > MAX_INPUT_LENGTH:
        raise ValidationError(_("An organisation number has 10 digits, like 556677-8899."), code="length")
    compact = _SEPARATORS.sub("", text)
    if not whole_number(compact):
        raise ValidationError(
            _("An organisation number may only contain digits and a dash, like 556677-8899."), code="format"
        )
    century_prefixed = len(compact) == 12
    if century_prefixed:
        prefix, compact = compact[:2], compact[2:]
        if prefix != "16" and prefix not in ("18", "19", "20"):
            raise ValidationError(_("An organisation number has 10 digits, like 556677-8899."), code="length")
        if prefix != "16" and not is_personal_number(compact):
            raise ValidationError(_("An organisation number has 10 digits, like 556677-8899."), code="length")
    if len(compact) != 10:
        raise ValidationError(_("An organisation number has 10 digits, like 556677-8899."), code="length")

    if is_personal_number(compact):
        try:
            personnummer.validate(compact)
        except InvalidChecksum:
            raise ValidationError(
                _("The check digit is wrong. Check the personal identity number."), code="checksum"
            ) from None
        except (InvalidComponent, InvalidFormat, InvalidLength):
            raise ValidationError(
                _("This is not a valid personal identity number: the birth date does not exist."), code="date"
            ) from None
        return OrganisationNumber(compact, LegalForm.SOLE_TRADER)

    try:
        orgnr.validate(compact)
    except InvalidChecksum:
        raise ValidationError(
            _("The check digit is wrong. Check the organisation number."), code="checksum"
        ) from None
    except (InvalidComponent, InvalidFormat, InvalidLength):
        raise ValidationError(_("This is not a valid organisation number."), code="invalid") from None
    legal_form = LEGAL_FORM_BY_FIRST_DIGIT.get(compact[0])
    if legal_form is None:
        raise ValidationError(
            _("No legal form starts with this digit. Check the organisation number."), code="form"
        )
    return OrganisationNumber(compact, legal_form)


def looks_like_number(text: str) -> str | None:
    """For search: the digits of a (partial) org number typed in a search box, else None."""
    compact = _SEPARATORS.sub("", (text or "").strip())
    if len(compact) < 4 or not whole_number(compact):
        return None
    if len(compact) == 12 and (compact.startswith("16") or is_personal_number(compact[2:])):
        return compact[2:]  # the 16 prefix, or the century of a personal identity number
    return compact
