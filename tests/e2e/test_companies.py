"""The company register in a real browser: register, search, contacts, CSV import, list filters.

The pages are the English ones (/en/…), so that no assertion depends on the Swedish catalogue.
"""

import csv
import io
import re

from django.conf import settings
from playwright.sync_api import expect
from stdnum import luhn

from companies.importing import COLUMNS, CSV_TEMPLATE_HEADER
from companies.models import Company, CompanySource, Contact
from demo import companies as companies_demo
from demo.partners import DEMO_PASSWORD
from reference.models import Municipality

ANNA = "anna.advisor@almi.example"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def unused_org_number(start: str = "556677889", *, skip: tuple[str, ...] = ()) -> str:
    """A valid limited company's number (check digit by Luhn) that no company in the database has."""
    base = int(start)
    while True:
        digits = f"{base:09d}"
        number = digits + luhn.calc_check_digit(digits)
        if number not in skip and not Company.objects.filter(org_number=number).exists():
            return number
        base += 1


def formatted(number: str) -> str:
    return f"{number[:6]}-{number[6:]}"


def submit_sign_in(page, email, password):
    form = page.get_by_role("main").locator("form")
    form.locator("input[name='username']").fill(email)
    form.locator("input[name='password']").fill(password)
    form.get_by_role("button").click()


