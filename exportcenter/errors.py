"""Errors shared by every app's services and views: the stale-version error and field messages."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class Stale(Exception):
    """The object changed since it was read (its version moved on); nothing was written.

    Each app's services raise their own subclass (`StaleCompany`, `StaleRequest`, ...); views and the API's
    exception handler catch this base.
    """


def messages_by_field(error: ValidationError, non_field_key=None) -> dict:
    """A Django ValidationError as {field: [messages]}; errors about no one field under `non_field_key`."""
    if hasattr(error, "error_dict"):
        return {
            non_field_key if field == NON_FIELD_ERRORS else field: messages
            for field, messages in error.message_dict.items()
        }
    return {non_field_key: error.messages}
