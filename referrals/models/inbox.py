"""The inbox's standard views, and the views advisors save with their filters."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InboxView(models.TextChoices):
    """The inbox's standard views."""

    NEW = "new", _("New")
    MINE = "mine", _("Mine")
    ORGANISATION = "organisation", _("My organisation")
    OVERDUE = "overdue", _("Overdue")
    OPEN = "open", _("All open")
    CLOSED = "closed", _("Closed")


class SavedView(models.Model):
    """A named inbox view with its filters, personal or shared with the owner's organisation."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("owner"),
    )
    organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_views",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=80)
    is_shared = models.BooleanField(
        _("shared with my organisation"),
        default=False,
        help_text=_("Colleagues of your organisation see it too."),
    )
    view = models.CharField(_("view"), max_length=16, choices=InboxView.choices, default=InboxView.OPEN)
    query = models.CharField(
        _("filters"),
        max_length=1000,
        blank=True,
        help_text=_("The inbox filters as a query string; checked again whenever the view is opened."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_unique_per_owner")
        ]
        indexes = [models.Index(fields=["organisation", "is_shared"], name="saved_view_shared_idx")]

    def __str__(self):
        return self.name
