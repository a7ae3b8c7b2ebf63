"""Reference rows read once per data version (issue 16's submission budget).

The public form's POST checked its municipality and its need categories with a query each, and the intake
then looked up the county's export center: rows that change a few times a year, read on every submission.
These helpers keep such rows in the same cache, at the same data version and with the same invalidation as
the cached `<option>` lists (`exportcenter.widget_cache`: a saved or deleted row of a model in
`INVALIDATED_BY` gives the data a new version when its transaction commits). Only for querysets of those
models; anything else would be served stale.

- `rows_by(queryset)`: the queryset's rows as value tuples by key; `instance(queryset, row)` makes a fresh
  model instance of one (`Model.from_db`), so a caller may change it without touching the cached copy.
- `CachedModelChoiceField`, `CachedModelMultipleChoiceField`: a posted value is checked against those rows,
  not by a query. A choice deleted or deactivated since is refused from the commit of that change on.
- `value(name, make)`: any other value computed from those models only (the export center of a county).

A cache that is down costs the queries, never the answer.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db.models import QuerySet

from . import widget_cache

T = TypeVar("T")


def _names(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _key(queryset: QuerySet, key: str) -> str:
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        sql, params = "EMPTY", ()
    text = "\x1f".join([queryset.db, queryset.model._meta.label, key, sql, repr(params)])
    return "widget-cache:rows:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def rows_by(queryset: QuerySet, key: str = "pk") -> dict[str, tuple]:
    """The queryset's rows as value tuples (`instance` makes one a model instance), by str(the `key`
    field's value), in the queryset's order; from the cache when it holds them at the data version in
    force."""
    model = queryset.model
    names = _names(model)
    index = names.index(model._meta.pk.attname if key == "pk" else model._meta.get_field(key).attname)

    def read():
        return {str(row[index]): tuple(row) for row in queryset.values_list(*names)}

    return widget_cache.at_data_version(_key(queryset, key), read, using=queryset.db)


def instance(queryset: QuerySet[T], values: tuple) -> T:
    """A fresh instance of one of `rows_by`'s rows, as if read from the database."""
    return queryset.model.from_db(queryset.db, _names(queryset.model), values)


def value(name: str, make: Callable[[], T]) -> T:
    """A value computed only from rows of `widget_cache.INVALIDATED_BY` (no request, user or time in it),
    kept until those rows change. A None is not kept: it is made again at the next call."""
    return widget_cache.at_data_version(f"widget-cache:value:{name}", make)


class _CachedChoicesMixin:
    def _rows(self) -> dict[str, tuple]:
        return rows_by(self.queryset, self.to_field_name or "pk")

    def _invalid(self, value):
        return ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class CachedModelChoiceField(_CachedChoicesMixin, forms.ModelChoiceField):
    """A `ModelChoiceField` over reference data whose posted value is checked against the cached rows."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        if isinstance(value, self.queryset.model):
            value = getattr(value, self.to_field_name or "pk")
        row = self._rows().get(str(value))
        if row is None:
            raise self._invalid(value)
        return instance(self.queryset, row)


class CachedModelMultipleChoiceField(_CachedChoicesMixin, forms.ModelMultipleChoiceField):
    """A `ModelMultipleChoiceField` over reference data whose posted values are checked against the cached
    rows. Its cleaned value is a list of instances, in the queryset's order (not a queryset)."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        try:
            value = frozenset(value)
        except TypeError:  # a list of lists is not hashable, for example
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
        for item in value:
            self.validate_no_null_characters(item)
            try:
                self.queryset.filter(**{key: item})  # Django's own check of the value's type (no query)
            except (ValueError, TypeError):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                ) from None
        rows = self._rows()
        chosen = {str(item) for item in value}
        for item in value:
            if str(item) not in rows:
                raise self._invalid(item)
        return [instance(self.queryset, row) for row_key, row in rows.items() if row_key in chosen]
