"""Database blips, injected for real with pg_terminate_backend.

A persistent connection killed between requests never reaches a user (CONN_HEALTH_CHECKS); a request in
flight when its connection dies answers 503 "try again" (a page in the request's language, problem details
under /api/), never a bare 500.
"""

import io
import logging

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import Client, RequestFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the connection must be the one requests really use
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's"),
]


def terminate(pid: int) -> None:
    """Kill a backend from a separate connection, as a database restart or failover would."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _ in range(50):  # wait until the backend is really gone
                cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone() is None:
                    break
                cursor.execute("SELECT pg_sleep(0.02)")
    finally:
        other.close()


def wsgi_get(path: str) -> tuple[int, bytes]:
    """One request through Django's real WSGI handler (the test client skips the request_started signal,
    which is where a persistent connection is checked)."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET", QUERY_STRING="")
    environ["wsgi.input"] = io.BytesIO(b"")
    status = {}

    def start_response(line, headers, exc_info=None):
        status["code"] = int(line.split()[0])

    response = WSGIHandler()(environ, start_response)
    body = b"".join(response)
    response.close()  # request_finished: what a WSGI server does at the end of every request
    return status["code"], body


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_connection_killed_between_requests_never_reaches_a_user(settings, reference_data):
    assert connection.settings_dict["CONN_MAX_AGE"] != 0 and connection.settings_dict["CONN_HEALTH_CHECKS"]
    code, _ = wsgi_get("/en/help-me-export/")
    assert code == 200
    first = backend_pid()
    assert connection.connection is not None  # persistent: kept after the request
    terminate(first)
    for _ in range(3):
        code, body = wsgi_get("/en/help-me-export/")
        assert code == 200, body[:300]
    assert backend_pid() != first  # a new connection, opened before the view ran


class KillOnQuery:
    """An execute wrapper that terminates this connection's backend just before query number `at`."""

    def __init__(self, at: int = 1):
        self.at, self.seen, self.killed = at, 0, False

    def __call__(self, execute, sql, params, many, context):
        self.seen += 1
        if self.seen == self.at and not self.killed:
            self.killed = True
            terminate(context["connection"].connection.get_backend_pid())
        return execute(sql, params, many, context)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/en/help-me-export/", "Temporarily unavailable"),
        ("/help-me-export/", "Tillfälligt otillgänglig"),
    ],
)
def test_a_request_in_flight_when_the_database_goes_away_is_a_503_try_again_page(path, text, caplog):
    client = Client(raise_request_exception=False)
    connection.ensure_connection()
    killer = KillOnQuery()
    with caplog.at_level(logging.INFO), connection.execute_wrapper(killer):
        response = client.get(path)
    connection.close()
    assert killer.killed
    assert response.status_code == 503
    assert response["Retry-After"]
    assert text in response.content.decode()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    # The next request is served on a new connection.
    assert Client().get(path).status_code == 200


def test_an_api_request_in_flight_when_the_database_goes_away_is_a_503_problem(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    killer = KillOnQuery()
    with connection.execute_wrapper(killer):
        response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    connection.close()
    assert killer.killed
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unavailable"
    assert response.json()["status"] == 503
