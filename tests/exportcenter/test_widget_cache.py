"""Cached `<option>` lists of reference data (exportcenter/widget_cache.py): the same bytes as without the
cache, no query for the choices once cached, per language and data version, and validation against the
database all the same. Then `{% reference_fragment %}`, whole blocks kept the same way."""

import os

import pytest
from django import forms
from django.core.cache import cache
from django.db import connection, transaction
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from advisors.models import Organisation
from companies.forms import CountryMultipleChoiceField, CountrySelectMultiple
from exportcenter import widget_cache
from exportcenter.forms import BootstrapBoundField
from exportcenter.widget_cache import CachedSelect, CachedSelectMultiple
from reference.models import County, Municipality, SNICode
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
LANGUAGES = ["sv", "en"]


@pytest.fixture(autouse=True)
def _empty_cache(reference_data):
    cache.clear()
    yield
    cache.clear()


class PlainForm(forms.Form):
    """The same fields as ReferenceForm, without the cache."""

    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.order_by("short_name"), empty_label="Choose a municipality"
    )
    sni_code = forms.ModelChoiceField(queryset=SNICode.objects.all(), required=False)
    counties = forms.ModelMultipleChoiceField(queryset=County.objects.all(), required=False)
    # The country picker's widget, rendered through Django's templates (not the cache) by `DjangosTemplates`.
    markets = forms.MultipleChoiceField(
        choices=CountryMultipleChoiceField().choices,
        widget=CountrySelectMultiple(attrs={"size": 6}, key="countries"),
    )
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.active(), required=False)


class ReferenceForm(forms.Form):
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.order_by("short_name"),
        empty_label="Choose a municipality",
        widget=CachedSelect(key="municipalities"),
    )
    sni_code = forms.ModelChoiceField(
        queryset=SNICode.objects.all(), required=False, widget=CachedSelect(key="sni-codes")
    )
    counties = forms.ModelMultipleChoiceField(
        queryset=County.objects.all(), required=False, widget=CachedSelectMultiple(key="counties")
    )
    markets = CountryMultipleChoiceField()
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.active(), required=False, widget=CachedSelect(key="organisations")
    )


class DjangosTemplates(DjangoTemplates):
    """Django's templates for every widget, with the project's bound fields (Bootstrap classes)."""

    bound_field_class = BootstrapBoundField


def rendered(form) -> str:
    return "\n".join(str(form[name]) for name in form.fields)


DATA = {
    "nothing chosen": None,
    "one of each": {"municipality": "0380", "sni_code": "16111", "counties": ["03"], "markets": ["SE"]},
    "several": {"municipality": "0180", "counties": ["01", "03", "25"], "markets": ["SE", "NO", "DE"]},
    "unknown values": {"municipality": "9999", "sni_code": "<b>", "counties": ["xx"], "markets": ["ZZ"]},
}


@pytest.mark.parametrize("data", DATA.values(), ids=DATA.keys())
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_same_bytes_as_without_the_cache(data, language):
    OrganisationFactory(name="Almi <Uppsala> & co")
    with override(language):
        plain = rendered(PlainForm(data, renderer=DjangosTemplates()))
        filling = rendered(ReferenceForm(data))
        cached = rendered(ReferenceForm(data))
        assert rendered(ReferenceForm(data, renderer=DjangosTemplates())) == plain
    assert filling == plain
    assert cached == plain


def test_an_initial_value_is_chosen_and_the_attributes_are_kept():
    form = ReferenceForm(initial={"municipality": "0380", "counties": ["03", "01"]})
    first = rendered(form)
    second = rendered(ReferenceForm(initial={"municipality": "0380", "counties": ["03", "01"]}))
    plain = PlainForm(initial={"municipality": "0380", "counties": ["03", "01"]}, renderer=DjangosTemplates())
    assert first == second == rendered(plain)
    assert '<select name="municipality" required class="form-select" id="id_municipality">' in second
    assert '<option value="0380" selected>Uppsala</option>' in second
    assert '<option value="" selected>' not in second.split('name="sni_code"')[0]
    assert '<option value="01" selected>' in second and '<option value="03" selected>' in second


