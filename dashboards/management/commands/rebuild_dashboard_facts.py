from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dashboards import facts


class Command(BaseCommand):
    help = (
        "Rebuild the dashboards' daily request figures (RequestFact) from the requests: every region and "
        "day, or from --since. Safe to run at any time and repeatedly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="Only days from this date on (YYYY-MM-DD).")
        parser.add_argument("--region", type=int, action="append", help="Only this region id (repeatable).")

    def handle(self, *args, since=None, region=None, **options):
        try:
            start = date.fromisoformat(since) if since else None
        except ValueError:
            raise CommandError("--since takes a date: YYYY-MM-DD.") from None
        rows = facts.rebuild(region_ids=region, since=start)
        self.stdout.write(f"Request figures rebuilt: {rows} rows.")
