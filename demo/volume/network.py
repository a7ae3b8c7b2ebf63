"""The network: one region per county, with every partner kind, their people and regional goals."""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify

from advisors.models import Organisation, Region, User
from dashboards.models import RegionalGoal
from demo import companies as companies_demo
from demo.partners import DEMO_PASSWORD
from reference.models import County
from referrals.need_categories import seed_need_categories

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
