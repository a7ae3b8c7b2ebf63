"""Official statistics on the dashboards (issue 19): the figures (per 100,000 inhabitants, growth per
inhabitant, missing data never zero), the regional dashboard's panel, the national page's per-county growth,
the API /api/v1/statistics/counties/, access and query budgets."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advisors import access
from advisors.models import User
from dashboards import national, official_statistics
from dashboards.national_tables import tables
from dashboards.selectors import Filters, Period
from reference.models import County, CountyExportStatistic, CountyPopulation, StatisticsImport
from reference.scb import load_samples
from tests.factories import CompanyFactory, OrganisationFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db
PANEL = "/en/advisor/statistics/"
YEAR_2024 = {"period": "year", "day": "2024-06-01"}
API = "/api/v1/statistics/counties/"


@pytest.fixture
def national_user(db):
    org = OrganisationFactory(name="Tillväxtverket", slug="tillvaxtverket", kind="other")
    return UserFactory(email="nora@tillvaxtverket.example", organisation=org, role=User.Role.NATIONAL)


def _figures(county, year, population=None, **trade):
    if population is not None:
        CountyPopulation.objects.create(
            county_id=county, year=year, population=population, source="SCB", table="BE0101N1"
        )
    if trade:
        CountyExportStatistic.objects.create(
            county_id=county, year=year, source="SCB", table="HA0201", vintage=date(2025, 3, 1), **trade
        )


@pytest.fixture
def figures(dash):
    """Uppsala (03): 2023 and 2024 complete; Södermanland (04, added to the region): 2024 only, no SMEs."""
    dash.region.counties.add("04")
    _figures("03", 2023, 400_000, goods_exports_msek=Decimal(400), exporting_smes=900)
    _figures("03", 2024, 500_000, goods_exports_msek=Decimal(600), exporting_smes=1000, goods_imports_msek=1)
    _figures("04", 2024, 100_000, goods_exports_msek=Decimal(50), exporting_smes=None)
    _figures("17", 2024, 280_000, goods_exports_msek=Decimal(45), exporting_smes=296)  # another region's
    return dash


def test_the_figures_per_county_and_for_the_region(figures):
    rows = official_statistics.county_rows(figures.staff, ["03", "04"], 2024)
    uppsala, sodermanland = rows
    assert (uppsala.year, uppsala.population, uppsala.exporting_smes_per_100k) == (2024, 500_000, 200.0)
    assert uppsala.goods_exports_sek_per_inhabitant == 1200
    assert uppsala.growth_sek_per_inhabitant == 200  # 600e6/500k − 400e6/400k = 1200 − 1000 SEK
    assert (uppsala.source, uppsala.table, uppsala.vintage) == ("SCB", "HA0201", date(2025, 3, 1))
    # Missing data is missing, never zero, and nothing is computed from it.
    assert sodermanland.figures["exporting_smes"] is None and sodermanland.exporting_smes_per_100k is None
    assert sodermanland.growth_sek_per_inhabitant is None  # no 2023
    assert sodermanland.goods_exports_sek_per_inhabitant == 500
    total = official_statistics.region_total(rows)
    assert total.population == 600_000 and total.figures["goods_exports_msek"] == Decimal(650)
    assert total.figures["exporting_smes"] is None and total.exporting_smes_per_100k is None
    assert total.growth_sek_per_inhabitant is None


def test_the_growth_is_year_on_year_in_sek_per_inhabitant_and_can_fall():
    assert official_statistics.growth_per_inhabitant(Decimal(300), 300_000, Decimal(400), 400_000) == 0
    assert official_statistics.growth_per_inhabitant(Decimal(270), 300_000, Decimal(400), 400_000) == -100
    assert official_statistics.growth_per_inhabitant(None, 300_000, Decimal(400), 400_000) is None
    assert official_statistics.growth_per_inhabitant(Decimal(1), 0, Decimal(1), 1) is None
    assert official_statistics.per_100k(0, 100_000) == 0.0 and official_statistics.per_100k(None, 1) is None


def test_the_portal_figure_is_beside_the_official_one(figures):
    for n in range(3):
        CompanyFactory(
            exports_goods=True, exports_goods_confirmed_on=date(2024, 2, 1 + n), employee_band="10-19"
        )
    CompanyFactory(exports_goods=True, exports_goods_confirmed_on=date(2024, 2, 9), employee_band="500+")
    CompanyFactory(exports_goods=True, exports_goods_confirmed_on=date(2025, 2, 9), employee_band="1-4")
    uppsala = official_statistics.county_rows(figures.staff, ["03"], 2024)[0]
    assert uppsala.portal_exporting_smes == 3 and uppsala.portal_exporting_smes_per_100k == 0.6


def _cells(html: str, figure: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(rf'data-figure="{figure}">(.*?)</td>', html, re.S)
    ]


def test_the_panel_on_the_regional_dashboard(client, figures):
    client.force_login(figures.staff)
    dashboard = client.get("/en/advisor/dashboard/", YEAR_2024).content.decode()
    assert 'id="official-statistics-slot"' in dashboard and 'hx-get="/en/advisor/statistics/?' in dashboard
    response = client.get(PANEL, YEAR_2024, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html  # a fragment for htmx
    assert "Official statistics" in html and "where the company is registered, not where it produces" in html
    assert _cells(html, "growth") == ["+200", "no data", "no data"]  # Uppsala, Södermanland, the region
    assert _cells(html, "official-smes-per-100k") == ["200.0", "no data", "no data"]
    assert "SCB, HA0201, published 2025-03-01" in html
    assert "Värmland" not in html  # another region's county
    page = client.get(PANEL, YEAR_2024)
    assert page.status_code == 200 and "<html" in page.content.decode()  # without JavaScript: a page


def test_the_panel_says_when_nothing_is_loaded(client, dash):
    client.force_login(dash.advisor)
    html = client.get(PANEL, YEAR_2024).content.decode()
    assert 'id="official-statistics-empty"' in html and "where the company is registered" in html


def test_the_panel_bad_input_and_no_dashboard(client, dash, national_user):
    client.force_login(dash.staff)
    assert client.get(PANEL, {"period": "custom", "start": "2024-13-01"}).status_code == 400
    assert client.get(PANEL, {"day": "x\x00"}).status_code == 400
    client.force_login(national_user)
    assert client.get(PANEL).status_code == 404  # the national role has no regional dashboard
    client.logout()
    assert client.get(PANEL).status_code == 302


def test_the_panel_query_count_does_not_grow_with_counties(client, dash, reference_data):
    load_samples()
    client.force_login(dash.staff)

    def count():
        client.get(PANEL, YEAR_2024)  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PANEL, YEAR_2024).status_code == 200
        return len(queries)

    one = count()
    dash.region.counties.add(*County.objects.values_list("code", flat=True))
    assert count() == one
    assert one <= 14


def test_the_national_page_shows_the_growth_per_county(client, figures, national_user, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    growth = {row["code"]: row for row in official_statistics.county_growth(2024)}
    assert len(growth) == 21
    assert growth["03"]["growth_sek_per_inhabitant"] == 200 and growth["03"]["year"] == 2024
    assert growth["04"]["growth_sek_per_inhabitant"] is None  # missing, never zero
    assert growth["01"]["year"] is None
    query = national.NationalQuery(Period(date(2024, 1, 1), date(2024, 12, 31)), Filters())
    table = next(t for t in tables(national.compute(query)) if t.key == "county-growth")
    assert ["Uppsala län", 2024, 200, ""] in table.rows
    client.force_login(national_user)
    html = client.get("/en/national/", {"period": "year", "day": "2024-06-01"}).content.decode()
    assert "Growth in goods exports per inhabitant, per county" in html
    csv = client.get(reverse("national:download", args=["county-growth", "csv"]), YEAR_2024)
    assert csv.status_code == 200


def test_the_national_growth_is_one_query(figures, django_assert_num_queries):
    with django_assert_num_queries(1):
        official_statistics.county_growth(2024)


def test_access_to_the_figures(figures, national_user):
    other = RegionFactory(slug="varmland")
    other.counties.add("17")
    far = UserFactory(organisation=OrganisationFactory(slug="far", regions=[other]))
    everything = CountyExportStatistic.objects.all()
    assert set(access.visible(figures.advisor, everything).values_list("county", flat=True)) == {"03", "04"}
    assert set(access.visible(far, everything).values_list("county", flat=True)) == {"17"}
    assert access.visible(national_user, everything).count() == 4
    homeless = UserFactory(organisation=OrganisationFactory(slug="nowhere"))
    assert not access.visible(homeless, everything).exists()
    assert access.can(figures.staff, "import", StatisticsImport)
    assert access.can(national_user, "import", StatisticsImport)
    assert not access.can(figures.advisor, "import", StatisticsImport)
    assert not access.can(figures.lead, "import", StatisticsImport)
    assert not access.can(figures.staff, "import", StatisticsImport(kind="trade"))  # asked about the model


def test_the_api_lists_what_each_may_see(client, figures, national_user):
    client.force_login(figures.staff)
    body = client.get(API).json()
    assert [(r["county"], r["year"]) for r in body["results"]] == [("03", 2024), ("03", 2023), ("04", 2024)]
    uppsala = body["results"][0]
    assert uppsala["population"] == 500000 and uppsala["goods_exports_msek"] == "600.0"
    assert uppsala["importing_companies"] is None  # missing, never zero
    assert uppsala["trade_provenance"] == {
        "source": "SCB",
        "table": "HA0201",
        "vintage": "2025-03-01",
        "is_sample": False,
    }
    assert client.get(API, {"county": "17"}).json()["results"] == []  # another region's county
    assert [r["year"] for r in client.get(API, {"county": "03", "year": 2023}).json()["results"]] == [2023]
    client.force_login(national_user)
    assert {r["county"] for r in client.get(API).json()["results"]} == {"03", "04", "17"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"county": "99"}, "county"),
        ({"year": "abc"}, "year"),
        ({"year": "3000"}, "year"),
        ({"county": "x\x00"}, None),
    ],
)
def test_the_api_refuses_bad_filters_with_field_errors(client, figures, params, field):
    client.force_login(figures.staff)
    response = client.get(API, params)
    assert response.status_code == 400
    if field:
        assert field in response.json()["errors"]


def test_the_api_needs_a_sign_in_and_stays_within_its_query_budget(
    client, dash, reference_data, django_assert_max_num_queries
):
    assert client.get(API).status_code in (401, 403)
    load_samples()
    dash.region.counties.add(*County.objects.values_list("code", flat=True))
    client.force_login(dash.staff)
    client.get(API)
    with django_assert_max_num_queries(8):
        body = client.get(API).json()
    assert body["count"] == 63 and len(body["results"]) == 63
