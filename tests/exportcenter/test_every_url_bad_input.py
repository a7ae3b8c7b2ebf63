"""Every URL pattern of the portal answers a NUL byte or invalid UTF-8 without a server error.

The patterns are walked from the root resolver. Path parameters are filled with objects of the demo data
where the parameter names one (an id of a company under /companies/, a request under /requests/, …) and
with dummy values otherwise. Signed in as regional staff, each pattern gets a NUL in a query value and
invalid UTF-8 in the query, and a NUL in a form body.
"""

import io
import uuid
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, SlugConverter, UUIDConverter

from tests.module_db import rows_for_this_module

STAFF_EMAIL = "rita.staff@regionuppsala.example"

# A word of the address → the model whose public ids fill its `public_id` (the first object of the demo).
MODEL_BY_WORD = {
    "companies": "companies.Company",
    "contacts": "companies.Contact",
    "requests": "referrals.AdviceRequest",
    "inbox": "referrals.AdviceRequest",
    "referrals": "referrals.Referral",
    "campaigns": "outreach.Campaign",
    "activities": "outreach.Activity",
    "follow-ups": "outreach.FollowUp",
    "notifications": "notifications.Notification",
}


def _patterns(resolver: URLResolver | None = None, namespace: str = ""):
    """(view name, converters of the whole route, route text) of every named pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for name, converters, route in _patterns(entry, inner):
                yield name, {**_converters(entry), **converters}, f"{entry.pattern}{route}"
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", _converters(entry), str(entry.pattern)


def _converters(entry) -> dict:
    pattern = entry.pattern
    converters = dict(getattr(pattern, "converters", {}))
    for name in getattr(pattern.regex, "groupindex", {}):
        converters.setdefault(name, None)
    return converters


PATTERNS = sorted({name: (converters, route) for name, converters, route in _patterns()}.items())


def _dummy(converter) -> list:
    if isinstance(converter, UUIDConverter):
        return [uuid.uuid4()]
    if isinstance(converter, IntConverter):
        return [1]
    if isinstance(converter, SlugConverter):
        return ["uppsala", "x"]
    return ["x", "1", "uppsala", "advisors", "auth", str(uuid.uuid4())]


def _real(name: str, route: str, world: dict):
    """A demo object's key for a parameter, where the address says which kind of object it names."""
    if name not in ("public_id", "pk", "reference"):
        return None
    for word, label in MODEL_BY_WORD.items():
        if word in route and label in world:
            return world[label].get(name)
    return None


def _url(view_name: str, converters: dict, route: str, world: dict) -> str | None:
    kwargs = {}
    for name, converter in converters.items():
        real = _real(name, route, world)
        kwargs[name] = [real] if real is not None else _dummy(converter)
    attempts = [{}]
    for name, values in kwargs.items():
        attempts = [{**attempt, name: value} for attempt in attempts for value in values]
    for attempt in attempts:
        try:
            return reverse(view_name, kwargs=attempt)
        except NoReverseMatch:
            continue
    return None


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    with rows_for_this_module(django_db_blocker):
        # The fast hasher of every test (conftest's _fast_password_hashing, which is per test and so not yet
        # in force here): the demo's ten accounts would otherwise cost ~1 s of hashing each.
        fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
        with django_db_blocker.unblock(), fast_hashing:
            call_command("seed_demo", "--allow-production", stdout=io.StringIO())
            world = {}
            for label in set(MODEL_BY_WORD.values()):
                obj = apps.get_model(label).objects.order_by("pk").first()
                if obj is not None:
                    world[label] = {
                        key: getattr(obj, key)
                        for key in ("public_id", "pk", "reference")
                        if hasattr(obj, key)
                    }
            # The demo's foreign keys are checked at commit (deferred): their checks wait in the module's
            # transaction. Run them now, once; else the constraint check that ends every test (in its
            # savepoint, undone with it) would run all of them again, ~0.05 s a test.
            connection.check_constraints()
        yield world


@pytest.fixture(scope="module")
def staff_cookies(module_world, django_db_blocker):
    """The cookies of one sign-in as regional staff, made once: its session row lives in the module's
    transaction, and what a test does to it is undone with the test's savepoint."""
    from advisors.models import User

    with django_db_blocker.unblock():
        client = Client()
        client.force_login(User.objects.get(email=STAFF_EMAIL))
        connection.check_constraints()
    return {name: morsel.value for name, morsel in client.cookies.items()}


@pytest.fixture(scope="module")
def module_client():
    """One test client for the module: its handler loads the middleware once, not once a test."""
    return Client(raise_request_exception=False)


@pytest.fixture
def staff_client(module_client, staff_cookies, db):
    module_client.cookies = SimpleCookie()  # only the sign-in's cookies: none a previous test received
    module_client.cookies.load(staff_cookies)
    return module_client


def test_the_walk_finds_the_portal_and_the_api():
    names = {name for name, _ in PATTERNS}
    assert {"dashboards:dashboard", "companies:export_csv", "api-company-list", "api-me"} <= names
    assert len(PATTERNS) > 100


@pytest.mark.parametrize(("view_name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_no_server_error_on_unreadable_input(staff_client, module_world, view_name, pattern):
    converters, route = pattern
    url = _url(view_name, converters, route, module_world)
    if url is None:
        pytest.skip(f"{route} cannot be reversed with the values at hand")
    answers = {
        "NUL in a query value": staff_client.get(f"{url}?q=x%00y&region=x%00y&page=1"),
        "invalid UTF-8 in the query": staff_client.get(f"{url}?q=%ff%fe&region=%c3"),
        "NUL in a form body": staff_client.post(
            url, "q=x%00y&name=x%00y", content_type="application/x-www-form-urlencoded"
        ),
    }
    server_errors = {
        case: answer.status_code for case, answer in answers.items() if answer.status_code >= 500
    }
    assert not server_errors, f"{url}: {server_errors}"
    assert answers["NUL in a query value"].status_code == 400  # refused before any view reads it
