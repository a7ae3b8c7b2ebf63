"""The dashboard page, its downloads, the report view, the goals pages and the API: access by role,
query budget, and that a download carries the same numbers as the page's table."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from advisors import access
from advisors.models import User
from dashboards import goals, selectors, stats
from dashboards.models import RegionalGoal
from dashboards.selectors import Scope, scopes_for
from referrals.models import Referral
from tests.dashboards.conftest import stockholm
from tests.factories import CompanyFactory, OrganisationFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

MARCH = {"period": "month", "day": "2026-03-15"}


@pytest.fixture
def march(dash, make_request, make_referral):
    """Three March requests (two web, one phone), one from February, a referral Almi → EKN."""
    first = make_request(stockholm(2026, 3, 2, 9), owner=dash.almi, advisor=dash.advisor)
    make_request(stockholm(2026, 3, 3, 9), owner=dash.almi)
    make_request(stockholm(2026, 3, 4, 9), owner=dash.ekn, channel="phone")
    make_request(stockholm(2026, 2, 27, 9), owner=dash.ekn)
    make_referral(
        first,
        sent_at=stockholm(2026, 3, 2, 12),
        to=dash.ekn,
        status=Referral.Status.ACCEPTED,
        answered_after=timedelta(hours=1),
    )
    return dash


def _table(html: str, key: str) -> dict[str, str]:
    """The first two columns of a figure's data table, as {row header: value}."""
    import re

    section = html.split(f'id="table-{key}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">(.*?)</th><td class="text-end">(.*?)</td>', section)
    return dict(rows)


# --- Access matrix -----------------------------------------------------------------------------------


def test_scopes_by_role(dash, other_region):
    stranger = UserFactory(
        email="far@other.example",
        organisation=OrganisationFactory(regions=[other_region]),
        role=User.Role.REGIONAL_STAFF,
    )
    table = [
        (dash.staff, [Scope(dash.region)]),
        (dash.lead, [Scope(dash.region), Scope(dash.region, organisation_id=dash.almi.pk)]),
        (
            dash.advisor,
            [
                Scope(dash.region, organisation_id=dash.almi.pk),
                Scope(dash.region, organisation_id=dash.almi.pk, advisor_id=dash.advisor.pk),
            ],
        ),
        (stranger, []),
    ]
    for user, expected in table:
        assert scopes_for(user, dash.region) == expected, user.email


GOAL_MATRIX = [
    # (user, view, change, create)
    ("staff", True, True, True),
    ("lead", True, False, False),
    ("advisor", True, False, False),
    ("stranger", False, False, False),
]


@pytest.mark.parametrize(("who", "may_view", "may_change", "may_create"), GOAL_MATRIX)
def test_goal_access_matrix(dash, other_region, client, who, may_view, may_change, may_create):
    goal = RegionalGoal.objects.create(
        region=dash.region, year=2026, kind="international_companies", target=500
    )  # issue 18: the target is the increase, counted from 0
    stranger = UserFactory(
        email="far@other.example",
        organisation=OrganisationFactory(regions=[other_region]),
        role=User.Role.REGIONAL_STAFF,
    )
    user = {"staff": dash.staff, "lead": dash.lead, "advisor": dash.advisor, "stranger": stranger}[who]
    assert access.can(user, "view", goal) is may_view
    assert access.can(user, "change", goal) is may_change
    assert access.can(user, "create", RegionalGoal(region=dash.region)) is may_create
    assert list(access.visible(user, RegionalGoal.objects.all())) == ([goal] if may_view else [])
    client.force_login(user)
    response = client.post(
        reverse("dashboards:goal_edit", args=[goal.pk]),
        {
            "region": dash.region.pk,
            "year": 2026,
            "kind": "international_companies",
            "name": "",
            "baseline": 0,
            "target": 600,
        },
    )
    assert response.status_code == (302 if may_change else 403)
    goal.refresh_from_db()
    assert goal.target == (600 if may_change else 500)


def test_staff_cannot_set_goals_for_another_region(dash, other_region, client):
    client.force_login(dash.staff)
    response = client.post(
        reverse("dashboards:goal_create"),
        {
            "region": other_region.pk,
            "year": 2026,
            "kind": "companies_reached",
            "name": "",
            "baseline": 0,
            "target": 10,
        },
    )
    assert response.status_code == 200  # the region is not a choice
    assert not RegionalGoal.objects.exists()


