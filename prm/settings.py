"""The one settings module. Every value that differs between machines comes from the environment.

Local development and tests read the variables from run/.env (written by scripts/env.sh, sourced by the
Makefile); production sets them itself (docker-compose.yml).
"""

import os
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None, required=False):
    value = os.environ.get(name, default)
    if required and not value:
        raise RuntimeError(f"Environment variable {name} is required")
    return value


def env_bool(name, default=False):
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


SECRET_KEY = env("PRM_SECRET_KEY", required=True)
DEBUG = env_bool("PRM_DEBUG")
# Raise when SQL touches a tenant table with no tenant in scope (prm.tenancy.guard); on in tests (conftest).
PRM_TENANT_SQL_GUARD = env_bool("PRM_TENANT_SQL_GUARD", DEBUG)
# A module's home card, to-do source or object panel that raises: raise (development, tests) or log and leave it out
# of the page (production; prm.portal.hooks).
PRM_RAISE_HOOK_ERRORS = env_bool("PRM_RAISE_HOOK_ERRORS", DEBUG)
# bench/pages.py's baselines: the cheapest signed-in views (prm.portal.views.bench_*), routed only when set.
PRM_BENCH_VIEWS = env_bool("PRM_BENCH_VIEWS")
ALLOWED_HOSTS = [h.strip() for h in env("PRM_ALLOWED_HOSTS", ".localhost,localhost").split(",") if h.strip()]

# Tenants are served on <slug>.<PRM_BASE_DOMAIN> (and on custom domains); the platform operator on
# PRM_PLATFORM_HOST only. A host that matches neither answers 404.
PRM_BASE_DOMAIN = env("PRM_BASE_DOMAIN", "localhost")
PRM_PLATFORM_HOST = env("PRM_PLATFORM_HOST", "localhost")
# Where people reach the portals, for links printed outside a request (create_tenant): "http://…:8000" locally.
PRM_PUBLIC_URL_TEMPLATE = env("PRM_PUBLIC_URL_TEMPLATE", "http://{host}:" + env("PRM_PORT", "8000") + "/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "prm.admin_apps.PlatformAdminConfig",  # django.contrib.admin with the operators' TOTP requirement
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "prm.tenancy",
    "prm.accounts",
    "prm.audit",
    "prm.notifications",
    "prm.files",
    "prm.api",
    "prm.catalog",
    "prm.ledger",
    "prm.territories",
    "prm.cadences",
    "prm.portal",
    "pos",  # upstream of every module: its registrations (and demo data) come first
    "partners",
    "dealreg",
    "mdf",
    "incentives",
    "inventory",
    "analytics",
]

MIDDLEWARE = [
    "prm.request_context.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "prm.tenancy.middleware.TenantMiddleware",
    "prm.audit.context.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "prm.accounts.middleware.MembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "prm.portal.middleware.RefuseNulInQueryMiddleware",
]

ROOT_URLCONF = "prm.urls"
PLATFORM_URLCONF = "prm.urls_platform"
WSGI_APPLICATION = "prm.wsgi.application"

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
                "prm.portal.context_processors.portal",
            ],
        },
    }
]

# Two roles on one database: migrations run as the owner (PRM_DB_ROLE=owner), the application as a role
# that is neither owner nor superuser, so row-level security applies to every query it makes.
_DB_ROLE = env("PRM_DB_ROLE", "app")
DB_APP_USER = env("PRM_DB_APP_USER", "prm_app")
DB_OWNER_USER = env("PRM_DB_OWNER_USER", "prm_owner")
DB_OWNER_PASSWORD = env("PRM_DB_OWNER_PASSWORD", "")
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": env("PRM_DB_NAME", "prm"),
        "HOST": env("PRM_DB_HOST", "127.0.0.1"),
        "PORT": env("PRM_DB_PORT", "5432"),
        "USER": DB_OWNER_USER if _DB_ROLE == "owner" else DB_APP_USER,
        "PASSWORD": DB_OWNER_PASSWORD if _DB_ROLE == "owner" else env("PRM_DB_APP_PASSWORD", ""),
        "CONN_MAX_AGE": int(env("PRM_DB_CONN_MAX_AGE", "60")),
        # One transaction per request: the tenant setting is made once per request, not once per query
        # (bench/rls_overhead.py), and a failed request changes nothing.
        "ATOMIC_REQUESTS": True,
        "CONN_HEALTH_CHECKS": True,
        # Two test runs at once on one cluster (two checkouts, parallel work) each name their own test database.
        "TEST": {"NAME": env("PRM_TEST_DB_NAME")},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One Redis server, a database for each use: clearing (or evicting from) the cache never drops queued tasks or
