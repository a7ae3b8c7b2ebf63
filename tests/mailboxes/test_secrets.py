"""Mailbox passwords encrypted at rest (mailboxes.secrets) and the deploy check of the keys."""

import pytest
from cryptography.fernet import Fernet

from mailboxes import checks, secrets


def test_a_password_round_trips_and_the_token_does_not_contain_it(settings):
    settings.MAIL_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    token = secrets.encrypt("lösen-ord 123")
    assert "lösen" not in token and "123" not in token
    assert secrets.decrypt(token) == "lösen-ord 123"
    assert secrets.encrypt("") == "" and secrets.decrypt("") == ""


def test_without_keys_a_key_is_derived_from_secret_key(settings):
    settings.MAIL_ENCRYPTION_KEYS = []
    token = secrets.encrypt("hemligt")
    assert secrets.decrypt(token) == "hemligt"
    settings.SECRET_KEY = "another secret key entirely, long enough"
    with pytest.raises(secrets.SecretError) as raised:
        secrets.decrypt(token)
    assert "hemligt" not in str(raised.value)


def test_keys_rotate_the_first_encrypts_and_all_decrypt(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MAIL_ENCRYPTION_KEYS = [old]
    token = secrets.encrypt("hemligt")
    settings.MAIL_ENCRYPTION_KEYS = [new, old]
    assert secrets.decrypt(token) == "hemligt"
    rotated = secrets.rotate(token)
    settings.MAIL_ENCRYPTION_KEYS = [new]
    assert secrets.decrypt(rotated) == "hemligt"
    with pytest.raises(secrets.SecretError):
        secrets.decrypt(token)


def test_a_damaged_token_is_a_secret_error(settings):
    with pytest.raises(secrets.SecretError):
        secrets.decrypt("not a token")


def test_the_check_warns_in_production_without_keys(settings):
    settings.DEBUG = False
    settings.MAIL_ENCRYPTION_KEYS = []
    assert [m.id for m in checks.encryption_keys(None)] == ["mailboxes.W001"]
    settings.DEBUG = True
    assert checks.encryption_keys(None) == []


def test_the_check_refuses_a_key_that_is_not_a_fernet_key(settings):
    settings.DEBUG = False
    settings.MAIL_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), "too-short"]
    problems = checks.encryption_keys(None)
    assert [m.id for m in problems] == ["mailboxes.E001"]
    assert "key number 2" in problems[0].msg and "too-short" not in problems[0].msg
    settings.MAIL_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert checks.encryption_keys(None) == []
