"""The flush that ends a transactional test (tests/flush.py) deletes the rows of the tables that have any,
keeps the reference data, content types and permissions, and truncates a table whose trigger refuses
DELETE together with the tables that reference it."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection

from advisors.models import Organisation, Region
from reference.models import County
from tests.factories import OrganisationFactory, RegionFactory
from tests.flush import sql_flush

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("the DELETE flush is for PostgreSQL; SQLite keeps Django's own")


def delete(model) -> str:
    return f'DELETE FROM "{model._meta.db_table}"'  # noqa: S608 - a model's table


def run(statements):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def test_only_the_tables_with_rows_are_deleted_and_the_kept_ones_stay():
    run(sql_flush(no_style(), connection, reset_sequences=False))  # rows the migrations made, if any
    region = RegionFactory()
    counties, content_types, permissions = (
        County.objects.count(),
        ContentType.objects.count(),
        Permission.objects.count(),
    )
    assert counties and content_types and permissions

    statements = sql_flush(no_style(), connection, reset_sequences=False)

    assert statements == [delete(Region)]
    run(statements)
    assert not Region.objects.filter(pk=region.pk).exists()
    assert County.objects.count() == counties
    assert ContentType.objects.count() == content_types
    assert Permission.objects.count() == permissions


def test_nothing_to_flush_is_no_statement():
    run(sql_flush(no_style(), connection, reset_sequences=False))
    assert sql_flush(no_style(), connection, reset_sequences=False) == []


def test_a_table_guarded_by_a_delete_trigger_is_truncated_with_every_table_that_references_it():
    run(sql_flush(no_style(), connection, reset_sequences=False))
    organisation = OrganisationFactory()
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute(
            "CREATE FUNCTION test_refuse_delete() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'append-only'; "
            "END; $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f'CREATE TRIGGER test_refuse_delete BEFORE DELETE ON "{Organisation._meta.db_table}" '
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_delete()"
        )

    statements = sql_flush(no_style(), connection, reset_sequences=False)

    truncate = [statement for statement in statements if statement.startswith("TRUNCATE")]
    assert len(truncate) == 1
    truncated = {name.strip('" ') for name in truncate[0].removeprefix("TRUNCATE ").split(",")}
    assert Organisation._meta.db_table in truncated
    assert "advisors_user" in truncated  # a person references an organisation
    assert delete(Organisation) not in statements
    run(statements)
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert County.objects.exists()


def test_resetting_sequences_is_djangos_own_flush():
    RegionFactory()
    statements = sql_flush(no_style(), connection, reset_sequences=True)
    assert (
        len(statements) == 1 and statements[0].startswith("TRUNCATE") and "RESTART IDENTITY" in statements[0]
    )
    assert County._meta.db_table not in statements[0]
