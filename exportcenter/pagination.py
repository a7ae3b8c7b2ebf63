"""Pagination for long lists: never count millions of rows for one page view."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (a LIMITed count), so the cost of a page does not grow with the table.

    `count_is_capped` tells the template to say "more than N" instead of an exact number.
    """

    def __init__(self, object_list, per_page, *, cap: int = 10_000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            # Only the keys are counted: annotations (e.g. a subquery per row) and the order cost nothing.
            rows = rows.order_by().values("pk")
        return rows[: self.cap + 1].count()

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.cap


def paginate(request, queryset, *, per_page: int = 25, cap: int = 10_000):
    """The requested page of `queryset`; an unknown or out-of-range page number gives the nearest page."""
    paginator = CappedPaginator(queryset, per_page, cap=cap)
    return paginator.get_page(request.GET.get("page"))
