"""Demo company register for Exportcenter Uppsala län: about 300 fictitious companies with contacts.

Deterministic (`random.Random(2026)`) and idempotent: companies are keyed on their organisation number. A
company that already exists is left as it is, contacts and all (someone may have edited them), so a second
run creates nothing. Depends on the reference data (loaded here if missing) and, for `created_by` and the
responsible partner, on the demo partners and people of `demo.partners` (left empty if they are missing).

Everything is meant to be fictitious:
- organisation numbers are valid but taken from the far end of the current series (559[7-9]… for AB,
  9699… for HB, 7699… for ek. för.), which Bolagsverket has, as far as we know, not reached yet;
- sole traders' personal identity numbers are random but valid (birth date, gender digit, check digit),
  so like any such number they may belong to a real person: demo databases only;
- phone numbers are from the range PTS reserves for fiction (070-174 06 05 – 070-174 06 99);
- websites and email addresses use the reserved `.example` top-level domain.
"""

import json
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn

from advisors.models import Organisation, User
from companies.identifiers import LegalForm, parse_organisation_number
from companies.models import (
    INTERNATIONAL_FLAGS,
    Company,
    CompanyEvent,
    CompanySource,
    Contact,
    ExportExperience,
    FlagSource,
)
from reference.loader import load_reference_data, reference_data_loaded
from reference.models import EmployeeBand, Municipality, SNICode, TurnoverClass

from . import partners as advisors_demo

DATA = Path(__file__).resolve().parent / "data"
SEED = 2026
EVENT_SUMMARY = "Registered (demo data)"

# Share of the county's population (SCB, 2024, rounded to thousands): Uppsala most, Älvkarleby least.
MUNICIPALITY_POPULATION = {
    "0380": 246,  # Uppsala
    "0381": 47,  # Enköping
    "0382": 23,  # Östhammar
    "0360": 22,  # Tierp
    "0305": 22,  # Håbo
    "0330": 20,  # Knivsta
    "0331": 14,  # Heby
    "0319": 10,  # Älvkarleby
}

PLACES = {
    "0380": [
        "Uppsala",
        "Fyris",
        "Gamla Uppsala",
        "Storvreta",
        "Vattholma",
        "Björklinge",
        "Bälinge",
        "Almunge",
        "Järlåsa",
        "Länna",
        "Ultuna",
        "Sävja",
        "Skyttorp",
    ],
    "0381": ["Enköping", "Grillby", "Örsundsbro", "Fjärdhundra", "Ekolsund", "Hummelsta", "Lillkyrka"],
    "0382": ["Östhammar", "Öregrund", "Gimo", "Österbybruk", "Alunda", "Hargshamn", "Gräsö", "Dannemora"],
    "0360": ["Tierp", "Söderfors", "Karlholm", "Mehedeby", "Örbyhus", "Månkarbo", "Skärplinge", "Lövstabruk"],
    "0305": ["Bålsta", "Skokloster", "Övergran", "Yttergran"],
    "0330": ["Knivsta", "Alsike", "Vassunda", "Långhundra"],
    "0331": ["Heby", "Morgongåva", "Östervåla", "Vittinge", "Harbo", "Tärnsjö"],
    "0319": ["Älvkarleby", "Skutskär", "Gårdskär", "Marma"],
}
REGIONAL_PLACES = ["Upplands", "Roslagens", "Lunsens", "Dalälvens"]  # genitive: "Roslagens Bryggeri"


# First names, surnames and the stems of invented place names: demo/data/names.json.
_NAMES = json.loads((DATA / "names.json").read_text(encoding="utf-8"))
FEMALE_NAMES, MALE_NAMES, SURNAMES = _NAMES["female"], _NAMES["male"], _NAMES["surnames"]
STEM_FIRST, STEM_SECOND = _NAMES["stem_first"], _NAMES["stem_second"]


GOODS, SERVICES = "goods", "services"

