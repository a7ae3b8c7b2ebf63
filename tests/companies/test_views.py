import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advisors.models import User
from companies import services
from companies.models import Company, CompanyEvent
from tests.companies.conftest import org_number
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, advisor, uppsala):
    client.force_login(advisor)
    return client


def form_data(**overrides):
    return {
        "org_number": "556677-8899",
        "name": "Knivsta Konsult AB",
        "municipality": "0330",
        "sni_code": "",
        "employee_band": "5-9",
        "turnover_class": "3",
        "website": "",
        "export_experience": "never",
        **overrides,
    }


def test_list_shows_companies_of_the_region_only(signed_in, make_company):
    make_company("Uppsala Precision AB")
    make_company("Gävle Stål AB", municipality="2180")
    html = signed_in.get("/en/companies/").content.decode()
    assert "Uppsala Precision AB" in html
    assert "Gävle Stål AB" not in html


def test_list_masks_a_sole_traders_number(signed_in, make_company):
    make_company("Karins Keramik", number="880320-0016")
    html = signed_in.get("/en/companies/").content.decode()
    assert "Karins Keramik" in html
    assert "880320" not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "precision"}, {"Uppsala Precision AB"}),
        ({"municipality": "0381"}, {"Enköping Trä AB"}),
        ({"county": "03", "employee_band": "10-19"}, {"Enköping Trä AB"}),
        ({"export_experience": "never"}, {"Uppsala Precision AB"}),
        ({"target_market": "DE"}, {"Enköping Trä AB"}),
        ({"sni_section": "C"}, {"Enköping Trä AB"}),
    ],
)
def test_list_filters(signed_in, make_company, params, expected):
    make_company("Uppsala Precision AB", export_experience="never")
    make_company(
        "Enköping Trä AB",
        municipality="0381",
        employee_band="10-19",
        target_markets=["DE"],
        sni_code_id="16111",
    )
    response = signed_in.get("/en/companies/", params)
    names = {c.name for c in response.context["page"].object_list}
    assert names == expected


def test_list_search_by_org_number(signed_in, make_company):
    company = make_company("Uppsala Precision AB")
    response = signed_in.get("/en/companies/", {"q": company.org_number_display[:8]})
    assert [c.name for c in response.context["page"].object_list] == ["Uppsala Precision AB"]


@pytest.mark.parametrize(
    "params",
    [
        {"municipality": "9999"},
        {"county": "<script>"},
        {"sort": "drop table"},
        {"q": "x" * 5000},
        {"page": "-3"},
        {"page": "abc"},
    ],
)
def test_list_answers_bad_filters_without_an_error(signed_in, params):
    response = signed_in.get("/en/companies/", params)
    assert response.status_code == 200


def test_list_query_count_does_not_grow_with_rows(signed_in, make_company, organisation):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get("/en/companies/").status_code == 200
        return len(queries)

    for n in range(3):
        make_company(
            f"Small {n} AB", sni_code_id="16111", turnover_class_id=3, responsible_organisation=organisation
        )
    count_queries()  # the first view caches the filters' <option>s
    few = count_queries()
    for n in range(3, 25):
        make_company(
            f"Small {n} AB", sni_code_id="16111", turnover_class_id=3, responsible_organisation=organisation
        )
    assert count_queries() == few
    assert few <= 9  # 8, and the menu's count of referrals waiting for the organisation


# A <select>'s choices read from the database: two or more columns of a reference table, from that table
# (on PostgreSQL through a server-side cursor).
CHOICE_QUERY = re.compile(
    r'(?:^|FOR )SELECT "(companies_county|companies_municipality|companies_snisection|companies_snicode|'
    r'companies_turnoverclass|advisors_organisation)"\."\w+", "\1"\.'
)


def choice_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries if CHOICE_QUERY.search(query["sql"])]


@pytest.mark.parametrize(
    "url",
    [
        "/en/companies/",
        "/en/companies/?q=Uppsala&county=03&municipality=0380&sni_section=C&target_market=DE",
        "/en/companies/new/",
    ],
)
def test_pages_read_no_reference_data_once_their_lists_are_cached(signed_in, make_company, organisation, url):
    """The filters' and the company form's ~600–1,600 <option>s come from the cache (issue 16); a filter
    given a value still checks it against the database."""
    make_company("Uppsala Precision AB", responsible_organisation=organisation)
    assert choice_queries(signed_in, url)  # the first view fills the cache
    again = choice_queries(signed_in, url)
    validated = {
        "county": "companies_county",
        "municipality": "companies_municipality",
        "sni_section": "companies_snisection",
    }
    expected = {table for name, table in validated.items() if f"{name}=" in url}
    assert {CHOICE_QUERY.search(sql).group(1) for sql in again} == expected


