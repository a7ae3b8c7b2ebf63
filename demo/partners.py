"""Demo partners, their services and people for Exportcenter Uppsala län (seed 000). Idempotent."""

from dataclasses import dataclass

from django.db import transaction

from advisors.models import Organisation, Region, User
from referrals.models import Service

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

# Bands and classes for the eligibility lists (empty: any company).
SME_BANDS = ["1-4", "5-9", "10-19", "20-49", "50-99", "100-199", "200-499"]  # Almi lends up to 250 employees
SMALL_BANDS = ["0", "1-4", "5-9"]
YOUNG_COMPANY_BANDS = ["0", "1-4", "5-9", "10-19", "20-49"]
LARGER_BANDS = ["20-49", "50-99", "100-199", "200-499", "500+"]
INNOVATIVE_SECTIONS = ["C", "K", "N", "R"]  # manufacturing, tech, research, health (SNI 2025)

# organisation slug, Swedish name, English name, Swedish description, English description, need slugs,
# employee bands, turnover classes, SNI sections, link
SERVICES = [
    (
        "almi",
        "Behovssamtal om export",
        "Export needs meeting",
        "Ett första samtal om var företaget står och vilken hjälp som passar, i hela exportcentret.",
        "A first conversation about where the company stands and which help fits, across the export center.",
        ["export-readiness", "market-selection"],
        [],
        [],
        [],
        "https://almi.example/uppsala/behovssamtal",
    ),
    (
        "almi",
        "Exportlån",
        "Export loan",
        "Lån för att finansiera en exportsatsning, till företag med upp till 250 anställda.",
        "Loans to finance an export venture, for companies with up to 250 employees.",
        ["working-capital"],
        SME_BANDS,
        [],
        [],
        "https://almi.example/uppsala/exportlan",
    ),
    (
        "almi",
        "Mikrolån",
        "Microloan",
        "Lån på upp till 200 000 kronor för mindre företag som ska ta sina första exportorder.",
        "Loans of up to SEK 200,000 for small companies taking their first export orders.",
        ["working-capital"],
        SMALL_BANDS,
        [0, 1, 2, 3, 4],
        [],
        "https://almi.example/uppsala/mikrolan",
    ),
    (
        "almi",
        "Mentorprogram för export",
        "Export mentoring",
        "En erfaren företagare som mentor under det första året på en ny marknad.",
        "An experienced business person as mentor during the first year on a new market.",
        ["export-readiness", "innovation"],
        YOUNG_COMPANY_BANDS,
        [],
        [],
        "https://almi.example/uppsala/mentor",
    ),
    (
        "business-sweden",
        "Marknadsanalys",
        "Market analysis",
        "Analys av efterfrågan, konkurrenter och kanaler på en eller flera målmarknader.",
        "Analysis of demand, competitors and channels in one or more target markets.",
        ["market-selection"],
        [],
        [],
        [],
        "https://business-sweden.example/marknadsanalys",
    ),
    (
        "business-sweden",
        "Partnersök",
        "Partner search",
        "Vi hittar och kvalificerar kunder, distributörer och agenter på plats.",
        "We find and qualify customers, distributors and agents on the ground.",
        ["customers-partners"],
        [],
        [],
        [],
        "https://business-sweden.example/partnersok",
    ),
    (
        "business-sweden",
        "Småföretagsprogrammet",
        "The SME programme",
        "Strategi, marknadsval och de första kontakterna, tillsammans med den regionala exportrådgivaren.",
        "Strategy, market selection and the first contacts, together with the regional export adviser.",
        ["export-readiness", "market-selection", "customers-partners"],
        ["1-4", "5-9", "10-19", "20-49", "50-99", "100-199", "200-499"],
        [3, 4, 5, 6, 7, 8],
        [],
        "https://business-sweden.example/smaforetagsprogrammet",
    ),
    (
        "business-sweden",
        "Tullfrågor: EORI, varukoder och ursprung",
        "Customs basics: EORI, commodity codes and origin",
        "Grunderna i tull, EORI-nummer, varukoder och ursprungsregler inför en ny marknad.",
        "The basics of customs, EORI numbers, commodity codes and rules of origin before a new market.",
        ["customs"],
        [],
        [],
        [],
        "https://business-sweden.example/tull",
    ),
    (
        "business-sweden",
        "Mässor och delegationsresor",
        "Trade fairs and delegations",
        "Svenska paviljonger på mässor och företagsdelegationer till nya marknader.",
        "Swedish pavilions at trade fairs and business delegations to new markets.",
        ["trade-fairs"],
        [],
        [],
        [],
        "https://business-sweden.example/massor",
    ),
    (
        "ekn",
        "Garanti för kundfordringar",
        "Guarantee on customer receivables",
        "Skydd om den utländska köparen inte betalar, för affärer med kredittid.",
        "Protection if the foreign buyer does not pay, for deals on credit terms.",
        ["buyer-credit-risk"],
        [],
        [],
        [],
        "https://ekn.example/kundfordringar",
    ),
    (
        "ekn",
        "Rörelsekreditgaranti",
        "Working-capital credit guarantee",
        "EKN garanterar en del av bankens rörelsekredit så att företaget kan ta exportordern.",
        "EKN guarantees part of the bank's working-capital credit so that the company can take the order.",
        ["working-capital"],
        SME_BANDS,
        [],
        [],
        "https://ekn.example/rorelsekredit",
    ),
    (
        "ekn",
        "Köparkreditgaranti",
        "Buyer credit guarantee",
        "Garanti för banklån till den utländska köparen vid större och längre affärer.",
        "A guarantee for bank loans to the foreign buyer in larger and longer deals.",
        ["export-finance", "buyer-credit-risk"],
        [],
        [4, 5, 6, 7, 8, 9, 10, 11, 12],
        [],
        "https://ekn.example/kopar",
    ),
    (
        "sek",
        "Exportkredit",
        "Export credit",
        "Finansiering av köparens inköp vid större affärer, tillsammans med banken och EKN.",
        "Financing of the buyer's purchase in larger deals, together with the bank and EKN.",
        ["export-finance"],
        LARGER_BANDS,
        [6, 7, 8, 9, 10, 11, 12],
        [],
        "https://sek.example/exportkredit",
    ),
    (
        "sek",
        "Rörelsekapital för exportörer",
        "Working capital for exporters",
        "Lån till exportföretag med stora order, oftast med EKN:s garanti.",
        "Loans to exporters with large orders, usually with EKN's guarantee.",
        ["working-capital", "export-finance"],
        LARGER_BANDS,
        [6, 7, 8, 9, 10, 11, 12],
        [],
        "https://sek.example/rorelsekapital",
    ),
    (
        "een",
        "Partnersök i EU:s partnerdatabas",
        "Partner search in the EU partnering database",
        "Affärs-, teknik- och forskningspartner i över 60 länder genom nätverkets databas.",
        "Business, technology and research partners in more than 60 countries, through the network's "
        "database.",
        ["customers-partners"],
        [],
        [],
        [],
        "https://een.example/partnersok",
    ),
    (
        "een",
        "EU-regler och CE-märkning",
        "EU rules and CE marking",
        "Vilka regler, standarder och märkningar gäller produkten på EU:s inre marknad?",
        "Which rules, standards and markings apply to the product on the EU internal market?",
        ["ce-marking", "trade-barriers"],
        [],
        [],
        [],
        "https://een.example/eu-regler",
    ),
    (
        "een",
        "Rådgivning om EU-finansiering",
        "EU funding advice",
        "Vägledning till EU:s program för innovation, forskning och internationalisering.",
        "Guidance to the EU's programmes for innovation, research and internationalisation.",
        ["eu-funding"],
        [],
        [],
        [],
        "https://een.example/eu-finansiering",
    ),
    (
        "uic",
        "Affärsutveckling för startups",
        "Business development for start-ups",
        "Affärscoacher och program för innovativa bolag som ska ut på en internationell marknad.",
        "Business coaches and programmes for innovative companies heading for an international market.",
        ["innovation", "eu-funding"],
        YOUNG_COMPANY_BANDS,
        [],
        INNOVATIVE_SECTIONS,
        "https://uic.example/affarsutveckling",
    ),
    (
        "connect",
        "Mentorer och investerarmatchning",
        "Mentors and investor matching",
        "Erfarna mentorer och kontakter med investerare för tillväxtföretag.",
        "Experienced mentors and contacts with investors for growth companies.",
        ["innovation"],
        YOUNG_COMPANY_BANDS,
        [],
        [],
        "https://connect.example/mentorer",
    ),
    (
        "region-uppsala",
        "Internationaliseringscheck",
        "Internationalisation check",
        "Bidrag på 50 000–250 000 kronor, högst hälften av kostnaden, för strategi, marknadsundersökning, "
        "leverantörssök eller juridisk hjälp.",
        "A grant of SEK 50,000–250,000, at most half of the cost, for strategy, market research, supplier "
        "search or legal help.",
        ["export-readiness", "market-selection", "customers-partners", "legal", "trade-fairs"],
        SME_BANDS,
        [],
        [],
        "https://regionuppsala.example/internationaliseringscheck",
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
# The organisations' queues ("function before person"): who hears of new requests and of replies on
# requests nobody in the organisation has taken.
TRIAGE_DUTY = {"anna.advisor@almi.example", "eva.advisor@ekn.example"}
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
    seed_services(organisations)

    logins = []
    for email, full_name, org_slug, role in PEOPLE:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": full_name,
                "organisation": organisations[org_slug],
                "role": role,
                "handles_triage": email in TRIAGE_DUTY,
            },
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


def seed_services(organisations: dict[str, Organisation]) -> int:
    """Add the demo services that are missing; a service someone edited keeps the edit. Returns how many
    were created."""
    from referrals.models import NeedCategory
    from referrals.need_categories import seed_need_categories

    seed_need_categories()
    needs = {need.slug: need for need in NeedCategory.objects.all()}
    created = 0
    for (
        org_slug,
        name_sv,
        name_en,
        description_sv,
        description_en,
        need_slugs,
        bands,
        turnover,
        sni,
        url,
    ) in SERVICES:
        service, was_created = Service.objects.get_or_create(
            organisation=organisations[org_slug],
            name_sv=name_sv,
            defaults={
                "name_en": name_en,
                "description_sv": description_sv,
                "description_en": description_en,
                "employee_bands": bands,
                "turnover_classes": turnover,
                "sni_sections": sni,
                "url": url,
            },
        )
        if was_created:
            service.needs.set([needs[slug] for slug in need_slugs])
            created += 1
    return created
