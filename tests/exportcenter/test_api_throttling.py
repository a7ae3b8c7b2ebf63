"""Rate limits of the API per token, per user and per client address: 429 problem details with Retry-After
(exportcenter/api/throttling.py). Each test counts in a fresh in-memory cache of its own."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from advisors import tokens
from advisors.models import ApiToken, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NO_LIMITS = {"token": None, "user": None, "address": None}


@pytest.fixture
def rates(settings):
    """Sets the rates for one test, with a cache of its own (the cache keeps the counts)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    from django.core.cache import cache

    cache.clear()

    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**NO_LIMITS, **rates},
        }

    yield set_rates
    cache.clear()


@pytest.fixture
def lead(organisation):
    return UserFactory(email="lead@almi.example", organisation=organisation, role=User.Role.ORGANISATION_LEAD)


def token_client(user, name="t"):
    issued = tokens.create_api_token(
        user=user, name=name, scope=ApiToken.Scope.READ, expires_at=timezone.now() + timedelta(days=1)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    return client


def assert_throttled(response):
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["status"] == 429 and body["code"] == "throttled"


def test_per_token(rates, lead):
    rates(token="3/min")
    first, second = token_client(lead, "first"), token_client(lead, "second")
    for _ in range(3):
        assert first.get("/api/v1/me/").status_code == 200
    assert_throttled(first.get("/api/v1/me/"))
    assert second.get("/api/v1/me/").status_code == 200  # another token of the same person has its own count


def test_per_user_across_tokens_and_session(rates, lead):
    rates(user="3/min")
    session = APIClient()
    session.force_authenticate(lead)
    assert session.get("/api/v1/me/").status_code == 200
    assert token_client(lead, "a").get("/api/v1/me/").status_code == 200
    assert token_client(lead, "b").get("/api/v1/me/").status_code == 200
    assert_throttled(session.get("/api/v1/me/"))
    other = APIClient()
    other.force_authenticate(UserFactory(organisation=lead.organisation))
    assert other.get("/api/v1/me/").status_code == 200


def test_per_address(rates, lead, settings):
    rates(address="2/min")
    settings.TRUSTED_PROXY_COUNT = 1
    people = [UserFactory(organisation=lead.organisation) for _ in range(3)]
    clients = []
    for person in people:
        client = APIClient(HTTP_X_FORWARDED_FOR="198.51.100.7")
        client.force_authenticate(person)
        clients.append(client)
    assert clients[0].get("/api/v1/me/").status_code == 200
    assert clients[1].get("/api/v1/me/").status_code == 200
    assert_throttled(clients[2].get("/api/v1/me/"))  # a third person from the same address
    elsewhere = APIClient(HTTP_X_FORWARDED_FOR="198.51.100.8")
    elsewhere.force_authenticate(people[2])
    assert elsewhere.get("/api/v1/me/").status_code == 200


def test_retry_after_counts_down_to_the_window(rates, lead, time_machine):
    rates(user="1/hour")
    client = APIClient()
    client.force_authenticate(lead)
    client.get("/api/v1/me/")
    response = client.get("/api/v1/me/")
    assert_throttled(response)
    assert 3500 <= int(response["Retry-After"]) <= 3600


@override_settings()
def test_the_default_rates_come_from_the_settings(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert set(rates) == {"token", "user", "address"}
    assert all(rate is None or "/" in rate for rate in rates.values())