# Export experience weights in ExportExperience order: never, occasionally, few markets, many, stopped.
EXPERIENCE_ORDER = [
    ExportExperience.NEVER,
    ExportExperience.OCCASIONALLY,
    ExportExperience.REGULARLY_FEW,
    ExportExperience.REGULARLY_MANY,
    ExportExperience.STOPPED,
]
EXPERIENCE_WEIGHTS = {
    "high": [24, 30, 22, 11, 13],
    "mid": [38, 30, 14, 5, 13],
    "low": [50, 28, 10, 2, 10],
    "sole": [56, 34, 8, 0, 2],
}
EXPORTING = {ExportExperience.OCCASIONALLY, ExportExperience.REGULARLY_FEW, ExportExperience.REGULARLY_MANY}

# Nearby markets first: the usual first steps of a company in Uppsala län.
MARKETS = {
    "NO": 20,
    "DK": 15,
    "FI": 14,
    "DE": 14,
    "GB": 8,
    "US": 8,
    "NL": 7,
    "PL": 5,
    "FR": 5,
    "EE": 4,
    "JP": 2,
    "CN": 2,
}


@dataclass(frozen=True)
class Profile:
    """An industry: SNI 2025 codes to pick from, words for the name, and how it trades abroad."""

    key: str
    weight: int
    codes: tuple[str, ...]
    trades: tuple[str, ...]
    kind: str
    import_share: float
    export: str  # a key of EXPERIENCE_WEIGHTS
    life_science: bool = False
    legal_forms: tuple[str, ...] = ("ab", "hb")


# The industries of the demo register (SNI codes, words for names, trade): demo/data/profiles.json.
PROFILES = [
    Profile(**{key: tuple(value) if isinstance(value, list) else value for key, value in row.items()})
    for row in json.loads((DATA / "profiles.json").read_text(encoding="utf-8"))
]


# Sole traders: (trade, SNI 2025 code, goods or services), named after the owner: "Karins Keramik".
SOLE_TRADES = [
    ("Keramik", "23410", GOODS),
    ("Snickeri", "16239", GOODS),
    ("Design", "74120", SERVICES),
    ("Bageri", "10710", GOODS),
    ("Data", "62201", SERVICES),
    ("Översättningar", "74300", SERVICES),
    ("Foto", "74200", SERVICES),
    ("Textil", "13920", GOODS),
    ("Konsult", "70200", SERVICES),
    ("Smide", "25999", GOODS),
]
ENGLISH_TRADES = {
    "Software",
    "Systems",
    "Data",
    "Digital",
    "Tech",
    "Cloud",
    "Analytics",
    "Medtech",
    "Pharma",
    "Diagnostics",
    "Medical",
    "Life Science",
    "Biotech",
    "Biolabs",
    "Trading",
    "Management",
    "Design",
    "Precision",
}

EMPLOYEE_WEIGHTS = {
    "ab": {"0": 8, "1-4": 60, "5-9": 48, "10-19": 36, "20-49": 26, "50-99": 8, "100-199": 3},
    "hb": {"0": 20, "1-4": 55, "5-9": 20, "10-19": 5},
    "ef": {"1-4": 30, "5-9": 30, "10-19": 25, "20-49": 15},
    "sole": {"0": 60, "1-4": 40},
}
# SCB turnover classes (reference/data/scb_turnover_classes.csv) plausible for each employee band.
TURNOVER_BY_BAND = {
    "0": (1, 2, 2, 3),
    "1-4": (2, 3, 3, 4),
    "5-9": (3, 4, 4, 5),
    "10-19": (4, 5, 5, 6),
    "20-49": (5, 6, 6, 7),
    "50-99": (6, 7, 7, 8),
    "100-199": (7, 8, 8),
}
LARGE_BANDS = {EmployeeBand.B50_99, EmployeeBand.B100_199}
MEDIUM_BANDS = {EmployeeBand.B20_49, *LARGE_BANDS}

