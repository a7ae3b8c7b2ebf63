"""Regional goals (what the figures on the dashboards are measured against) and the daily request figures
the dashboards read."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionalGoal(models.Model):
    """A baseline and a target for one region, year and kind of goal (custom goals carry a name)."""

    class Kind(models.TextChoices):
        INTERNATIONAL_COMPANIES = "international_companies", _("Newly international companies")
        COMPANIES_REACHED = "companies_reached", _("Companies reached")
        CUSTOM = "custom", _("Custom goal")

    region = models.ForeignKey(
        "advisors.Region", on_delete=models.CASCADE, related_name="goals", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=120, blank=True, help_text=_("Only for custom goals: what is counted.")
    )
    baseline = models.PositiveIntegerField(
        _("baseline"),
        default=0,
        help_text=_("The value at the start. Not used by 'newly international companies', which start at 0."),
    )
    target = models.PositiveIntegerField(
        _("target"),
        help_text=_(
            "The value to reach by the end of the period; for 'newly international companies', how many more "
            "companies are to become international during it."
        ),
    )
    starts_on = models.DateField(_("period starts"), null=True, blank=True)
    ends_on = models.DateField(_("period ends"), null=True, blank=True)
    # An official figure shown beside the goal (for example SCB's count of companies doing international
    # business in the county), never mixed into the progress: it counts another population.
    official_baseline = models.PositiveIntegerField(_("official figure"), null=True, blank=True)
    official_baseline_source = models.CharField(_("official figure: source"), max_length=200, blank=True)
    official_baseline_year = models.PositiveSmallIntegerField(
        _("official figure: year"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("regional goal")
        verbose_name_plural = _("regional goals")
        ordering = ["region", "-year", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "kind", "name"], name="goal_unique_per_region_year"
            ),
            models.CheckConstraint(
                condition=Q(kind="custom") & ~Q(name="") | ~Q(kind="custom") & Q(name=""),
                name="goal_custom_has_name",
            ),
        ]

    def __str__(self):
        label = self.name if self.kind == self.Kind.CUSTOM else self.get_kind_display()
        return f"{self.region} {self.year}: {label}"


class RequestFact(models.Model):
    """The requests received on one Stockholm calendar day, counted per combination of the dashboard's
    dimensions: the pre-aggregated table the request figures read (issue 16), instead of rescanning and
    joining every request of the period for each figure.

    A request with several needs or target markets is on one row per (need, market) pair: `first_need`
    and `first_market` mark the one row per request that counts it once, so
    - totals and every other dimension sum the rows with both flags set;
    - "by need" sums the rows with `first_market` (a request counts under each of its needs);
    - "by target market" sums the rows with `first_need` and a market;
    - a need filter keeps the rows of that need (and then `first_market`, or a market breakdown).

    Derived data only: `dashboards.facts` writes it (after a request or company changes, nightly, and with
    `manage.py rebuild_dashboard_facts`); nothing else does, and it can be rebuilt from the requests at any
    time. So its foreign keys carry no database constraint: a rebuild writes hundreds of thousands of rows
    without checking each against seven tables.
    """

    region = models.ForeignKey(
        "advisors.Region", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    day = models.DateField()
    owner_organisation = models.ForeignKey(
        "advisors.Organisation", on_delete=models.CASCADE, null=True, related_name="+", db_constraint=False
    )
    owner_advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+", db_constraint=False
    )
    channel = models.CharField(max_length=16)
    county = models.ForeignKey(
        "reference.County", on_delete=models.CASCADE, null=True, related_name="+", db_constraint=False
    )
    municipality = models.ForeignKey(
        "reference.Municipality", on_delete=models.CASCADE, null=True, related_name="+", db_constraint=False
    )
    sni_section = models.ForeignKey(
        "reference.SNISection", on_delete=models.CASCADE, null=True, related_name="+", db_constraint=False
    )
    size_band = models.CharField(max_length=16, blank=True)
    need = models.ForeignKey(
        "referrals.NeedCategory", on_delete=models.CASCADE, null=True, related_name="+", db_constraint=False
    )
    first_need = models.BooleanField()
    market = models.CharField(max_length=2, blank=True)
    first_market = models.BooleanField()
    # Every request of a day has the same first-response deadline, so this splits no cell in practice.
    first_response_due_at = models.DateTimeField()
    requests = models.PositiveIntegerField()
    owned = models.PositiveIntegerField(help_text="Requests with an owner (`owner_since` set).")
    owned_on_time = models.PositiveIntegerField(
        help_text="Requests whose owner got them no later than the first-response deadline."
    )

    class Meta:
        verbose_name = _("request figures of a day")
        verbose_name_plural = _("request figures per day")
        indexes = [models.Index(fields=["region", "day"], name="requestfact_region_day_idx")]

    def __str__(self):
        return f"{self.region_id} {self.day}: {self.requests}"


class NationalSnapshot(models.Model):
    """The national roll-up of one period and set of filters, computed and suppressed (`dashboards.national`):
    aggregates only, never a company, person or request. Kept until something it counts changes (`stamp`,
    from the dashboards' change stamps) or `DASHBOARD_CACHE_SECONDS` pass; rebuilt by the task
    `dashboards.tasks_national.refresh_national_snapshots` and `manage.py refresh_national_figures`.
    Derived data: it can be deleted at any time."""

    key = models.CharField(max_length=64, unique=True)
    stamp = models.CharField(max_length=64)
    computed_at = models.DateTimeField()
    figures = models.JSONField()

    class Meta:
        verbose_name = _("national figures (computed)")
        verbose_name_plural = _("national figures (computed)")

    def __str__(self):
        return f"{self.key[:12]} {self.computed_at:%Y-%m-%d %H:%M}"
