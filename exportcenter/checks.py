"""System checks of the project's own settings (`manage.py check`, and before `migrate` and `runserver`)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Special-use domain names (RFC 2606, 6761, 6762): mail sent to them never arrives.
UNDELIVERABLE = ("localhost", "test", "invalid", "example", "local")


def undeliverable(address: str) -> bool:
    """Not an email address, or one at a special-use domain that can receive no mail."""
    try:
        validate_email(address)
    except ValidationError:
        return True
    domain = address.rsplit("@", 1)[1].lower().rstrip(".")
    return domain.rsplit(".", 1)[-1] in UNDELIVERABLE


@checks.register()
def accessibility_contact(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """The accessibility statement gives an address for reporting problems (lag (2018:1937)): in
    production it must be one that receives mail, not the development default."""
    if settings.DEBUG or not undeliverable(settings.ACCESSIBILITY_CONTACT_EMAIL):
        return []
    return [
        checks.Error(
            f"ACCESSIBILITY_CONTACT_EMAIL ({settings.ACCESSIBILITY_CONTACT_EMAIL!r}) cannot receive mail.",
            hint="Set ACCESSIBILITY_CONTACT_EMAIL to the address where people report accessibility problems.",
            id="exportcenter.E001",
        )
    ]
