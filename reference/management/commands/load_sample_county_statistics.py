from django.core.management.base import BaseCommand

from reference.scb import load_samples


class Command(BaseCommand):
    help = (
        "Load the SAMPLE county population and export statistics shipped in reference/data/ (made-up figures "
        "in SCB's format, for a machine without network access). Figures imported from SCB are kept."
    )

    def handle(self, *args, **options):
        population, statistics = load_samples()
        self.stdout.write(
            f"Sample county statistics (not SCB's figures): {population.rows} population figures, "
            f"{statistics.rows} export statistics rows."
        )
