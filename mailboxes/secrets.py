"""Mailbox passwords encrypted at rest (Fernet, from `cryptography`).

MAIL_ENCRYPTION_KEYS is a list of Fernet keys: the first encrypts, every one decrypts, so a key is rotated by
putting a new one first and keeping the old one until `rotate()` has re-encrypted the passwords. Without it a
key is derived from SECRET_KEY: fine for `make run` and the tests, refused in production by the deploy check
`mailboxes.W001` (mailboxes/checks.py), since a leaked SECRET_KEY would then open the passwords too.

Nothing here logs or puts the plain text in an exception message.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretError(Exception):
    """A token that none of the keys opens (wrong key, key rotated away, or a damaged value)."""


def derived_key() -> bytes:
    """A Fernet key derived from SECRET_KEY (used only when MAIL_ENCRYPTION_KEYS is empty)."""
    digest = hashlib.sha256(b"exportcenter.mailboxes.secrets:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def configured_keys() -> list[str]:
    return [key.strip() for key in settings.MAIL_ENCRYPTION_KEYS if key and key.strip()]


def _fernet() -> MultiFernet:
    keys = configured_keys() or [derived_key()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    """A Fernet token (text) for `text`; "" for "" (no password)."""
    if not text:
        return ""
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The text of a token made by `encrypt`; "" for "". Raises SecretError when no key opens it."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        raise SecretError("the stored password cannot be decrypted with MAIL_ENCRYPTION_KEYS") from None


def rotate(token: str) -> str:
    """The token re-encrypted with the first key (after a key rotation)."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError, ValueError):
        raise SecretError("the stored password cannot be decrypted with MAIL_ENCRYPTION_KEYS") from None
