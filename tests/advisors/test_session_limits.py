"""Sessions end when idle (SESSION_IDLE_MINUTES) and when too old (SESSION_MAX_HOURS); what a signed-in
person is shown, and every API answer, is `Cache-Control: no-store`."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Action, AuditEntry
from tests.factories import TEST_PASSWORD


@pytest.fixture(autouse=True)
def _limits(settings, time_machine):
    settings.SESSION_IDLE_MINUTES = 480
    settings.SESSION_MAX_HOURS = 12
    time_machine.move_to("2026-03-02 07:00 +01:00", tick=False)


def sign_in(client, advisor):
    response = client.post("/login/", {"username": advisor.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_an_idle_session_ends_with_a_message(client, advisor, settings, time_machine):
    settings.SESSION_MAX_HOURS = 24  # only the idle limit matters here
    sign_in(client, advisor)  # 07:00
    time_machine.move_to("2026-03-02 14:59 +01:00", tick=False)  # 479 minutes without a request
    assert client.get("/advisor/").status_code == 200
    time_machine.move_to("2026-03-02 22:59 +01:00", tick=False)  # 480 minutes without a request
    response = client.get("/advisor/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/advisor/profile/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "utan aktivitet" in page  # "signed out after a while without activity", in Swedish
    assert AuditEntry.objects.get(action=Action.SIGN_OUT).details == {"reason": "idle"}


def test_a_busy_session_still_ends_after_the_maximum(client, advisor, time_machine):
    sign_in(client, advisor)
    for moment in ("2026-03-02 13:00", "2026-03-02 18:59"):
        time_machine.move_to(f"{moment} +01:00", tick=False)
        assert client.get("/advisor/").status_code == 200
    time_machine.move_to("2026-03-02 19:00 +01:00", tick=False)  # 12 hours after sign-in
    response = client.get("/advisor/")
    assert response["Location"] == "/login/?next=/advisor/"
    assert AuditEntry.objects.get(action=Action.SIGN_OUT).details == {"reason": "expired"}


def test_a_force_login_session_is_limited_too(client, advisor, time_machine):
    client.force_login(advisor)
    assert client.get("/advisor/").status_code == 200
    time_machine.move_to("2026-03-02 15:00 +01:00", tick=False)
    assert client.get("/advisor/").status_code == 302


def test_the_api_answers_an_ended_session_as_signed_out(client, advisor, time_machine):
    sign_in(client, advisor)
    assert client.get("/api/v1/companies/").status_code == 200
    time_machine.move_to("2026-03-02 15:00 +01:00", tick=False)
    response = client.get("/api/v1/companies/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/problem+json")


def test_htmx_is_told_to_go_to_the_sign_in_page(client, advisor, time_machine):
    sign_in(client, advisor)
    time_machine.move_to("2026-03-02 15:00 +01:00", tick=False)
    response = client.get("/advisor/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login/"


def test_a_post_after_the_end_goes_to_sign_in_and_changes_nothing(client, advisor, time_machine):
    sign_in(client, advisor)
    time_machine.move_to("2026-03-02 15:00 +01:00", tick=False)
    response = client.post("/advisor/profile/", {"full_name": "Changed", "preferred_language": "sv"})
    assert response["Location"] == "/login/"
    advisor.refresh_from_db()
    assert advisor.full_name != "Changed"


def test_requests_do_not_write_the_session_each_time(client, advisor, time_machine):
    sign_in(client, advisor)
    time_machine.move_to("2026-03-02 07:00:30 +01:00", tick=False)
    with CaptureQueriesContext(connection) as captured:
        client.get("/advisor/")
    assert not [
        q for q in captured.captured_queries if q["sql"].startswith("UPDATE") and "session" in q["sql"]
    ]
    time_machine.move_to("2026-03-02 07:01:30 +01:00", tick=False)
    with CaptureQueriesContext(connection) as captured:
        client.get("/advisor/")
    assert [q for q in captured.captured_queries if q["sql"].startswith("UPDATE") and "session" in q["sql"]]


# --- No caching of personal pages ---------------------------------------------------------------------


def test_signed_in_pages_exports_and_the_api_are_not_stored(client, advisor):
    sign_in(client, advisor)
    for url in ("/advisor/", "/", "/companies/export.csv", "/companies/export.xlsx", "/api/v1/companies/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "public" not in response["Cache-Control"], url


def test_public_pages_stay_cacheable_for_anonymous_visitors(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    api = client.get("/api/v1/companies/")
    assert "no-store" in api["Cache-Control"]  # every API answer, signed in or not
