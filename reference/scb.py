"""County statistics from SCB's Statistikdatabasen: population, exporting SMEs and goods exports.

The files are what Statistikdatabasen's "Spara som: Semikolonavgränsad med rubrik" gives: a title line or
two, then a header row whose first cell is `region` and whose other cells each hold a year (and, where a
table has several measures, the measure: `2024 Exporterande SME`, `2024 Varuexport, mnkr`), then one row
per region, `"03 Uppsala län";404589;…`. Numbers may hold spaces as thousands separators and a decimal
comma; `..` (SCB's "not available") and an empty cell are missing. Rows of the whole country (`00 Riket`)
are skipped. Files in UTF-8 (with or without BOM) and in Windows-1252, SCB's older default, both read.

Importing is idempotent: a county's figure for a year is written again, never twice. A file that does not
have this shape is refused with the line and the reason, and nothing of it is written.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from .models import County, CountyExportStatistic, CountyPopulation

DATA_DIR = Path(__file__).resolve().parent / "data"
SAMPLE_POPULATION = DATA_DIR / "county_population_SAMPLE_2024.csv"
SAMPLE_EXPORT_STATISTICS = DATA_DIR / "county_export_statistics_SAMPLE_2024.csv"
SCB_SOURCE = "SCB, Statistikdatabasen"
SAMPLE_SOURCE = "SAMPLE (made-up figures in SCB's format)"

POPULATION = "population"
EXPORTING_SMES = "exporting_smes"
GOODS_EXPORTS = "goods_exports_msek"

_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_REGION = re.compile(r"^\s*(\d{2})(?:\s+(.*))?$")
MAX_BYTES = 5_000_000


class ScbFileError(ValueError):
    """The file is not an SCB table of the expected shape. The message says where and why."""


@dataclass
class ImportResult:
    rows: int = 0
    years: list[int] = field(default_factory=list)
    counties: int = 0


def _decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise ScbFileError(f"The file is larger than {MAX_BYTES // 1_000_000} MB: not an SCB county table.")
    if b"\x00" in raw:
        raise ScbFileError("The file is not text (it holds NUL bytes). Save the table as semicolon CSV.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="strict")


def _measure_of(header: str, single: str) -> str | None:
    text = header.lower()
    if "sme" in text or "företag" in text or "foretag" in text or "enterprises" in text:
        return EXPORTING_SMES
    if "export" in text or "mnkr" in text or "msek" in text:
        return GOODS_EXPORTS
    if "folkmängd" in text or "population" in text:
        return POPULATION
    return single


def _number(text: str, *, line: int, column: str, decimal: bool):
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if value in ("", "..", ".", "-"):
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise ScbFileError(f"Line {line}, column “{column}”: “{text}” is not a number.") from None
    if number < 0:
        raise ScbFileError(f"Line {line}, column “{column}”: a negative figure ({text}).")
    if decimal:
        return number.quantize(Decimal("0.1"))
    if number != number.to_integral_value():
        raise ScbFileError(f"Line {line}, column “{column}”: “{text}” is not a whole number.")
    return int(number)


def parse(raw: bytes, *, single: str) -> dict[str, dict[tuple[str, int], object]]:
    """{measure: {(county code, year): value}} from an SCB table. `single` names the measure of columns
    whose header names a year only."""
    text = _decode(raw)
    if ";" not in text:
        raise ScbFileError("No semicolons: save the table from Statistikdatabasen as semicolon CSV.")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header_at = next(
        (i for i, row in enumerate(rows) if row and row[0].strip().strip('"').lower() in ("region", "län")),
        None,
    )
    if header_at is None:
        raise ScbFileError("No header row starting with “region”: is this a table by region and year?")
    columns = []
    for cell in rows[header_at][1:]:
        year = _YEAR.search(cell)
        if year is None:
            raise ScbFileError(f"Line {header_at + 1}: the column “{cell}” names no year.")
        columns.append((cell.strip(), _measure_of(cell, single), int(year.group(1))))
    if not columns:
        raise ScbFileError(f"Line {header_at + 1}: no year columns.")
    seen_columns = [(measure, year) for _cell, measure, year in columns]
    if len(set(seen_columns)) != len(seen_columns):
        raise ScbFileError(f"Line {header_at + 1}: a year appears twice for the same figure.")
    known = set(County.objects.values_list("code", flat=True))
    values: dict[str, dict[tuple[str, int], object]] = {}
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not row or not any(cell.strip() for cell in row):
            continue
        match = _REGION.match(row[0])
        if match is None:
            if len(row) == 1:  # a footnote line under the table
                continue
            raise ScbFileError(f"Line {number}: “{row[0]}” is not a region (“03 Uppsala län”).")
        code = match.group(1)
        if code == "00":  # Riket: the whole country
            continue
        if code not in known:
            raise ScbFileError(
                f"Line {number}: {code} is not a county code (load the reference data first?)."
            )
        if len(row) != len(columns) + 1:
            raise ScbFileError(f"Line {number}: {len(row)} cells, the header has {len(columns) + 1}.")
        for (cell, measure, year), text in zip(columns, row[1:], strict=True):
            value = _number(text, line=number, column=cell, decimal=measure == GOODS_EXPORTS)
            if value is None:
                continue
            bucket = values.setdefault(measure, {})
            if (code, year) in bucket:
                raise ScbFileError(f"Line {number}: county {code} appears twice.")
            bucket[(code, year)] = value
    if not values:
        raise ScbFileError("The table holds no figures.")
    return values


def _read(path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ScbFileError(f"Cannot read {path}: {error.strerror or error}.") from None


@transaction.atomic
def import_population(path, *, source: str = SCB_SOURCE, sample: bool = False) -> ImportResult:
    figures = parse(_read(path), single=POPULATION)
    if set(figures) != {POPULATION}:
        raise ScbFileError("This is not a population table: its columns name other figures.")
    rows = [
        CountyPopulation(county_id=code, year=year, population=value, source=source, is_sample=sample)
        for (code, year), value in sorted(figures[POPULATION].items())
    ]
    CountyPopulation.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["county", "year"],
        update_fields=["population", "source", "is_sample", "loaded_at"],
    )
    return ImportResult(len(rows), sorted({r.year for r in rows}), len({r.county_id for r in rows}))


@transaction.atomic
def import_export_statistics(path, *, source: str = SCB_SOURCE, sample: bool = False) -> ImportResult:
    figures = parse(_read(path), single="")
    if "" in figures or POPULATION in figures:
        raise ScbFileError(
            "Name the figure in each column's header, e.g. “2024 Exporterande SME” or "
            "“2024 Varuexport, mnkr”."
        )
    keys = sorted(set(figures.get(EXPORTING_SMES, {})) | set(figures.get(GOODS_EXPORTS, {})))
    existing = {
        (row.county_id, row.year): row
        for row in CountyExportStatistic.objects.filter(county_id__in={code for code, _year in keys})
    }
    rows = []
    for key in keys:
        row = existing.get(key) or CountyExportStatistic(county_id=key[0], year=key[1])
        # A file with one of the two figures leaves the other as it was.
        if key in figures.get(EXPORTING_SMES, {}):
            row.exporting_smes = figures[EXPORTING_SMES][key]
        if key in figures.get(GOODS_EXPORTS, {}):
            row.goods_exports_msek = figures[GOODS_EXPORTS][key]
        row.source, row.is_sample = source, sample
        rows.append(row)
    CountyExportStatistic.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["county", "year"],
        update_fields=["exporting_smes", "goods_exports_msek", "source", "is_sample", "loaded_at"],
    )
    return ImportResult(len(rows), sorted({y for _c, y in keys}), len({c for c, _y in keys}))


def load_samples() -> tuple[ImportResult, ImportResult]:
    """The sample files (made-up figures, marked as samples), unless real figures are loaded: a county
    and year already imported from SCB keeps SCB's figure."""
    if CountyPopulation.objects.filter(is_sample=False).exists():
        population = ImportResult()
    else:
        population = import_population(SAMPLE_POPULATION, source=SAMPLE_SOURCE, sample=True)
    if CountyExportStatistic.objects.filter(is_sample=False).exists():
        statistics = ImportResult()
    else:
        statistics = import_export_statistics(SAMPLE_EXPORT_STATISTICS, source=SAMPLE_SOURCE, sample=True)
    return population, statistics
