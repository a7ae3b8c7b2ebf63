"""Demo data: two EU-funded projects modelled on the press texts (issue 19), with companies, support, de
minimis aid near the ceiling, study visits and indicators to show.

- "Inside Out EU" (Interreg Europe, EUR 1,543,427), kept by Exportcenter Värmland: Navarra leads, with partner
  regions in Norway, the Netherlands, Hungary, Italy and Northern Ireland; study visits hosted in turn.
- "Central Baltic ICT Meta Cluster" (Interreg Central Baltic, EUR 2.2 million over three countries), kept by
  Exportcenter Uppsala län in this demo: ICT companies seeking contracts outside the EU and EFTA.

One company of each region has aid close to the EUR 300,000 ceiling (most of it declared from outside the
portal), so that recording more shows the warning. Made through the services, as in real life. Dates are
relative to today, so the three-year window and the indicators always have something to show. Idempotent: a
project is keyed on its name, and a project that exists is left as it is.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from advisors.models import Organisation, Region, User
from companies.models import Company
from outreach.models import Activity
from projects.models import Currency, Programme, Project, SupportKind
from projects.programmes import seed_programmes
from projects.services import aid as aid_services
from projects.services import participation as participation_services
from projects.services import projects as project_services

from . import national


@dataclass(frozen=True)
class DemoAid:
    days_ago: int
    amount: str
    currency: str
    granting_body: str
    outside: bool = False
    sek_per_eur: str | None = None
    reference: str = ""


@dataclass(frozen=True)
class DemoCompany:
    name: str
    joined_days_ago: int
    support: list[tuple[str, int, str, str]]  # kind, days ago, hours, value in SEK
    registered_years_ago: int | None = None  # a young company counts as a new enterprise (RCO05)
    aid: list[DemoAid] = field(default_factory=list)


@dataclass(frozen=True)
class DemoProject:
    name: str
    acronym: str
    programme: str
    region_slug: str
    staff: str
    budget: tuple[str, str, str]  # total, EU, national (EUR)
    started_days_ago: int
    ends_in_days: int
    description: str
    website: str
    partners: list[dict]
    companies: list[DemoCompany]
    visits: list[dict]


S = SupportKind
INSIDE_OUT = DemoProject(
    name="Inside Out EU",
    acronym="IOEU",
    programme="interreg-europe",
    region_slug=national.REGION_SLUG,
    staff="vera.staff@regionvarmland.example",
    budget=("1543427.00", "1311912.95", "231514.05"),
    started_days_ago=700,
    ends_in_days=400,
    description=(
        "Regioner utbyter erfarenheter över gränserna om hur det regionala stödet till små och medelstora "
        "företags internationalisering kan bli starkare. Varje region står värd för ett studiebesök; till "
        "sist skrivs en handlingsplan med de värmländska aktörerna."
    ),
    website="https://www.interregeurope.eu/",
    partners=[
        {"name": "Gobierno de Navarra", "country": "ES", "region_name": "Navarra", "is_lead": True},
        {"organisation": "region-varmland", "role": "Regional partner"},
        {"name": "Länsstyrelsen Värmland", "country": "SE", "region_name": "Värmland", "role": "Partner"},
        {
            "name": "Karlstads universitet (GIO)",
            "country": "SE",
            "region_name": "Värmland",
            "role": "Advisory",
        },
        {"name": "Hedmark fylkeskommune", "country": "NO", "region_name": "Hedmark"},
        {"name": "Provincie Overijssel", "country": "NL", "region_name": "Overijssel"},
        {"name": "Hajdú-Bihar Megyei Önkormányzat", "country": "HU", "region_name": "Hajdú-Bihar"},
        {"name": "Regione Basilicata", "country": "IT", "region_name": "Basilicata"},
        {"name": "Invest Northern Ireland", "country": "GB", "region_name": "Northern Ireland"},
    ],
    companies=[
        DemoCompany(
            "Klarälven Trä AB", 600, [(S.ADVICE, 590, "12", "9600"), (S.MATCHMAKING, 400, "6", "4800")]
        ),
        DemoCompany("Fryksdalens Ost AB", 580, [(S.TRAINING, 560, "16", "8000")], registered_years_ago=2),
        DemoCompany(
            "Kristinehamn Mekaniska AB",
            550,
            [(S.GRANT, 300, "0", "1100000"), (S.ADVICE, 290, "8", "6400")],
            aid=[
                DemoAid(
                    700, "180000", Currency.EUR, "Tillväxtverket", outside=True, reference="TVV 2024/118"
                ),
                DemoAid(300, "1100000", Currency.SEK, "Region Värmland", sek_per_eur="11.4500"),
            ],
        ),
        DemoCompany(
            "Arvika Glas AB",
            420,
            [(S.GRANT, 380, "0", "50000")],
            aid=[DemoAid(380, "50000", Currency.SEK, "Region Värmland", sek_per_eur="11.3000")],
        ),
        DemoCompany("Torsby Skogsdata AB", 200, [(S.ADVICE, 150, "4", "3200")], registered_years_ago=1),
        DemoCompany("Hammarö Marin AB", 120, [(S.MATCHMAKING, 100, "10", "8000")]),
    ],
    visits=[
        {
            "company": "Klarälven Trä AB",
            "days_ago": 430,
            "title": "Studiebesök i Värmland: samverkan över gränsen mot Norge",
            "host_region": "Värmland",
            "host_country": "SE",
            "visitors": ["Gobierno de Navarra", "Regione Basilicata", "Invest Northern Ireland"],
        },
        {
            "company": "Fryksdalens Ost AB",
            "days_ago": 250,
            "title": "Studiebesök i Navarra: regionens exportstöd",
            "host_region": "Navarra",
            "host_country": "ES",
            "visitors": ["Region Värmland", "Hedmark fylkeskommune", "Provincie Overijssel"],
        },
    ],
)


def _uppsala_companies() -> list[str]:
    names = (
        Company.objects.active()
        .filter(municipality__county_id="03")
        .order_by("pk")
        .values_list("name", flat=True)
    )
    return list(names[:6])


def _ict_project(names: list[str]) -> DemoProject:
    near_ceiling = [
        DemoAid(900, "245000", Currency.EUR, "Vinnova", outside=True, reference="VINNOVA 2023-01234"),
        DemoAid(200, "440000", Currency.SEK, "Region Uppsala", sek_per_eur="11.0000"),
    ]
    kinds = [S.ADVICE, S.MATCHMAKING, S.TRAINING, S.ADVICE, S.MATCHMAKING, S.ADVICE]
    companies = [
        DemoCompany(
            name,
            500 - 60 * n,
            [(kinds[n], 480 - 60 * n, str(6 + n), str(4800 + 800 * n))]
            + ([(S.GRANT, 200, "0", "440000")] if n == 0 else []),
            registered_years_ago=2 if n == 3 else None,
            aid=near_ceiling if n == 0 else [],
        )
        for n, name in enumerate(names)
    ]
    return DemoProject(
        name="Central Baltic ICT Meta Cluster",
        acronym="CB ICT",
        programme="interreg-central-baltic",
        region_slug="uppsala",
        staff="rita.staff@regionuppsala.example",
        budget=("2200000.00", "1650000.00", "550000.00"),
        started_days_ago=540,
        ends_in_days=560,
        description=(
            "Små och medelstora företag med en IT-komponent i sitt erbjudande får exporttjänster, teknisk "
            "rådgivning och affärsutveckling för att vinna kontrakt utanför EU och Efta, till exempel i "
            "Kanada och Brasilien. Ett samarbete mellan IT-kluster i Sverige, Estland och Lettland."
        ),
        website="https://centralbaltic.eu/",
        partners=[
            {"name": "Fiber Optic Valley", "country": "SE", "region_name": "Gävleborg", "is_lead": True},
            {"name": "Estonian ICT Cluster", "country": "EE", "region_name": "Harjumaa"},
            {"name": "Latvian IT Cluster", "country": "LV", "region_name": "Rīga"},
            {"organisation": "almi", "role": "Export advice and financing"},
            {"organisation": "business-sweden", "role": "Market studies in Canada and Brazil"},
        ],
        companies=companies,
        visits=[
            {
                "company": names[1] if len(names) > 1 else names[0],
                "days_ago": 180,
                "title": "Företagsdelegation till Toronto",
                "kind": Activity.Kind.DELEGATION,
            },
        ],
    )


def _seed_project(spec: DemoProject, today: date) -> int:
    if Project.objects.filter(name=spec.name).exists():
        return 0
    staff = User.objects.get(email=spec.staff)
    region = Region.objects.get(slug=spec.region_slug)
    partners = [
        {**partner, "organisation": Organisation.objects.get(slug=partner["organisation"])}
        if "organisation" in partner
        else partner
        for partner in spec.partners
    ]
    total, eu, own = (Decimal(value) for value in spec.budget)
    project = project_services.create_project(
        by=staff,
        data={
            "name": spec.name,
            "acronym": spec.acronym,
            "programme": Programme.objects.get(code=spec.programme),
            "region": region,
            "regions": [region],
            "starts_on": today - timedelta(days=spec.started_days_ago),
            "ends_on": today + timedelta(days=spec.ends_in_days),
            "status": Project.Status.ACTIVE,
            "budget_total_eur": total,
            "eu_cofinancing_eur": eu,
            "national_cofinancing_eur": own,
            "description": spec.description,
            "website": spec.website,
        },
        partners=partners,
    )
    made = 1
    for demo in spec.companies:
        made += _enrol(project, staff, demo, today)
    by_name = {partner.display_name: partner for partner in project.partners.select_related("organisation")}
    for visit in spec.visits:
        project.refresh_from_db()
        project_services.add_activity(
            project=project,
            by=staff,
            company=Company.objects.active().get(name=visit["company"]),
            data={
                "kind": visit.get("kind", Activity.Kind.STUDY_VISIT),
                "occurred_on": today - timedelta(days=visit["days_ago"]),
                "title": visit["title"],
                "host_region": visit.get("host_region", ""),
                "host_country": visit.get("host_country", ""),
                "visiting_partners": [by_name[name] for name in visit.get("visitors", [])],
                "notes": "",
            },
            expected_version=project.version,
        )
        made += 1
    return made


def _enrol(project: Project, staff: User, demo: DemoCompany, today: date) -> int:
    company = Company.objects.active().get(name=demo.name)
    joined_on = today - timedelta(days=demo.joined_days_ago)
    registered_on = (
        joined_on - timedelta(days=365 * demo.registered_years_ago) if demo.registered_years_ago else None
    )
    participation = participation_services.enrol_company(
        project=project, company=company, joined_on=joined_on, by=staff, registered_on=registered_on
    )
    made = 1
    supports = {}
    for kind, days_ago, hours, value in demo.support:
        supports[kind] = participation_services.record_support(
            participation=participation,
            by=staff,
            data={
                "kind": kind,
                "given_on": today - timedelta(days=days_ago),
                "hours": Decimal(hours),
                "value_sek": Decimal(value),
                "description": "",
            },
        )
        made += 1
    for aid in demo.aid:
        from_project = not aid.outside
        aid_services.record_aid(
            company=company,
            by=staff,
            data={
                "granted_on": today - timedelta(days=aid.days_ago),
                "amount": Decimal(aid.amount),
                "currency": aid.currency,
                "sek_per_eur": Decimal(aid.sek_per_eur) if aid.sek_per_eur else None,
                "granting_body": aid.granting_body,
                "granted_outside_portal": aid.outside,
                "reference": aid.reference,
                "project": project if from_project else None,
                "support": supports.get(S.GRANT) if from_project else None,
            },
        )
        made += 1
    return made


def seed() -> int:
    """Seed the two projects (after the Uppsala and Värmland demo data). Returns the rows made this time."""
    today = timezone.localdate()
    with transaction.atomic():
        seed_programmes()  # a flushed test database has lost the migration's
        return _seed_project(INSIDE_OUT, today) + _seed_project(_ict_project(_uppsala_companies()), today)
