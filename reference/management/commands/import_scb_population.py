from django.core.management.base import BaseCommand, CommandError

from reference.scb import SCB_SOURCE, ScbFileError, import_population


class Command(BaseCommand):
    help = (
        "Import county population from SCB's Statistikdatabasen (table by region and year, saved as "
        "semicolon CSV with heading). Safe to run again: a county's figure for a year is replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file exported from Statistikdatabasen.")
        parser.add_argument("--source", default=SCB_SOURCE, help=f"Source to record (default: {SCB_SOURCE}).")

    def handle(self, *args, file, source, **options):
        try:
            result = import_population(file, source=source)
        except ScbFileError as error:
            raise CommandError(f"{file}: {error} Nothing was imported.") from None
        years = ", ".join(str(year) for year in result.years)
        self.stdout.write(
            f"County population: {result.rows} figures for {result.counties} counties ({years})."
        )