def test_a_custom_goal_needs_a_name(dash, client):
    client.force_login(dash.staff)
    data = {"region": dash.region.pk, "year": 2026, "kind": "custom", "name": "", "baseline": 0, "target": 40}
    assert client.post(reverse("dashboards:goal_create"), data).status_code == 200
    data["name"] = "Internationaliseringscheckar"
    assert client.post(reverse("dashboards:goal_create"), data).status_code == 302
    assert RegionalGoal.objects.get().name == "Internationaliseringscheckar"


def test_signed_out_users_are_sent_to_sign_in(client):
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_user_without_a_region_gets_no_dashboard(client, db):
    lonely = UserFactory(email="lonely@nowhere.example", organisation=OrganisationFactory())
    client.force_login(lonely)
    assert client.get(reverse("dashboards:dashboard")).status_code == 404


def test_an_advisor_cannot_ask_for_the_region_scope(march, client):
    client.force_login(march.advisor)
    response = client.get(reverse("dashboards:dashboard"), {**MARCH, "scope": "region"})
    assert response.status_code == 200
    assert response.context["form_valid"] is False
    assert "scope" not in response.context and response.context["figures"] == []  # nothing computed
    assert 'id="id_scope_error"' in response.content.decode()
    api = client.get("/api/v1/stats/summary/", {**MARCH, "scope": "region"})
    assert api.status_code == 400


# --- The page and its numbers ------------------------------------------------------------------------


def test_the_region_dashboard_shows_the_figures(march, client):
    client.force_login(march.staff)
    response = client.get(reverse("dashboards:dashboard"), MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    key = _table(html, "key_figures")
    assert list(key.values())[:2] == ["3", "3"]  # requests received, companies reached
    assert _table(html, "requests_by_channel") == {"Webbformulär": "2", "Telefon": "1"}
    assert 'type="application/json"' in html and "chart-data-requests_by_channel" in html
    assert "<details" in html


def test_every_filter_select_says_all_not_dashes(march, client):
    client.force_login(march.staff)
    for prefix in ("", "/en"):
        html = client.get(f"{prefix}{reverse('dashboards:dashboard')}", MARCH).content.decode()
        assert "---------" not in html
        assert html.count('<option value="" selected>' + ("All" if prefix else "Alla") + "</option>") >= 6


def test_an_organisation_dashboard_counts_its_own_requests(march, client):
    client.force_login(march.lead)
    response = client.get(reverse("dashboards:dashboard"), {**MARCH, "scope": "organisation"})
    assert _table(response.content.decode(), "requests_by_channel") == {"Webbformulär": "2"}
    response = client.get(reverse("dashboards:dashboard"), {**MARCH, "scope": "region"})
    assert _table(response.content.decode(), "requests_by_channel") == {"Webbformulär": "2", "Telefon": "1"}


def test_an_advisor_sees_their_own_work(march, client):
    client.force_login(march.advisor)
    response = client.get(reverse("dashboards:dashboard"), {**MARCH, "scope": "mine"})
    assert _table(response.content.decode(), "requests_by_channel") == {"Webbformulär": "1"}


def test_filters_narrow_the_figures(march, client):
    client.force_login(march.staff)
    response = client.get(reverse("dashboards:dashboard"), {**MARCH, "organisation": "ekn"})
    assert _table(response.content.decode(), "requests_by_channel") == {"Telefon": "1"}


def test_the_csv_download_has_the_tables_numbers(march, client):
    client.force_login(march.staff)
    html = client.get(reverse("dashboards:dashboard"), MARCH).content.decode()
    response = client.get(reverse("dashboards:download", args=["requests_by_channel", "csv"]), MARCH)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Kanal", "Ärenden"]
    assert dict(rows[1:]) == _table(html, "requests_by_channel")
    assert "requests_by_channel-20260301-20260331.csv" in response["Content-Disposition"]


def test_the_xlsx_download(march, client):
    client.force_login(march.staff)
    response = client.get(reverse("dashboards:download", args=["referral_matrix", "xlsx"]), MARCH)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][:4] == ["Almi Uppsala → EKN", 1, 1, 1]  # numbers stay numbers


