"""Bench mode (BENCH_FLOOR_VIEW, off by default): the pieces `bench/pages.py` measures against.

- `floor`: renders the base layout for the signed-in user and nothing else. Every page costs at least
  this much (session, user, middleware, base.html with its menu and bell), so the harness reports each
  endpoint as a multiple of it.
- `QueryCountMiddleware`: adds `X-Query-Count` (every query of the request, the session save included)
  to each answer, so the harness reads the query count of a page from the running server.

Neither exists unless BENCH_FLOOR_VIEW is on: the URL is not routed and the middleware is not installed.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_required
@require_GET
def floor(request):
    if not settings.BENCH_FLOOR_VIEW:  # routed only when on; refused as well, should a urlconf keep it
        raise Http404
    return render(request, "base.html", {})


class QueryCountMiddleware:
    """Counts the database queries of one request (all connections) into the X-Query-Count header.

    First in MIDDLEWARE, so that the session and authentication queries count too.
    """

    def __init__(self, get_response):
        if not settings.BENCH_FLOOR_VIEW:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connection.execute_wrapper(counter) for connection in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Query-Count"] = str(count)
        return response
