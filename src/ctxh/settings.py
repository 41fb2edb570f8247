"""Django settings for ctxh, read from the environment.

Every value that differs between a laptop and production comes from an environment
variable; the defaults give a working local site with an SQLite file under ``var/``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("CTXH_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# The demo (`make demo`): production behaviour (DEBUG=0, so the Vietnamese error pages and
# never Django's debug page) on one laptop over plain http — a generated secret key, local
# host names, cookies that work without HTTPS, static files served from the source tree.
CTXH_DEMO = env_bool("CTXH_DEMO", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG and not CTXH_DEMO:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG or CTXH_DEMO else ""
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# The standing agency's name changes with reorganisations (DOMAIN.md): configuration.
CTXH_AGENCY_NAME = os.environ.get("CTXH_AGENCY_NAME", "Sở Y tế Thành phố Hồ Chí Minh")
CTXH_PROVINCE = int(os.environ.get("CTXH_PROVINCE", "79"))
#: The address users reach the site at: the links in invitation and reset e-mails use it.
CTXH_BASE_URL = os.environ.get("CTXH_BASE_URL", "http://127.0.0.1:8000")
# Public pages' limits (requests a minute per client, counted in the cache), the portal's
# cache of public facts, and the largest uploaded file (docs/deploy.md).
CTXH_VERIFY_RATE_LIMIT = int(os.environ.get("CTXH_VERIFY_RATE_LIMIT", "30"))
CTXH_PORTAL_REGISTRATION_RATE_LIMIT = int(
    os.environ.get("CTXH_PORTAL_REGISTRATION_RATE_LIMIT", "10")
)
CTXH_PORTAL_CACHE_SECONDS = int(os.environ.get("CTXH_PORTAL_CACHE_SECONDS", "120"))
CTXH_UPLOAD_MAX_MB = int(os.environ.get("CTXH_UPLOAD_MAX_MB", "20"))
# Excel imports: a file with more rows, or larger, is refused before any row is read.
CTXH_IMPORT_MAX_ROWS = int(os.environ.get("CTXH_IMPORT_MAX_ROWS", "100000"))
CTXH_IMPORT_MAX_BYTES = int(os.environ.get("CTXH_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_filters",
    "django_htmx",
    "django_tables2",
    "django_tasks",
    "django_tasks_db",
    "ctxh.core",
    "ctxh.geo",
    "ctxh.organizations",
    "ctxh.accounts",
    "ctxh.documents",
    "ctxh.workforce",
    "ctxh.practicum",
    "ctxh.training",
    "ctxh.cooperation",
    "ctxh.monitoring",
    "ctxh.portal",
    "ctxh.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ctxh.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ctxh.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ctxh.core.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ctxh.urls"
WSGI_APPLICATION = "ctxh.wsgi.application"

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
                "ctxh.core.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ctxh.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the worker write while pages read; IMMEDIATE avoids lock upgrades.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("CTXH_TEST_SQLITE_NAME") or None}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions: Redis when REDIS_URL is set, the database otherwise -------------
# Shared by every app server (the scope cache, rate limits, sessions). Without Redis the
# cache is a table in the database (created by `ctxh migrate`, see ctxh.core.apps), so N app
# servers still share it; with Redis, sessions live in Redis too (signing in again is all a
# Redis restart costs; keep Redis persistent — appendonly — to avoid even that).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CTXH_CACHE_TABLE = "ctxh_cache"


def cache_settings(redis_url: str) -> tuple[dict, str]:
    """(CACHES, SESSION_ENGINE) for a Redis URL, or for the database when it is empty."""
    if redis_url:
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "ctxh",
            "TIMEOUT": 300,
        }
        return {"default": backend}, "django.contrib.sessions.backends.cache"
    backend = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": CTXH_CACHE_TABLE,
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
    return {"default": backend}, "django.contrib.sessions.backends.db"


CACHES, SESSION_ENGINE = cache_settings(REDIS_URL)

# --- Background work: Django's task API -----------------------------------------------
# "db" (default): tasks in the database, run by `ctxh db_worker`; no broker needed.
# "rq": tasks on Redis (REDIS_URL), run by `ctxh rqworker --job-class django_tasks_rq.Job`.
CTXH_TASKS = os.environ.get("CTXH_TASKS", "db").strip().lower()
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Seconds a job may run before it is stopped and failed; per kind in CTXH_JOB_TIME_LIMITS
# (a handler may also declare its own: @jobs.handler(kind, time_limit=...)).
CTXH_JOB_TIME_LIMIT = float(os.environ.get("CTXH_JOB_TIME_LIMIT", "600"))
CTXH_JOB_TIME_LIMITS: dict[str, float] = {}
# Address space of the process running one job (MB; 0: no cap). See docs/deploy.md.
CTXH_JOB_MEMORY_LIMIT_MB = int(os.environ.get("CTXH_JOB_MEMORY_LIMIT_MB", "3072"))
# "process": each job in a child process (time limit, memory cap, crash detection);
# "inline": in the worker itself (the time limit by SIGALRM only).
CTXH_JOB_ISOLATION = os.environ.get("CTXH_JOB_ISOLATION", "process")
# A running job whose heartbeat is older than this has lost its worker: it is failed.
CTXH_JOB_STALE_SECONDS = int(os.environ.get("CTXH_JOB_STALE_SECONDS", "120"))
if CTXH_TASKS == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {
        "default": {
            "URL": REDIS_URL,
            # RQ's own limit is the backstop; the job runner's per-kind limit comes first.
            "DEFAULT_TIMEOUT": int(CTXH_JOB_TIME_LIMIT) + 300,
        }
    }
elif CTXH_TASKS == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    raise ImproperlyConfigured(f"CTXH_TASKS must be 'db' or 'rq', not {CTXH_TASKS!r}.")

# --- Accounts and login protection -----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Invitations and password resets: a one-time link, valid 3 days by default.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("CTXH_LINK_DAYS", "3")) * 24 * 60 * 60
# Mail: printed on the console unless an SMTP server is configured.
EMAIL_HOST = os.environ.get("CTXH_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("CTXH_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("CTXH_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CTXH_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("CTXH_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("CTXH_EMAIL_FROM", "ctxh <no-reply@ctxh.local>")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = int(os.environ.get("CTXH_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind a reverse proxy: its addresses or networks (comma-separated, e.g.
# "10.0.0.5,10.0.1.0/24"); X-Forwarded-For is believed only from them (ctxh.core.clientip).
CTXH_TRUSTED_PROXIES = env_list("CTXH_TRUSTED_PROXIES", "")
try:
    import ipaddress as _ipaddress

    for _proxy in CTXH_TRUSTED_PROXIES:
        _ipaddress.ip_network(_proxy, strict=False)
except ValueError as _error:
    raise ImproperlyConfigured(f"CTXH_TRUSTED_PROXIES: {_error}") from None
AXES_CLIENT_IP_CALLABLE = "ctxh.core.clientip.client_ip"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
CSRF_FAILURE_VIEW = "ctxh.core.views.csrf_failure"

# --- Language, dates, numbers ----------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["ctxh.formats"]

# --- Static and uploaded files ---------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("CTXH_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("CTXH_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or CTXH_DEMO
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The demo serves the files straight from the source tree (no collectstatic step).
WHITENOISE_USE_FINDERS = DEBUG or CTXH_DEMO
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"  # ours: templates/django_tables2/
# A filter left empty reads "All" (Tất cả), not "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("All")
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

# --- Security --------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Map tiles: a URL template ({z}/{x}/{y}, optional {s}); empty = markers on a blank map.
CTXH_MAP_TILE_URL = os.environ.get(
    "CTXH_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
).strip()
CTXH_MAP_TILE_ATTRIBUTION = os.environ.get(
    "CTXH_MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors"
)


def _tile_origin(url: str) -> str:
    """The tile server's origin for the CSP img-src ("{s}." subdomains become "*.")."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "*"))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""  # empty or relative (served by this site): 'self' covers it
    return f" {parts.scheme}://{parts.netloc}"


CTXH_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    f"img-src 'self' data: blob:{_tile_origin(CTXH_MAP_TILE_URL)}; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
if not DEBUG:
    # The demo runs over plain http on 127.0.0.1: HTTPS-only cookies would make login fail.
    SESSION_COOKIE_SECURE = env_bool("CTXH_SECURE_COOKIES", not CTXH_DEMO)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(os.environ.get("CTXH_HSTS_SECONDS", "0" if CTXH_DEMO else "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("CTXH_SSL_REDIRECT", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CTXH_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
