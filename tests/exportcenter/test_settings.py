"""The settings module reads its configuration from the environment."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS_PATH = Path(__file__).resolve().parents[2] / "exportcenter" / "settings.py"
VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
    "CELERY_BROKER_URL",
    "TIME_ZONE",
    "SECURE_SSL_REDIRECT",
    "STATIC_MANIFEST",
]


def load_settings(monkeypatch, **environment) -> dict:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_PATH))


def test_secret_key_is_required_without_debug(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(monkeypatch, DEBUG="false")


def test_debug_has_an_embedded_default(monkeypatch):
    settings = load_settings(monkeypatch, DEBUG="true")
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["CELERY_BROKER_URL"] == "filesystem://localhost/"
    assert settings["CELERY_BROKER_TRANSPORT_OPTIONS"]["data_folder_in"].endswith("queue")
    assert settings["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert settings["LANGUAGE_CODE"] == "sv"
    assert settings["TIME_ZONE"] == "Europe/Stockholm"
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_postgres_and_redis_from_urls(monkeypatch):
    settings = load_settings(
        monkeypatch,
        DEBUG="false",
        SECRET_KEY="x" * 60,
        DATABASE_URL="postgres://ec:pw@db.internal:5432/exportcenter",
        REDIS_URL="redis://cache.internal:6379/2",
        ALLOWED_HOSTS="exportcenter.example.org,www.exportcenter.example.org",
        EMAIL_URL="smtp+tls://user:secret@mail.example.org:587",
    )
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"]) == ("db.internal", "exportcenter")
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] > 0
    assert settings["CELERY_BROKER_URL"] == "redis://cache.internal:6379/2"
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    assert settings["ALLOWED_HOSTS"] == ["exportcenter.example.org", "www.exportcenter.example.org"]
    assert settings["EMAIL_HOST"] == "mail.example.org"
    assert settings["EMAIL_USE_TLS"] is True
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
    assert settings["SECURE_HSTS_SECONDS"] > 0


def test_beat_uses_the_database_scheduler_with_the_outbox_sweep(monkeypatch):
    settings = load_settings(monkeypatch, DEBUG="true")
    assert settings["CELERY_BEAT_SCHEDULER"] == "django_celery_beat.schedulers:DatabaseScheduler"
    assert (
        settings["CELERY_BEAT_SCHEDULE"]["flush-email-outbox"]["task"] == "notifications.tasks.flush_outbox"
    )


def test_content_security_policy_forbids_inline_script(monkeypatch):
    directives = load_settings(monkeypatch, DEBUG="true")["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["style-src"]


def test_every_scheduled_task_is_a_registered_task():
    """A beat entry naming a task nobody registered would fail silently, every time, in production."""
    from django.conf import settings

    from exportcenter.celery import app

    app.loader.import_default_modules()
    missing = {
        name: entry["task"]
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in app.tasks
    }
    assert missing == {}


@pytest.mark.django_db
def test_the_checks_of_the_models_and_the_database_find_nothing():
    """On SQLite too (the embedded default): its covering indexes lose their included columns, which is no
    reason for a warning on every start (`SILENCED_SYSTEM_CHECKS`)."""
    from django.core.checks import WARNING, Tags, run_checks

    checks = run_checks(databases=["default"], tags=[Tags.models, Tags.database])
    messages = [m for m in checks if m.level >= WARNING and not m.is_silenced()]
    assert messages == []
