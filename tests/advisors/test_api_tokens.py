"""Personal API tokens: issued hashed and shown once, expiring, revocable, scoped, audited; the page and the
REST endpoints (advisors/tokens.py, advisors/authentication.py, advisors/token pages)."""

import hashlib
import re
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from advisors import tokens
from advisors.models import ApiToken, User
from audit.models import Action as AuditAction
from audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN_PATTERN = re.compile(r"^ec_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$")


@pytest.fixture
def lead(organisation):
    return UserFactory(email="lead@almi.example", organisation=organisation, role=User.Role.ORGANISATION_LEAD)


@pytest.fixture
def staff(organisation):
    return UserFactory(email="staff@region.example", organisation=organisation, role=User.Role.REGIONAL_STAFF)


def issue(user, *, scope=ApiToken.Scope.READ, days=30, name="CRM"):
    return tokens.create_api_token(
        user=user, name=name, scope=scope, expires_at=timezone.now() + timedelta(days=days)
    )


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


# --- Issuing ---------------------------------------------------------------------------------------


def test_a_token_is_stored_as_a_hash_and_its_secret_is_returned_once(lead):
    issued = issue(lead)
    assert TOKEN_PATTERN.match(issued.secret)
    token = ApiToken.objects.get()
    assert token.secret_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values_list(flat=False).get()]
    assert not any(issued.secret in value or issued.secret.split("_", 2)[2] in value for value in stored)
    assert issued.secret.startswith(token.display_prefix + "_")
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN_CREATED)
    assert entry.actor == lead and entry.object_type == "advisors.apitoken"
    assert entry.object_id.replace("-", "") == token.public_id.hex


@pytest.mark.parametrize(
    ("days", "field"),
    [(0, "expires_at"), (-1, "expires_at"), (366, "expires_at")],
)
def test_the_expiry_is_required_in_the_future_and_at_most_a_year(lead, days, field):
    with pytest.raises(ValidationError) as error:
        issue(lead, days=days)
    assert field in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_name_and_a_known_scope(lead):
    with pytest.raises(ValidationError) as error:
        tokens.create_api_token(
            user=lead, name="  \t ", scope="admin", expires_at=timezone.now() + timedelta(days=1)
        )
    assert set(error.value.message_dict) == {"name", "scope"}


# --- Signing in with a token (on PostgreSQL in CI) -----------------------------------------------------


def test_a_token_signs_in_as_its_owner_and_each_use_is_audited(lead):
    issued = issue(lead)
    response = bearer(issued.secret).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["email"] == "lead@almi.example"
    uses = AuditEntry.objects.filter(action=AuditAction.TOKEN_USED)
    assert uses.count() == 1
    use = uses.get()
    assert use.actor == lead and use.channel == "api" and use.path == "/api/v1/me/"
    assert use.details["method"] == "GET"
    bearer(issued.secret).get("/api/v1/me/")
    assert uses.count() == 2  # one entry per request