def test_every_figure_downloads_as_xlsx(march, client):
    client.force_login(march.staff)
    html = client.get(reverse("dashboards:dashboard"), MARCH).content.decode()
    keys = re.findall(r'id="table-([a-z_]+)"', html)
    assert len(keys) == 15
    for key in keys:
        response = client.get(reverse("dashboards:download", args=[key, "xlsx"]), MARCH)
        assert response.status_code == 200, key
        assert load_workbook(io.BytesIO(response.content)).active.max_row >= 1


def test_downloads_neutralise_formulas(dash, make_request, client):
    evil = OrganisationFactory(name='=HYPERLINK("http://x")', slug="evil", regions=[dash.region])
    make_request(stockholm(2026, 3, 2, 9), owner=evil)
    client.force_login(dash.staff)
    response = client.get(reverse("dashboards:download", args=["workload_organisations", "csv"]), MARCH)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_unknown_figure_is_404(march, client):
    client.force_login(march.staff)
    assert client.get(reverse("dashboards:download", args=["nope", "csv"])).status_code == 404
    assert client.get(reverse("dashboards:download", args=["speed", "pdf"])).status_code == 404


def test_the_print_report(march, client):
    client.force_login(march.staff)
    response = client.get(reverse("dashboards:report"), MARCH)
    html = response.content.decode()
    assert response.status_code == 200
    assert "css/dashboards" in html and '<details class="figure-how mb-2" open>' in html
    assert "data-chart-source" not in html


def test_a_custom_period_needs_both_ends(march, client):
    client.force_login(march.staff)
    response = client.get(reverse("dashboards:dashboard"), {"period": "custom", "start": "2026-03-01"})
    assert response.context["form_valid"] is False
    assert 'id="id_end_error"' in response.content.decode()
    response = client.get(
        reverse("dashboards:dashboard"), {"period": "custom", "start": "2026-02-27", "end": "2026-03-02"}
    )
    assert next(iter(_table(response.content.decode(), "key_figures").values())) == "2"


