"""Reading county statistics as SCB's Statistikdatabasen (PxWeb) publishes them, every error at once.

Two layouts are read, both semicolon-separated with quoted headers, after a title line or two:

- **Long** (PxWeb's "Semikolonavgränsad med rubrik" of a table by region, year and contents): a region
  column (`"region"`: `"03 Uppsala län"`; or a separate code column, `"regionkod"`: `"03"`), a year column
  (`"år"`), then one column per measure (`"Varuexport, mnkr"`, `"Antal exporterande företag"`, …).
- **Wide** (the older download): `"region"`, then one column per year, or per year and measure
  (`"2024 Exporterande SME"`).

Numbers may hold spaces or non-breaking spaces as thousands separators and a decimal comma; `..` (SCB's
"not available") and an empty cell are missing, never zero. The whole country (`00 Riket`) is skipped.
UTF-8 with or without BOM and Windows-1252 both read. The parser returns every row with its own errors
(line, field, message) and the file's errors, instead of stopping at the first: the preview shows them all.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models import County, StatisticsKind

MAX_BYTES = 5_000_000

POPULATION = "population"
EXPORTING_SMES = "exporting_smes"
EXPORTING_COMPANIES = "exporting_companies"
IMPORTING_COMPANIES = "importing_companies"
GOODS_EXPORTS = "goods_exports_msek"
GOODS_IMPORTS = "goods_imports_msek"
DECIMAL_MEASURES = {GOODS_EXPORTS, GOODS_IMPORTS}
MEASURES_OF = {
    StatisticsKind.POPULATION: (POPULATION,),
    StatisticsKind.TRADE: (
        GOODS_EXPORTS,
        GOODS_IMPORTS,
        EXPORTING_COMPANIES,
        IMPORTING_COMPANIES,
        EXPORTING_SMES,
    ),
}
FILE = "file"  # the field of an error about the whole file

_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_REGION = re.compile(r"^\s*(\d{2})(?:\s+(.*))?$")
_CODE_HEADERS = {"regionkod", "länskod", "lanskod", "kod", "region code", "county code", "code"}
_REGION_HEADERS = {"region", "län", "lan", "county"}
_YEAR_HEADERS = {"år", "ar", "year", "tid"}
_MISSING = {"", "..", ".", "-", "…"}


@dataclass
class RowError:
    line: int
    field: str
    message: str


@dataclass
class ParsedRow:
    line: int
    county: str | None
    year: int | None
    values: dict[str, object] = field(default_factory=dict)  # measure -> value (None: missing, "..")
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ParsedFile:
    measures: list[str] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # about the file, not one row
    layout: str = ""  # "long" or "wide"

    @property
    def all_errors(self) -> list[RowError]:
        return [*self.errors, *(error for row in self.rows for error in row.errors)]

    @property
    def ok(self) -> bool:
        return not self.all_errors


def measure_of(header: str) -> str | None:
    """The measure a column's header names, or None."""
    text = header.lower()
    companies = any(word in text for word in ("företag", "foretag", "compan", "enterprise", "firms", "antal"))
    if "sme" in text or "små och medelstora" in text:
        return EXPORTING_SMES
    if "import" in text:
        return IMPORTING_COMPANIES if companies else GOODS_IMPORTS
    if "export" in text:
        return EXPORTING_COMPANIES if companies else GOODS_EXPORTS
    if "mnkr" in text or "msek" in text:
        return GOODS_EXPORTS
    if "folkmängd" in text or "population" in text or "invånare" in text:
        return POPULATION
    return None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Windows-1252 leaves five bytes undefined; Latin-1 reads anything, as a last resort.
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def number(text: str, *, measure: str) -> tuple[object, str]:
    """(value, error message): a value of None is missing ("..")."""
    value = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if value in _MISSING:
        return None, ""
    try:
        parsed = Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None, _("“%(text)s” is not a number.") % {"text": text.strip()[:40]}
    if not parsed.is_finite():
        return None, _("“%(text)s” is not a number.") % {"text": text.strip()[:40]}
    if parsed < 0:
        return None, _("A negative figure (%(text)s): official figures are never below zero.") % {
            "text": text.strip()
        }
    if parsed >= Decimal("1e12"):
        return None, _("%(text)s is too large for this figure.") % {"text": text.strip()[:40]}
    if measure in DECIMAL_MEASURES:
        return parsed.quantize(Decimal("0.1")), ""
    if parsed != parsed.to_integral_value():
        return None, _("“%(text)s” is not a whole number.") % {"text": text.strip()}
    return int(parsed), ""


