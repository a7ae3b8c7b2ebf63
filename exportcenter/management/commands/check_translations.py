from pathlib import Path

from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SOURCE_LANGUAGE = "en"


class Command(BaseCommand):
    help = "Fail when a catalogue in locale/ has an untranslated or fuzzy entry."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fill-source-language",
            action="store_true",
            help="Copy msgid to msgstr in the English catalogue, whose source strings are English.",
        )

    def handle(self, *args, fill_source_language=False, **options):
        problems = []
        for code, _name in settings.LANGUAGES:
            path = Path(settings.LOCALE_PATHS[0]) / code / "LC_MESSAGES" / "django.po"
            if not path.exists():
                problems.append(f"{path}: missing")
                continue
            with open(path, "rb") as handle:
                catalog = read_po(handle, locale=code)
            if fill_source_language and code == SOURCE_LANGUAGE:
                self._fill(catalog, path)
            if catalog.fuzzy:
                problems.append(f"{code}: the catalogue header is marked fuzzy, so it would not be compiled")
            for message in catalog:
                if not message.id:
                    continue
                label = message.id if isinstance(message.id, str) else message.id[0]
                if message.fuzzy:
                    problems.append(f"{code}: fuzzy: {label!r}")
                strings = message.string if isinstance(message.string, tuple | list) else [message.string]
                if not all(strings):
                    problems.append(f"{code}: untranslated: {label!r}")
        if problems:
            raise CommandError("Translation catalogues are incomplete:\n  " + "\n  ".join(problems))
        self.stdout.write("Translations complete: " + ", ".join(code for code, _ in settings.LANGUAGES))

    def _fill(self, catalog, path):
        """English is the source language: its catalogue is the identity, rewritten whole each time."""
        for message in catalog:
            if not message.id:
                continue
            if isinstance(message.id, tuple | list):
                message.string = (message.id[0], *[message.id[1]] * (len(message.string) - 1))
            else:
                message.string = message.id
            message.flags.discard("fuzzy")
            message.previous_id = []
            message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        catalog.fuzzy = False
        catalog.project, catalog.version = "Exportcenter", "1.0"
        catalog.language_team = catalog.last_translator = "Exportcenter <dev@exportcenter.example>"
        with open(path, "wb") as handle:
            write_po(handle, catalog, width=110, omit_header=False)
