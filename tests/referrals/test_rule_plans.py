"""The requests an organisation sees by its referrals are read from indexes alone (issue 16): one subquery
per condition of the view rule (advisors/access/requests.py), each served by an index that holds the
request. As one subquery of ORed conditions, PostgreSQL read an organisation's 5,000 referrals through the
table (4.7 ms of a 7 ms page at 2,000,000 requests). On the test's tiny tables the planner's choice says
nothing, so the test turns sequential and bitmap scans off and leaves the referrals only the indexes made
for the rule (dropped inside the test's transaction, which rolls back)."""

import pytest
from django.db import connection

from advisors import access
from referrals.models import AdviceRequest

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

KEPT = ("referral_to_request_idx", "referral_from_request_idx")


@pytest.mark.parametrize("combinable", [False, True], ids=["page", "count"])
def test_the_referral_conditions_are_read_from_their_indexes_alone(advisor, is_postgres, combinable):
    if not is_postgres:
        pytest.skip("PostgreSQL's plans")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(
            """
            SELECT i.relname FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = 'referrals_referral' AND NOT (i.relname = ANY(%s))
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """,
            [list(KEPT)],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        sql, params = (
            access.visible(advisor, AdviceRequest.objects.all(), combinable=combinable)
            .order_by("-created_at")
            .values("pk")[:25]
            .query.sql_with_params()
        )
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in KEPT:
        assert f"Index Only Scan using {index} on referrals_referral" in plan, plan