def _clean(cell: str) -> str:
    return cell.strip().strip('"').strip()


def _header(rows: list[tuple[int, list[str]]]) -> int | None:
    for index, (_line, row) in enumerate(rows):
        cells = {_clean(cell).lower() for cell in row}
        if cells & (_REGION_HEADERS | _CODE_HEADERS) and len(row) > 1:
            return index
    return None


def parse(raw: bytes, *, kind: str) -> ParsedFile:
    """Every row of the file with its errors. `kind` (StatisticsKind) names the measures the file may hold;
    a wide file whose columns name a year only holds the kind's single measure (population)."""
    result = ParsedFile()

    def file_error(message, line=0):
        result.errors.append(RowError(line, FILE, message))
        return result

    if len(raw) > MAX_BYTES:
        return file_error(
            _("The file is larger than %(mb)s MB: not a county table.") % {"mb": MAX_BYTES // 1_000_000}
        )
    if b"\x00" in raw:
        return file_error(_("The file is not text (it holds NUL bytes). Save the table as semicolon CSV."))
    text = _decode(raw)
    if ";" not in text:
        return file_error(_("No semicolons: save the table from Statistikdatabasen as semicolon CSV."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        return file_error(_("Line %(line)s: %(error)s") % {"line": reader.line_num, "error": error})
    at = _header(rows)
    if at is None:
        return file_error(_("No header row with a “region” column: is this a table by region and year?"))
    header_line, header = rows[at]
    names = [_clean(cell) for cell in header]
    lowered = [name.lower() for name in names]
    allowed = MEASURES_OF[StatisticsKind(kind)]
    known = set(County.objects.values_list("code", flat=True))
    if any(name in _YEAR_HEADERS for name in lowered):
        result.layout = "long"
        _long(result, rows[at + 1 :], names, lowered, header_line, allowed, known)
    else:
        result.layout = "wide"
        _wide(result, rows[at + 1 :], names, header_line, kind, allowed, known)
    if not result.errors and not result.rows:
        file_error(_("The table holds no county rows."))
    _duplicates(result)
    return result


def _check_measures(result, measures, header_line, allowed) -> bool:
    foreign = [m for m in measures if m not in allowed]
    if foreign:
        result.errors.append(
            RowError(
                header_line,
                FILE,
                _("This file holds figures of another kind (%(found)s): choose the right kind.")
                % {"found": ", ".join(sorted(set(foreign)))},
            )
        )
        return False
    return True


def _county(result_row: ParsedRow, region: str, code: str | None, known, column: str) -> bool:
    """Sets the row's county from the code column or the region cell; False for Riket (skip the row)."""
    if code is not None:
        candidate = code.strip()
    else:
        match = _REGION.match(region)
        if match is None:
            result_row.errors.append(
                RowError(
                    result_row.line,
                    column,
                    _("“%(text)s” is not a region (“03 Uppsala län”).") % {"text": region.strip()[:60]},
                )
            )
            return True
        candidate = match.group(1)
    if candidate == "00":  # Riket: the whole country
        return False
    if candidate not in known:
        result_row.errors.append(
            RowError(
                result_row.line,
                column,
                _("%(code)s is not a county code (load the reference data first?).")
                % {"code": candidate[:10] or "–"},
            )
        )
        return True
    result_row.county = candidate
    return True


def _year(result_row: ParsedRow, text: str, column: str) -> None:
    value = text.strip()
    if not value:
        result_row.errors.append(RowError(result_row.line, column, _("The year is missing.")))
    elif not re.fullmatch(r"(19|20)\d\d", value):
        result_row.errors.append(
            RowError(result_row.line, column, _("“%(text)s” is not a year.") % {"text": value[:20]})
        )
    else:
        result_row.year = int(value)


def _blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def _long(result, rows, names, lowered, header_line, allowed, known) -> None:
    code_at = next((i for i, n in enumerate(lowered) if n in _CODE_HEADERS), None)
    region_at = next((i for i, n in enumerate(lowered) if n in _REGION_HEADERS), None)
    year_at = next(i for i, n in enumerate(lowered) if n in _YEAR_HEADERS)
    columns = []
    for i, name in enumerate(names):
        if i in (code_at, region_at, year_at):
            continue
        measure = measure_of(name)
        if measure is None:
            result.errors.append(
                RowError(
                    header_line, FILE, _("The column “%(name)s” names no known figure.") % {"name": name}
                )
            )
            return
        columns.append((i, name, measure))
    measures = [m for _i, _n, m in columns]
    if not columns:
        result.errors.append(RowError(header_line, FILE, _("No figure columns after the region and year.")))
        return
    if len(set(measures)) != len(measures):
        result.errors.append(RowError(header_line, FILE, _("Two columns hold the same figure.")))
        return
    if not _check_measures(result, measures, header_line, allowed):
        return
    result.measures = measures
    region_name = names[code_at if code_at is not None else region_at]
    for line, row in rows:
        if _blank(row):
            continue
        if len(row) == 1:  # a footnote line under the table
            continue
        parsed = ParsedRow(line=line, county=None, year=None)
        if _wrong_width(result, parsed, row, names):
            continue
        code = row[code_at] if code_at is not None else None
        if not _county(parsed, row[region_at] if region_at is not None else "", code, known, region_name):
            continue
        _year(parsed, row[year_at], names[year_at])
        for i, name, measure in columns:
            value, error = number(row[i], measure=measure)
            if error:
                parsed.errors.append(RowError(line, name, error))
            parsed.values[measure] = value
        result.rows.append(parsed)


def _wrong_width(result, parsed, row, names) -> bool:
    """A row with more or fewer cells than the header: kept with its error (True), nothing else read."""
    if len(row) == len(names):
        return False
    parsed.errors.append(
        RowError(
            parsed.line,
            FILE,
            _("%(found)s cells, the header has %(expected)s.") % {"found": len(row), "expected": len(names)},
        )
    )
    result.rows.append(parsed)
    return True


def _wide(result, rows, names, header_line, kind, allowed, known) -> None:
    columns = []
    for name in names[1:]:
        year = _YEAR.search(name)
        if year is None:
            result.errors.append(
                RowError(header_line, FILE, _("The column “%(name)s” names no year.") % {"name": name})
            )
            return
        measure = measure_of(name) or (POPULATION if kind == StatisticsKind.POPULATION else None)
        if measure is None:
            result.errors.append(
                RowError(
                    header_line,
                    FILE,
                    _(
                        "Name the figure in each column's header, e.g. “2024 Exporterande SME” or "
                        "“2024 Varuexport, mnkr”."
                    ),
                )
            )
            return
        columns.append((name, measure, int(year.group(1))))
    if not columns:
        result.errors.append(RowError(header_line, FILE, _("No year columns.")))
        return
    pairs = [(measure, year) for _n, measure, year in columns]
    if len(set(pairs)) != len(pairs):
        result.errors.append(RowError(header_line, FILE, _("A year appears twice for the same figure.")))
        return
    measures = list(dict.fromkeys(measure for _n, measure, _y in columns))
    if not _check_measures(result, measures, header_line, allowed):
        return
    result.measures = measures
    years = sorted({year for _n, _m, year in columns})
    for line, row in rows:
        if _blank(row) or len(row) == 1:
            continue
        first = ParsedRow(line=line, county=None, year=None)
        if _wrong_width(result, first, row, names):
            continue
        if not _county(first, row[0], None, known, names[0]):
            continue
        by_year = {year: ParsedRow(line=line, county=first.county, year=year) for year in years}
        if first.errors:
            result.rows.append(first)
            continue
        for (name, measure, year), text in zip(columns, row[1:], strict=True):
            value, error = number(text, measure=measure)
            if error:
                by_year[year].errors.append(RowError(line, name, error))
            by_year[year].values[measure] = value
        result.rows.extend(by_year.values())


def _duplicates(result: ParsedFile) -> None:
    first_line: dict[tuple[str, int], int] = {}
    for row in result.rows:
        if row.county is None or row.year is None:
            continue
        key = (row.county, row.year)
        if key in first_line:
            row.errors.append(
                RowError(
                    row.line,
                    FILE,
                    _("County %(code)s, %(year)s appears twice (first on line %(first)s).")
                    % {"code": row.county, "year": row.year, "first": first_line[key]},
                )
            )
        else:
            first_line[key] = row.line
