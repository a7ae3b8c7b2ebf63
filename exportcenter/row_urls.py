"""A URL for each row of a list, reversed once per list.

`reverse` costs about 25 µs; a list of 50 rows with a link or two each spent a millisecond or more on it
(the API's companies, the inbox). The URL is reversed once with a placeholder id, which each row's own id
then replaces: the same string `reverse` would give, as long as the id is what the URL pattern holds
(a UUID here, whose text no other part of a URL contains).
"""

import uuid
from collections.abc import Callable

from django.urls import reverse

PLACEHOLDER = str(uuid.UUID(int=0))


def per_row(
    viewname: str, row_kwarg: str = "public_id", *, absolute_for=None, **kwargs
) -> Callable[[object], str]:
    """`per_row("companies:detail")(company.public_id)`: the view's URL with the row's id as `row_kwarg`
    (the other keyword arguments are the same for every row); `absolute_for`: an HTTP request, for
    absolute URLs (the API's)."""
    template = reverse(viewname, kwargs={**kwargs, row_kwarg: PLACEHOLDER})
    if absolute_for is not None:
        template = absolute_for.build_absolute_uri(template)
    return lambda row_id: template.replace(PLACEHOLDER, str(row_id))
