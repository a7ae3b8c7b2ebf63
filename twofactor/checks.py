"""`check --deploy` warns when two-factor sign-in is not required in production."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def two_factor_required(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG or settings.TWO_FACTOR_REQUIRED:
        return []
    return [
        checks.Warning(
            "TWO_FACTOR_REQUIRED is off: regional staff, organisation leads, superusers and /admin/ can sign "
            "in with a password alone.",
            hint="Unset TWO_FACTOR_REQUIRED (its default with DEBUG off is on) or set it to true.",
            id="twofactor.W001",
        )
    ]
