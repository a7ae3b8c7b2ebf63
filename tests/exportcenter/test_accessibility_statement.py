"""The accessibility statement as lag (2018:1937) and DIGG's model ask: compliance, known problems from the
data file, the responsible body, dates, how it was assessed, scope, supervision and a contact address that
can receive mail; the 500 page links to it."""

from datetime import date
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import RequestFactory, override_settings
from django.utils import translation

from exportcenter import accessibility
from exportcenter.checks import accessibility_contact
from exportcenter.views import server_error
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def _swedish_catalogue_compiled() -> bool:
    with translation.override("sv"):
        return translation.gettext("Accessibility statement") != "Accessibility statement"


needs_swedish = pytest.mark.skipif(
    not _swedish_catalogue_compiled(), reason="the .mo files are built by make test"
)


def text(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


# --- The page ---------------------------------------------------------------------------------------------


@override_settings(
    ACCESSIBILITY_RESPONSIBLE_BODY="Region Uppsala", SITE_URL="https://exportcenter.example.org"
)
def test_the_english_statement_has_every_part_of_digg_model(client):
    html = text(client, "/en/accessibility/")
    statement = accessibility.statement()
    assert statement.compliance == accessibility.Compliance.PARTIAL
    assert "Region Uppsala stands behind this website." in html
    assert (
        "This website is partially compliant with the Act on accessibility to digital public services."
        in html
    )
    # The known problems come from the data file, in the reader's language, with their WCAG criteria.
    assert statement.compliance != "full" or not statement.known_problems
    for problem in statement.known_problems:
        assert f"{problem.texts['en']} (WCAG {', '.join(problem.wcag)})" in html.replace("&#x27;", "'")
    # Dates, and how it was assessed.
    assert "This statement was prepared on 22 November 2026." in html
    assert f"This statement was last reviewed on {statement.reviewed_on.day} December 2026." in html
    assert "The latest assessment was made on" in html
    assert "self-assessment" in html and "axe-core" in html and "Keyboard tests" in html
    # Scope: the exports, the print report, the API docs and the admin.
    assert "The statement covers the whole portal at https://exportcenter.example.org:" in html
    assert "CSV and Excel files" in html and "print report" in html
    assert "<code>/api/v1/docs/</code>" in html and "<code>/admin/</code>" in html
    # Supervision (DIGG) and the contact address.
    assert '<span lang="sv">Myndigheten för digital förvaltning</span>' in html
    assert '<a href="https://www.digg.se/tdosanmalan" lang="sv">Anmäl bristande tillgänglighet</a>' in html
    assert 'href="mailto:tillganglighet@exportcenter.localhost"' in html


@needs_swedish
def test_the_swedish_statement_renders_the_swedish_texts(client):
    html = text(client, "/accessibility/")
    assert (
        "Den här webbplatsen är delvis förenlig med lagen om tillgänglighet till digital offentlig service."
        in html
    )
    for problem in accessibility.statement().known_problems:
        assert problem.texts["sv"] in html
        assert problem.texts["en"] not in html
    assert "Redogörelsen upprättades den 22 november 2026." in html
    assert "Myndigheten för digital förvaltning (Digg) har ansvaret för tillsynen" in html
    assert "Anmäl bristande tillgänglighet" in html
    assert "<code>/admin/</code>" in html


def test_the_responsible_body_defaults_to_the_region(client):
    RegionFactory(name="Exportcenter Uppsala län", slug="uppsala")
    assert "Exportcenter Uppsala län stands behind this website." in text(client, "/en/accessibility/")


def test_a_fully_compliant_statement_lists_no_problems(client, monkeypatch):
    full = accessibility.Statement(
        compliance=accessibility.Compliance.FULL,
        prepared_on=date(2026, 11, 22),
        reviewed_on=date(2027, 11, 1),
        assessed_on=date(2027, 10, 20),
        methods=("self_assessment",),
        known_problems=(),
    )
    monkeypatch.setattr(accessibility, "statement", lambda: full)
    html = text(client, "/en/accessibility/")
    assert "This website is fully compliant with the Act" in html
    assert "Content that is not accessible" not in html
    assert "This statement was last reviewed on 1 November 2027." in html


# --- The data file ------------------------------------------------------------------------------------------

GOOD = """
compliance = "partial"
prepared_on = 2026-11-22
reviewed_on = 2026-12-06
assessed_on = 2026-12-06
methods = ["self_assessment", "keyboard"]

[[known_problems]]
wcag = ["1.4.10"]
sv = "Sidan skrollar i sidled."
en = "The page scrolls sideways."
"""


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (("partial", "mostly"), "compliance"),
        (("reviewed_on = 2026-12-06", "reviewed_on = 2026-01-01"), "before prepared_on"),
        (('"keyboard"]', '"guesswork"]'), "methods"),
        (('en = "The page scrolls sideways."', ""), "needs wcag, sv and en"),
        (('"partial"', '"full"'), "only a fully compliant"),
    ],
)
def test_a_mistake_in_the_data_file_is_named(tmp_path: Path, change, error):
    path = tmp_path / "statement.toml"
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(ValueError, match=error):
        accessibility.load(path)


def test_the_shipped_data_file_loads():
    statement = accessibility.load()
    assert statement.prepared_on <= statement.reviewed_on
    assert all(problem.texts["sv"] and problem.texts["en"] for problem in statement.known_problems)


# --- The contact address in production ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("debug", "address", "refused"),
    [
        (False, "tillganglighet@exportcenter.localhost", True),  # the development default
        (False, "tillganglighet@localhost", True),
        (False, "a11y@portal.test", True),
        (False, "a11y@portal.example", True),
        (False, "not an address", True),
        (False, "", True),
        (False, "tillganglighet@regionuppsala.se", False),
        (True, "tillganglighet@exportcenter.localhost", False),  # fine for development
    ],
)
def test_production_refuses_a_contact_address_that_cannot_receive_mail(debug, address, refused):
    with override_settings(DEBUG=debug, ACCESSIBILITY_CONTACT_EMAIL=address):
        errors = accessibility_contact(None)
        assert [error.id for error in errors] == (["exportcenter.E001"] if refused else [])
        # Registered: `manage.py check` (and so `migrate` and `check --deploy`) reports it.
        assert any(m.id == "exportcenter.E001" for m in run_checks()) is refused


# --- The 500 page -------------------------------------------------------------------------------------------


@override_settings(DEBUG=False)
def test_the_server_error_page_links_to_the_statement(django_assert_num_queries):
    request = RequestFactory().get("/")
    with translation.override("en"), django_assert_num_queries(0):
        english = server_error(request).content.decode()
    assert '<a href="/en/accessibility/">Accessibility statement</a>' in english
    with translation.override("sv"):
        swedish = server_error(request).content.decode()
    assert 'href="/accessibility/"' in swedish