@pytest.mark.parametrize(
    "secret",
    [
        "ec_00000000_" + "x" * 43,  # unknown prefix
        "nonsense",
        "ec__",
        "ec_" + "a" * 300,
    ],
)
def test_an_unknown_token_is_401_problem_details_with_a_challenge(lead, secret):
    issue(lead)
    response = bearer(secret).get("/api/v1/me/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "authentication_failed"


def test_a_wrong_secret_with_a_real_prefix_is_refused(lead):
    issued = issue(lead)
    forged = issued.secret[:-4] + ("AAAA" if not issued.secret.endswith("AAAA") else "BBBB")
    assert bearer(forged).get("/api/v1/me/").status_code == 401


def test_without_a_token_the_session_api_keeps_its_403(db):
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response


def test_an_expired_token_is_refused(lead, time_machine):
    issued = issue(lead, days=1)
    assert bearer(issued.secret).get("/api/v1/me/").status_code == 200
    time_machine.move_to(timezone.now() + timedelta(days=1, seconds=1))
    assert bearer(issued.secret).get("/api/v1/me/").status_code == 401


def test_a_revoked_token_is_refused_at_once_and_revoking_again_changes_nothing(lead):
    issued = issue(lead)
    tokens.revoke_api_token(token=issued.token, by=lead)
    assert bearer(issued.secret).get("/api/v1/me/").status_code == 401
    revoked_at = ApiToken.objects.get().revoked_at
    tokens.revoke_api_token(token=issued.token, by=lead)
    assert ApiToken.objects.get().revoked_at == revoked_at
    assert AuditEntry.objects.filter(action=AuditAction.TOKEN_REVOKED).count() == 1


def test_a_token_stops_working_when_its_owner_loses_the_role_or_the_account(lead):
    issued = issue(lead)
    lead.role = User.Role.ADVISOR
    lead.save()
    assert bearer(issued.secret).get("/api/v1/me/").status_code == 401
    lead.role, lead.is_active = User.Role.ORGANISATION_LEAD, False
    lead.save()
    assert bearer(issued.secret).get("/api/v1/me/").status_code == 401


def test_a_read_only_token_may_not_write(lead):
    issued = issue(lead, scope=ApiToken.Scope.READ)
    response = bearer(issued.secret).post("/api/v1/saved-views/", {"name": "Mine", "view": "open"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "read_only_token"
    refused = AuditEntry.objects.get(action=AuditAction.TOKEN_USED)
    assert refused.details == {"method": "POST", "scope": "read", "refused": "read_only"}


def test_a_read_write_token_writes_without_a_csrf_token(lead):
    issued = issue(lead, scope=ApiToken.Scope.READ_WRITE)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    response = client.post("/api/v1/saved-views/", {"name": "Mine", "view": "open"}, format="json")
    assert response.status_code == 201, response.json()


def test_the_last_use_is_written_at_most_once_a_minute(lead, time_machine, django_assert_num_queries):
    issued = issue(lead)
    start = timezone.now()
    bearer(issued.secret).get("/api/v1/me/")
    token = ApiToken.objects.get()
    assert token.last_used_at == start or abs(token.last_used_at - start) < timedelta(seconds=1)
    assert token.last_used_address == "127.0.0.1"
    first = token.last_used_at
    time_machine.move_to(start + timedelta(seconds=30))
    bearer(issued.secret).get("/api/v1/me/")
    assert ApiToken.objects.get().last_used_at == first
    time_machine.move_to(start + timedelta(seconds=61))
    bearer(issued.secret).get("/api/v1/me/")
    assert ApiToken.objects.get().last_used_at > first


def test_a_recent_use_costs_no_write(lead, django_assert_num_queries):
    issued = issue(lead)
    tokens.api_token_for(issued.secret)
    with django_assert_num_queries(1):  # the lookup only
        assert tokens.api_token_for(issued.secret) is not None


# --- The REST endpoints -------------------------------------------------------------------------------


def test_the_owner_lists_tokens_without_secrets_and_revokes_one(lead, staff):
    mine = issue(lead, name="Mine")
    issue(staff, name="Theirs")
    client = bearer(issue(lead, scope=ApiToken.Scope.READ_WRITE, name="Admin").secret)
    listing = client.get("/api/v1/tokens/")
    assert listing.status_code == 200
    rows = listing.json()["results"]
    assert {row["name"] for row in rows} == {"Mine", "Admin"}
    assert all("secret" not in row and "secret_hash" not in row for row in rows)
    row = next(row for row in rows if row["name"] == "Mine")
    assert row["prefix"] == mine.token.display_prefix and row["status"] == "active"
    assert row["last_used_at"] is None

    response = client.post(f"/api/v1/tokens/{mine.token.public_id}/revoke/")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert bearer(mine.secret).get("/api/v1/me/").status_code == 401


def test_another_persons_token_is_404(lead, staff):
    theirs = issue(staff)
    client = APIClient()
    client.force_authenticate(lead)
    assert client.get(f"/api/v1/tokens/{theirs.token.public_id}/").status_code == 404
    assert client.post(f"/api/v1/tokens/{theirs.token.public_id}/revoke/").status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_token_list_query_budget(lead, django_assert_max_num_queries):
    for n in range(25):
        issue(lead, name=f"t{n}")
    client = APIClient()
    client.force_authenticate(lead)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/tokens/")
    assert response.json()["count"] == 25


# --- The page -------------------------------------------------------------------------------------------


def _form(**overrides):
    return {
        "name": "CRM sync",
        "scope": "read",
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "form_id": str(uuid.uuid4()),
        **overrides,
    }


def test_the_page_shows_a_new_token_once_and_lists_it(client, lead):
    client.force_login(lead)
    url = reverse("advisors:api_tokens")
    response = client.post(url, _form())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r'value="(ec_[^"]+)"', response.content.decode()).group(1)
    assert ApiToken.objects.get().secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    again = client.get(url)
    assert secret not in again.content.decode()
    assert "CRM sync" in again.content.decode()
    assert bearer(secret).get("/api/v1/me/").status_code == 200


def test_the_same_form_sent_twice_issues_one_token(client, lead):
    client.force_login(lead)
    form = _form()
    client.post(reverse("advisors:api_tokens"), form)
    second = client.post(reverse("advisors:api_tokens"), form)
    assert second.status_code == 302
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"expires_on": ""}, "expires_on"),
        ({"expires_on": "2000-01-01"}, "expires_on"),
        ({"expires_on": "not a date"}, "expires_on"),
        ({"scope": "admin"}, "scope"),
    ],
)
def test_the_page_reports_bad_input_next_to_the_field(client, lead, overrides, field):
    client.force_login(lead)
    response = client.post(reverse("advisors:api_tokens"), _form(**overrides))
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert not ApiToken.objects.exists()


