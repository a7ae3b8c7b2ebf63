"""Fixtures shared by the whole suite, and the session's setup.

* The suite runs in parallel (pytest-xdist, `-n auto` in pyproject's addopts). pytest-django gives every
  worker its own test database (`test_<name>_gw0`, ...); `pytest_configure` gives every worker its own
  Redis database too (cache and broker), so that one worker's `cache.clear()` or rate-limit counts never
  reach another's.
* The reference data (counties, municipalities, SNI, turnover classes) is loaded once per test database,
  in `django_db_setup`. The flush that ends a transactional test (`live_server`, `transaction=True`) leaves
  its tables alone; should a test empty them anyway, `pytest_runtest_teardown` loads them again.
* The translation catalogues are compiled at session start when a `.mo` file is missing or older than its
  `.po` (they are git-ignored), so that a plain `pytest` checks Swedish text against today's catalogue.
"""

import os
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from reference.loader import load_reference_data, reference_data_loaded
from tests.clock import STOCKHOLM
from tests.factories import OrganisationFactory, RegionFactory, UserFactory

# Fixtures of the real servers the mail tests use (dovecot, clamd) and the attachments storage per test.
pytest_plugins = ["tests.clamd", "tests.dovecot", "tests.attachments"]

REDIS_DATABASES = 16  # Redis's default `databases`


