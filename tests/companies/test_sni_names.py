"""SNI 2025 in the English interface: sections and divisions have NACE Rev. 2.1 names; a five-digit code's
Swedish detail is marked lang="sv"."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.template import Context, Template
from django.utils import translation

from reference.loader import division_names_en, load_reference_data
from reference.models import SNICode, SNISection

pytestmark = pytest.mark.django_db

PROGRAMMING = "Computer programming, consultancy and related activities"


def test_every_section_and_division_has_an_english_name(reference_data):
    assert SNISection.objects.count() == 22
    assert not SNISection.objects.filter(name_en="").exists()
    divisions = set(SNICode.objects.values_list("division", flat=True))
    assert len(divisions) == 87
    assert divisions == set(division_names_en())
    assert not SNICode.objects.filter(division_name_en="").exists()
    assert SNICode.objects.get(code="62100").division_name_en == PROGRAMMING
    assert SNICode.objects.get(code="41000").division_name_en == (
        "Construction of residential and non-residential buildings"
    )


def test_a_code_is_named_in_the_readers_language(reference_data):
    code = SNICode.objects.get(code="62100")
    template = Template("{% load sni_tags %}{{ code|sni_label }}")
    with translation.override("sv"):
        assert str(code) == "62.100 Dataprogrammering"
        assert template.render(Context({"code": code})) == "62.100 Dataprogrammering"
    with translation.override("en"):
        assert str(code) == f"62.100 {PROGRAMMING} (Dataprogrammering)"
        assert template.render(Context({"code": code})) == (
            f'62.100 {PROGRAMMING} (<span lang="sv">Dataprogrammering</span>)'
        )
    assert template.render(Context({"code": None})) == "–"


def test_a_code_without_an_english_division_name_stays_swedish(reference_data):
    code = SNICode.objects.get(code="62100")
    code.division_name_en = ""
    with translation.override("en"):
        assert str(code) == "62.100 Dataprogrammering"


def test_the_company_page_in_english(client, advisor, make_company):
    company = make_company("Kodverket AB", sni_code_id="62100")
    client.force_login(advisor)
    english = client.get(f"/en/companies/{company.public_id}/").content.decode()
    assert f'62.100 {PROGRAMMING} (<span lang="sv">Dataprogrammering</span>)' in english
    swedish = client.get(f"/companies/{company.public_id}/").content.decode()
    assert "62.100 Dataprogrammering" in swedish and PROGRAMMING not in swedish


def test_the_migration_fills_codes_loaded_before_it(reference_data):
    SNICode.objects.update(division_name_en="")
    migration = importlib.import_module("companies.migrations.0006_snicode_division_name_en")
    # The models as they were then (SNICode lived in companies until reference 0001).
    apps = MigrationLoader(connection).project_state(("companies", "0006_snicode_division_name_en")).apps
    migration.fill_division_names(apps, None)
    assert SNICode.objects.get(code="62100").division_name_en == PROGRAMMING
    assert not SNICode.objects.filter(division_name_en="").exists()


def test_a_reload_repairs_the_english_names(reference_data):
    SNICode.objects.filter(code="62100").update(division_name_en="Tampered")
    load_reference_data()
    assert SNICode.objects.get(code="62100").division_name_en == PROGRAMMING
