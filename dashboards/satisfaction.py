"""Satisfaction after a request closed: per partner and per region, for a period.

A cell is the answers given in the period (`answered_at`, Stockholm days) to the satisfaction surveys of a
partner (the request's owning organisation when it closed) or of a region. Each cell has n (answers), the
mean (1–5, one decimal) and the distribution over 1–5. Anonymity: a cell with fewer than MIN_ANSWERS answers
is suppressed: it shows "fewer than 5", never its n, mean or distribution. When the suppressed partners of a
region add up to 1–4 answers, the smallest shown partner is suppressed too, so that no suppressed figure can
be worked out from the region's total (secondary suppression).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisors import access
from advisors.models import Region
from effects.models import SatisfactionSurvey, SurveyStatus

from .forms import DEFAULT_PERIOD, DashboardQueryForm, period_around
from .selectors import Period

MIN_ANSWERS = 5
SCORES = (1, 2, 3, 4, 5)
FEWER_THAN = gettext_lazy("fewer than 5")


@dataclass
class Cell:
    """One row of a satisfaction table. Suppressed: n, mean and distribution are None."""

    key: object
    label: str
    n: int | None
    mean: Decimal | None
    distribution: dict[int, int] | None
    suppressed: bool = False
    _n: int = field(default=0, repr=False)  # the true count, for secondary suppression only; never shown

    def suppress(self) -> None:
        self.suppressed, self.n, self.mean, self.distribution = True, None, None, None

    @property
    def shares(self) -> list[tuple[int, int, int]]:
        """(score, answers, per cent) for each score, for the table."""
        if self.distribution is None or not self.n:
            return []
        return [(s, self.distribution[s], round(100 * self.distribution[s] / self.n)) for s in SCORES]


def answered(period: Period) -> QuerySet:
    """The satisfaction surveys answered in the period."""
    return SatisfactionSurvey.objects.filter(
        period.contains("answered_at"), status=SurveyStatus.ANSWERED, satisfaction__isnull=False
    )


def _aggregate(queryset: QuerySet, *group: str) -> list[dict]:
    counts = {f"s{score}": Count("pk", filter=Q(satisfaction=score)) for score in SCORES}
    return list(
        queryset.order_by()
        .values(*group)
        .annotate(n=Count("pk"), mean=Avg("satisfaction"), **counts)
        .order_by(*group)
    )


def _cell(key, label: str, row: dict | None) -> Cell:
    n = row["n"] if row else 0
    if n < MIN_ANSWERS:
        cell = Cell(key, label, None, None, None, _n=n)
        cell.suppress()
        return cell
    mean = Decimal(str(row["mean"])).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Cell(key, label, n, mean, {s: row[f"s{s}"] for s in SCORES}, _n=n)


def _secondary_suppression(cells: list[Cell]) -> None:
    """Suppress the smallest shown cells until the suppressed ones hold none or at least MIN_ANSWERS."""
    while True:
        hidden = sum(c._n for c in cells if c.suppressed)
        shown = sorted((c for c in cells if not c.suppressed), key=lambda c: (c._n, str(c.label)))
        if hidden == 0 or hidden >= MIN_ANSWERS or not shown:
            return
        shown[0].suppress()


def by_partner(region: Region, period: Period) -> list[Cell]:
    """The partners of the region that have answers in the period, by name (one query)."""
    rows = _aggregate(answered(period).filter(region=region), "organisation_id", "organisation__name")
    cells = [
        _cell(row["organisation_id"], row["organisation__name"] or _("No partner recorded"), row)
        for row in rows
    ]
    _secondary_suppression(cells)
    return sorted(cells, key=lambda c: str(c.label).lower())


def by_region(regions: list[Region], period: Period) -> list[Cell]:
    """Each of these regions, answers or not (one query)."""
    rows = {
        row["region_id"]: row for row in _aggregate(answered(period).filter(region__in=regions), "region_id")
    }
    return [_cell(region.pk, region.name, rows.get(region.pk)) for region in regions]


def comments(user, region: Region, period: Period, limit: int = 50) -> list[SatisfactionSurvey]:
    """The free-text answers this user may read (the owning organisation's people, regional staff)."""
    queryset = access.permitted(
        user, access.Action.VIEW_PERSONAL_DATA, answered(period).filter(region=region).exclude(comment="")
    )
    return list(queryset.select_related("organisation").order_by("-answered_at", "-pk")[:limit])


# --- The period and region chosen ---------------------------------------------------------------------


class SatisfactionQueryForm(DashboardQueryForm):
    """The dashboard's region and period (the same fields and checks), without its other filters."""

    KEPT = ("region", "period", "day", "start", "end")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.KEPT:
                del self.fields[name]

    def chosen(self) -> tuple[Region | None, Period]:
        data = self.cleaned_data if self.is_bound else {}
        region = data.get("region") or self._chosen_region()
        kind = data.get("period") or DEFAULT_PERIOD
        if kind == "custom":
            return region, Period(data["start"], data["end"])
        return region, period_around(kind, data.get("day") or timezone.localdate())


def regions_for(form: forms.Form) -> list[Region]:
    return list(form.fields["region"].queryset)
