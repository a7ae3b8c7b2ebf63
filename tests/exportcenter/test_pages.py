"""The public shell: landing page, language switching, accessibility statement, error pages."""

import pytest
from django.test import RequestFactory, override_settings
from django.utils import translation

from exportcenter.views import server_error
from tests.factories import OrganisationFactory


@pytest.fixture
def partners(region):
    active = OrganisationFactory(
        name="EKN", slug="ekn", regions=[region], description_sv="Garantier", description_en="Guarantees"
    )
    OrganisationFactory(name="Sleeping Partner", slug="sleeping", regions=[region], is_active=False)
    OrganisationFactory(name="Elsewhere AB", slug="elsewhere")
    return active


def test_landing_page_in_swedish(client, partners):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Få hjälp att exportera" in html
    assert "Exportcenter Uppsala län" in html
    assert "EKN" in html and "Garantier" in html
    assert "Sleeping Partner" not in html  # inactive partners are not listed
    assert "Elsewhere AB" not in html  # nor partners of other regions


def test_landing_page_in_english(client, partners):
    response = client.get("/en/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Get help to export" in html
    assert "Guarantees" in html


def test_call_to_action_leads_to_the_request_page(client, region):
    assert client.get("/help-me-export/").status_code == 200
    assert "Get help to export" in client.get("/en/help-me-export/").content.decode()


@pytest.mark.parametrize(
    ("language", "next_url", "expected"),
    [
        ("en", "/accessibility/", "/en/accessibility/"),
        ("sv", "/en/accessibility/", "/accessibility/"),
        ("en", "/", "/en/"),
    ],
)
def test_language_switcher_keeps_the_current_page(client, db, language, next_url, expected):
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == expected


def test_language_switcher_refuses_foreign_redirects(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/en/"  # the start page, in the chosen language


def test_every_page_has_a_skip_link_and_the_accessibility_statement_link(client, db):
    html = client.get("/en/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert 'id="main"' in html
    assert 'href="/en/accessibility/"' in html


def test_accessibility_statement_offers_a_way_to_report_problems(client, db):
    html = client.get("/accessibility/").content.decode()
    assert "Tillgänglighetsredogörelse" in html
    assert "mailto:" in html
    assert "Accessibility statement" in client.get("/en/accessibility/").content.decode()


def test_not_found_is_localised(client, db):
    swedish = client.get("/no-such-page/")
    english = client.get("/en/no-such-page/")
    assert swedish.status_code == english.status_code == 404
    assert "Sidan hittades inte" in swedish.content.decode()
    assert "Page not found" in english.content.decode()


@override_settings(DEBUG=False)
def test_server_error_page_is_localised_and_needs_no_database(django_assert_num_queries, db):
    request = RequestFactory().get("/")
    with translation.override("sv"), django_assert_num_queries(0):
        swedish = server_error(request)
    with translation.override("en"):
        english = server_error(request)
    assert swedish.status_code == 500
    assert "Något gick fel" in swedish.content.decode()
    assert "Something went wrong" in english.content.decode()


def test_pages_send_a_strict_content_security_policy(client, db):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_no_template_loads_anything_from_another_host(client, db):
    html = client.get("/").content.decode()
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script
