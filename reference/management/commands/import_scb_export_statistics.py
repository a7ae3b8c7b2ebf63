from reference.management.scb_import import ScbImportCommand
from reference.scb import import_export_statistics


class Command(ScbImportCommand):
    help = (
        "Import official export statistics per county from SCB (exporting SMEs, goods exports in SEK "
        "million), "
        "a table by region with one column per year and figure (“2024 Exporterande SME”, “2024 Varuexport, "
        "mnkr”), saved as semicolon CSV with heading. Safe to run again."
    )
    importer = staticmethod(import_export_statistics)
    label = "County export statistics"
    unit = "rows"
