"""Settings, all read from environment variables (see docs/deployment.md).

The embedded default needs nothing: SQLite in ./var, an in-process cache, Celery tasks run eagerly.
A deployment sets DATABASE_URL (PostgreSQL), REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and friends.
"""

import importlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("PRESALES_DATA_DIR", REPO_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("PRESALES_ALLOW_INSECURE_KEY", False):
        # An unset key in production is a configuration error, not something to paper over.
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-dev-key-only-for-local-use"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "presales.core",
    "presales.accounts",
    "presales.customers",
    "presales.opportunities",
    "presales.support",
    "presales.poc",
    "presales.insights",
    "presales.notifications",
    "presales.documents",
    "presales.discovery",
    "presales.solutions",
    "presales.demos",
    "presales.bids",
    "presales.kpi",
    "presales.metrics",
    "presales.appraisal",
    "presales.talent",
    "presales.knowledge",
    "presales.forecast",
    "presales.imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "presales.core.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "presales.urls"
WSGI_APPLICATION = "presales.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "presales.core.context_processors.navigation",
                "presales.notifications.context_processors.unread_count",
            ],
            "builtins": ["django.templatetags.i18n", "template_partials.templatetags.partials"],
        },
    }
]
FORM_RENDERER = "presales.core.forms.BootstrapFormRenderer"
# A styled, translated page with a way back (templates 403_csrf.html, 403.html, 404.html, 500.html).
CSRF_FAILURE_VIEW = "presales.core.views.csrf_failure"

# --- Database -------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'presales.sqlite3'}")


def no_jit(database: dict) -> None:
    """No JIT compilation on a PostgreSQL connection (see the comment where it is called)."""
    if database["ENGINE"].startswith("django.db.backends.postgresql") and os.environ.get("DB_JIT", "0") != "1":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()


def prepared_statements(database: dict) -> None:
    """Server-side parameters and prepared statements on a PostgreSQL connection (decision 55)."""
    if database["ENGINE"].startswith("django.db.backends.postgresql") and os.environ.get(
            "DB_PREPARED_STATEMENTS", "1") != "0":
        options = database.setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        options["prepare_threshold"] = 5


DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # IMMEDIATE takes the write lock at BEGIN: concurrent writers queue instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    # No JIT compilation: PostgreSQL compiles a query whose estimated cost passes jit_above_cost
    # (100k), which for our 10–50 ms queries costs 100–700 ms of compiling (the knowledge list's
    # permission count at 100k articles: 208 ms with JIT, 47 without; docs/benchmarks.md, issue 10).
    # DB_JIT=1 leaves the server's setting alone.
    no_jit(DATABASES["default"])
    # A kept connection is checked before a request reuses it: after a PostgreSQL restart the
    # first request reconnects instead of failing (core.views.server_error answers 503 meanwhile).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Prepared statements (decision 55): parameters bound by the server, and a statement run 5 times
    # on a connection is prepared, so PostgreSQL plans it once per connection instead of on every
    # request (the opportunity page's main query took 2.5 ms to plan and 0.2 ms to run).
    # DB_PREPARED_STATEMENTS=0 turns both off, e.g. behind a transaction-mode connection pooler.
    prepared_statements(DATABASES["default"])
