"""Official statistics in a real browser (issue 19 §4): regional staff open the dashboard, whose panel (loaded
by htmx) leads to the import; a PxWeb file with a bad row shows the preview with the error beside the row and
no way to confirm; the corrected file previews as new rows and is confirmed, a trade file likewise, and the
panel then shows the county's figures with their source, table and vintage. axe-core on every page.
English pages (/en/…)."""

import pytest
from playwright.sync_api import expect

from reference.models import CountyExportStatistic, CountyPopulation

RITA = "rita.staff@regionuppsala.example"

pytestmark = pytest.mark.usefixtures("midday_today")

HEADER = '"Folkmängd efter region och år"\n\n"region";"år";"Folkmängd"\n'
GOOD = HEADER + '"03 Uppsala län";"2024";"406 500"\n"03 Uppsala län";"2025";"409 900"\n'
BAD = GOOD + '"99 Ingenstans län";"2025";"1 000"\n'
TRADE = (
    '"Varuhandel efter region och år"\n\n'
    '"region";"år";"Varuexport, mnkr";"Varuimport, mnkr";"Antal exporterande företag";"Exporterande SME"\n'
    '"03 Uppsala län";"2024";"59 823,9";"61 002,5";"701";"575"\n'
    '"03 Uppsala län";"2025";"62 410,0";"..";"712";"588"\n'
)


def upload(page, tmp_path, text: str, kind="population", table="BE0101N1"):
    path = tmp_path / f"{table}.csv"
    path.write_text(text, encoding="utf-8")
    main = page.get_by_role("main")
    main.get_by_label("File", exact=True).set_input_files(str(path))
    main.get_by_label("What the file holds").select_option(value=kind)
    main.get_by_label("Table").fill(table)
    main.get_by_label("Vintage (published on)").fill("2026-02-20")
    main.get_by_role("button", name="Preview").click()


def test_preview_refuses_a_bad_row_then_imports_and_shows(
    page, live_server, demo, sign_in_as, assert_no_axe_violations, tmp_path
):
    sign_in_as(RITA)
    page.goto("/en/advisor/dashboard/")
    link = page.get_by_role("link", name="Import official statistics")
    expect(link).to_be_visible()  # in the panel htmx put in place
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import official statistics")
    assert_no_axe_violations(page)

    upload(page, tmp_path, BAD)
    table = page.locator("#preview-table")
    bad_row = table.locator("tr[data-status='error']")
    expect(bad_row).to_have_count(1)
    expect(bad_row).to_contain_text("99")
    expect(page.get_by_role("button", name="Import these figures")).to_have_count(0)
    assert_no_axe_violations(page)
    assert not CountyPopulation.objects.filter(county_id="03", year=2025).exists()

    upload(page, tmp_path, GOOD)
    # The bad file's preview had the same two new rows: the confirm form is the corrected file's answer.
    expect(page.get_by_role("button", name="Import these figures")).to_be_visible()
    expect(page.locator("#preview-table tr[data-status='new']")).to_have_count(2)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Import these figures").click()
    expect(page.locator("#imports-table")).to_contain_text("BE0101N1")
    row = CountyPopulation.objects.get(county_id="03", year=2025)
    assert (row.population, row.table, str(row.vintage)) == (409_900, "BE0101N1", "2026-02-20")
    assert not CountyExportStatistic.objects.filter(county_id="03", year=2025).exists()

    upload(page, tmp_path, TRADE, kind="trade", table="HA0201")
    page.get_by_role("button", name="Import these figures").click()
    expect(page.locator("#imports-table")).to_contain_text("HA0201")
    trade = CountyExportStatistic.objects.get(county_id="03", year=2025)
    assert (trade.exporting_smes, trade.goods_imports_msek) == (588, None)  # ".." is missing, not zero

    page.goto("/en/advisor/statistics/?period=year&day=2025-06-01")
    main = page.get_by_role("main")
    expect(main).to_contain_text("BE0101N1")
    expect(main).to_contain_text("HA0201")
    expect(main).to_contain_text("goods exports are counted where the company is registered")
    assert_no_axe_violations(page)