def test_the_expiry_limit_is_a_year(client, lead, settings):
    client.force_login(lead)
    too_far = (timezone.localdate() + timedelta(days=settings.API_TOKEN_MAX_DAYS + 1)).isoformat()
    assert client.post(reverse("advisors:api_tokens"), _form(expires_on=too_far)).status_code == 422
    furthest = (timezone.localdate() + timedelta(days=settings.API_TOKEN_MAX_DAYS)).isoformat()
    assert client.post(reverse("advisors:api_tokens"), _form(expires_on=furthest)).status_code == 200
    assert ApiToken.objects.get().expires_at <= timezone.now() + timedelta(days=settings.API_TOKEN_MAX_DAYS)


def test_advisors_have_no_token_page(client, advisor):
    client.force_login(advisor)
    assert client.get(reverse("advisors:api_tokens")).status_code == 403
    assert client.post(reverse("advisors:api_tokens"), _form()).status_code == 403
    assert "api-tokens" not in client.get(reverse("advisors:profile")).content.decode()


def test_the_page_revokes_only_ones_own_tokens(client, lead, staff):
    theirs = issue(staff)
    mine = issue(lead)
    client.force_login(lead)
    assert client.post(reverse("advisors:api_token_revoke", args=[theirs.token.public_id])).status_code == 404
    response = client.post(reverse("advisors:api_token_revoke", args=[mine.token.public_id]))
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=mine.token.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_at is None


def test_the_page_is_in_english_too(client, staff):
    client.force_login(staff)
    swedish = client.get(reverse("advisors:api_tokens")).content.decode()
    assert "Skapa en token" in swedish
    response = client.get("/en" + reverse("advisors:api_tokens"))
    assert response.status_code == 200
    assert "Create a token" in response.content.decode()


# --- The admin -----------------------------------------------------------------------------------------


def test_the_admin_lists_tokens_without_their_hash_and_revokes_them(client, lead, settings):
    settings.TWO_FACTOR_REQUIRED = False
    issued = issue(lead)
    root = UserFactory(email="root@example.org", organisation=None, is_superuser=True, is_staff=True)
    client.force_login(root)
    page = client.get(reverse("admin:advisors_apitoken_change", args=[issued.token.pk]))
    assert page.status_code == 200
    assert issued.token.secret_hash not in page.content.decode()
    response = client.post(
        reverse("admin:advisors_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [issued.token.pk]},
    )
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    assert AuditEntry.objects.filter(action=AuditAction.TOKEN_REVOKED, actor=root).count() == 1


def test_a_token_works_where_two_factor_sign_in_is_required(lead, settings):
    settings.TWO_FACTOR_REQUIRED = True  # 2FA guards the session; a token is the integration's own key
    issued = issue(lead)
    assert bearer(issued.secret).get("/api/v1/me/").status_code == 200
