"""The national figures as tables: one source for the page, the CSV and the XLSX downloads."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .national import COLUMNS, OUTCOME_KINDS, SUPPRESSED_TEXT


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    how: str = ""

    def download_rows(self) -> list[list]:
        return [list(self.columns), *self.rows]


def _cell(row: dict, key: str):
    if key in row.get("suppressed", ()):
        return str(SUPPRESSED_TEXT)
    value = row.get(key)
    return "" if value is None else value


def _regions_table(figures: dict) -> Table:
    keys = [key for key, _label, _kind in COLUMNS]
    columns = [_("Region"), *(str(label) for _key, label, _kind in COLUMNS), _("Goal period")]
    rows = [
        [row["region"]["name"], *(_cell(row, k) for k in keys), row.get("goal_period") or ""]
        for row in figures["regions"]
    ]
    if len(figures["regions"]) > 1:
        rows.append([_("All regions"), *(_cell(figures["national"], k) for k in keys), ""])
    how = _(
        "Companies reached: distinct companies with a request received or a referral made in the period. "
        "Requests: received in the period. Routed within one working day: the requests whose owner got them "
        "by the end of the next working day, among those decided. Median first response: from arrival to "
        "the first response. Referral acceptance: accepted among referrals answered. Confirmed export "
        "outcomes: confirmed by the company, achieved in the period. Satisfaction: surveys answered in the "
        "period. Newly international: companies of the region's counties whose first international sign "
        "was confirmed in the period. A figure counted from 1 to 4 reads “fewer than 5”; where one "
        "region's cell is hidden, the next smallest is hidden too."
    )
    return Table("regions", _("Figures per region"), columns, rows, how)


def _outcomes_table(figures: dict) -> Table:
    keys = [f"outcomes_{kind}" for kind, _label in OUTCOME_KINDS]
    columns = [_("Region"), *(str(label) for _kind, label in OUTCOME_KINDS), _("Confirmed export outcomes")]
    rows = [
        [row["region"]["name"], *(_cell(row, k) for k in keys), _cell(row, "outcomes")]
        for row in figures["regions"]
    ]
    if len(figures["regions"]) > 1:
        national = figures["national"]
        rows.append([_("All regions"), *(_cell(national, k) for k in keys), _cell(national, "outcomes")])
    how = _("Export outcomes confirmed by the company (never pending, declined or expired ones), by kind.")
    return Table("outcomes", _("Confirmed export outcomes by kind"), columns, rows, how)


REGION_OF_THE_YEAR_COLUMNS = [
    ("population", "Population"),
    ("portal_exporting_smes", "Exporting SMEs (portal, confirmed)"),
    ("portal_exporting_smes_per_100k", "Exporting SMEs per 100,000 inhabitants (portal)"),
    ("official_exporting_smes_per_100k", "Exporting SMEs per 100,000 inhabitants (official)"),
    ("portal_goods_outcomes", "Confirmed goods export outcomes (portal)"),
    ("portal_goods_growth_per_inhabitant_percent", "Growth in goods exports per inhabitant, % (portal)"),
    ("official_goods_sek_per_inhabitant", "Goods exports per inhabitant, SEK (official)"),
    ("official_goods_growth_per_inhabitant_percent", "Growth in goods exports per inhabitant, % (official)"),
]


def region_of_the_year_columns() -> list[tuple[str, str]]:
    labels = {
        "population": _("Population"),
        "portal_exporting_smes": _("Exporting SMEs (portal, confirmed)"),
        "portal_exporting_smes_per_100k": _("Exporting SMEs per 100,000 inhabitants (portal)"),
        "official_exporting_smes_per_100k": _("Exporting SMEs per 100,000 inhabitants (official)"),
        "portal_goods_outcomes": _("Confirmed goods export outcomes (portal)"),
        "portal_goods_growth_per_inhabitant_percent": _("Growth in goods exports per inhabitant, % (portal)"),
        "official_goods_sek_per_inhabitant": _("Goods exports per inhabitant, SEK (official)"),
        "official_goods_growth_per_inhabitant_percent": _(
            "Growth in goods exports per inhabitant, % (official)"
        ),
    }
    return [(key, labels[key]) for key, _english in REGION_OF_THE_YEAR_COLUMNS]


def _region_of_the_year_table(figures: dict) -> Table:
    chosen = region_of_the_year_columns()
    columns = [_("Region"), *(label for _key, label in chosen), _("Source")]
    rows = []
    for row in figures["region_of_the_year"]["regions"]:
        notes = []
        if row["population_is_sample"] or row["official_is_sample"]:
            notes.append(_("SAMPLE figures, not SCB's"))
        rows.append([row["region"]["name"], *(_cell(row, key) for key, _label in chosen), "; ".join(notes)])
    how = _(
        "For the year the period ends in. Exporting SMEs: companies with fewer than 500 employees (or of "
        "unknown size) of the region's counties whose export of goods or services was confirmed by the end "
        "of the year, per 100,000 inhabitants. Growth in goods exports per inhabitant: the confirmed goods "
        "export outcomes' estimated value (the middle of each value band) per inhabitant, against the year "
        "before. Official: SCB's county figures, when loaded. Population: SCB, 31 December of the year."
    )
    return Table("region-of-the-year", _("Export region of the year"), columns, rows, how)


def _county_growth_table(figures: dict) -> Table:
    """Issue 19: the official growth in goods exports per inhabitant, per county (official_statistics)."""
    columns = [
        _("County"),
        _("Year"),
        _("Growth in goods exports per inhabitant (SEK, year on year)"),
        _("Source"),
    ]
    rows = [
        [
            row["name"],
            row["year"] or "",
            "" if row["growth_sek_per_inhabitant"] is None else row["growth_sek_per_inhabitant"],
            _("SAMPLE figures, not SCB's") if row["is_sample"] else "",
        ]
        for row in figures["region_of_the_year"].get("counties", [])
    ]
    how = _(
        "Official figures (SCB / Tillväxtverket), for the latest year up to the year the period ends in: "
        "goods exports per inhabitant of the year minus those of the year before, each over its own year's "
        "population, in SEK. An empty cell: a figure is not loaded or missing at the source, never zero. "
        "Goods exports are counted where the company is registered, not where it produces."
    )
    return Table("county-growth", _("Growth in goods exports per inhabitant, per county"), columns, rows, how)


def tables(figures: dict) -> list[Table]:
    return [
        _regions_table(figures),
        _outcomes_table(figures),
        _region_of_the_year_table(figures),
        _county_growth_table(figures),
    ]
