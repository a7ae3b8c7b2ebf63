"""Who confirmed a company's signs of international business (issue 18): an advisor with a source, the company
in an outcome or a survey, or nobody (recorded without a source: not counted toward the goals)."""

from datetime import date

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from companies import importing, services
from companies.models import Company, FlagSource
from tests.companies.test_views import form_data

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 15)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(services, "stockholm_today", lambda: TODAY)


@pytest.fixture
def signed_in(client, advisor, uppsala):
    client.force_login(advisor)
    return client


def _edit(client, company, **fields):
    company.refresh_from_db()
    return client.post(
        f"/en/companies/{company.public_id}/edit/",
        form_data(
            org_number=company.org_number,
            name=company.name,
            municipality=company.municipality_id,
            version=str(company.version),
            **fields,
        ),
        follow=True,
    )


def test_an_advisor_with_a_source_confirms_the_signs(signed_in, make_company, advisor):
    company = make_company()
    response = _edit(signed_in, company, exports_goods="on", flags_source_note="Årsredovisning 2025")
    company.refresh_from_db()
    assert (company.exports_goods, company.flags_source, company.flags_source_note) == (
        True,
        FlagSource.ADVISOR,
        "Årsredovisning 2025",
    )
    assert company.flags_confirmed_on == company.international_confirmed_on == TODAY
    page = response.content.decode()
    assert "Confirmed by an advisor on" in page
    assert "Source: Årsredovisning 2025" in page
    assert "International since" in page
    assert "do not count toward the goals" not in page


def test_signs_without_a_source_are_recorded_but_unconfirmed(signed_in, make_company):
    company = make_company()
    response = _edit(signed_in, company, exports_services="on")
    company.refresh_from_db()
    assert company.exports_services is True
    assert company.became_international_on == TODAY  # recorded
    assert (company.flags_source, company.flags_confirmed_on, company.international_confirmed_on) == (
        "",
        None,
        None,
    )
    page = response.content.decode()
    assert "they are not confirmed and do not count toward the goals" in page  # the message
    assert "Not confirmed: recorded without a source" in page  # the company page


def test_a_source_added_later_confirms_the_signs_then(signed_in, make_company):
    company = make_company(imports=True)
    assert company.international_confirmed_on is None
    _edit(signed_in, company, imports="on", flags_source_note="Samtal med VD")
    company.refresh_from_db()
    assert (company.flags_source, company.international_confirmed_on) == (FlagSource.ADVISOR, TODAY)


def test_an_unconfirmed_change_keeps_the_first_confirmation(make_company, advisor):
    company = make_company()
    company = services.confirm_international_flags(
        company=company, flags={"exports_goods": True}, source=FlagSource.COMPANY_SURVEY, on=date(2026, 2, 1)
    )
    company = services.update_company(
        company=company, by=advisor, data={"imports": True}, expected_version=company.version
    )
    assert (company.flags_source, company.flags_confirmed_on) == ("", None)
    assert company.international_confirmed_on == date(2026, 2, 1)  # it was confirmed international then


def test_the_company_page_says_who_confirmed(signed_in, make_company):
    company = make_company()
    services.confirm_international_flags(
        company=company, flags={"exports_goods": True}, source=FlagSource.COMPANY_SURVEY, on=date(2026, 3, 2)
    )
    page = signed_in.get(f"/en/companies/{company.public_id}/").content.decode()
    assert "Confirmed by the company in a survey on" in page
    with translation.override("en"):
        edit = signed_in.get(f"/en/companies/{company.public_id}/edit/").content.decode()
    assert "Now confirmed by: The company, in a survey" in edit
    assert 'name="flags_source_note"' in edit


def test_the_same_source_sent_back_confirms_nothing_new(make_company, advisor, monkeypatch):
    company = make_company()
    company = services.update_company(
        company=company,
        by=advisor,
        data={"exports_goods": True, "flags_source_note": "Årsredovisning"},
        expected_version=company.version,
    )
    monkeypatch.setattr(services, "stockholm_today", lambda: date(2026, 5, 1))
    again = services.update_company(
        company=company,
        by=advisor,
        data={"exports_goods": True, "flags_source_note": "Årsredovisning"},
        expected_version=company.version,
    )
    assert (again.version, again.flags_confirmed_on) == (company.version, TODAY)


