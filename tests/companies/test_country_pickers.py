"""The country pickers' choices (issue 17 §4): common markets first and each country once, Sweden left out
of the target markets (refused with a field error when posted), both names on every option for the
search, and the widget cache's bytes kept."""

import re

import pytest
from django import forms
from django.core.cache import cache
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from companies.filters import CompanyFilter
from companies.forms import CompanyForm, CountryMultipleChoiceField, TargetMarketsField
from exportcenter.forms import BootstrapBoundField, FormRenderer
from reference.countries import (
    COMMON_MARKETS,
    HOME_COUNTRY,
    all_country_choices,
    market_choices,
    search_names,
)
from referrals.filters import RequestFilter
from referrals.forms.intake import HelpMeExportForm


class DjangosTemplates(DjangoTemplates):
    """Django's own templates for every widget (no cache), with the project's bound fields."""

    bound_field_class = BootstrapBoundField


def codes(group) -> list[str]:
    return [code for code, _name in group[1]]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_common_markets_come_first_and_every_country_once(language):
    with override(language):
        common, others = market_choices()
        everything = codes(common) + codes(others)
        assert codes(common) == ["NO", "DK", "FI", "IS", "DE", "GB", "US", "CN"]
        assert len(everything) == len(set(everything)) > 240
        names = [str(name) for _code, name in others[1]]
        assert names[0] == "Afghanistan"  # then alphabetically, in the page's language
        if language == "en":
            assert str(common[0]) == "Common markets"
            assert str(others[0]) == "Other countries"
            assert dict(common[1])["DE"] == "Germany"
        else:
            assert dict(common[1])["DE"] == "Tyskland"


def test_sweden_is_no_target_market_but_stays_among_all_countries():
    assert HOME_COUNTRY not in {code for group in market_choices() for code in codes(group)}
    assert HOME_COUNTRY in {code for group in all_country_choices() for code in codes(group)}
    assert HOME_COUNTRY not in COMMON_MARKETS


def test_both_names_of_every_country_for_the_search():
    names = search_names()
    assert names["DE"] == ("Germany", "Tyskland")
    assert names["SE"] == ("Sweden", "Sverige")
    assert names["GB"] == ("United Kingdom", "Storbritannien")
    assert len(names) > 240


@pytest.mark.parametrize("language", ["sv", "en"])
def test_posting_sweden_as_a_target_market_is_a_field_error(language):
    field = TargetMarketsField(required=False)
    with override(language):
        with pytest.raises(forms.ValidationError) as raised:
            field.clean(["DE", "SE"])
        messages = raised.value.messages  # lazy: read in the language asked for
    assert raised.value.code == "home_country"
    expected = {
        "en": "Sweden is not a target market. Choose countries outside Sweden.",
        "sv": "Sverige kan inte vara en målmarknad. Välj länder utanför Sverige.",
    }
    assert messages == [expected[language]]
    assert field.clean(["DE", "NO"]) == ["DE", "NO"]


def test_sweden_as_an_export_country_is_still_accepted():
    assert CountryMultipleChoiceField(required=False).clean(["SE", "NO"]) == ["SE", "NO"]


def test_the_forms_use_the_pickers():
    company = CompanyForm.base_fields
    assert isinstance(company["target_markets"], TargetMarketsField)
    assert not isinstance(company["export_countries"], TargetMarketsField)
    intake = HelpMeExportForm.base_fields
    assert isinstance(intake["target_markets"], TargetMarketsField)
    assert not isinstance(intake["export_countries"], TargetMarketsField)


@pytest.mark.django_db
@pytest.mark.parametrize("filterset", [CompanyFilter, RequestFilter])
def test_a_target_market_filter_offers_no_sweden_and_refuses_it(filterset):
    form = filterset({"target_market": "SE"}, queryset=filterset._meta.model.objects.none()).form
    assert not form.is_valid()
    assert "target_market" in form.errors
    html = str(form["target_market"])
    assert "data-country-picker" in html
    assert 'value="SE"' not in html
    assert '<option value="DE" data-en="Germany" data-sv="Tyskland">' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_options_carry_both_names_and_the_cache_keeps_the_bytes(language):
    class Form(forms.Form):
        markets = TargetMarketsField()

    cache.clear()
    with override(language):
        through_templates = str(Form({"markets": ["DE", "CN"]}, renderer=DjangosTemplates())["markets"])
        filling = str(Form({"markets": ["DE", "CN"]}, renderer=FormRenderer())["markets"])
        with CaptureQueriesContext(connection) as queries:
            cached = str(Form({"markets": ["DE", "CN"]}, renderer=FormRenderer())["markets"])
    assert cached == filling == through_templates
    assert not queries.captured_queries
    assert re.search(r'<select name="markets" data-country-picker data-picker-hint="[^"]+"', cached)
    assert '<option value="DE" data-en="Germany" data-sv="Tyskland" selected>' in cached
    assert '<option value="NO" data-en="Norway" data-sv="Norge">' in cached
    assert (
        '<option value="US" data-en="United States of America" data-sv="Amerikas förenta stater" '
        'data-alt="USA, America, Amerika">' in cached
    )
    assert cached.index('value="CN"') < cached.index('value="AF"')  # China among the common markets
    assert cached.count("<optgroup") == 2
    cache.clear()


@pytest.mark.django_db
def test_a_companys_saved_countries_are_chosen_in_its_form(reference_data):
    from tests.factories import CompanyFactory

    company = CompanyFactory(export_countries=["SE", "NO"], target_markets=["NO", "DE"])
    form = CompanyForm(instance=company)
    assert form["export_countries"].value() == ["NO", "SE"]
    exports, markets = str(form["export_countries"]), str(form["target_markets"])
    assert re.findall(r'<option value="(\w\w)"[^>]* selected>', exports) == ["NO", "SE"]
    assert re.findall(r'<option value="(\w\w)"[^>]* selected>', markets) == ["NO", "DE"]
