"""Demo advice requests from the demo company register. Idempotent, deterministic, and they send no email."""

import random
from dataclasses import dataclass

from django.db import transaction

from companies.models import Company
from notifications.models import OutboundEmail

from . import services, status_links
from .models import AdviceRequest, NeedCategory
from .need_categories import seed_need_categories

DESCRIPTIONS = [
    ("sv", "Vi har fått en förfrågan från en kund i Tyskland och vill veta hur vi säkrar betalningen."),
    ("sv", "Vi vill börja sälja våra produkter i Norge och Danmark men vet inte var vi ska börja."),
    ("en", "We are looking for distributors in the Netherlands and need help with market analysis."),
    ("sv", "Behöver hjälp med CE-märkning inför lansering i EU."),
    ("sv", "Vi behöver finansiering för en stor order från Finland."),
    ("en", "We want to attend a trade fair in Japan next spring. What support is there?"),
    ("sv", "Hur fungerar EORI-nummer och ursprungsregler när vi exporterar till Storbritannien?"),
    ("sv", "Vi är ett startup med en medicinteknisk produkt och vill växa i USA."),
]
MARKETS = ["DE", "NO", "DK", "FI", "NL", "GB", "US", "JP", "PL", "FR"]


@dataclass(frozen=True)
class DemoRequests:
    requests: int
    status_url: str


def seed(*, count: int = 24) -> DemoRequests:
    seed_need_categories()
    rng = random.Random(2026)
    needs = list(NeedCategory.objects.filter(is_active=True))
    companies = list(
        Company.objects.active()
        .filter(contacts__is_primary=True, municipality__county_id="03")
        .select_related("municipality")
        .order_by("org_number")[:count]
    )
    created = []
    for n, company in enumerate(companies):
        contact = company.contacts.get(is_primary=True)
        language, description = DESCRIPTIONS[n % len(DESCRIPTIONS)]
        submission = services.Submission(
            org_number=company.org_number,
            legal_form=company.legal_form,
            company_name=company.name,
            municipality=company.municipality,
            website=company.website,
            employee_band=company.employee_band,
            sells=rng.choice(["goods", "services", "both"]),
            export_experience=company.export_experience or "never",
            export_countries=[str(code) for code in company.export_countries],
            needs=rng.sample(needs, k=rng.randint(1, 3)),
            target_markets=rng.sample(MARKETS, k=rng.randint(1, 3)),
            description=description,
            contact_name=contact.name,
            contact_email=contact.email,
            contact_phone=contact.phone,
            language=language,
            preferred_contact_method="email",
            idempotency_key=f"demo-request-{n:04d}",
        )
        with transaction.atomic():
            request = services.submit_request(submission=submission)
            # Demo requests email nobody: drop what the intake queued, before the worker sees it.
            OutboundEmail.objects.filter(
                key__in=[f"request-confirmation:{request.pk}", f"request-triage:{request.pk}"]
            ).delete()
        created.append(request)
    first = min(created, key=lambda r: r.pk) if created else None
    return DemoRequests(
        requests=AdviceRequest.objects.filter(pk__in=[r.pk for r in created]).count(),
        status_url=status_links.status_url(first) if first else "",
    )
