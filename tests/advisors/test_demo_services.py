"""The demo service catalogue: every partner of the demo region offers something, seeding is idempotent."""

import pytest

from advisors.models import Organisation, Region
from demo import partners as demo
from referrals.models import NeedCategory, Service


@pytest.fixture
def seeded(reference_data):
    demo.seed()
    return Region.objects.get(slug="uppsala")


def test_every_partner_of_the_demo_region_has_services(seeded):
    for organisation in Organisation.objects.serving(seeded):
        assert organisation.services.filter(is_active=True).exists(), organisation.name


def test_demo_services_are_valid_and_cover_the_brief(seeded):
    for service in Service.objects.all():
        service.full_clean()  # codes exist in the reference data; names and links are valid
        assert service.name_en and service.description_sv and service.description_en and service.url
        assert service.needs.exists(), service.name_sv
    ekn = Service.objects.get(organisation__kind="ekn", name_en="Guarantee on customer receivables")
    assert list(ekn.needs.values_list("slug", flat=True)) == ["buyer-credit-risk"]
    almi_loan = Service.objects.get(organisation__slug="almi", name_en="Export loan")
    assert "500+" not in almi_loan.employee_bands  # Almi lends to companies with up to 250 employees


def test_the_catalogue_covers_every_need_category_the_region_has_a_partner_kind_for(seeded):
    kinds = set(Organisation.objects.serving(seeded).values_list("kind", flat=True))
    for need in NeedCategory.objects.filter(is_active=True):
        if kinds & set(need.primary_partner_kinds):
            assert need.services.exists(), need.slug


def test_seeding_again_changes_nothing_and_keeps_edits(seeded):
    count = Service.objects.count()
    service = Service.objects.get(organisation__slug="almi", name_sv="Exportlån")
    service.description_en = "Edited by the lead."
    service.save()
    demo.seed()
    assert Service.objects.count() == count
    service.refresh_from_db()
    assert service.description_en == "Edited by the lead."
