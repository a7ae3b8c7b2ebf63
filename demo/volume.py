"""Volume data for benchmarks: a national export center network at scale (`manage.py seed_volume`).

PostgreSQL only. Regions, partners and people go through the ORM (a few hundred rows); companies, requests
and everything hanging off them are written with COPY from an in-memory buffer, in chunks, so memory stays
bounded whatever the size. Rows look like those the services write: versions, references EC-YYYY-NNNNNN
taken from the year's ReferenceCounter, timelines, owner_since, first-response stamps, notifications and
outbox rows.

Re-runnable: the volume data is recognised by its own markers (organisation numbers in the 502–509 series
of limited companies, request idempotency keys "volume-N", slugs "vol-..."), counted, and topped up to the
asked size with the next deterministic indexes. It leaves seed_demo's data alone.
"""

import io
import json
import random
import uuid
from array import array
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn

from advisors.models import Organisation, Region, User
from companies.identifiers import LegalForm
from companies.models import Company, CompanyEvent, Contact
from dashboards.models import RegionalGoal
from notifications.models import Notification, OutboundEmail
from outreach.models import Activity, Campaign, CampaignMember, FollowUp
from reference.models import County, Municipality, SNICode
from referrals.models import AdviceRequest, CoHandling, NeedCategory, ReferenceCounter, Referral, RequestEvent
from referrals.need_categories import seed_need_categories

from . import companies as companies_demo
from .partners import DEMO_PASSWORD

ORG_BASE = 502_000_000  # nine digits before the check digit: 502000000–509999999, limited companies
REQUEST_KEY = "volume-"
CHUNK = 20_000
YEARS_BACK = 3

PARTNER_KINDS = [
    (Organisation.Kind.ALMI, "Almi", 30),
    (Organisation.Kind.BUSINESS_SWEDEN, "Business Sweden", 22),
    (Organisation.Kind.EKN, "EKN", 6),
    (Organisation.Kind.SEK, "SEK", 4),
    (Organisation.Kind.EEN, "Enterprise Europe Network", 10),
    (Organisation.Kind.REGION, "Region", 14),
    (Organisation.Kind.INNOVATION_CENTRE, "Innovationscentrum", 14),
]
ADVISORS_PER_ORG = 4
FIRST_NAMES = companies_demo.FEMALE_NAMES
STATUS_WEIGHTS = {"new": 5, "triaged": 8, "in_progress": 15, "waiting_for_company": 7, "closed": 65}
OUTCOME_WEIGHTS = {"helped": 60, "referred_onward": 15, "no_further_action": 18, "duplicate": 4, "spam": 3}
CHANNEL_WEIGHTS = {"web": 70, "email": 10, "phone": 10, "meeting": 5, "outreach": 5}
PRIORITY_WEIGHTS = {"low": 10, "normal": 75, "high": 12, "urgent": 3}
MARKETS = list(companies_demo.MARKETS)
MESSAGE = "Tack för er förfrågan. Vi återkommer med förslag på nästa steg."
REPLY = "Tack! Vi har skickat underlagen."
NOTE = "Överlämning: företaget vill ha hjälp med marknadsval och finansiering."
DECLINE = "Vi har inte kapacitet just nu; föreslår en annan partner."


def org_number(index: int) -> str:
    digits = f"{ORG_BASE + index:09d}"
    return digits + luhn.calc_check_digit(digits)


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (datetime, date)):
        return value.isoformat()
    else:
        value = str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Copier:
    """Rows for one table, flushed with COPY when the buffer grows."""

    def __init__(self, table: str, columns: list[str], suffix: str = ""):
        self.table, self.columns, self.suffix = table, columns, suffix
        self.buffer, self.rows, self.total = io.StringIO(), 0, 0

    def add(self, *values) -> None:
        self.buffer.write("\t".join(_value(value) for value in values))
        self.buffer.write(self.suffix)
        self.buffer.write("\n")
        self.rows += 1
        if self.rows >= 50_000:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        self.buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f'COPY "{self.table}" ({", ".join(self.columns)}) FROM STDIN', self.buffer
            )
        self.total += self.rows
        self.buffer, self.rows = io.StringIO(), 0


