"""Who wrote: the sender of an email that starts a new request, matched to a contact and a company (issue 20).

1. A contact with the sender's address (case-insensitive; the most recently updated one of a live company).
2. Else an organisation number with a valid check digit (Luhn) in the subject or text: the registered company.
3. Else a new company made from the sender (its name from the display name, else the domain), with a new
   contact. The request then remembers that its company is a guess (``submitted["email"]["company_matched_by"]
   == "new"``) and the advisor sees "did you mean" (`suggestions`) on the request page.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

from companies import services as company_services
from companies.identifiers import LegalForm, parse_organisation_number
from companies.models import Company, CompanySource, Contact

# Free mail services: a shared domain says nothing about the company.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "outlook.se",
        "hotmail.com",
        "hotmail.se",
        "live.com",
        "live.se",
        "msn.com",
        "yahoo.com",
        "yahoo.se",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "telia.com",
        "bredband.net",
        "comhem.se",
        "spray.se",
        "gmx.com",
        "gmx.net",
        "mail.com",
    }
)

# "556677-8899", "5566778899", "16556677-8899", "org.nr 556677 8899"
_ORG_NUMBER = re.compile(r"(?<!\d)(?:16)?(\d{6})[\s-]?(\d{4})(?!\d)")
MAX_SCANNED_TEXT = 100_000


class MatchedBy:
    CONTACT = "contact"
    ORG_NUMBER = "org_number"
    NEW = "new"


@dataclass
class Sender:
    company: Company
    contact: Contact
    matched_by: str  # MatchedBy


def contact_for_address(address: str) -> Contact | None:
    """The contact with this email (a live company's, most recently updated), or None."""
    if not address:
        return None
    return (
        Contact.objects.filter(email__iexact=address, company__merged_into__isnull=True, anonymised_at=None)
        .select_related("company")
        .order_by("-updated_at", "-pk")
        .first()
    )


def org_numbers_in(text: str) -> list[str]:
    """Valid organisation numbers (check digit right, not a personal identity number) in the text."""
    found = []
    for first, last in _ORG_NUMBER.findall((text or "")[:MAX_SCANNED_TEXT]):
        try:
            number = parse_organisation_number(first + last)
        except ValidationError:
            continue
        if not number.is_personal and number.digits not in found:
            found.append(number.digits)
    return found


def _company_name(address: str, name: str) -> str:
    domain = address.rpartition("@")[2].lower()
    if domain and domain not in FREE_MAIL_DOMAINS:
        label = domain.split(".")[-2] if domain.count(".") >= 1 else domain
        return label[:1].upper() + label[1:]
    return (name or address or "?")[:200]


def match_sender(*, address: str, name: str, text: str, municipality, language: str = "sv") -> Sender:
    """The contact and company of an email's sender: found, or made (see the module's doc)."""
    contact = contact_for_address(address)
    if contact is not None:
        return Sender(company=contact.company, contact=contact, matched_by=MatchedBy.CONTACT)
    company = None
    for digits in org_numbers_in(text):
        company = company_services.existing_company_for(digits)
        if company is not None:
            break
    contact_data = {
        "name": (name or address.partition("@")[0] or "?")[:200],
        "email": address[:254],
        "preferred_language": language,
        "legal_basis": Contact.LegalBasis.PUBLIC_TASK,
        "source": CompanySource.EMAIL,
    }
    if company is None:  # a company of its own, made with its contact (in one go: issue 16)
        company, contact = company_services.register_company_with_contact(
            by=None,
            data={
                "org_number": None,
                "legal_form": LegalForm.UNREGISTERED,
                "name": _company_name(address, name),
                "municipality": municipality,
            },
            contact=contact_data,
            source=CompanySource.EMAIL,
        )
        return Sender(company=company, contact=contact, matched_by=MatchedBy.NEW)
    contact = company_services.add_contact(company=company, by=None, data=contact_data)
    return Sender(company=company, contact=contact, matched_by=MatchedBy.ORG_NUMBER)


def sender_domain(address: str) -> str:
    domain = (address or "").rpartition("@")[2].lower()
    return "" if domain in FREE_MAIL_DOMAINS else domain


MAX_SUGGESTIONS = 5


def suggestions(request) -> list[Company]:
    """For a request made from an email whose company is a guess: companies it may really be ("did you mean").

    Companies whose contacts share the sender's email domain (not a free mail service), then companies with
    a similar name; never the request's own company, never merged ones. At most MAX_SUGGESTIONS.
    """
    email = (request.submitted or {}).get("email") or {}
    if email.get("company_matched_by") != MatchedBy.NEW:
        return []
    address = email.get("from", "") or (request.contact.email if request.contact else "")
    found: list[Company] = []
    live = Company.objects.filter(merged_into__isnull=True).exclude(pk=request.company_id)
    if domain := sender_domain(address):
        found += list(
            live.filter(contacts__email__iendswith=f"@{domain}")
            .distinct()
            .order_by("name", "pk")[:MAX_SUGGESTIONS]
        )
    words = [word for word in re.split(r"\W+", request.company.name) if len(word) >= 3][:3]
    if words and len(found) < MAX_SUGGESTIONS:
        similar = Q()
        for word in words:
            similar |= Q(name__icontains=word)
        found += list(
            live.filter(similar)
            .exclude(pk__in=[company.pk for company in found])
            .order_by("name", "pk")[: MAX_SUGGESTIONS - len(found)]
        )
    return found
