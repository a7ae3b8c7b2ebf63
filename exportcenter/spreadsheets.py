"""Every download of a table: CSV in two dialects, or XLSX. One writer, so every download behaves the same.

CSV dialects, chosen with `?dialect=`:

- `excel-sv` (the default): what Excel with Swedish settings opens in columns. UTF-8 with a byte order mark,
  `;` between cells, decimal commas (`-468,9`).
- `comma`: plain CSV (RFC 4180) for other programs and scripts. UTF-8 without a byte order mark, `,` between
  cells, decimal points (`-468.9`).

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (CSV injection). Text cells that
start so get a leading apostrophe. Numbers are numbers, never formulas, so they stay numbers: `-468.9` is not
turned into text, in CSV or in XLSX.
"""

import csv
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet reads a text cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DIALECT_PARAMETER = "dialect"


@dataclass(frozen=True)
class CsvDialect:
    key: str
    delimiter: str
    decimal: str
    byte_order_mark: bool


EXCEL_SV = CsvDialect("excel-sv", delimiter=";", decimal=",", byte_order_mark=True)
COMMA = CsvDialect("comma", delimiter=",", decimal=".", byte_order_mark=False)
DIALECTS = {dialect.key: dialect for dialect in (EXCEL_SV, COMMA)}
DEFAULT_DIALECT = EXCEL_SV


def dialect_from(params) -> CsvDialect | None:
    """The dialect a query string asks for (`?dialect=`); the default when it names none; None if unknown."""
    key = (params.get(DIALECT_PARAMETER) or "").strip()
    return DIALECTS.get(key) if key else DEFAULT_DIALECT


def unknown_dialect_response(params) -> HttpResponseBadRequest:
    message = _("Unknown CSV format “%(dialect)s”. Choose %(choices)s.") % {
        "dialect": params.get(DIALECT_PARAMETER, "")[:40],
        "choices": ", ".join(DIALECTS),
    }
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def is_number(value) -> bool:
    """A finite int, float or Decimal (not a bool): written as a number, never guarded as text."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, Decimal) and value.is_finite()


def safe_cell(value) -> str:
    """A text cell as text that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_cell(value, dialect: CsvDialect = DEFAULT_DIALECT) -> str:
    if not is_number(value):
        return safe_cell(value)
    if isinstance(value, int):
        return str(value)
    # Plain notation (never 1e-07), with the dialect's decimal mark.
    text = format(Decimal(str(value)) if isinstance(value, float) else value, "f")
    return text.replace(".", dialect.decimal)


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list], dialect: CsvDialect = DEFAULT_DIALECT) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=dialect.delimiter)
    if dialect.byte_order_mark:
        yield "\ufeff"
    for row in rows:
        yield writer.writerow([csv_cell(cell, dialect) for cell in row])


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def csv_response(rows: Iterable[list], filename: str, dialect: CsvDialect = DEFAULT_DIALECT):
    """A streamed CSV download of `rows` (the first is the header)."""
    response = StreamingHttpResponse(csv_lines(rows, dialect), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def xlsx_cell(value):
    if is_number(value):
        return value
    # XML cannot hold most control characters; removed before the formula check so none can hide a "=".
    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))


def xlsx_response(rows: Iterable[list], filename: str, sheet_title: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for row in rows:
        sheet.append([xlsx_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE), filename)
