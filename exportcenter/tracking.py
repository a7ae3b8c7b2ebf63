"""Which of a model's fields changed since an instance was loaded, without a query.

    counted = Tracked(Company, ("municipality_id", "sni_code_id"), "dashboards")
    before, after, changed = counted.changes(instance)  # in a post_save receiver

The values are read from the instance's own dict when it is loaded (post_init) and again at save: a
deferred field is UNKNOWN (reading it would be a query per instance), and differs from any value.
"""

from django.db.models.signals import post_init

UNKNOWN = object()


class Tracked:
    def __init__(self, model, names: tuple[str, ...], key: str):
        self.names = names
        self.attribute = f"_tracked_{key}"
        post_init.connect(self._loaded, sender=model, weak=False, dispatch_uid=self.attribute)

    def values(self, instance) -> dict:
        return {name: instance.__dict__.get(name, UNKNOWN) for name in self.names}

    def _loaded(self, sender, instance, **kwargs):
        setattr(instance, self.attribute, self.values(instance))

    def changes(self, instance) -> tuple[dict, dict, set[str]]:
        """The values when loaded (or last saved), now, and the names that differ; now becomes the new
        "when loaded"."""
        before, after = getattr(instance, self.attribute, {}), self.values(instance)
        setattr(instance, self.attribute, after)
        return before, after, {name for name in self.names if before.get(name, UNKNOWN) != after[name]}