SOURCE_WEIGHTS = {
    CompanySource.ADVISOR: 50,
    CompanySource.IMPORT: 22,
    CompanySource.OUTREACH: 22,
    CompanySource.WEB_REQUEST: 6,
}
# Demo partners by slug (demo.partners.PARTNERS) that take responsibility for a company, and how often.
PARTNER_WEIGHTS = {
    "almi": 30,
    "business-sweden": 22,
    "uic": 10,
    "connect": 8,
    "een": 10,
    "region-uppsala": 10,
    "ekn": 6,
    "sek": 4,
}
RESPONSIBLE_SHARE = 0.4
WEBSITE_SHARE = 0.6
SECONDARY_TITLES = ["Exportansvarig", "Ekonomichef", "Försäljningschef"]
FICTION_MOBILE_PREFIX = "+467017406"  # PTS: 070-174 06 05 – 070-174 06 99 are reserved for fiction


@dataclass(frozen=True)
class DemoCompanies:
    companies: int
    contacts: int


@dataclass
class CompanyPlan:
    """One demo company: its Company fields, its contacts (dicts of Contact fields) and who is behind it."""

    fields: dict
    contacts: list[dict] = field(default_factory=list)
    partner: str | None = None  # slug of the responsible demo partner
    advisor_email: str | None = None  # the responsible demo advisor
    creator_email: str | None = None  # the demo advisor who registered it


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def _sample_markets(rng: random.Random, count: int, exclude=()) -> list[str]:
    pool = {code: weight for code, weight in MARKETS.items() if code not in exclude}
    chosen = []
    while pool and len(chosen) < count:
        code = _weighted(rng, pool)
        chosen.append(code)
        del pool[code]
    return sorted(chosen)


def _quotas(count: int) -> list[str]:
    """Municipality codes for `count` companies in proportion to population; each gets at least one."""
    total = sum(MUNICIPALITY_POPULATION.values())
    exact = {code: count * people / total for code, people in MUNICIPALITY_POPULATION.items()}
    quota = (
        {code: max(1, int(share)) for code, share in exact.items()} if count >= 8 else dict.fromkeys(exact, 0)
    )
    by_remainder = sorted(exact, key=lambda code: exact[code] - int(exact[code]), reverse=True)
    index = 0
    while sum(quota.values()) < count:
        quota[by_remainder[index % len(by_remainder)]] += 1
        index += 1
    while sum(quota.values()) > count:  # only when the minimum of one each overshoots
        largest = max(quota, key=quota.get)
        quota[largest] -= 1
    return [code for code, n in quota.items() for _ in range(n)]


def _with_check_digit(digits: str) -> str:
    return digits + luhn.calc_check_digit(digits)


def _org_number(rng: random.Random, form: str) -> str:
    """A valid number in a series Bolagsverket has not reached: 559[7-9] (AB), 9699 (HB), 7699 (ek. för.)."""
    prefix = {"ab": f"559{rng.choice('789')}", "hb": "9699", "ef": "7699"}[form]
    return _with_check_digit(prefix + f"{rng.randrange(100000):05d}")


def _personal_number(rng: random.Random, female: bool) -> str:
    """A valid personal identity number (YYMMDDNNNC) for a person born 1958–1999."""
    born = date(1958, 1, 1) + timedelta(days=rng.randrange((date(1999, 12, 31) - date(1958, 1, 1)).days))
    gender_digit = rng.choice("02468" if female else "13579")
    serial = f"{rng.randrange(1, 100):02d}{gender_digit}"
    return _with_check_digit(born.strftime("%y%m%d") + serial)


def _genitive(name: str) -> str:
    return name if name[-1] in "sxz" else f"{name}s"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _email_local(name: str) -> str:
    return ".".join(_ascii(part).lower() for part in name.split())


def _person(rng: random.Random, female: bool | None = None) -> tuple[str, str, bool]:
    if female is None:
        female = rng.random() < 0.45
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    return first, rng.choice(SURNAMES), female


def _stem(rng: random.Random) -> str:
    while True:
        first, second = rng.choice(STEM_FIRST), rng.choice(STEM_SECOND)
        if not first.lower().endswith(second[0]):
            return first + second


