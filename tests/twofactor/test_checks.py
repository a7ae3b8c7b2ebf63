import os
import subprocess
import sys

from django.conf import settings

from twofactor.checks import two_factor_required


def test_deploy_check_warns_when_two_factor_is_off_in_production(settings):
    settings.DEBUG = False
    settings.TWO_FACTOR_REQUIRED = False
    assert [m.id for m in two_factor_required(None)] == ["twofactor.W001"]
    settings.TWO_FACTOR_REQUIRED = True
    assert two_factor_required(None) == []


def test_production_defaults_require_two_factor_and_name_the_relying_party():
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"TWO_FACTOR_REQUIRED", "DEBUG", "SITE_URL"}},
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "exportcenter.example.org",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.TWO_FACTOR_REQUIRED, s.OTP_WEBAUTHN_RP_ID, s.OTP_WEBAUTHN_ALLOWED_ORIGINS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "exportcenter.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    ).stdout.strip()
    assert out == "True exportcenter.example.org ['https://exportcenter.example.org']"
