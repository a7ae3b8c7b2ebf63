"""Sections that higher apps add to a lower app's page, without the lower app importing them.

The company page (companies) shows the company's requests (referrals) and outreach (outreach); the request
page (referrals) shows its activities and follow-ups (outreach). The page's app owns a `Panels` registry;
the higher apps register a panel in their `AppConfig.ready()`: a template and a function that reads what
it shows. The page renders every registered panel in order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    name: str  # the template's context variable
    template: str
    read: Callable[[Any, Any], Any]  # (user, the page's object) -> what the template shows
    order: int = 100


class Panels:
    """One page's registry of panels."""

    def __init__(self) -> None:
        self._panels: dict[str, Panel] = {}

    def register(self, panel: Panel) -> None:
        self._panels[panel.name] = panel

    def context(self, user, obj) -> dict[str, Any]:
        """What every panel reads, under its name, and `panel_templates` in order, for the page's context;
        the page includes each template (`templates/includes/panels.html`)."""
        panels = sorted(self._panels.values(), key=lambda panel: (panel.order, panel.name))
        return {
            **{panel.name: panel.read(user, obj) for panel in panels},
            "panel_templates": [panel.template for panel in panels],
        }
