"""Routing suggestions (`referrals.routing`): who should help with a request, and why.

The expectations are the need-category table of the domain brief (docs/domain.md), as seeded in
`referrals/need_categories.py`.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from advisors.models import Organisation, Region
from demo import partners as demo
from reference.models import SNICode, TurnoverClass
from referrals import routing
from referrals.models import AdviceRequest, NeedCategory
from tests.advisors.factories import ServiceFactory
from tests.factories import CompanyFactory, OrganisationFactory, RegionFactory

Kind = Organisation.Kind

# need slug -> (primary kinds: the top suggestions, secondary kinds: the tier right below them)
ROUTING_TABLE = {
    "export-readiness": ({"almi", "business_sweden"}, {"region"}),
    "market-selection": ({"business_sweden"}, {"region", "een"}),
    "customers-partners": ({"business_sweden", "een"}, {"region"}),
    "working-capital": ({"almi", "ekn"}, set()),  # "Almi; the bank together with EKN"
    "buyer-credit-risk": ({"ekn"}, set()),
    "export-finance": ({"sek"}, {"ekn"}),  # "SEK (with bank and EKN)"
    "customs": ({"business_sweden"}, {"chamber_of_commerce"}),
    "trade-barriers": ({"een", "other"}, set()),  # Kommerskollegium is of kind "other"
    "ce-marking": ({"een"}, {"other"}),
    "legal": ({"region"}, {"een"}),
    "trade-fairs": ({"business_sweden"}, {"region"}),
    "eu-funding": ({"een"}, {"innovation_centre"}),
    "innovation": ({"innovation_centre"}, {"almi"}),
}

_numbers = iter(range(1, 1_000_000))


def make_request(company, needs, region, *, owner=None, closed=False) -> AdviceRequest:
    number = next(_numbers)
    now = timezone.now()
    request = AdviceRequest.objects.create(
        reference=f"EC-2026-{number:06d}",
        year=2026,
        number=number,
        region=region,
        company=company,
        owner_organisation=owner,
        first_response_due_at=now + timedelta(days=1),
        status=AdviceRequest.Status.CLOSED if closed else AdviceRequest.Status.NEW,
        closed_at=now if closed else None,
        outcome=AdviceRequest.Outcome.HELPED if closed else "",
    )
    request.needs.set(needs)
    return request


def make_company(band="10-19", turnover=4, sni="62100"):
    """By default a small software company: 10–19 employees, SEK 5–10 million, SNI section K."""
    return CompanyFactory(
        employee_band=band,
        turnover_class=TurnoverClass.objects.get(code=turnover) if turnover is not None else None,
        sni_code=SNICode.objects.get(code=sni) if sni else None,
    )


@pytest.fixture
def home(reference_data, need_categories):
    region = RegionFactory(slug="home")
    region.counties.add("03")
    return region


@pytest.fixture
def one_partner_per_kind(home):
    """A partner of every kind serving the region, named so that the alphabet never decides a tier."""
    return {
        kind: OrganisationFactory(
            name=f"Partner {label}", slug=kind.replace("_", "-"), kind=kind, regions=[home]
        )
        for kind, label in Kind.choices
    }


def need(slug) -> NeedCategory:
    return NeedCategory.objects.get(slug=slug)


def tiers(suggestions) -> list[set[str]]:
    """The organisation kinds, grouped by equal score, best first."""
    groups: dict[int, set[str]] = {}
    for suggestion in suggestions:
        groups.setdefault(suggestion.score, set()).add(suggestion.organisation.kind)
    return [groups[score] for score in sorted(groups, reverse=True)]


# --- The routing table ----------------------------------------------------------------------------


@pytest.mark.parametrize("catalogue", ["no services", "everyone covers everything"])
@pytest.mark.parametrize("slug", sorted(ROUTING_TABLE))
def test_the_routing_table_decides_between_equal_catalogues(one_partner_per_kind, home, catalogue, slug):
    """With no services, or the same open service everywhere, the need's partner kinds decide."""
    if catalogue != "no services":
        for organisation in one_partner_per_kind.values():
            ServiceFactory(organisation=organisation, needs=list(NeedCategory.objects.all()))
    primary, secondary = ROUTING_TABLE[slug]
    with translation.override("en"):
        suggestions = routing.suggestions_for(make_request(make_company(), [need(slug)], home))
        need_name = need(slug).name
    ranked = tiers(suggestions)
    assert ranked[0] == primary
    if secondary:
        assert ranked[1] == secondary
    assert len(suggestions) == len(Kind.choices)  # every partner of the region is listed
    top = suggestions[0]
    assert f"Primary partner for '{need_name}'." in top.reasons


