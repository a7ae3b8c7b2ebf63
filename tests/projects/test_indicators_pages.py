"""The indicators page, its print view, the CSV and XLSX downloads and the project-page panel: what they show,
bad input as field errors (never a 500), access (outside the project's regions: 404), and query budgets."""

import csv
import datetime
import io

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from projects.models import Programme, SizeClass, SupportKind
from projects.panels import project_page
from tests.factories import CompanyFactory, OrganisationFactory, RegionFactory, UserFactory
from tests.projects.factories import (
    OutsidePartnerFactory,
    ParticipationFactory,
    SupportFactory,
    interreg_project,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def project(reference_data, region):
    project = interreg_project(region, name="Inside Out EU", acronym="IOEU")
    OutsidePartnerFactory(project=project, name="=HYPERLINK(1)", country="NL")
    grant = ParticipationFactory(
        project=project,
        company=CompanyFactory(name="Nyföretaget AB"),
        joined_on=D(2025, 2, 1),
        size_class=SizeClass.MICRO,
        company_registered_on=D(2024, 1, 15),
    )
    SupportFactory(participation=grant, kind=SupportKind.GRANT, given_on=D(2025, 3, 1))
    old = ParticipationFactory(
        project=project,
        company=CompanyFactory(name="Gamla Bruket AB"),
        joined_on=D(2024, 2, 1),
        size_class=SizeClass.LARGE,
        company_registered_on=D(1950, 1, 1),
    )
    SupportFactory(participation=old, kind=SupportKind.ADVICE, given_on=D(2024, 3, 1))
    return project


@pytest.fixture
def member(organisation):
    return UserFactory(organisation=organisation)


@pytest.fixture
def outsider(other_region):
    return UserFactory(organisation=OrganisationFactory(regions=[other_region]))


def url(name, project, *args):
    return reverse(f"projects:{name}", args=[project.public_id, *args])


def signed_in(client, user):
    client.force_login(user)
    return client


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


# --- The page -----------------------------------------------------------------------------------------------


def test_the_page_shows_each_indicator_its_definition_and_rows(client, member, project, in_english):
    response = signed_in(client, member).get(url("indicators", project))
    assert response.status_code == 200
    page = response.content.decode()
    for code in ("RCO01", "RCO02", "RCO03", "RCO04", "RCO05", "RCO87"):
        assert f'id="indicator-{code}"' in page
    assert 'data-indicator-value="RCO01">2<' in page
    assert 'data-indicator-value="RCO87">2<' in page
    assert "Regulation (EU) 2021/1058, Annex I" in page
    assert "How is this computed?" in page
    assert "Nyföretaget AB" in page and "Gamla Bruket AB" in page
    assert 'data-size="micro">1<' in page and 'data-size="large">1<' in page
    assert "Gobierno de Navarra" in page


def test_a_company_s_row_is_rendered_once_a_page_however_many_indicators_count_it(
    client, member, project, region, in_english
):
    """Nyföretaget AB counts under RCO01, RCO02 and RCO05, Gamla Bruket AB under RCO01 and RCO04: five rows,
    two renderings (projects/templatetags/indicator_rows.py), the same row each time."""
    region.counties.add("03")  # the companies' county: their names are links
    response = signed_in(client, member).get(url("indicators", project))
    rows = [t.name for t in response.templates if t.name == "projects/indicators/includes/company_row.html"]
    assert len(rows) == 2
    page = response.content.decode()
    company = project.participations.get(company__name="Nyföretaget AB").company
    link = f'<a href="{reverse("companies:detail", args=[company.public_id])}">Nyföretaget AB</a>'
    assert page.count(link) == 3
    assert page.count("<td>Voucher or grant</td>") == 3 and page.count("<td>Advice</td>") == 2
    printed = signed_in(client, member).get(url("indicators_print", project)).content.decode()
    assert "Nyföretaget AB" in printed and link not in printed  # the print view links nowhere


def test_a_company_links_to_its_page_only_for_those_who_see_it(client, member, project, region):
    company = project.participations.get(company__name="Nyföretaget AB").company
    link = reverse("companies:detail", args=[company.public_id])
    client = signed_in(client, member)
    assert (
        link not in client.get(url("indicators", project)).content.decode()
    )  # outside the region's counties
    region.counties.add("03")  # Uppsala county, where the companies are
    assert link in client.get(url("indicators", project)).content.decode()


def test_the_period_picker_narrows_the_figures(client, member, project, in_english):
    response = signed_in(client, member).get(
        url("indicators", project), {"from": "2025-01-01", "to": "2025-12-31"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-indicator-value="RCO01">1<' in page
    assert 'data-indicator-value="RCO05">1<' in page
    assert "Gamla Bruket AB" not in page  # helped in 2024 only
    assert 'href="?from=2025-01-01&amp;to=2025-12-31"' in page  # the year links


def test_an_erdf_project_says_rco87_does_not_apply(client, member, project, in_english):
    Programme.objects.filter(pk=project.programme_id).update(fund=Programme.Fund.ERDF)
    page = signed_in(client, member).get(url("indicators", project)).content.decode()
    assert "Not applicable: the project's programme is not an Interreg programme." in page
    assert 'data-indicator-value="RCO87"' not in page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "not a date"}, "from"),
        ({"to": "2025-02-30"}, "to"),
        ({"from": "1900-01-01"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "2025-12-31", "to": "2025-01-01"}, "to"),
        ({"from": "2027-01-01"}, "from"),  # after the project's end, the default end
        ({"to": "2023-12-31"}, "to"),  # before the project's start, the default start
        ({"from": "x" * 5000}, "from"),
    ],
)
def test_a_period_that_is_not_valid_is_a_field_error(client, member, project, query, field, in_english):
    for name in ("indicators", "indicators_print"):
        response = signed_in(client, member).get(url(name, project), query)
        assert response.status_code == 400
        assert response.context["form"].errors[field]
        assert "There is a problem" in response.content.decode()
    response = client.get(url("indicators_download", project, "indicators", "csv"), query)
    assert response.status_code == 400


