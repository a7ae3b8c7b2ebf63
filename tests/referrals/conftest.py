import pytest

from companies.identifiers import parse_organisation_number
from companies.models import Municipality
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
    def make(**overrides) -> Submission:
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

    return make