def test_the_query_count_does_not_grow_with_data(dash, make_request, client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(dash.staff)
    url = reverse("dashboards:dashboard")
    make_request(stockholm(2026, 3, 2, 9), owner=dash.almi, advisor=dash.advisor)
    # Made first: a new organisation rightly renders the cached organisation lists again.
    other = OrganisationFactory(regions=[dash.region])
    client.get(url, MARCH)  # warm caches (sessions, content types, the filters' options)
    with CaptureQueriesContext(connection) as few:
        client.get(url, MARCH)
    for n in range(25):
        company = CompanyFactory(
            employee_band="10-19" if n % 2 else "1-4", municipality_id="0305" if n % 3 else "0380"
        )
        make_request(
            stockholm(2026, 3, 2 + n % 20, 9),
            company=company,
            owner=other if n % 2 else dash.ekn,
            advisor=UserFactory(organisation=other),
            channel="email" if n % 4 else "meeting",
            needs=["market-selection", "buyer-credit-risk"],
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url, MARCH)
    assert len(many) == len(few)
    # Computed (the suite runs with the figures' cache off): the 14 figure queries and the page's 11.
    # From the cache, the page makes 7 (test_cache.py).
    assert len(few) <= 25, [q["sql"][:90] for q in few.captured_queries]


# --- REST API ----------------------------------------------------------------------------------------


def test_the_api_summary_and_figures(march, client):
    client.force_login(march.staff)
    summary = client.get("/api/v1/stats/summary/", MARCH).json()
    assert summary["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    assert summary["requests_received"] == 3
    assert summary["companies_reached"] == 3
    assert {r["key"]: r["count"] for r in summary["requests_by"]["channel"]} == {"web": 2, "phone": 1}
    assert (
        client.get("/api/v1/stats/requests-received/", {**MARCH, "organisation": "ekn"}).json()["count"] == 1
    )
    matrix = client.get("/api/v1/stats/referral-matrix/", MARCH).json()
    assert [(r["from_key"], r["to_key"], r["count"]) for r in matrix] == [("almi-uppsala", "ekn", 1)]
    assert client.get("/api/v1/stats/workload/").status_code == 200
    assert client.get("/api/v1/stats/goal-tracker/", MARCH).json()["year"] == 2026
    assert client.get("/api/v1/stats/summary/", {"period": "decade"}).status_code == 400


def test_the_api_refuses_strangers(march, client, other_region):
    client.logout()
    assert client.get("/api/v1/stats/summary/").status_code == 403
    stranger = UserFactory(
        email="far@other.example",
        organisation=OrganisationFactory(regions=[other_region]),
        role=User.Role.REGIONAL_STAFF,
    )
    client.force_login(stranger)
    # Their own (empty) region, never Uppsala's figures.
    assert client.get("/api/v1/stats/summary/", {**MARCH, "region": "uppsala"}).status_code == 400
    assert client.get("/api/v1/stats/summary/", MARCH).json()["requests_received"] == 0


def test_the_goals_page_lists_the_regions_goals(dash, client, other_region):
    RegionalGoal.objects.create(
        region=dash.region, year=2026, kind="custom", name="Checkar", baseline=0, target=40
    )
    RegionalGoal.objects.create(
        region=other_region, year=2026, kind="custom", name="Annan", baseline=0, target=9
    )
    client.force_login(dash.staff)
    html = client.get(reverse("dashboards:goals")).content.decode()
    assert "Checkar" in html and "Annan" not in html
    assert reverse("dashboards:goal_create") in html
    client.force_login(dash.advisor)
    html = client.get(reverse("dashboards:goals")).content.decode()
    assert "Checkar" in html and reverse("dashboards:goal_create") not in html
    assert client.get(reverse("dashboards:goal_create")).status_code == 403


def test_demo_goals_are_idempotent(demo_region_for_goals):
    from demo import goals as demo

    assert demo.seed() == 3
    assert demo.seed() == 3
    # Issue 18: 500 more companies over a period that includes today, the official figure kept apart.
    goal = RegionalGoal.objects.get(kind="international_companies")
    assert (goal.baseline, goal.target, goal.official_baseline) == (0, 500, 1000)
    assert goal.starts_on <= timezone.localdate() <= goal.ends_on


@pytest.fixture
def demo_region_for_goals(db):
    return RegionFactory(name="Exportcenter Uppsala län", slug="uppsala")


# --- Downloads for Swedish Excel, and the plain comma format ----------------------------------------


def _download(client, figure, params):
    response = client.get(reverse("dashboards:download", args=[figure, "csv"]), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_csv_download_opens_in_swedish_excel_and_offers_commas(march, client):
    RegionalGoal.objects.create(
        region=march.region, year=2026, kind="companies_reached", baseline=10, target=20
    )
    client.force_login(march.staff)
    page = client.get(reverse("dashboards:dashboard"), MARCH).content.decode()
    assert _table(page, "goals") == {"Nådda företag": "10"}
    assert '<td class="text-end">-60,0</td></tr>' in page  # (4 reached − 10) / (20 − 10)
    progress = "-60.0"

    excel = _download(client, "goals", MARCH)
    assert excel.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(excel.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Mål"
    assert rows[1][-1] == progress.replace(".", ",")  # a decimal comma, and no apostrophe: still a number

    plain = _download(client, "goals", {**MARCH, "dialect": "comma"})
    assert not plain.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(plain.decode("utf-8"))))
    assert rows[1][-1] == progress

    explicit = _download(client, "goals", {**MARCH, "dialect": "excel-sv"})
    assert explicit == excel

    xlsx = client.get(reverse("dashboards:download", args=["goals", "xlsx"]), MARCH)
    cells = [
        [cell.value for cell in row] for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()
    ]
    assert cells[1][-1] == float(progress)


def test_the_page_offers_both_csv_formats(march, client):
    client.force_login(march.staff)
    html = client.get(reverse("dashboards:dashboard"), MARCH).content.decode()
    csv_url = reverse("dashboards:download", args=["requests_by_channel", "csv"])
    assert f'href="{csv_url}?period=month&amp;day=2026-03-15"' in html
    assert f'href="{csv_url}?period=month&amp;day=2026-03-15&amp;dialect=comma"' in html
    assert 'id="csv-hint"' in html
    assert client.get(csv_url + "?period=month&day=2026-03-15&dialect=comma").status_code == 200


def test_an_unknown_csv_format_is_refused(march, client):
    client.force_login(march.staff)
    response = client.get(
        reverse("dashboards:download", args=["requests_by_channel", "csv"]), {**MARCH, "dialect": "tab"}
    )
    assert response.status_code == 400
    assert "excel-sv, comma" in response.content.decode()


# --- The period box shows what is shown; a bad period computes nothing ---------------------------------


def test_without_a_period_the_form_says_year(march, client):
    client.force_login(march.staff)
    for params in ({}, {"organisation": "ekn"}, {"period": ""}):
        html = client.get(reverse("dashboards:dashboard"), params).content.decode()
        assert '<option value="year" selected>' in html, params
        assert '<option value="month" selected>' not in html


def test_dates_without_a_period_make_a_custom_period(march, client):
    client.force_login(march.staff)
    response = client.get(reverse("dashboards:dashboard"), {"start": "2026-02-27", "end": "2026-03-02"})
    html = response.content.decode()
    assert '<option value="custom" selected>' in html
    assert "2026-02-27 – 2026-03-02" in html
    assert next(iter(_table(html, "key_figures").values())) == "2"


BAD_PERIODS = [
    ({"period": "custom", "start": "2026-03-31", "end": "2026-03-01"}, "end"),  # the end before the start
    ({"period": "custom", "start": "2026-02-30", "end": "2026-03-31"}, "start"),  # no such day
    ({"period": "custom", "start": "1900-01-01", "end": "1900-12-31"}, "start"),  # out of a sane range
    ({"period": "custom", "start": "2026-01-01", "end": "9999-12-31"}, "end"),
    ({"period": "month", "day": "9999-12-31"}, "day"),
    ({"period": "month", "day": "2026-03-15", "start": "2026-01-01", "end": "2026-03-01"}, "period"),
]


@pytest.fixture
def nothing_computed(monkeypatch):
    """Every figure selector fails the test if it is called."""

    def refuse(*args, **kwargs):
        raise AssertionError("a figure was computed for a query that is not valid")

    monkeypatch.setattr(stats, "summary", refuse)
    for name in ("requests_received", "companies_reached", "speed"):
        monkeypatch.setattr(selectors, name, refuse)
    monkeypatch.setattr(goals, "new_international_companies", refuse)


@pytest.mark.parametrize(("params", "field"), BAD_PERIODS)
def test_a_bad_period_is_a_field_error_on_the_page(march, client, nothing_computed, params, field):
    client.force_login(march.staff)
    response = client.get("/en/advisor/dashboard/", params)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    assert 'id="dashboard-scope"' not in html and 'id="table-' not in html


@pytest.mark.parametrize(("params", "field"), BAD_PERIODS)
def test_a_bad_period_is_a_field_error_on_the_downloads_and_the_report(
    march, client, nothing_computed, params, field
):
    client.force_login(march.staff)
    for url in (
        reverse("dashboards:download", args=["requests_by_channel", "csv"]),
        reverse("dashboards:download", args=["requests_by_channel", "xlsx"]),
        reverse("dashboards:report"),
    ):
        response = client.get(url, params)
        assert response.status_code == 400, url
        assert f'id="id_{field}_error"' in response.content.decode()


@pytest.mark.parametrize(("params", "field"), BAD_PERIODS)
def test_a_bad_period_is_a_400_with_field_errors_in_the_api(march, client, nothing_computed, params, field):
    client.force_login(march.staff)
    for url in ("/api/v1/stats/summary/", "/api/v1/stats/requests-received/"):
        response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="sv")
        assert response.status_code == 400, url
        assert field in response.content.decode(), response.content


def test_the_period_errors_are_localised(march, client, nothing_computed):
    client.force_login(march.staff)
    params = {"period": "custom", "start": "1900-01-01", "end": "2026-01-01"}
    swedish = client.get(reverse("dashboards:dashboard"), params).content.decode()
    english = client.get("/en/advisor/dashboard/", params).content.decode()
    assert "Choose a date from 2000-01-01" in english
    assert "Välj ett datum från 2000-01-01" in swedish
