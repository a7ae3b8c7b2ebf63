import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from companies import importing, services
from companies.identifiers import LegalForm, format_number
from companies.importing import apply_import, preview_import, read_upload
from companies.models import Company, CompanyEvent, CompanyImport, CompanySource, Contact
from reference.models import Municipality
from tests.factories import CompanyFactory, ContactFactory, valid_org_number


@pytest.fixture(autouse=True)
def english():
    """The assertions read English messages; Swedish is the default language."""
    with translation.override("en"):
        yield


NUMBER_1, NUMBER_2, NUMBER_3, NUMBER_4 = (valid_org_number(n) for n in (901, 902, 903, 904))
HEADER = "org_number,name,municipality,sni_code,website,contact_name,contact_email"


@pytest.fixture
def user(reference_data, region, advisor):
    region.counties.add("03")  # Uppsala län
    return advisor


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def csv_text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def upload(user, text: str) -> CompanyImport:
    return CompanyImport.objects.create(filename="companies.csv", content=text, created_by=user)


def register_size() -> tuple[int, int, int]:
    return Company.objects.count(), Contact.objects.count(), CompanyEvent.objects.count()


MIXED_FILE = csv_text(
    HEADER,
    f"{NUMBER_1},Alfa AB,0380,62.100,alfa.example,Anna Alfa,anna@alfa.example",
    f"{wrong_check_digit(NUMBER_2)},Beta AB,Uppsala,,,,",
    f"{NUMBER_3},Gamma AB,Atlantis,,,,",
    f"{NUMBER_4},Delta AB,0380,99.999,,,",
    f"16{format_number(NUMBER_1)},Alfa igen AB,0380,,,,",
)


# --- Preview --------------------------------------------------------------------------------------


def test_preview_reports_each_rows_errors_by_line_and_writes_nothing(user):
    before = register_size()

    preview = preview_import(MIXED_FILE, user=user)

    assert register_size() == before
    assert preview.header_errors == []
    by_line = {row.line: row for row in preview.rows}
    assert [row.line for row in preview.rows] == [2, 3, 4, 5, 6]
    assert by_line[2].action == "create"
    assert by_line[2].is_valid
    assert by_line[3].errors == {"org_number": ["The check digit is wrong. Check the organisation number."]}
    assert list(by_line[4].errors) == ["municipality"]
    assert "Unknown municipality" in by_line[4].errors["municipality"][0]
    assert list(by_line[5].errors) == ["sni_code"]
    assert by_line[6].errors == {"org_number": ["This organisation number is also on line 2."]}
    assert [row.line for row in preview.invalid_rows] == [3, 4, 5, 6]
    assert preview.counts == {"create": 1, "update": 0, "unchanged": 0, "error": 4}
    assert not preview.can_apply_all


def test_semicolon_separated_file_with_municipality_names(user):
    text = csv_text(
        "org_number;name;municipality;employee_band;turnover_class;export_experience",
        f"{NUMBER_1};Alfa AB;uppsala;5-9;3;never",
        f"{NUMBER_2};Beta AB;Enköping;;;",
    )
    preview = preview_import(text, user=user)

    assert preview.can_apply_all, [row.errors for row in preview.rows]
    assert [row.company_data["municipality"].code for row in preview.rows] == ["0380", "0381"]
    assert preview.rows[0].company_data["turnover_class"].code == 3


def test_number_written_with_16_prefix_and_without_dash_find_the_same_company(user):
    company = CompanyFactory(org_number=NUMBER_1, name="Alfa AB")

    for written in (f"16{format_number(NUMBER_1)}", NUMBER_1, format_number(NUMBER_1)):
        preview = preview_import(csv_text("org_number,name", f"{written},Alfa AB"), user=user)
        assert preview.rows[0].company == company
        assert preview.rows[0].action == "unchanged"

    both = preview_import(
        csv_text("org_number,name", f"16{format_number(NUMBER_1)},Alfa AB", f"{NUMBER_1},Alfa AB"), user=user
    )
    assert both.rows[1].errors == {"org_number": ["This organisation number is also on line 2."]}