def _place(rng: random.Random, municipality: str) -> str:
    return rng.choice(PLACES[municipality]) if rng.random() < 0.85 else rng.choice(REGIONAL_PLACES)


def _company_name(rng: random.Random, form: str, profile: Profile, municipality: str) -> str:
    trade = rng.choice(profile.trades)
    english = trade in ENGLISH_TRADES
    if form == "ef":
        return f"{_place(rng, municipality)} {trade} ek. för."
    if form == "hb":
        style = rng.random()
        if style < 0.4:
            return f"Bröderna {rng.choice(SURNAMES)} {trade} HB"
        if style < 0.8:
            first, second = rng.sample(SURNAMES, 2)
            return f"{first} & {second} {trade} HB"
        return f"{_place(rng, municipality)} {trade} HB"
    style = rng.random()
    if style < 0.3:
        return f"{_place(rng, municipality)} {trade} AB"
    if style < 0.8:
        return f"{_stem(rng)} {trade} AB"
    surname = rng.choice(SURNAMES)
    return f"{surname if english or trade == 'Konsult' else _genitive(surname)} {trade} AB"


def _slug(name: str) -> str:
    for suffix in (" AB", " HB", " ek. för."):
        name = name.removesuffix(suffix)
    return slugify(name.replace("&", " "))


def _recent(rng: random.Random, today: date, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low, high))


def _international(rng: random.Random, today: date, profile_kind: str, profile: Profile | None, plan: dict):
    """Tillväxtverket's six flags, consistent with the export experience, each with a confirmation date."""
    experience, band, form = plan["export_experience"], plan["employee_band"], plan["legal_form"]
    exporting = experience in EXPORTING
    flags = dict.fromkeys(
        [
            "exports_goods",
            "exports_services",
            "imports",
            "international_cooperation",
            "foreign_group_member",
            "operations_abroad",
        ],
        False,
    )
    if exporting:
        flags["exports_goods" if profile_kind == GOODS else "exports_services"] = True
        if rng.random() < 0.15:  # service and maintenance abroad, or goods sold with a service
            flags["exports_services" if profile_kind == GOODS else "exports_goods"] = True
    import_share = profile.import_share if profile else 0.1
    flags["imports"] = rng.random() < import_share
    cooperation_share = 0.4 if profile and profile.life_science else 0.18 if exporting else 0.03
    flags["international_cooperation"] = rng.random() < cooperation_share
    if form == LegalForm.LIMITED_COMPANY:
        flags["foreign_group_member"] = rng.random() < (0.15 if band in MEDIUM_BANDS else 0.02)
    abroad_share = {ExportExperience.REGULARLY_MANY: 0.35, ExportExperience.REGULARLY_FEW: 0.08}
    flags["operations_abroad"] = rng.random() < abroad_share.get(experience, 0)

    confirmed = []
    for name, value in flags.items():
        plan[name] = value
        plan[f"{name}_confirmed_on"] = None
        if value:
            plan[f"{name}_confirmed_on"] = _recent(rng, today, 5, 420)
            confirmed.append(plan[f"{name}_confirmed_on"])
    plan["became_international_on"] = None
    if confirmed:
        years = {
            ExportExperience.REGULARLY_MANY: 15,
            ExportExperience.REGULARLY_FEW: 10,
            ExportExperience.OCCASIONALLY: 4,
        }.get(experience, 6)
        plan["became_international_on"] = min(confirmed) - timedelta(days=rng.randint(0, 365 * years))


ADVISOR_SOURCES = [
    "Årsredovisning 2025",
    "Samtal med vd",
    "Besök hos företaget",
    "Tullverkets statistik",
    "Offert till kund i Tyskland",
    "Företagets webbplats och exportorder",
]
ADVISOR_SHARE, SURVEY_SHARE = 0.45, 0.2  # of the international companies; the rest are unconfirmed


