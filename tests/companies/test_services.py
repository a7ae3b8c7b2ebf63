import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from companies import services
from companies.models import Company, CompanyEvent, Contact
from tests.companies.conftest import org_number

pytestmark = pytest.mark.django_db


def contact_data(**overrides):
    return {
        "name": "Karin Berg",
        "title": "VD",
        "email": "karin@precision.example",
        "phone": "+46701234567",
        "preferred_language": "sv",
        "is_primary": False,
        "legal_basis": Contact.LegalBasis.LEGITIMATE_INTEREST,
        "consent_given_on": None,
        **overrides,
    }


def test_register_records_who_and_when(make_company, advisor):
    company = make_company()
    assert (company.created_by, company.updated_by, company.source) == (advisor, advisor, "advisor")
    assert company.events.get().kind == CompanyEvent.Kind.CREATED


def test_a_registered_number_is_refused_with_the_existing_company(make_company):
    first = make_company(number=org_number(7))
    with pytest.raises(services.DuplicateCompany) as duplicate:
        make_company("Another name AB", number=org_number(7))
    assert duplicate.value.existing == first
    assert Company.objects.count() == 1


def test_the_unique_constraint_decides_a_race(make_company, monkeypatch):
    first = make_company(number=org_number(8))
    # Simulate a concurrent registration between the check and the insert: the check sees nothing.
    monkeypatch.setattr(
        services,
        "existing_company_for",
        lambda number, _calls=[]: _calls.append(1) or (None if len(_calls) == 1 else first),
    )
    with pytest.raises(services.DuplicateCompany) as duplicate:
        make_company("Racer AB", number=org_number(8))
    assert duplicate.value.existing == first
    # Nothing of the loser is left, and the surrounding transaction (the test's) still answers.
    assert list(CompanyEvent.objects.values_list("company__name", flat=True)) == ["Uppsala Precision AB"]


def test_a_company_registered_with_its_contact_loses_a_race_whole(make_company, monkeypatch):
    """`register_company_with_contact`: the company, its primary contact and both timeline entries, or,
    when the number was taken meanwhile, none of them (the caller's transaction still answers)."""
    company, contact = services.register_company_with_contact(
        by=None,
        data={"org_number": org_number(9), "legal_form": "ab", "name": "Ny AB", "municipality_id": "0380"},
        contact=contact_data(is_primary=False),
        source="web_request",
    )
    assert contact.company == company and contact.is_primary and contact.source == "web_request"
    assert sorted(company.events.values_list("kind", flat=True)) == ["contact_added", "created"]
    monkeypatch.setattr(
        services,
        "existing_company_for",
        lambda number, _calls=[]: _calls.append(1) or (None if len(_calls) == 1 else company),
    )
    with pytest.raises(services.DuplicateCompany) as duplicate:
        services.register_company_with_contact(
            by=None,
            data={
                "org_number": org_number(9),
                "legal_form": "ab",
                "name": "Racer AB",
                "municipality_id": "0380",
            },
            contact=contact_data(email="racer@example.se"),
        )
    assert duplicate.value.existing == company
    assert Contact.objects.count() == 1 and CompanyEvent.objects.count() == 2


def test_a_number_of_a_merged_company_leads_to_the_survivor(make_company, advisor):
    survivor, duplicate = make_company("Survivor AB"), make_company("Duplicate AB")
    services.merge_companies(survivor=survivor, duplicate=duplicate, by=advisor)
    assert services.existing_company_for(duplicate.org_number) == survivor


def test_update_writes_only_changes_and_bumps_the_version(make_company, advisor):
    company = make_company()
    updated = services.update_company(
        company=company, by=advisor, data={"name": "New Name AB", "website": ""}, expected_version=1
    )
    assert (updated.name, updated.version) == ("New Name AB", 2)
    event = updated.events.filter(kind=CompanyEvent.Kind.UPDATED).get()
    assert event.data["changes"] == {"name": {"from": "Uppsala Precision AB", "to": "New Name AB"}}
    unchanged = services.update_company(
        company=updated, by=advisor, data={"name": "New Name AB"}, expected_version=2
    )
    assert unchanged.version == 2  # nothing changed, nothing written


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(make_company, advisor):
    company = make_company()
    services.update_company(company=company, by=advisor, data={"name": "First Edit AB"}, expected_version=1)
    with pytest.raises(services.StaleCompany):
        services.update_company(
            company=company, by=advisor, data={"name": "Second Edit AB"}, expected_version=1
        )
    company.refresh_from_db()
    assert company.name == "First Edit AB"


def test_the_first_sign_of_international_business_is_dated(make_company, advisor):
    company = make_company()
    assert company.became_international_on is None
    company = services.update_company(
        company=company, by=advisor, data={"exports_goods": True}, expected_version=1
    )
    assert company.became_international_on == services.stockholm_today()


def test_the_first_contact_is_primary_and_only_one_primary_exists(make_company, advisor):
    company = make_company()
    first = services.add_contact(company=company, by=advisor, data=contact_data())
    second = services.add_contact(
        company=company, by=advisor, data=contact_data(email="b@precision.example", is_primary=True)
    )
    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)


