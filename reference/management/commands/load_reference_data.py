from django.core.management.base import BaseCommand

from exportcenter import widget_cache
from reference.loader import load_reference_data


class Command(BaseCommand):
    help = "Load (or refresh) counties, municipalities, SNI 2025 and turnover classes. Safe to run again."

    def handle(self, *args, **options):
        result = load_reference_data()
        # Its bulk upserts send no signals: the cached option lists of reference data are stale now.
        widget_cache.bump_version()
        self.stdout.write(
            f"Reference data: {result.counties} counties, {result.municipalities} municipalities, "
            f"{result.sni_sections} SNI sections, {result.sni_codes} SNI codes, "
            f"{result.turnover_classes} turnover classes."
        )
