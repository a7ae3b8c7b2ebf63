"""Rows made once per process and copied back (tests/snapshots.py): the browser journeys' demo data."""

import uuid

import pytest
from django.core.management import call_command

from advisors.models import Organisation, Region
from tests.factories import OrganisationFactory, RegionFactory
from tests.snapshots import rows_made_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def flush():
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("the rows are copied with PostgreSQL's COPY; on SQLite build() always runs")


def test_the_rows_are_built_once_and_copied_back_with_the_same_ids():
    flush()
    key, calls = f"test-{uuid.uuid4()}", []

    def build():
        calls.append(1)
        organisation = OrganisationFactory(name="Kopierad AB", regions=[RegionFactory(name="Kopierad")])
        return {"organisation": organisation.pk}

    first = rows_made_once(key, build)
    rows = list(Organisation.objects.values_list("pk", "name", "regions__name"))
    flush()
    assert not Organisation.objects.exists()

    second = rows_made_once(key, build)

    assert calls == [1]
    assert second == first and second is not first
    assert list(Organisation.objects.values_list("pk", "name", "regions__name")) == rows


def test_in_another_state_the_rows_are_built_again():
    flush()
    key, calls = f"test-{uuid.uuid4()}", []

    def build():
        calls.append(1)
        return RegionFactory(name=f"Region {len(calls)}").pk

    rows_made_once(key, build)
    flush()
    OrganisationFactory(name="Already here")  # not the state the rows were built on

    rows_made_once(key, build)

    assert calls == [1, 1]
    assert Region.objects.get(name="Region 2") and Organisation.objects.filter(name="Already here").exists()
