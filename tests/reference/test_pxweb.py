"""The PxWeb parser (reference/pxweb.py) on files written as SCB publishes them, and the import service
(reference/scb.py): every error with its line and field, idempotent re-import, vintages, the commands."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from reference import pxweb, scb
from reference.models import CountyExportStatistic, CountyPopulation, StatisticsImport, StatisticsKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]  # messages in English
TRADE, POPULATION = StatisticsKind.TRADE, StatisticsKind.POPULATION

# PxWeb's "Semikolonavgränsad med rubrik": a title, a blank line, quoted headers, a row per county and year.
LONG = (
    '"Varuhandel efter region och år"\r\n'
    "\r\n"
    '"region";"år";"Varuexport, mnkr";"Varuimport, mnkr";"Antal exporterande företag";'
    '"Antal importerande företag";"Exporterande SME"\r\n'
    '"00 Riket";"2024";"2 000 000,0";"1 900 000,0";"40 000";"50 000";"30 000"\r\n'
    '"03 Uppsala län";"2023";"57 131,8";"50 000,5";"660";"760";"563"\r\n'
    '"03 Uppsala län";"2024";"59\u00a0823,9";"..";"680";"..";"575"\r\n'
    '"17 Värmlands län";"2024";"45984,1";"40000";"349";"400";"296"\r\n'
    "\r\n"
    '".. = uppgift saknas"\r\n'
)
WIDE = (
    '"Folkmängd efter region och år"\n\n"region";"2023";"2024"\n"00 Riket";10551707;10587710\n'
    '"03 Uppsala län";404 589;406500\n"17 Värmlands län";283548;..\n'
)


def _parse(text: str, kind=TRADE, encoding="utf-8"):
    return pxweb.parse(text.encode(encoding), kind=kind)


def _rows(parsed):
    return {(r.county, r.year): r for r in parsed.rows}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_long_format_in_every_encoding(reference_data, encoding):
    parsed = _parse(LONG, encoding=encoding)
    assert parsed.ok and parsed.layout == "long"
    rows = _rows(parsed)
    assert set(rows) == {("03", 2023), ("03", 2024), ("17", 2024)}  # Riket skipped
    uppsala = rows[("03", 2024)].values
    assert uppsala["goods_exports_msek"] == Decimal("59823.9")  # a non-breaking space as thousands separator
    assert uppsala["goods_imports_msek"] is None and uppsala["importing_companies"] is None  # "..": missing
    assert rows[("03", 2023)].values["goods_exports_msek"] == Decimal("57131.8")  # spaces, decimal comma
    assert rows[("03", 2023)].values["exporting_smes"] == 563
    assert rows[("03", 2023)].line == 5  # the file's own line numbers (title, blank, header, Riket)


def test_a_separate_code_column_and_unquoted_headers(reference_data):
    text = "regionkod;region;år;Folkmängd\n03;Uppsala län;2024;406 500\n17;Värmlands län;2024;283 200\n"
    parsed = _parse(text, kind=POPULATION)
    assert parsed.ok
    assert {(r.county, r.values["population"]) for r in parsed.rows} == {("03", 406500), ("17", 283200)}


def test_the_wide_layout_still_reads(reference_data):
    parsed = _parse(WIDE, kind=POPULATION, encoding="cp1252")
    assert parsed.ok and parsed.layout == "wide"
    rows = _rows(parsed)
    assert rows[("03", 2023)].values == {"population": 404589}
    assert rows[("17", 2024)].values == {"population": None}


def test_every_row_error_is_reported_with_its_line_and_field(reference_data):
    text = (
        '"region";"år";"Varuexport, mnkr";"Exporterande SME"\n'
        '"03 Uppsala län";"2024";"100";"5"\n'  # line 2: good
        '"99 Ingenstans";"2024";"100";"5"\n'  # 3: unknown county
        '"04 Södermanlands län";"";"100";"5"\n'  # 4: missing year
        '"05 Östergötlands län";"20x4";"100";"5"\n'  # 5: malformed year
        '"06 Jönköpings län";"2024";"many";"5"\n'  # 6: bad number
        '"07 Kronobergs län";"2024";"-3";"5"\n'  # 7: negative
        '"03 Uppsala län";"2024";"101";"6"\n'  # 8: duplicate of line 2
        '"08 Kalmar län";"2024";"1"\n'  # 9: too few cells
        '"09 Gotlands län";"2024";"1";"2,5"\n'  # 10: a count that is not whole
        '"Gotland";"2024";"1";"2"\n'  # 11: not a region
    )
    parsed = _parse(text)
    found = {(e.line, e.field) for e in parsed.all_errors}
    assert found == {
        (3, "region"),
        (4, "år"),
        (5, "år"),
        (6, "Varuexport, mnkr"),
        (7, "Varuexport, mnkr"),
        (8, "file"),
        (9, "file"),
        (10, "Exporterande SME"),
        (11, "region"),
    }
    messages = " | ".join(e.message for e in parsed.all_errors)
    for part in (
        "99 is not a county code",
        "year is missing",
        "“20x4” is not a year",
        "“many” is not a number",
        "negative",
        "appears twice (first on line 2)",
        "3 cells, the header has 4",
        "not a whole number",
        "is not a region",
    ):
        assert part in messages
    assert not next(r for r in parsed.rows if r.line == 2).errors  # the good row has none


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'"region";"2024"\n"03 Uppsala l\xc3\xa4n";1\x00\n', "NUL bytes"),
        (b"region,2024\n03 Uppsala,1\n", "semicolon"),
        (b'"title only";"x"\n', "No header row"),
        (b'"region";"x"\n"03 Uppsala";1\n', "names no year"),
        (b'"region";"\xc3\xa5r";"Colour"\n"03 Uppsala";"2024";1\n', "names no known figure"),
        (b'"region";"\xc3\xa5r";"Folkm\xc3\xa4ngd"\n"03 Uppsala";"2024";1\n', "another kind"),
        (b'"region";"2024 Varuexport";"2024 Export, mnkr"\n"03 Uppsala";1;2\n', "appears twice"),
        (b'"region";"\xc3\xa5r";"Varuexport, mnkr"\n', "no county rows"),
        (b'"region";"2024"\n"03 Uppsala";1\n', "Name the figure"),
    ],
)
def test_file_errors(reference_data, raw, message):
    parsed = pxweb.parse(raw, kind=TRADE)
    assert not parsed.ok
    assert message in " ".join(e.message for e in parsed.errors)


def test_an_oversized_file_is_refused_unread(reference_data, settings):
    parsed = pxweb.parse(b"x" * (pxweb.MAX_BYTES + 1), kind=TRADE)
    assert [e.field for e in parsed.errors] == ["file"] and "larger than" in parsed.errors[0].message


def _import(text, *, vintage=date(2025, 3, 1), kind=TRADE, **options):
    return scb.import_file(
        text.encode(),
        kind=kind,
        source="SCB",
        table="HA0201",
        vintage=vintage,
        file_name="trade.csv",
        imported_by="Rita",
        **options,
    )


def test_reimporting_the_same_vintage_updates_without_duplicating(reference_data):
    first = _import(LONG)
    assert (first.log.created, first.log.updated) == (3, 0) and CountyExportStatistic.objects.count() == 3
    again = _import(LONG)
    assert (again.log.created, again.log.updated) == (0, 0) and again.preview.count(scb.UNCHANGED) == 3
    changed = _import(LONG.replace('"680"', '"681"'))
    assert (changed.log.created, changed.log.updated) == (0, 1)
    assert CountyExportStatistic.objects.count() == 3
    row = CountyExportStatistic.objects.get(county="03", year=2024)
    assert row.exporting_companies == 681 and row.goods_imports_msek is None  # missing stays missing
    assert (row.source, row.table, row.vintage, row.statistics_import) == (
        "SCB",
        "HA0201",
        date(2025, 3, 1),
        changed.log,
    )
    assert StatisticsImport.objects.count() == 3
    log = StatisticsImport.objects.first()
    assert (log.kind, log.imported_by, log.file_name, log.rows) == ("trade", "Rita", "trade.csv", 3)


def test_an_older_vintage_never_overwrites_a_newer_one(reference_data):
    _import(LONG, vintage=date(2025, 3, 1))
    older = LONG.replace('"680"', '"600"')
    preview = scb.preview(older.encode(), kind=TRADE, vintage=date(2024, 3, 1))
    assert preview.ok and preview.count(scb.KEPT) == 3
    assert all("newer vintage (2025-03-01)" in row.notice for row in preview.rows)
    result = _import(older, vintage=date(2024, 3, 1))
    assert result.log.kept == 3
    assert CountyExportStatistic.objects.get(county="03", year=2024).exporting_companies == 680
    newer = _import(older, vintage=date(2025, 9, 1))
    assert newer.log.updated == 1
    assert CountyExportStatistic.objects.get(county="03", year=2024).exporting_companies == 600


def test_nothing_is_written_while_any_row_has_an_error(reference_data):
    bad = LONG.replace('"17 Värmlands län"', '"99 Ingenstans"')
    with pytest.raises(scb.ScbFileError, match="99 is not a county code") as caught:
        _import(bad)
    assert caught.value.preview.count(scb.ERROR) == 1
    assert not CountyExportStatistic.objects.exists() and not StatisticsImport.objects.exists()


def test_another_file_than_the_one_previewed_is_refused(reference_data):
    previewed = scb.preview(LONG.encode(), kind=TRADE, vintage=date(2025, 3, 1))
    with pytest.raises(scb.ScbFileError, match="not the file that was previewed"):
        _import(LONG.replace("680", "999"), expected_sha256=previewed.sha256)
    assert _import(LONG, expected_sha256=previewed.sha256).log.created == 3


def test_a_file_with_some_measures_leaves_the_others(reference_data):
    _import(LONG)
    _import('"region";"år";"Varuimport, mnkr"\n"03 Uppsala län";"2024";"123,4"\n')
    row = CountyExportStatistic.objects.get(county="03", year=2024)
    assert row.goods_imports_msek == Decimal("123.4") and row.exporting_smes == 575


def test_commands_dry_run_writes_nothing_and_lists_every_error(tmp_path, reference_data):
    path = tmp_path / "trade.csv"
    path.write_bytes(LONG.encode("utf-8-sig"))
    out = _call("import_scb_export_statistics", str(path), "--dry-run", "--vintage", "2025-03-01")
    assert "dry run" in out and "3 new" in out and not CountyExportStatistic.objects.exists()
    out = _call("import_scb_export_statistics", str(path), "--vintage", "2025-03-01", "--table", "HA0201")
    assert CountyExportStatistic.objects.count() == 3 and "3 rows for 2 counties (2023, 2024)" in out
    bad = tmp_path / "bad.csv"
    bad.write_text('"region";"år";"Folkmängd"\n"99 X";"2024";"1"\n"03 Uppsala";"";"2"\n', encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        _call("import_scb_population", str(bad), "--dry-run")
    assert "line 2" in str(caught.value) and "line 3" in str(caught.value)
    with pytest.raises(CommandError, match="not a date"):
        _call("import_scb_population", str(path), "--vintage", "yesterday")
    assert not CountyPopulation.objects.exists()


def _call(*args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_samples_are_long_format_all_counties_and_marked(reference_data):
    for path, kind in ((scb.SAMPLE_POPULATION, POPULATION), (scb.SAMPLE_EXPORT_STATISTICS, TRADE)):
        assert "SAMPLE" in path.name
        parsed = pxweb.parse(path.read_bytes(), kind=kind)
        assert parsed.ok and parsed.layout == "long"
        assert len({r.county for r in parsed.rows}) == 21 and {r.year for r in parsed.rows} == {
            2022,
            2023,
            2024,
        }
    population, trade = scb.load_samples()
    assert (population.rows, trade.rows) == (63, 63)
    assert StatisticsImport.objects.filter(is_sample=True).count() == 2
    assert [r.rows for r in scb.load_samples()] == [0, 0]  # again: nothing new, no second log entry
    assert StatisticsImport.objects.count() == 2
    assert CountyExportStatistic.objects.filter(is_sample=True, table__startswith="SAMPLE").count() == 63
    gotland = CountyExportStatistic.objects.get(county="09", year=2022)
    assert gotland.importing_companies is None  # ".." in the sample: missing, never zero
