"""The shared shape of the commands that import a CSV file exported from SCB's Statistikdatabasen."""

from django.core.management.base import BaseCommand, CommandError

from reference.scb import SCB_SOURCE, ScbFileError


class ScbImportCommand(BaseCommand):
    """Reads `file`, records `--source`; a file it cannot read imports nothing. A subclass names its
    `importer` (reference.scb), and what its summary line calls the figures (`label`, `unit`)."""

    importer = None  # staticmethod(f): f(file, source=...) -> a result with rows, counties, years
    label = ""
    unit = "rows"

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file exported from Statistikdatabasen.")
        parser.add_argument("--source", default=SCB_SOURCE, help=f"Source to record (default: {SCB_SOURCE}).")

    def handle(self, *args, file, source, **options):
        try:
            result = self.importer(file, source=source)
        except ScbFileError as error:
            raise CommandError(f"{file}: {error} Nothing was imported.") from None
        years = ", ".join(str(year) for year in result.years)
        self.stdout.write(
            f"{self.label}: {result.rows} {self.unit} for {result.counties} counties ({years})."
        )