def test_register_find_and_add_contact(page, live_server, demo, assert_no_axe_violations):
    companies_demo.seed()
    number = unused_org_number()
    name = "Playwright Precision AB"

    # Signed out, the register sends the advisor to the (English) sign-in form and back again.
    page.goto("/en/companies/")
    expect(page).to_have_url(f"{live_server.url}/en/login/?next=/en/companies/")
    submit_sign_in(page, ANNA, DEMO_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/en/companies/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Companies")

    # Register the company.
    main.get_by_role("link", name="Register a company").click()
    expect(page).to_have_url(f"{live_server.url}/en/companies/new/")
    expect(main.get_by_role("heading", level=1)).to_have_text("Register a company")
    main.get_by_role("textbox", name="Organisation number").fill(formatted(number))
    main.get_by_label("Name", exact=True).fill(name)
    main.get_by_label("Municipality").select_option(label="Knivsta")
    main.get_by_label("Employees").select_option(label="5–9 employees")
    main.get_by_label("Export experience").select_option(label="Has exported occasionally")
    with page.expect_navigation():
        main.get_by_role("button", name="Register", exact=True).click()
    confirm_new = main.get_by_label("None of these is the company: register it as new")
    # On PostgreSQL "… Precision AB" of the demo data resemble the name (trigrams); on SQLite none does.
    if confirm_new.count():  # "Did you mean one of these?"
        expect(main.get_by_role("heading", name="Did you mean one of these?")).to_be_visible()
        expect(main.locator(".messages")).to_contain_text("Check that the company is not registered already.")
        expect(main.get_by_role("textbox", name="Organisation number")).to_have_value(formatted(number))
        assert not Company.objects.filter(org_number=number).exists()
        assert_no_axe_violations(page)
        confirm_new.check()
        with page.expect_navigation():
            main.get_by_role("button", name="Register", exact=True).click()

    expect(page).to_have_url(re.compile(rf"{re.escape(live_server.url)}/en/companies/{UUID}/$"))
    expect(main.get_by_role("heading", level=1)).to_have_text(name)
    expect(main.locator(".messages")).to_contain_text("The company was registered.")
    facts = main.get_by_role("region", name="Facts")
    expect(facts).to_contain_text(formatted(number))
    expect(facts).to_contain_text("Limited company (AB)")
    expect(facts).to_contain_text("Knivsta")
    expect(facts).to_contain_text("5–9 employees")
    expect(facts).to_contain_text("Has exported occasionally")
    expect(main.get_by_role("region", name="Contact persons")).to_contain_text("No contact persons yet.")
    assert_no_axe_violations(page)

    company = Company.objects.get(org_number=number)
    assert company.name == name
    assert company.municipality.short_name == "Knivsta"
    assert company.employee_band == "5-9"
    assert company.export_experience == "occasionally"
    assert company.source == CompanySource.ADVISOR
    assert company.created_by.email == ANNA
    assert str(company.public_id) in page.url

    # Find it again: a misspelt name on PostgreSQL (trigram similarity), part of the name on SQLite.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Companies").click()
    expect(page).to_have_url(f"{live_server.url}/en/companies/")
    query = "Playwrigt Precison" if settings.USING_POSTGRES else "Playwright Prec"
    main.get_by_role("textbox", name="Search").fill(query)
    main.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/companies/\?.*q=Playwrig"))
    result = main.get_by_role("table").get_by_role("link", name=name, exact=True)
    expect(result).to_have_count(1)
    result_row = (
        main.get_by_role("table")
        .get_by_role("row")
        .filter(has=page.get_by_role("link", name=name, exact=True))
    )
    expect(result_row).to_contain_text("Knivsta")
    result.click()
    expect(page).to_have_url(f"{live_server.url}/en/companies/{company.public_id}/")

    # Add a contact: first with an invalid email address.
    main.get_by_role("region", name="Contact persons").get_by_role("link", name="Add contact").click()
    expect(page).to_have_url(f"{live_server.url}/en/companies/{company.public_id}/contacts/new/")
    expect(main.get_by_role("heading", level=1)).to_have_text("Add contact")
    main.get_by_label("Name", exact=True).fill("Petra Playwright")
    main.get_by_label("Email address").fill("petra.playwright-at-precision.example")
    main.get_by_label("Phone").fill("070-123 45 67")
    main.get_by_label("Legal basis").select_option(label="Legitimate interest")
    main.get_by_role("button", name="Save").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(1)
    expect(summary.get_by_role("link")).to_have_text("Email address: Enter a valid email address.")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_email")
    email = main.get_by_label("Email address")
    expect(page.locator("#id_email_error")).to_be_visible()
    expect(page.locator("#id_email_error")).to_have_text("Enter a valid email address.")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", re.compile(r"\bid_email_error\b"))
    expect(main.get_by_label("Phone")).to_have_value("070-123 45 67")  # what was typed is kept
    expect(page).to_have_url(f"{live_server.url}/en/companies/{company.public_id}/contacts/new/")
    assert not Contact.objects.filter(company=company).exists()
    assert_no_axe_violations(page)

    email.fill("petra.playwright@precision.example")
    main.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{live_server.url}/en/companies/{company.public_id}/")
    expect(main.locator(".messages")).to_contain_text("The contact was saved.")
    contact_item = main.get_by_role("region", name="Contact persons").get_by_role("listitem")
    expect(contact_item).to_have_count(1)
    expect(contact_item).to_contain_text("Petra Playwright")
    expect(contact_item).to_contain_text("Primary")  # the company's first contact
    expect(contact_item.get_by_role("link", name="petra.playwright@precision.example")).to_have_attribute(
        "href", "mailto:petra.playwright@precision.example"
    )
    expect(contact_item).to_contain_text("070-123 45 67")  # stored as E.164, shown nationally
    expect(contact_item).to_contain_text("Legitimate interest")
    contact = Contact.objects.get(company=company)
    assert contact.phone == "+46701234567"
    assert contact.email == "petra.playwright@precision.example"
    assert contact.legal_basis == Contact.LegalBasis.LEGITIMATE_INTEREST
    assert contact.is_primary


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    out.write(CSV_TEMPLATE_HEADER + "\r\n")
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_import_dry_run_with_row_errors(page, live_server, demo, sign_in_as, assert_no_axe_violations):
    sign_in_as(ANNA)
    valid = unused_org_number("556677889")
    atlantis = unused_org_number("556677890", skip=(valid,))
    wrong_check_digit = unused_org_number("556677891", skip=(valid, atlantis))
    wrong_check_digit = wrong_check_digit[:-1] + str((int(wrong_check_digit[-1]) + 1) % 10)
    assert not luhn.is_valid(wrong_check_digit)
    content = _csv(
        [
            {
                "org_number": formatted(valid),
                "name": "Importerad Maskin AB",
                "municipality": "Uppsala",
                "employee_band": "10-19",
                "export_experience": "regularly_few",
                "contact_name": "Iris Import",
                "contact_email": "iris@importerad.example",
                "contact_phone": "070-174 06 10",
            },
            {"org_number": formatted(wrong_check_digit), "name": "Fel Siffra AB", "municipality": "Uppsala"},
            {"org_number": formatted(atlantis), "name": "Atlantis Shipping AB", "municipality": "Atlantis"},
        ]
    )
    companies_before = Company.objects.count()

    page.goto("/en/companies/import/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Import companies from a CSV file")
    expect(main.locator("code")).to_have_text(CSV_TEMPLATE_HEADER)
    assert_no_axe_violations(page)

    main.get_by_label("CSV file").set_input_files(
        {"name": "companies.csv", "mimeType": "text/csv", "buffer": content}
    )
    main.get_by_role("button", name="Preview the import").click()

    expect(page).to_have_url(re.compile(rf"/en/companies/import/{UUID}/$"))
    expect(main.get_by_role("heading", level=1)).to_have_text("Preview of companies.csv")
    expect(main.get_by_role("status")).to_have_text(
        "1 new, 0 to update, 0 unchanged, 2 with errors.", use_inner_text=True
    )
    rows = main.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).not_to_have_class(re.compile(r"\btable-danger\b"))
    expect(rows.nth(0).get_by_role("rowheader")).to_have_text("2")
    expect(rows.nth(0)).to_contain_text("Importerad Maskin AB")
    expect(rows.nth(0)).to_contain_text("New company and a contact person")
    expect(main.locator("tbody tr.table-danger")).to_have_count(2)
    expect(rows.nth(1)).to_have_class(re.compile(r"\btable-danger\b"))
    expect(rows.nth(1).get_by_role("rowheader")).to_have_text("3")
    expect(rows.nth(1).get_by_role("listitem")).to_have_text(
        "org_number: The check digit is wrong. Check the organisation number."
    )
    expect(rows.nth(2)).to_have_class(re.compile(r"\btable-danger\b"))
    expect(rows.nth(2).get_by_role("rowheader")).to_have_text("4")
    expect(rows.nth(2).get_by_role("listitem")).to_have_text(
        "municipality: Unknown municipality. Write its four-digit code, like 0380, or its name, like Uppsala."
    )
    expect(main.get_by_role("button", name="Apply the import")).to_have_count(0)
    import_valid = main.get_by_role("button", name="Import the 1 valid row only")
    expect(import_valid).to_be_visible()
    assert_no_axe_violations(page)
    assert Company.objects.count() == companies_before  # the preview is a dry run

    import_valid.click()

    expect(page).to_have_url(f"{live_server.url}/en/companies/")
    expect(main.locator(".messages")).to_contain_text("Import applied: 1 created, 0 updated, 0 unchanged.")
    assert Company.objects.count() == companies_before + 1
    company = Company.objects.get(org_number=valid)
    assert company.name == "Importerad Maskin AB"
    assert company.municipality.short_name == "Uppsala"
    assert company.source == CompanySource.IMPORT
    assert company.employee_band == "10-19"
    assert list(company.contacts.values_list("name", "phone")) == [("Iris Import", "+46701740610")]
    assert not Company.objects.filter(org_number__in=[wrong_check_digit, atlantis]).exists()
    expect(main.get_by_role("table").get_by_role("link", name="Importerad Maskin AB")).to_be_visible()


