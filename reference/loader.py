"""Loads SCB reference data from the CSV files in `reference/data/`. Idempotent: it upserts by code."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from reference.models import County, Municipality, SNICode, SNISection, TurnoverClass

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(filename: str) -> list[dict[str, str]]:
    with open(DATA_DIR / filename, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _by_code(filename: str, column: str) -> dict[str, str]:
    return {row["code"]: row[column] for row in _rows(filename)}


def _upsert(model, objects: list, update_fields: list[str]) -> int:
    model.objects.bulk_create(
        objects, update_conflicts=True, unique_fields=["code"], update_fields=update_fields
    )
    return len(objects)


def division_names_en() -> dict[str, str]:
    """The NACE Rev. 2.1 titles of the SNI 2025 divisions, by two-digit code."""
    return _by_code("sni2025_divisions_en.csv", "name_en")


@dataclass(frozen=True)
class LoadResult:
    counties: int
    municipalities: int
    sni_sections: int
    sni_codes: int
    turnover_classes: int


@transaction.atomic
def load_reference_data() -> LoadResult:
    section_en = _by_code("sni2025_sections_en.csv", "name_en")
    turnover_en = _by_code("scb_turnover_classes_en.csv", "label_en")
    division_en = division_names_en()
    return LoadResult(
        counties=_upsert(
            County,
            [
                County(code=r["code"], name=r["name"], short_name=r["short_name"])
                for r in _rows("counties.csv")
            ],
            ["name", "short_name"],
        ),
        municipalities=_upsert(
            Municipality,
            [
                Municipality(
                    code=r["code"], name=r["name"], short_name=r["short_name"], county_id=r["county_code"]
                )
                for r in _rows("municipalities.csv")
            ],
            ["name", "short_name", "county"],
        ),
        sni_sections=_upsert(
            SNISection,
            [
                SNISection(code=r["code"], name_sv=r["name_sv"], name_en=section_en.get(r["code"], ""))
                for r in _rows("sni2025_sections.csv")
            ],
            ["name_sv", "name_en"],
        ),
        sni_codes=_upsert(
            SNICode,
            [
                SNICode(
                    code=r["code"],
                    name_sv=r["name_sv"],
                    division=r["division"],
                    division_name_en=division_en.get(r["division"], ""),
                    section_id=r["section"],
                )
                for r in _rows("sni2025_codes.csv")
            ],
            ["name_sv", "division", "division_name_en", "section"],
        ),
        turnover_classes=_upsert(
            TurnoverClass,
            [
                TurnoverClass(
                    code=int(r["code"]), label_sv=r["label_sv"], label_en=turnover_en.get(r["code"], "")
                )
                for r in _rows("scb_turnover_classes.csv")
            ],
            ["label_sv", "label_en"],
        ),
    )


def reference_data_loaded() -> bool:
    return County.objects.exists() and SNICode.objects.exists()
