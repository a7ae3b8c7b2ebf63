"""EU-funded projects (issue 19): programmes, projects per region with their partners (in the portal and
foreign, one lead), participating companies with their size at enrolment, support, de minimis aid for part of
them, and some undertaking links between aided companies.

Projects and partners go through bulk_create (a few hundred rows); participations, support and aid with COPY.
Each project is written with everything hanging off it in one transaction, so an interrupted run leaves no
half project and a re-run tops up to the asked number (projects named "Volym N: ...").
"""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from advisors.models import Organisation
from companies.models import Company
from projects.models import (
    DeMinimisAid,
    Participation,
    Programme,
    Project,
    ProjectPartner,
    Support,
    SupportKind,
    UndertakingLink,
)
from projects.programmes import seed_programmes
from projects.sizes import size_class

from .copying import _copier, _reserve_ids, _uuid
from .network import Network

MARKER = "Volym "
COMPANIES_PER_PROJECT = (10, 200)
AID_SHARE = 0.3  # of participations: a voucher or grant that is de minimis aid
OUTSIDE_AID_SHARE = 0.05  # of aided companies: aid also declared from another body
LINK_SHARE = 0.03  # of aided companies: linked to another company as one undertaking
SEK_PER_EUR = Decimal("11.2000")
THEMES = [
    ("Export Boost", "EXB"),
    ("Digital Export", "DIGEX"),
    ("Green Markets", "GRM"),
    ("SME Internationalisation", "SMEI"),
    ("Smart Industry", "SMIND"),
    ("Meta Cluster", "METAC"),
    ("Inside Out", "INOUT"),
    ("Food Export", "FOODEX"),
]
FOREIGN_PARTNERS = [
    ("Gobierno de Navarra", "ES", "Navarra"),
    ("Trøndelag fylkeskommune", "NO", "Trøndelag"),
    ("Provincie Noord-Brabant", "NL", "Noord-Brabant"),
    ("Pest Megyei Önkormányzat", "HU", "Pest"),
    ("Regione Emilia-Romagna", "IT", "Emilia-Romagna"),
    ("Invest Northern Ireland", "GB", "Northern Ireland"),
    ("Helsinki-Uusimaa Regional Council", "FI", "Uusimaa"),
    ("Tallinn Science Park Tehnopol", "EE", "Harjumaa"),
    ("Vidzeme Planning Region", "LV", "Vidzeme"),
    ("Ålands landskapsregering", "AX", "Åland"),
]
# Programme codes and their weights; Interreg projects have foreign partners and often a foreign lead.
PROGRAMME_WEIGHTS = {
    "interreg-europe": 2,
    "interreg-central-baltic": 2,
    "interreg-sverige-norge": 2,
    "erdf-national": 3,
    "erdf-norra-mellansverige": 2,
    "erdf-ostra-mellansverige": 2,
    "react-eu": 1,
}
PARTICIPATION_COLUMNS = [
    "id",
    "public_id",
    "project_id",
    "company_id",
    "joined_on",
    "left_on",
    "size_class",
    "employee_band",
    "turnover_class",
    "company_registered_on",
    "note",
    "created_by_id",
    "version",
    "created_at",
    "updated_at",
]
SUPPORT_COLUMNS = [
    "id",
    "public_id",
    "participation_id",
    "kind",
    "given_on",
    "hours",
    "value_sek",
    "description",
    "created_by_id",
    "created_at",
]
AID_COLUMNS = [
    "public_id",
    "company_id",
    "project_id",
    "support_id",
    "granted_on",
    "amount",
    "currency",
    "sek_per_eur",
    "amount_eur",
    "granting_body",
    "granted_outside_portal",
    "reference",
    "recorded_by_id",
    "recorded_at",
]


def count_projects() -> int:
    return Project.objects.filter(name__startswith=MARKER).count()