def test_a_company_in_another_region_is_a_row_error(user):
    CompanyFactory(org_number=NUMBER_1, municipality=Municipality.objects.get(code="0180"))

    preview = preview_import(csv_text("org_number,name", f"{NUMBER_1},Stockholm AB"), user=user)

    row = preview.rows[0]
    assert row.action == "error"
    assert row.company is None  # nothing of another region's company is shown
    assert "registered in another region" in row.errors["org_number"][0]


def test_a_new_company_needs_a_municipality_in_the_users_region(user):
    preview = preview_import(
        csv_text("org_number,name,municipality", f"{NUMBER_1},Alfa AB,", f"{NUMBER_2},Beta AB,Stockholm"),
        user=user,
    )

    assert preview.rows[0].errors == {"municipality": ["Enter the municipality: a new company needs one."]}
    assert "outside your region" in preview.rows[1].errors["municipality"][0]


def test_field_errors_are_row_errors(user):
    long_name = "A" * 201
    text = csv_text(
        "org_number,name,municipality,employee_band,turnover_class,website,export_experience,"
        "contact_name,contact_email,contact_phone",
        f"{NUMBER_1},{long_name},0380,lots,13,not a url,always,Anna,not-an-email,12",
        f"{NUMBER_2},Beta AB,0380,,,,,,anna@beta.example,",
        f"{NUMBER_3},{'B' * 301},0380,,,,,,,",
        ",Gamma AB,0380,,,,,,,",
    )

    rows = preview_import(text, user=user).rows

    assert set(rows[0].errors) == {
        "name",
        "employee_band",
        "turnover_class",
        "website",
        "export_experience",
        "contact_email",
        "contact_phone",
    }
    assert rows[1].errors == {
        "contact_name": ["Enter the contact person's name, or leave every contact column empty."]
    }
    assert rows[2].errors == {"name": ["At most 300 characters."]}
    assert rows[3].errors == {"org_number": ["Enter an organisation number."]}
    assert all(row.action == "error" for row in rows)


def test_extra_cells_beyond_the_header_are_a_row_error(user):
    preview = preview_import(
        csv_text("org_number,name,municipality", f"{NUMBER_1},Alfa AB,0380,surprise"), user=user
    )

    assert preview.rows[0].errors == {"__all__": ["This row has more cells than the header has columns."]}


def test_a_quoted_cell_over_two_lines_keeps_the_line_numbers_of_the_file(user):
    text = csv_text("org_number,name,municipality", f'{NUMBER_1},"Alfa\nAB",0380', f"{NUMBER_2},Beta AB,Mars")

    preview = preview_import(text, user=user)

    assert [row.line for row in preview.rows] == [2, 4]
    assert list(preview.rows[1].errors) == ["municipality"]


# --- Header ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("org_number,municipality", "The required column name is missing."),
        ("org_number,name,colour", "Unknown columns: colour."),
        ("org_number,name,name", "The column name appears more than once."),
        ("org_number,,name", "Column 2 has no name."),
    ],
)
def test_header_errors(user, header, message):
    text = csv_text(header, f"{NUMBER_1},Alfa AB,0380")
    before = register_size()

    preview = preview_import(text, user=user)

    assert any(error.startswith(message) for error in preview.header_errors), preview.header_errors
    assert preview.rows == []
    assert not preview.can_apply_all
    with pytest.raises(ValidationError):
        apply_import(company_import=upload(user, text), by=user, valid_only=True)
    assert register_size() == before


def test_an_empty_file_and_a_file_without_rows_are_header_errors(user):
    assert preview_import("", user=user).header_errors
    assert preview_import("org_number,name\n", user=user).header_errors


def test_too_many_rows_is_a_header_error(user, monkeypatch):
    monkeypatch.setattr(importing, "MAX_IMPORT_ROWS", 2)
    text = csv_text("org_number,name", *(f"{valid_org_number(n)},Company {n}" for n in range(3)))

    preview = preview_import(text, user=user)

    assert preview.header_errors == ["The file has more than 2 rows. Split it into smaller files."]