# A read replica is a matter of configuration: reads of list pages may go there.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    no_jit(DATABASES["replica"])
    prepared_statements(DATABASES["replica"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["presales.core.db_router.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (Index(include=...)) serve PostgreSQL's index-only scans; SQLite builds the same
# index without the extra columns, which is what we want there, so its warning is not a finding and
# only scrolled the demo logins of `make run` away.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Cache, sessions, tasks ----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # django-redis, failing open: with Redis unreachable a read is a miss and a write is skipped
    # (logged), so pages and the API keep working and rate limits (DRF throttles) let requests
    # through until Redis is back. Short socket timeouts keep a dead Redis from stalling requests.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "presales.cache"
    # Sessions read from Redis, written through to the database (one query less per request;
    # with Redis down a read is a miss and falls back to the database). Only with a shared cache:
    # with the per-process locmem cache a logout would not reach the other workers' copies.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The selects of people and teams kept in the cache (core.filters.cached_choices) for at most this
# long, and only with a shared cache: a change is announced to the other workers through Redis.
PRESALES_CHOICES_CACHE_SECONDS = 60 if REDIS_URL else 0

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "")
# Without a broker (the embedded default) tasks run in-process, right away.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
# A task is acknowledged after it ran: a worker killed mid-task leaves it to be delivered again
# (tasks are idempotent). Redis redelivers an unacknowledged task after the visibility timeout.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "socket_connect_timeout": 3,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Auth ------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend with the per-page user look-up compiled once (presales/accounts/backends.py).
    "presales.accounts.backends.ModelBackend",
]
# Argon2 first (Django's recommended hasher, at Django's default parameters: 2 passes over 100 MiB,
# 8 lanes): memory-hard, and its lanes use every core, so a log-in waits about half what PBKDF2's
# 1,000,000 sequential iterations take on the same CPU (docs/decisions.md 47). Hashes made with
# the others still verify and are re-hashed with Argon2 at the next log-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"  # insights.views.home: the landing page by role
LOGOUT_REDIRECT_URL = "accounts:login"

# Single sign-on (presales.accounts.sso; docs/deployment.md "Single sign-on"), both off by default.
# Directory groups give roles and a team (PRESALES_SSO_ROLE_MAP, PRESALES_SSO_TEAM_MAP).
PRESALES_SSO_ROLE_MAP = os.environ.get("PRESALES_SSO_ROLE_MAP", "")
PRESALES_SSO_TEAM_MAP = os.environ.get("PRESALES_SSO_TEAM_MAP", "")
PRESALES_SSO_CREATE_USERS = env_bool("PRESALES_SSO_CREATE_USERS", True)
# OpenID Connect (mozilla-django-oidc): the provider's endpoints and this client's credentials.
PRESALES_OIDC_ENABLED = env_bool("PRESALES_OIDC_ENABLED", False)
PRESALES_OIDC_LOGIN_LABEL = os.environ.get("PRESALES_OIDC_LOGIN_LABEL", "")
PRESALES_OIDC_USERNAME_CLAIM = os.environ.get("PRESALES_OIDC_USERNAME_CLAIM", "preferred_username")
PRESALES_OIDC_GROUPS_CLAIM = os.environ.get("PRESALES_OIDC_GROUPS_CLAIM", "groups")
if PRESALES_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("presales.accounts.sso.OIDCBackend")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "") or None
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_CREATE_USER = PRESALES_SSO_CREATE_USERS
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
# LDAP (django-auth-ldap, the optional extra "ldap"): bind as the person, groups from the directory.
PRESALES_LDAP_ENABLED = env_bool("PRESALES_LDAP_ENABLED", False)
if PRESALES_LDAP_ENABLED:
    from presales.accounts.sso_config import ldap_settings  # noqa: E402

    globals().update(ldap_settings(os.environ))
    AUTHENTICATION_BACKENDS.append("presales.accounts.sso.LDAPBackend")
# Read by presales.accounts.sso.ldap_settings (documented here for the settings scanner):
# os.environ.get("PRESALES_LDAP_SERVER_URI"), os.environ.get("PRESALES_LDAP_BIND_DN"),
# os.environ.get("PRESALES_LDAP_BIND_PASSWORD"), os.environ.get("PRESALES_LDAP_START_TLS"),
# os.environ.get("PRESALES_LDAP_USER_SEARCH_BASE"), os.environ.get("PRESALES_LDAP_USER_FILTER"),
# os.environ.get("PRESALES_LDAP_GROUP_SEARCH_BASE"), os.environ.get("PRESALES_LDAP_GROUP_TYPE"),
# os.environ.get("PRESALES_LDAP_DISPLAY_NAME_ATTR").

# Login throttling (django-axes): 5 failures for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# --- I18n ------------------------------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# Each app keeps its own locale/ folder. Listing them here gives our wording precedence over the
# catalogs of Django's contrib apps for shared msgids ("Filter" is 筛选 here, not the admin's 过滤器).
LOCALE_PATHS = sorted(PACKAGE_DIR.glob("*/locale"))

# --- Static and media ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible storage via django-storages (installed in deployments that use it).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG

# --- API -------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "presales.accounts.authentication.TokenAuthentication",  # DRF's, one statement (issue 15)
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies must be objects (else 400 before any view reads them): see core.parsers.ObjectJSONParser.
    "DEFAULT_PARSER_CLASSES": [
        "presales.core.parsers.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # DRF's JSON renderer with orjson doing the encoding (core.renderers); the browsable API as before.
    "DEFAULT_RENDERER_CLASSES": [
        "presales.core.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "presales.core.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "presales.core.schema.AutoSchema",  # corrections: see core/schema.py
    "EXCEPTION_HANDLER": "presales.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("API_TOKEN_THROTTLE", "10/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Presales management API / 售前管理系统 API",
    "DESCRIPTION": "Every module of the presales management system. Token or session authentication.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    # Swagger UI served from our own static files (drf-spectacular-sidecar): works offline.
    # Several apps have a `status`, `severity` or `kind`: each choice set gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "CustomerStatusEnum": "presales.customers.choices.CustomerStatus",
        "IssueStatusEnum": "presales.customers.choices.IssueStatus",
        "ComplaintStatusEnum": "presales.customers.choices.ComplaintStatus",
        "FeedbackStatusEnum": "presales.customers.choices.FeedbackStatus",
        "CustomerSeverityEnum": "presales.customers.choices.Severity",
        "OwnerKindEnum": "presales.customers.choices.OwnerKind",
        "StageEnum": "presales.opportunities.choices.Stage",
        "OutcomeEnum": "presales.opportunities.choices.Outcome",
        "OpportunityProgressEnum": "presales.opportunities.choices.Progress",
        "SupportRequestStatusEnum": "presales.support.choices.RequestStatus",
        "SupportEventActionEnum": "presales.support.choices.EventAction",
        "PocStatusEnum": "presales.poc.choices.Status",
        "PocLevelEnum": "presales.poc.choices.Level",
        "PocSideEnum": "presales.poc.choices.Side",
        "PocConfirmationMethodEnum": "presales.poc.choices.ConfirmationMethod",
        "PocRatingEnum": "presales.poc.choices.Rating",
        "PocResourceKindEnum": "presales.poc.choices.ResourceKind",
        "IncidentSeverityEnum": "presales.poc.choices.IncidentSeverity",
        "IncidentStatusEnum": "presales.poc.choices.IncidentStatus",
        "ScopeChangeStatusEnum": "presales.poc.choices.ScopeChangeStatus",
        "DocumentStatusEnum": "presales.documents.choices.DocumentStatus",
        "DocumentCategoryKindEnum": "presales.documents.choices.CategoryKind",
        "DocumentEventActionEnum": "presales.documents.choices.EventAction",
        "DocumentAccessLevelEnum": "presales.documents.choices.AccessLevel",
        "DocumentReviewStepEnum": "presales.documents.choices.ReviewStep",
        "DocumentFinalModeEnum": "presales.documents.choices.FinalMode",
        "DocumentArchiveReasonEnum": "presales.documents.choices.ArchiveReason",
        "AccessRequestStatusEnum": "presales.documents.choices.AccessRequestStatus",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Presales rules (configurable) -----------------------------------------------------------------
# First-response SLA for support requests, in calendar hours by priority (from submission).
PRESALES_SUPPORT_RESPONSE_HOURS = {"urgent": 2, "high": 4, "normal": 8, "low": 24}
# The POC readiness self-check score (out of 16) below which a POC cannot start.
PRESALES_POC_READINESS_THRESHOLD = int(os.environ.get("PRESALES_POC_READINESS_THRESHOLD", "13"))
# Our company's name, pre-filled on POC launch confirmations.
PRESALES_COMPANY_NAME = os.environ.get("PRESALES_COMPANY_NAME", "")
# How many days a project may go without a follow-up visit (跟踪回访) before it is flagged.
PRESALES_FOLLOW_UP_DAYS = int(os.environ.get("PRESALES_FOLLOW_UP_DAYS", "7"))
# Document archive: uploads (largest file, accepted types by extension; the content must match the
# extension), how long an access grant lasts by default and at most, and when documents of a
# closed project are archived by the periodic job (documents past their validity date are archived
# the day after it).
PRESALES_DOCUMENT_MAX_UPLOAD_MB = int(os.environ.get("PRESALES_DOCUMENT_MAX_UPLOAD_MB", "50"))
PRESALES_DOCUMENT_ALLOWED_TYPES = env_list(
    "PRESALES_DOCUMENT_ALLOWED_TYPES", "pdf,docx,xlsx,pptx,doc,xls,ppt,png,jpg,jpeg,gif,webp,txt,md,csv,zip"
)
PRESALES_DOCUMENT_GRANT_DAYS = int(os.environ.get("PRESALES_DOCUMENT_GRANT_DAYS", "30"))
PRESALES_DOCUMENT_GRANT_MAX_DAYS = int(os.environ.get("PRESALES_DOCUMENT_GRANT_MAX_DAYS", "180"))
# CRM import (presales.imports): the largest file and the most rows one file may have.
PRESALES_IMPORT_MAX_MB = int(os.environ.get("PRESALES_IMPORT_MAX_MB", "20"))
PRESALES_IMPORT_MAX_ROWS = int(os.environ.get("PRESALES_IMPORT_MAX_ROWS", "20000"))
PRESALES_DOCUMENT_ARCHIVE_CLOSED_AFTER_DAYS = int(os.environ.get("PRESALES_DOCUMENT_ARCHIVE_CLOSED_AFTER_DAYS", "30"))

# Periodic jobs (celery beat; times in CELERY_TIMEZONE).
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "documents-archive": {
        "task": "presales.documents.tasks.archive_documents",
        "schedule": crontab(hour=int(os.environ.get("PRESALES_DOCUMENT_ARCHIVE_HOUR", "2")), minute=30),
    },
}

# Tasks that could not reach the broker right after their commit (core.outbox) are sent by this sweep.
CELERY_BEAT_SCHEDULE["core-outbox-sweep"] = {
    "task": "presales.core.tasks.drain_outbox",
    "schedule": timedelta(seconds=int(os.environ.get("PRESALES_OUTBOX_SWEEP_SECONDS", "60"))),
}
CELERY_BEAT_SCHEDULE["poc-incident-escalations"] = {
    "task": "presales.poc.tasks.notify_overdue_incidents",
    "schedule": crontab(minute="*/15"),
}
CELERY_BEAT_SCHEDULE["support-sla-reminders"] = {
    "task": "presales.support.tasks.remind_overdue_support_requests",
    "schedule": crontab(minute="*/15"),
}

# Apps added after the foundation keep their enum names and periodic jobs in `<app>/conf.py`
# (plain data), merged here so that parallel work on several apps never edits this file.
PRESALES_FRAGMENT_APPS = (
    "discovery",
    "solutions",
    "demos",
    "bids",
    "kpi",
    "metrics",
    "appraisal",
    "talent",
    "knowledge",
    "forecast",
    "notifications",
    "imports",
)
for _app in PRESALES_FRAGMENT_APPS:
    _conf = importlib.import_module(f"presales.{_app}.conf")
    SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(_conf.ENUM_NAME_OVERRIDES)
    for _name, _entry in _conf.BEAT_SCHEDULE.items():
        if "minutes" in _entry:
            _when = crontab(minute=f"*/{_entry['minutes']}")
        else:
            _when = crontab(hour=_entry.get("hour", 2), minute=_entry.get("minute", 0))
        CELERY_BEAT_SCHEDULE[_name] = {"task": _entry["task"], "schedule": _when}

# --- Security --------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only (behind a TLS proxy set BEHIND_TLS_PROXY too, or the redirect loops).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# Content-Security-Policy (django-csp 4): no inline scripts and no eval; every script is a static
# file, page data comes from json_script / data attributes. Inline styles stay allowed (ECharts and
# htmx's indicator style set them).
from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features the application never uses are switched off (core.middleware).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Where the file-based e-mail backend writes (`make run` sends the demo's e-mail there, not to the
# terminal).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
# Amounts in lists and boards: "wan" (万元, the default) or "yuan" (exact); detail pages and exports
# always show the exact amount.
PRESALES_LIST_AMOUNT_UNIT = os.environ.get("PRESALES_LIST_AMOUNT_UNIT", "wan")
# The empty choice of every filter select (django-filter): 全部, not "---------".
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")
# Demo mode (`make run`): the login page lists the demo logins of each role.
PRESALES_DEMO = env_bool("PRESALES_DEMO", False)
PRESALES_BASE_URL = os.environ.get("PRESALES_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "presales@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # Fault handling is logged at WARNING (outbox sends retried, cache unreachable, database lost).
    "loggers": {
        "presales": {"level": os.environ.get("LOG_LEVEL", "WARNING")}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Solution-outline drafting (knowledge.outline): an optional OpenAI-compatible language model that
# writes each section's introduction. Off while the URL is empty; the offline draft never needs it.
PRESALES_OUTLINE_LLM_URL = os.environ.get("PRESALES_OUTLINE_LLM_URL", "")
PRESALES_OUTLINE_LLM_MODEL = os.environ.get("PRESALES_OUTLINE_LLM_MODEL", "")
PRESALES_OUTLINE_LLM_API_KEY = os.environ.get("PRESALES_OUTLINE_LLM_API_KEY", "")
PRESALES_OUTLINE_LLM_TIMEOUT = int(os.environ.get("PRESALES_OUTLINE_LLM_TIMEOUT", "30"))