def test_once_cached_the_choices_are_not_read_from_the_database():
    rendered(ReferenceForm())
    with CaptureQueriesContext(connection) as queries:
        html = rendered(ReferenceForm(initial={"municipality": "0380", "counties": ["03"]}))
    assert len(queries) == 0, [query["sql"] for query in queries]
    assert '<option value="0380" selected>Uppsala</option>' in html


def test_a_process_that_has_the_list_asks_the_shared_cache_for_the_version_only(monkeypatch):
    """The entries (tens of kilobytes each) are read once per process and data version; then each render
    reads the version, a few bytes."""
    widget_cache._local.clear()
    rendered(ReferenceForm())
    asked = []
    real_get, real_get_many = widget_cache.cache.get, widget_cache.cache.get_many
    monkeypatch.setattr(
        widget_cache.cache, "get", lambda key, *a, **k: asked.append(key) or real_get(key, *a, **k)
    )
    monkeypatch.setattr(
        widget_cache.cache,
        "get_many",
        lambda keys, *a, **k: asked.extend(keys) or real_get_many(keys, *a, **k),
    )
    html = rendered(ReferenceForm(initial={"municipality": "0380"}))
    assert asked and set(asked) == {widget_cache.VERSION_KEY}
    assert '<option value="0380" selected>Uppsala</option>' in html


def test_another_process_s_change_is_seen_at_once_despite_the_copy():
    widget_cache._local.clear()
    assert "Nyby" not in rendered(ReferenceForm())
    Municipality.objects.filter(code="0380").update(short_name="Nyby")  # no signal
    cache.set(widget_cache.VERSION_KEY, "another-process-changed-it")  # what its commit did
    assert '<option value="0380">Nyby</option>' in rendered(ReferenceForm())


def test_a_request_asks_for_the_version_once_and_the_next_sees_a_change(client, advisor, monkeypatch):
    """The company list has five cached selects: one read of the shared version per request."""
    connection._widget_cache_pending = None  # the fixtures' rows as if committed: the shared version rules
    client.force_login(advisor)
    client.get("/en/companies/")
    asked = []
    real_get = widget_cache.cache.get
    monkeypatch.setattr(
        widget_cache.cache, "get", lambda key, *a, **k: asked.append(key) or real_get(key, *a, **k)
    )
    assert client.get("/en/companies/").status_code == 200
    assert asked == [widget_cache.VERSION_KEY]  # and the lists from this process's copies
    cache.set(widget_cache.VERSION_KEY, "changed-elsewhere")  # another process's committed change
    asked.clear()
    client.get("/en/companies/")
    assert asked.count(widget_cache.VERSION_KEY) == 1
    assert len(asked) > 1  # the copies are of the old version: the lists are read (or made) again


def test_the_copies_keep_the_most_recently_used():
    copies = widget_cache._LocalCopies(size=2)
    copies.put("a", "v1", 1)
    copies.put("b", "v1", 2)
    assert copies.get("a", "v1") == 1  # "a" used: "b" is the oldest now
    copies.put("c", "v1", 3)
    assert (copies.get("a", "v1"), copies.get("b", "v1"), copies.get("c", "v1")) == (1, None, 3)
    assert copies.get("a", "v2") is None and copies.get("a", None) is None  # another version: not this copy


def test_each_language_has_its_own_list():
    with override("en"):
        rendered(ReferenceForm())
    with override("sv"):
        swedish = rendered(ReferenceForm())
    with override("en"):
        english = rendered(ReferenceForm())
    assert ">Sverige</option>" in swedish and ">Sweden</option>" in english
    assert ">16.111 Sågning av trä</option>" in swedish
    assert ">16.111 Manufacture of wood and of products of wood and cork" in english


