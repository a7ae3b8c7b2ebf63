"""Read-side queries of the company register."""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector, TrigramWordSimilarity
from django.db.models import Q, QuerySet

from advisors import access

from .identifiers import looks_like_number
from .models import Company, CompanyEvent

# The related rows every company list shows: one query for the page, whatever its length.
COMPANY_LIST_RELATED = ["municipality", "sni_code__section", "responsible_organisation", "turnover_class"]
MAX_SEARCH_LENGTH = 200


def visible_companies(user) -> QuerySet[Company]:
    return access.visible(user, Company.objects.active())


def search(queryset: QuerySet[Company], text: str) -> QuerySet[Company]:
    """Find companies by name or organisation number.

    PostgreSQL: full-text match on the name or pg_trgm word similarity (a misspelt name still
    matches), best match first; both use the GIN indexes of migration 0004. SQLite: every word
    must occur in the name.
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
            .filter(Q(document=fulltext) | Q(name__trigram_word_similar=text))
            .annotate(similarity=TrigramWordSimilarity(text, "name"))
            .order_by("-similarity", "name", "pk")
        )
    for word in text.split():
        queryset = queryset.filter(name__icontains=word)
    return queryset


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