def test_an_email_twice_in_one_company_is_a_field_error(make_company, advisor):
    company = make_company()
    services.add_contact(company=company, by=advisor, data=contact_data())
    with pytest.raises(ValidationError) as error:
        services.add_contact(
            company=company, by=advisor, data=contact_data(email="KARIN@precision.example", is_primary=True)
        )
    assert "email" in error.value.message_dict
    # Nothing of the refused contact is left: the first keeps its primary mark, no second "added" entry.
    assert list(company.contacts.values_list("email", "is_primary")) == [("karin@precision.example", True)]
    assert company.events.filter(kind=CompanyEvent.Kind.CONTACT_ADDED).count() == 1


def test_consent_without_a_date_is_refused_by_the_database(make_company, advisor):
    company = make_company()
    contact = Contact(company=company, name="X", legal_basis="consent", source="advisor")
    with pytest.raises(ValidationError):
        contact.full_clean()


def test_merge_loses_nothing(make_company, advisor):
    survivor = make_company(
        "Uppsala Precision AB", website="https://precision.example", target_markets=["NO"]
    )
    duplicate = make_company(
        "Upsala Precision",
        municipality="0381",
        employee_band="10-19",
        target_markets=["DE", "NO"],
        exports_goods=True,
    )
    services.add_contact(company=survivor, by=advisor, data=contact_data())
    services.add_contact(
        company=duplicate, by=advisor, data=contact_data(email="anders@precision.example", name="Anders")
    )
    services.add_contact(
        company=duplicate, by=advisor, data=contact_data(phone="+46707654321", title="")
    )  # same email
    result = services.merge_companies(survivor=survivor, duplicate=duplicate, by=advisor)

    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert survivor.employee_band == "10-19"  # filled from the duplicate
    assert survivor.website == "https://precision.example"  # kept
    assert sorted(str(c) for c in survivor.target_markets) == ["DE", "NO"]
    assert survivor.exports_goods is True
    assert sorted(survivor.contacts.values_list("email", flat=True)) == [
        "anders@precision.example",
        "karin@precision.example",
    ]
    assert survivor.contacts.filter(is_primary=True).count() == 1
    assert result.moved["contacts"] == 1
    merged = survivor.events.filter(kind=CompanyEvent.Kind.MERGED).get()
    assert merged.data["snapshot"]["name"] == "Upsala Precision"
    assert merged.data["snapshot"]["org_number"] == duplicate.org_number_display
    folded = survivor.events.get(kind=CompanyEvent.Kind.CONTACT_UPDATED)
    assert folded.data["merged_contact"]["phone"] == "+46707654321"  # the folded contact's details are kept
    assert duplicate.events.filter(kind=CompanyEvent.Kind.MERGED).exists()
    assert Company.objects.active().count() == 1


def test_merge_repoints_every_relation_to_the_company(make_company, advisor):
    """Later apps (requests, referrals, activities) point at companies: the merge moves them generically."""
    survivor, duplicate = make_company("A AB"), make_company("B AB")
    events_before = duplicate.events.count()
    services.merge_companies(survivor=survivor, duplicate=duplicate, by=advisor)
    # CompanyEvent is such a relation: the duplicate's history is now on the survivor's timeline.
    assert survivor.events.filter(kind=CompanyEvent.Kind.CREATED).count() == 1 + events_before


def test_merge_moves_the_number_to_a_survivor_without_one(make_company, advisor):
    survivor = make_company("Startup AB")
    survivor = services.update_company(
        company=survivor,
        by=advisor,
        data={"org_number": None, "legal_form": "unregistered"},
        expected_version=1,
    )
    duplicate = make_company("Startup AB (registered)")
    number = duplicate.org_number
    services.merge_companies(survivor=survivor, duplicate=duplicate, by=advisor)
    survivor.refresh_from_db()
    assert (survivor.org_number, survivor.legal_form) == (number, "limited_company")


@pytest.mark.parametrize("twice", ["self", "already merged"])
def test_merge_refuses_nonsense(make_company, advisor, twice):
    a, b = make_company("A AB"), make_company("B AB")
    if twice == "self":
        with pytest.raises(ValidationError):
            services.merge_companies(survivor=a, duplicate=a, by=advisor)
    else:
        services.merge_companies(survivor=a, duplicate=b, by=advisor)
        with pytest.raises(ValidationError):
            services.merge_companies(survivor=a, duplicate=b, by=advisor)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm search needs PostgreSQL")
def test_search_finds_a_misspelt_name_on_postgresql(make_company, advisor):
    from advisors import access
    from companies import selectors

    make_company("Enköpings Mekaniska Verkstad AB", municipality="0381")
    make_company("Uppsala Bryggeri AB")
    visible = access.visible(advisor, Company.objects.all())
    assert [c.name for c in selectors.search(visible, "Mekanika")] == ["Enköpings Mekaniska Verkstad AB"]
    assert [c.name for c in selectors.search(visible, "enkopings verkstad")] == [
        "Enköpings Mekaniska Verkstad AB"
    ]
    assert [c.name for c in selectors.search(visible, "Enköpngs")] == ["Enköpings Mekaniska Verkstad AB"]
    assert [c.name for c in selectors.search(visible, "bryggeri")] == ["Uppsala Bryggeri AB"]
