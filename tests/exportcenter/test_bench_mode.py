"""Bench mode (BENCH_FLOOR_VIEW): the floor view and the X-Query-Count header exist only when it is on."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches

import exportcenter.urls

FLOOR = "/bench/floor/"


@pytest.fixture
def bench_mode(settings):
    """BENCH_FLOOR_VIEW on, as bench/pages.py starts the server: the URL routed, the middleware first."""
    settings.BENCH_FLOOR_VIEW = True
    settings.MIDDLEWARE = ["exportcenter.bench.QueryCountMiddleware", *settings.MIDDLEWARE]
    importlib.reload(exportcenter.urls)
    clear_url_caches()
    yield
    settings.BENCH_FLOOR_VIEW = False
    importlib.reload(exportcenter.urls)
    clear_url_caches()


def test_the_floor_view_is_not_there_by_default(client, advisor, settings):
    assert settings.BENCH_FLOOR_VIEW is False
    assert "exportcenter.bench.QueryCountMiddleware" not in settings.MIDDLEWARE
    client.force_login(advisor)

    response = client.get(FLOOR)

    assert response.status_code == 404
    assert "X-Query-Count" not in response.headers
    assert "X-Query-Count" not in client.get("/").headers


def test_the_floor_view_renders_the_base_layout_for_the_signed_in_user(client, advisor, bench_mode):
    client.force_login(advisor)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(FLOOR)

    assert response.status_code == 200
    assert response.templates[0].name == "base.html"
    assert advisor.full_name in response.content.decode()
    assert int(response.headers["X-Query-Count"]) == len(queries)


def test_the_floor_view_wants_a_signed_in_user(client, bench_mode):
    response = client.get(FLOOR)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_query_count_middleware_does_nothing_when_bench_mode_is_off(settings, rf):
    from django.core.exceptions import MiddlewareNotUsed

    from exportcenter.bench import QueryCountMiddleware

    settings.BENCH_FLOOR_VIEW = False
    with pytest.raises(MiddlewareNotUsed):
        QueryCountMiddleware(lambda request: None)