def test_template_header_is_accepted(user):
    assert importing.CSV_TEMPLATE_HEADER.split(",") == importing.COLUMNS
    preview = preview_import(importing.CSV_TEMPLATE_HEADER + f"\n{NUMBER_1},Alfa AB,0380", user=user)
    assert preview.header_errors == []


# --- Apply ----------------------------------------------------------------------------------------


def test_applying_all_rows_refuses_an_invalid_row_and_writes_nothing(user):
    company_import = upload(user, MIXED_FILE)
    before = register_size()

    with pytest.raises(ValidationError) as error:
        apply_import(company_import=company_import, by=user, valid_only=False)

    assert "4 rows have errors" in error.value.messages[0]
    assert register_size() == before
    company_import.refresh_from_db()
    assert company_import.status == CompanyImport.Status.PREVIEWED


def test_applying_valid_rows_only_writes_exactly_those(user):
    company_import = upload(user, MIXED_FILE)
    companies, contacts, _events = register_size()

    counts = apply_import(company_import=company_import, by=user, valid_only=True)

    assert counts == {"create": 1, "update": 0, "unchanged": 0, "error": 4}
    assert Company.objects.count() == companies + 1
    assert Contact.objects.count() == contacts + 1
    company = Company.objects.get(org_number=NUMBER_1)
    assert (company.name, company.municipality_id, company.sni_code_id, company.website) == (
        "Alfa AB",
        "0380",
        "62100",
        "https://alfa.example",
    )
    assert company.legal_form == LegalForm.LIMITED_COMPANY
    assert company.source == CompanySource.IMPORT
    assert company.created_by == user
    contact = company.contacts.get()
    assert (contact.name, contact.email, contact.is_primary) == ("Anna Alfa", "anna@alfa.example", True)
    assert contact.legal_basis == Contact.LegalBasis.LEGITIMATE_INTEREST
    assert contact.source == CompanySource.IMPORT
    assert set(company.events.values_list("kind", flat=True)) == {
        CompanyEvent.Kind.CREATED,
        CompanyEvent.Kind.CONTACT_ADDED,
    }
    company_import.refresh_from_db()
    assert company_import.status == CompanyImport.Status.APPLIED
    assert company_import.applied_at is not None
    assert company_import.summary == counts


def test_an_applied_import_cannot_be_applied_again(user):
    company_import = upload(user, csv_text("org_number,name,municipality", f"{NUMBER_1},Alfa AB,0380"))
    apply_import(company_import=company_import, by=user, valid_only=False)
    before = register_size()

    with pytest.raises(ValidationError):
        apply_import(company_import=company_import, by=user, valid_only=False)
    assert register_size() == before


def test_reimporting_the_same_file_updates_instead_of_duplicating(user):
    text = csv_text(
        HEADER,
        f"{NUMBER_1},Alfa AB,0380,62.100,alfa.example,Anna Alfa,anna@alfa.example",
        f"{NUMBER_2},Beta AB,Uppsala,,,,",
    )
    apply_import(company_import=upload(user, text), by=user, valid_only=False)
    before = register_size()

    preview = preview_import(text, user=user)
    assert [row.action for row in preview.rows] == ["unchanged", "unchanged"]
    assert apply_import(company_import=upload(user, text), by=user, valid_only=False)["unchanged"] == 2
    assert register_size() == before

    # An email in other letter case is the same person: no second contact.
    changed = text.replace("Beta AB", "Beta Nordic AB").replace("anna@alfa.example", "ANNA@ALFA.EXAMPLE")
    preview = preview_import(changed, user=user)
    assert [row.action for row in preview.rows] == ["unchanged", "update"]
    assert preview.rows[1].changed_fields == ["name"]

    apply_import(company_import=upload(user, changed), by=user, valid_only=False)
    beta = Company.objects.get(org_number=NUMBER_2)
    assert beta.name == "Beta Nordic AB"
    assert beta.version == 2
    assert beta.events.filter(kind=CompanyEvent.Kind.UPDATED).count() == 1
    assert Company.objects.count() == before[0]
    assert Contact.objects.count() == before[1]


