"""Settings for Union e-Home.

One module. With no environment variables it runs the embedded default (SQLite, in-memory
channel layer, console SMS/e-mail, local media). Production switches on by environment:
DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, DEBUG=0 ... (see .env.example).
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
TESTING = "pytest" in sys.modules or env_bool("TESTING", False)

_INSECURE_DEV_KEY = "django-insecure-embedded-default-only-for-local-use"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG=0. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = _INSECURE_DEV_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Absolute base URL used in QR codes and notifications when no request is at hand.
SITE_BASE_URL = os.environ.get("SITE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    # Project apps first so their templates override the libraries'.
    "unionhome.core",
    "unionhome.membership",
    "unionhome.ballots",
    "unionhome.care",
    "unionhome.audit",
    "bargaining",
    "bargaining.contracts",
    "bargaining.consultations",
    "legalaid",
    "legalaid.complaints",
    "cms",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's users app, showing role groups by their translated labels.
    "unionhome.core.wagtail_users_app.UsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",
    "allauth.usersessions",
    # Real time and tasks
    "channels",
    # Its templates serve Swagger UI from our static files (no CDN).
    "ninja",
    "django_tasks",
    "django_tasks_db",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # Outermost: a request that failed because the database is away answers 503, not 500.
    "unionhome.core.availability.UnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache, so cached pages get the header too.
    "unionhome.core.csp.SiteCSPMiddleware",
    # Whole public pages for anonymous visitors (cms/page_cache.py): before sessions, so a
    # hit costs no session, locale, CSRF or Wagtail work.
    "cms.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "unionhome.core.middleware.StaffMFAMiddleware",
    "unionhome.core.middleware.FederationOnlyAdminViewsMiddleware",
    "unionhome.core.error_pages.DomainErrorPageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# A database that is away is reported without reading it again (unionhome/core/availability.py).
DEFAULT_EXCEPTION_REPORTER = "unionhome.core.availability.ExceptionReporter"

ROOT_URLCONF = "unionhome.config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "unionhome.core.context_processors.site",
            ],
        },
    },
]

ASGI_APPLICATION = "unionhome.config.asgi.application"
WSGI_APPLICATION = "unionhome.config.wsgi.application"

# --- Data -----------------------------------------------------------------------------
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Health checks: a persistent connection that died with a database restart is replaced
    # before use instead of failing the next request. A short connect timeout turns a database
    # that is away into a quick 503 rather than a hung worker thread.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", 5))
        )
        # A bounded pool per process (psycopg-pool): under ASGI every request runs in a thread
        # of its own with a connection of its own, so a burst (100 members booking at once)
        # opened one connection each and exhausted max_connections; with the pool it waits
        # up to DATABASE_POOL_TIMEOUT for one of DATABASE_POOL_MAX_SIZE connections, then
        # answers 503. Size it so that processes × max size stays under max_connections
        # (docs/deployment.md). Pooled connections are checked before use (health checks),
        # so a database restart costs no request; pooling replaces persistent connections.
        pool_max_size = int(os.environ.get("DATABASE_POOL_MAX_SIZE", 10))
        if pool_max_size > 0:
            DATABASES["default"]["OPTIONS"]["pool"] = {
                "min_size": min(int(os.environ.get("DATABASE_POOL_MIN_SIZE", 1)), pool_max_size),
                "max_size": pool_max_size,
                "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", 5)),
            }
            DATABASES["default"]["CONN_MAX_AGE"] = 0
    if os.environ.get("TEST_DB_NAME"):
        DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DB_NAME"]}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # A file test database: ChannelsLiveServerTestCase refuses in-memory SQLite.
            "TEST": {"NAME": VAR_DIR / "test-db.sqlite3"},
            # Concurrent writers (Daphne, the task worker, the scheduler) must wait, never fail
            # with "database is locked": WAL lets readers run beside the one writer;
            # IMMEDIATE makes every transaction take the write lock when it begins, because a
            # transaction that read first cannot upgrade its lock (SQLite answers "locked"
            # without waiting); the busy timeout (seconds) is how long a writer queues.
            # synchronous=NORMAL in WAL mode survives a crash of the application without loss
            # (a power cut may lose the last commits) and saves an fsync per transaction.
            "OPTIONS": {
                "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", 30)),
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": os.environ.get("CHANNEL_PREFIX", "uh")},
        }
    }
    # Rate limits (allauth) live in the cache: Redis makes them hold across processes.
    # Fails open (unionhome.core.cache): pages keep serving while Redis restarts. Short
    # timeouts: a Redis that is away costs a request a second at most.
    CACHES = {
        "default": {
            "BACKEND": "unionhome.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "uh"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# --- Auth -----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"

ACCOUNT_ADAPTER = "unionhome.accounts.adapter.AccountAdapter"
USERSESSIONS_ADAPTER = "unionhome.accounts.adapter.UserSessionsAdapter"
ACCOUNT_LOGIN_METHODS = {"phone", "username"}
# Riders sign up with a phone number and an SMS code; a password is optional (staff use one,
# and keeping the field listed keeps the password box on the login page).
ACCOUNT_SIGNUP_FIELDS = ["phone*", "password1"]
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_CHANGE = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# One SMS code per number per minute on every screen (unionhome.accounts.sms_codes); the
# code pages show a "resend" button that counts this down. allauth allows no resend unless
# told, and these cap how many new codes one sign-in may ask for.
SMS_RESEND_SECONDS = 60
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = 3
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = 3
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_phone": "1/m/user",
    # allauth's default is one code per 30 s; the screens count down a minute.
    "verify_phone": f"1/{SMS_RESEND_SECONDS}s/key,3/m/ip",
}
# The documented deployment puts one TLS proxy in front of Daphne, which appends the client
# address to X-Forwarded-For. Rate limits (failed logins, SMS) key on that address; without
# this every client shares the proxy's address and a few failures lock everyone out.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0 if DEBUG else 1))
# Or name a header the proxy sets to the client address (e.g. X-Real-IP) instead.
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 300

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Union e-Home"
# Staff and negotiators must enrol MFA in production; the embedded demo logs in by password.
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", not DEBUG)

HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_ONLY = False
HEADLESS_SERVE_SPECIFICATION = True

# Pluggable SMS sender: a dotted path to a callable(phone: str, message: str).
SMS_SENDER = os.environ.get("SMS_SENDER", "unionhome.core.sms.console_sender")

# --- i18n -----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Mail -----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@unionhome.local")

# --- Wagtail --------------------------------------------------------------------------
# Lazy, so the admin shows the name in the user's language (工会e家).
WAGTAIL_SITE_NAME = gettext_lazy("Union e-Home")
# The admin dashboard would fetch releases.wagtail.org from each superuser's browser: it tells a
# third party who runs the admin and when, and the Content-Security-Policy (connect-src 'self')
# refuses it anyway. Upgrades are followed through the pinned dependencies instead.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# --- Security (production) --------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
# The proxy probes the health endpoints over plain HTTP on the loopback.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
X_FRAME_OPTIONS = "DENY"
# Enforced on every response (unionhome/core/csp.py adds this host's socket origin and the
# admin's allowances); scripts and styles come only from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}

# The task worker (manage.py db_worker) sleeps longer while idle, up to this many seconds; a
# task enqueued on the same machine wakes it at once.
TASK_WORKER_MAX_IDLE = float(os.environ.get("TASK_WORKER_MAX_IDLE", 30))

# Periodic jobs run by `manage.py run_scheduler` (dotted path of a callable, seconds).
PERIODIC_JOBS = [
    ("unionhome.ballots.services.ballots_tick", 60),
    ("legalaid.reminders.reminders_send_due", 60),
    ("legalaid.slot_supply.slots_materialise_all", 3600),
    ("bargaining.case_setup.case_send_reminders", 3600),
    ("bargaining.contracts.services.contracts_tick", 3600),
    ("unionhome.care.services.hardship_tick", 3600),
    ("unionhome.care.talks.activities_remind", 600),
    ("legalaid.complaints.services.complaints_tick", 3600),
    # Retention rules (PIPL art. 19), once a day.
    ("legalaid.retention.legalaid_cases_anonymise", 86400),
    ("unionhome.ballots.retention.ballots_electorate_expire", 86400),
    ("unionhome.membership.retention.member_import_reports_expire", 86400),
    ("unionhome.audit.retention.audit_expire", 86400),
]

# Retention periods (PIPL art. 19 "the shortest time necessary"; reasons in docs/legal.md).
# Closed legal-aid cases: the 3-year civil limitation period (Civil Code art. 188).
RETENTION_LEGALAID_CASE_YEARS = int(os.environ.get("RETENTION_LEGALAID_CASE_YEARS", "3"))
# Electorate lists and rosters, counted from the sealing of the closed ballot.
RETENTION_BALLOT_ELECTORATE_DAYS = int(os.environ.get("RETENTION_BALLOT_ELECTORATE_DAYS", "90"))
# Refused-row reports of member imports, counted from the end of the import.
RETENTION_MEMBER_IMPORT_REPORT_DAYS = int(
    os.environ.get("RETENTION_MEMBER_IMPORT_REPORT_DAYS", "30")
)
# Audit entries.
RETENTION_AUDIT_YEARS = int(os.environ.get("RETENTION_AUDIT_YEARS", "3"))

# Fernet keys (comma-separated, newest first) encrypting resident ID numbers at rest.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])

# Legal aid: how late a member may cancel or reschedule, how far ahead slots are made,
# and how many upcoming consultations one member may hold.
LEGALAID_MEMBER_CUTOFF_HOURS = int(os.environ.get("LEGALAID_MEMBER_CUTOFF_HOURS", 2))
LEGALAID_HORIZON_DAYS = int(os.environ.get("LEGALAID_HORIZON_DAYS", 28))
LEGALAID_MAX_UPCOMING_PER_MEMBER = int(os.environ.get("LEGALAID_MAX_UPCOMING_PER_MEMBER", 3))

# Largest WebSocket frame a consumer accepts (Daphne sets no limit itself).
WEBSOCKET_MAX_FRAME_BYTES = int(os.environ.get("WEBSOCKET_MAX_FRAME_BYTES", 64 * 1024))

# The bargaining room's direct write to Daphne's transport (bargaining/fastpath.py):
# "on", "off" (always the ordinary ASGI send) or "required" (CI: refuse to fall back).
BARGAINING_FAST_SEND = os.environ.get("BARGAINING_FAST_SEND", "on")
# Most unsent bytes a WebSocket may hold on the server (a listener that stopped reading); a
# socket that stays over it is closed with code 4408 and resumes when it reconnects.
WEBSOCKET_MAX_BUFFER_BYTES = int(os.environ.get("WEBSOCKET_MAX_BUFFER_BYTES", 1024 * 1024))

# Seconds a public page is kept for anonymous visitors (cms/page_cache.py); 0 turns it off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 300))
# Seconds a socket may stay open without authenticating (cookie at connect or token frame).
WEBSOCKET_AUTH_TIMEOUT_SECONDS = float(os.environ.get("WEBSOCKET_AUTH_TIMEOUT_SECONDS", 5))
