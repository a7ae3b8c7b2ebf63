from django.core.management.base import BaseCommand

from privacy import selectors, services
from privacy.models import RetentionRun


class Command(BaseCommand):
    help = (
        "Anonymise contacts and the free text of requests closed more than RETENTION_MONTHS ago, skipping "
        "legal holds. With --dry-run: only count what a run would do, and write nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count only; change and log nothing.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            preview = selectors.retention_preview()
            self.stdout.write(
                f"Dry run (closed before {preview.cutoff:%Y-%m-%d %H:%M}, "
                f"{preview.retention_months} months): {preview.requests} requests and {preview.contacts} "
                f"contacts would be anonymised; {preview.requests_on_hold} requests and "
                f"{preview.contacts_on_hold} contacts are on legal hold."
            )
            return
        result = services.run_retention(trigger=RetentionRun.Trigger.COMMAND)
        if result.locked_out:
            self.stdout.write(self.style.WARNING("Another retention run holds the lock: nothing was done."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Anonymised {result.requests} requests and {result.contacts} contacts in {result.chunks} "
                f"chunks; skipped {result.requests_on_hold} requests and {result.contacts_on_hold} contacts "
                "on legal hold."
            )
        )