# sessions. A database number at the end of PRM_REDIS_URL is ignored.
REDIS_URL = env("PRM_REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_DATABASES = {"broker": 0, "cache": 1, "sessions": 2}


def redis_database_url(use):
    head, _, last = REDIS_URL.rstrip("/").rpartition("/")
    server = head if last.isdigit() else REDIS_URL.rstrip("/")
    return f"{server}/{REDIS_DATABASES[use]}"


CACHES = {
    # Keys carry the current tenant (prm.tenancy.cache): tenant A's cached values are never read in tenant B.
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_database_url("cache"),
        "KEY_FUNCTION": "prm.tenancy.cache.tenant_cache_key",
    },
    # Session keys are random and looked up before the tenant is known: no tenant in their keys.
    "sessions": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_database_url("sessions")},
}
SESSION_CACHE_ALIAS = "sessions"
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "prm.accounts.backends.TenantMemberBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"  # the portal's home on a tenant host, the admin on the platform host

# django-allauth: e-mail login, verification, rate limits, TOTP multi-factor authentication.
ACCOUNT_ADAPTER = "prm.accounts.adapters.TenantAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Failed sign-ins: strict per person and portal (5 per 5 minutes), loose per address (30 per 5 minutes), so that
# an office behind one address is not locked out by a few colleagues' typos while a guessing run still stops;
# sign-in attempts of any outcome: 300 a minute per address (allauth's default, 30, would stop a busy office).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("PRM_LOGIN_RATE_LIMIT", "30/5m/ip,5/5m/key"),
    "login": env("PRM_LOGIN_ATTEMPT_RATE_LIMIT", "300/m/ip"),
}
# A portal resets the passwords of its own members only; an invitation link fills in the sign-in's address.
ACCOUNT_FORMS = {
    "login": "prm.accounts.forms.TenantLoginForm",
    "reset_password": "prm.accounts.forms.TenantResetPasswordForm",
    "user_token": "prm.accounts.forms.TenantUserTokenForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "PRM portal"
# One 30 s step either side: a phone clock a few seconds off, or a code typed as it rolls over, still signs in.
MFA_TOTP_TOLERANCE = 1

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("PRM_MEDIA_ROOT", str(BASE_DIR / "run" / "media")))