def _copier(model, columns: list[str]) -> Copier:
    """A Copier for the given columns, plus every other concrete column at its model default, so a field
    added later gets the value an ORM insert would give it."""
    given = {column.strip('"') for column in columns}
    rest = [
        f
        for f in model._meta.concrete_fields
        if f.column not in given and not (f.primary_key and f.column == "id")
    ]
    suffix = "".join("\t" + _value(f.get_db_prep_save(f.get_default(), connection)) for f in rest)
    return Copier(model._meta.db_table, [*columns, *(f'"{f.column}"' for f in rest)], suffix)


def _reserve_ids(model, count: int) -> int:
    """The first of `count` consecutive ids, taken from the table's sequence."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute(
            f'SELECT GREATEST(nextval(%s), (SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"))',  # noqa: S608  # nosec B608: a model's table
            [sequence],
        )
        first = cursor.fetchone()[0]
        if count:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


@dataclass
class Network:
    regions: list[Region]
    counties: dict[int, list[str]]  # region id -> county codes
    organisations: dict[int, list[Organisation]]  # region id -> its partners
    operator: dict[int, Organisation]
    advisors: dict[int, list[int]]  # organisation id -> user ids
    staff: dict[int, list[User]] = field(default_factory=dict)  # region id -> regional staff


def seed_network(region_count: int) -> Network:
    """One region per county (the demo region where seed_demo made one), with every partner kind."""
    seed_need_categories()
    password = make_password(DEMO_PASSWORD)
    network = Network([], {}, {}, {}, {})
    for county in County.objects.order_by("code")[:region_count]:
        short = county.short_name
        region = Region.objects.filter(slug=f"vol-{county.code}").first()
        if region is None:
            region = Region.objects.create(
                slug=f"vol-{county.code}", name=f"Exportcenter {county.name} (volym)", is_active=True
            )
            region.counties.add(county)
        organisations = []
        for kind, label, _weight in PARTNER_KINDS:
            slug = f"vol-{county.code}-{slugify(kind)}"
            organisation, _created = Organisation.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": f"{label} {short} (volym)",
                    "kind": kind,
                    "email": f"info@{slug}.volume.example",
                    "is_active": True,
                },
            )
            organisation.regions.add(region)
            organisations.append(organisation)
            people = []
            for n in range(ADVISORS_PER_ORG + 1):
                role = User.Role.ORGANISATION_LEAD if n == 0 else User.Role.ADVISOR
                if kind == Organisation.Kind.REGION and n == 1:
                    role = User.Role.REGIONAL_STAFF
                user, _created = User.objects.get_or_create(
                    email=f"{role.replace('_', '.')}{n}@{slug}.volume.example",
                    defaults={
                        "full_name": f"{FIRST_NAMES[n]} {companies_demo.SURNAMES[n]} ({short})",
                        "organisation": organisation,
                        "role": role,
                        "handles_triage": n == 1,
                        "password": password,
                    },
                )
                people.append(user)
                if role == User.Role.REGIONAL_STAFF:
                    network.staff.setdefault(region.pk, []).append(user)
            network.advisors[organisation.pk] = [user.pk for user in people]
        operator = next(org for org in organisations if org.kind == Organisation.Kind.ALMI)
        if region.operator_id is None:
            region.operator = operator
            region.save(update_fields=["operator"])
        network.regions.append(region)
        network.counties[region.pk] = [county.code]
        network.organisations[region.pk] = organisations
        network.operator[region.pk] = region.operator or operator
        for year in range(timezone.localdate().year - 1, timezone.localdate().year + 1):
            for kind, baseline in (
                (RegionalGoal.Kind.INTERNATIONAL_COMPANIES, 400),
                (RegionalGoal.Kind.COMPANIES_REACHED, 150),
            ):
                RegionalGoal.objects.get_or_create(
                    region=region,
                    year=year,
                    kind=kind,
                    defaults={"baseline": baseline, "target": baseline * 2},
                )
    return network


# --- Companies ------------------------------------------------------------------------------------


def _volume_companies_q():
    return f"org_number >= '{ORG_BASE:09d}0' AND org_number <= '5099999999'"


def count_companies() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM companies_company WHERE {_volume_companies_q()}")  # noqa: S608  # nosec B608: our own table names
        return cursor.fetchone()[0]


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


# --- Requests and their timelines ------------------------------------------------------------------

REQUEST_COLUMNS = [
    "id",
    "public_id",
    "reference",
    "year",
    "number",
    "status",
    "channel",
    "region_id",
    "company_id",
    "contact_id",
    "target_markets",
    "description",
    "sells",
    "language",
    "preferred_contact_method",
    "submitted",
    "owner_organisation_id",
    "owner_advisor_id",
    "owner_since",
    "priority",
    "outcome",
    "outcome_comment",
    "duplicate_of_id",
    "first_response_due_at",
    "first_response_at",
    "deadline_missed_at",
    "closed_at",
    "idempotency_key",
    "legal_hold",
    "anonymised_at",
    "version",
    "created_at",
    "updated_at",
]
EVENT_COLUMNS = [
    "request_id",
    "kind",
    "actor_id",
    "body",
    "visibility",
    "organisation_id",
    "data",
    "referral_id",
    "created_at",
]
REFERRAL_COLUMNS = [
    "id",
    "public_id",
    "request_id",
    "from_organisation_id",
    "to_organisation_id",
    "created_by_id",
    "scope",
    "note",
    "consent_confirmed",
    "consent_method",
    "consent_details",
    "status",
    "due_at",
    "answered_at",
    "answered_by_id",
    "advisor_id",
    "decline_reason",
    "version",
    "created_at",
    "updated_at",
]


def _profiles(company_ids: list[int]) -> dict[int, dict]:
    """The company profile the intake keeps on a web request (`Submission.company_profile`), by company id."""
    profiles = {}
    for company in Company.objects.filter(pk__in=set(company_ids)).values(
        "pk",
        "org_number",
        "name",
        "municipality_id",
        "website",
        "employee_band",
        "export_experience",
        "export_countries",
    ):
        profiles[company["pk"]] = {
            "org_number": company["org_number"],
            "name": company["name"],
            "municipality": company["municipality_id"],
            "website": company["website"],
            "employee_band": company["employee_band"],
            "export_experience": company["export_experience"],
            "export_countries": sorted(str(code) for code in company["export_countries"]),
        }
    return profiles


def count_requests() -> int:
    return AdviceRequest.objects.filter(idempotency_key__startswith=REQUEST_KEY).count()


def _next_working_day_end(moment: datetime) -> datetime:
    day = moment + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.replace(hour=16, minute=0, second=0, microsecond=0)


class _Writers:
    def __init__(self):
        self.requests = _copier(AdviceRequest, REQUEST_COLUMNS)
        self.needs = Copier(
            AdviceRequest.needs.through._meta.db_table, ["advicerequest_id", "needcategory_id"]
        )
        self.events = _copier(RequestEvent, EVENT_COLUMNS)
        self.referrals = _copier(Referral, REFERRAL_COLUMNS)
        self.referral_needs = Copier(
            Referral.needs.through._meta.db_table, ["referral_id", "needcategory_id"]
        )
        self.co_handling = _copier(
            CoHandling, ["request_id", "organisation_id", "need_id", "referral_id", "created_at"]
        )
        self.notifications = _copier(
            Notification, ["recipient_id", "kind", "params", "key", "read_at", "created_at"]
        )
        self.outbox = _copier(
            OutboundEmail,
            [
                "key",
                '"to"',
                "subject",
                "body_text",
                "body_html",
                "status",
                "attempts",
                "last_error",
                "created_at",
                "next_attempt_at",
                "sent_at",
            ],
        )

    def flush(self):
        for copier in vars(self).values():
            copier.flush()


def seed_requests(target: int, network: Network, companies, *, now: datetime) -> int:
    existing = count_requests()
    if existing >= target or not len(companies[0]):
        return 0
    ids, contacts, counties = companies
    region_of = {int(code): region.pk for region in network.regions for code in network.counties[region.pk]}
    needs = list(NeedCategory.objects.filter(is_active=True).values_list("pk", flat=True))
    created = 0
    for start in range(existing, target, CHUNK):
        stop = min(start + CHUNK, target)
        with transaction.atomic():
            counters = {
                counter.year: counter
                for counter in ReferenceCounter.objects.select_for_update().filter(
                    year__gte=now.year - YEARS_BACK
                )
            }
            first_request = _reserve_ids(AdviceRequest, stop - start)
            first_referral = _reserve_ids(Referral, 2 * (stop - start))
            next_referral = first_referral
            writers = _Writers()
            # What each request's company says about itself (kept on web requests): this chunk's companies.
            positions = [
                random.Random(index * 104_729 + 7).randrange(len(ids)) for index in range(start, stop)
            ]
            profiles = _profiles([ids[position] for position in positions])
            for offset, index in enumerate(range(start, stop)):
                rng = random.Random(index * 104_729 + 7)
                request_id = first_request + offset
                position = rng.randrange(len(ids))
                company_id, contact_id = ids[position], contacts[position]
                region_id = region_of[counties[position]]
                partners = network.organisations[region_id]
                status = _pick(rng, STATUS_WEIGHTS)
                age = (
                    rng.randrange(10 * 86400) if status == "new" else rng.randrange(YEARS_BACK * 365 * 86400)
                )
                created_at = now - timedelta(seconds=age + 3600)
                year = timezone.localtime(created_at).year
                counter = counters.get(year)
                if counter is None:
                    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
                    counters[year] = counter
                counter.last_number += 1
                number = counter.last_number
                reference = f"EC-{year}-{number:06d}"
                channel = _pick(rng, CHANNEL_WEIGHTS)
                due = _next_working_day_end(created_at)
                chosen = rng.sample(needs, k=rng.randint(1, 3))
                operator = network.operator[region_id]
                events = [("created", None, "", None, {"channel": channel}, None, created_at)]
                owner_org = owner = owner_since = first_response = closed_at = missed = None
                outcome, version, moment = "", 1, created_at
                profile = profiles[company_id]
                request_params = {
                    "request": str(_uuid(rng)),
                    "reference": reference,
                    "company": profile["name"],
                }
                public_id = request_params["request"]
                if status != "new":
                    moment = created_at + timedelta(hours=rng.randint(1, 40))
                    owner_org = rng.choice(partners) if rng.random() < 0.6 else operator
                    owner_since = moment
                    triager = network.advisors[operator.pk][1]
                    events.append(
                        ("assigned", triager, "", operator.pk, {"organisation": owner_org.pk}, None, moment)
                    )
                    events.append(
                        (
                            "status_changed",
                            triager,
                            "",
                            operator.pk,
                            {"from": "new", "to": "triaged"},
                            None,
                            moment,
                        )
                    )
                    first_response, version = moment, 3
                    if moment > due:
                        missed = due
                        events.append(("deadline_missed", None, "", None, {}, None, due))
                    # Referrals: accepted, declined then re-referred, pending, or needs co-handled.
                    roll = rng.random()
                    others = [org for org in partners if org.pk != owner_org.pk]
                    if roll < 0.22 and others:
                        moment += timedelta(hours=rng.randint(1, 30))
                        sender = rng.choice(network.advisors[owner_org.pk])
                        first_to = rng.choice(others)
                        plan = (
                            ["declined", "accepted"]
                            if roll < 0.05
                            else ["pending"]
                            if roll < 0.08 and status != "closed"
                            else ["accepted"]
                        )
                        scope = "needs" if 0.16 <= roll < 0.22 else "whole"
                        to = first_to
                        for outcome_of_referral in plan:
                            referral_id = next_referral
                            next_referral += 1
                            answered = moment + timedelta(hours=rng.randint(1, 20))
                            answerer = rng.choice(network.advisors[to.pk])
                            pending = outcome_of_referral == "pending"
                            writers.referrals.add(
                                referral_id,
                                _uuid(rng),
                                request_id,
                                owner_org.pk,
                                to.pk,
                                sender,
                                scope,
                                NOTE,
                                True,
                                "phone",
                                "",
                                outcome_of_referral,
                                _next_working_day_end(moment),
                                None if pending else answered,
                                None if pending else answerer,
                                answerer if outcome_of_referral == "accepted" else None,
                                DECLINE if outcome_of_referral == "declined" else "",
                                1 if pending else 2,
                                moment,
                                moment if pending else answered,
                            )
                            referred_needs = chosen[:1] if scope == "needs" else []
                            for need in referred_needs:
                                writers.referral_needs.add(referral_id, need)
                            events.append(
                                (
                                    "referred",
                                    sender,
                                    NOTE,
                                    owner_org.pk,
                                    {"to": to.pk, "scope": scope},
                                    referral_id,
                                    moment,
                                )
                            )
                            writers.notifications.add(
                                answerer,
                                "referral_received",
                                request_params,
                                f"referral-received:{referral_id}",
                                answered if not pending else None,
                                moment,
                            )
                            if pending:
                                break
                            kind = f"referral_{outcome_of_referral}"
                            events.append((kind, answerer, "", to.pk, {"to": to.pk}, referral_id, answered))
                            moment = answered
                            if outcome_of_referral == "accepted":
                                if scope == "whole":
                                    owner_org, owner_since = to, answered
                                else:
                                    for need in referred_needs:
                                        writers.co_handling.add(
                                            request_id, to.pk, need, referral_id, answered
                                        )
                            else:
                                to = rng.choice([org for org in others if org.pk != to.pk] or others)
                            version += 1
                    if status in ("in_progress", "waiting_for_company", "closed"):
                        moment += timedelta(hours=rng.randint(1, 48))
                        owner = rng.choice(network.advisors[owner_org.pk][1:])
                        events.append(("claimed", owner, "", owner_org.pk, {}, None, moment))
                        events.append(
                            (
                                "status_changed",
                                owner,
                                "",
                                owner_org.pk,
                                {"from": "triaged", "to": "in_progress"},
                                None,
                                moment,
                            )
                        )
                        events.append(("message_to_company", owner, MESSAGE, owner_org.pk, {}, None, moment))
                        version += 2
                    if status == "waiting_for_company":
                        moment += timedelta(hours=1)
                        events.append(
                            (
                                "status_changed",
                                owner,
                                "",
                                owner_org.pk,
                                {"from": "in_progress", "to": "waiting_for_company"},
                                None,
                                moment,
                            )
                        )
                        version += 1
                    elif status in ("in_progress", "closed") and rng.random() < 0.4:
                        moment += timedelta(days=rng.randint(1, 5))
                        events.append(("message_from_company", None, REPLY, None, {}, None, moment))
                    if status == "closed":
                        moment += timedelta(days=rng.randint(1, 60))
                        outcome = _pick(rng, OUTCOME_WEIGHTS)
                        closed_at = moment
                        events.append(
                            (
                                "status_changed",
                                owner,
                                "",
                                owner_org.pk,
                                {"from": "in_progress", "to": "closed", "outcome": outcome},
                                None,
                                moment,
                            )
                        )
                        version += 1
                    moment = min(moment, now)
                elif created_at + timedelta(seconds=0) > due or now > due:
                    missed = due if now > due else None
                    if missed:
                        events.append(("deadline_missed", None, "", None, {}, None, due))
                if status == "new":
                    for person in network.advisors[operator.pk][1:2]:
                        writers.notifications.add(
                            person,
                            "new_request",
                            request_params,
                            f"new-request:{request_id}",
                            None,
                            created_at,
                        )
                language = "en" if rng.random() < 0.08 else "sv"
                writers.requests.add(
                    request_id,
                    public_id,
                    reference,
                    year,
                    number,
                    status,
                    channel,
                    region_id,
                    company_id,
                    contact_id,
                    ",".join(rng.sample(MARKETS, k=rng.randint(1, 3))),
                    "Vi vill börja exportera och behöver hjälp med marknadsval, finansiering och kontakter.",
                    rng.choice(["goods", "services", "both"]),
                    language,
                    "email",
                    profile if channel == "web" else {},
                    owner_org.pk if owner_org else None,
                    owner,
                    owner_since,
                    _pick(rng, PRIORITY_WEIGHTS),
                    outcome,
                    "" if not outcome else "Avslutat.",
                    None,
                    due,
                    first_response,
                    missed,
                    closed_at,
                    f"{REQUEST_KEY}{index}",
                    rng.random() < 0.001,
                    None,
                    version,
                    created_at,
                    max(moment, created_at),
                )
                for need in chosen:
                    writers.needs.add(request_id, need)
                for kind, actor, body, organisation, data, referral, at in events:
                    writers.events.add(
                        request_id, kind, actor, body, "all", organisation, data, referral, min(at, now)
                    )
                writers.outbox.add(
                    f"request-confirmation:{request_id}",
                    f"kontakt{index}@volume.example",
                    f"Vi har tagit emot ert ärende {reference}",
                    MESSAGE,
                    "",
                    "sent",
                    1,
                    "",
                    created_at,
                    created_at,
                    created_at + timedelta(seconds=5),
                )
            writers.flush()
            for counter in counters.values():
                counter.save(update_fields=["last_number"])
        created += stop - start
    return created


# --- Outreach: campaigns with members, activities, follow-ups --------------------------------------


def seed_campaigns(target: int, network: Network, companies, *, now: datetime) -> int:
    """`target` campaigns in all, spread over the regions, each with up to 200 member companies."""
    existing = Campaign.objects.filter(name__startswith="Volym ").count()
    ids, _contacts, counties = companies
    by_county: dict[int, list[int]] = {}
    for position in range(0, len(ids), max(1, len(ids) // 200_000)):
        by_county.setdefault(counties[position], []).append(ids[position])
    members = _copier(
        CampaignMember,
        [
            "campaign_id",
            "company_id",
            "status",
            "added_by_id",
            "added_at",
            "status_changed_at",
            "status_changed_by_id",
            "removed_at",
        ],
    )
    for index in range(existing, target):
        rng = random.Random(index + 31)
        region = network.regions[index % len(network.regions)]
        organisation = rng.choice(network.organisations[region.pk])
        lead = network.advisors[organisation.pk][0]
        starts = (now - timedelta(days=rng.randrange(700))).date()
        campaign = Campaign.objects.create(
            name=f"Volym {index + 1}: exportlyft {region.name}",
            goal="Fler exporterande företag.",
            region=region,
            organisation=organisation,
            starts_on=starts,
            ends_on=starts + timedelta(days=180),
            target_filter={},
            created_by_id=lead,
        )
        pool = [company for code in network.counties[region.pk] for company in by_county.get(int(code), [])]
        for company_id in rng.sample(pool, k=min(len(pool), rng.randint(50, 200))):
            status = rng.choice(list(CampaignMember.Status.values))
            changed = status != CampaignMember.Status.TO_CONTACT
            members.add(
                campaign.pk,
                company_id,
                status,
                lead,
                now,
                now if changed else None,
                lead if changed else None,
                None,
            )
    members.flush()
    return max(0, target - existing)


def seed_activities(target: int, network: Network, companies, *, now: datetime) -> int:
    existing = Activity.objects.filter(notes__startswith="(volym)").count()
    ids = companies[0]
    orgs = [org for region in network.regions for org in network.organisations[region.pk]]
    kinds = list(Activity.Kind.values)
    participants = Activity.participants.through
    for start in range(existing, target, CHUNK):
        stop = min(start + CHUNK, target)
        first = _reserve_ids(Activity, stop - start)
        rows = _copier(
            Activity,
            [
                "id",
                "public_id",
                "kind",
                "company_id",
                "occurred_on",
                "campaign_member_id",
                "request_id",
                "notes",
                "outcome",
                "organisation_id",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
        )
        people = Copier(participants._meta.db_table, ["activity_id", "user_id"])
        for offset, index in enumerate(range(start, stop)):
            rng = random.Random(index * 13 + 5)
            organisation = rng.choice(orgs)
            author = rng.choice(network.advisors[organisation.pk][1:])
            when = now - timedelta(days=rng.randrange(3 * 365))
            rows.add(
                first + offset,
                _uuid(rng),
                rng.choice(kinds),
                ids[rng.randrange(len(ids))],
                when.date(),
                None,
                None,
                "(volym) Samtal om exportplaner och nästa steg.",
                "",
                organisation.pk,
                author,
                when,
                when,
            )
            people.add(first + offset, author)
        rows.flush()
        people.flush()
    return max(0, target - existing)


def seed_follow_ups(target: int, network: Network, companies, *, now: datetime) -> int:
    existing = FollowUp.objects.filter(description__startswith="(volym)").count()
    ids = companies[0]
    orgs = [org for region in network.regions for org in network.organisations[region.pk]]
    today = timezone.localdate(now)
    for start in range(existing, target, CHUNK):
        stop = min(start + CHUNK, target)
        rows = _copier(
            FollowUp,
            [
                "public_id",
                "owner_id",
                "organisation_id",
                "company_id",
                "description",
                "due_on",
                "remind_on",
                "status",
                "completed_at",
                "completed_by_id",
                "created_by_id",
                "version",
                "created_at",
                "updated_at",
            ],
        )
        for index in range(start, stop):
            rng = random.Random(index * 17 + 3)
            organisation = rng.choice(orgs)
            owner = rng.choice(network.advisors[organisation.pk][1:])
            due = today + timedelta(days=rng.randint(-60, 60))
            status = (
                "open" if due >= today or rng.random() < 0.3 else rng.choice(["done", "done", "cancelled"])
            )
            created = now - timedelta(days=rng.randint(61, 200))
            done = status != "open"
            rows.add(
                _uuid(rng),
                owner,
                organisation.pk,
                ids[rng.randrange(len(ids))],
                "(volym) Ring upp om offerten.",
                due,
                due - timedelta(days=rng.randint(0, 3)),
                status,
                now if done else None,
                owner if done else None,
                owner,
                2 if done else 1,
                created,
                now if done else created,
            )
        rows.flush()
    return max(0, target - existing)


def analyze() -> None:
    with connection.cursor() as cursor:
        for model in [*BULK_TABLES, Campaign, CampaignMember, CoHandling, Organisation, User]:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


# --- Bulk-load mode: secondary indexes are rebuilt once instead of maintained row by row -------------

BULK_TABLES = [
    Company,
    Contact,
    CompanyEvent,
    AdviceRequest,
    AdviceRequest.needs.through,
    RequestEvent,
    Referral,
    Notification,
    OutboundEmail,
    Activity,
    FollowUp,
]


def is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


# The definitions of the dropped indexes are kept in a table of their own until they are built again, so an
# interrupted load loses none: the next run builds them first. Not a Django model: only this module knows it.
PENDING_INDEXES = "demo_volume_pending_index"


def _pending_table(cursor) -> None:
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {PENDING_INDEXES} (definition text PRIMARY KEY)")


def drop_secondary_indexes() -> list[str]:
    """Drop the indexes of the big tables that back no constraint; return their definitions."""
    tables = [model._meta.db_table for model in BULK_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        _pending_table(cursor)
        for name, definition in indexes:
            cursor.execute(
                f"INSERT INTO {PENDING_INDEXES} (definition) VALUES (%s) ON CONFLICT DO NOTHING",  # noqa: S608  # nosec B608: our own table names
                [definition],
            )
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    return [definition for _name, definition in indexes]


def create_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # inside a transaction: check the rows first
        cursor.execute("SET maintenance_work_mem = '256MB'")
        _pending_table(cursor)
        for definition in definitions:
            cursor.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
            cursor.execute(f"DELETE FROM {PENDING_INDEXES} WHERE definition = %s", [definition])  # noqa: S608  # nosec B608: our own table names


def pending_indexes() -> list[str]:
    """Indexes an interrupted bulk load dropped and did not build again."""
    with connection.cursor() as cursor:
        _pending_table(cursor)
        cursor.execute(f"SELECT definition FROM {PENDING_INDEXES}")  # noqa: S608  # nosec B608: our own table names
        return [row[0] for row in cursor.fetchall()]
