"""Settings for Exportcenter, configured by environment variables (the scheduled jobs: schedule.py).

The defaults are the embedded developer setup (SQLite, no Redis, DEBUG on). Production sets
DEBUG=false, SECRET_KEY, DATABASE_URL, REDIS_URL, ALLOWED_HOSTS and EMAIL_URL. See README.md.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
RUN_DIR = BASE_DIR / ".run"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
_DEV_SECRET = "dev-only-insecure-key-never-use-in-production"  # noqa: S105 - refused below unless DEBUG
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Stockholm")
PORTAL_NAME = env.str("PORTAL_NAME", default="Exportcenter")
PORTAL_REGION = env.str("PORTAL_REGION", default="")  # slug of the region this site speaks for
# Where people report accessibility problems. With DEBUG off a .localhost (or other undeliverable) address
# is refused by a system check (exportcenter/checks.py).
ACCESSIBILITY_CONTACT_EMAIL = env.str(
    "ACCESSIBILITY_CONTACT_EMAIL", default="tillganglighet@exportcenter.localhost"
)
# The organisation responsible for the website, named by the accessibility statement (empty: the region).
ACCESSIBILITY_RESPONSIBLE_BODY = env.str("ACCESSIBILITY_RESPONSIBLE_BODY", default="")

INSTALLED_APPS = [
    "twofactor.apps.TwoFactorAdminConfig",  # django.contrib.admin with the two-factor admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "django_countries",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "exportcenter",
    "reference",
    "audit",
    "companies",
    "advisors",
    "twofactor",
    "notifications",
    "referrals",
    "outreach",
    "mailboxes",
    "effects",
    "projects",
    "privacy",
    "dashboards",
    "worklist",
    "demo",  # seed_demo: demo data for make run and the browser tests
    "axes",  # sign-in lockout (AXES_* below)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "exportcenter.middleware.ApiLanguageMiddleware",
    # Early: a NUL byte or invalid UTF-8 in the query string or a form is a 400 before any view reads it.
    "exportcenter.bad_input.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "twofactor.middleware.TwoFactorMiddleware",  # the second factor before any signed-in page
    "django.contrib.messages.middleware.MessageMiddleware",
    "audit.middleware.CurrentRequestMiddleware",  # after authentication: services record who asked
    "advisors.middleware.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the response of the sign-in view it turns into the lockout answer.
    "axes.middleware.AxesMiddleware",
    # After it, so that its process_exception runs first: a database error in a view is a 503 "try again".
    "exportcenter.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "exportcenter.urls"
WSGI_APPLICATION = "exportcenter.wsgi.application"
ASGI_APPLICATION = "exportcenter.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "exportcenter.context_processors.portal",
                "referrals.context_processors.menu",
            ],
        },
    },
]

FORM_RENDERER = "exportcenter.forms.FormRenderer"

# --- Database -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections, checked before reuse so that a restarted server is not an error page.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=env.int("DB_CONNECT_TIMEOUT", default=5),
        options=" ".join(
            [
                # Company search: a misspelt word still matches (pg_trgm's default of 0.6 is too strict).
                "-c pg_trgm.word_similarity_threshold=0.45",
                # Short web queries: JIT compilation cost more than it saved (30–75 ms on a routing query).
                "-c jit=off",
                # Room for a region's requests in one exact bitmap: with the default 4 MB the inbox's counts
                # at 2,000,000 requests went lossy and rechecked every row (11.7 s; 0.34 s with 16 MB+).
                f"-c work_mem={env.str('DB_WORK_MEM', default='32MB')}",
                # Planning a page's joins (select_related: 6-8 tables) cost more than running them: the order
                # is searched in groups of 4 tables, not 8 (a follow-up list: 4.3 -> 0.9 ms to plan; the
                # company page at 1,000,000 companies 67-74 -> 43-53 ms, the API's requests 55 -> 32 ms).
                f"-c join_collapse_limit={env.int('DB_JOIN_COLLAPSE_LIMIT', default=4)}",
                # An explicit `options` replaces libpq's PGOPTIONS, so what the environment sets is kept.
                env.str("PGOPTIONS", default=""),
            ]
        ).strip(),
    )
else:
    # The web server, the worker and beat share the SQLite file: take the write lock at BEGIN and wait for
    # it, instead of failing at once with "database is locked" when a reader upgrades to a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# Covering indexes (INCLUDE) serve the dashboards at national scale on PostgreSQL; SQLite builds them without
# the included columns, which changes nothing for the embedded default but a warning on every start.
SILENCED_SYSTEM_CHECKS = [] if USING_POSTGRES else ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Redis ------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Connect and read/write timeout for every Redis client of a web request: the cache and the broker.
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=2.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "exportcenter.redis_cache.RedisCache",  # one client per pool, not per operation
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "exportcenter",
            # A frozen Redis never holds a web request for longer than this (the form's rate limit).
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A dashboard's figures are cached until what they count changes (dashboards/cache.py), and at most this
# long, for what moves with the clock alone (deadlines passing). 0: not cached (the test suite's default).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60)
# After a change, a Celery task computes a dashboard's figures while readers get the last ones at once
# (dashboards/cache.py). Needs a cache the web and the workers share: on with Redis, off with the embedded
# default's per-process cache (there the first reader computes them).
DASHBOARD_REFRESH_BY_WORKER = env.bool("DASHBOARD_REFRESH_BY_WORKER", default=bool(REDIS_URL))
# The inbox's view counts are cached until a request they count changes (referrals/inbox_counts.py), and at
# most this many seconds (a deadline passing moves a request to "overdue" with no write); 0 turns it off.
INBOX_COUNT_CACHE_SECONDS = env.int("INBOX_COUNT_CACHE_SECONDS", default=60)
# A web worker freezes its long-lived objects out of the garbage collector's full passes as it warms up
# (exportcenter/collector.py); the test suite, whose processes are not workers, turns it off.
GC_FREEZE = env.bool("GC_FREEZE", default=True)

# --- Celery ---------------------------------------------------------------------------------------
# With REDIS_URL the broker is Redis. Without it (the embedded default) kombu's filesystem transport
# keeps queued messages in .run/broker so that `make run` still runs a real worker and beat.
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(RUN_DIR / "broker")))
# The filesystem transport ignores the host, but kombu warns ("No hostname was supplied") without one.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost/")
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=900)
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# Redis only: a message a worker took and never acknowledged (it was killed) is delivered again after this
# many seconds. It must exceed the longest task's run time, or a task still running is started a second time
# (harmless, the tasks are idempotent, but wasted): the longest are a reminder chunk (500 targets, well under
# a minute) and an outbox batch (EMAIL_TIMEOUT per email on a slow mail server, a few minutes at worst).
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# Publishing from a web request is bounded: socket timeouts, one retry, and after a failure the process
# publishes nothing for BROKER_BACKOFF_SECONDS (the outbox sweep sends what was not published).
if not CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": env.int("BROKER_PUBLISH_RETRIES", default=1),
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
BROKER_BACKOFF_SECONDS = env.float("BROKER_BACKOFF_SECONDS", default=30.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The beat schedule and the settings of the scheduled jobs (reminders, digests, audit purge, retention, the
# dashboards' figures, effects): exportcenter/schedule.py.
from exportcenter.schedule import *  # noqa: E402, F403

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "advisors.User"
AUTHENTICATION_BACKENDS = [
    "advisors.backends.LockoutBackend",  # first: refuses a locked-out user before a password is checked
    "advisors.backends.AdvisorBackend",
]
LOGIN_URL = "advisors:login"
LOGIN_REDIRECT_URL = "worklist:home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# Lockout (django-axes, database handler: works on SQLite without Redis): after AXES_FAILURE_LIMIT failed
# sign-ins for one address from one client address, that pair is refused for AXES_COOLOFF_MINUTES. It covers
# every authenticate() with a request: the portal's sign-in, /admin/ and any credential-based API login.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins go to the audit log
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "exportcenter.clients.client_address"  # honours TRUSTED_PROXY_COUNT
AXES_USERNAME_CALLABLE = "advisors.lockout.username_of"  # case and spaces do not make a new username
AXES_LOCKOUT_CALLABLE = "advisors.lockout.lockout_response"
AXES_VERBOSE = False
# Sessions end after this long without a request, and this long after sign-in whatever happens.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=480)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 60 * 60
# Two-factor sign-in (twofactor/, README "Two-factor sign-in"): required for regional staff, organisation
# leads, superusers and /admin/ when on; optional for advisors. A person with a device verifies it either way.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=not DEBUG)
TWO_FACTOR_RECOVERY_CODES = env.int("TWO_FACTOR_RECOVERY_CODES", default=10)
OTP_TOTP_ISSUER = PORTAL_NAME
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubled after every failure in a row
OTP_STATIC_THROTTLE_FACTOR = 1
# Passkeys (django-otp-webauthn) as a second factor only: no passwordless sign-in. The relying party is the
# site's domain; an IP address cannot be one, so 127.0.0.1 becomes localhost (open the portal there).
_site = urlsplit(SITE_URL)
_site_host = (_site.hostname or "").lower()
_site_is_local = _site_host in {"", "127.0.0.1", "::1", "localhost"}
_named_hosts = [h.lstrip(".") for h in ALLOWED_HOSTS if h != "*" and h[:1] != "[" and not h[-1:].isdigit()]
if _site_is_local and (DEBUG or not _named_hosts):  # make run, the tests
    _rp_id, _origins = "localhost", [f"http://localhost:{_site.port}" if _site.port else "http://localhost"]
elif not _site_is_local and not _site_host[-1:].isdigit():  # SITE_URL names the site
    _rp_id, _origins = _site_host, [f"{_site.scheme}://{_site.netloc}"]
else:  # production without SITE_URL: the first named host of ALLOWED_HOSTS (no passkeys on an IP address)
    _rp_id = _named_hosts[0] if _named_hosts else "localhost"
    _origins = [f"https://{h}" for h in _named_hosts if h == _rp_id or h.endswith(f".{_rp_id}")]
OTP_WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default=_rp_id)
OTP_WEBAUTHN_RP_NAME = env.str("WEBAUTHN_RP_NAME", default=PORTAL_NAME)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("WEBAUTHN_ALLOWED_ORIGINS", default=_origins)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates the European way (7 Dec 2026 17:00), not the American 12/07/2026 5 p.m.
FORMAT_MODULE_PATH = ["exportcenter.formats"]
USE_I18N = True
USE_TZ = True
COUNTRIES_FIRST = ["SE", "NO", "DK", "FI", "DE", "GB", "US"]
COUNTRIES_FIRST_REPEAT = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Attachments (issue 20) are kept outside the web root, through Django's storage API: the file system by
# default (ATTACHMENTS_ROOT; nothing serves it: files go out only through access-checked views), or
# S3-compatible storage with ATTACHMENTS_STORAGE=s3 (django-storages; AWS_* settings below).
ATTACHMENTS_ROOT = Path(env.str("ATTACHMENTS_ROOT", default=str(RUN_DIR / "attachments")))
ATTACHMENTS_STORAGE = env.str("ATTACHMENTS_STORAGE", default="filesystem")
if ATTACHMENTS_STORAGE not in ("filesystem", "s3"):
    raise ImproperlyConfigured("ATTACHMENTS_STORAGE must be 'filesystem' or 's3'.")
_attachments_storage = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default=""),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "location": env.str("AWS_LOCATION", default="attachments"),
        },
    }
    if ATTACHMENTS_STORAGE == "s3"
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(ATTACHMENTS_ROOT), "base_url": None, "file_permissions_mode": 0o600},
    }
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "attachments": _attachments_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Email ----------------------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:pass@mail.example.org:587. In DEBUG mail goes to the console.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
# For the file backend (filemail://): where each email is written as a file.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(RUN_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Exportcenter <no-reply@exportcenter.localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The outbox: an email left "sending" this many seconds (its worker died, or the connection broke, after the
# message was handed to the mail server) is recovered by the sweep: sent again with the same Message-ID
# ("retry": at least once) or held for a person to release or cancel ("hold": at most once).
OUTBOX_SENDING_TIMEOUT = env.float("OUTBOX_SENDING_TIMEOUT", default=600.0)
OUTBOX_SENDING_RECOVERY = env.str("OUTBOX_SENDING_RECOVERY", default="retry")
if OUTBOX_SENDING_RECOVERY not in ("retry", "hold"):
    raise ImproperlyConfigured("OUTBOX_SENDING_RECOVERY must be 'retry' or 'hold'.")

# --- Email as a channel (issue 20: mailboxes/, README "Email as a channel") -------------------------
# Mailbox passwords are encrypted at rest (Fernet, from cryptography) with MAIL_ENCRYPTION_KEYS: a
# comma-separated list of Fernet keys, the first encrypting and all decrypting (rotation). Without it a key is
# derived from SECRET_KEY, which DEBUG allows and production refuses (exportcenter.checks).
MAIL_ENCRYPTION_KEYS = env.list("MAIL_ENCRYPTION_KEYS", default=[])
# How often the beat task looks for mailboxes to poll; each mailbox has its own interval (one minute default).
MAIL_POLL_INTERVAL_SECONDS = env.float("MAIL_POLL_INTERVAL_SECONDS", default=60.0)
# Seconds for an IMAP connection, a login or a command before the poll or the connection test gives up.
MAIL_IMAP_TIMEOUT = env.float("MAIL_IMAP_TIMEOUT", default=20.0)
# A CA bundle trusted for IMAP over TLS besides the system's (a private CA; the tests' own dovecot).
MAIL_IMAP_CA_FILE = env.str("MAIL_IMAP_CA_FILE", default="")
# The embedded default's mailbox: a folder on this machine (a Maildir, or .eml files dropped in it). Empty in
# production: a mailbox of kind "local folder" can then not be used.
MAIL_LOCAL_FOLDER = env.str("MAIL_LOCAL_FOLDER", default=str(RUN_DIR / "inbound") if DEBUG else "")
# A message larger than this is not taken (recorded as refused, left in the mailbox's folder).
MAIL_MAX_MESSAGE_BYTES = env.int("MAIL_MAX_MESSAGE_BYTES", default=40 * 1024 * 1024)
# Messages taken per poll of one mailbox; the rest wait for the next poll.
MAIL_POLL_BATCH = env.int("MAIL_POLL_BATCH", default=50)
# Replies to the company go to the owning organisation's mailbox, else the region's; with neither, to this
# address (a signed plus-address is added to it). Empty: no Reply-To (replies go to DEFAULT_FROM_EMAIL).
MAIL_REPLY_ADDRESS = env.str("MAIL_REPLY_ADDRESS", default="")

# --- Attachments (issue 20) -------------------------------------------------------------------------
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)  # one file
ATTACHMENT_MAX_COUNT = env.int("ATTACHMENT_MAX_COUNT", default=10)  # files per message
# Attachments travel in an email to the company up to this total; beyond it the email links to the page.
ATTACHMENT_EMAIL_MAX_BYTES = env.int("ATTACHMENT_EMAIL_MAX_BYTES", default=10 * 1024 * 1024)
# clamd (ClamAV's daemon): tcp://host:port or unix:///path/to/clamd.ctl. Empty: files are not scanned.
CLAMAV_URL = env.str("CLAMAV_URL", default="")
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=30.0)

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads the cookie: htmx sends the token from hx-headers
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Powerful browser features: none, except WebAuthn (passkeys) for this site.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "ambient-light-sensor": [],
    "autoplay": [],
    "bluetooth": [],
    "camera": [],
    "display-capture": [],
    "fullscreen": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}

# A strict Content-Security-Policy: no inline script, no inline handlers, nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- REST API -------------------------------------------------------------------------------------
# Personal API tokens (advisors.ApiToken): the longest a token may last, and how often its last use is
# written (not once per request).
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=90)
API_TOKEN_TOUCH_SECONDS = env.int("API_TOKEN_TOUCH_SECONDS", default=60)
# The OpenAPI schema and Swagger UI: for signed-in users only, unless this opens them to everyone.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=64)  # deeper JSON bodies are a 400
# API lists count matching rows up to this many ("count_is_capped": more): exportcenter/api/pagination.py.
API_COUNT_CAP = env.int("API_COUNT_CAP", default=10_000)
# ...and keep that count this many seconds (per query and reader); the rows are always fresh. 0: no cache.
API_COUNT_CACHE_SECONDS = env.int("API_COUNT_CACHE_SECONDS", default=30)
REST_FRAMEWORK = {
    # A bearer token first (it needs no CSRF token), then the session of the pages.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "advisors.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Per token, per signed-in user and per client address, counted in the cache (Redis in production,
    # the process's memory in the embedded setup). "" switches one off. Over the rate: 429 and Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "exportcenter.api.throttling.TokenRateThrottle",
        "exportcenter.api.throttling.UserRateThrottle",
        "exportcenter.api.throttling.AddressRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_THROTTLE_TOKEN", default="600/min") or None,
        "user": env.str("API_THROTTLE_USER", default="1200/min") or None,
        "address": env.str("API_THROTTLE_ADDRESS", default="1200/min") or None,
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested deeper than API_JSON_MAX_DEPTH, or with a NUL or invalid UTF-8, is a 400.
    "DEFAULT_PARSER_CLASSES": [
        "exportcenter.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "exportcenter.api.schema.APIAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "exportcenter.api.pagination.BoundedPageNumberPagination",
    "PAGE_SIZE": 50,
    # Every error is RFC 9457 problem details (application/problem+json).
    "EXCEPTION_HANDLER": "exportcenter.api.problems.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "exportcenter.api.negotiation.ContentNegotiation",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Exportcenter API",
    "DESCRIPTION": "REST API of the regional export center portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Signed-in users only, unless API_DOCS_PUBLIC.
    "SERVE_PERMISSIONS": ["exportcenter.api.permissions.DocsPermission"],
    # One name for the language choices that several models share.
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "exportcenter.settings.LANGUAGES",
        "MailboxKindEnum": "mailboxes.models.Mailbox.Kind",
        "InboundMessageOutcomeEnum": "mailboxes.models.InboundMessage.Outcome",
        "OutcomeEnum": "referrals.models.AdviceRequest.Outcome",
        "ConsentMethodEnum": "referrals.models.Referral.ConsentMethod",
        "ReferralScopeEnum": "referrals.models.Referral.Scope",
        "RequestStatusEnum": "referrals.models.AdviceRequest.Status",
        "ActivityKindEnum": "outreach.models.Activity.Kind",
        "CampaignMemberStatusEnum": "outreach.models.CampaignMember.Status",
        "FollowUpStatusEnum": "outreach.models.FollowUp.Status",
        "NotificationKindEnum": "notifications.kinds.choices",
        "OrganisationKindEnum": "advisors.models.Organisation.Kind",
        "GoalKindEnum": "dashboards.models.RegionalGoal.Kind",
        "ApiTokenStatusEnum": "advisors.models.ApiToken.Status",
        "SurveyStatusEnum": "effects.models.SurveyStatus",
        "SurveyAnswerEnum": "effects.models.Answer",
        "OutcomeKindEnum": "effects.models.ExportOutcome.Kind",
        "OutcomeStatusEnum": "effects.models.ExportOutcome.Status",
        "ProjectStatusEnum": "projects.models.Project.Status",
        "SupportKindEnum": "projects.models.SupportKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "exportcenter.api.schema.document_errors",
        "exportcenter.api.problems.problem_media_type",
    ],
}

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Domain settings ------------------------------------------------------------------------------
WORKING_DAY_STARTS_AT = env.str("WORKING_DAY_STARTS_AT", default="08:00")  # Stockholm time
WORKING_DAY_ENDS_AT = env.str("WORKING_DAY_ENDS_AT", default="17:00")  # Stockholm time, for deadlines
# The public "help me export" form.
INTAKE_RATE_LIMIT = env.int("INTAKE_RATE_LIMIT", default=5)  # requests per IP address ...
INTAKE_RATE_WINDOW_SECONDS = env.int("INTAKE_RATE_WINDOW_SECONDS", default=3600)  # ... in this window
# How many reverse proxies (that append to X-Forwarded-For) stand before the app; 0 trusts REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
INTAKE_MIN_FILL_SECONDS = env.int("INTAKE_MIN_FILL_SECONDS", default=3)  # faster than this is a bot

# --- Bench mode (bench/pages.py; never in production) -------------------------------------------------
# On: /bench/floor/ renders base.html for the signed-in user (the floor every page is compared with) and
# every answer carries X-Query-Count. Off (the default): neither the URL nor the middleware exists.
BENCH_FLOOR_VIEW = env.bool("BENCH_FLOOR_VIEW", default=False)
if BENCH_FLOOR_VIEW:
    MIDDLEWARE.insert(0, "exportcenter.bench.QueryCountMiddleware")
STATUS_LINK_DAYS_AFTER_CLOSE = env.int("STATUS_LINK_DAYS_AFTER_CLOSE", default=90)
# Effects for companies (issue 18, effects/): how long a company's link to confirm an export outcome works,
# and after how many days without an answer it gets its one reminder; how long a survey link works.
OUTCOME_CONFIRMATION_DAYS = env.int("OUTCOME_CONFIRMATION_DAYS", default=30)
OUTCOME_REMINDER_AFTER_DAYS = env.int("OUTCOME_REMINDER_AFTER_DAYS", default=10)
SURVEY_LINK_DAYS = env.int("SURVEY_LINK_DAYS", default=60)
# EU-funded projects (issue 19, projects/): the de minimis ceiling per single undertaking over a rolling three
# years (Regulation (EU) 2023/2831, Article 3(2)).
DE_MINIMIS_CEILING_EUR = env.int("DE_MINIMIS_CEILING_EUR", default=300_000)
DE_MINIMIS_YEARS = 3
READINESS_TIMEOUT_SECONDS = env.float("READINESS_TIMEOUT_SECONDS", default=2.0)
# What /readyz fails on (503); the other checks only report "degraded" (200).
# Choices: database, broker, cache.
READYZ_REQUIRE = env.list("READYZ_REQUIRE", default=["database"])
# The same company, contact email and text sent again within this window is the same request.
INTAKE_DUPLICATE_WINDOW_SECONDS = env.int("INTAKE_DUPLICATE_WINDOW_SECONDS", default=600)
