import pytest
from django.core.management import call_command
from django.utils import translation

from reference.loader import load_reference_data
from reference.models import County, Municipality, SNICode, SNISection, TurnoverClass


@pytest.mark.django_db
def test_loads_every_row_of_the_reference_files():
    result = load_reference_data()
    assert (
        result.counties,
        result.municipalities,
        result.sni_sections,
        result.sni_codes,
        result.turnover_classes,
    ) == (
        21,
        290,
        22,
        835,
        13,
    )
    assert County.objects.get(code="03").name == "Uppsala län"
    assert Municipality.objects.get(code="0381").short_name == "Enköping"
    assert Municipality.objects.get(code="0114").county_id == "01"  # leading zeros survive
    assert SNICode.objects.get(code="01110").section_id == "A"
    assert TurnoverClass.objects.get(code=3).label_sv == "1 000 - 4 999 tkr"


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    load_reference_data()
    County.objects.filter(code="03").update(name="Tampered")
    call_command("load_reference_data", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    assert County.objects.count() == 21
    assert Municipality.objects.count() == 290
    assert SNICode.objects.count() == 835
    assert County.objects.get(code="03").name == "Uppsala län"  # a reload repairs edited rows


@pytest.mark.django_db
def test_every_municipality_code_starts_with_its_county_code():
    load_reference_data()
    assert all(
        code.startswith(county) for code, county in Municipality.objects.values_list("code", "county_id")
    )


@pytest.mark.django_db
def test_sections_and_turnover_classes_are_bilingual():
    load_reference_data()
    section = SNISection.objects.get(code="C")
    turnover = TurnoverClass.objects.get(code=3)
    with translation.override("sv"):
        assert (section.name, turnover.label) == ("Tillverkning", "1 000 - 4 999 tkr")
    with translation.override("en"):
        assert (section.name, turnover.label) == ("Manufacturing", "SEK 1,000–4,999 thousand")
