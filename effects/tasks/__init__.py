"""The Celery tasks of effects (autodiscovered as `effects.tasks`): asking companies to confirm outcomes, and
sending surveys."""

from .outcomes import *  # noqa: F403 - the tasks register by import
from .surveys import *  # noqa: F403
