"""Pagination for long lists: never count millions of rows for one page view."""

import hashlib
from contextlib import suppress

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

from exportcenter import stamps


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (a LIMITed count), so the cost of a page does not grow with the table.

    `count_is_capped` tells the template to say "more than N" instead of an exact number.

    With `cache_seconds`, the count is kept that long in the cache under a hash of its SQL and parameters
    (which hold the reader's scope and filters, so no one reads another's count): the next pages of the same
    list, and the same list asked for again, cost no count. The rows themselves are always read fresh; only
    the count may lag by up to `cache_seconds`. A cache that is down costs the count, nothing else.

    With `stamps` as well (exportcenter/stamps.py: the stamps a change to the counted rows renews after it
    commits), the key holds their values too: the count never lags a committed change, and
    `count_is_cached` stays False.

    `counted`: the same rows as `object_list`, written for counting (see access.visible's `combinable`).
    """

    def __init__(
        self,
        object_list,
        per_page,
        *,
        cap: int = 10_000,
        cache_seconds: int = 0,
        stamps: list[str] | None = None,
        counted: QuerySet | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.counted = counted
        self.cap = cap
        self.cache_seconds = cache_seconds
        self.stamps = stamps
        self.count_is_cached = False  # the count came from the cache, so it may lag the rows

    @cached_property
    def count(self) -> int:
        rows = self.object_list if self.counted is None else self.counted
        if not isinstance(rows, QuerySet):
            return len(rows[: self.cap + 1])
        # Only the keys are counted: annotations (e.g. a subquery per row) and the order cost nothing.
        rows = rows.order_by().values("pk")[: self.cap + 1]
        if self.cache_seconds <= 0:
            return rows.count()
        key = self._cache_key(rows)
        if key is None:
            return rows.count()
        if self.stamps is not None:
            return stamps.cached(key, self.stamps, [], self.cache_seconds, rows.count)
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


def paginate(request, queryset, *, per_page: int = 25, cap: int = 10_000, **counting):
    """The requested page of `queryset`; an unknown or out-of-range page number gives the nearest page.
    `counting`: CappedPaginator's `cache_seconds`, `stamps` and `counted`."""
    paginator = CappedPaginator(queryset, per_page, cap=cap, **counting)
    return paginator.get_page(request.GET.get("page"))
