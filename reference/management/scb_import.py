"""The shared shape of the commands that import a CSV file exported from SCB's Statistikdatabasen."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from reference.scb import SCB_SOURCE, ScbFileError, preview, read


def _vintage(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--vintage: “{text}” is not a date (YYYY-MM-DD).") from None


class ScbImportCommand(BaseCommand):
    """Reads `file`, records `--source`, `--table` and `--vintage`; a file with any error imports nothing
    (every error is listed, with its line and field). `--dry-run` shows what would change and writes
    nothing. A subclass names its `importer` and `kind` (reference.scb), and its summary's `label`."""

    importer = None  # staticmethod(f): f(file, source=..., table=..., vintage=...) -> ImportResult
    kind = ""
    label = ""
    unit = "rows"

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file exported from Statistikdatabasen (PxWeb).")
        parser.add_argument("--source", default=SCB_SOURCE, help=f"Source to record (default: {SCB_SOURCE}).")
        parser.add_argument("--table", default="", help="The table's id at the source, e.g. BE0101N1.")
        parser.add_argument(
            "--vintage",
            default=None,
            help="The date the figures were published (YYYY-MM-DD; default: today). An older vintage never "
            "overwrites a newer one.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")

    def handle(self, *args, file, source, table, vintage, dry_run, **options):
        from django.utils import timezone

        chosen = _vintage(vintage) if vintage else timezone.localdate()
        try:
            if dry_run:
                result = preview(read(file), kind=self.kind, vintage=chosen)
                for row in result.rows:
                    if row.notice:
                        self.stdout.write(f"line {row.line}: {row.notice}")
                if not result.ok:
                    raise ScbFileError(result.error_text(limit=50), result)
                counts = ", ".join(f"{n} {status}" for status, n in result.counts.items())
                self.stdout.write(f"{self.label} (dry run, nothing written): {counts}.")
                return
            result = self.importer(file, source=source, table=table, vintage=chosen)
        except ScbFileError as error:
            raise CommandError(f"{file}: {error} Nothing was imported.") from None
        for row in result.preview.rows if result.preview else []:
            if row.notice:
                self.stdout.write(f"line {row.line}: {row.notice}")
        years = ", ".join(str(year) for year in result.years)
        self.stdout.write(
            f"{self.label}: {result.rows} {self.unit} for {result.counties} counties ({years})."
        )
