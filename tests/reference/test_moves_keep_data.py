"""Moving the reference data to `reference` and the service catalogue to `referrals` keeps every row: a
database holding data at the migrations of a4a94b1 (`moves.BEFORE`) is migrated to the head with Django's
MigrationExecutor, on PostgreSQL in this process and on SQLite in a subprocess; row counts, foreign keys,
many-to-many links (a region's counties, a service's needs) and admin log entries come out the same."""

import json
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.exportcenter.test_embedded_celery import environment
from tests.reference import moves


def assert_nothing_lost(result: dict) -> None:
    before, after = result["before"], result["after"]
    assert after["counts"] == before["counts"]
    # The rows written through the old models are among them, with their links.
    assert before["counts"]["companies_company"] >= 4
    assert before["counts"]["advisors_service_needs"] >= 3
    assert before["counts"]["companies_municipality"] == 290
    assert after["companies"] == before["companies"]
    assert after["municipalities"] == before["municipalities"]
    assert after["sni_codes"] == before["sni_codes"]
    assert after["region_counties"] == before["region_counties"]
    assert ["flyttlan", ["03", "21"]] in after["region_counties"]
    assert after["services"] == before["services"]
    loan = next(row for row in after["services"] if row[0] == result["written"]["loan"])
    assert loan[2:8] == ["Exportlån", ["10-19", "20-49"], [3, 4], ["C"], True, 3]
    assert loan[8] is not None  # updated by the lead
    assert loan[9] == ["flytt-finance", "flytt-markets"]
    # The admin's history of a moved object follows it to its new app.
    assert result["log_entries"] == {
        "companies.county": "reference.county",
        "advisors.service": "referrals.service",
    }


@pytest.fixture
def at_the_head_afterwards(transactional_db):
    yield
    call_command("migrate", verbosity=0)  # leave the database at the head for the next tests


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQLite run is the subprocess test")
def test_the_moves_keep_every_row_on_postgresql(at_the_head_afterwards):
    result = moves.run()

    assert_nothing_lost(result)
    # Today's code reads the moved rows: a company's place and size, the routing's service lookup.
    from companies.models import Company
    from referrals.models import NeedCategory, Service

    company = Company.objects.select_related("municipality__county", "turnover_class").get(
        name="Flyttföretag 0 AB"
    )
    assert (company.municipality.county.code, company.turnover_class.code, company.employee_band) == (
        "03",
        3,
        "10-19",
    )
    finance = NeedCategory.objects.get(slug="flytt-finance")
    assert set(Service.objects.covering(finance).values_list("name_sv", flat=True)) == {
        "Exportlån",
        "Exportkreditgaranti",
    }


def test_the_moves_keep_every_row_on_sqlite(migrated_sqlite, tmp_path):
    """A SQLite database of `make run`'s embedded setup, migrated from empty (the session's copy), loaded,
    down to BEFORE and up again."""
    shutil.copyfile(migrated_sqlite, tmp_path / "db.sqlite3")
    env = environment(tmp_path) | {"DJANGO_SETTINGS_MODULE": "exportcenter.settings"}
    out = subprocess.run(
        [sys.executable, "-m", "tests.reference.moves"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]

    assert_nothing_lost(json.loads(out.stdout))
