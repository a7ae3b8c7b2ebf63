"""The countries the pickers offer (issue 17 §4): common markets first, Sweden left out where it would be a
target market, and each country's names in both languages for the picker's search
(`static/js/country-picker.js`).

`settings.COUNTRIES_FIRST` stays what the model fields and the admin use; the pickers group the countries
themselves, so that no country is listed twice in a `<select multiple>`.
"""

from functools import cache

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django_countries import Countries

HOME_COUNTRY = "SE"  # a Swedish company's home market: never a target market
# The markets most requests name, in this order: the Nordics, Germany, the UK, the US, China.
COMMON_MARKETS = ("NO", "DK", "FI", "IS", "DE", "GB", "US", "CN")
COMMON_LABEL = _("Common markets")
OTHERS_LABEL = _("Other countries")

# Names people search by that are neither the English nor the Swedish short name (the Swedish name of the US
# is "Amerikas förenta stater").
ALIASES = {
    "US": "USA, America, Amerika",
    "GB": "UK, Great Britain, England, Britain",
    "NL": "Holland",
    "AE": "UAE, Emirates, Emiraten, Dubai",
    "KR": "South Korea, Sydkorea",
    "CZ": "Czechia, Tjeckien",
}


class _Alphabetical(Countries):
    """Every country once, sorted by its name in the active language (no "first" countries)."""

    first = []
    first_by_language = {}
    first_auto_detect = False


_ALL = _Alphabetical()


def country_choices(*, exclude: frozenset[str] | set[str] = frozenset()) -> list:
    """Grouped choices: the common markets, then the other countries alphabetically (in the active
    language). Each country appears once."""
    common = [(code, _ALL.name(code)) for code in COMMON_MARKETS if code not in exclude]
    others = [
        (country.code, country.name)
        for country in _ALL
        if country.code not in exclude and country.code not in COMMON_MARKETS
    ]
    return [(COMMON_LABEL, common), (OTHERS_LABEL, others)]


def all_country_choices() -> list:
    return country_choices()


def market_choices() -> list:
    """The countries a company may name as target markets: every country but Sweden."""
    return country_choices(exclude={HOME_COUNTRY})


@cache
def search_names() -> dict[str, tuple[str, str]]:
    """Each country's name in English and in Swedish, by ISO code (the names are the same in every process,
    so they are read once)."""
    names = {}
    for language in ("en", "sv"):
        with override(language):
            for country in _ALL:
                names.setdefault(country.code, []).append(str(country.name))
    return {code: (english, swedish) for code, (english, swedish) in names.items()}
