"""Demo advice requests from the demo company register, and referrals between the demo partners.
Idempotent, deterministic, and they send no email.

Each demo request is keyed on the demo register's plan (`demo.companies.demo_plans`), never on what the
register holds now: companies people add, and contacts they edit, change nothing on the next run.
"""

import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from advisors.models import Organisation, User
from companies.models import Company
from notifications.models import Notification, OutboundEmail
from referrals import services, status_links
from referrals.models import AdviceRequest, NeedCategory, Referral
from referrals.need_categories import seed_need_categories

from . import companies as companies_demo

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
    referrals: int = 0


def seed(*, count: int = 24) -> DemoRequests:
    seed_need_categories()
    rng = random.Random(2026)
    needs = list(NeedCategory.objects.filter(is_active=True))
    # The first demo companies by number (all in Uppsala län, each with a primary contact).
    plans = sorted(companies_demo.demo_plans(), key=lambda plan: plan.fields["org_number"])[:count]
    numbers = [plan.fields["org_number"] for plan in plans]
    companies = {
        company.org_number: company
        for company in Company.objects.active().filter(org_number__in=numbers).select_related("municipality")
    }
    created = []
    for n, plan in enumerate(plans):
        company = companies.get(plan.fields["org_number"])
        contact = next(contact for contact in plan.contacts if contact["is_primary"])
        language, description = DESCRIPTIONS[n % len(DESCRIPTIONS)]
        sells = rng.choice(["goods", "services", "both"])
        chosen_needs = rng.sample(needs, k=rng.randint(1, 3))
        markets = rng.sample(MARKETS, k=rng.randint(1, 3))
        if company is None:  # removed from the register since: its request, if any, stays
            continue
        submission = services.Submission(
            org_number=company.org_number,
            legal_form=company.legal_form,
            company_name=company.name,
            municipality=company.municipality,
            website=company.website,
            employee_band=company.employee_band,
            sells=sells,
            export_experience=company.export_experience or "never",
            export_countries=[str(code) for code in company.export_countries],
            needs=chosen_needs,
            target_markets=markets,
            description=description,
            contact_name=contact["name"],
            contact_email=contact["email"],
            contact_phone=contact["phone"],
            language=language,
            preferred_contact_method="email",
            idempotency_key=f"demo-request-{n:04d}",
        )
        created.append(submit_quietly(submission))
    first = min(created, key=lambda r: r.pk) if created else None
    return DemoRequests(
        requests=AdviceRequest.objects.filter(pk__in=[r.pk for r in created]).count(),
        status_url=status_links.status_url(first) if first else "",
        referrals=seed_referrals(created),
    )


def submit_quietly(submission: services.Submission) -> AdviceRequest:
    """Submit a demo request (idempotent on its key) that emails nobody and is already seen in the queue."""
    with transaction.atomic():
        request = services.submit_request(submission=submission)
        # Demo requests email nobody: drop what the intake queued, before the worker sees it.
        OutboundEmail.objects.filter(
            Q(key__in=[f"request-confirmation:{request.pk}", f"request-triage:{request.pk}"])
            | Q(key__startswith=f"notification:new-request:{request.pk}:")
        ).delete()
        # They arrived before the demo begins: the queue has seen them (no pile of unread on sign-in).
        Notification.objects.filter(key=f"new-request:{request.pk}").update(read_at=timezone.now())
    return request


# Who refers and who answers: the demo people of demo.partners.
REFERRER = "anna.advisor@almi.example"
ANSWERERS = {
    "ekn": "eva.advisor@ekn.example",
    "business-sweden": "bo.advisor@business-sweden.example",
    "sek": "sara.advisor@sek.example",
}


# What Almi writes when it refers; the notes also tell the demo's referrals from those people add later.
NOTES = {
    "credit_risk": "Kunden i Tyskland vill ha 90 dagars kredit. "
    "Företaget undrar hur de kan säkra betalningen.",
    "market": "Företaget behöver en marknadsanalys och kontakter med distributörer. Vi har haft ett "
    "behovssamtal; de är redo att börja.",
    "finance": "En stor order från Finland som behöver finansieras.",
    "guarantee": "SEK tyckte att affären är för liten för dem. Kan en rörelsekreditgaranti via banken passa?",
}


def _quietly(referral: Referral) -> None:
    """Demo referrals email nobody: drop what the services queued, before the worker sees it."""
    OutboundEmail.objects.filter(
        Q(key__startswith="referral-", key__endswith=f":{referral.pk}")
        | Q(key__startswith="notification:referral-", key__contains=f":{referral.pk}:")
    ).delete()


def _refer(request: AdviceRequest, to: Organisation, by: User, *, needs=(), note: str) -> Referral:
    request.refresh_from_db()
    referral = services.refer_request(
        request=request,
        to_organisation=to,
        by=by,
        needs=list(needs),
        note=note,
        consent=services.Consent(
            method=Referral.ConsentMethod.PHONE, details="Kontaktpersonen, per telefon."
        ),
        expected_version=request.version,
    )
    _quietly(referral)
    return referral


def seed_referrals(requests: list[AdviceRequest]) -> int:
    """A few referrals of the demo requests, all from Almi (which runs the center and takes them first):

    - one about buyer credit risk, waiting for EKN's answer;
    - one of a whole request, accepted by Business Sweden;
    - one declined by SEK (with its reason), then referred to EKN instead.

    Nothing is added when the demo people are missing or the requests have referrals already. Returns
    how many of the demo's referrals there are (not those people made since).
    """
    people = {user.email: user for user in User.objects.filter(email__in=[REFERRER, *ANSWERERS.values()])}
    organisations = {org.slug: org for org in Organisation.objects.filter(slug__in=ANSWERERS)}
    if len(people) < 1 + len(ANSWERERS) or len(organisations) < len(ANSWERERS):
        return 0
    requests = sorted(requests, key=lambda request: request.reference)
    demo_referrals = Referral.objects.filter(request__in=requests, note__in=NOTES.values())
    if Referral.objects.filter(request__in=requests).exists():
        return demo_referrals.count()
    credit_risk = NeedCategory.objects.filter(slug="buyer-credit-risk").first()
    about_credit_risk = next((r for r in requests if credit_risk in r.needs.all()), None)
    others = [r for r in requests if r != about_credit_risk]
    if about_credit_risk is None or len(others) < 2:
        return 0
    anna = people[REFERRER]
    with transaction.atomic():
        for request in (about_credit_risk, *others[:2]):
            services.claim(request=request, advisor=anna)

        _refer(
            about_credit_risk,
            organisations["ekn"],
            anna,
            needs=[credit_risk],
            note=NOTES["credit_risk"],
        )

        accepted = _refer(
            others[0],
            organisations["business-sweden"],
            anna,
            note=NOTES["market"],
        )
        bo = people[ANSWERERS["business-sweden"]]
        services.accept_referral(referral=accepted, by=bo, advisor=bo)
        _quietly(accepted)

        declined = _refer(
            others[1],
            organisations["sek"],
            anna,
            note=NOTES["finance"],
        )
        services.decline_referral(
            referral=declined,
            by=people[ANSWERERS["sek"]],
            reason="Affären är för liten för SEK. En garanti från EKN via banken passar bättre.",
        )
        _quietly(declined)
        _refer(
            others[1],
            organisations["ekn"],
            anna,
            note=NOTES["guarantee"],
        )
    return demo_referrals.count()