def test_the_edit_page_reads_no_reference_data_once_cached(signed_in, make_company, organisation):
    company = make_company("Uppsala Precision AB", sni_code_id="16111", responsible_organisation=organisation)
    url = f"/en/companies/{company.public_id}/edit/"
    choice_queries(signed_in, url)
    assert choice_queries(signed_in, url) == []
    page = signed_in.get(url).content.decode()
    assert '<option value="16111" selected>' in page
    assert '<option value="0380" selected>Uppsala</option>' in page
    assert f'<option value="{organisation.pk}" selected>' in page


def test_register_a_company(signed_in, advisor):
    response = signed_in.post("/en/companies/new/", form_data(org_number=" 16556677-8899 "))
    company = Company.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/companies/{company.public_id}/"
    assert (company.org_number, company.legal_form, company.created_by) == (
        "5566778899",
        "limited_company",
        advisor,
    )


def test_register_shows_errors_next_to_the_field(signed_in):
    response = signed_in.post(
        "/en/companies/new/", form_data(org_number="556677-8898", name="x" * 201, municipality="9999")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_org_number_error"' in html and "check digit" in html
    assert 'id="id_municipality_error"' in html
    assert 'id="id_name_error"' in html
    assert not Company.objects.exists()


def test_register_an_existing_number_links_to_the_company(signed_in, make_company):
    existing = make_company("Uppsala Precision AB", number="556677-8899")
    response = signed_in.post("/en/companies/new/", form_data(name="Something Else AB", confirm_new="1"))
    html = response.content.decode()
    assert "already registered" in html
    assert f"/en/companies/{existing.public_id}/" in html
    assert Company.objects.count() == 1


def test_a_similar_name_asks_did_you_mean_before_saving(signed_in, make_company):
    make_company("Knivsta Konsult AB", number=org_number(5))
    response = signed_in.post("/en/companies/new/", form_data(name="Knivsta Konsult"))
    assert response.status_code == 200
    assert "Did you mean" in response.content.decode()
    assert Company.objects.count() == 1
    confirmed = signed_in.post("/en/companies/new/", form_data(name="Knivsta Konsult", confirm_new="1"))
    assert confirmed.status_code == 302
    assert Company.objects.count() == 2


def test_similar_names_partial_for_htmx(signed_in, make_company):
    make_company("Knivsta Konsult AB")
    response = signed_in.get("/en/companies/similar/", {"name": "Knivsta Konsult"}, HTTP_HX_REQUEST="true")
    assert "Knivsta Konsult AB" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_detail_shows_contacts_and_timeline(signed_in, make_company):
    company = make_company()
    html = signed_in.get(f"/en/companies/{company.public_id}/").content.decode()
    assert company.name in html
    assert "Registered" in html  # the timeline


def test_unknown_or_foreign_companies_are_404(signed_in, make_company):
    far = make_company("Gävle Stål AB", municipality="2180")
    assert signed_in.get(f"/en/companies/{far.public_id}/").status_code == 404
    assert signed_in.get("/en/companies/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert signed_in.get("/en/companies/123/").status_code == 404


def test_edit_with_a_stale_version_is_refused(signed_in, make_company, advisor):
    company = make_company()
    services.update_company(
        company=company, by=advisor, data={"name": "Changed Meanwhile AB"}, expected_version=1
    )
    response = signed_in.post(
        f"/en/companies/{company.public_id}/edit/",
        form_data(org_number=company.org_number, name="My Edit AB", municipality="0380", version="1"),
    )
    assert response.status_code == 200
    assert "changed since you opened it" in response.content.decode()
    company.refresh_from_db()
    assert company.name == "Changed Meanwhile AB"


def test_edit_saves_and_records_the_change(signed_in, make_company):
    company = make_company()
    response = signed_in.post(
        f"/en/companies/{company.public_id}/edit/",
        form_data(org_number=company.org_number, name="Renamed AB", municipality="0380", version="1"),
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.name == "Renamed AB"
    assert company.events.filter(kind=CompanyEvent.Kind.UPDATED).exists()


def test_add_a_contact_with_a_normalised_phone(signed_in, make_company):
    company = make_company()
    response = signed_in.post(
        f"/en/companies/{company.public_id}/contacts/new/",
        {
            "name": "Karin Berg",
            "email": "karin@precision.example",
            "phone": "070-123 45 67",
            "preferred_language": "sv",
            "legal_basis": "legitimate_interest",
        },
    )
    assert response.status_code == 302
    contact = company.contacts.get()
    assert (contact.phone, contact.is_primary, contact.source) == ("+46701234567", True, "advisor")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"phone": "12"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"legal_basis": "consent"}, "consent_given_on"),
        ({"name": "n" * 201}, "name"),
    ],
)
def test_contact_errors_are_shown_at_the_field(signed_in, make_company, data, field):
    company = make_company()
    payload = {"name": "Karin", "preferred_language": "sv", "legal_basis": "legitimate_interest", **data}
    response = signed_in.post(f"/en/companies/{company.public_id}/contacts/new/", payload)
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not company.contacts.exists()


