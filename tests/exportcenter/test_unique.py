"""`exportcenter.unique.one_or_none`: a row by a unique key, read without first()'s sort."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advisors.models import Region
from exportcenter.unique import one_or_none
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def test_the_row_none_or_an_error_for_a_key_that_is_not_unique():
    uppsala = RegionFactory(name="Exportcenter Uppsala", slug="uppsala")
    RegionFactory(name="Exportcenter Gävleborg", slug="gavleborg")
    assert one_or_none(Region.objects.filter(slug="uppsala")) == uppsala
    assert one_or_none(Region.objects.filter(slug="nowhere")) is None
    with pytest.raises(Region.MultipleObjectsReturned):
        one_or_none(Region.objects.filter(slug__in=["uppsala", "gavleborg"]))


def test_the_row_is_read_without_a_sort_where_first_sorts():
    RegionFactory(name="Exportcenter Uppsala", slug="uppsala")
    regions = Region.objects.select_related("operator").filter(slug="uppsala")
    with CaptureQueriesContext(connection) as queries:
        regions.first()
        one_or_none(regions)
    first, unique = (query["sql"] for query in queries.captured_queries)
    assert re.search(r"ORDER BY [^()]* LIMIT 1$", first)  # what first() did: the sort this spares
    assert "ORDER BY" not in unique


def test_the_signed_in_user_is_read_by_key_without_a_sort(client):
    """Every signed-in request reads its user (advisors.backends.AdvisorBackend.get_user)."""
    from tests.factories import OrganisationFactory, UserFactory

    region = RegionFactory(name="Exportcenter Uppsala", slug="uppsala")
    user = UserFactory(email="anna@almi.example", organisation=OrganisationFactory(regions=[region]))
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/advisor/").status_code in (200, 302)
    (read,) = (
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "advisors_user"."id"')
    )
    assert "ORDER BY" not in read and '"advisors_organisation"."name"' in read  # with its organisation
