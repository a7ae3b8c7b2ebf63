from reference.management.scb_import import ScbImportCommand
from reference.models import StatisticsKind
from reference.scb import import_population


class Command(ScbImportCommand):
    help = (
        "Import county population from SCB's Statistikdatabasen (table by region and year, saved as "
        "semicolon CSV with heading). Safe to run again: a county's figure for a year is replaced."
    )
    importer = staticmethod(import_population)
    kind = StatisticsKind.POPULATION
    label = "County population"
    unit = "figures"
