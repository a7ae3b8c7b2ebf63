"""Demo data for the national roll-up (issue 18): a second region, Exportcenter Värmland (county 17), with a
few partners, companies, requests, confirmed export outcomes and answered satisfaction surveys, so that its
cells are not all "fewer than 5"; the national coordinator's login (Tillväxtverket, serving no region);
the SAMPLE county population and export statistics (reference/data/*_SAMPLE_*.csv, not SCB's figures).

Idempotent and deterministic: everything is keyed (organisation numbers, the intake's idempotency keys,
one survey per request, outcomes by company, kind and date); it sends no email.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from advisors.models import Organisation, Region, User
from companies.models import Company, FlagSource
from companies.services import confirm_international_flags
from dashboards.models import RegionalGoal
from effects.models import ExportOutcome, SatisfactionSurvey, SurveyStatus
from exportcenter.workdays import STOCKHOLM
from reference.models import Municipality
from reference.scb import load_samples
from referrals import services
from referrals.models import AdviceRequest, NeedCategory
from referrals.need_categories import seed_need_categories

from .partners import DEMO_PASSWORD, DemoLogin
from .requests import submit_quietly

REGION_SLUG = "varmland"
NATIONAL_EMAIL = "nora.national@tillvaxtverket.example"
NATIONAL_ORGANISATION = "tillvaxtverket"

PARTNERS = [
    ("almi-varmland", "Almi Värmland", Organisation.Kind.ALMI, "varmland@almi.example"),
    ("region-varmland", "Region Värmland", Organisation.Kind.REGION, "naringsliv@regionvarmland.example"),
]
# National partners that serve Värmland too (they exist already in the Uppsala demo).
SHARED_PARTNERS = ["business-sweden", "ekn"]
PEOPLE = [
    ("vera.staff@regionvarmland.example", "Vera Viklund", "region-varmland", User.Role.REGIONAL_STAFF),
    ("kalle.advisor@almi.example", "Kalle Karlsson", "almi-varmland", User.Role.ADVISOR),
]
# name, municipality, employee band
COMPANIES = [
    ("Klarälven Trä AB", "1780", "20-49"),
    ("Vänerhamn Logistik AB", "1780", "50-99"),
    ("Fryksdalens Ost AB", "1766", "10-19"),
    ("Arvika Glas AB", "1784", "5-9"),
    ("Säffle Båtvarv AB", "1785", "20-49"),
    ("Kristinehamn Mekaniska AB", "1781", "100-199"),
    ("Hagfors Stålform AB", "1783", "50-99"),
    ("Torsby Skogsdata AB", "1737", "1-4"),
    ("Grums Papperskonsult AB", "1764", "10-19"),
    ("Eda Gränshandel AB", "1730", "5-9"),
    ("Hammarö Marin AB", "1761", "20-49"),
    ("Sunne Design AB", "1766", "1-4"),
]
MARKETS = ["NO", "DE", "FI", "DK", "GB", "US", "NL"]
DESCRIPTIONS = [
    "Vi vill börja exportera ({market}) och behöver hjälp att komma igång.",
    "Vi har fått en första order från en kund ({market}) och behöver hjälp med betalningen.",
]
KINDS = [
    ExportOutcome.Kind.FIRST_EXPORT,
    ExportOutcome.Kind.NEW_MARKET,
    ExportOutcome.Kind.NEW_MARKET,
    ExportOutcome.Kind.NEW_CUSTOMER,
    ExportOutcome.Kind.LARGER_DEAL,
    ExportOutcome.Kind.NEW_MARKET,
    ExportOutcome.Kind.FIRST_EXPORT,
    ExportOutcome.Kind.SAVED,
]


def org_number(n: int) -> str:
    """A valid demo organisation number (limited company, Luhn check digit): 55670000NC."""
    body = f"556800{n:03d}"
    total = 0
    for i, digit in enumerate(int(c) for c in body):
        product = digit * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return body + str((10 - total % 10) % 10)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


@transaction.atomic
def seed_network() -> tuple[Region, dict[str, Organisation], list[DemoLogin]]:
    region, _ = Region.objects.update_or_create(
        slug=REGION_SLUG, defaults={"name": "Exportcenter Värmland", "is_active": True}
    )
    region.counties.set(["17"])
    organisations = {}
    for slug, name, kind, email in PARTNERS:
        organisation, _ = Organisation.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "email": email, "is_active": True}
        )
        organisation.regions.add(region)
        organisations[slug] = organisation
    for shared in Organisation.objects.filter(slug__in=SHARED_PARTNERS):
        shared.regions.add(region)
    if region.operator_id is None:
        region.operator = organisations["almi-varmland"]
        region.save(update_fields=["operator"])
    national, _ = Organisation.objects.update_or_create(
        slug=NATIONAL_ORGANISATION,
        defaults={
            "name": "Tillväxtverket",
            "kind": Organisation.Kind.OTHER,
            "email": "registrator@tillvaxtverket.example",
            "description_sv": "Nationell samordning av de regionala exportcentren.",
            "description_en": "National coordination of the regional export centers.",
            "is_active": True,
        },
    )
    national.regions.clear()  # a national organisation serves no region: its people see aggregates only
    logins = []
    for email, full_name, slug, role in [
        *PEOPLE,
        (NATIONAL_EMAIL, "Nora Nilsson", NATIONAL_ORGANISATION, User.Role.NATIONAL),
    ]:
        organisation = national if slug == NATIONAL_ORGANISATION else organisations[slug]
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": full_name, "organisation": organisation, "role": role}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        logins.append(DemoLogin(email, user.get_role_display(), user.organisation.name))
    return region, organisations, logins


def logins() -> list[DemoLogin]:
    """The logins this module seeds (seed_demo prints them with the others)."""
    people = User.objects.filter(email__in=[NATIONAL_EMAIL, *(p[0] for p in PEOPLE)]).select_related(
        "organisation"
    )
    return [DemoLogin(u.email, u.get_role_display(), u.organisation.name) for u in people.order_by("email")]


def _requests(region: Region, today: date) -> list[AdviceRequest]:
    seed_need_categories()
    needs = list(NeedCategory.objects.filter(is_active=True).order_by("position", "pk"))
    rng = random.Random(1718)
    made = []
    for n, (name, municipality, band) in enumerate(COMPANIES):
        # Two requests from most companies, one from the rest: 20 in all.
        for k in range(2 if n < 8 else 1):
            submission = services.Submission(
                org_number=org_number(n),
                legal_form="limited_company",
                company_name=name,
                municipality=Municipality.objects.get(pk=municipality),
                website="",
                employee_band=band,
                sells=rng.choice(["goods", "services", "both"]),
                export_experience="never" if n % 3 == 0 else "occasional",
                export_countries=[],
                needs=rng.sample(needs, k=1),
                target_markets=rng.sample(MARKETS, k=2),
                # A different text per request: the same text from the same contact is a resent form.
                description=DESCRIPTIONS[k].format(market=MARKETS[n % len(MARKETS)]),
                contact_name=f"Kontakt {n + 1}",
                contact_email=f"kontakt{n + 1}@{name.split()[0].lower()}.example",
                contact_phone="",
                language="sv",
                preferred_contact_method="email",
                idempotency_key=f"demo-national-request-{n:02d}-{k}",
            )
            made.append(submit_quietly(submission))
    return made


def _date_and_close(requests: list[AdviceRequest], organisations: dict, today: date) -> None:
    """Spread the demo requests over the last months, owned within a working day, answered and closed."""
    almi = organisations["almi-varmland"]
    advisor = User.objects.get(email=PEOPLE[1][0])
    start = max(date(today.year, 1, 2), today - timedelta(days=150))
    for n, request in enumerate(requests):
        if request.region.slug != REGION_SLUG or request.status == AdviceRequest.Status.CLOSED:
            continue
        day = start + timedelta(days=(n * 7) % max(1, (today - start).days))
        created = _at(day, 9 + n % 5)
        AdviceRequest.objects.filter(pk=request.pk).update(
            created_at=created,
            owner_organisation=almi,
            owner_advisor=advisor,
            owner_since=created + timedelta(hours=2 + n % 4),
            first_response_due_at=created + timedelta(days=1, hours=8),
            first_response_at=created + timedelta(hours=3 + n % 6),
            status=AdviceRequest.Status.CLOSED,
            outcome=AdviceRequest.Outcome.HELPED,
            closed_at=created + timedelta(days=6),
        )


def _surveys(region: Region, organisations: dict) -> int:
    closed = AdviceRequest.objects.filter(region=region, status=AdviceRequest.Status.CLOSED).order_by("pk")
    ratings = [5, 4, 5, 3, 4, 5, 4, 5, 2, 4, 5, 4]
    made = 0
    for n, request in enumerate(closed[: len(ratings)]):
        answered = request.closed_at + timedelta(days=2)
        _survey, created = SatisfactionSurvey.objects.get_or_create(
            request=request,
            defaults={
                "organisation": organisations["almi-varmland"],
                "region": region,
                "status": SurveyStatus.ANSWERED,
                "sent_at": request.closed_at,
                "answered_at": answered,
                "satisfaction": ratings[n],
                "right_partner_in_one_day": "yes" if ratings[n] >= 4 else "no",
                "handover_clear": "yes",
                "comment": "",
            },
        )
        made += created
    return made


def _outcomes(region: Region, organisations: dict, today: date) -> int:
    companies = list(
        Company.objects.active()
        .filter(org_number__in=[org_number(n) for n in range(len(KINDS))])
        .order_by("org_number")
    )
    made = 0
    for n, company in enumerate(companies):
        for year_back in (0, 1):
            achieved = date(today.year - year_back, max(1, min(today.month - 1, 1 + n % 9)), 1 + n)
            if year_back == 0 and achieved > today:
                achieved = today - timedelta(days=n + 1)
            key = {"company": company, "kind": KINDS[n], "achieved_on": achieved}
            if ExportOutcome.objects.filter(**key).exists():
                continue
            ExportOutcome.objects.create(
                **key,
                region=region,
                organisation=organisations["almi-varmland"],
                market=MARKETS[n % len(MARKETS)],
                sells=ExportOutcome.Sells.GOODS if n % 4 else ExportOutcome.Sells.BOTH,
                value_band=[
                    ExportOutcome.ValueBand.FROM_100K,
                    ExportOutcome.ValueBand.FROM_1M,
                    ExportOutcome.ValueBand.UNDER_100K,
                ][n % 3]
                if year_back
                else [ExportOutcome.ValueBand.FROM_1M, ExportOutcome.ValueBand.FROM_100K][n % 2],
                status=ExportOutcome.Status.CONFIRMED,
                asked_at=_at(achieved) + timedelta(days=3),
                answered_at=_at(achieved) + timedelta(days=5),
                support_meaning=ExportOutcome.SupportMeaning.PREREQUISITE
                if n % 2
                else ExportOutcome.SupportMeaning.FASTER,
                without_support=ExportOutcome.WithoutSupport.SOME,
            )
            made += 1
        if company.international_confirmed_on is None:
            confirm_international_flags(
                company=company,
                flags={"exports_goods": True},
                source=FlagSource.COMPANY_OUTCOME,
                on=min(today, date(today.year, max(1, today.month - 1), 1) + timedelta(days=n)),
            )
    return made


def _goal(region: Region, today: date) -> None:
    RegionalGoal.objects.get_or_create(
        region=region,
        year=today.year,
        kind=RegionalGoal.Kind.INTERNATIONAL_COMPANIES,
        name="",
        defaults={
            "target": 40,
            "starts_on": date(today.year, 1, 1),
            "ends_on": date(today.year, 12, 31),
            "official_baseline": 620,
            "official_baseline_source": "SAMPLE (not SCB's figure)",
            "official_baseline_year": today.year - 1,
        },
    )


def seed() -> int:
    """Seed the second region and the national coordinator. Returns the rows made this time."""
    load_samples()
    today = timezone.localdate()
    region, organisations, _logins = seed_network()
    requests = _requests(region, today)
    with transaction.atomic():
        _date_and_close(requests, organisations, today)
        made = _surveys(region, organisations) + _outcomes(region, organisations, today)
        _goal(region, today)
    return len(requests) + made
