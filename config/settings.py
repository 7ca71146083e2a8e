"""Patternwise settings: one file, every knob from the environment.

Local defaults are safe and need nothing installed: SQLite, a file cache that every local
process shares and a secret key generated into a git-ignored file. Production sets
DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DJANGO_HTTPS=1 (see the README).
"""

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
HTTPS = env_bool("DJANGO_HTTPS", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment; locally, a random key kept in a git-ignored file."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    if HTTPS:
        raise ImproperlyConfigured("SECRET_KEY must be set in production (DJANGO_HTTPS=1).")
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# How many reverse proxies of ours stand in front of the app. Each appends the address it
# saw to X-Forwarded-For, so the visitor is the Nth entry from the right; with 0 (the
# default) the header is ignored, since a client reaching the app directly can write it.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
# Rate limits' numbers by name, {name: (hits, seconds)}, when the defaults in
# accounts/limits.py do not suit (tests use this).
RATE_LIMITS: dict[str, tuple[int, int]] = {}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "accounts",
    "courses",
    "quizzes",
    "progress",
    "learning",
]

MIDDLEWARE = [
    "config.request_log.RequestLogMiddleware",  # first: its duration covers everything
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for browsers that ask (WhiteNoise serves static files precompressed).
    # Django pads the gzip header with random bytes against BREACH, and the CSRF token in
    # each page is masked afresh per request.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.HtmxMiddleware",  # django-htmx's, reading headers from META
    "config.middleware.RefuseNulBytesMiddleware",
    "config.middleware.PrivatePagesMiddleware",
    "config.middleware.RateLimitedMiddleware",
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.fragments",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,  # a persistent connection broken while idle is replaced
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A PostgreSQL that accepts connections but does not answer (a stalled network, a
    # server stuck in recovery) fails the request in seconds, a calm 503, instead of
    # holding the worker until gunicorn kills it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
    )
    # Parameters bound by the server, and a statement run five times on a connection is
    # prepared there: PostgreSQL then skips parsing and planning the statements every page
    # runs with the same SQL (core/statements.py). Django leaves both off for connection
    # poolers in transaction mode; this deployment connects directly (deploy/). Set
    # DB_PREPARED_STATEMENTS=0 behind such a pooler.
    if env_bool("DB_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
    # The same backend, with a health check that looks at the socket instead of sending
    # SELECT 1 before each request's first query (see config/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction begins, so concurrent requests wait
    # for each other instead of failing with "database is locked" half-way through.
    # WAL lets readers carry on while one request writes, and commits without a full sync.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The same backend, with writers taking turns on a file lock instead of sleeping in
    # SQLite's busy handler (see config/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "config.sqlite"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if HTTPS and not REDIS_URL:
    # Several app servers must share throttles, sessions and the content cache.
    raise ImproperlyConfigured("REDIS_URL must be set in production (DJANGO_HTTPS=1).")


def _cache_dir() -> str:
    """Where the file cache lives without Redis: CACHE_DIR, else beside the SQLite file
    (a temporary database gets its own cache, removed with it), else under var/. One
    directory per database: draws and sessions are keyed by row ids, which two databases
    would share."""
    if path := os.environ.get("CACHE_DIR"):
        return path
    database = DATABASES["default"]
    if database["ENGINE"] == "config.sqlite":
        if str(database["NAME"]).startswith((":memory:", "file::memory:")):  # one process
            return tempfile.mkdtemp(prefix="patternwise-cache-")
        return f"{database['NAME']}-cache"
    return str(BASE_DIR / "var" / "cache" / f"{database['HOST'] or 'local'}-{database['NAME']}")


if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "pw"),
            "TIMEOUT": 300,
            # An unreachable Redis fails a request within seconds (a calm 503), never hangs
            # it: a refused connection at once, a Redis that does not answer within the
            # timeouts, and then not again for a moment (config/cache.py).
            "OPTIONS": {
                "socket_connect_timeout": 1,
                "socket_timeout": 2,
                "pool_class": "config.cache.FailFastConnectionPool",
            },
        }
    }
else:
    # Correctness must not depend on configuration: without Redis every worker and every
    # command (import_content, a shell) still shares one cache, through files on this
    # machine (see config/cache.py for why files and not the database).
    CACHES = {
        "default": {
            "BACKEND": "config.cache.SharedFileCache",
            "LOCATION": _cache_dir(),
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# The content version gets a cache of its own (the same kind as the default, in its own
# store), so no other key can ever evict it: see courses/content_cache.py.
CACHES["versions"] = {**CACHES["default"]}
if not REDIS_URL:  # files: a folder of its own; Redis: the same database, its own key
    CACHES["versions"]["LOCATION"] = f"{CACHES['default'].get('LOCATION', '')}_versions"

# Cached pages carry the release in their keys, so a deploy never serves stale markup.
RELEASE_ID = os.environ.get("RELEASE_ID", "dev")

# Each process's own memory, in front of the shared cache for values that never change
# under their key (see courses/content_cache.py): the objects themselves, not pickled.
CACHES["local"] = {
    "BACKEND": "config.cache.ProcessMemoryCache",
    "LOCATION": "patternwise-local",
    "TIMEOUT": 3600,
    # Room for every question's choices in each order drawn (a few thousand short strings)
    # besides pages and questions: a full cache drops a third of its entries at once.
    "OPTIONS": {"MAX_ENTRIES": 10000},
}

# Sessions live in the database with the cache in front: app servers share them with no
# sticky sessions, and a cache restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Security ---------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx takes the token from the page (hx-headers), never the cookie

if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Every sign-in (the site's and the admin's) goes through the password throttle.
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
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

# --- Everything else --------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"  # its date and number formats apply: localisation stays on
TIME_ZONE = "UTC"
# The site is written in English only. Translation off makes every number and date a
# template prints cheaper (no per-thread language lookup): about 7 % of a dashboard's CPU.
USE_I18N = False
USE_TZ = True

# Email (password resets): printed to the console locally; SMTP when EMAIL_HOST is set.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
# Mail is sent outside the request by `manage.py db_worker` (tasks kept in the database).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Patternwise <noreply@localhost>")

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "learning:dashboard"
LOGOUT_REDIRECT_URL = "learning:catalogue"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"bare": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "requests": {"class": "logging.StreamHandler", "formatter": "bare"},
    },
    "loggers": {
        # One JSON line per request (config/request_log.py); REQUEST_LOG=0 silences it.
        "patternwise.requests": {
            "handlers": ["requests"],
            "level": "INFO" if env_bool("REQUEST_LOG", True) else "WARNING",
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
