"""`in_subquery` (exportcenter/lookups.py): the rows of `in`, written for PostgreSQL's planner."""

import pytest
from django.db import connection

from advisors.models import Organisation
from tests.factories import OrganisationFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_in_subquery_gives_the_rows_of_in_also_under_an_or():
    north, south = RegionFactory(slug="north"), RegionFactory(slug="south")
    a = OrganisationFactory(slug="a", regions=[north])
    b = OrganisationFactory(slug="b", regions=[south])
    c = OrganisationFactory(slug="c", regions=[])
    northern = Organisation.objects.filter(regions=north).values("pk")
    for rule in ("in", "in_subquery"):
        rows = Organisation.objects.filter(**{f"pk__{rule}": northern})
        assert set(rows) == {a}, rule
        either = Organisation.objects.filter(**{f"pk__{rule}": northern}) | Organisation.objects.filter(
            pk=c.pk
        )
        assert set(either) == {a, c}, rule
        assert set(Organisation.objects.exclude(**{f"pk__{rule}": northern})) == {b, c}, rule
    # A relation too, and a list (as `in`).
    assert set(Organisation.objects.filter(regions__in_subquery=[north.pk, south.pk])) == {a, b}


def test_on_postgresql_it_is_an_array_the_planner_reads_once():
    sql = str(Organisation.objects.filter(pk__in_subquery=Organisation.objects.values("pk")).query)
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql
    else:
        assert " IN (SELECT" in sql
