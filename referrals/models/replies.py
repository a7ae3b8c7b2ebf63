"""Canned replies: texts for writing to companies that an organisation (its leads) or a region (its regional
staff) keeps, in Swedish and English, with placeholders filled in for each request.

A placeholder is a name in single braces: `{company}`, `{reference}`, `{advisor}`, `{partner}`. A brace meant
as text is written twice (`{{`, `}}`), as in Python's format strings. Filling in is one pass of plain text
substitution: no template engine, no attribute lookups, and a value that itself holds braces stays as it is.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from advisors.models import Organisation, Region

BODY_MAX_LENGTH = 5000  # as the message to the company it becomes


class Placeholder(models.TextChoices):
    """What a canned reply may fill in, with what each stands for."""

    COMPANY = "company", _("the company's name")
    REFERENCE = "reference", _("the request's reference")
    ADVISOR = "advisor", _("your name (the advisor writing)")
    PARTNER = "partner", _("the partner organisation that owns the request")


# `{{` and `}}` are braces as text; `{name}` a placeholder; any other brace is unmatched. A placeholder does
# not span lines, so a brace left open is reported where it is rather than swallowing the next line.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")


@dataclass(frozen=True)
class Parsed:
    """A text cut into literal strings and placeholder names (`Placeholder`), with what is wrong with it."""

    parts: tuple[str | Placeholder, ...]
    unknown: tuple[str, ...] = ()
    unmatched_at: int | None = None  # the position of the first brace without its partner


def parse(text: str) -> Parsed:
    parts: list[str | Placeholder] = []
    unknown: list[str] = []
    unmatched_at = None
    literal: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        literal.append(text[position : match.start()])
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            literal.append(token[0])
        elif match.group(1) is not None:
            name = match.group(1)
            if name in Placeholder.values:
                parts.append("".join(literal))
                literal = []
                parts.append(Placeholder(name))
            else:
                if name not in unknown:
                    unknown.append(name)
                literal.append(token)
        else:
            if unmatched_at is None:
                unmatched_at = match.start()
            literal.append(token)
    literal.append(text[position:])
    parts.append("".join(literal))
    return Parsed(tuple(part for part in parts if part != ""), tuple(unknown), unmatched_at)


def _allowed() -> str:
    return ", ".join(f"{{{name}}}" for name in Placeholder.values)


def validate_placeholders(text: str) -> None:
    """Refuse a text with an unknown placeholder or an unmatched brace (a localised field error)."""
    parsed = parse(text or "")
    errors = []
    if parsed.unknown:
        names = ", ".join(f"{{{name}}}" for name in parsed.unknown)
        errors.append(
            ValidationError(
                ngettext(
                    "Unknown placeholder: %(names)s. You can use %(allowed)s.",
                    "Unknown placeholders: %(names)s. You can use %(allowed)s.",
                    len(parsed.unknown),
                )
                % {"names": names, "allowed": _allowed()},
                code="unknown_placeholder",
            )
        )
    if parsed.unmatched_at is not None:
        start = parsed.unmatched_at
        near = Truncator(text[max(0, start - 15) : start + 15].replace("\n", " ").strip()).chars(30)
        errors.append(
            ValidationError(
                _(
                    "A brace has no partner, near “%(near)s”. Write a placeholder as {company}; "
                    "to show a brace itself, write it twice: {{ or }}."
                )
                % {"near": near},
                code="unmatched_brace",
            )
        )
    if errors:
        raise ValidationError(errors)


def fill(text: str, values: dict[str, str]) -> str:
    """The text with its placeholders replaced by `values` (by placeholder name), as plain text."""
    return "".join(
        str(values.get(part.value, "")) if isinstance(part, Placeholder) else part
        for part in parse(text).parts
    )


class CannedReplyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_language(self, language: str):
        return self.filter(language=language)


class CannedReply(models.Model):
    """A text template for writing to a company: an organisation's own, or shared by a region.

    Exactly one owner is set, as `scope` says. `version` counts changes (optimistic concurrency).
    """

    class Scope(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        REGION = "region", _("Region (shared)")

    class Language(models.TextChoices):
        SWEDISH = "sv", _("Swedish")
        ENGLISH = "en", _("English")

    scope = models.CharField(_("kept by"), max_length=16, choices=Scope.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name=_("organisation"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name=_("region"),
    )
    title = models.CharField(
        _("title"), max_length=120, help_text=_("What the reply is for, as advisors will pick it.")
    )
    body = models.TextField(
        _("text"),
        max_length=BODY_MAX_LENGTH,
        validators=[validate_placeholders],
        help_text=_(
            "Plain text. Placeholders are filled in for each request: {company}, {reference}, {advisor} "
            "and {partner}. To show a brace itself, write it twice: {{ or }}."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language.choices,
        default=Language.SWEDISH,
        help_text=_("Offered when writing to companies that write in this language."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active replies are offered when writing to a company.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CannedReplyQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="organisation", organisation__isnull=False, region__isnull=True)
                    | Q(scope="region", region__isnull=False, organisation__isnull=True)
                ),
                name="canned_reply_one_owner",
                violation_error_message=_("A canned reply belongs either to an organisation or to a region."),
            ),
            models.UniqueConstraint(
                "organisation",
                "language",
                Lower("title"),
                condition=Q(organisation__isnull=False),
                name="canned_reply_title_unique_per_organisation",
                violation_error_message=_("There is already a reply with this title in this language."),
            ),
            models.UniqueConstraint(
                "region",
                "language",
                Lower("title"),
                condition=Q(region__isnull=False),
                name="canned_reply_title_unique_per_region",
                violation_error_message=_("There is already a reply with this title in this language."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def owner(self) -> Organisation | Region | None:
        return self.organisation if self.scope == self.Scope.ORGANISATION else self.region

    def fill(self, values: dict[str, str]) -> str:
        """The body for one request: see `fill`."""
        return fill(self.body, values)
