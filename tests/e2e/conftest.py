"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live server.

* One browser per session, a new context (cookies, storage) per test: pytest-playwright's
  `browser` and `page` fixtures, with the launch arguments below.
* `live_server` implies a transactional database that is flushed after every test (tests/flush.py), so
  every test creates its own rows (the `demo` fixture seeds the demo region, partners and people, once per
  process: later tests get the same rows copied back, tests/snapshots.py).
* `assert_no_axe_violations(page)` runs axe-core (tests/e2e/vendor/axe.min.js) on the current page.
"""

import json
import os
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SWEDISH_CATALOGUE = Path(django_settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.mo"

E2E_DIR = Path(__file__).resolve().parent


def _e2e_required() -> bool:
    return os.environ.get("REQUIRE_E2E", "").strip().lower() in {"1", "true", "yes"}


def _chromium_missing_reason() -> str:
    return (
        f"Chromium not found at {CHROMIUM} (Playwright cannot download browsers here); "
        "install Debian's chromium package to run the browser tests"
    )


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/e2e as `e2e`; skip them all when there is no Chromium.

    With REQUIRE_E2E=1 a missing Chromium is not skipped: `browser_type_launch_args` fails instead.
    """
    skip = (
        None if CHROMIUM.exists() or _e2e_required() else pytest.mark.skip(reason=_chromium_missing_reason())
    )
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if skip is not None:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"REQUIRE_E2E=1 is set but {_chromium_missing_reason()}.", pytrace=False)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    """`page.goto("/login/")` goes to the live server."""
    return live_server.url


@pytest.fixture
def demo(reference_data, settings):
    """The demo region "Exportcenter Uppsala län", its 8 partners and people (demo.partners.seed()).

    Seeded once per process; later tests get the same rows copied back (tests/snapshots.py), in
    milliseconds. Hashing the 11 demo passwords with PBKDF2 takes ~4 s, so the test hashes with MD5. The
    default hashers stay in the list (so hashes made elsewhere still verify) and the factories' cached
    PBKDF2 hash is made first, so that it never becomes an MD5 hash that later tests cannot verify.
    """
    from demo.partners import seed
    from tests.factories import _password_hash
    from tests.snapshots import rows_made_once

    _password_hash()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    return rows_made_once("demo", seed)


@pytest.fixture
def intake(demo, settings):
    """The demo region, the need categories (the flush removed the migration's), no fill time, no limit."""
    from django.core.cache import cache

    from referrals.need_categories import seed_need_categories

    settings.INTAKE_MIN_FILL_SECONDS = 0
    settings.INTAKE_RATE_LIMIT = 1000
    cache.clear()
    seed_need_categories()
    yield
    cache.clear()


@pytest.fixture
def swedish_catalogue():
    """Skip assertions on Swedish text until the compiled catalogue exists (it is git-ignored).

    Compile it with: .venv/bin/pybabel compile --domain=django -i locale/sv/LC_MESSAGES/django.po
    -o locale/sv/LC_MESSAGES/django.mo
    """
    if not SWEDISH_CATALOGUE.exists():
        pytest.skip(f"{SWEDISH_CATALOGUE.relative_to(django_settings.BASE_DIR)} is not compiled yet")


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


_AXE_RUN = """async (tags) => {
  const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""


# Finish the CSS transitions (the hover just left, a focus ring); endless animations are left running.
_SETTLE = """() => {
  for (const animation of document.getAnimations()) {
    if (animation instanceof CSSTransition) animation.finish();
  }
}"""


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe-core violation(s) ({', '.join(AXE_TAGS)}) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    target: {json.dumps(node['target'], ensure_ascii=False)}")
            lines.append(f"      html: {node['html'][:300]}")
            if node.get("summary"):
                lines.extend(f"      {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)


def check_axe(page) -> None:
    """Assert that axe-core finds no WCAG 2.1 A/AA violation on the page as it is now.

    The CSP forbids inline scripts, so axe is evaluated through the DevTools protocol (page.evaluate),
    not added as a <script>. It is injected again after every navigation.

    The result must not depend on where the pointer happens to rest (after a click it stays on the button,
    which is then hovered, and axe could catch its colours half-way through a transition): the pointer goes
    to the page's corner, and every colour transition is run to its end first.
    """
    page.mouse.move(0, 0)
    page.evaluate(_SETTLE)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    violations = page.evaluate(_AXE_RUN, AXE_TAGS)
    assert not violations, _format_violations(page.url, violations)


@pytest.fixture
def assert_no_axe_violations():
    """`assert_no_axe_violations(page)`: zero axe-core violations for wcag2a/aa and wcag21a/aa."""
    return check_axe


@pytest.fixture
def sign_in_as(page, live_server):
    """Sign in without the form: a session made by Django's test client, its cookie given to the browser."""

    def sign_in(email: str):
        from advisors.models import User

        user = User.objects.get(email=email)
        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return user

    return sign_in
