"""Our Swedish catalogue wins over the libraries' own. Where it translates one of Django's or DRF's messages
differently, that must be a choice (the portal's own word for the thing), not an accident: a message our code
happens to use in the libraries' words (a form's "This field is required.") must read as the portal showed
it before, or the same error is worded two ways on one page."""

import gettext
from pathlib import Path

import django
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings

# The portal's own words, chosen on purpose (the admin and the menus speak the portal's language).
CHOSEN = {
    "Permissions",
    "Action",
    "staff status",
    "None",
    "Email",
    "Today",
    "title",
    "Page not found",
    "Change password",
    "Delete",
    "Field",
}


def _libraries_swedish() -> dict[str, str]:
    """What the portal would say without its own catalogue: as Django merges catalogues, an app listed first
    in INSTALLED_APPS wins over one listed later, and every app over Django's own (conf/locale)."""
    catalogue: dict[str, str] = {}
    files = [
        Path(app.path) / "locale/sv/LC_MESSAGES/django.mo" for app in reversed(list(apps.get_app_configs()))
    ]
    for mo in [Path(django.__file__).parent / "conf/locale/sv/LC_MESSAGES/django.mo", *files]:
        if mo.exists():
            with mo.open("rb") as file:
                catalogue.update(gettext.GNUTranslations(file)._catalog)
    return catalogue


def test_library_messages_we_reuse_read_as_a_library_reads_them():
    with (Path(settings.BASE_DIR) / "locale/sv/LC_MESSAGES/django.po").open("rb") as file:
        ours = read_po(file, locale="sv")
    theirs = _libraries_swedish()
    differing = {
        message.id
        for message in ours
        if message.id
        and isinstance(message.id, str)
        and message.id in theirs
        and message.string != theirs[message.id]
    }
    assert differing - CHOSEN == set()