def test_a_narrower_queryset_is_a_list_of_its_own():
    rendered(ReferenceForm())
    form = ReferenceForm()
    form.fields["municipality"].queryset = Municipality.objects.filter(county_id__in=["03"])
    html = str(form["municipality"])
    assert "Uppsala" in html and "Kiruna" not in html
    assert "Kiruna" in str(ReferenceForm()["municipality"])


def test_a_committed_change_changes_the_shared_version(django_capture_on_commit_callbacks):
    rendered(ReferenceForm())
    before = cache.get(widget_cache.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory(name="Nyss startad partner")
        assert cache.get(widget_cache.VERSION_KEY) == before  # not before the commit
    assert cache.get(widget_cache.VERSION_KEY) != before


def test_a_transaction_sees_its_own_changes_at_once():
    rendered(ReferenceForm())
    partner = OrganisationFactory(name="Nyss startad partner")
    assert "Nyss startad partner" in str(ReferenceForm()["organisation"])
    partner.delete()
    assert "Nyss startad partner" not in str(ReferenceForm()["organisation"])


def test_writes_without_signals_are_seen_after_bump_version():
    rendered(ReferenceForm())
    Municipality.objects.filter(code="0380").update(short_name="Upsala")  # bulk writes send no signal
    assert ">Uppsala</option>" in str(ReferenceForm()["municipality"])
    widget_cache.bump_version()
    assert ">Upsala</option>" in str(ReferenceForm()["municipality"])


def test_loading_the_reference_data_again_gives_the_lists_a_new_version():
    from django.core.management import call_command

    before = cache.get(widget_cache.VERSION_KEY)
    call_command("load_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert cache.get(widget_cache.VERSION_KEY) not in (None, before)


def test_rows_of_a_rolled_back_transaction_leave_no_trace():
    rendered(ReferenceForm())
    with pytest.raises(RuntimeError), transaction.atomic():
        OrganisationFactory(name="Aldrig sparad partner")
        assert "Aldrig sparad partner" in str(ReferenceForm()["organisation"])
        raise RuntimeError
    assert "Aldrig sparad partner" not in str(ReferenceForm()["organisation"])


def test_a_choice_gone_since_the_list_was_cached_is_refused():
    partner = OrganisationFactory(name="Snart nedlagd partner")
    rendered(ReferenceForm())  # cached (in this transaction's own version)
    Organisation.objects.filter(pk=partner.pk).update(is_active=False)  # no signal: the list is stale
    assert "Snart nedlagd partner" in str(ReferenceForm()["organisation"])
    form = ReferenceForm({"municipality": "0380", "organisation": str(partner.pk), "markets": ["SE"]})
    assert not form.is_valid()
    assert "organisation" in form.errors
    assert ReferenceForm({"municipality": "0380", "markets": ["SE"]}).is_valid()


def test_a_cache_that_fails_costs_the_cache_not_the_page_and_is_left_alone_for_a_while(monkeypatch):
    expected = rendered(PlainForm({"municipality": "0380"}, renderer=DjangosTemplates()))
    calls = []

    def broken(*args, **kwargs):
        calls.append(args)
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(widget_cache.cache, "get_many", broken)
    monkeypatch.setattr(widget_cache.cache, "get", broken)
    monkeypatch.setitem(widget_cache._cache_down_until, "at", 0.0)
    assert rendered(ReferenceForm({"municipality": "0380"})) == expected
    assert rendered(ReferenceForm({"municipality": "0380"})) == expected
    assert len(calls) == 1  # a hung Redis would have held every select of every page for its timeout
    monkeypatch.setitem(widget_cache._cache_down_until, "at", 0.0)  # the back-off is over
    rendered(ReferenceForm())
    assert len(calls) == 2


def test_another_renderer_gets_djangos_own_path(monkeypatch):
    rendered(ReferenceForm())
    with CaptureQueriesContext(connection) as queries:
        html = str(ReferenceForm(renderer=DjangoTemplates())["municipality"])
    assert html == str(PlainForm(renderer=DjangoTemplates())["municipality"])
    assert any("companies_municipality" in query["sql"] for query in queries)


def test_a_filterset_opts_its_filters_in_after_its_class():
    import django_filters

    class Filters(django_filters.FilterSet):
        county = django_filters.ModelChoiceFilter(queryset=County.objects.all())
        counties = django_filters.ModelMultipleChoiceFilter(queryset=County.objects.all())
        kept = django_filters.ModelChoiceFilter(queryset=County.objects.all(), widget=forms.RadioSelect)

        class Meta:
            model = Municipality
            fields = ["county", "counties", "kept"]

    widget_cache.cache_choices(Filters, "county", "counties", "kept")
    form = Filters({"county": "03"}).form
    assert isinstance(form.fields["county"].widget, CachedSelect)
    assert isinstance(form.fields["counties"].widget, CachedSelectMultiple)
    assert isinstance(form.fields["kept"].widget, forms.RadioSelect)
    str(form["county"])
    with CaptureQueriesContext(connection) as queries:
        html = str(Filters({"county": "03"}).form["county"])
    assert [query["sql"] for query in queries if '"code" = ' not in query["sql"]] == []  # validation only
    assert '<option value="03" selected>Uppsala län</option>' in html


# --- {% reference_fragment %}: whole blocks of markup, kept like the options --------------------------
def fragment(body: str, name: str = "block", unless: str = ""):
    from django.template import engines

    condition = f" unless {unless}" if unless else ""
    start = f'{{% load reference_cache %}}{{% reference_fragment "{name}"{condition} %}}'
    return engines["django"].from_string(f"{start}{body}{{% endreference_fragment %}}")


def test_a_fragment_is_rendered_once_per_language_and_data_version():
    block = fragment("{{ n }} {% load i18n %}{% translate 'Municipality' %}")
    assert block.render({"n": 1}) == "1 Kommun"
    assert block.render({"n": 2}) == "1 Kommun"  # kept: the block must not hold what varies per visit
    with override("en"):
        assert block.render({"n": 3}) == "3 Municipality"
    widget_cache.bump_version()
    assert block.render({"n": 4}) == "4 Kommun"


def test_unless_renders_the_block_without_the_cache():
    block = fragment("{{ n }}", unless="bound")
    assert block.render({"n": 1, "bound": True}) == "1"
    assert block.render({"n": 2, "bound": False}) == "2"
    assert block.render({"n": 3, "bound": True}) == "3"
    assert block.render({"n": 4}) == "2"


def test_a_changed_block_is_never_served_from_the_old_entry():
    assert fragment("old {{ n }}").render({"n": 1}) == "old 1"
    assert fragment("new {{ n }}").render({"n": 2}) == "new 2"
    assert fragment("old {{ n }}").render({"n": 3}) == "old 1"


def test_a_fragment_whose_cache_fails_is_rendered(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(widget_cache.cache, "get_many", broken)
    monkeypatch.setattr(widget_cache.cache, "get", broken)
    monkeypatch.setitem(widget_cache._cache_down_until, "at", 0.0)
    assert fragment("{{ n }}").render({"n": 1}) == "1"
    assert fragment("{{ n }}").render({"n": 2}) == "2"  # left alone for a while
    monkeypatch.setitem(widget_cache._cache_down_until, "at", 0.0)


@pytest.mark.parametrize(
    "tag",
    [
        "{% reference_fragment %}",
        "{% reference_fragment block %}",
        '{% reference_fragment "block" if x %}',
        '{% reference_fragment "block" unless %}',
    ],
)
def test_a_malformed_tag_is_a_template_syntax_error(tag):
    from django.template import TemplateSyntaxError, engines

    with pytest.raises(TemplateSyntaxError):
        engines["django"].from_string(f"{{% load reference_cache %}}{tag}x{{% endreference_fragment %}}")
