"""Staffroom settings.

Every value comes from the environment (see the configuration table in README.md and the
full list in docs/deploy.md). There is one settings module: production differs from a
laptop only by its environment.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

from config.storage import default_storage_from_environment, s3_origin, storage_kind

# Lets admin classes and querysets be written with type parameters (ModelAdmin[Site]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

DATA_DIR = Path(env("STAFFROOM_DATA_DIR", default=str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Read SECRET_KEY; on a developer machine (DEBUG) make one and keep it in the data dir."""
    key: str | None = env("SECRET_KEY", default=None)
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see docs/deploy.md)."
        )
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The address people reach Staffroom at, used in emails and links sent outside a request.
SITE_URL: str = env("SITE_URL", default="http://127.0.0.1:8000")

# Demo accounts (with published passwords) can only exist on a development server.
# Under production settings (DEBUG off) this is always False, whatever the environment says.
DEMO_MODE = DEBUG and env.bool("DEMO_MODE", default=True)
# The demo's video posts are drawn and processed with ffmpeg when it is built (a few seconds
# each); switch off to build the demo faster.
DEMO_VIDEOS = env.bool("DEMO_VIDEOS", default=True)

# Empty means "our organisation", in each person's language.
ORGANISATION_NAME: str = env("ORGANISATION_NAME", default="Riverside Health" if DEMO_MODE else "")

# Organisation-specific PHI formats (e.g. the local MRN), as a JSON list of
# {"kind": "local_mrn", "regex": "RH\\d{7}", "label": "Riverside MRN"}; checked at start-up.
PHI_EXTRA_PATTERNS: list[dict[str, str]] = env.json("PHI_EXTRA_PATTERNS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "staffroom.core",
    "staffroom.organisation",
    "staffroom.accounts",
    "staffroom.discussion",
    "staffroom.strategy",
    "staffroom.channels",
    "staffroom.notifications",
    "staffroom.audit",
    "staffroom.search",
    "staffroom.privacy",
    "staffroom.moderation",
    "staffroom.ideas",
    "staffroom.jobs",
    "staffroom.webapp",
    "staffroom.kiosk",
    "staffroom.events",
    "staffroom.mail",
    "staffroom.chat",
    "staffroom.media",
    "staffroom.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF's process_view, which parses a multipart body to find its token: an upload
    # from someone who may not upload is refused unread (request.user is set by then).
    "staffroom.media.middleware.UploadGateMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "staffroom.accounts.middleware.IdleTimeoutMiddleware",
    "staffroom.accounts.middleware.PreferredLanguageMiddleware",
    # Suspended people can read but not write (after CSRF and authentication).
    "staffroom.moderation.middleware.SuspensionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes last, as its documentation asks: it turns lockouts into a friendly 429 page.
    "axes.middleware.AxesMiddleware",
]

