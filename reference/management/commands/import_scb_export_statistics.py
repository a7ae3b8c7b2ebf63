from django.core.management.base import BaseCommand, CommandError

from reference.scb import SCB_SOURCE, ScbFileError, import_export_statistics


class Command(BaseCommand):
    help = (
        "Import official export statistics per county from SCB (exporting SMEs, goods exports in SEK "
        "million), "
        "a table by region with one column per year and figure (“2024 Exporterande SME”, “2024 Varuexport, "
        "mnkr”), saved as semicolon CSV with heading. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file exported from Statistikdatabasen.")
        parser.add_argument("--source", default=SCB_SOURCE, help=f"Source to record (default: {SCB_SOURCE}).")

    def handle(self, *args, file, source, **options):
        try:
            result = import_export_statistics(file, source=source)
        except ScbFileError as error:
            raise CommandError(f"{file}: {error} Nothing was imported.") from None
        years = ", ".join(str(year) for year in result.years)
        self.stdout.write(
            f"County export statistics: {result.rows} rows for {result.counties} counties ({years})."
        )
