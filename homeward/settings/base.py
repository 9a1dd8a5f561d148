"""Settings shared by every environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from homeward.settings import backing
from homeward.settings.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("HOMEWARD_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_secret("SECRET_KEY", "insecure-dev-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "homeward.core",
    "homeward.regions",
    "homeward.accounts",
    "homeward.audit",
    "homeward.access",
    "homeward.people",
    "homeward.notifications",
    # Domain apps, in the order they depend on each other.
    "homeward.alerts",
    "homeward.tips",
    "homeward.dna",
    "homeward.tracing",
    "homeward.cases",
    "homeward.care",
    "homeward.plan",
    "homeward.screening",
    "homeward.analysis",
    "homeward.portal",
    "homeward.demo",
]

# Domain apps: each may provide urls.py (/staff/<app>/), public_urls.py (/<app>/), api.py (/api/v1/<app>/),
# nav.py (nav_items(user)), demo.py (load(report)) and indicators.py. Demo data loads in this order.
HOMEWARD_DOMAIN_APPS = [
    "alerts",
    "tips",
    "dna",
    "tracing",
    "cases",
    "care",
    "plan",
    "screening",
    "analysis",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Response headers first, so that every answer carries them (health probes and 503 pages included).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "homeward.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and authentication: a database outage answers 503, not 500 (homeward/core/outage.py).
    "homeward.core.outage.DatabaseUnavailableMiddleware",
    "homeward.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "homeward.accounts.middleware.SessionTimeoutMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "homeward.urls"
WSGI_APPLICATION = "homeward.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "homeward" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "homeward.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'homeward.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        # A persistent connection is checked before reuse, so the app reconnects after a database restart.
        conn_health_checks=True,
    )
}
# The load balancer probes /healthz and /readyz over plain HTTP by address: no HTTPS redirect (which would also
# check the host name) for them. They are answered by homeward.core.outage before the host check.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Retry-After (seconds) on the 503 answer while the database is unreachable.
DATABASE_UNAVAILABLE_RETRY_AFTER = env_int("DATABASE_UNAVAILABLE_RETRY_AFTER", 30)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server write without "database is locked" errors.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:staff-home"

# Lockout: five failures lock the username for ten minutes (wrong TOTP codes count as failures too).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "homeward.accounts.views.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Locking per account, not per address: police offices sit behind shared NAT addresses, and one officer's typos
# must not lock the whole station out. Per-address rate limits belong to the reverse proxy (docs/deploy.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions: idle sessions end after 30 minutes, every session after 12 hours.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

OTP_TOTP_ISSUER = "Homeward"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "homeward" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The project-wide stylesheet (homeward/static/homeward/site.css) lives outside any app.
STATICFILES_DIRS = [BASE_DIR / "homeward" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Media is never served directly: every file goes through a view that checks access.
MEDIA_URL = "/media-not-served/"

# Request size limits: JSON bodies and form fields; uploads are checked per field by the forms.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 5 * 1024 * 1024)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Location for the portal's "alerts near me" (same origin only); nothing else a browser could be asked for.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "geolocation": ["self"],
    "camera": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Background work: TASKS_BACKEND=database (default) or rq (+ REDIS_URL); the cache is Redis when REDIS_URL is set.
TASKS = backing.tasks_settings()
if backing.uses_rq():
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = backing.rq_queues()
    TASKS["default"]["OPTIONS"] = {
        "RETRIES": env_int("RQ_RETRIES", 3),
        "RETRY_INTERVALS": [int(s) for s in env_list("RQ_RETRY_INTERVALS", ["0", "30", "300"])],
    }
CACHES = backing.caches_settings()

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "homeward@localhost")

# The national jurisdiction: ministries see everything. Not a GB/T 2260 code; the root of the tree.
NATIONAL_DIVISION_CODE = "000000"

# Keys kept outside the database (docs/operations.md, "Keys"), each also from NAME_FILE; back them up with
# scripts/keys.py. Empty means the development fallbacks: a generated VAR_DIR/care_field.key, a built-in lead key.
CARE_FIELD_KEYS = [key.strip() for key in env_secret("CARE_FIELD_KEYS").split(",") if key.strip()]
SCREENING_LEAD_HASH_KEY = env_secret("SCREENING_LEAD_HASH_KEY")
ALERTS_SECRET_KEY = env_secret("ALERTS_SECRET_KEY")

# Tip routing: how long a process reuses the police agency it found for a place (seconds; 0 = ask every time).
# A police agency registered or deactivated is routed to within this time (homeward/tips/routing.py).
TIPS_ROUTING_CACHE_SECONDS = env_int("TIPS_ROUTING_CACHE_SECONDS", 30)
# The step that links committed audit rows into the hash chain runs after a commit at most this often per process
# (milliseconds; 0 = after every commit). Under load one step links many commits' rows; rows of a commit that came
# sooner wait for the next step of any process, or for audit_tick (every minute) when the writes stop.
AUDIT_CHAIN_INTERVAL_MS = env_int("AUDIT_CHAIN_INTERVAL_MS", 100)
# Audit retention floor: `prune_audit` never removes audit rows younger than this, whatever it is asked.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)

# Demo users and data may only be created where this is True; production settings force it off.
HOMEWARD_ALLOW_DEMO = env_bool("HOMEWARD_ALLOW_DEMO", True)
# API tokens: how long a staff token lives unless revoked earlier.
API_TOKEN_LIFETIME = timedelta(days=env_int("API_TOKEN_DAYS", 90))

# No personal data in logs: records that carry a request keep its method and path only (homeward/core/logfilters.py),
# on the loggers Django attaches requests to and on every handler.
_REDACT = {"filters": ["redact_request"]}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_request": {"()": "homeward.core.logfilters.RequestRedactionFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", **_REDACT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": _REDACT,
        "django.server": _REDACT,
        "django.security.csrf": _REDACT,
        "django.security.DisallowedHost": _REDACT,
        "django.security.SuspiciousOperation": _REDACT,
        "django.security.RequestDataTooBig": _REDACT,
        "django.security.TooManyFieldsSent": _REDACT,
        "django.security.TooManyFilesSent": _REDACT,
    },
}
