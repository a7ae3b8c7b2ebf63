"""The accessibility statement's facts: compliance, dates, how the site was assessed and its known problems.

They live in `accessibility_statement.toml` (both languages), so that reviewing the statement is editing one
data file; `templates/exportcenter/accessibility.html` renders them in DIGG's model order.
"""

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

STATEMENT_FILE = Path(__file__).with_name("accessibility_statement.toml")
LANGUAGES = ("sv", "en")


class Compliance(models.TextChoices):
    """How far the website meets lag (2018:1937) om tillgänglighet till digital offentlig service."""

    FULL = "full", _("fully compliant")
    PARTIAL = "partial", _("partially compliant")
    NONE = "none", _("not compliant")


METHODS = {
    "self_assessment": _("A self-assessment: the people who build the website tested it themselves."),
    "axe_core": _("Automated tests with axe-core in a browser, on every page, before each release."),
    "keyboard": _("Keyboard tests: the main journeys are done with the keyboard alone, in a browser."),
}


@dataclass(frozen=True)
class KnownProblem:
    wcag: tuple[str, ...]
    texts: dict[str, str]

    @property
    def description(self) -> str:
        """The problem in the reader's language."""
        return self.texts.get((get_language() or "sv")[:2], self.texts["sv"])


@dataclass(frozen=True)
class Statement:
    compliance: Compliance
    prepared_on: date
    reviewed_on: date
    assessed_on: date
    methods: tuple[str, ...]
    known_problems: tuple[KnownProblem, ...]

    @property
    def method_descriptions(self) -> list[str]:
        return [METHODS[method] for method in self.methods]


def load(path: Path = STATEMENT_FILE) -> Statement:
    """Read and check the data file; a mistake in it is a ValueError naming what is wrong."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    if data.get("compliance") not in Compliance.values:
        raise ValueError(f"{path.name}: compliance must be one of {', '.join(Compliance.values)}.")
    for name in ("prepared_on", "reviewed_on", "assessed_on"):
        if not isinstance(data.get(name), date):
            raise ValueError(f"{path.name}: {name} must be a date (YYYY-MM-DD).")
    if data["reviewed_on"] < data["prepared_on"]:
        raise ValueError(f"{path.name}: reviewed_on is before prepared_on.")
    methods = tuple(data.get("methods", ()))
    if not methods or set(methods) - set(METHODS):
        raise ValueError(f"{path.name}: methods must be some of {', '.join(METHODS)}.")
    problems = []
    for number, problem in enumerate(data.get("known_problems", []), start=1):
        texts = {language: " ".join(str(problem.get(language, "")).split()) for language in LANGUAGES}
        if not all(texts.values()) or not problem.get("wcag"):
            raise ValueError(f"{path.name}: known problem {number} needs wcag, sv and en.")
        problems.append(KnownProblem(wcag=tuple(problem["wcag"]), texts=texts))
    compliance = Compliance(data["compliance"])
    if (compliance == Compliance.FULL) == bool(problems):
        raise ValueError(f"{path.name}: only a fully compliant website has no known problems.")
    return Statement(
        compliance=compliance,
        prepared_on=data["prepared_on"],
        reviewed_on=data["reviewed_on"],
        assessed_on=data["assessed_on"],
        methods=methods,
        known_problems=tuple(problems),
    )


@cache
def statement() -> Statement:
    return load()
