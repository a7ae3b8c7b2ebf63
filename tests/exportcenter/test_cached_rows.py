"""Reference rows read once per data version (exportcenter/cached_rows.py): the public form's checks of its
municipality and need categories, the county's export center and the mailboxes' reply addresses. No query
once cached, a change seen from its commit on (in its own transaction at once), each caller its own copy,
and the same answers when the cache is down."""

import pytest
from django import forms
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advisors.selectors import current_region, region_for_county
from exportcenter import cached_rows, widget_cache
from mailboxes.models import Mailbox
from mailboxes.reply_addresses import mailbox_address
from reference.models import Municipality
from referrals.models import AdviceRequest, NeedCategory
from referrals.need_categories import seed_need_categories
from tests.factories import OrganisationFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache(reference_data):
    seed_need_categories()
    cache.clear()
    connection._widget_cache_pending = None  # the fixtures' rows as if committed: the shared version rules
    yield
    cache.clear()


class ChoicesForm(forms.Form):
    municipality = cached_rows.CachedModelChoiceField(queryset=Municipality.objects.order_by("short_name"))
    needs = cached_rows.CachedModelMultipleChoiceField(queryset=NeedCategory.objects.filter(is_active=True))


def reads(table: str, queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if f'FROM "{table}"' in query["sql"]]


def test_once_cached_a_posted_choice_is_checked_without_a_query():
    need = NeedCategory.objects.filter(is_active=True).order_by("pk").first()
    data = {"municipality": "0380", "needs": [str(need.pk)]}
    assert ChoicesForm(data).is_valid()
    with CaptureQueriesContext(connection) as queries:
        form = ChoicesForm(data)
        assert form.is_valid(), form.errors
    assert not queries.captured_queries
    assert form.cleaned_data["municipality"].pk == "0380"
    assert form.cleaned_data["municipality"].county_id == "03"
    assert form.cleaned_data["municipality"]._state.adding is False  # as if read from the database
    assert form.cleaned_data["needs"] == [need]


def test_an_unknown_malformed_or_nul_choice_is_a_field_error():
    ChoicesForm({"municipality": "0380"}).is_valid()
    for municipality, needs in [("9999", ["1"]), ("0380", ["999999"]), ("0380", ["abc"]), ("03\x0080", [])]:
        form = ChoicesForm({"municipality": municipality, "needs": needs})
        assert not form.is_valid()
        assert set(form.errors) <= {"municipality", "needs"} and form.errors


def test_the_choices_keep_the_querysets_order():
    pks = [str(pk) for pk in NeedCategory.objects.filter(is_active=True).values_list("pk", flat=True)]
    form = ChoicesForm({"municipality": "0380", "needs": list(reversed(pks))})
    assert form.is_valid()
    assert [str(need.pk) for need in form.cleaned_data["needs"]] == pks


def test_a_choice_deactivated_since_is_refused(django_capture_on_commit_callbacks):
    need = NeedCategory.objects.filter(is_active=True).order_by("pk").first()
    assert ChoicesForm({"municipality": "0380", "needs": [str(need.pk)]}).is_valid()
    with django_capture_on_commit_callbacks(execute=True):
        need.is_active = False
        need.save()
    form = ChoicesForm({"municipality": "0380", "needs": [str(need.pk)]})
    assert not form.is_valid()
    assert "needs" in form.errors


def test_the_county_s_export_center_is_read_once_and_follows_a_change_of_its_counties():
    operator = OrganisationFactory(name="Almi Uppsala", slug="almi-rows")
    uppsala = RegionFactory(name="Exportcenter Uppsala län", slug="uppsala-rows", operator=operator)
    uppsala.counties.add("03")
    assert region_for_county("03") == uppsala
    with CaptureQueriesContext(connection) as queries:
        found = region_for_county("03")
        assert found.operator == operator  # the operator came with it
    assert not queries.captured_queries
    found.name = "Ändrad i minnet"  # each caller has its own copy
    assert region_for_county("03").name == "Exportcenter Uppsala län"
    uppsala.counties.remove("03")  # no row signal: the m2m signal gives the data a new version
    assert region_for_county("03") is None
    stockholm = RegionFactory(name="Exportcenter Stockholm", slug="stockholm-rows")
    stockholm.counties.add("03")
    assert region_for_county("03") == stockholm
    stockholm.is_active = False
    stockholm.save()
    assert region_for_county("03") is None


def test_the_site_s_export_center_is_read_once_for_visitors_and_follows_a_change(settings):
    """The public pages' export center (`current_region` for a visitor) with its operator, from the cache."""
    settings.PORTAL_REGION = "uppsala-rows"
    operator = OrganisationFactory(name="Almi Uppsala", slug="almi-rows")
    region = RegionFactory(name="Exportcenter Uppsala län", slug="uppsala-rows", operator=operator)
    assert current_region() == region
    with CaptureQueriesContext(connection) as queries:
        found = current_region()
        assert found.operator.name == "Almi Uppsala"
    assert not queries.captured_queries
    found.name = "Ändrad i minnet"
    assert current_region().name == "Exportcenter Uppsala län"
    operator.name = "Almi Företagspartner Uppsala"
    operator.save()
    assert current_region().operator.name == "Almi Företagspartner Uppsala"
    region.is_active = False
    region.save()
    assert current_region() is None


def test_the_reply_address_is_read_once_and_follows_a_saved_mailbox():
    operator = OrganisationFactory(name="Almi Uppsala", slug="almi-rows")
    region = RegionFactory(slug="uppsala-rows", operator=operator)
    request = AdviceRequest(region=region, owner_organisation=None)
    fallback = mailbox_address(request)
    shared = Mailbox.objects.create(
        name="Gemensam", address="exportcenter@uppsala.example", host="imap.uppsala.example", region=region
    )
    assert mailbox_address(request) == "exportcenter@uppsala.example"
    with CaptureQueriesContext(connection) as queries:
        assert mailbox_address(request) == "exportcenter@uppsala.example"
    assert not queries.captured_queries
    own = Mailbox.objects.create(
        name="Almi",
        address="almi@uppsala.example",
        host="imap.uppsala.example",
        region=region,
        organisation=operator,
    )
    request.owner_organisation = operator
    assert mailbox_address(request) == "almi@uppsala.example"
    own.is_active = False
    own.save()
    assert mailbox_address(request) == "exportcenter@uppsala.example"
    shared.delete()
    assert mailbox_address(request) == fallback


def test_a_cache_that_fails_costs_the_queries_not_the_answer(monkeypatch):
    operator = OrganisationFactory(slug="almi-rows")
    region = RegionFactory(slug="uppsala-rows", operator=operator)
    region.counties.add("03")

    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(widget_cache.cache, "get", broken)
    monkeypatch.setitem(widget_cache._cache_down_until, "at", 0.0)
    widget_cache._local.clear()
    assert region_for_county("03") == region
    need = NeedCategory.objects.filter(is_active=True).first()
    form = ChoicesForm({"municipality": "0380", "needs": [str(need.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["municipality"].name == Municipality.objects.get(code="0380").name
