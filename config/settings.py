"""Settings for the referral network app.

One file, driven by environment variables (listed in `.env.example`). The defaults suit development;
with DEBUG off the app refuses to start without a real SECRET_KEY and field-encryption keys.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A development checkout keeps its settings in `.env` (written by `make`); real environment variables win.
load_dotenv(BASE_DIR / ".env", override=False)


BOOLEANS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def env_bool(name: str, default: bool) -> bool:
    """A switch: true/false, 1/0, yes/no or on/off (any case); unset or empty is the default. Anything else stops
    the app, so that a typo (`DEBUG=Flase`, `SECURE_SSL_REDIRECT=ture`) is not read as a silent "off"."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if value.lower() not in BOOLEANS:
        raise ImproperlyConfigured(f"{name} must be true or false (or 1/0, yes/no, on/off), not {value!r}.")
    return BOOLEANS[value.lower()]


def env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file that NAME_FILE points to (systemd credentials, compose secrets), so that
    it need not sit in the environment. The file's trailing newline is not part of the secret. Setting both is an
    error: one of them would be ignored without anyone noticing."""
    value = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE", "").strip()
    if not path:
        return value if name in os.environ else default
    if value:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as error:
        raise ImproperlyConfigured(
            f"{name}_FILE names a file that cannot be read: {error.strerror}."
        ) from error


def env_list(name: str, default: str = "", *, secret: bool = False) -> list[str]:
    value = env_secret(name, default) if secret else os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
SECRET_KEY = env_secret("SECRET_KEY", DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off "
        "(for development, set DEBUG=True; `make run` does)."
    )

# Encryption at rest for contact details and notes (Fernet keys, newest first), and the key of the phone-number hash.
# Not SECRET_KEY: rotating one must not touch the other. The development values are public and for DEBUG only.
DEVELOPMENT_FIELD_KEY = "ZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXktMDAwMDA="
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", DEVELOPMENT_FIELD_KEY if DEBUG else "", secret=True)
FIELD_HASH_KEY = env_secret("FIELD_HASH_KEY", "development-only-hash-key" if DEBUG else "")
if not DEBUG and (
    not FIELD_ENCRYPTION_KEYS or DEVELOPMENT_FIELD_KEY in FIELD_ENCRYPTION_KEYS or len(FIELD_HASH_KEY) < 32
):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS (Fernet keys) and FIELD_HASH_KEY (32+ random characters) must be set when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    # The tasks' queue (emails, reminders), in the database: TASKS below.
    "django_tasks_db",
    "core",
    "directory",
    "referrals",
    "accounts",
    "reports",
]
# The demo directory and accounts (known passwords) exist only on development checkouts, or where asked for
# explicitly (the benchmark runs production settings on demo data).
DEMO_DATA = env_bool("DEMO_DATA", DEBUG)
# The benchmark's baseline pages (core/bench.py), for scripts/benchmark.sh only.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)
if BENCHMARK_VIEWS and not DEMO_DATA:
    raise ImproperlyConfigured(
        "BENCHMARK_VIEWS is for a benchmark on demo data (DEMO_DATA=True), never for a network's own database."
    )
# Anonymous visitors' copies of the public pages kept in the cache (directory/public/caching.py); off only to
# measure the pages drawn every time.
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", True)
if DEMO_DATA:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security.PublicCacheGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads the body: oversize bodies and file parts get a 413 unread.
    "core.limits.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.security.SessionTouchMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.resume.KeptFormMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.security.SessionLifetimeMiddleware",
    "core.security.RequireMFAMiddleware",
    "core.security.SecurityHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "core.context_processors.session_timeout",
            ],
        },
    },
]

# Database: an SQLite file by default, PostgreSQL (psycopg 3) when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.parse(
        env_secret("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so two requests changing the same referral
    # queue instead of failing half-way; WAL lets readers continue meanwhile.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
    }
    # Tests use a file too: an in-memory database shares one cache between threads and cannot show how two
    # requests at once queue for the write lock.
    # One file per test run, so that parallel runs do not share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"referrals-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Closed cases keep their personal data this many days, then only a de-identified stub remains.
RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", "90"))
# The shortest response time a partner may promise that the network counts: a shorter promise is ignored when
# ranking suggestions and never makes a routing's deadline shorter than this (referrals/suggestions.py, services.py).
MIN_RESPONSE_HOURS = int(os.environ.get("MIN_RESPONSE_HOURS", "4"))

# Backups (`manage.py backup` / `restore`, docs/operations.md): encrypted with age to the public keys in
# BACKUP_AGE_RECIPIENTS (the server never holds the identity that decrypts them), written to BACKUP_DIR, and deleted
# by each backup run once older than BACKUP_RETENTION_DAYS days. BACKUP_AGE_IDENTITY_FILE is for `restore` only,
# on the machine a restore runs on, never on the server.
BACKUP_DIR = os.environ.get("BACKUP_DIR", "")
BACKUP_AGE_RECIPIENTS = env_list("BACKUP_AGE_RECIPIENTS")
BACKUP_AGE_IDENTITY_FILE = os.environ.get("BACKUP_AGE_IDENTITY_FILE", "")
BACKUP_RETENTION_DAYS = int(os.environ.get("BACKUP_RETENTION_DAYS", "14"))

# Cache: shared between app servers. The database cache works everywhere; Redis when REDIS_URL is set.
CACHES: dict[str, dict[str, object]]
REDIS_URL = env_secret("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "public_pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "public-pages",
        },
    }
    # Sessions are read from Redis and still written to the database, so signing someone out everywhere
    # (deactivation) keeps working.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        },
        # The public pages' copies apart from the rate-limit counters: a full table is culled, and a crawl of every
        # county's page must not cull the counters that stop password guessing.
        "public_pages": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "public_page_cache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }

AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, loading the account with its organization (one query per page instead of two).
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 15},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email login, no public sign-up (admins invite), MFA available to every account.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
# No "[Site] " before the subjects of allauth's emails (and ours): it would stay English in Spanish emails, and each
# subject already says what it is about.
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
# Every account must set up a second factor. Only a development checkout may turn this off (for the demo accounts).
MFA_REQUIRED = env_bool("MFA_REQUIRED", True)
if not DEBUG and not MFA_REQUIRED:
    raise ImproperlyConfigured("MFA_REQUIRED cannot be turned off when DEBUG is off.")
# Failed sign-ins, counted in the shared cache so that every app server sees the same counts: 5 per email address
# per 5 minutes stops guessing one account's password from any number of addresses; 20 a minute per client address
# slows guessing across many accounts. An address over its limit is refused even the right password (allauth checks
# the limit first), so that a limited address learns nothing; the per-address limit is twice allauth's default
# so that an office or shelter sharing one address (NAT) is not locked out by one person's typos, and it applies
# only to that address: nobody else's sign-in is refused. SECURITY.md, "Sign-in limits".
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,5/300s/key"}
# Behind a reverse proxy every request comes from the proxy's address. ALLAUTH_TRUSTED_PROXY_COUNT is how many
# proxies under our control append to X-Forwarded-For (Caddy or nginx in front: 1); the client's address is then read
# from that many entries from the right, which a client cannot forge. 0 (no proxy): X-Forwarded-For is ignored. Or
# ALLAUTH_TRUSTED_CLIENT_IP_HEADER names a header the proxy sets to the client's address (nginx: X-Real-IP), read
# instead of X-Forwarded-For; a request without it is refused.
try:
    ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("ALLAUTH_TRUSTED_PROXY_COUNT") or 0)
except ValueError as error:
    raise ImproperlyConfigured(
        "ALLAUTH_TRUSTED_PROXY_COUNT must be a whole number (0, or 1 behind Caddy or nginx)."
    ) from error
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        "ALLAUTH_TRUSTED_PROXY_COUNT must be a whole number (0, or 1 behind Caddy or nginx)."
    )
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", "").strip() or None
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Referral network")

# Sessions and cookies.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))
# Not on every request: core.security.SessionTouchMiddleware writes a signed-in session at most once a minute.
SESSION_SAVE_EVERY_REQUEST = False
# Forms posted after the session ended are kept (encrypted, for an hour) until the same person signs in again on
# the same browser, then shown filled in on their page (core/resume.py): the URL name a form posts to -> the page's
# URL name and the URL arguments it takes from the post's.
KEPT_FORMS = {
    "referrals:create": ("referrals:create", ()),
    "referrals:add_note": ("referrals:detail", ("reference",)),
    "referrals:add_follow_up": ("referrals:detail", ("reference",)),
    "referrals:decline": ("referrals:detail", ("reference",)),
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# Security headers. HTTPS settings are on whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for this exact host, for the whole site: no subdomain can set them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy: only our own origin; scripts are static files (no inline scripts).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Internationalisation: English and Spanish.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Español"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True
# Dates that read the same way to everyone: the month in letters ("Dec 1, 2026, 4:14 PM", "1 dic 2026, 16:14").
FORMAT_MODULE_PATH = "config.formats"
# django-filter's first option of a choice filter left unset (Django's own is set in core/apps.py).
FILTERS_EMPTY_CHOICE_LABEL = _("Any")

# Static files, served by WhiteNoise (no CDN: no third-party requests from any page).
STATIC_URL = "static/"
# Where collectstatic writes them, and where Caddy or nginx serves them from (deploy/).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: printed to the console in development; SMTP in production, configured from the environment.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS: dict[str, dict[str, object]] = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": env_secret("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "referrals@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (emails, reminders): Django's tasks framework. Tasks are rows in the database, written in the same
# transaction as the change that causes them, and run by the worker (`manage.py db_worker`; `make run` starts one).
# A failed task is tried again after each of TASK_RETRY_DELAYS (seconds), then shown to administrators
# (core/tasks.py, docs/tasks.md).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
TASK_RETRY_DELAYS = [int(delay) for delay in env_list("TASK_RETRY_DELAYS", "60,300,1800,7200,21600")]

# routing_answered_idx carries responded_at as a non-key column on PostgreSQL (an index-only read of response
# times); SQLite, which has no such columns, builds the same index without it, as Django's W040 says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Errors without personal data, and requests refused early (core/errors.py, core/error_pages.py, core/outage.py,
# core/limits.py) ---
# Error reports hide every posted value, query string, cookie, local variable and the signed-in person, whatever the
# view; values quoted in exception messages are replaced too.
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.errors.PersonalDataFilter"
DEFAULT_EXCEPTION_REPORTER = "core.errors.PersonalDataExceptionReporter"
# Who gets an email for each server error (DEBUG off): comma-separated addresses, "Name <a@example.org>" or bare.
ADMINS = env_list("ADMINS")
# Optional: Sentry (or GlitchTip) for server errors, without personal data (core/sentry.py).
SENTRY_DSN = env_secret("SENTRY_DSN").strip()  # or SENTRY_DSN_FILE
if SENTRY_DSN:
    from core.sentry import init_sentry

    init_sentry(SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", ""))
# The bilingual pages for a form that expired (403), a bad request (400) and a server error; handler400/handler500
# are in config/urls.py.
CSRF_FAILURE_VIEW = "core.error_pages.csrf_failure"
# No form takes files, and none needs more than this (bytes): larger bodies and any file part get a 413 before they
# are read. The proxies in deploy/ should refuse the same size.
MAX_REQUEST_BODY = int(os.environ.get("MAX_REQUEST_BODY", str(1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY
# Django's parser stops at the first file part's headers (the upload handlers stay Django's: without any, the parser
# would read the whole body in one go).
DATA_UPLOAD_MAX_NUMBER_FILES = 0

LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    # Values the request carried, emails and phone-like numbers are replaced in the log's tracebacks too.
    "formatters": {"scrubbed": {"()": "core.errors.ScrubbingFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "scrubbed"},
        # Django's errors (a 500, a suspicious request) by email to ADMINS, reported by DEFAULT_EXCEPTION_REPORTER.
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
            "include_html": False,
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Replaces Django's own "django" logger (whose console handler printed its messages a second time in DEBUG).
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        # A request for another host name is anyone's to send, with text of their choosing: logged, never emailed.
        "django.security.DisallowedHost": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