def _flag_sources(today: date, plan: dict) -> None:
    """Who confirmed the signs (issue 18): some by an advisor with a source, some by the company in a
    survey, the rest recorded without a source (unconfirmed: not counted toward the goals). A company's own
    random stream (by its number), so the other demo data stay as they were."""
    plan.update(
        flags_source="", flags_source_note="", flags_confirmed_on=None, international_confirmed_on=None
    )
    dates = [plan[f"{name}_confirmed_on"] for name, _label in INTERNATIONAL_FLAGS if plan[name]]
    if not dates:
        return
    rng = random.Random(f"{SEED}-flags-{plan['org_number']}")
    draw = rng.random()
    if draw >= ADVISOR_SHARE + SURVEY_SHARE:
        return
    if draw < ADVISOR_SHARE:
        plan["flags_source"], plan["flags_source_note"] = FlagSource.ADVISOR, rng.choice(ADVISOR_SOURCES)
    else:
        plan["flags_source"] = FlagSource.COMPANY_SURVEY
    plan["flags_confirmed_on"] = max(dates)
    # Long-standing exporters were confirmed long ago (before any goal's period); the others when the
    # advisor or the survey first confirmed a sign: these are the newly international companies.
    long_standing = plan["export_experience"] in (
        ExportExperience.REGULARLY_MANY,
        ExportExperience.REGULARLY_FEW,
    )
    plan["international_confirmed_on"] = plan["became_international_on"] if long_standing else min(dates)


def _markets(rng: random.Random, plan: dict) -> None:
    experience = plan["export_experience"]
    exports = []
    if experience == ExportExperience.OCCASIONALLY:
        exports = _sample_markets(rng, rng.randint(1, 2))
    elif experience == ExportExperience.REGULARLY_FEW:
        exports = _sample_markets(rng, rng.randint(1, 3))
    elif experience == ExportExperience.REGULARLY_MANY:
        exports = _sample_markets(rng, rng.randint(4, 8))
    target_share = {ExportExperience.NEVER: 0.55, ExportExperience.STOPPED: 0.5}.get(experience, 0.45)
    targets = _sample_markets(rng, rng.randint(1, 2), exclude=exports) if rng.random() < target_share else []
    plan["export_countries"], plan["target_markets"] = exports, targets


def _contacts(
    rng: random.Random, today: date, plan: CompanyPlan, owner: tuple[str, str, bool] | None, domain: str
):
    fields = plan.fields
    form, band = fields["legal_form"], fields["employee_band"]
    if owner:
        count = 1
    elif band in MEDIUM_BANDS:
        count = rng.choices([1, 2, 3], weights=[20, 45, 35])[0]
    else:
        count = rng.choices([1, 2, 3], weights=[50, 35, 15])[0]
    english_share = 0.2 if fields["sni_code_id"][:2] in {"21", "26", "32", "62", "63", "72"} else 0.05
    primary_title = {
        LegalForm.SOLE_TRADER: "Grundare",
        LegalForm.PARTNERSHIP: "Delägare",
        LegalForm.ECONOMIC_ASSOCIATION: "VD",
    }.get(form) or ("VD" if rng.random() < 0.6 else "Grundare")
    titles = [primary_title, *rng.sample(SECONDARY_TITLES, count - 1)]
    names = set()
    for index, title in enumerate(titles):
        first, last, _female = owner if owner and index == 0 else _person(rng)
        while f"{first} {last}" in names:
            first, last, _female = _person(rng)
        name = f"{first} {last}"
        names.add(name)
        source = fields["source"]
        consent = source == CompanySource.WEB_REQUEST or rng.random() < 0.2
        basis = Contact.LegalBasis.CONSENT if consent else Contact.LegalBasis.LEGITIMATE_INTEREST
        plan.contacts.append(
            {
                "name": name,
                "title": title,
                "email": f"{_email_local(name)}@{domain}",
                "phone": f"{FICTION_MOBILE_PREFIX}{rng.randint(5, 99):02d}" if rng.random() < 0.9 else "",
                "preferred_language": "en" if rng.random() < english_share else "sv",
                "is_primary": index == 0,
                "legal_basis": basis,
                "consent_given_on": _recent(rng, today, 10, 700) if consent else None,
                "source": source,
            }
        )