def test_the_brief_table_matches_the_seeded_categories(need_categories):
    """The table above is the brief's; the seeded data must say the same, or routing drifts from it."""
    for slug, (primary, secondary) in ROUTING_TABLE.items():
        category = need(slug)
        assert (set(category.primary_partner_kinds), set(category.secondary_partner_kinds)) == (
            primary,
            secondary,
        )


# The demo catalogue of Exportcenter Uppsala län, for a small software company (10–19 employees).
DEMO_TOP = {
    "export-readiness": {"Almi Uppsala", "Business Sweden"},
    "market-selection": {"Business Sweden"},
    "customers-partners": {"Business Sweden", "Enterprise Europe Network"},
    "working-capital": {"Almi Uppsala", "EKN – Exportkreditnämnden"},
    "buyer-credit-risk": {"EKN – Exportkreditnämnden"},
    # SEK's export credit is for larger companies: EKN's buyer credit guarantee fits the small one.
    "export-finance": {"EKN – Exportkreditnämnden"},
    "customs": {"Business Sweden"},
    "trade-barriers": {"Enterprise Europe Network"},
    "ce-marking": {"Enterprise Europe Network"},
    "legal": {"Region Uppsala"},
    "trade-fairs": {"Business Sweden"},
    "eu-funding": {"Enterprise Europe Network"},
    "innovation": {"Uppsala Innovation Centre", "Connect Uppsala"},
}


@pytest.fixture
def uppsala(reference_data, need_categories):
    demo.seed()
    return Region.objects.get(slug="uppsala")


@pytest.mark.parametrize("slug", sorted(DEMO_TOP))
def test_the_demo_catalogue_suggests_the_right_partners(uppsala, slug):
    suggestions = routing.suggestions_for(make_request(make_company(), [need(slug)], uppsala))
    best = suggestions[0].score
    assert {s.organisation.name for s in suggestions if s.score == best} == DEMO_TOP[slug]


def test_large_export_finance_goes_to_sek_for_a_large_exporter(uppsala):
    company = make_company(band="200-499", turnover=8, sni="28110")
    suggestions = routing.suggestions_for(make_request(company, [need("export-finance")], uppsala))
    assert suggestions[0].organisation.name == "SEK – Svensk Exportkredit"
    with translation.override("en"):
        reasons = routing.suggestions_for(make_request(company, [need("export-finance")], uppsala))[0].reasons
    assert reasons == [
        "Covers 'Large or long-term export finance' through 'Export credit'; company size and turnover fit.",
        "Primary partner for 'Large or long-term export finance'.",
    ]


def test_several_needs_add_up(uppsala):
    """A company that needs market analysis and protection against a buyer not paying."""
    request = make_request(make_company(), [need("market-selection"), need("buyer-credit-risk")], uppsala)
    with translation.override("en"):
        suggestions = routing.suggestions_for(request)
    by_name = {s.organisation.name: s for s in suggestions}
    assert by_name["Business Sweden"].score == routing.COVERED + routing.PRIMARY
    assert by_name["EKN – Exportkreditnämnden"].score == routing.COVERED + routing.PRIMARY
    assert by_name["EKN – Exportkreditnämnden"].reasons == [
        "Covers 'Buyer credit risk, getting paid' through 'Guarantee on customer receivables', "
        "which is open to every company.",
        "Primary partner for 'Buyer credit risk, getting paid'.",
    ]
    assert by_name["Region Uppsala"].score == routing.COVERED + routing.SECONDARY


# --- Eligibility ----------------------------------------------------------------------------------


@pytest.fixture
def bank(home):
    """A partner whose kind no need names, so that only its catalogue counts."""
    return OrganisationFactory(name="Banken", slug="banken", kind=Kind.OTHER, regions=[home])


