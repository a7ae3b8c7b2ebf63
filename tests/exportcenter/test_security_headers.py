"""Headers and deployment: Permissions-Policy, an HttpOnly CSRF cookie that no script needs, and the
proxy count of docker-compose."""

from pathlib import Path

import yaml
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def test_every_page_denies_powerful_features_but_allows_passkeys(client, db):
    policy = client.get("/")["Permissions-Policy"]
    directives = dict(part.strip().split("=", 1) for part in policy.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert directives[feature] == "()", feature
    assert directives["publickey-credentials-get"] == "(self)"
    assert directives["publickey-credentials-create"] == "(self)"


def test_the_csrf_cookie_is_http_only(client, db):
    response = client.get("/login/")
    assert response.cookies["csrftoken"]["httponly"] is True


def test_no_script_of_ours_reads_the_cookies():
    """htmx sends the token from `hx-headers` (base.html); a script reading document.cookie would break
    under CSRF_COOKIE_HTTPONLY."""
    scripts = list((BASE_DIR / "static" / "js").rglob("*.js"))
    assert scripts
    assert [path.name for path in scripts if "document.cookie" in path.read_text()] == []
    assert "X-CSRFToken" in (BASE_DIR / "templates" / "base.html").read_text()


def test_docker_compose_trusts_its_proxy_and_keeps_port_8000_for_it():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    environment = compose["x-environment"]
    assert environment["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"
    assert compose["services"]["web"]["ports"] == ["${WEB_PUBLISH_ADDRESS:-127.0.0.1}:8000:8000"]
