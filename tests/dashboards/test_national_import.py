"""The SCB import commands: a good file, malformed files (a clear error, nothing written), idempotence."""

import pytest
from django.core.management import CommandError, call_command

from reference.models import CountyExportStatistic, CountyPopulation
from reference.scb import SAMPLE_EXPORT_STATISTICS, SAMPLE_POPULATION

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]  # messages in English

GOOD = (
    '"Folkmängd efter region och år"\n\n"region";"2023";"2024"\n"00 Riket";10551707;10587710\n'
    '"03 Uppsala län";404 589;406500\n"17 Värmlands län";283548;..\n'
)


def _write(tmp_path, text, name="scb.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_good_file_is_imported_and_reimport_is_idempotent(tmp_path, reference_data):
    path = _write(tmp_path, GOOD, encoding="cp1252")
    call_command("import_scb_population", path)
    call_command("import_scb_population", path)
    assert CountyPopulation.objects.count() == 3  # 03 × 2 years, 17 × 1 (".." is missing); Riket skipped
    uppsala = CountyPopulation.objects.get(county="03", year=2023)
    assert uppsala.population == 404589 and uppsala.source.startswith("SCB") and not uppsala.is_sample


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("region,2024\n03 Uppsala,1\n", "semicolon"),
        ('"län";"x"\n"03 Uppsala län";1\n', "names no year"),
        ('"region";"2024"\n"99 Nowhere";1\n', "not a county code"),
        ('"region";"2024"\n"03 Uppsala län";many\n', "not a number"),
        ('"region";"2024"\n"03 Uppsala län";1;2\n', "cells"),
        ('"title only";"x"\n', "No header row"),
    ],
)
def test_malformed_files_give_a_clear_error_and_write_nothing(tmp_path, reference_data, text, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_scb_population", _write(tmp_path, text))
    assert not CountyPopulation.objects.exists()


def test_missing_file(reference_data):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_scb_population", "/nonexistent/file.csv")


def test_export_statistics_and_samples(tmp_path, reference_data):
    call_command("load_sample_county_statistics")
    assert CountyPopulation.objects.filter(is_sample=True).count() == 63  # 21 counties × 3 years
    assert CountyExportStatistic.objects.filter(is_sample=True).count() == 63
    text = '"t"\n"region";"2024 Exporterande SME";"2024 Varuexport, mnkr"\n"03 Uppsala län";575;"59 823,9"\n'
    call_command("import_scb_export_statistics", _write(tmp_path, text))
    row = CountyExportStatistic.objects.get(county="03", year=2024)
    assert row.exporting_smes == 575 and str(row.goods_exports_msek) == "59823.9" and not row.is_sample
    with pytest.raises(CommandError, match="another kind"):
        call_command("import_scb_export_statistics", str(SAMPLE_POPULATION))
    assert "SAMPLE" in SAMPLE_EXPORT_STATISTICS.name and "SAMPLE" in SAMPLE_POPULATION.name
