"""Search forms that post, so that a personal identity number typed into them never lands in a URL.

A list's search form posts; `redirect_to_search` turns the post into a GET of the list. A search text
that holds a personal identity number is kept in the session and the URL carries an opaque key instead,
which `search_params` puts back. Other texts and filters go into the URL as usual.
"""

import secrets

from django.http import HttpResponseRedirect, QueryDict

from companies.identifiers import is_personal_number, looks_like_number

SESSION_KEY = "list_searches"
MAX_TEXT = 200


def redirect_to_search(request, *, path: str | None = None) -> HttpResponseRedirect:
    params = request.POST.copy()
    params.pop("csrfmiddlewaretoken", None)
    text = params.get("q", "")
    digits = looks_like_number(text)
    if digits and is_personal_number(digits[-10:]):
        key = secrets.token_urlsafe(8)
        request.session[SESSION_KEY] = {key: text[:MAX_TEXT]}
        params.pop("q")
        params["search"] = key
    return HttpResponseRedirect(f"{path or request.path}?{params.urlencode()}")


def search_params(request) -> QueryDict:
    """The list's filters from the URL, with a search text kept in the session put back as `q`."""
    params = request.GET.copy()
    key = params.pop("search", [None])[0]
    if key:
        params["q"] = request.session.get(SESSION_KEY, {}).get(key, "")
    return params
