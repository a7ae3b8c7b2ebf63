"""Demo data: export outcomes of Uppsala demo companies (issue 18): confirmed, waiting and declined ones.

Made through the services, as in real life: an advisor records, the company is asked (the email lands in the
outbox), and for the confirmed ones the company answers. One of the confirmed outcomes is of a company that
had no confirmed sign of international business: it becomes international this year, so the regional goal
"newly international companies" has one to count. Idempotent: an outcome is keyed on its description.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from advisors.models import Organisation, User
from companies.models import Company
from effects.models import ExportOutcome
from effects.services import outcomes as services
from referrals.models import AdviceRequest

ADVISOR = "anna.advisor@almi.example"
PARTNERS = ("almi", "business-sweden")


@dataclass(frozen=True)
class DemoOutcome:
    description: str
    market: str
    kind: str
    sells: str
    value_band: str
    days_ago: int
    status: str
    support_meaning: str = ""
    without_support: str = ""
    new_to_exports: bool = False  # a company without a confirmed sign of international business


K, S, V = ExportOutcome.Kind, ExportOutcome.Sells, ExportOutcome.ValueBand
CONFIRMED, PENDING, DECLINED = (
    ExportOutcome.Status.CONFIRMED,
    ExportOutcome.Status.PENDING,
    ExportOutcome.Status.DECLINED,
)

OUTCOMES = [
    DemoOutcome(
        "Första ordern till en grossist i Oslo efter exportcheck och mässresa.",
        "NO",
        K.FIRST_EXPORT,
        S.GOODS,
        V.FROM_100K,
        20,
        CONFIRMED,
        "prerequisite",
        "none",
        new_to_exports=True,
    ),
    DemoOutcome(
        "Ny återförsäljare i Tyskland via Business Swedens partnersökning.",
        "DE",
        K.NEW_CUSTOMER,
        S.GOODS,
        V.FROM_1M,
        60,
        CONFIRMED,
        "faster",
        "most",
    ),
    DemoOutcome(
        "Konsultuppdrag i Finland, större än tidigare tack vare exportkrediten.",
        "FI",
        K.LARGER_DEAL,
        S.SERVICES,
        V.FROM_1M,
        90,
        CONFIRMED,
        "bigger",
        "some",
    ),
    DemoOutcome(
        "Offert till kund i Danmark som väntar på beslut.",
        "DK",
        K.NEW_MARKET,
        S.GOODS,
        V.UNDER_100K,
        5,
        PENDING,
    ),
    DemoOutcome(
        "Leverans till USA räddad med en exportkreditgaranti.", "US", K.SAVED, S.BOTH, V.FROM_10M, 12, PENDING
    ),
    DemoOutcome(
        "Avtal med distributör i Storbritannien (enligt rådgivarens anteckning).",
        "GB",
        K.NEW_MARKET,
        S.GOODS,
        V.FROM_100K,
        45,
        DECLINED,
    ),
]


def _achieved_on(today: date, days_ago: int, *, this_year: bool) -> date:
    day = today - timedelta(days=days_ago)
    if this_year and day.year != today.year:
        day = date(today.year, 1, 1)
    return day


def _companies(count: int, *, new_to_exports: bool) -> list[Company]:
    """Uppsala demo companies with a contact who may be asked: by name, for the same choice every run."""
    companies = (
        Company.objects.active()
        .filter(
            municipality__county_id="03",
            contacts__email__gt="",
            contacts__surveys_declined_on__isnull=True,
            contacts__anonymised_at__isnull=True,
        )
        .exclude(export_outcomes__isnull=False)
        .distinct()
        .order_by("name", "pk")
    )
    if new_to_exports:
        companies = companies.filter(
            international_confirmed_on__isnull=True,
            exports_goods=False,
            exports_services=False,
            imports=False,
            international_cooperation=False,
            foreign_group_member=False,
            operations_abroad=False,
        )
    return list(companies[:count])


@transaction.atomic
def seed() -> int:
    anna = User.objects.filter(email=ADVISOR).first()
    partners = list(Organisation.objects.filter(slug__in=PARTNERS).order_by("slug"))
    if anna is None or not partners:
        return 0
    done = set(
        ExportOutcome.objects.filter(description__in=[o.description for o in OUTCOMES]).values_list(
            "description", flat=True
        )
    )
    today = timezone.localdate()
    for plan in OUTCOMES:
        if plan.description in done:
            continue
        found = _companies(1, new_to_exports=plan.new_to_exports) or _companies(1, new_to_exports=False)
        if not found:
            continue
        company = found[0]
        outcome, asked = services.record_outcome(
            company=company,
            by=anna,
            data={
                "market": plan.market,
                "kind": plan.kind,
                "sells": plan.sells,
                "value_band": plan.value_band,
                "achieved_on": _achieved_on(today, plan.days_ago, this_year=plan.new_to_exports),
                "description": plan.description,
                "partners": partners,
                "requests": list(AdviceRequest.objects.filter(company=company).order_by("created_at")[:1]),
            },
        )
        if asked != services.Asked.ASKED:
            continue
        if plan.status == CONFIRMED:
            services.confirm_by_company(
                outcome=outcome,
                round_=outcome.confirmation_round,
                answer=services.Answer(
                    facts={},
                    support_meaning=plan.support_meaning,
                    without_support=plan.without_support,
                    ratings={partner.pk: rating for partner, rating in zip(partners, (5, 4), strict=False)},
                    case_study_allowed=plan.new_to_exports,
                    comment="Tack för hjälpen!" if plan.new_to_exports else "",
                ),
            )
        elif plan.status == DECLINED:
            services.decline_by_company(
                outcome=outcome,
                round_=outcome.confirmation_round,
                comment="Affären blev aldrig av.",
            )
    return ExportOutcome.objects.filter(description__in=[o.description for o in OUTCOMES]).count()