@pytest.mark.parametrize(
    ("criteria", "company_args", "score", "reason"),
    [
        (
            {},
            {},
            routing.COVERED,
            "Covers 'Buyer credit risk, getting paid' through 'Kredit', which is open to every company.",
        ),
        (  # empty criteria: any company, even one the register knows little about
            {},
            {"band": "", "turnover": None, "sni": None},
            routing.COVERED,
            "Covers 'Buyer credit risk, getting paid' through 'Kredit', which is open to every company.",
        ),
        (
            {"employee_bands": ["10-19", "20-49"]},
            {},
            routing.COVERED,
            "Covers 'Buyer credit risk, getting paid' through 'Kredit'; company size fits.",
        ),
        (
            {"employee_bands": ["0", "1-4", "5-9"]},
            {},
            0,
            "'Kredit' covers 'Buyer credit risk, getting paid', but the company has too many employees.",
        ),
        (
            {"employee_bands": ["50-99", "100-199"]},
            {},
            0,
            "'Kredit' covers 'Buyer credit risk, getting paid', but the company has too few employees.",
        ),
        (
            {"sni_sections": ["C", "F"]},
            {},
            0,
            "'Kredit' covers 'Buyer credit risk, getting paid', but the company has an industry it "
            "does not cover.",
        ),
        (
            {"turnover_classes": [6, 7, 8], "sni_sections": ["C"]},
            {},
            0,
            "'Kredit' covers 'Buyer credit risk, getting paid', but the company has too low a turnover "
            "and an industry it does not cover.",
        ),
        (
            {"turnover_classes": [3, 4], "sni_sections": ["K"], "employee_bands": ["10-19"]},
            {},
            routing.COVERED,
            "Covers 'Buyer credit risk, getting paid' through 'Kredit'; company size, turnover and "
            "industry fit.",
        ),
        (
            {"turnover_classes": [3, 4]},
            {"turnover": None},
            routing.COVERED_UNCHECKED,
            "Covers 'Buyer credit risk, getting paid' through 'Kredit'; check that the company "
            "qualifies: its turnover is not in the register.",
        ),
    ],
)
def test_eligibility_decides_whether_a_service_counts(bank, home, criteria, company_args, score, reason):
    ServiceFactory(
        organisation=bank,
        name_sv="Kredit",
        name_en="Kredit",
        needs=[need("buyer-credit-risk")],
        **criteria,
    )
    request = make_request(make_company(**company_args), [need("buyer-credit-risk")], home)
    with translation.override("en"):
        (suggestion,) = routing.suggestions_for(request)
    assert suggestion.score == score
    assert suggestion.reasons == [reason]


def test_the_best_fitting_service_speaks_for_the_partner(bank, home):
    ServiceFactory(
        organisation=bank, name_en="A: for the large", employee_bands=["500+"], needs=[need("customs")]
    )
    ServiceFactory(organisation=bank, name_en="B: for everyone", needs=[need("customs")])
    with translation.override("en"):
        (suggestion,) = routing.suggestions_for(make_request(make_company(), [need("customs")], home))
    assert suggestion.score == routing.COVERED
    assert suggestion.reasons == [
        "Covers 'Customs, EORI, commodity codes, rules of origin' through 'B: for everyone', "
        "which is open to every company."
    ]


def test_a_fitting_service_outweighs_the_partner_kind(home):
    """The catalogue is concrete: a secondary partner with a fitting service beats a primary one without."""
    sek = OrganisationFactory(name="SEK", slug="sek", kind=Kind.SEK, regions=[home])
    ekn = OrganisationFactory(name="EKN", slug="ekn", kind=Kind.EKN, regions=[home])
    ServiceFactory(organisation=sek, employee_bands=["200-499", "500+"], needs=[need("export-finance")])
    ServiceFactory(organisation=ekn, needs=[need("export-finance")])
    suggestions = routing.suggestions_for(make_request(make_company(), [need("export-finance")], home))
    assert [(s.organisation.name, s.score) for s in suggestions] == [
        ("EKN", routing.COVERED + routing.SECONDARY),
        ("SEK", routing.PRIMARY),
    ]