def _pick_code(rng: random.Random, codes: tuple[str, ...], existing: dict[str, list[str]]) -> str:
    """One of `codes` that exists in SNICode; else any existing code of the same divisions."""
    available = [code for code in codes if code in existing["codes"]]
    if not available:
        divisions = sorted({code[:2] for code in codes})
        available = [code for division in divisions for code in existing.get(division, [])]
    if not available:
        raise LookupError(f"None of the demo SNI codes {codes} is in the reference data.")
    return rng.choice(available)


def plan_companies(count: int, *, today: date, sni_codes: list[str]) -> list[CompanyPlan]:
    """The demo companies: the same list for the same count, reference data and day."""
    rng = random.Random(SEED)
    existing = {"codes": set(sni_codes)}
    for code in sni_codes:
        existing.setdefault(code[:2], []).append(code)
    sole = min(8, count // 30)
    partnerships, associations = round(count * 0.05), round(count * 0.03)
    forms = ["sole"] * sole + ["hb"] * partnerships + ["ef"] * associations
    forms += ["ab"] * (count - len(forms))
    rng.shuffle(forms)
    municipalities = _quotas(count)
    rng.shuffle(municipalities)
    profile_weights = {profile: profile.weight for profile in PROFILES}
    advisors = [(email, org) for email, _name, org, role in advisors_demo.PEOPLE if role == User.Role.ADVISOR]

    plans, names, slugs, numbers = [], set(), set(), set()
    for form, municipality in zip(forms, municipalities, strict=True):
        owner = None
        if form == "sole":
            profile = None
            trade, code, kind = rng.choice(SOLE_TRADES)
            sni = _pick_code(rng, (code,), existing)
        else:
            profile = _weighted(rng, {p: w for p, w in profile_weights.items() if form in p.legal_forms})
            kind, sni = profile.kind, _pick_code(rng, profile.codes, existing)
        for _attempt in range(1000):
            if form == "sole":
                owner = _person(rng)
                first, last, _female = owner
                name = f"{_genitive(first)} {trade}" if rng.random() < 0.7 else f"{first} {last} {trade}"
            else:
                name = _company_name(rng, form, profile, municipality)
            slug = _slug(name)
            if name.lower() not in names and slug not in slugs:
                break
        else:  # pragma: no cover - the name parts allow thousands of names
            raise RuntimeError("Ran out of demo company names.")
        names.add(name.lower())
        slugs.add(slug)
        while True:
            number = _personal_number(rng, owner[2]) if owner else _org_number(rng, form)
            if number not in numbers:
                numbers.add(number)
                break
        legal_form = parse_organisation_number(number).legal_form

        band = _weighted(rng, EMPLOYEE_WEIGHTS[form])
        turnover = rng.choice(TURNOVER_BY_BAND[band])
        if profile and profile.key == "wholesale" and rng.random() < 0.3:
            turnover = min(turnover + 1, 12)
        experience_weights = list(EXPERIENCE_WEIGHTS["sole" if form == "sole" else profile.export])
        if band in LARGE_BANDS:
            experience_weights = [max(0, experience_weights[0] - 12), *experience_weights[1:]]
            experience_weights[2] += 10
            experience_weights[3] += 15
        experience = rng.choices(EXPERIENCE_ORDER, weights=experience_weights)[0]
        source = _weighted(rng, SOURCE_WEIGHTS)
        fields = {
            "org_number": number,
            "legal_form": legal_form,
            "name": name,
            "municipality_id": municipality,
            "sni_code_id": sni,
            "employee_band": band,
            "turnover_class_id": turnover if rng.random() < 0.95 else None,
            "website": f"https://{slug}.example" if rng.random() < WEBSITE_SHARE else "",
            "export_experience": experience,
            "source": source,
        }
        _markets(rng, fields)
        _international(rng, today, kind, profile, fields)
        _flag_sources(today, fields)

        plan = CompanyPlan(fields)
        if rng.random() < RESPONSIBLE_SHARE:
            partner_weights = dict(PARTNER_WEIGHTS)
            if experience in EXPORTING:
                partner_weights["business-sweden"] += 15
            if profile and profile.life_science:
                partner_weights["uic"] += 20
            plan.partner = _weighted(rng, partner_weights)
            partner_advisors = [email for email, org in advisors if org == plan.partner]
            if partner_advisors and rng.random() < 0.7:
                plan.advisor_email = partner_advisors[0]
        # Registered by the responsible advisor, else by one of the demo advisors (Almi most often).
        plan.creator_email = plan.advisor_email or rng.choice(
            [email for email, org in advisors for _ in range(3 if org == "almi" else 1)]
        )
        _contacts(rng, today, plan, owner, f"{slug}.example")
        plans.append(plan)
    return plans


DEMO_COMPANIES = 300


@transaction.atomic
def seed(*, count: int = DEMO_COMPANIES) -> DemoCompanies:
    """Create the demo companies that do not exist yet, their missing contacts and a CREATED event."""
    if not reference_data_loaded():
        load_reference_data()
    missing = set(MUNICIPALITY_POPULATION) - set(
        Municipality.objects.filter(code__in=MUNICIPALITY_POPULATION).values_list("code", flat=True)
    )
    if missing or not TurnoverClass.objects.exists():
        raise LookupError(f"Reference data is incomplete (missing municipalities: {sorted(missing)}).")

    plans = demo_plans(count)
    partners = dict(
        Organisation.objects.filter(slug__in=PARTNER_WEIGHTS).values_list("slug", "pk").order_by("slug")
    )
    emails = {plan.creator_email for plan in plans}
    users = dict(User.objects.filter(email__in=emails).values_list("email", "pk").order_by("email"))

    numbers = [plan.fields["org_number"] for plan in plans]
    existing = set(Company.objects.filter(org_number__in=numbers).values_list("org_number", flat=True))
    new = []
    for plan in plans:
        if plan.fields["org_number"] in existing:
            continue
        creator = users.get(plan.creator_email)
        new.append(
            Company(
                **plan.fields,
                responsible_organisation_id=partners.get(plan.partner),
                responsible_advisor_id=users.get(plan.advisor_email),
                created_by_id=creator,
                updated_by_id=creator,
            )
        )
    Company.objects.bulk_create(new, batch_size=500)

    company_ids = dict(Company.objects.filter(org_number__in=numbers).values_list("org_number", "pk"))
    created_numbers = {company.org_number for company in new}
    CompanyEvent.objects.bulk_create(
        [
            CompanyEvent(
                company_id=company_ids[plan.fields["org_number"]],
                kind=CompanyEvent.Kind.CREATED,
                actor_id=users.get(plan.creator_email),
                summary=EVENT_SUMMARY,
                data={"demo": True},
            )
            for plan in plans
            if plan.fields["org_number"] in created_numbers
        ],
        batch_size=500,
    )

    # Contacts come with their company: those of a company that was there already are left alone.
    Contact.objects.bulk_create(
        [
            Contact(
                company_id=company_ids[plan.fields["org_number"]],
                **contact,
                created_by_id=users.get(plan.creator_email),
                updated_by_id=users.get(plan.creator_email),
            )
            for plan in plans
            if plan.fields["org_number"] in created_numbers
            for contact in plan.contacts
        ],
        batch_size=500,
    )

    # The summary counts the demo's own contacts, not those people added since.
    planned = {(company_ids[p.fields["org_number"]], c["email"].lower()) for p in plans for c in p.contacts}
    present = Contact.objects.filter(company_id__in=company_ids.values()).values_list(
        "company_id", Lower("email")
    )
    return DemoCompanies(companies=len(company_ids), contacts=len(planned & set(present.order_by())))


def demo_plans(count: int = DEMO_COMPANIES) -> list[CompanyPlan]:
    """The demo companies `seed` works from: the same list on every run with the same reference data."""
    sni_codes = list(SNICode.objects.order_by("code").values_list("code", flat=True))
    return plan_companies(count, today=timezone.localdate(), sni_codes=sni_codes)
