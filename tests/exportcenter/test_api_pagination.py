"""API lists count up to API_COUNT_CAP and keep every page reachable past it (issue 16)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from exportcenter.api.pagination import BoundedPageNumberPagination
from tests.factories import CompanyFactory

COMPANIES = "/api/v1/companies/"


@pytest.fixture
def api(reference_data, region, advisor, monkeypatch, settings):
    region.counties.add("03")
    settings.API_COUNT_CAP = 3
    monkeypatch.setattr(BoundedPageNumberPagination, "page_size", 2)
    client = APIClient()
    client.force_authenticate(advisor)
    return client


def companies(n):
    return [CompanyFactory(name=f"Företag {i:02d} AB") for i in range(n)]


def names(response):
    return [row["name"] for row in response.json()["results"]]


def test_below_the_cap_the_count_is_exact_and_the_pages_end(api):
    companies(3)
    first = api.get(COMPANIES).json()
    assert (first["count"], first["count_is_capped"]) == (3, False)
    last = api.get(COMPANIES, {"page": 2}).json()
    assert len(last["results"]) == 1 and last["next"] is None and last["previous"]
    assert api.get(COMPANIES, {"page": 3}).status_code == 404
    assert api.get(COMPANIES, {"page": "last"}).status_code == 404  # refused: unknown once capped


def test_past_the_cap_the_count_stops_and_every_page_is_still_reachable(api):
    made = companies(7)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(COMPANIES)
    body = response.json()
    assert (body["count"], body["count_is_capped"]) == (3, True)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 4" in sql for sql in counts), counts  # never a count of every row

    seen = names(response)
    page, link = 1, body["next"]
    while link:
        page += 1
        body = api.get(COMPANIES, {"page": page}).json()
        assert body["count_is_capped"] is True
        seen += [row["name"] for row in body["results"]]
        link = body["next"]
    assert page == 4
    assert seen == sorted(company.name for company in made)
    assert api.get(COMPANIES, {"page": 5}).status_code == 404
    assert api.get(COMPANIES, {"page": 0}).status_code == 404
    assert api.get(COMPANIES, {"page": "x"}).status_code == 404


def test_the_schema_documents_the_capped_count():
    schema = BoundedPageNumberPagination().get_paginated_response_schema({"type": "array"})
    assert schema["required"] == ["count", "count_is_capped", "results"]
    assert schema["properties"]["count_is_capped"]["type"] == "boolean"
    assert list(schema["properties"]) == ["count", "count_is_capped", "next", "previous", "results"]


def count_queries(queries) -> int:
    return sum("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


@pytest.fixture
def cached_counts(settings):
    from django.core.cache import cache

    settings.API_COUNT_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def test_the_count_is_kept_for_the_next_pages_and_the_rows_stay_fresh(api, cached_counts):
    companies(2)
    with CaptureQueriesContext(connection) as first:
        body = api.get(COMPANIES).json()
    assert (body["count"], count_queries(first)) == (2, 1)

    CompanyFactory(name="Företag 99 AB")  # a new row: the list shows it at once, the count catches up later
    with CaptureQueriesContext(connection) as again:
        body = api.get(COMPANIES, {"page": 2}).json()
    assert count_queries(again) == 0
    assert body["count"] == 2  # as counted a moment ago...
    assert [row["name"] for row in body["results"]] == ["Företag 99 AB"]  # ...but the page beyond it is there
    assert body["next"] is None and body["previous"]


def test_a_cached_count_is_per_reader_and_per_filter(api, cached_counts, region):
    from tests.factories import OrganisationFactory, RegionFactory, UserFactory

    one = companies(3)[1]
    assert api.get(COMPANIES).json()["count"] == 3
    with CaptureQueriesContext(connection) as filtered:
        body = api.get(COMPANIES, {"q": one.org_number}).json()
    assert (body["count"], count_queries(filtered)) == (
        1,
        1,
    )  # another query: counted, not taken from the cache

    elsewhere = RegionFactory(slug="gavleborg")
    elsewhere.counties.add("21")
    stranger = UserFactory(organisation=OrganisationFactory(slug="almi-gavleborg", regions=[elsewhere]))
    client = APIClient()
    client.force_authenticate(stranger)
    with CaptureQueriesContext(connection) as theirs:
        body = client.get(COMPANIES).json()
    assert (body["count"], body["results"], count_queries(theirs)) == (
        0,
        [],
        1,
    )  # never another reader's count


def test_a_list_that_can_match_nothing_is_counted_without_the_cache(cached_counts, advisor):
    from companies.models import Company
    from exportcenter.api.pagination import BoundedPaginator

    paginator = BoundedPaginator(Company.objects.none(), 2)  # its SQL cannot be written: no key, no 500
    assert (paginator.count, paginator.count_is_cached) == (0, False)
    assert list(paginator.page(1)) == []


@pytest.mark.parametrize("query", [{"region": "no-such-region"}, {"kind": "no-such-kind"}, {"year": "1e400"}])
def test_a_filter_that_matches_nothing_is_no_server_error(api, cached_counts, query):
    assert api.get("/api/v1/goals/", query).status_code < 500


def test_a_page_number_past_any_table_is_a_404_with_a_cached_count(api, cached_counts):
    companies(3)
    assert api.get(COMPANIES).status_code == 200  # the count is now in the cache
    assert api.get(COMPANIES, {"page": "2149052581979072222986240"}).status_code == 404
