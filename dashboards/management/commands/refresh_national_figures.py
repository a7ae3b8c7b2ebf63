from django.core.management.base import BaseCommand

from dashboards import national_snapshots


class Command(BaseCommand):
    help = "Compute the national figures' usual snapshots (this year, last year, this quarter, this month)."

    def handle(self, *args, **options):
        written = national_snapshots.refresh(national_snapshots.usual_queries())
        self.stdout.write(f"National figures: {written} snapshots computed.")