def test_an_empty_cell_never_blanks_a_maintained_field(user):
    company = CompanyFactory(
        org_number=NUMBER_1, name="Alfa AB", website="https://alfa.example", employee_band="5-9"
    )
    text = csv_text("org_number,name,municipality,website,employee_band", f"{NUMBER_1},Alfa AB,,,20-49")

    apply_import(company_import=upload(user, text), by=user, valid_only=False)

    company.refresh_from_db()
    assert company.website == "https://alfa.example"
    assert company.municipality_id == "0380"
    assert company.employee_band == "20-49"


def test_a_new_contact_is_added_to_an_existing_company(user):
    company = CompanyFactory(org_number=NUMBER_1, name="Alfa AB")
    ContactFactory(company=company, email="first@alfa.example", is_primary=True)
    text = csv_text(
        "org_number,name,contact_name,contact_email,contact_phone,contact_title",
        f"{NUMBER_1},Alfa AB,Bo Berg,bo@alfa.example,070-123 45 67,CEO",
    )

    preview = preview_import(text, user=user)
    assert preview.rows[0].action == "update"
    assert preview.rows[0].changed_fields == []
    apply_import(company_import=upload(user, text), by=user, valid_only=False)

    contact = company.contacts.get(email="bo@alfa.example")
    assert (contact.phone, contact.title, contact.is_primary) == ("+46701234567", "CEO", False)
    assert preview_import(text, user=user).rows[0].action == "unchanged"


def test_a_merged_companys_number_updates_the_company_it_was_merged_into(user):
    survivor = CompanyFactory(org_number=NUMBER_1, name="Alfa AB")
    duplicate = CompanyFactory(org_number=NUMBER_2, name="Alfa dubblett AB")
    services.merge_companies(survivor=survivor, duplicate=duplicate, by=user)

    preview = preview_import(
        csv_text("org_number,name", f"{NUMBER_2},Alfa AB", f"{NUMBER_1},Alfa AB"), user=user
    )

    assert preview.rows[0].company == survivor
    assert preview.rows[0].action == "unchanged"
    assert "also on line 2" in preview.rows[1].errors["org_number"][0]


# --- The upload -----------------------------------------------------------------------------------


def test_read_upload_returns_the_text_without_a_byte_order_mark():
    content = "\ufefforg_number;name\n5566000013;Åkeri AB\n".encode()

    filename, text = read_upload(SimpleUploadedFile("Företag.CSV", content, content_type="text/csv"))

    assert filename == "Företag.CSV"
    assert text == "org_number;name\n5566000013;Åkeri AB\n"


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("big.csv", b"a" * (importing.MAX_IMPORT_BYTES + 1), "text/csv", "too large"),
        ("companies.xlsx", b"org_number,name\n", "text/csv", "CSV file"),
        ("companies.csv", b"org_number,name\n", "application/pdf", "CSV file"),
        ("companies.csv", b"org_number,name\n\x00\x01", "text/csv", "not a text file"),
        ("companies.csv", "org_number,name\n1,Malmö AB\n".encode("latin-1"), "text/csv", "UTF-8"),
    ],
)
def test_read_upload_refusals(name, content, content_type, message):
    with pytest.raises(ValidationError) as error:
        read_upload(SimpleUploadedFile(name, content, content_type=content_type))

    assert message in error.value.messages[0]


def test_read_upload_does_not_trust_the_reported_size():
    uploaded = SimpleUploadedFile("big.csv", b"a" * (importing.MAX_IMPORT_BYTES + 1), content_type="text/csv")
    uploaded.size = 10

    with pytest.raises(ValidationError):
        read_upload(uploaded)


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_sni_hint_gives_an_example_that_the_importer_accepts(reference_data, language):
    import re

    reference = importing._ReferenceData.load()
    with translation.override(language), pytest.raises(ValidationError) as refused:
        importing._sni_code("62.010", reference)  # an SNI 2007 code
    example = re.search(r"\d\d\.\d{3}", refused.value.messages[0]).group()
    assert importing._sni_code(example, reference).code == example.replace(".", "")
