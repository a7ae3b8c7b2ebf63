"""Small promises about the code base itself: isort knows every first-party app, the README's SITE_URL row
says what the code does, and tests/factories.py keeps its imports at the top."""

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_known_first_party_names_every_app():
    """Every top-level package of the project (each app, the project package, the tests) is first-party, so
    that ruff sorts `from companies.models import ...` with the project's imports, not the third parties'."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    known = set(config["tool"]["ruff"]["lint"]["isort"]["known-first-party"])
    packages = {
        path.parent.name
        for path in [*ROOT.glob("*/__init__.py"), *ROOT.glob("*/apps.py")]
        if not path.parent.name.startswith(".")
    }
    assert {"advisors", "companies", "referrals", "outreach", "notifications", "dashboards"} <= packages
    assert packages - known == set()


def test_the_readme_says_what_site_url_defaults_to():
    settings_source = (ROOT / "exportcenter" / "settings.py").read_text()
    [default] = re.findall(r'env\.str\("SITE_URL", default="([^"]+)"\)', settings_source)
    [row] = [
        line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `SITE_URL` |")
    ]
    assert row.split("|")[2].strip().startswith(f"`{default}`")
    # `make run` passes http://$HOST:$PORT, naming this machine when it listens on every interface, and a
    # SITE_URL of the environment or .env wins (tests/exportcenter/test_make_run.py runs the Makefile).
    makefile = (ROOT / "Makefile").read_text()
    assert "RUN_SITE_URL := $(or $(SITE_URL),$(ENV_SITE_URL),http://$(RUN_HOST):$(PORT))" in makefile
    assert "`make run`: `http://$HOST:$PORT`, with `127.0.0.1` for `HOST=0.0.0.0`" in row
    assert "environment or in `.env` wins" in row


def test_factories_import_everything_at_the_top():
    path = ROOT / "tests" / "factories.py"
    body = ast.parse(path.read_text()).body
    kinds = [isinstance(node, ast.Import | ast.ImportFrom) for node in body]
    first_other = kinds.index(False, 1)  # after the docstring
    assert not any(kinds[first_other:]), "an import after the first statement (E402)"
    assert "E402" not in path.read_text()
