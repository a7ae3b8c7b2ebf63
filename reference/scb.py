"""Importing official county statistics (SCB / Tillväxtverket): a dry-run preview, then the import.

`preview()` parses the file (reference/pxweb.py) and compares each row with what is loaded: new, changed,
unchanged, kept (a newer vintage is already loaded: an older one never overwrites it) or in error.
`import_file()` writes nothing while any row has an error; otherwise, in one transaction with the rows it
touches locked, it writes the new and changed rows and logs the import (`StatisticsImport`). Re-importing
the same vintage updates in place, never twice (one row per county and year). A file that holds some of a
kind's measures leaves the others as they were; a ".." in a column it holds makes that figure missing.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import pxweb
from .models import County, CountyExportStatistic, CountyPopulation, StatisticsImport, StatisticsKind

DATA_DIR = Path(__file__).resolve().parent / "data"
SAMPLE_POPULATION = DATA_DIR / "county_population_SAMPLE_2022-2024.csv"
SAMPLE_EXPORT_STATISTICS = DATA_DIR / "county_trade_SAMPLE_2022-2024.csv"
SAMPLE_VINTAGE = date(2025, 6, 30)
SAMPLE_TABLES = {StatisticsKind.POPULATION: "SAMPLE BE0101N1", StatisticsKind.TRADE: "SAMPLE HA0201"}
SCB_SOURCE = "SCB, Statistikdatabasen"
SAMPLE_SOURCE = "SAMPLE (made-up figures in SCB's format)"
MODEL_OF = {StatisticsKind.POPULATION: CountyPopulation, StatisticsKind.TRADE: CountyExportStatistic}

NEW, CHANGED, UNCHANGED, KEPT, ERROR = "new", "changed", "unchanged", "kept", "error"


class ScbFileError(ValueError):
    """The file cannot be imported. The message names every error (line, field, reason)."""

    def __init__(self, message: str, preview: "Preview | None" = None):
        super().__init__(message)
        self.preview = preview


@dataclass
class PreviewRow:
    line: int
    county: str | None
    year: int | None
    values: dict
    status: str
    errors: list[pxweb.RowError] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # the measures whose value changes
    notice: str = ""


@dataclass
class Preview:
    kind: str
    vintage: date
    sha256: str
    measures: list[str]
    rows: list[PreviewRow]
    file_errors: list[pxweb.RowError]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(row.errors for row in self.rows)

    @property
    def errors(self) -> list[pxweb.RowError]:
        return [*self.file_errors, *(e for row in self.rows for e in row.errors)]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in (NEW, CHANGED, UNCHANGED, KEPT, ERROR)}

    def error_text(self, limit: int = 10) -> str:
        parts = [
            (_("line %(line)s, %(field)s: %(message)s") if e.line else "%(field)s: %(message)s")
            % {"line": e.line, "field": e.field, "message": e.message}
            for e in self.errors[:limit]
        ]
        more = len(self.errors) - limit
        if more > 0:
            parts.append(_("and %(n)s more") % {"n": more})
        return "; ".join(parts)


@dataclass
class ImportResult:
    rows: int = 0
    years: list[int] = field(default_factory=list)
    counties: int = 0
    log: StatisticsImport | None = None
    preview: Preview | None = None


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _existing(kind: str, keys, *, lock: bool = False) -> dict:
    model = MODEL_OF[StatisticsKind(kind)]
    queryset = model.objects.filter(county_id__in={c for c, _y in keys}, year__in={y for _c, y in keys})
    if lock:
        queryset = queryset.select_for_update()
    return {(row.county_id, row.year): row for row in queryset.order_by("pk")}


def _compare(kind, parsed: pxweb.ParsedFile, vintage: date, raw: bytes, existing: dict) -> Preview:
    rows = []
    for row in parsed.rows:
        values = dict(row.values)
        if not row.errors and kind == StatisticsKind.POPULATION and values.get(pxweb.POPULATION, 0) is None:
            continue  # ".." population: no figure to store (and none to overwrite)
        item = PreviewRow(row.line, row.county, row.year, values, ERROR, list(row.errors))
        rows.append(item)
        if item.errors:
            continue
        current = existing.get((row.county, row.year))
        if current is None:
            item.status = NEW if any(v is not None for v in values.values()) else UNCHANGED
            continue
        if current.vintage and current.vintage > vintage:
            item.status = KEPT
            item.notice = _("A newer vintage (%(vintage)s) is loaded: this row is kept as it is.") % {
                "vintage": f"{current.vintage:%Y-%m-%d}"
            }
            continue
        item.changed = [m for m, v in values.items() if getattr(current, m) != v]
        item.status = CHANGED if item.changed else UNCHANGED
    return Preview(kind, vintage, sha256(raw), parsed.measures, rows, parsed.errors)


def preview(raw: bytes, *, kind: str, vintage: date) -> Preview:
    """The dry run: what importing the file would do, row by row. Writes nothing."""
    parsed = pxweb.parse(raw, kind=kind)
    keys = [(r.county, r.year) for r in parsed.rows if r.county and r.year]
    return _compare(kind, parsed, vintage, raw, _existing(kind, keys) if keys else {})


def import_file(
    raw: bytes,
    *,
    kind: str,
    source: str,
    table: str,
    vintage: date,
    file_name: str,
    imported_by: str,
    sample: bool = False,
    expected_sha256: str | None = None,
) -> ImportResult:
    """Import the file, or raise ScbFileError (with the preview) and write nothing. `expected_sha256`: the
    hash of the file previewed; another file is refused."""
    if expected_sha256 is not None and sha256(raw) != expected_sha256:
        raise ScbFileError(_("This is not the file that was previewed. Preview it again."))
    parsed = pxweb.parse(raw, kind=kind)
    keys = [(r.county, r.year) for r in parsed.rows if r.county and r.year]
    with transaction.atomic():
        existing = _existing(kind, keys, lock=True) if keys else {}
        checked = _compare(kind, parsed, vintage, raw, existing)
        if not checked.ok:
            raise ScbFileError(checked.error_text(), checked)
        log = StatisticsImport.objects.create(
            kind=kind,
            source=source,
            table=table,
            vintage=vintage,
            file_name=file_name[:255],
            content_sha256=checked.sha256,
            rows=len(checked.rows),
            created=checked.count(NEW),
            updated=checked.count(CHANGED),
            kept=checked.count(KEPT),
            imported_by=imported_by[:200],
            is_sample=sample,
        )
        model = MODEL_OF[StatisticsKind(kind)]
        now = timezone.now()
        to_create, to_update = [], []
        for row in checked.rows:
            if row.status == KEPT or (row.status == UNCHANGED and (row.county, row.year) not in existing):
                continue
            target = existing.get((row.county, row.year)) or model(county_id=row.county, year=row.year)
            for measure, value in row.values.items():
                setattr(target, measure, value)
            target.source, target.table, target.vintage = source, table, vintage
            target.statistics_import, target.is_sample, target.loaded_at = log, sample, now
            (to_update if target.pk else to_create).append(target)
        model.objects.bulk_create(to_create)
        fields = [
            *checked.measures,
            "source",
            "table",
            "vintage",
            "statistics_import",
            "is_sample",
            "loaded_at",
        ]
        model.objects.bulk_update(to_update, fields)
    written = [r for r in checked.rows if r.status != KEPT]
    return ImportResult(
        rows=len(to_create) + len(to_update),
        years=sorted({r.year for r in written}),
        counties=len({r.county for r in written}),
        log=log,
        preview=checked,
    )


def read(path) -> bytes:
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(pxweb.MAX_BYTES + 1)
    except OSError as error:
        raise ScbFileError(f"Cannot read {path}: {error.strerror or error}.") from None
    return raw


def _import_path(path, kind, *, source, sample, table="", vintage=None, imported_by="manage.py"):
    return import_file(
        read(path),
        kind=kind,
        source=source,
        table=table,
        vintage=vintage or timezone.localdate(),
        file_name=Path(path).name,
        imported_by=imported_by,
        sample=sample,
    )


def import_population(path, *, source: str = SCB_SOURCE, sample: bool = False, **options) -> ImportResult:
    return _import_path(path, StatisticsKind.POPULATION, source=source, sample=sample, **options)


def import_export_statistics(
    path, *, source: str = SCB_SOURCE, sample: bool = False, **options
) -> ImportResult:
    return _import_path(path, StatisticsKind.TRADE, source=source, sample=sample, **options)


def load_samples() -> tuple[ImportResult, ImportResult]:
    """The sample files (made-up figures, marked as samples), unless real figures are loaded: a county
    and year already imported from SCB keeps SCB's figure."""
    results = []
    for kind, path in (
        (StatisticsKind.POPULATION, SAMPLE_POPULATION),
        (StatisticsKind.TRADE, SAMPLE_EXPORT_STATISTICS),
    ):
        if MODEL_OF[kind].objects.filter(is_sample=False).exists():
            results.append(ImportResult())
            continue
        # Already loaded from this very file: nothing to do (and no second entry in the import log).
        loaded = StatisticsImport.objects.filter(kind=kind, is_sample=True, content_sha256=sha256(read(path)))
        if loaded.exists() and MODEL_OF[kind].objects.filter(is_sample=True).exists():
            results.append(ImportResult())
            continue
        results.append(
            _import_path(
                path,
                kind,
                source=SAMPLE_SOURCE,
                sample=True,
                table=SAMPLE_TABLES[kind],
                vintage=SAMPLE_VINTAGE,
                imported_by="load_sample_county_statistics",
            )
        )
    return results[0], results[1]


def county_names() -> dict[str, str]:
    return dict(County.objects.values_list("code", "name"))
