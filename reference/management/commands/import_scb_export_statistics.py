from reference.management.scb_import import ScbImportCommand
from reference.models import StatisticsKind
from reference.scb import import_export_statistics


class Command(ScbImportCommand):
    help = (
        "Import official goods trade per county from SCB / Tillväxtverket (goods exports and imports in SEK "
        "million, exporting and importing companies, exporting SMEs): PxWeb's semicolon CSV by region and "
        "year with one column per figure (“Varuexport, mnkr”), or the older table with one column per year "
        "and figure (“2024 Exporterande SME”). Safe to run again: the same vintage updates, an older one "
        "never overwrites a newer one."
    )
    importer = staticmethod(import_export_statistics)
    kind = StatisticsKind.TRADE
    label = "County export statistics"
    unit = "rows"
