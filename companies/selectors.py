"""Read-side queries of the company register."""

from collections.abc import Sequence

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector, TrigramWordSimilarity
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.functional import cached_property

from advisors import access
from exportcenter.pagination import CappedPaginator
from exportcenter.panels import Panels
from exportcenter.unique import one_or_none

from .identifiers import looks_like_number
from .models import Company, CompanyEvent

# The related rows every company list shows: one query for the page, whatever its length.
COMPANY_LIST_RELATED = ["municipality", "sni_code__section", "responsible_organisation", "turnover_class"]
MAX_SEARCH_LENGTH = 200


def visible_companies(user, *, name_search: str = "") -> QuerySet[Company]:
    """The companies of the user's counties (advisors.access).

    For a search by name (`name_search`, PostgreSQL) the scope is written on the company's own column
    (`visible(..., combinable=True)`: the same rows), so that PostgreSQL reads the name from the partial
    trigram index of each of the user's counties (migration 0016) and never joins the municipalities. At
    1,000,000 companies a misspelt name's index scan went from 33 ms over the whole country to 2.5 ms. Not
    for other lists: the planner would sort the whole county for a page.
    """
    return access.visible(user, Company.objects.active(), combinable=is_name_search(name_search))


def is_name_search(text: str) -> bool:
    return bool(settings.USING_POSTGRES and text and text.strip() and not looks_like_number(text))


def search(queryset: QuerySet[Company], text: str) -> QuerySet[Company]:
    """Find companies by name or organisation number.

    PostgreSQL: full-text match on the name or pg_trgm word similarity (a misspelt name still
    matches), best match first; both use the GIN indexes of migration 0004 (intersected with the scope
    that `visible_companies(user, name_search=text)` adds). A number matches organisation numbers by
    prefix, from the index of migration 0011. SQLite: every word must occur in the name.
    """
    text = " ".join((text or "").split())[:MAX_SEARCH_LENGTH]
    if not text:
        return queryset
    if digits := looks_like_number(text):
        return queryset.filter(org_number__startswith=digits)
    if settings.USING_POSTGRES:
        fulltext = SearchQuery(text, config="simple", search_type="websearch")
        return (
            queryset.annotate(document=SearchVector("name", config="simple"))
            # The similarity first: PostgreSQL tests each row the index found in this order, twice (the
            # index's recheck and the filter), and stops at the first true one, so that a row it found by
            # its trigrams is not turned into a text search vector as well (a misspelt name matching
            # 2,500 companies of a county at 1,000,000: 38 -> 23 ms).
            .filter(Q(name__trigram_word_similar=text) | Q(document=fulltext))
            .annotate(similarity=TrigramWordSimilarity(text, "name"))
            .order_by("-similarity", "name", "pk")
        )
    for word in text.split():
        queryset = queryset.filter(name__icontains=word)
    return queryset


def is_ranked(queryset: QuerySet[Company]) -> bool:
    """A name search ordered best match first (PostgreSQL; a chosen sort order replaces it)."""
    return "similarity" in queryset.query.annotations and queryset.query.order_by[:1] == ("-similarity",)


class RankedRows(Sequence):
    """The rows of a ranked name search for a paginator: the match is made once, for the ids in order (at
    most `cap` + 1), and a page's rows are read by id. Counted and paged as one queryset, the match (every
    name similar nationwide) was made twice per page."""

    def __init__(self, queryset: QuerySet[Company], *, cap: int):
        self.ids = list(queryset.values_list("pk", flat=True)[: cap + 1])

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = self.ids[index]
        rows = Company.objects.select_related(*COMPANY_LIST_RELATED).in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


class RankedPaginator(CappedPaginator):
    @cached_property
    def count(self) -> int:
        return len(self.object_list)


def ranked_page(request, queryset: QuerySet[Company], *, per_page: int = 25, cap: int = 10_000):
    """`exportcenter.pagination.paginate` for a ranked name search."""
    paginator = RankedPaginator(RankedRows(queryset, cap=cap), per_page, cap=cap)
    return paginator.get_page(request.GET.get("page"))


def similar_companies(user, name: str, *, exclude: Company | None = None, limit: int = 5) -> list[Company]:
    """Companies a new registration may duplicate, for "Did you mean …?"."""
    if not name or not name.strip():
        return []
    candidates = search(visible_companies(user, name_search=name), name)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    return list(candidates.select_related("municipality")[:limit])


def company_detail(user, public_id, *, answering: Panels | None = None) -> Company | None:
    """One company the user sees; `answering`: the page's panels, whose probes the same query answers."""
    companies = access.visible(user, Company.objects.all())
    return one_or_none(
        (answering.answered(companies) if answering else companies)
        .select_related(
            *COMPANY_LIST_RELATED,
            "municipality__county",
            "responsible_advisor",
            "merged_into",
            "created_by",
            "updated_by",
        )
        .filter(public_id=public_id)
    )


def company_or_404(user, public_id) -> Company:
    """`company_detail`, or a 404 when the user does not see the company."""
    company = company_detail(user, public_id)
    if company is None:
        raise Http404
    return company


def company_timeline(company: Company, *, limit: int = 100) -> list[CompanyEvent]:
    """The company's own events, newest first. Later apps add requests, referrals and activities."""
    return list(company.events.select_related("actor")[:limit])
