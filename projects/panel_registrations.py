"""Panels on the project page (projects.panels.project_page) and the company page (companies.panels), each
registered by the part that owns it."""

from . import aid_panels, indicator_panels  # noqa: F401 - they register themselves
