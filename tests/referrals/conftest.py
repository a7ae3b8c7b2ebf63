import pytest

from companies.identifiers import parse_organisation_number
from reference.models import Municipality
from referrals.models import NeedCategory
from referrals.need_categories import seed_need_categories
from referrals.services import Submission
from tests.factories import UserFactory


@pytest.fixture
def need_categories(db):
    seed_need_categories()  # transactional tests flush the categories the migration seeded
    return NeedCategory.objects.all()


@pytest.fixture
def operator(region, organisation, reference_data):
    """Almi Uppsala (the `organisation` fixture) runs Exportcenter Uppsala län (county 03)."""
    region.counties.add("03")
    organisation.email = "uppsala@almi.example"
    organisation.save()
    region.operator = organisation
    region.save()
    return organisation


@pytest.fixture
def triager(operator):
    return UserFactory(email="triage@almi.example", organisation=operator)


@pytest.fixture
def make_submission(need_categories, reference_data):
    return build_submission


def build_submission(**overrides) -> Submission:
    """A submission from Knivsta Konsult AB (needs the need categories and the reference data)."""
    number = overrides.pop("number", "556677-8899")
    parsed = parse_organisation_number(number) if number else None
    fields = {
        "org_number": parsed.digits if parsed else None,
        "legal_form": parsed.legal_form if parsed else "unregistered",
        "company_name": "Knivsta Konsult AB",
        "municipality": Municipality.objects.get(code="0330"),
        "website": "",
        "employee_band": "5-9",
        "sells": "services",
        "export_experience": "never",
        "export_countries": [],
        "needs": list(NeedCategory.objects.filter(slug__in=["buyer-credit-risk", "market-selection"])),
        "target_markets": ["DE", "NO"],
        "description": "We want to sell consulting services in Germany and Norway.",
        "contact_name": "Karin Berg",
        "contact_email": "karin@konsult.example",
        "contact_phone": "",
        "language": "sv",
        "preferred_contact_method": "email",
    }
    fields.update(overrides)
    return Submission(**fields)


# --- Referrals ------------------------------------------------------------------------------------------


@pytest.fixture
def ekn(region):
    """EKN, a partner of the same region (Uppsala)."""
    from tests.factories import OrganisationFactory

    return OrganisationFactory(name="EKN", slug="ekn", kind="ekn", email="info@ekn.example", regions=[region])


@pytest.fixture
def ekn_advisor(ekn):
    return UserFactory(email="eva@ekn.example", full_name="Eva Ek", organisation=ekn)


@pytest.fixture
def far_region(db):
    """A cooperating region (seed 002: Dalarna, Gävleborg and Värmland work together)."""
    from tests.factories import RegionFactory

    return RegionFactory(name="Exportcenter Gävleborg", slug="gavleborg")


@pytest.fixture
def far_partner(far_region):
    """A partner that serves only the cooperating region."""
    from tests.factories import OrganisationFactory

    return OrganisationFactory(
        name="Sandbacka Science Park",
        slug="sandbacka",
        kind="innovation_centre",
        email="hej@sandbacka.example",
        regions=[far_region],
    )


@pytest.fixture
def far_advisor(far_partner):
    return UserFactory(email="sven@sandbacka.example", full_name="Sven Sand", organisation=far_partner)


@pytest.fixture
def consent():
    from referrals.services import Consent

    return Consent(method="phone", details="Karin Berg, by phone on 3 March")


@pytest.fixture
def owned_request(make_submission, operator, advisor):
    """A request about buyer credit risk and market selection, taken by Almi's advisor (Almi owns it)."""
    from referrals import services

    request = services.submit_request(submission=make_submission())
    return services.claim(request=request, advisor=advisor)


@pytest.fixture
def refer(consent):
    """`refer(request, to, by, needs=(), note=...)`: a referral by the service, at the current version."""
    from referrals import services

    def make(request, to, by, needs=(), note="Please help with the credit risk."):
        request.refresh_from_db()
        return services.refer_request(
            request=request,
            to_organisation=to,
            by=by,
            needs=list(needs),
            note=note,
            consent=consent,
            expected_version=request.version,
        )

    return make


@pytest.fixture
def submit(make_submission, operator):
    """`submit(**overrides)`: a new request through the intake service, each from its own company."""
    from referrals import services

    counter = iter(range(1, 10_000))

    def make(**overrides):
        n = next(counter)
        fields = {
            "number": None,
            "company_name": f"Företag {n} AB",
            "contact_email": f"person{n}@company.example",
        }
        fields.update(overrides)
        return services.submit_request(submission=make_submission(**fields))

    return make
