"""De minimis aid (Regulation (EU) 2023/2831) and the links that make several companies one undertaking."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    SEK = "SEK", _("Swedish kronor (SEK)")
    EUR = "EUR", _("Euro (EUR)")


class DeMinimisAid(models.Model):
    """One grant of de minimis aid to a company: its date, amount and currency, the rate to euro stored with
    it, and the granting body. Aid granted outside the portal is entered too. Aid that would take the single
    undertaking over the ceiling is recorded only with an override and its reason, which is logged."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="de_minimis_aid",
        verbose_name=_("company"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aid",
        verbose_name=_("project"),
    )
    support = models.OneToOneField(
        "projects.Support",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aid",
        verbose_name=_("support"),
    )
    granted_on = models.DateField(_("grant date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    sek_per_eur = models.DecimalField(
        _("SEK per euro"),
        max_digits=9,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("The exchange rate on the grant date, for an amount in SEK."),
    )
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2, editable=False)
    granting_body = models.CharField(_("granting body"), max_length=200)
    granted_outside_portal = models.BooleanField(
        _("granted outside the portal"),
        default=False,
        help_text=_("Aid from another body that the company declared."),
    )
    reference = models.CharField(_("decision reference"), max_length=100, blank=True)
    override_reason = models.TextField(_("reason for passing the ceiling"), max_length=2000, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ceiling passed by"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-granted_on", "-pk"]
        verbose_name = _("de minimis aid")
        verbose_name_plural = _("de minimis aid")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount_eur__gt=0),
                name="aid_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(currency="EUR") | Q(sek_per_eur__gt=0),
                name="aid_sek_has_rate",
                violation_error_message=_("An amount in SEK needs the exchange rate."),
            ),
        ]
        indexes = [
            models.Index(fields=["company", "granted_on"], name="aid_company_date_idx"),
            # The aid list's order (the API, newest first): read down the index, stop at a page.
            models.Index(fields=["-granted_on", "-id"], name="aid_granted_idx"),
        ]

    def __str__(self):
        return f"{self.amount} {self.currency} {self.granted_on}"


class UndertakingLink(models.Model):
    """Two companies that are one "single undertaking" for de minimis (one controls the other, or both are
    controlled by the same owner): their aid counts against one ceiling."""

    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="undertaking_links",
        verbose_name=_("company"),
    )
    linked_company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="+", verbose_name=_("linked company")
    )
    note = models.CharField(_("how they are linked"), max_length=300, blank=True)
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
        verbose_name = _("undertaking link")
        verbose_name_plural = _("undertaking links")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "linked_company"],
                name="undertaking_link_once",
                violation_error_message=_("These companies are already linked."),
            ),
            models.CheckConstraint(  # one row per pair: the service stores the lower id first
                condition=Q(company__lt=F("linked_company")),
                name="undertaking_link_ordered",
                violation_error_message=_("A company cannot be linked to itself."),
            ),
        ]

    def __str__(self):
        return f"{self.company_id} ↔ {self.linked_company_id}"

    @classmethod
    def before_company_merge(cls, *, survivor, duplicate) -> None:
        """Called by `companies.services.merge_companies` before rows move to the survivor.

        The duplicate's links become the survivor's, stored as one row per pair with the lower id first; a
        link between the two merged companies, or to a company the survivor is linked to already, goes.
        """
        links = cls.objects.filter(models.Q(company=duplicate) | models.Q(linked_company=duplicate))
        for link in list(links):
            other_id = link.linked_company_id if link.company_id == duplicate.pk else link.company_id
            link.delete()
            if other_id == survivor.pk:
                continue
            low, high = sorted((survivor.pk, other_id))
            cls.objects.get_or_create(
                company_id=low,
                linked_company_id=high,
                defaults={"note": link.note, "created_by_id": link.created_by_id},
            )
