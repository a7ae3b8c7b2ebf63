"""Volume companies, each with a primary contact and a creation event, in the 502–509 series."""

import random
from array import array
from datetime import date, datetime, timedelta

from django.db import connection
from django.utils.text import slugify
from stdnum import luhn

from companies.identifiers import LegalForm
from companies.models import Company, CompanyEvent, Contact, FlagSource
from demo import companies as companies_demo
from reference.models import Municipality, SNICode

from .copying import CHUNK, _copier, _pick, _reserve_ids, _uuid
from .network import Network

ORG_BASE = 502_000_000  # nine digits before the check digit: 502000000–509999999, limited companies


def org_number(index: int) -> str:
    digits = f"{ORG_BASE + index:09d}"
    return digits + luhn.calc_check_digit(digits)


def _volume_companies_q():
    return f"org_number >= '{ORG_BASE:09d}0' AND org_number <= '5099999999'"


def count_companies() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM companies_company WHERE {_volume_companies_q()}")  # noqa: S608  # nosec B608: our own table names
        return cursor.fetchone()[0]


def _flag_source(index: int, confirmed: date | None) -> tuple:
    """flags_source, flags_source_note, flags_confirmed_on, international_confirmed_on, consistent with the
    signs: of the exporting companies, two in five confirmed by an advisor with a source, one in five by the
    company in a survey, the rest recorded without a source (unconfirmed). By the index: no random draw."""
    if confirmed is None or index % 5 >= 3:
        return "", "", None, None
    if index % 5 < 2:
        return FlagSource.ADVISOR, companies_demo.ADVISOR_SOURCES[index % 6], confirmed, confirmed
    return FlagSource.COMPANY_SURVEY, "", confirmed, confirmed


def seed_companies(target: int, network: Network, *, now: datetime) -> int:
    existing = count_companies()
    if existing >= target:
        return 0
    counties = [code for codes in network.counties.values() for code in codes]
    municipalities = {
        code: list(Municipality.objects.filter(county_id=code).values_list("code", flat=True))
        for code in counties
    }
    sni = set(SNICode.objects.values_list("code", flat=True))
    profiles = [(p, [c for c in p.codes if c in sni]) for p in companies_demo.PROFILES]
    profiles = [(p, codes) for p, codes in profiles if codes]
    profile_weights = [p.weight for p, _codes in profiles]
    org_by_county = {
        code: (region.pk, network.organisations[region.pk])
        for region in network.regions
        for code in network.counties[region.pk]
    }
    created = 0
    for start in range(existing, target, CHUNK):
        stop = min(start + CHUNK, target)
        first_company = _reserve_ids(Company, stop - start)
        first_contact = _reserve_ids(Contact, stop - start)
        companies = _copier(Company, COMPANY_COLUMNS)
        contacts = _copier(Contact, CONTACT_COLUMNS)
        events = _copier(CompanyEvent, ["company_id", "kind", "summary", "data", "created_at"])
        for offset, index in enumerate(range(start, stop)):
            rng = random.Random(index * 7919 + 1)
            company_id, contact_id = first_company + offset, first_contact + offset
            county = counties[index % len(counties)] if rng.random() < 0.5 else rng.choice(counties)
            municipality = rng.choice(municipalities[county])
            profile, codes = rng.choices(profiles, weights=profile_weights)[0]
            band = _pick(rng, companies_demo.EMPLOYEE_WEIGHTS["ab"])
            turnover = rng.choice(companies_demo.TURNOVER_BY_BAND[band])
            experience = rng.choices(
                companies_demo.EXPERIENCE_ORDER, weights=companies_demo.EXPERIENCE_WEIGHTS[profile.export]
            )[0]
            exporting = experience in companies_demo.EXPORTING
            markets = companies_demo._sample_markets(rng, rng.randint(1, 3)) if exporting else []
            name = f"{companies_demo._stem(rng)} {rng.choice(profile.trades)} AB"
            created_at = now - timedelta(days=rng.randrange(365 * 6), seconds=rng.randrange(86400))
            confirmed = (created_at + timedelta(days=rng.randrange(30))).date() if exporting else None
            _region_id, partners = org_by_county[county]
            responsible = rng.choice(partners) if rng.random() < 0.35 else None
            advisor = (
                rng.choice(network.advisors[responsible.pk][1:])
                if responsible and rng.random() < 0.5
                else None
            )
            companies.add(
                company_id,
                _uuid(rng),
                org_number(index),
                LegalForm.LIMITED_COMPANY,
                name,
                municipality,
                rng.choice(codes),
                band,
                turnover,
                f"https://{slugify(name)}.example" if rng.random() < 0.6 else "",
                experience,
                ",".join(markets),
                ",".join(companies_demo._sample_markets(rng, 2)) if rng.random() < 0.3 else "",
                exporting and profile.kind == "goods",
                confirmed if exporting and profile.kind == "goods" else None,
                exporting and profile.kind != "goods",
                confirmed if exporting and profile.kind != "goods" else None,
                rng.random() < profile.import_share,
                None,
                False,
                None,
                False,
                None,
                False,
                None,
                confirmed,
                *_flag_source(index, confirmed),
                responsible.pk if responsible else None,
                advisor,
                _pick(rng, companies_demo.SOURCE_WEIGHTS),
                None,
                False,
                None,
                1,
                created_at,
                created_at,
            )
            first, surname, _female = companies_demo._person(rng)
            person = f"{first} {surname}"
            contacts.add(
                contact_id,
                _uuid(rng),
                company_id,
                person,
                "VD",
                f"{companies_demo._email_local(person)}@{slugify(name)}.example",
                f"{companies_demo.FICTION_MOBILE_PREFIX}{rng.randrange(5, 100):02d}",
                "sv",
                True,
                "legitimate_interest",
                "advisor",
                None,
                None,
                created_at,
                created_at,
            )
            events.add(company_id, CompanyEvent.Kind.CREATED, "", {}, created_at)
        for copier in (companies, contacts, events):
            copier.flush()
        created += stop - start
    return created


