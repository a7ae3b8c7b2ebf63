"""The test suite's own setup (tests/conftest.py): catalogues, reference data, one Redis database per
xdist worker, rows kept for a module."""

import gettext
import os
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from advisors.models import Region
from reference.models import County, Municipality, SNICode
from tests.conftest import compile_catalogues, redis_base_url, worker_redis_url
from tests.factories import RegionFactory
from tests.module_db import rows_for_this_module

PO = """\
msgid ""
msgstr ""
"Language: sv\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Help me export"
msgstr "Hjälp mig att exportera"
"""


def write_po(base, text=PO):
    po = base / "locale" / "sv" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(text, encoding="utf-8")
    return po


def test_a_missing_catalogue_is_compiled(tmp_path):
    po = write_po(tmp_path)
    assert compile_catalogues(tmp_path) == [po.with_suffix(".mo")]
    with po.with_suffix(".mo").open("rb") as file:
        assert gettext.GNUTranslations(file).gettext("Help me export") == "Hjälp mig att exportera"


def test_a_catalogue_is_compiled_again_only_when_its_po_is_newer(tmp_path):
    po = write_po(tmp_path)
    compile_catalogues(tmp_path)
    assert compile_catalogues(tmp_path) == []  # up to date
    later = time.time() + 5
    os.utime(po, (later, later))
    assert compile_catalogues(tmp_path) == [po.with_suffix(".mo")]


def test_a_catalogue_with_a_fuzzy_header_is_refused_with_a_clear_message(tmp_path):
    write_po(tmp_path, "#, fuzzy\n" + PO)
    with pytest.raises(pytest.UsageError, match="fuzzy header"):
        compile_catalogues(tmp_path)


def test_the_projects_catalogue_is_compiled_for_the_session():
    po = settings.BASE_DIR / "locale" / "sv" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists()


@pytest.mark.parametrize(
    ("url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/7", "gw0", "redis://127.0.0.1:6379/7"),
        ("redis://127.0.0.1:6379/7", "gw1", "redis://127.0.0.1:6379/8"),
        ("redis://127.0.0.1:6379/15", "gw1", "redis://127.0.0.1:6379/0"),
        ("redis://:secret@redis:6379", "gw2", "redis://:secret@redis:6379/2"),
    ],
)
def test_each_xdist_worker_has_a_redis_database_of_its_own(url, worker, expected):
    assert worker_redis_url(url, worker) == expected


def test_this_worker_uses_its_own_redis_database(request):
    from exportcenter.celery import app

    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if not worker or not settings.REDIS_URL:
        pytest.skip("runs under xdist with REDIS_URL")
    url = worker_redis_url(redis_base_url["url"], worker)
    assert settings.REDIS_URL == os.environ["REDIS_URL"] == url
    assert settings.CACHES["default"]["LOCATION"] == app.conf.broker_url == url


@pytest.mark.django_db
def test_the_reference_data_is_there_without_asking_for_it():
    """Loaded once per test database (django_db_setup), not per test."""
    assert County.objects.count() == 21
    assert Municipality.objects.filter(code="0380").exists() and SNICode.objects.count() == 835


# The mark makes pytest-django set up the test database when this test runs on its own (it sets it up only
# for tests that use it); the module's rows still go with their own transaction, inside the test's.
@pytest.mark.django_db
def test_rows_made_for_a_module_are_rolled_back_at_its_end(django_db_setup, django_db_blocker):
    with rows_for_this_module(django_db_blocker), django_db_blocker.unblock():
        RegionFactory(slug="kept-for-a-module")
        assert transaction.get_connection().in_atomic_block
        assert Region.objects.filter(slug="kept-for-a-module").exists()
    with django_db_blocker.unblock():
        assert not Region.objects.filter(slug="kept-for-a-module").exists()


@pytest.mark.django_db(transaction=True)
def test_the_flush_of_a_transactional_test_keeps_the_reference_data():
    RegionFactory(slug="flushed")
    call_command("flush", interactive=False, verbosity=0)
    assert not Region.objects.exists()
    assert County.objects.count() == 21 and SNICode.objects.count() == 835


def test_an_english_page_earlier_in_the_process_leaves_no_english_behind(client, db):
    client.get("/en/")
    assert translation.get_language() == "en"  # the test client's request activated it in this thread


def test_each_test_starts_in_the_default_language():
    # Whichever test ran before in this process (the one above, when alone), the default language holds.
    assert translation.get_language() == settings.LANGUAGE_CODE == "sv"
