"""System checks for mailboxes (registered by `MailboxesConfig.ready()`): the key that encrypts the mailbox
passwords (mailboxes.secrets)."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks

from . import secrets


@checks.register(checks.Tags.security)
def encryption_keys(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """MAIL_ENCRYPTION_KEYS holds valid Fernet keys (Error), and in production it is set (Warning: a key
    derived from SECRET_KEY would put both secrets in one)."""
    problems = []
    for number, key in enumerate(secrets.configured_keys(), start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(
                checks.Error(
                    f"MAIL_ENCRYPTION_KEYS: key number {number} is not a Fernet key.",
                    hint=(
                        "Each key is 32 random bytes in URL-safe base64 (44 characters), made with: "
                        "python -c "
                        '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
                    ),
                    id="mailboxes.E001",
                )
            )
    if not settings.DEBUG and not secrets.configured_keys():
        problems.append(
            checks.Warning(
                "MAIL_ENCRYPTION_KEYS is not set: mailbox passwords are encrypted with a key derived from "
                "SECRET_KEY.",
                hint=(
                    "Set MAIL_ENCRYPTION_KEYS to a Fernet key of its own "
                    "(comma-separated: the first encrypts, "
                    "all decrypt), so that SECRET_KEY alone does not open the passwords."
                ),
                id="mailboxes.W001",
            )
        )
    return problems
