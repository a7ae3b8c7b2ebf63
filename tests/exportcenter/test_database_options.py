"""The PostgreSQL session settings the portal relies on reach every connection."""

import pytest
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db
def test_connections_get_the_portals_settings_and_keep_pgoptions(is_postgres):
    if not is_postgres:
        pytest.skip("PostgreSQL's session settings")
    with connection.cursor() as cursor:
        shown = {}
        for name in ("jit", "pg_trgm.word_similarity_threshold", "synchronous_commit", "work_mem"):
            cursor.execute(f"SHOW {name}")
            shown[name] = cursor.fetchone()[0]
    # synchronous_commit=off comes from PGOPTIONS (tests/conftest.py): an explicit `options` would drop it.
    assert shown == {
        "jit": "off",
        "pg_trgm.word_similarity_threshold": "0.45",
        "synchronous_commit": "off",
        "work_mem": "32MB",
    }
