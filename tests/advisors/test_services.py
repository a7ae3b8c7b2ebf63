"""The service catalogue's model and write services: validation, versions, eligibility."""

import pytest
from django.core.exceptions import ValidationError

from reference.models import SNICode, TurnoverClass
from referrals import services
from referrals.models import Criterion, Mismatch, NeedCategory, Service
from referrals.need_categories import seed_need_categories
from tests.advisors.factories import ServiceFactory
from tests.factories import CompanyFactory, UserFactory


@pytest.fixture
def needs(db):
    seed_need_categories()
    return {need.slug: need for need in NeedCategory.objects.all()}


@pytest.fixture
def lead(organisation):
    return UserFactory(email="lead@almi.example", organisation=organisation, role="organisation_lead")


def data(categories, **overrides):
    return {
        "name_sv": "Exportlån",
        "name_en": "Export loan",
        "description_sv": "",
        "description_en": "",
        "needs": [categories["working-capital"]],
        "employee_bands": [],
        "turnover_classes": [],
        "sni_sections": [],
        "url": "",
        "is_active": True,
        **overrides,
    }


def test_create_service_stores_codes_in_canonical_order(organisation, lead, needs, reference_data):
    service = services.create_service(
        organisation=organisation,
        by=lead,
        data=data(
            needs,
            employee_bands=["50-99", "1-4", "10-19", "1-4"],
            turnover_classes=[5, 3],
            sni_sections=["K", "C"],
        ),
    )
    service.refresh_from_db()
    assert service.employee_bands == ["1-4", "10-19", "50-99"]  # size order, each once
    assert service.turnover_classes == [3, 5]
    assert service.sni_sections == ["C", "K"]
    assert list(service.needs.values_list("slug", flat=True)) == ["working-capital"]
    assert (service.organisation, service.updated_by, service.version) == (organisation, lead, 1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"employee_bands": ["1-5"]}, "employee_bands"),
        ({"turnover_classes": [13]}, "turnover_classes"),
        ({"turnover_classes": ["3"]}, "turnover_classes"),  # codes are integers
        ({"sni_sections": ["Z"]}, "sni_sections"),
        ({"sni_sections": "C"}, "sni_sections"),  # a list, not a string
        ({"needs": []}, "needs"),
        ({"name_sv": ""}, "name_sv"),
        ({"name_en": "x" * 201}, "name_en"),
        ({"url": "not a link"}, "url"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_written(
    organisation, lead, needs, reference_data, overrides, field
):
    with pytest.raises(ValidationError) as caught:
        services.create_service(organisation=organisation, by=lead, data=data(needs, **overrides))
    assert field in caught.value.message_dict
    assert not Service.objects.exists()


def test_the_name_is_unique_per_organisation_ignoring_case(organisation, lead, needs, reference_data, region):
    services.create_service(organisation=organisation, by=lead, data=data(needs))
    with pytest.raises(ValidationError) as caught:
        services.create_service(organisation=organisation, by=lead, data=data(needs, name_sv="EXPORTLÅN"))
    assert "name_sv" in caught.value.message_dict
    # Another organisation may use the same name.
    other = ServiceFactory(organisation__regions=[region], name_sv="Något").organisation
    services.create_service(organisation=other, by=lead, data=data(needs))
    assert Service.objects.filter(name_sv="Exportlån").count() == 2


def test_update_changes_only_the_given_fields_and_counts_versions(organisation, lead, needs, reference_data):
    service = services.create_service(organisation=organisation, by=lead, data=data(needs))
    updated = services.update_service(
        service=service, by=lead, data={"employee_bands": ["5-9", "1-4"]}, expected_version=1
    )
    assert updated.version == 2
    assert updated.employee_bands == ["1-4", "5-9"]
    assert list(updated.needs.values_list("slug", flat=True)) == ["working-capital"]  # untouched
    again = services.update_service(
        service=updated,
        by=lead,
        data={"needs": [needs["buyer-credit-risk"], needs["export-finance"]]},
        expected_version=2,
    )
    assert again.version == 3
    assert set(again.needs.values_list("slug", flat=True)) == {"buyer-credit-risk", "export-finance"}


def test_an_update_that_changes_nothing_keeps_the_version(organisation, lead, needs, reference_data):
    service = services.create_service(organisation=organisation, by=lead, data=data(needs))
    same = services.update_service(service=service, by=lead, data=data(needs), expected_version=1)
    assert same.version == 1


def test_a_stale_update_writes_nothing(organisation, lead, needs, reference_data):
    service = services.create_service(organisation=organisation, by=lead, data=data(needs))
    services.update_service(service=service, by=lead, data={"name_en": "Loans"}, expected_version=1)
    with pytest.raises(services.StaleService):
        services.update_service(service=service, by=lead, data={"name_en": "Credit"}, expected_version=1)
    service.refresh_from_db()
    assert (service.name_en, service.version) == ("Loans", 2)


def test_an_invalid_update_writes_nothing(organisation, lead, needs, reference_data):
    service = services.create_service(organisation=organisation, by=lead, data=data(needs))
    with pytest.raises(ValidationError):
        services.update_service(
            service=service, by=lead, data={"name_en": "Loans", "needs": []}, expected_version=1
        )
    service.refresh_from_db()
    assert (service.name_en, service.version, service.needs.count()) == ("Export loan", 1, 1)


def test_the_name_follows_the_language(organisation):
    from django.utils import translation

    service = ServiceFactory(organisation=organisation, name_sv="Marknadsanalys", name_en="Market analysis")
    with translation.override("sv"):
        assert str(service) == "Marknadsanalys"
    with translation.override("en"):
        assert str(service) == "Market analysis"


# --- Eligibility ----------------------------------------------------------------------------------


def company(band="10-19", turnover=4, sni="62100"):
    return CompanyFactory(
        employee_band=band,
        turnover_class=TurnoverClass.objects.get(code=turnover) if turnover is not None else None,
        sni_code=SNICode.objects.get(code=sni) if sni else None,
    )


@pytest.mark.parametrize(
    ("criteria", "company_args", "mismatches", "unknown"),
    [
        ({}, {}, (), ()),  # empty lists: any company
        ({"employee_bands": ["10-19", "20-49"]}, {}, (), ()),
        ({"employee_bands": ["20-49", "50-99"]}, {}, (Mismatch.TOO_FEW_EMPLOYEES,), ()),
        ({"employee_bands": ["0", "1-4"]}, {}, (Mismatch.TOO_MANY_EMPLOYEES,), ()),
        ({"employee_bands": ["1-4", "50-99"]}, {}, (Mismatch.EMPLOYEES_OUTSIDE,), ()),
        ({"turnover_classes": [6, 7]}, {}, (Mismatch.TURNOVER_TOO_LOW,), ()),
        ({"turnover_classes": [0, 1]}, {}, (Mismatch.TURNOVER_TOO_HIGH,), ()),
        ({"sni_sections": ["C"]}, {}, (Mismatch.INDUSTRY,), ()),
        ({"sni_sections": ["K"]}, {}, (), ()),  # 62100 (programming) is in section K of SNI 2025
        ({"employee_bands": ["1-4"]}, {"band": ""}, (), (Criterion.EMPLOYEES,)),
        ({"turnover_classes": [4]}, {"turnover": None}, (), (Criterion.TURNOVER,)),
        ({"sni_sections": ["K"]}, {"sni": None}, (), (Criterion.INDUSTRY,)),
        (
            {"employee_bands": ["500+"], "turnover_classes": [12], "sni_sections": ["A"]},
            {},
            (Mismatch.TOO_FEW_EMPLOYEES, Mismatch.TURNOVER_TOO_LOW, Mismatch.INDUSTRY),
            (),
        ),
    ],
)
def test_eligibility(reference_data, organisation, criteria, company_args, mismatches, unknown):
    service = ServiceFactory(organisation=organisation, **criteria)
    eligibility = service.eligibility_for(company(**company_args))
    assert eligibility.mismatches == mismatches
    assert eligibility.unknown == unknown
    assert eligibility.is_eligible is (not mismatches)
    assert set(eligibility.restricted) == {
        criterion
        for criterion, key in [
            (Criterion.EMPLOYEES, "employee_bands"),
            (Criterion.TURNOVER, "turnover_classes"),
            (Criterion.INDUSTRY, "sni_sections"),
        ]
        if criteria.get(key)
    }
