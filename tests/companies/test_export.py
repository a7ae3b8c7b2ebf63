import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from advisors import access
from advisors.models import User
from companies.exporting import EXPORT_COLUMNS, export_rows
from companies.identifiers import LegalForm
from companies.models import Company
from exportcenter.spreadsheets import XLSX_CONTENT_TYPE, csv_response, safe_cell, xlsx_response
from reference.models import Municipality, SNICode
from tests.factories import SOLE_TRADER_NUMBER, CompanyFactory, ContactFactory, UserFactory


@pytest.fixture(autouse=True)
def english():
    """The assertions read English messages; Swedish is the default language."""
    with translation.override("en"):
        yield


NAME = 1  # the column of the company name
# A carriage return is tested in test_safe_cell only: XML turns it into a line feed in the XLSX.
DANGEROUS_NAMES = ['=HYPERLINK("http://evil")', "+46 something", "-1", "@SUM(A1)", "\tTabbed"]


@pytest.fixture
def user(reference_data, region, advisor):
    region.counties.add("03")  # Uppsala län
    return advisor


@pytest.fixture
def lead(user, organisation):
    return UserFactory(role=User.Role.ORGANISATION_LEAD, organisation=organisation)


def exported(user) -> list[list[str]]:
    return list(export_rows(user, access.visible(user, Company.objects.all())))


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(response) -> list[list[str]]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    return [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+46 70", "'+46 70"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Alfa AB", "Alfa AB"),
        ("556677-8899", "556677-8899"),
        (None, ""),
        (3, "3"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_formulas_are_neutralised_in_csv_and_xlsx(user):
    for name in DANGEROUS_NAMES:
        CompanyFactory(name=name, website="https://example.se")

    for response in (
        csv_response(exported(user), "companies.csv"),
        xlsx_response(exported(user), "companies.xlsx", sheet_title="Companies"),
    ):
        rows = read_csv(response) if response["Content-Type"].startswith("text/csv") else read_xlsx(response)
        names = sorted(row[NAME] for row in rows[1:])
        assert names == sorted(f"'{name}" for name in DANGEROUS_NAMES)
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_responses_are_attachments_with_the_right_types(user):
    CompanyFactory(name="Åkeri Öst AB")

    csv_file = csv_response(exported(user), "företag.csv")
    xlsx_file = xlsx_response(exported(user), "företag.xlsx", sheet_title="Companies")

    assert csv_file["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_file["Content-Disposition"] == "attachment; filename*=utf-8''f%C3%B6retag.csv"
    assert read_csv(csv_file)[1][NAME] == "Åkeri Öst AB"
    assert xlsx_file["Content-Type"] == XLSX_CONTENT_TYPE
    assert xlsx_file["Content-Disposition"].startswith("attachment;")
    assert read_xlsx(xlsx_file)[1][NAME] == "Åkeri Öst AB"


def test_control_characters_do_not_break_the_xlsx(user):
    CompanyFactory(name="\x01=cmd")

    rows = read_xlsx(xlsx_response(exported(user), "companies.xlsx", sheet_title="Companies"))

    assert rows[1][NAME] == "'=cmd"


def test_a_sole_traders_number_is_masked_for_an_advisor_and_shown_to_a_lead(user, lead):
    company = CompanyFactory(
        org_number=SOLE_TRADER_NUMBER, legal_form=LegalForm.SOLE_TRADER, name="Eriks Snickeri"
    )
    ContactFactory(company=company, name="Erik Ek", email="erik@snickeri.example", is_primary=True)
    ContactFactory(company=company, name="Not Primary", email="other@snickeri.example", is_primary=False)

    advisor_rows = exported(user)
    lead_rows = exported(lead)

    assert len(advisor_rows[0]) == len(EXPORT_COLUMNS)
    assert advisor_rows[1][0] == "••••••-••••"
    assert "Erik Ek" not in advisor_rows[1]
    assert lead_rows[0][len(EXPORT_COLUMNS) :] == ["Contact person", "Contact email", "Contact phone"]
    assert lead_rows[1][0] == "880320-0016"
    assert lead_rows[1][len(EXPORT_COLUMNS) :] == ["Erik Ek", "erik@snickeri.example", ""]


def test_a_limited_companys_number_is_shown_to_everyone(user):
    company = CompanyFactory()

    assert exported(user)[1][0] == company.org_number_display


def test_only_visible_companies_are_exported(user):
    CompanyFactory(name="Uppsala AB")
    CompanyFactory(name="Stockholm AB", municipality=Municipality.objects.get(code="0180"))

    assert [row[NAME] for row in exported(user)[1:]] == ["Uppsala AB"]


def test_row_values_and_localised_labels(user):
    CompanyFactory(
        name="Alfa AB",
        sni_code=SNICode.objects.get(code="62100"),
        employee_band="5-9",
        export_countries=["NO", "DE"],
        exports_goods=True,
    )

    with translation.override("en"):
        header, row = exported(user)
    values = dict(zip(header, row, strict=True))

    assert values["Municipality"] == "Uppsala"
    assert values["County"] == "Uppsala län"
    assert values["SNI code"] == "62.100"
    assert values["SNI section"].startswith("K ")
    assert values["Employees"] == "5–9 employees"
    assert values["Exports to"] == "Germany, Norway"
    assert values["Exports goods"] == "yes"
    assert values["Imports"] == "no"

    with translation.override("sv"):
        header = exported(user)[0]
    assert len(header) == len(EXPORT_COLUMNS)


def count_export_queries(user_id: int) -> int:
    user = User.objects.get(pk=user_id)  # a fresh user: the access module caches regions on it
    with CaptureQueriesContext(connection) as context:
        rows = export_rows(user, access.visible(user, Company.objects.all()))
        xlsx_response(rows, "companies.xlsx", sheet_title="Companies")
    return len(context.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_companies(lead):
    for _n in range(3):
        ContactFactory(company=CompanyFactory(), is_primary=True)
    few = count_export_queries(lead.pk)

    for _n in range(27):
        ContactFactory(company=CompanyFactory(), is_primary=True)
    many = count_export_queries(lead.pk)

    assert many == few
    assert many <= 5


def test_the_export_view_writes_both_csv_formats(client, user):
    CompanyFactory(name="Åkeri Öst AB")
    client.force_login(user)
    excel = client.get("/en/companies/export.csv")
    rows = read_csv(excel)
    assert rows[1][NAME] == "Åkeri Öst AB"
    plain = b"".join(client.get("/en/companies/export.csv", {"dialect": "comma"}).streaming_content)
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(plain.decode("utf-8"), newline="")))[1][NAME] == "Åkeri Öst AB"
    assert client.get("/en/companies/export.csv", {"dialect": "tab"}).status_code == 400


def test_the_list_offers_both_csv_formats(client, user):
    client.force_login(user)
    html = client.get("/en/companies/").content.decode()
    assert 'href="/en/companies/export.csv?"' in html
    assert 'href="/en/companies/export.csv?dialect=comma"' in html
    assert "CSV with commas" in html and 'id="csv-hint"' in html