def test_merge_is_for_regional_staff(client, make_company, uppsala, organisation):
    survivor, duplicate = make_company("Survivor AB"), make_company("Duplicate AB")
    advisor = UserFactory(organisation=organisation)
    client.force_login(advisor)
    assert client.get(f"/en/companies/{survivor.public_id}/merge/").status_code == 403
    assert client.post(f"/en/companies/{survivor.public_id}/merge/{duplicate.public_id}/").status_code == 403
    staff = UserFactory(organisation=organisation, role=User.Role.REGIONAL_STAFF)
    client.force_login(staff)
    search = client.get(f"/en/companies/{survivor.public_id}/merge/", {"q": "Duplicate"})
    assert "Duplicate AB" in search.content.decode()
    response = client.post(f"/en/companies/{survivor.public_id}/merge/{duplicate.public_id}/")
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor


def test_filters_post_and_redirect_to_a_shareable_url(signed_in, make_company):
    make_company("Uppsala Precision AB")
    response = signed_in.post("/en/companies/", {"q": "precision", "municipality": "0380"})
    assert response.status_code == 302
    assert response["Location"] == "/en/companies/?q=precision&municipality=0380"


def test_a_personal_number_searched_for_never_appears_in_a_url(signed_in, make_company):
    make_company("Karins Keramik", number="880320-0016")
    response = signed_in.post("/en/companies/", {"q": "19880320-0016"})
    location = response["Location"]
    assert "880320" not in location
    assert location.startswith("/en/companies/?search=")
    page = signed_in.get(location)
    assert [c.name for c in page.context["page"].object_list] == ["Karins Keramik"]
    links = re.findall(r'href="([^"]*)"', page.content.decode())
    assert links and not [link for link in links if "880320" in link]  # the page's own links keep the key
    export = signed_in.get(location.replace("/en/companies/", "/en/companies/export.csv"))
    assert "Karins Keramik" in b"".join(export.streaming_content).decode("utf-8-sig")


def test_a_name_search_is_ranked_and_paged_from_one_match(signed_in, make_company, is_postgres):
    """PostgreSQL: the best matches first; the match is made once per page (the ids in order), not once
    to count and again for the page."""
    if not is_postgres:
        pytest.skip("SQLite has no similarity ranking")
    for n in range(30):
        make_company(f"Lindnäs Konsult {n:02d} AB")
    make_company("Lindnäs AB")
    make_company("Lindberg Trä AB")
    with CaptureQueriesContext(connection) as queries:
        first = signed_in.get("/en/companies/?q=Lindnäs").content.decode()
    assert not [
        query for query in queries if query["sql"].startswith('SELECT COUNT(*) FROM (SELECT "companies_')
    ]
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', first)
    assert names[:2] == ["Lindnäs AB", "Lindnäs Konsult 00 AB"]
    assert len(names) == 25
    second = signed_in.get("/en/companies/?q=Lindnäs&page=2").content.decode()
    more = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', second)
    assert not set(names) & set(more)
    assert "Lindnäs Konsult 29 AB" in more
    matched = len(names) + len(more)
    assert f"{matched} companies" in first
    by_name = signed_in.get("/en/companies/?q=Lindnäs&sort=-name").content.decode()
    assert re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', by_name)[0] == "Lindnäs Konsult 29 AB"