# `make bench` only (scripts/bench_http.py, staffroom/core/benchmark.py): the framework-floor
# page and a query count on every response. Never set in production.
BENCH_FLOOR_DIR: str = env("STAFFROOM_BENCH_FLOOR_DIR", default="")
if env.bool("STAFFROOM_BENCH_QUERY_HEADER", default=False):
    MIDDLEWARE.insert(0, "staffroom.core.benchmark.QueryCountHeaderMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "staffroom" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "staffroom.core.context_processors.navigation",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'staffroom.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE avoids "database is locked"
    # when two requests upgrade read transactions to writes at the same moment.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    # Page queries are short; PostgreSQL's JIT compiler spends more compiling them than it
    # saves when its cost estimate is high (measured: 438 of 463 ms on the large demo feed).
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = f"{_pg_options.get('options', '')} -c jit=off".strip()
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------


def _templates_fingerprint() -> str:
    """A short hash of every template's content.

    Rendered fragments (post cards, comment lists) are cached by the version of what they
    show; putting this in the cache key prefix means a release that changes a template never
    serves fragments rendered by the old one. Every app server with the same code computes
    the same value.
    """
    digest = hashlib.sha256()
    for path in sorted((BASE_DIR / "staffroom").rglob("templates/**/*.html")):
        digest.update(str(path.relative_to(BASE_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CACHE_KEY_PREFIX = f"{env('CACHE_KEY_PREFIX', default='staffroom')}:{_templates_fingerprint()}"
# Without Redis the cache lives in the database, so several processes still share it.
REDIS_URL: str | None = env("REDIS_URL", default=None)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "staffroom_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.Person"
AUTHENTICATION_BACKENDS = [
    # Axes first: a locked-out sign-in is refused before any password is hashed.
    "axes.backends.AxesStandaloneBackend",
    "staffroom.accounts.backends.PersonBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "channels:feed"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=60 * 60 * 3)

# Failed sign-ins: after LOGIN_FAILURE_LIMIT failures for one username the account is locked
# for LOGIN_COOLOFF_MINUTES. Not per IP address: a hospital's staff share a few NAT addresses,
# and one mistyping ward PC must not lock out a whole site.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# axes.W006 asks for per-IP lockout; we decline on purpose (see the comment above and
# docs/decisions/0003-sign-in-lockout.md). Per-IP request limits belong to rate limiting.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "staffroom.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "staffroom.accounts.backends.lockout_username"
AXES_VERBOSE = False
# Trust X-Forwarded-For only behind a declared number of proxies; otherwise anyone could
# write the address recorded against their failed sign-ins or counted by the rate limits.
# One function finds the address for both (django-ipware, which axes would use, isn't installed).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "staffroom.core.ratelimit.client_ip"

# Abuse limits (staffroom/core/ratelimit.py, docs/decisions/0013-rate-limits.md): attempts per
# window, e.g. "30/10m", or "off". Each is RATE_LIMIT_<ACTION>_PER_PERSON / _PER_IP in the
# environment. Per address they are generous: thousands of staff share a few NAT addresses.
RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)
_RATE_LIMIT_DEFAULTS = {
    "sign_in": {"per_ip": "300/5m"},
    "post": {"per_person": "30/h", "per_ip": "600/h"},
    "comment": {"per_person": "30/10m", "per_ip": "1000/10m"},
    "react": {"per_person": "120/10m", "per_ip": "3000/10m"},
    "vote": {"per_person": "120/10m", "per_ip": "3000/10m"},
    "flag": {"per_person": "20/h", "per_ip": "300/h"},
    "search": {"per_person": "60/m", "per_ip": "1200/m"},
    "export": {"per_person": "5/h", "per_ip": "300/h"},
    "unsubscribe": {"per_ip": "600/10m"},
}
RATE_LIMITS = {
    action: {
        scope: env(f"RATE_LIMIT_{action.upper()}_{scope.upper()}", default=rate)
        for scope, rate in scopes.items()
    }
    for action, scopes in _RATE_LIMIT_DEFAULTS.items()
}

# Sign people out after a period without activity; shared ward computers sooner.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=60)
SHARED_DEVICE_IDLE_MINUTES = env.int("SHARED_DEVICE_IDLE_MINUTES", default=10)
SESSION_COOKIE_AGE = env.int("SESSION_MAX_AGE_HOURS", default=12) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = False

# --- Security -------------------------------------------------------------------------------
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "staffroom_session"
CSRF_COOKIE_NAME = "staffroom_csrf"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
# security.W021 asks for HSTS preload; we decline on purpose. Preloading commits the whole
# registrable domain (the hospital's, e.g. riverside.example) and every subdomain to HTTPS in
# browsers for months, which is the hospital's call, not one application's.
SILENCED_SYSTEM_CHECKS += ["security.W021"]
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# A strict policy: no inline script or style anywhere, so nothing injected can run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Email ----------------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587. On a developer machine mail
# is written to files under the data directory so password-reset links can be followed.
if env("EMAIL_URL", default=None):
    vars().update(env.email_url("EMAIL_URL"))
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "sent-mail")
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "localhost"
# Background jobs (decision 0020): Django's tasks interface, stored in the database by default
# and run by `manage.py worker` (make run starts one). Several workers on several machines
# share the queue safely on PostgreSQL (rows are taken with SELECT … FOR UPDATE SKIP LOCKED).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email", "webhooks", "video"],
    }
}
# A worker holds an email or webhook call this long; if it dies, another takes it after.
JOBS_LEASE_SECONDS = env.int("JOBS_LEASE_SECONDS", default=300)
# How often each worker's clock looks for periodic jobs to enqueue.
JOBS_CLOCK_SECONDS = env.float("JOBS_CLOCK_SECONDS", default=10.0)
# How often deliveries lost by a killed worker are looked for, and how long a waiting delivery
# may stay overdue before it is thought lost (its task died with a worker) and queued again.
JOBS_SWEEP_SECONDS = env.int("JOBS_SWEEP_SECONDS", default=60)
JOBS_STALE_SECONDS = env.int("JOBS_STALE_SECONDS", default=600)

# Chat webhooks (decision 22): hosts allowed besides Slack's and Microsoft's (e.g. a
# self-hosted chat server), and a CA bundle for an internal chat server's certificate.
CHAT_WEBHOOK_ALLOWED_HOSTS = env.list("CHAT_WEBHOOK_ALLOWED_HOSTS", default=[])
CHAT_WEBHOOK_CA_BUNDLE = env.str("CHAT_WEBHOOK_CA_BUNDLE", default="")

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Staffroom <staffroom@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", default="en")
# Each language is named in itself, so a person who can't read the current one finds theirs.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "staffroom" / "locale"]
TIME_ZONE = env("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "staffroom" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(DATA_DIR / "media")))
# Uploaded files (post images, attachments, videos…): MEDIA_ROOT on local disk, or an
# S3-compatible bucket with MEDIA_STORAGE=s3 and the S3_* variables (config/storage.py).
MEDIA_STORAGE = storage_kind(env)
STORAGES = {
    "default": default_storage_from_environment(env),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if MEDIA_STORAGE == "s3":
    # Video files are fetched by the browser from the bucket (a presigned redirect), and a
    # redirected request must pass the page's policy too.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["media-src"].append(
        s3_origin(STORAGES["default"]["OPTIONS"])
    )
# A directory CSV for 80,000 people is about 15 MB; allow a generous margin.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DIRECTORY_IMPORT_MAX_BYTES = env.int("DIRECTORY_IMPORT_MAX_MB", default=100) * 1024 * 1024
# Checked directory files hold everyone's personal data: delete those never applied after
# this many days (`manage.py purge_directory_imports`, run daily from cron).
DIRECTORY_IMPORT_KEEP_DAYS = env.int("DIRECTORY_IMPORT_KEEP_DAYS", default=7)
# Photos and files attached to posts, comments and initiatives (checked in core/uploads.py).
POST_IMAGE_MAX_MB = env.int("POST_IMAGE_MAX_MB", default=15)
POST_ATTACHMENT_MAX_MB = env.int("POST_ATTACHMENT_MAX_MB", default=25)
# Video (issue 7, decision 28). Uploads arrive in chunks of VIDEO_CHUNK_BYTES (each one a
# request, so a dropped connection loses one chunk at most) up to VIDEO_MAX_UPLOAD_MB.
VIDEO_MAX_UPLOAD_BYTES = env.int("VIDEO_MAX_UPLOAD_MB", default=2048) * 1024 * 1024
VIDEO_CHUNK_BYTES = env.int("VIDEO_CHUNK_BYTES", default=4 * 1024 * 1024)
# Keep each uploaded original beside the two MP4s made from it (to re-process later at the
# cost of the space), or drop it once processing succeeded.
VIDEO_KEEP_ORIGINALS = env.bool("VIDEO_KEEP_ORIGINALS", default=False)
# Uploads nobody finished are deleted after this many hours.
VIDEO_UPLOAD_EXPIRY_HOURS = env.int("VIDEO_UPLOAD_EXPIRY_HOURS", default=48)
FFMPEG_BINARY = env.str("FFMPEG_BINARY", default="ffmpeg")
FFPROBE_BINARY = env.str("FFPROBE_BINARY", default="ffprobe")
# Longest a video may run, and the longest ffmpeg may work on one, before it is refused.
VIDEO_MAX_DURATION_SECONDS = env.int("VIDEO_MAX_DURATION_MINUTES", default=120) * 60
VIDEO_PROCESSING_TIMEOUT_SECONDS = env.int("VIDEO_PROCESSING_TIMEOUT_MINUTES", default=120) * 60
# A video being processed writes a heartbeat (its row's updated_at) every few seconds; one
# silent this long has lost its worker (killed, or stuck) and is queued again (at most three
# times) by the periodic job requeue_stalled_videos, or the editor may try again.
VIDEO_STALL_SECONDS = env.int("VIDEO_STALL_SECONDS", default=600)
# Answer a video file request (after the permission check) with a redirect to a short-lived
# presigned URL when the storage offers one (S3), instead of streaming the bytes through Django.
VIDEO_SERVE_REDIRECT = env.bool("VIDEO_SERVE_REDIRECT", default=MEDIA_STORAGE == "s3")

# Width x height of the largest picture decoded: a small file can claim a huge picture.
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)

# Results by group (initiative answers by department or job family) hide any group with fewer
# answers than this, so nobody's answer can be picked out.
RESULTS_MIN_GROUP_SIZE = env.int("RESULTS_MIN_GROUP_SIZE", default=5)

# The audit trail keeps entries this many days (about 7 years by default); `purge_audit`,
# run daily from cron, removes older ones and leaves a checkpoint in the chain.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=2555)
# Flags from this many different people hide an item until a moderator looks at it.
MODERATION_AUTO_HIDE_FLAGS = env.int("MODERATION_AUTO_HIDE_FLAGS", default=3)
# The idea box's promise: every idea gets a first public response within this many days.
IDEAS_FIRST_RESPONSE_DAYS = env.int("IDEAS_FIRST_RESPONSE_DAYS", default=14)

# --- Logging --------------------------------------------------------------------------------
# Error reports mask every POST value and query string: they are what people wrote.
DEFAULT_EXCEPTION_REPORTER_FILTER = "staffroom.core.reporting.PrivateExceptionReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "staffroom.core.reporting.PrivateExceptionReporter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
