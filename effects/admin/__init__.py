"""The admin of effects: export outcomes, and surveys."""

from . import outcomes, surveys  # noqa: F401 - each registers its models