def test_a_merge_keeps_the_earliest_confirmation(make_company, advisor):
    survivor, duplicate = make_company("A AB"), make_company("A AB (dubblett)")
    services.confirm_international_flags(
        company=survivor, flags={"imports": True}, source=FlagSource.COMPANY_SURVEY, on=date(2026, 3, 1)
    )
    services.confirm_international_flags(
        company=duplicate,
        flags={"exports_goods": True},
        source=FlagSource.ADVISOR,
        on=date(2025, 6, 1),
        note="Årsredovisning 2024",
    )
    survivor = services.merge_companies(
        survivor=Company.objects.get(pk=survivor.pk),
        duplicate=Company.objects.get(pk=duplicate.pk),
        by=advisor,
    ).survivor
    assert survivor.international_confirmed_on == date(2025, 6, 1)
    # Who confirmed last is the survivor's own, later confirmation.
    assert (survivor.flags_source, survivor.flags_confirmed_on) == (
        FlagSource.COMPANY_SURVEY,
        date(2026, 3, 1),
    )


def test_the_api_exposes_the_source_and_only_the_note_is_writable(uppsala, advisor, make_company):
    company = make_company()
    api = APIClient()
    api.force_authenticate(advisor)
    url = f"/api/v1/companies/{company.public_id}/"
    response = api.patch(
        url,
        {
            "exports_goods": True,
            "flags_source_note": "Tullverkets statistik",
            "flags_source": "company_survey",
            "international_confirmed_on": "2020-01-01",
        },
        format="json",
        HTTP_IF_MATCH=f'"{company.version}"',
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["flags_source"], body["flags_source_note"]) == ("advisor", "Tullverkets statistik")
    assert body["flags_confirmed_on"] == body["international_confirmed_on"] == TODAY.isoformat()

    unconfirmed = make_company("B AB")
    response = api.patch(
        f"/api/v1/companies/{unconfirmed.public_id}/",
        {"imports": True},
        format="json",
        HTTP_IF_MATCH=f'"{unconfirmed.version}"',
    )
    assert (response.json()["flags_source"], response.json()["international_confirmed_on"]) == ("", None)


def test_a_note_that_is_too_long_is_a_field_error(signed_in, make_company):
    company = make_company()
    response = _edit(signed_in, company, exports_goods="on", flags_source_note="x" * 301)
    assert response.status_code == 200
    assert 'id="id_flags_source_note_error"' in response.content.decode()
    company.refresh_from_db()
    assert company.exports_goods is False


def test_the_csv_import_confirms_no_signs(uppsala, advisor):
    """The import has no flag columns: what it registers carries no confirmed signs, so it never moves
    a goal by itself."""
    assert not set(importing.COLUMNS) & {"flags_source", "international_confirmed_on", "exports_goods"}
    company = services.register_company(
        by=advisor,
        data={"name": "Importerat AB", "municipality_id": "0380", "exports_goods": True},
        source="import",
    )
    assert (company.flags_source, company.international_confirmed_on) == ("", None)


def test_the_demo_register_has_confirmed_and_unconfirmed_signs(reference_data):
    from demo import companies as companies_demo
    from demo import partners as advisors_demo

    advisors_demo.seed()
    companies_demo.seed()
    international = [company for company in Company.objects.all() if company.is_international]
    sources = {company.flags_source for company in international}
    assert sources == {"", FlagSource.ADVISOR, FlagSource.COMPANY_SURVEY}
    for company in Company.objects.all():
        # A confirmation belongs to an international company and dates it; an advisor's has a source.
        assert bool(company.flags_source) == (company.international_confirmed_on is not None)
        assert not company.flags_source or company.is_international
        assert bool(company.flags_source_note) == (company.flags_source == FlagSource.ADVISOR)
        if company.international_confirmed_on:
            assert company.became_international_on <= company.international_confirmed_on
            assert company.flags_confirmed_on >= company.international_confirmed_on
    newly = [
        c
        for c in international
        if c.international_confirmed_on and c.international_confirmed_on.year >= TODAY.year - 1
    ]
    assert newly  # the demo goal has something to count