# Uploads (prm.files): hard caps enforced on every upload path.
PRM_UPLOAD_MAX_BYTES = int(env("PRM_UPLOAD_MAX_BYTES", str(25 * 1024 * 1024)))
PRM_IMAGE_MAX_BYTES = int(env("PRM_IMAGE_MAX_BYTES", str(2 * 1024 * 1024)))
# Width × height of an uploaded image (a small file can decode into gigabytes of pixels).
PRM_IMAGE_MAX_PIXELS = int(env("PRM_IMAGE_MAX_PIXELS", str(4096 * 4096)))
PRM_POS_UPLOAD_MAX_BYTES = int(env("PRM_POS_UPLOAD_MAX_BYTES", str(512 * 1024 * 1024)))
PRM_XLSX_MAX_UNCOMPRESSED_BYTES = int(env("PRM_XLSX_MAX_UNCOMPRESSED_BYTES", str(1024 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env("PRM_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = env("PRM_EMAIL_FILE_PATH", str(BASE_DIR / "run" / "mail"))
EMAIL_HOST = env("PRM_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("PRM_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = env("PRM_DEFAULT_FROM_EMAIL", "portal@localhost")

# Served over HTTPS (production): cookies only over HTTPS, and HSTS (sent on HTTPS answers only) for
# PRM_HSTS_SECONDS, tenants' subdomains of PRM_BASE_DOMAIN included. docs/deployment.md.
SESSION_COOKIE_SECURE = env_bool("PRM_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(env("PRM_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_SSL_REDIRECT = env_bool("PRM_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # a load balancer's plain-HTTP health check

# Content-Security-Policy (django-csp): pages load scripts, styles, images and fonts from their own host only,
# never an inline script; the one inline style (the tenant's colours, base.html) carries the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],  # Bootstrap's icons and the TOTP QR code are data: URIs
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("PRM_BEHIND_PROXY") else None

INVITATION_TTL_DAYS = int(env("PRM_INVITATION_TTL_DAYS", "7"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "prm.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["prm.api.permissions.IsTenantMember"],
    # Per API token, or per membership for a session (prm.api.throttling): 429 with Retry-After beyond either.
    "DEFAULT_THROTTLE_CLASSES": [
        "prm.api.throttling.BurstRateThrottle",
        "prm.api.throttling.SustainedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "burst": env("PRM_API_THROTTLE_BURST", "120/min"),
        "sustained": env("PRM_API_THROTTLE_SUSTAINED", "5000/hour"),
        # Applications of the public "become a partner" page and API, per sender address (partners/throttling.py).
        "partner_applications": env("PRM_APPLICATION_RATE_LIMIT", "5/hour"),
    },
    "DEFAULT_PAGINATION_CLASS": "prm.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    # Query parameters checked as the schema states them (prm.api.filters).
    "DEFAULT_FILTER_BACKENDS": [
        "prm.api.filters.FilterBackend",
        "prm.api.filters.SearchFilter",
        "prm.api.filters.OrderingFilter",
    ],
    # Bodies are JSON; an upload endpoint names the multipart parser itself.
    "DEFAULT_PARSER_CLASSES": ["prm.api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "prm.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "prm.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PRM portal API",
    "DESCRIPTION": "REST API of the PRM portal. The tenant is the request's host; "
    "authenticate with `Authorization: Token <key>` (create a token under Profile → API tokens).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENFORCE_NON_BLANK_FIELDS": True,
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "prm.api.fields.COUNTRY_CHOICES",
        "CurrencyEnum": "prm.api.fields.CURRENCY_CHOICES",
        "RateResultStatusEnum": "prm.ledger.fx_api.RESULT_STATUSES",
        "LedgerBucketEnum": "prm.ledger.models.Bucket",
        "LedgerKindEnum": "prm.ledger.models.Kind",
        "PartnerTypeEnum": "prm.accounts.models.PARTNER_TYPES",
        "PartnerApplicationStatusEnum": "partners.api.APPLICATION_STATUSES",
        "DuplicateMatchKindEnum": "partners.api.DUPLICATE_KINDS",
    },
    # Schema generation only calls `.none()` on this manager to introspect filters: the scoped `objects`
    # manager would raise TenantNotSet outside a request (e.g. `manage.py spectacular`).
    "DEFAULT_QUERY_MANAGER": "all_tenants",
}

CELERY_BROKER_URL = redis_database_url("broker")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# An unacknowledged task (its worker died) is delivered again after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(env("PRM_CELERY_VISIBILITY_TIMEOUT", "3600"))}
CELERY_TASK_ALWAYS_EAGER = env_bool("PRM_CELERY_EAGER")
# The queue tasks are sent to and workers serve by default (a test's own workers use one of their own).
CELERY_TASK_DEFAULT_QUEUE = env("PRM_CELERY_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The core's periodic tasks; each module adds its own from its AppConfig (prm.modules.register_beat_entries).
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "prm.accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    "purge-expired-idempotency-keys": {
        "task": "prm.api.tasks.purge_expired_idempotency_keys",
        "schedule": crontab(hour=3, minute=47),
    },
    "notify-late-reports": {  # after midnight in Europe and the Americas alike; once per overdue report anyway
        "task": "prm.cadences.tasks.notify_late_reports",
        "schedule": crontab(hour=7, minute=5),
    },
}

# Every record (errors with their traceback) on stdout with its tenant and request id: gunicorn writes stdout to
# run/web.log in the demo (--capture-output, scripts/run_servers.sh), docker-compose keeps it as the container's log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "prm.request_context.LogContextFilter"}},
    "formatters": {
        "context": {"format": "%(asctime)s %(levelname)s %(name)s tenant=%(tenant)s request=%(request_id)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["context"],
            "formatter": "context",
        }
    },
    "root": {"handlers": ["console"], "level": env("PRM_LOG_LEVEL", "INFO")},
}
