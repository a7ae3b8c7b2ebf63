"""Demo partners and people for Exportcenter Uppsala län (seed 000). Idempotent."""

from dataclasses import dataclass

from django.db import transaction

from .models import Organisation, Region, User

DEMO_PASSWORD = "Exportera-2026!"  # noqa: S105 - printed on purpose: demo data for a local machine only

PARTNERS = [
    (
        "almi",
        "Almi Uppsala",
        Organisation.Kind.ALMI,
        "uppsala@almi.example",
        "Behovssamtal, lån och riskkapital till små och medelstora företag, samt rådgivning om exportmognad.",
        "Needs meetings, loans and venture capital for small and medium-sized companies; export readiness.",
    ),
    (
        "business-sweden",
        "Business Sweden",
        Organisation.Kind.BUSINESS_SWEDEN,
        "uppsala@business-sweden.example",
        "Regional exportrådgivare: marknadsanalys, kunder och partner utomlands, Småföretagsprogrammet.",
        "Regional export adviser: market analysis, customers and partners abroad, the SME programme.",
    ),
    (
        "ekn",
        "EKN – Exportkreditnämnden",
        Organisation.Kind.EKN,
        "info@ekn.example",
        "Exportkreditgarantier: garanti för kundfordringar och rörelsekreditgaranti via banken.",
        "Export credit guarantees: guarantees on customer receivables and working-capital credit guarantees.",
    ),
    (
        "sek",
        "SEK – Svensk Exportkredit",
        Organisation.Kind.SEK,
        "info@sek.example",
        "Exportfinansiering för större och längre affärer, oftast med bank och EKN-garanti.",
        "Export finance for larger and longer deals, usually with a bank and an EKN guarantee.",
    ),
    (
        "een",
        "Enterprise Europe Network",
        Organisation.Kind.EEN,
        "uppsala@een.example",
        "EU-regler och finansiering, partnersök över gränserna och tekniköverföring.",
        "EU rules and funding, cross-border partner search and technology transfer.",
    ),
    (
        "uic",
        "Uppsala Innovation Centre",
        Organisation.Kind.INNOVATION_CENTRE,
        "hello@uic.example",
        "Affärsutveckling för innovativa startups och scaleups.",
        "Business development for innovative start-ups and scale-ups.",
    ),
    (
        "connect",
        "Connect Uppsala",
        Organisation.Kind.INNOVATION_CENTRE,
        "info@connect.example",
        "Nätverk, mentorer och kapital för tillväxtföretag.",
        "Networks, mentors and capital for growth companies.",
    ),
    (
        "region-uppsala",
        "Region Uppsala",
        Organisation.Kind.REGION,
        "naringsliv@regionuppsala.example",
        "Internationaliseringscheckar och regional näringslivsutveckling.",
        "Internationalisation checks and regional business development.",
    ),
]

PEOPLE = [
    ("anna.advisor@almi.example", "Anna Andersson", "almi", User.Role.ADVISOR),
    ("lars.lead@almi.example", "Lars Larsson", "almi", User.Role.ORGANISATION_LEAD),
    ("bo.advisor@business-sweden.example", "Bo Berg", "business-sweden", User.Role.ADVISOR),
    ("eva.advisor@ekn.example", "Eva Ek", "ekn", User.Role.ADVISOR),
    ("erik.lead@ekn.example", "Erik Ekström", "ekn", User.Role.ORGANISATION_LEAD),
    ("sara.advisor@sek.example", "Sara Sjöberg", "sek", User.Role.ADVISOR),
    ("emil.advisor@een.example", "Emil Engström", "een", User.Role.ADVISOR),
    ("ulla.advisor@uic.example", "Ulla Upp", "uic", User.Role.ADVISOR),
    ("carl.advisor@connect.example", "Carl Cederlund", "connect", User.Role.ADVISOR),
    ("rita.staff@regionuppsala.example", "Rita Rosén", "region-uppsala", User.Role.REGIONAL_STAFF),
]
ADMIN_EMAIL = "admin@exportcenter.example"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    organisation: str


@transaction.atomic
def seed() -> list[DemoLogin]:
    region, _ = Region.objects.update_or_create(
        slug="uppsala", defaults={"name": "Exportcenter Uppsala län", "is_active": True}
    )
    region.counties.set(["03"])
    organisations = {}
    for slug, name, kind, email, description_sv, description_en in PARTNERS:
        organisation, _ = Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "email": email,
                "description_sv": description_sv,
                "description_en": description_en,
                "is_active": True,
            },
        )
        organisation.regions.add(region)
        organisations[slug] = organisation
    if region.operator_id is None:
        region.operator = organisations["almi"]
        region.save(update_fields=["operator"])

    logins = []
    for email, full_name, org_slug, role in PEOPLE:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"full_name": full_name, "organisation": organisations[org_slug], "role": role},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        logins.append(DemoLogin(email, user.get_role_display(), user.organisation.name))
    admin_user = User.objects.filter(email=ADMIN_EMAIL).first()
    if admin_user is None:
        User.objects.create_superuser(ADMIN_EMAIL, DEMO_PASSWORD, full_name="Demo Administrator")
    logins.append(DemoLogin(ADMIN_EMAIL, "superuser (/admin/)", "–"))
    return logins