def test_a_nul_byte_is_a_400(client, member, project):
    response = signed_in(client, member).get(url("indicators", project) + "?from=2025%00")
    assert response.status_code == 400


# --- The print view -----------------------------------------------------------------------------------------


def test_the_print_view_has_no_navigation_and_every_definition_open(client, member, project, in_english):
    response = signed_in(client, member).get(url("indicators_print", project), {"from": "2025-01-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<nav" not in page and "site-header" not in page
    assert "project-indicators.css" in page
    assert page.count('<details class="indicator-how" open>') == 6
    assert "2025-01-01 – 2026-12-31" in page
    assert AuditEntry.objects.filter(details__export="project_indicators.print").exists()


# --- The downloads ------------------------------------------------------------------------------------------


def test_the_indicators_csv(client, member, project, in_english):
    response = signed_in(client, member).get(url("indicators_download", project, "indicators", "csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('ioeu-indicators-20240101-20261231.csv"')
    rows = list(csv.reader(io.StringIO(body_of(response)), delimiter=";"))
    assert rows[0][:4] == ["Code", "Indicator", "Breakdown", "Value"]
    by_breakdown = {(row[0], row[2]): row[3] for row in rows[1:]}
    assert by_breakdown[("RCO01", "Total")] == "2"
    assert by_breakdown[("RCO01", str(SizeClass.MICRO.label))] == "1"
    assert by_breakdown[("RCO01", str(SizeClass.LARGE.label))] == "1"
    assert by_breakdown[("RCO01", str(SizeClass.UNKNOWN.label))] == "0"
    assert by_breakdown[("RCO02", "Total")] == "1"
    assert by_breakdown[("RCO05", "Total")] == "1"
    assert by_breakdown[("RCO87", "Total")] == "2"
    assert "2021/1058" in rows[1][5]


def test_the_companies_xlsx(client, member, project, in_english):
    response = signed_in(client, member).get(
        url("indicators_download", project, "companies", "xlsx"), {"from": "2025-01-01", "to": "2025-12-31"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:3] == ["Company", "Organisation number", "Size at enrolment"]
    assert len(rows) == 2
    row = dict(zip(header, rows[1], strict=True))
    assert row["Company"] == "Nyföretaget AB"
    assert (row["RCO01"], row["RCO02"], row["RCO03"], row["RCO04"], row["RCO05"]) == (1, 1, 0, 0, 1)
    assert row["Registered"] == "2024-01-15"


def test_the_partners_csv_guards_against_formulas(client, member, project, in_english):
    response = signed_in(client, member).get(
        url("indicators_download", project, "partners", "csv"), {"dialect": "comma"}
    )
    rows = list(csv.reader(io.StringIO(body_of(response))))
    assert rows[1][0] == "Gobierno de Navarra" and rows[1][3] == "yes"
    assert rows[2][:2] == ["'=HYPERLINK(1)", "Netherlands"]


def test_unknown_tables_formats_and_dialects(client, member, project):
    client = signed_in(client, member)
    assert client.get(url("indicators_download", project, "secrets", "csv")).status_code == 404
    assert client.get(url("indicators_download", project, "indicators", "pdf")).status_code == 404
    response = client.get(url("indicators_download", project, "indicators", "csv"), {"dialect": "tsv"})
    assert response.status_code == 400


def test_a_download_is_audited(client, member, project):
    signed_in(client, member).get(url("indicators_download", project, "companies", "csv"))
    entry = AuditEntry.objects.get(details__export="project_indicators.companies.csv")
    assert entry.details["rows"] == 2


# --- Access -------------------------------------------------------------------------------------------------


def test_someone_outside_the_project_s_regions_gets_a_404(client, outsider, project):
    client = signed_in(client, outsider)
    for name, args in [
        ("indicators", ()),
        ("indicators_print", ()),
        ("indicators_download", ("indicators", "csv")),
        ("indicators_download", ("companies", "xlsx")),
    ]:
        assert client.get(url(name, project, *args)).status_code == 404


def test_a_participating_region_and_a_partner_organisation_see_it(client, project, other_region):
    participant = UserFactory(organisation=OrganisationFactory(regions=[other_region]))
    project.regions.add(other_region)
    assert signed_in(client, participant).get(url("indicators", project)).status_code == 200
    far = RegionFactory()
    partner_org = OrganisationFactory(regions=[far])
    OutsidePartnerFactory(project=project, organisation=partner_org, name="")
    partner = UserFactory(organisation=partner_org)
    assert signed_in(client, partner).get(url("indicators", project)).status_code == 200


def test_signed_out_goes_to_sign_in(client, project):
    response = client.get(url("indicators", project))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_unknown_project_is_a_404(client, member, reference_data):
    response = signed_in(client, member).get(
        reverse("projects:indicators", args=["00000000-0000-0000-0000-000000000000"])
    )
    assert response.status_code == 404


# --- The project page's panel -------------------------------------------------------------------------------


def test_the_panel_shows_the_headline_figures_and_links(member, project, rf, in_english):
    context = project_page.context(member, project)
    assert "projects/indicators/includes/panel.html" in context["panel_templates"]
    result = context["project_indicators"]
    assert result.figure("RCO01").value == 2
    html = render_to_string("projects/indicators/includes/panel.html", context)
    assert "Indicators for the funder" in html
    assert url("indicators", project) in html
    assert url("indicators_print", project) in html
    assert 'data-indicator-value="RCO01">2' in html


# --- Query budgets ------------------------------------------------------------------------------------------


def _more_companies(project, n):
    for i in range(n):
        participation = ParticipationFactory(project=project, joined_on=D(2025, 1, 1))
        SupportFactory(participation=participation, kind=SupportKind.GRANT, given_on=D(2025, 1, 2 + i % 20))
        OutsidePartnerFactory(project=project)


@pytest.mark.parametrize(
    "name, args",
    [
        ("indicators", ()),
        ("indicators_print", ()),
        ("indicators_download", ("companies", "csv")),
        ("indicators_download", ("indicators", "xlsx")),
    ],
)
def test_the_queries_do_not_grow_with_the_rows(
    client, member, project, django_assert_max_num_queries, name, args
):
    client = signed_in(client, member)
    _more_companies(project, 3)
    client.get(url(name, project, *args))  # warm: sessions, caches
    with django_assert_max_num_queries(12) as few:
        client.get(url(name, project, *args))
    _more_companies(project, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(name, project, *args))
    assert response.status_code == 200


def test_the_project_page_shows_the_panel(client, member, project, in_english):
    response = signed_in(client, member).get(reverse("projects:project_detail", args=[project.public_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="project-indicators-heading"' in page
    assert url("indicators", project) in page