def worker_redis_url(url: str, worker_id: str) -> str:
    """The Redis URL of xdist worker `gwN`: database (base + N) mod 16 of the same server."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    number = (base + int(worker_id.removeprefix("gw"))) % REDIS_DATABASES
    return urlunsplit(parts._replace(path=f"/{number}"))


redis_base_url = {"url": ""}  # REDIS_URL as given, before _use_a_redis_database_per_worker()


def _use_a_redis_database_per_worker(config) -> None:
    worker_id = getattr(config, "workerinput", {}).get("workerid")
    if not worker_id or not settings.REDIS_URL:
        return
    redis_base_url["url"] = settings.REDIS_URL
    url = worker_redis_url(settings.REDIS_URL, worker_id)
    for cache in settings.CACHES.values():
        if cache.get("LOCATION") == settings.REDIS_URL:
            cache["LOCATION"] = url
    # The broker too: tests that start a real Celery worker (tests/outreach/test_worker_crash.py) hand it
    # REDIS_URL, and a cache.clear() (FLUSHDB) in another worker must not empty its queue.
    if settings.CELERY_BROKER_URL == settings.REDIS_URL:
        from exportcenter.celery import app

        settings.CELERY_BROKER_URL = url
        app.conf.broker_url = url
    os.environ["REDIS_URL"] = settings.REDIS_URL = url


def compile_catalogues(base_dir: Path) -> list[Path]:
    """Compile every locale/*/LC_MESSAGES/*.po whose .mo is missing or older; return the compiled .mo files.

    Like `pybabel compile` (what `make` runs): fuzzy entries are left out, and a catalogue whose header is
    marked fuzzy is refused with a clear message rather than silently left uncompiled.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for po in sorted(base_dir.glob("locale/*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as file:
            catalog = read_po(file, locale=po.parts[-3], domain=po.stem)
        if catalog.fuzzy:
            raise pytest.UsageError(f"{po} has a fuzzy header: fix it, then compile it (make test does)")
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")
        with partial.open("wb") as file:
            write_mo(file, catalog)
        partial.replace(mo)  # atomic: a process reading the catalogue never sees half a file
        compiled.append(mo)
    return compiled


def pytest_configure(config):
    # Servers and workers that tests start read PGOPTIONS too (set in pyproject.toml's [tool.pytest] env,
    # before the settings are read; synchronous_commit=off for throw-away test databases).
    os.environ.setdefault("PGOPTIONS", "-c synchronous_commit=off")
    # Once, in the controller (or the only process), before the workers start.
    if not hasattr(config, "workerinput") and compile_catalogues(Path(settings.BASE_DIR)):
        from django.utils.translation import trans_real

        trans_real._translations.clear()  # forget catalogues read before the compilation
    _use_a_redis_database_per_worker(config)


# The slowest first: a real Celery worker or a SQLite database migrated in a subprocess (up to a minute),
# or the pages benchmark's smoke run (gunicorn and hey), then a browser against the live server (seconds).
SLOW_FIXTURES = ({"worker_env", "migrated_sqlite", "bench_database_url"}, {"live_server"})


def _slowness(item) -> int:
    fixtures = set(getattr(item, "fixturenames", ()))
    return next((rank for rank, names in enumerate(SLOW_FIXTURES) if names & fixtures), len(SLOW_FIXTURES))


def pytest_collection_modifyitems(config, items):
    """The slow tests first, each group in its order: a parallel run then ends on short tests, not with one
    worker on a test of a minute while the other waits. On SQLite, the tests marked `postgres` are skipped."""
    items.sort(key=_slowness)
    if not settings.USING_POSTGRES:
        skip = pytest.mark.skip(reason="needs PostgreSQL (marked `postgres`); set DATABASE_URL=postgres://…")
        for item in items:
            if item.get_closest_marker("postgres"):
                item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _flush_keeps_the_reference_data():
    """A transactional test's flush keeps the reference data (reloading it after each would cost ~0.3 s),
    the content types and the permissions, and deletes rows instead of truncating: tests/flush.py."""
    from django.core.management.commands import flush

    from tests import flush as fast_flush

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flush, "sql_flush", fast_flush.sql_flush)
        yield


# The blocker of the test database while it exists (set up and not yet torn down), else None.
_test_database = {"blocker": None}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the reference data (kept between runs by --reuse-db)."""
    with django_db_blocker.unblock():
        if not reference_data_loaded():
            load_reference_data()
        # SQLite's JSON support is probed once per connection (3 statements, on the first query that reads
        # a JSON column): here, not inside whichever query-count test happens to come first.
        assert connection.features.supports_json_field
    _test_database["blocker"] = django_db_blocker
    yield
    _test_database["blocker"] = None


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or {"transactional_db", "live_server", "django_db_reset_sequences"} & set(fixtures)
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that flushed the database (its fixtures are torn down), load the reference data again."""
    try:
        return (yield)
    finally:
        blocker = _test_database["blocker"]
        if blocker is not None and nextitem is not None and _flushes_the_database(item):
            with blocker.unblock():
                if not reference_data_loaded():
                    load_reference_data()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A SQLite database of `make run`'s embedded setup, migrated once per run (that takes 10-30 s): the
    xdist workers share one, made by the first that asks, under a file lock in their common temporary
    folder."""
    import fcntl

    from tests.exportcenter.test_embedded_celery import environment, manage

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # pytest-of-<user>/pytest-<n>/, the same for every worker of this run
    database = shared / "embedded-migrated" / "db.sqlite3"
    with (shared / "embedded-migrated.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not database.exists():
            partial = Path(tempfile.mkdtemp(prefix="embedded-migrating-", dir=shared))
            manage(environment(partial), "migrate", "--noinput", "-v0")
            partial.rename(database.parent)
    return database


@pytest.fixture
def reference_data(db):
    """SCB reference data: loaded once per session; loaded again here if a test's own flush removed it."""
    if not reference_data_loaded():
        load_reference_data()


@pytest.fixture
def midday_today(time_machine):
    """Today at 12:00 in Stockholm, the clock running from there (time-machine).

    For tests that read today's date twice (the server, then the assertion) and cannot take a fixed date
    (a browser's cookies expire by the real clock): they never straddle midnight or New Year.
    """
    now = datetime.now(STOCKHOLM)
    time_machine.move_to(now.replace(hour=12, minute=0, second=0, microsecond=0))


@pytest.fixture
def region(db):
    return RegionFactory(name="Exportcenter Uppsala län", slug="uppsala")


@pytest.fixture
def other_region(db):
    return RegionFactory(name="Exportcenter Gävleborg", slug="gavleborg")


@pytest.fixture
def organisation(region):
    return OrganisationFactory(name="Almi Uppsala", slug="almi-uppsala", regions=[region])


@pytest.fixture
def advisor(organisation):
    return UserFactory(email="advisor@almi.example", full_name="Anna Andersson", organisation=organisation)


@pytest.fixture
def is_postgres():
    return settings.USING_POSTGRES


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Swedish). A request to an /en/ page through the test
    client activates English in the test's thread and nothing deactivates it, so a later `reverse()` would
    give an /en/ address: a test's result would depend on which tests ran before it in its process."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def in_english(_default_language):
    """The test's thread speaks English: `reverse()` gives /en/ addresses, templates render in English."""
    translation.activate("en")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_api_rate_limits(settings):
    """The API's rate limits count every request from 127.0.0.1 in a shared cache: a long run would hit
    them. tests/exportcenter/test_api_throttling.py sets the rates it tests."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": None, "user": None, "address": None},
    }