COMPANY_COLUMNS = [
    "id",
    "public_id",
    "org_number",
    "legal_form",
    "name",
    "municipality_id",
    "sni_code_id",
    "employee_band",
    "turnover_class_id",
    "website",
    "export_experience",
    "export_countries",
    "target_markets",
    "exports_goods",
    "exports_goods_confirmed_on",
    "exports_services",
    "exports_services_confirmed_on",
    "imports",
    "imports_confirmed_on",
    "international_cooperation",
    "international_cooperation_confirmed_on",
    "foreign_group_member",
    "foreign_group_member_confirmed_on",
    "operations_abroad",
    "operations_abroad_confirmed_on",
    "became_international_on",
    "flags_source",
    "flags_source_note",
    "flags_confirmed_on",
    "international_confirmed_on",
    "responsible_organisation_id",
    "responsible_advisor_id",
    "source",
    "merged_into_id",
    "legal_hold",
    "anonymised_at",
    "version",
    "created_at",
    "updated_at",
]
CONTACT_COLUMNS = [
    "id",
    "public_id",
    "company_id",
    "name",
    "title",
    "email",
    "phone",
    "preferred_language",
    "is_primary",
    "legal_basis",
    "source",
    "consent_given_on",
    "anonymised_at",
    "created_at",
    "updated_at",
]


def load_companies():
    """The volume companies, compactly: ids, contact ids and county codes (as ints), in index order."""
    ids, contacts, counties = array("q"), array("q"), array("b")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, k.id, substr(c.municipality_id, 1, 2)::int FROM companies_company c "  # noqa: S608  # nosec B608: our own table names
            "JOIN companies_contact k ON k.company_id = c.id AND k.is_primary "
            f"WHERE {_volume_companies_q().replace('org_number', 'c.org_number')} ORDER BY c.org_number"
        )
        while rows := cursor.fetchmany(50_000):
            for company_id, contact_id, county in rows:
                ids.append(company_id)
                contacts.append(contact_id)
                counties.append(county)
    return ids, contacts, counties
