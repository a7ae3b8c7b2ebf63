"""Sections that higher apps add to a lower app's page, without the lower app importing them.

The company page (companies) shows the company's requests (referrals) and outreach (outreach); the request
page (referrals) shows its activities and follow-ups (outreach). The page's app owns a `Panels` registry;
the higher apps register a panel in their `AppConfig.ready()`: a template and a function that reads what
it shows. The page renders every registered panel in order.

Most companies have no activities, aid or outcomes. A panel can say what it needs to know first
(`probes`: named conditions such as `Exists(...)` on rows correlated to the page's object by
`OuterRef("pk")`); the page asks every panel's probes in one query and hands each panel its answers, and a
panel with nothing to show skips its reads. A page that reads its object itself can have the probes
answered in that same query (`Panels.answered(queryset)`), and then asks nothing more first.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Probes = Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class Panel:
    name: str  # the template's context variable
    template: str
    # (user, the page's object) -> what the template shows; with `probes`: (user, object, found), where
    # `found` holds the answer to each probe by name.
    read: Callable[..., Any]
    order: int = 100
    probes: Probes | None = None


def probe(obj, conditions: dict[str, Any]) -> dict[str, bool]:
    """The answer to each condition about `obj`, in one query of index probes."""
    if not conditions:
        return {}
    aliases = {f"probe_{index}": name for index, name in enumerate(conditions)}
    row = (
        type(obj)
        ._base_manager.filter(pk=obj.pk)
        .values(**{alias: conditions[name] for alias, name in aliases.items()})
        .first()
    )
    return {name: bool(row and row[alias]) for alias, name in aliases.items()}


# The annotations of `Panels.answered`: the page's object carries each probe's answer under one of them.
ANSWER_PREFIX = "panel_probe_"


def _alias(panel_name: str, key: str) -> str:
    return f"{ANSWER_PREFIX}{panel_name}_{key}"


class Panels:
    """One page's registry of panels."""

    def __init__(self) -> None:
        self._panels: dict[str, Panel] = {}
        self._answer_aliases: dict[str, tuple[str, str]] = {}  # alias -> (panel, probe), from `answered`

    def register(self, panel: Panel) -> None:
        self._panels[panel.name] = panel

    def _conditions(self, panels: list[Panel]) -> dict[tuple[str, str], Any]:
        """Every probe of `panels`, by (panel, probe name), in the panels' order."""
        return {
            (panel.name, key): condition
            for panel in panels
            if panel.probes
            for key, condition in panel.probes().items()
        }

    def _sorted(self) -> list[Panel]:
        return sorted(self._panels.values(), key=lambda panel: (panel.order, panel.name))

    def answered(self, queryset):
        """`queryset` with every panel's probes answered in its own query: the object it gives needs no
        probe query in `context`, nor the probes built again."""
        conditions = self._conditions(self._sorted())
        aliases = {_alias(*name): name for name in conditions}
        self._answer_aliases.update(aliases)
        return queryset.annotate(**{alias: conditions[name] for alias, name in aliases.items()})

    def _carried_answers(self, obj, panels: list[Panel]) -> dict[tuple[str, str], bool] | None:
        """The answers an object read with `answered` carries, when it carries every probing panel's."""
        answers = {
            self._answer_aliases[alias]: bool(value)
            for alias, value in vars(obj).items()
            if alias in self._answer_aliases
        }
        probing = {panel.name for panel in panels if panel.probes}
        return answers if probing and probing == {name for name, _key in answers} else None

    def context(self, user, obj) -> dict[str, Any]:
        """What every panel reads, under its name, and `panel_templates` in order, for the page's context;
        the page includes each template (`templates/includes/panels.html`)."""
        panels = self._sorted()
        answers = self._carried_answers(obj, panels)
        if answers is None:
            answers = probe(obj, self._conditions(panels))
        return {
            **{
                panel.name: panel.read(
                    user, obj, {key: found for (name, key), found in answers.items() if name == panel.name}
                )
                if panel.probes
                else panel.read(user, obj)
                for panel in panels
            },
            "panel_templates": [panel.template for panel in panels],
        }