def seed_projects(target: int, network: Network, companies, *, now: datetime) -> int:
    """`target` volume projects in all, round the regions, each with 10–200 of its counties' companies."""
    existing = count_projects()
    if existing >= target:
        return 0
    seed_programmes()
    programmes = {p.code: p for p in Programme.objects.filter(code__in=PROGRAMME_WEIGHTS)}
    codes = [code for code in PROGRAMME_WEIGHTS if code in programmes]
    weights = [PROGRAMME_WEIGHTS[code] for code in codes]
    ids, _contacts, counties = companies
    by_county: dict[int, list[int]] = {}
    for position in range(0, len(ids), max(1, len(ids) // 200_000)):
        by_county.setdefault(counties[position], []).append(ids[position])
    today = timezone.localdate(now)
    for index in range(existing, target):
        rng = random.Random(index * 101 + 7)
        region = network.regions[index % len(network.regions)]
        pool = [c for code in network.counties[region.pk] for c in by_county.get(int(code), [])]
        programme = programmes[rng.choices(codes, weights=weights)[0]]
        with transaction.atomic():
            project = _project(index, rng, region, programme, network, today)
            chosen = rng.sample(pool, k=min(len(pool), rng.randint(*COMPANIES_PER_PROJECT)))
            _participants(project, chosen, rng, now=now)
    return target - existing


def _project(index, rng, region, programme, network: Network, today: date) -> Project:
    theme, acronym = THEMES[index % len(THEMES)]
    starts = today - timedelta(days=rng.randrange(60, 4 * 365))
    ends = starts + timedelta(days=rng.choice([730, 1095, 1460]))
    status = Project.Status.COMPLETED if ends < today else Project.Status.ACTIVE
    total = Decimal(rng.randrange(500, 6000) * 1000)
    eu = (total * Decimal("0.6")).quantize(Decimal("1"))
    organisations = network.organisations[region.pk]
    owner = next((o for o in organisations if o.kind == Organisation.Kind.REGION), organisations[0])
    project = Project.objects.create(
        name=f"{MARKER}{index + 1}: {theme} {region.name}",
        acronym=f"{acronym}-{index + 1}",
        programme=programme,
        region=region,
        starts_on=starts,
        ends_on=ends,
        status=status,
        budget_total_eur=total,
        eu_cofinancing_eur=eu,
        national_cofinancing_eur=total - eu,
        description="(volym) Fler små och medelstora företag säljer utanför EU och EFTA.",
        created_by_id=network.advisors[owner.pk][0],
    )
    others = [r for r in network.regions if r.pk != region.pk]
    project.regions.add(region, *rng.sample(others, k=min(len(others), rng.randint(0, 2))))
    portal = [owner, *rng.sample([o for o in organisations if o != owner], k=rng.randint(1, 4))]
    foreign = rng.sample(FOREIGN_PARTNERS, k=rng.randint(2, 5)) if programme.is_interreg else []
    foreign_lead = bool(foreign) and rng.random() < 0.6
    partners = [
        ProjectPartner(project=project, organisation=org, is_lead=not foreign_lead and org == owner)
        for org in portal
    ]
    partners += [
        ProjectPartner(
            project=project,
            name=name,
            country=country,
            region_name=region_name,
            is_lead=foreign_lead and position == 0,
            role="Lead partner" if foreign_lead and position == 0 else "Partner",
        )
        for position, (name, country, region_name) in enumerate(foreign)
    ]
    ProjectPartner.objects.bulk_create(partners)
    return project


def _participants(project: Project, chosen: list[int], rng, *, now: datetime) -> None:
    if not chosen:
        return
    register = {
        row[0]: row[1:]
        for row in Company.objects.filter(pk__in=chosen).values_list(
            "pk", "employee_band", "turnover_class_id", "created_at"
        )
    }
    author = project.created_by_id
    first_participation = _reserve_ids(Participation, len(chosen))
    first_support = _reserve_ids(Support, 3 * len(chosen))
    participations = _copier(Participation, PARTICIPATION_COLUMNS)
    supports = _copier(Support, SUPPORT_COLUMNS)
    aid = _copier(DeMinimisAid, AID_COLUMNS)
    span = max(1, (min(project.ends_on, timezone.localdate(now)) - project.starts_on).days)
    support_id, aided = first_support, []
    for offset, company_id in enumerate(chosen):
        band, turnover, registered = register[company_id]
        joined = project.starts_on + timedelta(days=rng.randrange(span))
        participation_id = first_participation + offset
        participations.add(
            participation_id,
            _uuid(rng),
            project.pk,
            company_id,
            joined,
            None,
            size_class(band or "", turnover),
            band or "",
            turnover,
            registered.date() if registered else None,
            "",
            author,
            1,
            now,
            now,
        )
        grant = rng.random() < AID_SHARE
        kinds = [rng.choice(SupportKind.non_financial()) for _ in range(rng.randint(1, 2))]
        for kind in [*kinds, *([SupportKind.GRANT] if grant else [])]:
            given = joined + timedelta(days=rng.randrange(90))
            value = Decimal(rng.randrange(50, 250) * 1000) if kind == SupportKind.GRANT else Decimal(0)
            supports.add(
                support_id,
                _uuid(rng),
                participation_id,
                kind,
                given,
                Decimal(rng.randrange(2, 40)),
                value,
                "(volym)",
                author,
                now,
            )
            if kind == SupportKind.GRANT:
                _aid(
                    aid, rng, company_id, project.pk, support_id, given, value, "Region (volym)", author, now
                )
                aided.append(company_id)
            support_id += 1
    for company_id in aided:
        if rng.random() < OUTSIDE_AID_SHARE:
            granted = project.starts_on - timedelta(days=rng.randrange(30, 700))
            amount = Decimal(rng.randrange(100, 900) * 1000)
            _aid(aid, rng, company_id, None, None, granted, amount, "Almi (volym)", author, now, outside=True)
    participations.flush()
    supports.flush()
    aid.flush()
    _links(aided, chosen, rng, author, now)


def _aid(copier, rng, company_id, project_id, support_id, granted, sek, body, author, now, *, outside=False):
    copier.add(
        _uuid(rng),
        company_id,
        project_id,
        support_id,
        granted,
        sek,
        "SEK",
        SEK_PER_EUR,
        (sek / SEK_PER_EUR).quantize(Decimal("0.01")),
        body,
        outside,
        f"VOL-{support_id or rng.randrange(10**6)}",
        author,
        now,
    )


def _links(aided: list[int], chosen: list[int], rng, author, now) -> None:
    """Some aided companies are one undertaking with another participant (lower id first, once a pair)."""
    pairs = set()
    for company_id in aided:
        if rng.random() < LINK_SHARE:
            other = rng.choice(chosen)
            if other != company_id:
                pairs.add((min(company_id, other), max(company_id, other)))
    if not pairs:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f'INSERT INTO "{UndertakingLink._meta.db_table}" '  # noqa: S608  # nosec B608: a model's table
            "(company_id, linked_company_id, note, created_by_id, created_at) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            [(low, high, "(volym) Samma ägare.", author, now) for low, high in sorted(pairs)],
        )
