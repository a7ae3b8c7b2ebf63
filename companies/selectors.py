"""Read-side queries of the company register."""

from collections.abc import Sequence

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector, TrigramWordSimilarity
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from advisors import access
from exportcenter.pagination import CappedPaginator

from .identifiers import looks_like_number
from .models import Company, CompanyEvent

# The related rows every company list shows: one query for the page, whatever its length.
COMPANY_LIST_RELATED = ["municipality", "sni_code__section", "responsible_organisation", "turnover_class"]
MAX_SEARCH_LENGTH = 200


def visible_companies(user) -> QuerySet[Company]:
    return access.visible(user, Company.objects.active())


def _name_matches(text: str) -> RawSQL:
    """The ids of every company whose name matches, found once from the GIN indexes (trigram first).

    Planned as part of the page's query, the match was folded into the visibility join: PostgreSQL
    probed the trigram index once per municipality of the user's counties (26 times for Uppsala's,
    200+ ms at 100,000 companies) or tested the name row by row over the whole county. As a `UNION`
    subquery it is made once, each half from its own index, and the trigram half rechecks only the
    trigram condition (an `OR` of both rechecked both, the full-text vector too, for every candidate).
    """
    fulltext = SearchQuery(text, config="simple", search_type="websearch")
    halves = [
        Company.objects.annotate(document=SearchVector("name", config="simple")).filter(document=fulltext),
        Company.objects.filter(name__trigram_word_similar=text),
    ]
    compiled = [half.values("pk").query.sql_with_params() for half in halves]
    sql = " UNION ".join(f"({sql})" for sql, _params in compiled)
    return RawSQL(sql, tuple(param for _sql, params in compiled for param in params))  # noqa: S611 - compiled


def search(queryset: QuerySet[Company], text: str) -> QuerySet[Company]:
    """Find companies by name or organisation number.

    PostgreSQL: full-text match on the name or pg_trgm word similarity (a misspelt name still
    matches), best match first; both use the GIN indexes of migration 0004, and the match is made once,
    before the user's scope (`_name_matches`). A number matches organisation numbers by prefix, from
    the index of migration 0011. SQLite: every word must occur in the name.
    """
    text = " ".join((text or "").split())[:MAX_SEARCH_LENGTH]
    if not text:
        return queryset
    if digits := looks_like_number(text):
        return queryset.filter(org_number__startswith=digits)
    if settings.USING_POSTGRES:
        return (
            queryset.filter(pk__in=_name_matches(text))
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
    candidates = search(visible_companies(user), name)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    return list(candidates.select_related("municipality")[:limit])


def company_detail(user, public_id) -> Company | None:
    return (
        access.visible(user, Company.objects.all())
        .select_related(
            *COMPANY_LIST_RELATED, "responsible_advisor", "merged_into", "created_by", "updated_by"
        )
        .filter(public_id=public_id)
        .first()
    )


def company_timeline(company: Company, *, limit: int = 100) -> list[CompanyEvent]:
    """The company's own events, newest first. Later apps add requests, referrals and activities."""
    return list(company.events.select_related("actor")[:limit])
