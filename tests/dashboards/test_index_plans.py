"""Queries that national scale needs answered from one index (issue 16). On the test's tiny tables the
planner's choice among indexes says nothing, so each test leaves its table only the index made for the
query (the others are dropped inside the test's transaction, which rolls back) and turns sequential and
bitmap scans off: PostgreSQL must then plan a scan of that index, reading no table rows where the index holds
every column the query uses. A changed query that its index no longer covers (COUNT(id) for COUNT(*), a
column the index does not hold) fails here, not in the next benchmark at a million companies."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import goals, official_statistics, selectors
from dashboards.selectors import Filters, Period, Scope

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def planner(is_postgres, dash):
    if not is_postgres:
        pytest.skip("PostgreSQL's plans")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    return dash


def only_index(table: str, kept: str) -> None:
    """Drop every other index of `table` that no constraint owns (inside the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = %s AND i.relname <> %s
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """,
            [table, kept],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')


def plan_of(call, marker: str, *, start: str = "") -> str:
    """The plan of the one query `call` sends whose SQL holds `marker` (and starts with `start`)."""
    with CaptureQueriesContext(connection) as queries:
        call()
    (sql,) = [q["sql"] for q in queries if marker in q["sql"] and q["sql"].startswith(start)]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_workload_is_read_from_the_open_requests_index(planner):
    only_index("referrals_advicerequest", "request_open_region_idx")
    plan = plan_of(lambda: selectors.workload(Scope(planner.region), Filters()), "GROUP BY")
    assert "Index Only Scan using request_open_region_idx" in plan, plan


def test_the_median_first_response_is_read_from_the_regions_index(planner):
    only_index("referrals_advicerequest", "request_region_recent_idx")
    plan = plan_of(lambda: selectors.speed(Scope(planner.region), YEAR, Filters()), "PERCENTILE_CONT")
    assert "Index Only Scan using request_region_recent_idx" in plan, plan


def test_the_companies_reached_are_read_from_the_regions_index(planner):
    only_index("referrals_advicerequest", "request_region_recent_idx")
    plan = plan_of(
        lambda: selectors.companies_reached(Scope(planner.region), YEAR, Filters()), "UNION", start="(SELECT"
    )
    assert "Index Only Scan using request_region_recent_idx" in plan, plan
    assert "Seq Scan" not in plan


def test_the_newly_international_companies_are_found_by_their_own_index(planner):
    only_index("companies_company", "company_international_idx")
    plan = plan_of(lambda: goals.newly_international(planner.region, YEAR, Filters()).count(), "COUNT(*)")
    assert "company_international_idx" in plan, plan


def test_the_exporting_smes_of_official_statistics_are_read_from_their_index(planner):
    only_index("companies_company", "company_exporting_idx")
    plan = plan_of(lambda: official_statistics._portal_smes(["03"], 2026), '"companies_company"')
    assert "Index Only Scan using company_exporting_idx" in plan, plan
