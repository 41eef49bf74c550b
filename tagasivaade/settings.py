"""Settings for Tagasivaade, read from typed environment variables.

With no environment set, the local defaults apply: an SQLite file in the checkout and demo mode on,
so that `.venv/bin/python manage.py <command>` works after `make run`. Production is chosen
explicitly with TAGASIVAADE_ENV=production and then refuses to start without its settings.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import overload

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


@overload
def env_str(name: str) -> str | None: ...
@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: None) -> str | None: ...


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """A comma-separated list of addresses or networks (10.0.0.5, 10.0.0.0/8, 2001:db8::/32)."""
    values = env_list(name, [])
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{name} holds {value!r}, which is not an address or a network") from None
    return values


ENVIRONMENT = env_str("TAGASIVAADE_ENV", "local")
if ENVIRONMENT not in ("local", "test", "production"):
    raise ImproperlyConfigured("TAGASIVAADE_ENV must be local, test or production")
PRODUCTION = ENVIRONMENT == "production"

if PRODUCTION:
    missing = [
        name
        for name in (
            "SECRET_KEY",
            "DATABASE_URL",
            "ALLOWED_HOSTS",
            "TARA_ISSUER",
            "TARA_CLIENT_ID",
            "TARA_CLIENT_SECRET",
        )
        if not env_str(name)
    ]
    if missing:
        raise ImproperlyConfigured(
            "Production settings are missing: " + ", ".join(missing) + ". Set them in the environment."
        )

SECRET_KEY = env_str("SECRET_KEY") or "local-only-insecure-key-never-used-in-production"
DEBUG = env_bool("DEBUG", not PRODUCTION and ENVIRONMENT == "local")
if PRODUCTION and DEBUG:
    # Debug pages show settings, SQL and case data to whoever triggers an error.
    raise ImproperlyConfigured("DEBUG must be off in production: remove DEBUG=true from the environment.")
# Demo mode: the demo sign-in page and demo users. Never in production.
DEMO_MODE = False if PRODUCTION else env_bool("DEMO_MODE", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "mozilla_django_oidc",
    "core",
    "accounts",
    "audit",
    "method",
    "notifications",
    "reviews",
    "chronology",
    "workgroup",
    "inquiries",
    "submissions",
    "analysis",
    "detections",
    "api",
    "outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.uploads.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tagasivaade.urls"
WSGI_APPLICATION = "tagasivaade.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once: the worker and the web process share the file.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.tara.TaraBackend",
    "accounts.backends.PasswordBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 14}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sessions end after 15 minutes idle and 12 hours in all (core.middleware.SessionLimitsMiddleware).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 15 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# The proxies whose X-Forwarded-For is believed (core.client_address); none by default, so that
# REMOTE_ADDR is the client. Give the load balancer's addresses or networks in production.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# Throttled password sign-in (django-axes, accounts.lockout): 5 failures lock a user name at an address
# for 30 minutes, and 20 failures from one address across user names lock the address.
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
if AXES_ADDRESS_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured("AXES_ADDRESS_FAILURE_LIMIT must not be below AXES_FAILURE_LIMIT")
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# TARA (OpenID Connect). Endpoints and keys come from the issuer's discovery document.
TARA_ISSUER = env_str("TARA_ISSUER")
TARA_CLIENT_ID = env_str("TARA_CLIENT_ID")
TARA_CLIENT_SECRET = env_str("TARA_CLIENT_SECRET")
TARA_MIN_ACR = env_str("TARA_MIN_ACR", "high")
TARA_SCOPES = env_str("TARA_SCOPES", "openid")
TARA_ENABLED = bool(TARA_ISSUER and TARA_CLIENT_ID and TARA_CLIENT_SECRET)
TARA_HTTP_TIMEOUT = env_int("TARA_HTTP_TIMEOUT", 10)
# How long the discovery document and the signing keys are kept (an unknown `kid` refetches the keys).
TARA_DISCOVERY_CACHE_SECONDS = env_int("TARA_DISCOVERY_CACHE_SECONDS", 3600)
if PRODUCTION and TARA_MIN_ACR not in ("low", "substantial", "high"):
    raise ImproperlyConfigured("TARA_MIN_ACR must be low, substantial or high")

LANGUAGE_CODE = "et"
LANGUAGES = [("et", _("Estonian")), ("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "tagasivaade_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Tallinn"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Request limits kept by the application itself (core.uploads), whatever a proxy in front allows.
# The largest file any page takes: a working-group material (workgroup.models.MAX_MATERIAL_BYTES).
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
# A form's fields (everything but files): Django's default, 2.5 MB, stated here because it is a limit
# the application keeps; the method editor's largest section is 100 KB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_HANDLERS = [
    "core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Time-based work: `manage.py run_due` (every minute) calls each of these; each enqueues what is due
# and is idempotent (see core/scheduler.py).
DUE_WORK_PRODUCERS: list[str] = [
    "audit.due.enqueue_chain_check",
    "workgroup.due.enqueue_materials",
    "reviews.due.enqueue_deadline_alerts",
    "inquiries.due.enqueue_reminders",
    "submissions.due.purge_stale_previews",
    "chronology.due.purge_old_exports",
    "core.queue.recover_abandoned_tasks",
    "outbox.due.enqueue_due_messages",
]

# The task queue (core/queue.py). A task that raises is tried again after 30 s, then 60 s, ... (at most
# 10 min between attempts), 3 attempts in all. A worker beats every 10 s; one silent for 60 s (six beats
# missed: a killed process, a lost machine) is taken as lost and its running task is queued again.
TASK_RETRY_ATTEMPTS = env_int("TASK_RETRY_ATTEMPTS", 3)
TASK_RETRY_BASE_SECONDS = env_int("TASK_RETRY_BASE_SECONDS", 30)
TASK_RETRY_MAX_SECONDS = env_int("TASK_RETRY_MAX_SECONDS", 600)
TASK_WORKER_HEARTBEAT_SECONDS = env_int("TASK_WORKER_HEARTBEAT_SECONDS", 10)
TASK_WORKER_LOST_AFTER_SECONDS = env_int("TASK_WORKER_LOST_AFTER_SECONDS", 60)
if not 0 < TASK_WORKER_HEARTBEAT_SECONDS * 3 <= TASK_WORKER_LOST_AFTER_SECONDS:
    raise ImproperlyConfigured("TASK_WORKER_LOST_AFTER_SECONDS must be at least three heartbeats.")
if TASK_RETRY_ATTEMPTS < 1 or not 0 < TASK_RETRY_BASE_SECONDS <= TASK_RETRY_MAX_SECONDS:
    raise ImproperlyConfigured("TASK_RETRY_* need 1+ attempts and 0 < base <= max seconds.")

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
# The address links in e-mails point at (no trailing slash).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tagasivaade@sotsiaalkindlustusamet.ee")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
# Without a timeout a mail server that stops answering holds a worker thread for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# The outbox (outbox/): every e-mail is a row written with the change it is about and sent by a task.
# A refused or failed attempt is tried again after 1 min, 2, 4, ... at most 2 h apart, 10 attempts in all
# (about 6 h 7 min from the first to the last), then the message is shown as failed. A message being sent
# by a worker that is lost is taken up again after the lease (longer than EMAIL_TIMEOUT and a lost worker's
# recovery together).
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 10)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 7200)
OUTBOX_SENDING_LEASE_SECONDS = env_int("OUTBOX_SENDING_LEASE_SECONDS", 900)
if OUTBOX_MAX_ATTEMPTS < 1 or not 0 < OUTBOX_RETRY_BASE_SECONDS <= OUTBOX_RETRY_MAX_SECONDS:
    raise ImproperlyConfigured("OUTBOX_* need 1+ attempts and 0 < base <= max seconds.")
if OUTBOX_SENDING_LEASE_SECONDS <= EMAIL_TIMEOUT + TASK_WORKER_LOST_AFTER_SECONDS + 60:
    raise ImproperlyConfigured("OUTBOX_SENDING_LEASE_SECONDS must outlast EMAIL_TIMEOUT and a lost worker's recovery.")

# Security headers. HTTPS settings apply in production, behind a TLS-terminating load balancer.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"] + ([TARA_ISSUER] if TARA_ISSUER else []),
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
