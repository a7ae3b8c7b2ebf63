"""Need categories: what companies need help with. Regional staff maintain them (callers ask `access`)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from advisors.models import Organisation

from ..models import NeedCategory

__all__ = ["NEED_CATEGORY_FIELDS", "save_need_category", "unique_need_slug"]

NEED_CATEGORY_FIELDS = [
    "name_sv",
    "name_en",
    "help_sv",
    "help_en",
    "primary_partner_kinds",
    "secondary_partner_kinds",
    "position",
    "is_active",
]


def unique_need_slug(name: str) -> str:
    base = slugify(name)[:50] or "need"
    slug, n = base, 1
    while NeedCategory.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def save_need_category(*, category: NeedCategory | None = None, data: dict[str, Any]) -> NeedCategory:
    """Create a need category (its slug from the name, fixed from then on) or change one."""
    kinds = set(Organisation.Kind.values)
    errors = {}
    for field in ("primary_partner_kinds", "secondary_partner_kinds"):
        if field in data:
            unknown = sorted(set(data[field]) - kinds)
            if unknown:
                errors[field] = _("Unknown partner kind: %(kinds)s.") % {"kinds": ", ".join(unknown)}
            data[field] = list(dict.fromkeys(data[field]))
    category = category or NeedCategory()
    for field in NEED_CATEGORY_FIELDS:
        if field in data:
            setattr(category, field, data[field])
    for field in ("name_sv", "name_en"):
        if not (getattr(category, field) or "").strip():
            errors[field] = _("Enter a name.")
    if errors:
        raise ValidationError(errors)
    if category.pk is not None:
        category.save()
        return category
    for _attempt in range(3):  # two new categories of the same name at once: the second draws again
        category.slug = unique_need_slug(category.name_en or category.name_sv)
        try:
            with transaction.atomic():
                category.save(force_insert=True)
        except IntegrityError:
            category.pk = None
            continue
        return category
    raise ValidationError({"name_en": _("Another category with this name was just added. Try again.")})