def test_company_list_filtered_by_municipality(page, live_server, demo, sign_in_as, assert_no_axe_violations):
    sign_in_as(ANNA)
    companies_demo.seed()
    enkoping = Municipality.objects.get(short_name="Enköping")
    expected = Company.objects.active().filter(municipality=enkoping).count()
    assert 0 < expected < Company.objects.count()

    page.goto("/en/companies/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Companies")
    main.get_by_label("Municipality").select_option(label="Enköping")
    main.get_by_role("button", name="Search", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/en/companies/\?.*municipality={enkoping.code}"))
    expect(main.get_by_label("Municipality")).to_have_value(enkoping.code)
    expect(main.get_by_role("status")).to_have_text(f"{expected} companies")
    municipality_cells = main.get_by_role("table").locator("tbody tr td:nth-of-type(2)")
    seen = 0
    while True:
        expect(municipality_cells).to_have_count(min(25, expected - seen))
        assert set(municipality_cells.all_inner_texts()) == {"Enköping"}
        seen += municipality_cells.count()
        if seen == 25:
            assert_no_axe_violations(page)  # the filtered list, with its pagination
        next_page = main.get_by_role("link", name="Next")
        if not next_page.count():
            break
        next_page.click()
        expect(page).to_have_url(re.compile(rf"[?&]municipality={enkoping.code}&.*\bpage={seen // 25 + 1}$"))
    assert seen == expected
    assert_no_axe_violations(page)
