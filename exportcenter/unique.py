"""One row by a unique key, read without a sort.

`QuerySet.first()` sorts by the primary key when the query has no order, and Django 5.2 compiles any
`ORDER BY` by hashing every selected column (`SQLCompiler._order_by_pairs`: each column's `identity`, an
`inspect.Signature` bind). A detail page reads its object with everything the page shows joined, 150-185
columns: 0.4-0.8 ms of compiling for a sort of one row (issue 16). `get()` clears the order; this is
`get()` that answers None instead of raising when there is no such row.
"""

from django.db.models import QuerySet


def one_or_none(queryset: QuerySet):
    """The row of `queryset` (filtered on a unique key), or None. More than one row is an error, as with
    `get()`: the filter was not on a unique key."""
    try:
        return queryset.get()
    except queryset.model.DoesNotExist:
        return None
