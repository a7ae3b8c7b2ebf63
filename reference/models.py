"""Reference data from SCB: counties, municipalities, SNI 2025, turnover classes and employee bands.

The bottom layer of the project: every app may use it, and it imports no other app.
Codes are the primary keys: they are stable, short, meaningful in URLs and exports, and keep leading zeros.
Loaded (idempotently) by `manage.py load_reference_data` from `reference/data/`.

The tables were created by the `companies` app, where these models lived until they moved here; they keep
their names (`db_table`), so that moving the models moved no data.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from exportcenter.i18n import TranslatedField


class County(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)

    class Meta:
        db_table = "companies_county"
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self):
        return self.name


class Municipality(models.Model):
    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )

    class Meta:
        db_table = "companies_municipality"
        ordering = ["short_name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__startswith=models.F("county_id")), name="municipality_code_in_county"
            )
        ]

    def __str__(self):
        return self.short_name


class SNISection(models.Model):
    code = models.CharField(_("code"), max_length=1, primary_key=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name = TranslatedField("name")

    class Meta:
        db_table = "companies_snisection"
        ordering = ["code"]
        verbose_name = _("SNI section")
        verbose_name_plural = _("SNI sections")

    def __str__(self):
        return f"{self.code} {self.name}"


class SNICode(models.Model):
    """A five-digit SNI 2025 code (detaljgrupp). Its name is Swedish only: the national detail level has no
    English title, so the English interface names the division (NACE Rev. 2.1) and adds the Swedish detail."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=300)
    division = models.CharField(_("division"), max_length=2, db_index=True)
    # Kept on every code (the reference data is read-only and loaded whole), so no list needs a join for it.
    division_name_en = models.CharField(_("division name (English)"), max_length=300, blank=True)
    section = models.ForeignKey(
        SNISection, on_delete=models.PROTECT, related_name="codes", verbose_name=_("section")
    )

    class Meta:
        db_table = "companies_snicode"
        ordering = ["code"]
        verbose_name = _("SNI code")
        verbose_name_plural = _("SNI codes")

    def __str__(self):
        if self.english_name:
            return f"{self.dotted_code} {self.english_name} ({self.name_sv})"
        return f"{self.dotted_code} {self.name_sv}"

    @property
    def dotted_code(self) -> str:
        return f"{self.code[:2]}.{self.code[2:]}"

    @property
    def english_name(self) -> str:
        """In the English interface, the division's English name; else (Swedish, or none known) empty."""
        if (get_language() or "sv").startswith("en"):
            return self.division_name_en
        return ""


class TurnoverClass(models.Model):
    code = models.PositiveSmallIntegerField(_("code"), primary_key=True)
    label_sv = models.CharField(_("label (Swedish)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100, blank=True)
    label = TranslatedField("label")

    class Meta:
        db_table = "companies_turnoverclass"
        ordering = ["code"]
        verbose_name = _("turnover class")
        verbose_name_plural = _("turnover classes")

    def __str__(self):
        return self.label


class EmployeeBand(models.TextChoices):
    """SCB's employee size bands, smallest first."""

    NONE = "0", _("0 employees")
    B1_4 = "1-4", _("1–4 employees")
    B5_9 = "5-9", _("5–9 employees")
    B10_19 = "10-19", _("10–19 employees")
    B20_49 = "20-49", _("20–49 employees")
    B50_99 = "50-99", _("50–99 employees")
    B100_199 = "100-199", _("100–199 employees")
    B200_499 = "200-499", _("200–499 employees")
    B500_PLUS = "500+", _("500 or more employees")


# --- County statistics (issue 18: "Export region of the year"; issue 19: official regional statistics) --


class StatisticsKind(models.TextChoices):
    """What a statistics file holds: the county's population, or its trade in goods."""

    POPULATION = "population", _("Population")
    TRADE = "trade", _("Goods trade and trading companies")


class StatisticsImport(models.Model):
    """One import of an official statistics file (SCB / Tillväxtverket): what, from where, which vintage,
    by whom (as text: this layer knows no users) and how many rows. Never changed after it is written."""

    kind = models.CharField(_("kind"), max_length=20, choices=StatisticsKind.choices)
    source = models.CharField(_("source"), max_length=200)
    table = models.CharField(
        _("table"), max_length=100, blank=True, help_text=_("For example SCB's table id.")
    )
    vintage = models.DateField(_("vintage"), help_text=_("The date the figures were published."))
    file_name = models.CharField(_("file name"), max_length=255)
    content_sha256 = models.CharField(_("content hash (SHA-256)"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("new rows"), default=0)
    updated = models.PositiveIntegerField(_("changed rows"), default=0)
    kept = models.PositiveIntegerField(
        _("rows kept"), default=0, help_text=_("Rows not written: a newer vintage was already loaded.")
    )
    imported_by = models.CharField(_("imported by"), max_length=200)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    is_sample = models.BooleanField(_("sample figures"), default=False)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("statistics import")
        verbose_name_plural = _("statistics imports")

    def __str__(self):
        return f"{self.get_kind_display()} {self.table or self.source} {self.vintage:%Y-%m-%d}"


class CountyPopulation(models.Model):
    """A county's population on 31 December of a year, with its source, table and vintage (SCB's
    Statistikdatabasen, or the sample file shipped for a machine without network access: `is_sample`)."""

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="populations", verbose_name=_("county")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("population"))
    source = models.CharField(_("source"), max_length=200)
    table = models.CharField(_("table"), max_length=100, blank=True)
    vintage = models.DateField(_("vintage"), null=True, blank=True)
    statistics_import = models.ForeignKey(
        StatisticsImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import"),
    )
    is_sample = models.BooleanField(
        _("sample figure"), default=False, help_text=_("A made-up figure for demonstration, not SCB's.")
    )
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        ordering = ["county", "-year"]
        verbose_name = _("county population")
        verbose_name_plural = _("county populations")
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="county_population_unique")]

    def __str__(self):
        return f"{self.county_id} {self.year}: {self.population}"


class CountyExportStatistic(models.Model):
    """Official trade figures of a county for a year, as published by SCB / Tillväxtverket: goods exports
    and imports (SEK million), exporting and importing companies, exporting SMEs. Any may be missing (never
    zero for missing). Goods trade is counted where the company is registered, not where it produces."""

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="export_statistics", verbose_name=_("county")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    exporting_smes = models.PositiveIntegerField(_("exporting SMEs"), null=True, blank=True)
    exporting_companies = models.PositiveIntegerField(_("exporting companies"), null=True, blank=True)
    importing_companies = models.PositiveIntegerField(_("importing companies"), null=True, blank=True)
    goods_exports_msek = models.DecimalField(
        _("goods exports (SEK million)"), max_digits=14, decimal_places=1, null=True, blank=True
    )
    goods_imports_msek = models.DecimalField(
        _("goods imports (SEK million)"), max_digits=14, decimal_places=1, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=200)
    table = models.CharField(_("table"), max_length=100, blank=True)
    vintage = models.DateField(_("vintage"), null=True, blank=True)
    statistics_import = models.ForeignKey(
        StatisticsImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import"),
    )
    is_sample = models.BooleanField(_("sample figure"), default=False)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        ordering = ["county", "-year"]
        verbose_name = _("county export statistic")
        verbose_name_plural = _("county export statistics")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="county_export_statistic_unique")
        ]

    def __str__(self):
        return f"{self.county_id} {self.year}"