def test_the_scope_said_again_for_a_name_search_is_the_same_scope(
    make_company, advisor, other_region, is_postgres
):
    """visible_companies(name_search=...) writes the user's counties as municipality code prefixes (so that
    PostgreSQL reads each county's name index); the companies are the same."""
    from companies import selectors

    other_region.counties.add("01")
    make_company("Uppsala Precision AB")  # county 03, the advisor's
    make_company("Knivsta Konsult AB", municipality="0330")
    make_company("Stockholm Export AB", municipality="0180")  # county 01, another region's
    plain = set(selectors.visible_companies(advisor).values_list("name", flat=True))
    hinted = set(selectors.visible_companies(advisor, name_search="Konsult").values_list("name", flat=True))
    assert plain == hinted == {"Uppsala Precision AB", "Knivsta Konsult AB"}
    if is_postgres:  # a misspelt name is found by trigram similarity, within the same scope
        found = selectors.search(selectors.visible_companies(advisor, name_search="Konslut"), "Konslut")
        assert [company.name for company in found] == ["Knivsta Konsult AB"]
    superuser = UserFactory(is_superuser=True, organisation=None)
    everything = set(selectors.visible_companies(superuser, name_search="AB").values_list("name", flat=True))
    assert "Stockholm Export AB" in everything


def test_a_name_search_reads_the_name_index_of_the_users_county_only(make_company, advisor, is_postgres):
    """Migration 0016: a partial trigram index per county. A regional user's name search is written on the
    company's own column (no join to the municipalities), in the terms of its county's index, so that
    PostgreSQL can read that index instead of the whole country's."""
    from companies import selectors

    if not is_postgres:
        pytest.skip("SQLite has no trigram indexes")
    make_company("Knivsta Konsult AB", municipality="0330")
    found = selectors.search(selectors.visible_companies(advisor, name_search="Konslut"), "Konslut")
    sql, params = found.values("pk").query.sql_with_params()
    assert "companies_municipality" not in sql
    with connection.cursor() as cursor:
        # A test's table is read whole at any price: leave the planner the county's name index and the
        # text search's, and nothing else (the test's transaction takes the drops back).
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'companies_company' "
            "AND indexname NOT IN ('company_name_trgm_03', 'company_name_fts') "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on company_name_trgm_03" in plan, plan  # the advisor's region: county 03
    assert "Seq Scan" not in plan, plan
    assert [company.name for company in found] == ["Knivsta Konsult AB"]


def test_every_county_has_its_name_index():
    """The migration's counties are those of the reference data (a county without an index would be
    searched through the national index: right, but slower)."""
    import csv
    from importlib import import_module

    from django.conf import settings

    migration = import_module("companies.migrations.0016_county_name_indexes")
    with open(settings.BASE_DIR / "reference" / "data" / "counties.csv", encoding="utf-8") as data:
        counties = [row["code"] for row in csv.DictReader(data)]
    assert counties == migration.COUNTY_CODES


COMPANY_PAGE_QUERIES = 15  # issue 16: at most 15 per page, whatever the company holds


def test_the_company_page_keeps_its_query_budget(signed_in, make_company):
    """The page and every panel (requests, outreach, outcomes, aid, privacy) read the contacts once, and
    the municipality's county with the company."""
    from tests.factories import ContactFactory

    company = make_company("Uppsala Precision AB")
    url = f"/en/companies/{company.public_id}/"

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get(url).status_code == 200
        return [query["sql"] for query in queries]

    ContactFactory(company=company, name="Karin Berg")
    count_queries()
    few = count_queries()
    for n in range(5):
        ContactFactory(company=company, name=f"Person {n}")
    many = count_queries()
    assert len(many) == len(few) <= COMPANY_PAGE_QUERIES, many
    assert sum('FROM "companies_contact"' in sql for sql in many) == 1
    assert not any('FROM "companies_county"' in sql for sql in many)
    # The query that reads the company asks every panel's probes too; the company has no requests,
    # outreach, outcomes or aid, so no panel reads more (before, the outreach and aid panels probed apart
    # and the outcomes were read; then one query of its own asked the probes).
    company_reads = [sql for sql in many if re.match(r'SELECT "companies_company"\."id"', sql)]
    assert len(company_reads) == 1 and "panel_probe_" in company_reads[0], company_reads
    assert not re.search(
        r"ORDER BY [^()]* LIMIT \d+$", company_reads[0]
    )  # one row, no sort (exportcenter.unique)
    assert not [sql for sql in many if sql.startswith("SELECT EXISTS(")]
    panel_read = re.compile(
        r'SELECT (?:(?!FROM).)* FROM "(referrals_advicerequest|outreach_\w+|effects_\w+|projects_\w+)"'
    )
    assert not [sql for sql in many if panel_read.match(sql) and sql not in company_reads]
