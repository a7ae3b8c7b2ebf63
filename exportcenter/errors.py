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


def add_form_errors(form, error: ValidationError) -> None:
    """A service's ValidationError onto a form: each message on its field, or on the form when the form has
    no such field."""
    for field, field_messages in messages_by_field(error).items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def save_form(form, save, stale_message) -> object | None:
    """Run `save()` for a valid form: its result, or None with the stale message or the service's errors on
    the form."""
    if not form.is_valid():
        return None
    try:
        return save()
    except Stale:
        form.add_error(None, str(stale_message))
    except ValidationError as error:
        add_form_errors(form, error)
    return None