def test_inactive_services_partners_and_other_regions_do_not_count(bank, home):
    ServiceFactory(organisation=bank, needs=[need("customs")], is_active=False)
    OrganisationFactory(name="Gone", kind=Kind.BUSINESS_SWEDEN, regions=[home], is_active=False)
    OrganisationFactory(name="Far away", kind=Kind.BUSINESS_SWEDEN, regions=[RegionFactory(slug="away")])
    suggestions = routing.suggestions_for(make_request(make_company(), [need("customs")], home))
    assert [(s.organisation.name, s.score, s.reasons) for s in suggestions] == [("Banken", 0, [])]


def test_a_request_without_a_region_gets_no_suggestions(bank, home):
    assert routing.suggestions_for(make_request(make_company(), [need("customs")], None)) == []


# --- Ties, workload and queries -------------------------------------------------------------------


def test_ties_are_broken_by_name(home):
    for name in ["Östra Partner", "beta partner", "Alfa Partner", "Beta Partner 2"]:
        OrganisationFactory(name=name, kind=Kind.EKN, regions=[home])
    request = make_request(make_company(), [need("buyer-credit-risk")], home)
    first = [s.organisation.name for s in routing.suggestions_for(request)]
    assert first == ["Alfa Partner", "beta partner", "Beta Partner 2", "Östra Partner"]
    assert [s.organisation.name for s in routing.suggestions_for(request)] == first


def test_workload_counts_the_open_requests_each_partner_owns(home, other_region):
    busy = OrganisationFactory(name="Busy", kind=Kind.ALMI, regions=[home, other_region])
    idle = OrganisationFactory(name="Idle", kind=Kind.ALMI, regions=[home])
    company = make_company()
    for _ in range(3):
        make_request(company, [need("customs")], home, owner=busy)
    make_request(company, [need("customs")], other_region, owner=busy)  # its people carry that one too
    make_request(company, [need("customs")], home, owner=busy, closed=True)
    make_request(company, [need("customs")], home, owner=idle, closed=True)
    make_request(company, [need("customs")], home)  # nobody owns it yet
    suggestions = routing.suggestions_for(make_request(company, [need("working-capital")], home))
    assert {s.organisation.name: s.open_requests for s in suggestions} == {"Busy": 4, "Idle": 0}


def build(home, partners: int, services_each: int):
    categories = list(NeedCategory.objects.all())
    for p in range(partners):
        organisation = OrganisationFactory(kind=Kind.values[p % len(Kind.values)], regions=[home])
        for s in range(services_each):
            ServiceFactory(
                organisation=organisation,
                needs=categories[s % 5 : s % 5 + 3],
                employee_bands=["1-4", "10-19"] if s % 2 else [],
                sni_sections=["K"] if s % 3 else [],
            )
        make_request(make_company(), [categories[p % 3]], home, owner=organisation)


def test_a_fixed_number_of_queries_however_large_the_catalogue(home):
    categories = list(NeedCategory.objects.all())
    build(home, partners=2, services_each=1)
    request = AdviceRequest.objects.get(pk=make_request(make_company(), categories[:4], home).pk)
    with CaptureQueriesContext(connection) as small:
        routing.suggestions_for(request)
    build(home, partners=25, services_each=8)
    request = AdviceRequest.objects.get(pk=request.pk)
    with CaptureQueriesContext(connection) as large:
        suggestions = routing.suggestions_for(request)
    assert len(suggestions) == 27
    assert len(large.captured_queries) == len(small.captured_queries) <= 5
    workload_queries = [q["sql"] for q in large.captured_queries if '"referrals_advicerequest"' in q["sql"]]
    assert len(workload_queries) == 1 and "COUNT" in workload_queries[0].upper()


def test_a_selected_company_saves_queries(home, bank, django_assert_num_queries):
    request = make_request(make_company(), [need("customs")], home)
    request = (
        AdviceRequest.objects.select_related("company__sni_code").prefetch_related("needs").get(pk=request.pk)
    )
    # The partners with their workload, and the services covering the needs.
    with django_assert_num_queries(2):
        routing.suggestions_for(request)
