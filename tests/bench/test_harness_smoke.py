"""The pages benchmark (bench/pages.py) still runs: a smoke run (--smoke, a request per client) on tiny data.

The harness runs as it would by hand (a subprocess: gunicorn with DEBUG off, `hey`), against a database of
its own copied from this worker's test database (migrated, reference data loaded) and seeded with
seed_demo, on a free port. It asserts that every endpoint answered as expected (200, the form's POST 302)
at both concurrency levels, that the JSON report has its fields, and that no worker timed out.
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection, connections
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[2]
ENDPOINTS = {
    "floor",
    "landing",
    "request form GET",
    "request form POST",
    "status page",
    "inbox default",
    "inbox filtered",
    "inbox text search",
    "request page",
    "company search org number",
    "company search name prefix",
    "company search misspelt",
    "company page",
    "dashboard staff",
    "dashboard lead",
    "dashboard advisor",
    "api companies",
    "api requests",
    "national figures",
    "api stats national",
    # EU-funded projects and official statistics (issue 19).
    "project list",
    "project page",
    "project indicators",
    "company page with aid",
    "api projects",
    "api aid",
    "api project indicators",
    "official statistics",
    "api statistics counties",
}

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the harness measures PostgreSQL (DATABASE_URL=postgres://...)"
)


def _admin_connection():
    params = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres",
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"] or None,
        port=params["PORT"] or None,
    )
    admin.autocommit = True
    return admin


@pytest.fixture
def bench_database_url(django_db_setup, django_db_blocker):
    """A copy of this worker's test database (its own name: xdist-safe), dropped afterwards."""
    params = connection.settings_dict
    template = params["NAME"]
    name = f"{template}_bench_{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        connections.close_all()  # CREATE DATABASE ... TEMPLATE wants no session on the template
        admin = _admin_connection()
        try:
            with admin.cursor() as cursor:
                cursor.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )
            password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
            host = f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
            yield f"postgres://{params['USER']}{password}@{host}/{name}"
        finally:
            # In the background: PostgreSQL 15's DROP DATABASE waits for a checkpoint of the whole (shared,
            # busy) server, 5-15 s in which this worker can run other tests. A non-daemon thread: the process
            # waits for it before it exits.
            threading.Thread(target=_drop_database, args=(admin, name), name=f"drop {name}").start()


def _drop_database(admin, name) -> None:
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        admin.close()


# The database mark makes pytest-django set up the test database (the template of the harness's copy) when
# this test runs on its own; transactional: the harness's server must see the copy's committed rows.
@pytest.mark.django_db(transaction=True)
def test_the_harness_measures_every_endpoint(bench_database_url, tmp_path):
    if shutil.which("hey") is None:
        if os.environ.get("CI"):
            pytest.fail("`hey` is missing (.ci/run installs it)")
        pytest.skip("`hey` is not installed (apt-get install -y hey)")
    env = {**os.environ, "DATABASE_URL": bench_database_url}
    env.pop("REDIS_URL", None)  # the cache in memory, tasks queued to files: nothing reaches other tests
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "pages.py"),
            "--database-url",
            bench_database_url,
            "--redis-url",
            "",
            "--seed-demo",
            "--no-collectstatic",
            "--smoke",
            "--rounds",
            "1",
            "--concurrency",
            "1,2",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    [report_file] = tmp_path.glob("pages-*.json")
    report = json.loads(report_file.read_text())
    assert report["errors"] == {}
    assert report["worker_timeouts"] == 0
    # Every POST was a new submission (not a resend recognised as the same request).
    assert report["submissions"]["requests_made"] >= report["submissions"]["accepted_posts"] > 0
    # What the POSTs made is gone again (bench/leftovers.py), the count for its query count included: the
    # next run measures the same data.
    removed = report["submissions"]["removed"]
    assert removed["requests"] == removed["companies"] > report["submissions"]["requests_made"]
    assert removed["emails"] >= removed["requests"]  # the confirmations at least
    with psycopg2.connect(bench_database_url) as db, db.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM companies_company WHERE name = 'Benchmark Export AB'")
        assert cursor.fetchone() == (0,)
    assert len(report["worker_rss_mb"]) == 2
    assert all(mb > 0 for mb in report["worker_rss_mb"])
    assert report["concurrency_levels"] == [1, 2]
    assert set(report["query_counts"]) >= ENDPOINTS
    assert all(isinstance(count, int) for count in report["query_counts"].values())
    assert report["query_counts"]["floor"] > 0  # the signed-in user's session at least
    assert report["first_status"] == {
        name: (302 if name == "request form POST" else 200) for name in report["query_counts"]
    }
    rows = {(row["endpoint"], row["concurrency"]): row for row in report["results"]}
    for name in report["query_counts"]:
        for level in (1, 2):
            row = rows[(name, level)]
            assert row["requests"] > 0, row
            assert 0 < row["median_ms"] <= row["p95_ms"], row
            assert row["throughput_rps"] > 0, row
            assert row["ratio_to_floor"] > 0, row
            assert set(row["statuses"]) == {"302" if name == "request form POST" else "200"}, row
    assert rows[("floor", 1)]["ratio_to_floor"] == 1.0
    table = report_file.with_suffix(".md").read_text()
    assert "| floor |" in table
    assert "| dashboard advisor |" in table
