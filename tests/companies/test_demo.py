from collections import Counter

import phonenumbers
import pytest
from django.core.management import call_command

from companies.identifiers import LegalForm, parse_organisation_number
from companies.models import (
    INTERNATIONAL_FLAGS,
    Company,
    CompanyEvent,
    CompanySource,
    Contact,
    ExportExperience,
)
from demo import companies as companies_demo
from demo import partners as advisors_demo

UPPSALA_MUNICIPALITIES = {"0305", "0319", "0330", "0331", "0360", "0380", "0381", "0382"}
NEARBY_MARKETS = {"NO", "DK", "FI", "DE", "GB", "US", "NL", "PL", "FR", "EE", "JP", "CN"}


@pytest.fixture
def seeded(reference_data):
    advisors_demo.seed()
    return companies_demo.seed()


def rows():
    """Everything the demo writes, comparable across runs (no primary keys or timestamps)."""
    companies = set(
        Company.objects.values_list(
            "org_number", "name", "legal_form", "municipality_id", "sni_code_id", "employee_band", "website"
        )
    )
    contacts = set(
        Contact.objects.values_list(
            "company__org_number", "name", "email", "phone", "is_primary", "legal_basis"
        )
    )
    events = Counter(CompanyEvent.objects.values_list("company__org_number", "kind"))
    return companies, contacts, events


@pytest.mark.django_db
def test_seed_creates_a_plausible_register_for_uppsala_lan(seeded):
    companies = list(Company.objects.select_related("municipality"))
    assert 280 <= len(companies) <= 320
    assert seeded.companies == len(companies)
    assert len({company.name.lower() for company in companies}) == len(companies)
    assert {company.municipality.county_id for company in companies} == {"03"}
    assert {company.municipality_id for company in companies} == UPPSALA_MUNICIPALITIES
    by_municipality = Counter(company.municipality_id for company in companies)
    assert by_municipality.most_common(1)[0][0] == "0380"  # Uppsala has most companies
    assert by_municipality["0381"] > by_municipality["0319"]  # Enköping more than Älvkarleby

    for company in companies:
        number = parse_organisation_number(company.org_number)
        assert (number.digits, number.legal_form) == (company.org_number, company.legal_form), company.name
        if company.legal_form == LegalForm.LIMITED_COMPANY:
            assert company.name.endswith(" AB")
        elif company.legal_form == LegalForm.SOLE_TRADER:
            assert not company.name.endswith((" AB", " HB", " ek. för."))
        assert company.sni_code_id and company.created_by_id
        assert not company.website or company.website.endswith(".example")
        markets = [country.code for country in (*company.export_countries, *company.target_markets)]
        assert set(markets) <= NEARBY_MARKETS and len(markets) == len(set(markets))
        if company.export_experience in (ExportExperience.NEVER, ExportExperience.STOPPED):
            assert not company.export_countries
            assert not company.exports_goods and not company.exports_services
        else:
            assert company.export_countries
            assert company.exports_goods or company.exports_services
        for flag, _label in INTERNATIONAL_FLAGS:
            assert bool(getattr(company, flag)) == bool(getattr(company, f"{flag}_confirmed_on")), flag
        assert company.is_international == (company.became_international_on is not None)
        # Choices, lengths, URL (markets are checked above; the database checked the constraints).
        company.clean_fields(exclude=["export_countries", "target_markets"])

    forms = Counter(company.legal_form for company in companies)
    assert forms[LegalForm.SOLE_TRADER] >= 5
    assert forms[LegalForm.LIMITED_COMPANY] > len(companies) / 2
    assert forms[LegalForm.PARTNERSHIP] and forms[LegalForm.ECONOMIC_ASSOCIATION]
    assert set(Company.objects.values_list("export_experience", flat=True)) == set(ExportExperience.values)
    assert Counter(CompanyEvent.objects.values_list("kind", flat=True)) == {
        CompanyEvent.Kind.CREATED: len(companies)
    }


@pytest.mark.django_db
def test_every_demo_company_has_one_to_three_contacts_and_one_primary(seeded):
    contacts = list(Contact.objects.select_related("company"))
    assert seeded.contacts == len(contacts)
    per_company = Counter(contact.company_id for contact in contacts)
    primaries = Counter(contact.company_id for contact in contacts if contact.is_primary)
    assert set(per_company) == set(Company.objects.values_list("pk", flat=True))
    assert set(per_company.values()) <= {1, 2, 3}
    assert set(primaries.values()) == {1} and set(primaries) == set(per_company)
    for contact in contacts:
        domain = contact.email.rsplit("@", 1)[1]
        assert domain.endswith(".example")
        assert not contact.company.website or contact.company.website == f"https://{domain}"
        if contact.phone:
            assert phonenumbers.is_valid_number(phonenumbers.parse(contact.phone)), contact.phone
            assert contact.phone.startswith("+4670")
        assert contact.source == contact.company.source
        assert (contact.legal_basis == Contact.LegalBasis.CONSENT) == (contact.consent_given_on is not None)
        contact.clean_fields()
    assert Counter(contact.legal_basis for contact in contacts).most_common(1)[0][0] == (
        Contact.LegalBasis.LEGITIMATE_INTEREST
    )


@pytest.mark.django_db
def test_seeding_is_idempotent_and_deterministic(seeded):
    before = rows()
    assert companies_demo.seed() == seeded
    assert rows() == before
    assert len({number for number, *_rest in before[0]}) == len(before[0])

    # A fresh database gets the same companies and contacts.
    Company.objects.all().delete()
    assert companies_demo.seed() == seeded
    assert rows() == before


@pytest.mark.django_db
def test_seed_demo_command_reports_the_company_register(capsys):
    call_command("seed_demo", "--allow-production")
    output = capsys.readouterr().out
    from demo.worklist import (
        UNASSIGNED_COMPANY,
    )  # the worklist's demo request from a company not yet registered

    # Uppsala's register: the national demo adds a second region's companies (Värmland) apart.
    # Not the company the demo's email made from an unknown sender (demo.mail: "did you mean").
    register = (
        Company.objects.filter(municipality__county_id="03")
        .exclude(name=UNASSIGNED_COMPANY)
        .exclude(source=CompanySource.EMAIL)
    )
    contacts = Contact.objects.filter(company__in=register).exclude(source=CompanySource.EMAIL).count()
    companies = register.count()
    assert 280 <= companies <= 320
    assert f"{companies} demo companies in Uppsala län with {contacts} contact persons" in output
    assert not register.filter(created_by__isnull=True).exists()
