"""API pagination: page numbers, as documented, with a count that never reads a whole table.

`count` stops at API_COUNT_CAP (a LIMITed count of keys, exportcenter.pagination.CappedPaginator); past it
`count_is_capped` is true and `count` means "more than API_COUNT_CAP". Every page stays reachable: once the
count is capped, a page is validated by reading one row more than it shows (that row says whether there is
a next page), so deep pages cost an OFFSET, not a COUNT(*) over millions of rows. `page=last` is refused
then, as the last page is not known. The count is kept API_COUNT_CACHE_SECONDS in the cache, so paging on
through a list, or asking for it again, costs no count; pages are then read the same way (one row more),
so the rows are always fresh and a page that a cached count does not know of yet is still there.
"""

from django.conf import settings
from django.core.paginator import EmptyPage, Page
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from exportcenter.pagination import CappedPaginator

MAX_OFFSET = 2**62  # rows; a page number past it is "no such page", never an OFFSET the database refuses


class BoundedPage(Page):
    more: bool | None = None  # known when the count is capped: a row beyond this page was read

    def has_next(self) -> bool:
        return self.more if self.more is not None else super().has_next()


class BoundedPaginator(CappedPaginator):
    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(
            object_list,
            per_page,
            cap=settings.API_COUNT_CAP,
            cache_seconds=settings.API_COUNT_CACHE_SECONDS,
            **kwargs,
        )

    def _get_page(self, *args, **kwargs):
        return BoundedPage(*args, **kwargs)

    @property
    def count_is_approximate(self) -> bool:
        return self.count_is_capped or self.count_is_cached

    def validate_number(self, number):
        if not self.count_is_approximate:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)  # raises PageNotAnInteger
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number - 1) * self.per_page > MAX_OFFSET:  # past any table: PostgreSQL's OFFSET is a bigint
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        if not self.count_is_approximate:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        page = self._get_page(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page


class BoundedPageNumberPagination(PageNumberPagination):
    django_paginator_class = BoundedPaginator
    last_page_strings = ()  # unknown once the count is capped

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, paginator.cap),
                "count_is_capped": paginator.count_is_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "count_is_capped", "results"]
        response["properties"]["count"]["description"] = (
            f"How many rows match, counted up to API_COUNT_CAP (default {settings.API_COUNT_CAP}); "
            "when count_is_capped is true, more than that."
        )
        response["properties"] = {
            "count": response["properties"]["count"],
            "count_is_capped": {
                "type": "boolean",
                "description": "True when more rows match than `count` says (the count stopped at its cap).",
            },
            **{key: value for key, value in response["properties"].items() if key != "count"},
        }
        return response
