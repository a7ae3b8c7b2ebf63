"""PostgreSQL-only: a partial trigram index on the company name for each county (issue 16).

A name search by someone of a region reads the trigram index for the region's counties only
(`CompanyPolicy.combinable_filter`: `municipality_id LIKE '<county>%'`, the same condition as each
index's), not the whole country's: at 1,000,000 companies a misspelt name's index scan took 33 ms over
the national index (54,000 candidates) and 2.5 ms over its county's. The national index (0004) stays for
national searches.

Built concurrently (the migration is not atomic), so that the register stays writable while a large
table is indexed. The counties are Sweden's 21 (reference/data/counties.csv; a test keeps the two alike);
a county without an index here is still searched, through the national index.
"""

from django.db import migrations

COUNTY_CODES = [
    "01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13",
    "14", "17", "18", "19", "20", "21", "22", "23", "24", "25",
]  # fmt: skip


def index_name(county: str) -> str:
    return f"company_name_trgm_{county}"


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for county in COUNTY_CODES:
        schema_editor.execute(  # `%%`: the driver formats the statement
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {index_name(county)} ON companies_company "
            f"USING gin (name gin_trgm_ops) WHERE municipality_id LIKE '{county}%%'"
        )


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for county in COUNTY_CODES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index_name(county)}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("companies", "0015_dashboard_indexes")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
