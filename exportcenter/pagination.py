"""Pagination for long lists: never count millions of rows for one page view."""

import hashlib
from contextlib import suppress

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (a LIMITed count), so the cost of a page does not grow with the table.

    `count_is_capped` tells the template to say "more than N" instead of an exact number.

    With `cache_seconds`, the count is kept that long in the cache under a hash of its SQL and parameters
    (which hold the reader's scope and filters, so no one reads another's count): the next pages of the same
    list, and the same list asked for again, cost no count. The rows themselves are always read fresh; only
    the count may lag by up to `cache_seconds`. A cache that is down costs the count, nothing else.
    """

    def __init__(self, object_list, per_page, *, cap: int = 10_000, cache_seconds: int = 0, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.cache_seconds = cache_seconds
        self.count_is_cached = False  # the count came from the cache, so it may lag the rows

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows[: self.cap + 1])
        # Only the keys are counted: annotations (e.g. a subquery per row) and the order cost nothing.
        rows = rows.order_by().values("pk")[: self.cap + 1]
        if self.cache_seconds <= 0:
            return rows.count()
        key = self._cache_key(rows)
        if key is None:
            return rows.count()
        with suppress(Exception):
            cached = cache.get(key)
            if cached is not None:
                self.count_is_cached = True
                return cached
        counted = rows.count()
        with suppress(Exception):
            cache.set(key, counted, self.cache_seconds)
        return counted

    @staticmethod
    def _cache_key(rows: QuerySet) -> str | None:
        try:
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:  # e.g. .none() or `pk__in=[]`: nothing to keep, and counting it costs no query
            return None
        except Exception:  # a value the SQL cannot take: the count goes on as it would without the cache
            return None
        database = connections[rows.db].settings_dict["NAME"]
        text = f"{database}|{sql}|{params!r}"
        return "list-count:" + hashlib.sha256(text.encode()).hexdigest()

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.cap


def paginate(request, queryset, *, per_page: int = 25, cap: int = 10_000):
    """The requested page of `queryset`; an unknown or out-of-range page number gives the nearest page."""
    paginator = CappedPaginator(queryset, per_page, cap=cap)
    return paginator.get_page(request.GET.get("page"))
