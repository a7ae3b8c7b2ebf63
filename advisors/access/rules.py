"""One rule, two questions: a view rule is a Q, filtered by in SQL and evaluated on one object in memory."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q
from django.db.models.constants import LOOKUP_SEP

# A view rule is a Q. `evaluate(q, obj)` answers it for one object without the database where it can:
# True or False, or None ("unknown") when it needs a subquery, a many-to-many or reverse relation, a
# relation that is not loaded, or a lookup other than exact/in/isnull. It follows SQL: NULL never
# equals or is "in" anything, and a negated lookup on NULL is true (as Django's exclude() makes it).


def through(relation: str, rule: Q) -> Q:
    """The rule of a related object, seen from this one: `through("company", company_rule)`."""
    prefixed = Q(_connector=rule.connector, _negated=rule.negated)
    for child in rule.children:
        if isinstance(child, Q):
            prefixed.children.append(through(relation, child))
        else:
            lookup, value = child
            prefixed.children.append((f"{relation}{LOOKUP_SEP}{lookup}", value))
    return prefixed


def evaluate(rule: Q, obj: Model) -> bool | None:
    results = [
        evaluate(child, obj) if isinstance(child, Q) else _evaluate_lookup(obj, *child)
        for child in rule.children
    ]
    if rule.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    elif rule.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        return None
    return result if result is None or not rule.negated else not result


_LOOKUPS = {"exact", "in", "isnull"}


def _evaluate_lookup(obj: Model, lookup: str, value) -> bool | None:
    *path, lookup_name = lookup.split(LOOKUP_SEP)
    if lookup_name not in _LOOKUPS or not path:
        path.append(lookup_name)
        lookup_name = "exact"
    current = obj
    for position, name in enumerate(path):
        meta = current._meta
        try:
            field = meta.pk if name == "pk" else meta.get_field(name)
        except FieldDoesNotExist:
            return None  # a lookup or transform the evaluator does not know (icontains, gte, a JSON key...)
        if not field.concrete or field.many_to_many:
            return None
        if position == len(path) - 1:
            return _compare(getattr(current, field.attname), lookup_name, value)
        if not field.is_relation or not field.is_cached(current):
            return None
        current = getattr(current, field.name)
        if current is None:
            return None  # an outer join: leave it to the database
    return None


def _compare(actual, lookup_name: str, value) -> bool | None:
    if hasattr(value, "resolve_expression"):
        return None  # a subquery or an expression
    if isinstance(value, Model):
        value = value.pk
    if lookup_name == "isnull":
        return (actual is None) is bool(value)
    if lookup_name == "exact":
        return actual is None if value is None else actual == value
    values = {item.pk if isinstance(item, Model) else item for item in value}
    return actual is not None and actual in values
