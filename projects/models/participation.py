"""Companies taking part in a project, and the support each one gets."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .projects import Project


class SizeClass(models.TextChoices):
    """The EU's enterprise size classes (Recommendation 2003/361/EC), as the ERDF indicators split them."""

    MICRO = "micro", _("Micro (fewer than 10 employees)")
    SMALL = "small", _("Small (10–49 employees)")
    MEDIUM = "medium", _("Medium-sized (50–249 employees)")
    LARGE = "large", _("Large (250 employees or more)")
    UNKNOWN = "unknown", _("Size not known")


class SupportKind(models.TextChoices):
    ADVICE = "advice", _("Advice")
    TRAINING = "training", _("Training")
    GRANT = "grant", _("Voucher or grant")
    MATCHMAKING = "matchmaking", _("Matchmaking")
    FINANCIAL_INSTRUMENT = "financial_instrument", _("Loan, guarantee or equity")

    @classmethod
    def non_financial(cls) -> tuple[str, ...]:
        return (cls.ADVICE, cls.TRAINING, cls.MATCHMAKING)


class Participation(models.Model):
    """A company taking part in a project from a date. Its size is read from the register when it enrols and
    kept: the funder counts the size at the time of support, not today's."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="participations", verbose_name=_("project")
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="project_participations",
        verbose_name=_("company"),
    )
    joined_on = models.DateField(_("takes part from"))
    left_on = models.DateField(_("took part until"), null=True, blank=True)
    size_class = models.CharField(_("size at enrolment"), max_length=8, choices=SizeClass.choices)
    employee_band = models.CharField(_("employees at enrolment"), max_length=8, blank=True)
    turnover_class = models.PositiveSmallIntegerField(_("turnover class at enrolment"), null=True, blank=True)
    company_registered_on = models.DateField(
        _("company registered"),
        null=True,
        blank=True,
        help_text=_(
            "When the company was registered (Bolagsverket); a company under three years old is new."
        ),
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["joined_on", "pk"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "company"],
                name="participation_once_per_project",
                violation_error_message=_("This company already takes part in the project."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="participation_period_ordered",
                violation_error_message=_("A company cannot leave before it joins."),
            ),
        ]
        indexes = [models.Index(fields=["company"], name="participation_company_idx")]

    def __str__(self):
        return f"{self.company_id} in {self.project_id} from {self.joined_on}"

    @classmethod
    def before_company_merge(cls, *, survivor, duplicate) -> None:
        """Called by `companies.services.merge_companies` before rows move to the survivor.

        A project may hold both companies: the earlier enrolment stays (its size snapshot is the one the
        funder counts), the later one's support moves to it, and the later one goes (a project holds a
        company once).
        """
        survivor_rows = {row.project_id: row for row in cls.objects.filter(company=survivor)}
        for row in cls.objects.filter(company=duplicate, project_id__in=survivor_rows):
            other = survivor_rows[row.project_id]
            keep, drop = (
                (row, other) if (row.joined_on, row.pk) < (other.joined_on, other.pk) else (other, row)
            )
            Support.objects.filter(participation=drop).update(participation=keep)
            drop.delete()


class Support(models.Model):
    """Support one participating company got: its kind, date, hours and value in SEK."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="supports", verbose_name=_("participation")
    )
    kind = models.CharField(_("kind of support"), max_length=24, choices=SupportKind.choices)
    given_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=7, decimal_places=1, default=0, validators=[MinValueValidator(0)]
    )
    value_sek = models.DecimalField(
        _("value (SEK)"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["given_on", "pk"]
        verbose_name = _("support")
        verbose_name_plural = _("support")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(value_sek__gte=0),
                name="support_not_negative",
                violation_error_message=_("Hours and value cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.given_on}"
