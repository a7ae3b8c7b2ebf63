"""One writer for every download: CSV for Swedish Excel by default, plain comma CSV on request, and XLSX.
The formula guard is for text cells; numbers, negative ones too, stay numbers."""

import csv
import io
from decimal import Decimal

import openpyxl
from django.http import QueryDict
from django.utils import translation

from exportcenter.spreadsheets import (
    COMMA,
    EXCEL_SV,
    csv_response,
    dialect_from,
    unknown_dialect_response,
    xlsx_response,
)

ROWS = [
    ["Name", "Value"],
    ['=HYPERLINK("http://evil")', -468.9],
    ["-1 is text here", -3],
    ["@SUM(A1)", Decimal("1250.50")],
    ["Åre", 0.1 + 0.2],
    ["True is text", True],
    ["Not a number", float("nan")],
    ["Nothing", None],
]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_default_csv_is_for_swedish_excel():
    content = body(csv_response(ROWS, "x.csv"))
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == [
        ["Name", "Value"],
        ['\'=HYPERLINK("http://evil")', "-468,9"],
        ["'-1 is text here", "-3"],
        ["'@SUM(A1)", "1250,50"],
        ["Åre", "0,30000000000000004"],
        ["True is text", "True"],
        ["Not a number", "nan"],
        ["Nothing", ""],
    ]


def test_the_comma_dialect_is_plain_csv():
    content = body(csv_response(ROWS, "x.csv", COMMA))
    assert not content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    assert rows[1] == ['\'=HYPERLINK("http://evil")', "-468.9"]
    assert rows[2] == ["'-1 is text here", "-3"]
    assert rows[3] == ["'@SUM(A1)", "1250.50"]


def test_xlsx_keeps_numbers_as_numbers_and_guards_text():
    response = xlsx_response(ROWS, "x.xlsx", sheet_title="Figures")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert sheet.title == "Figures"
    assert rows[1] == ['\'=HYPERLINK("http://evil")', -468.9]
    assert rows[2] == ["'-1 is text here", -3]
    assert rows[3][1] == 1250.5
    assert rows[5][1] == "True"
    assert sheet.cell(row=2, column=2).data_type == "n"


def test_the_dialect_comes_from_the_query_string():
    assert dialect_from(QueryDict("")) is EXCEL_SV
    assert dialect_from(QueryDict("dialect=excel-sv")) is EXCEL_SV
    assert dialect_from(QueryDict("dialect=comma")) is COMMA
    assert dialect_from(QueryDict("dialect=tab")) is None
    with translation.override("sv"):
        response = unknown_dialect_response(QueryDict("dialect=tab"))
    assert response.status_code == 400
    assert response.content.decode() == "Okänt CSV-format ”tab”. Välj excel-sv, comma."
