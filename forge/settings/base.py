"""Settings shared by every environment, read from the environment (12-factor).

With nothing set, the app runs on its embedded default: SQLite (WAL) under var/ and a
Celery broker on the local filesystem, so `make run` needs no server. Set DATABASE_URL and
REDIS_URL to run on PostgreSQL and Redis.
"""

from pathlib import Path

import environ

from forge.settings.schedule import beat_schedule

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("FORGE_VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "core.reminders",
    "core.sync",
    "core.webhooks",
    "members",
    "meetings",
    "projects",
    "decisions",
    "markets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Response headers for every answer, the 413 below included.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Around everything that reads a request body: answers 413 for an upload stopped at the limit.
    "core.uploads.UploadLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface language: the switcher's cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.RequestIdMiddleware",
    "core.middleware.NoStoreMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.auth.middleware.SessionLifetimeMiddleware",
    # A signed-in user's chosen language (their profile) overrides the cookie and the browser.
    "members.preferences.UserLanguageMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    "members.auth.middleware.MfaRequiredMiddleware",
    "core.middleware.DomainErrorMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "forge.urls"
WSGI_APPLICATION = "forge.wsgi.application"

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
                "members.context_processors.viewer",
                "core.reminders.context_processors.notifications",
            ],
        },
    },
]

# Database: PostgreSQL in production and tests, SQLite in WAL mode as the embedded default.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'forge.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # WAL lets the web server read while the worker writes; IMMEDIATE avoids
            # "database is locked" on upgrade from a read to a write transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) speed up PostgreSQL; SQLite ignores the extra columns, harmlessly.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The forum's working language and the chair's; data (titles, names) stays as entered.
LANGUAGES = [("en-gb", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's choice is remembered for a year, not only for the browser session.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("FORGE_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads (credentials, documents) are checked against this limit before they are stored.
FORGE_MAX_UPLOAD_BYTES = env.int("FORGE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# First: stops a file as soon as it passes FORGE_MAX_UPLOAD_BYTES (core/uploads.py); then Django's own.
FILE_UPLOAD_HANDLERS = [
    "core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sign-in (members/auth): django-allauth for passwords, multi-factor authentication and OpenID
# Connect; django-axes for lockout. Axes' backend must come first: it refuses a locked account
# before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "members.auth.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "members.auth.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # accounts are made by the secretariat, never by visitors
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "login"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300  # seconds a password entry counts for sensitive changes
# Password guessing is counted and locked out by axes (below); allauth's own counter would
# answer first with a different message, so it is left to axes.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
SOCIALACCOUNT_ADAPTER = "members.auth.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # an SSO e-mail never takes over a local account
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
# One 30-second step either side of now: phones' clocks drift. A used code is refused again.
MFA_TOTP_TOLERANCE = 1
MFA_TOTP_ISSUER = env.str("FORGE_MFA_ISSUER", default="FORGE Secretariat")
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("FORGE_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=False)
# Secretariat roles and admin users must enrol a second factor. Production settings force it on.
FORGE_MFA_REQUIRED = env.bool("FORGE_MFA_REQUIRED", default=True)

# Single sign-on by OpenID Connect, on when FORGE_OIDC_ISSUER is set. Claims say which member
# (its ISO code) and which role a person has; FORGE_OIDC_ROLE_MAP maps claim values to roles
# ("value=role,value=role"; roles: delegation, observer, secretariat_staff, secretariat_admin).
FORGE_OIDC_ISSUER = env.str("FORGE_OIDC_ISSUER", default="")
FORGE_OIDC_MEMBER_CLAIM = env.str("FORGE_OIDC_MEMBER_CLAIM", default="forge_member")
FORGE_OIDC_ROLE_CLAIM = env.str("FORGE_OIDC_ROLE_CLAIM", default="forge_role")
FORGE_OIDC_ROLE_MAP = env.dict(
    "FORGE_OIDC_ROLE_MAP", default={"delegation": "delegation", "observer": "observer"}
)
SOCIALACCOUNT_PROVIDERS: dict = {"openid_connect": {"APPS": []}}
if FORGE_OIDC_ISSUER:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": "sso",
            "name": env.str("FORGE_OIDC_NAME", default="your organisation's sign-in"),
            "client_id": env.str("FORGE_OIDC_CLIENT_ID"),
            "secret": env.str("FORGE_OIDC_CLIENT_SECRET"),
            "settings": {"server_url": FORGE_OIDC_ISSUER, "oauth_pkce_enabled": True},
        }
    )

# Lockout (django-axes): per account and, separately, per client address, on the site and the
# admin alike (both sign in through the same form). The sixth failure in a row locks; the
# secretariat unlocks in the admin (Access attempts) or with `manage.py axes_reset_username`.
AXES_FAILURE_LIMIT = env.int("FORGE_LOGIN_FAILURE_LIMIT", default=6)
AXES_COOLOFF_TIME = env.float("FORGE_LOGIN_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "members.auth.lockout.attempted_username"
AXES_LOCKOUT_CALLABLE = "members.auth.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password", "token", "code"]

# Client addresses: the number of reverse proxies in front of the app that append to
# X-Forwarded-For. 0 (the default) ignores the header: nobody can claim another address.
FORGE_TRUSTED_PROXY_COUNT = env.int("FORGE_TRUSTED_PROXY_COUNT", default=0)

# Sessions: signed out after FORGE_SESSION_IDLE_SECONDS without a request, and after
# FORGE_SESSION_ABSOLUTE_SECONDS whatever happens; the cookie ends with the browser.
FORGE_SESSION_IDLE_SECONDS = env.int("FORGE_SESSION_IDLE_SECONDS", default=30 * 60)
FORGE_SESSION_ABSOLUTE_SECONDS = env.int("FORGE_SESSION_ABSOLUTE_SECONDS", default=10 * 60 * 60)
SESSION_COOKIE_AGE = FORGE_SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): the pages run no inline script and load nothing from
# other sites. The API docs (Swagger UI, ReDoc) load their own bundled assets from /static/.
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
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "worker-src": ["'self'", "blob:"],
        # Style attributes only (bar widths set as CSS custom properties); never scripts.
        "style-src-attr": ["'unsafe-inline'"],
    }
}
if FORGE_OIDC_ISSUER:
    # Signing in with SSO posts to us and is redirected on to the identity provider.
    from urllib.parse import urlsplit

    _issuer = urlsplit(FORGE_OIDC_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_issuer.scheme}://{_issuer.netloc}")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Cache: Redis when configured (shared by all web processes), else local memory.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis when configured; otherwise kombu's filesystem transport, which runs a real
# worker and beat with no server at all.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    # The filesystem transport expects its folders to exist.
    _broker_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    # Tasks run well under this; an unacknowledged task is redelivered after it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# A worker or beat that starts while the broker is down (or restarting) waits for it
# instead of exiting: losing Redis delays work, it never stops it.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = "UTC"
# Webhook deliveries wait on partners' servers, so they have a queue of their own, consumed by
# workers of their own (`celery worker -Q webhooks`): a stalled receiver never holds a worker
# that reminders need. Everything else stays on the default queue ("celery").
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"webhooks.deliver": {"queue": "webhooks"}}
CELERY_BEAT_SCHEDULE = beat_schedule(env)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="FORGE Secretariat <secretariat@forge.invalid>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "members.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.IsActor"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.KeysetPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["core.api.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "core.api.exceptions.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ForgeAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.ActorRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "actor": env.str("FORGE_API_RATE", default="600/min"),
        # No credentials at all, per client address.
        "anonymous": env.str("FORGE_API_ANONYMOUS_RATE", default="60/min"),
        # Refused credentials (bad tokens), per client address.
        "rejected": env.str("FORGE_API_REJECTED_RATE", default="30/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Throttles count clients by address behind this many proxies (0: X-Forwarded-For ignored).
    "NUM_PROXIES": FORGE_TRUSTED_PROXY_COUNT,
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "FORGE Secretariat API",
    "DESCRIPTION": (
        "The REST API of the Forum on Resource Geostrategic Engagement secretariat. "
        "Authenticate with `Authorization: Bearer <token>`; tokens come from "
        "`manage.py create_partner_token`. Errors are application/problem+json (RFC 9457)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Named enums first, then OpenAPI links between operations (core.api.schema.add_links).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api.schema.add_links"],
    # One name per choice set used by several serializers (else names get hash suffixes).
    "ENUM_NAME_OVERRIDES": {
        "MemberStatusEnum": "members.choices.MemberStatus",
        "MeetingStatusEnum": "meetings.choices.MeetingStatus",
        "ProjectStageEnum": "projects.choices.Stage",
        "ParticipantRoleEnum": "projects.choices.ParticipantRole",
        "DecisionKindEnum": "decisions.choices.DecisionKind",
        "PositionKindEnum": "decisions.choices.PositionKind",
        "DecisionStatusEnum": "decisions.choices.DecisionStatus",
        "ProcedureStatusEnum": "decisions.choices.ProcedureStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
FORGE_ACTOR_RESOLVER = "members.permissions.actor_for_request"
# A reminder recipient's chosen language (user id -> code or ""): e-mails are written in it.
FORGE_USER_LANGUAGE_RESOLVER = "members.preferences.language_of"
# Reminders (core.reminders). Modules defining kinds of reminder and periodic planners.
FORGE_REMINDER_MODULES = [
    "members.reminders",
    "meetings.reminders",
    "projects.reminders",
    "decisions.reminders",
    "markets.reminders",
]
# Where links in emails point.
FORGE_SITE_URL = env.str("FORGE_SITE_URL", default="http://127.0.0.1:8000")
# The secretariat's own time zone: its reminders (chair handover) arrive at 09:00 there.
FORGE_SECRETARIAT_TIME_ZONE = env.str("FORGE_SECRETARIAT_TIME_ZONE", default="UTC")
# A send holds its row this long; after it the reconciler re-queues the row. Must exceed the
# send task's hard time limit, which must stay below the broker's visibility timeout (3600 s).
FORGE_REMINDER_LEASE_SECONDS = env.int("FORGE_REMINDER_LEASE_SECONDS", default=600)
FORGE_REMINDER_SEND_TIME_LIMIT = env.int("FORGE_REMINDER_SEND_TIME_LIMIT", default=120)
# Past this a send is interrupted and retried like a transient SMTP failure; the rest of the
# hard limit leaves time to put the row back in the queue.
FORGE_REMINDER_SEND_SOFT_TIME_LIMIT = env.int("FORGE_REMINDER_SEND_SOFT_TIME_LIMIT", default=90)
# Transient SMTP failures: exponential backoff from this many seconds, with jitter, capped.
FORGE_REMINDER_RETRY_BACKOFF = env.float("FORGE_REMINDER_RETRY_BACKOFF", default=60.0)
FORGE_REMINDER_RETRY_BACKOFF_MAX = env.float("FORGE_REMINDER_RETRY_BACKOFF_MAX", default=1800.0)
FORGE_REMINDER_MAX_RETRIES = env.int("FORGE_REMINDER_MAX_RETRIES", default=8)
FORGE_REMINDER_DISPATCH_BATCH = env.int("FORGE_REMINDER_DISPATCH_BATCH", default=1000)
# Reminders one send task delivers over one SMTP connection (same recipient domain).
FORGE_REMINDER_SEND_BATCH = env.int("FORGE_REMINDER_SEND_BATCH", default=100)
# A reminder planned more than this late is not created (no "14 days before" 5 days before).
FORGE_REMINDER_PLAN_GRACE_SECONDS = env.int("FORGE_REMINDER_PLAN_GRACE_SECONDS", default=3600)
# /healthz: the dispatcher is stale after this long without a run, except in the first
# minutes after the web process starts (beat's first run may still be coming).
FORGE_REMINDER_STALE_SECONDS = env.int("FORGE_REMINDER_STALE_SECONDS", default=300)
# Change feed history kept for partners' incremental sync; an older cursor answers 410.
FORGE_CHANGE_RETENTION_DAYS = env.int("FORGE_CHANGE_RETENTION_DAYS", default=30)
# Idempotency-Keys are honoured for at least 24 hours (the floor is enforced when pruning).
FORGE_IDEMPOTENCY_TTL_HOURS = env.int("FORGE_IDEMPOTENCY_TTL_HOURS", default=48)
# Webhooks (core.webhooks). Destinations on private, loopback or link-local addresses are
# refused unless this is set (tests and local development only).
FORGE_WEBHOOK_ALLOW_PRIVATE = env.bool("FORGE_WEBHOOK_ALLOW_PRIVATE", default=False)
# A subscription is switched off after this many deliveries in a row fail every retry.
FORGE_WEBHOOK_DISABLE_AFTER_FAILURES = env.int("FORGE_WEBHOOK_DISABLE_AFTER_FAILURES", default=5)
# Finished deliveries and their attempts stay in the log this long.
FORGE_WEBHOOK_LOG_DAYS = env.int("FORGE_WEBHOOK_LOG_DAYS", default=30)
# After attempt n fails, attempt n+1 waits the n-th of these seconds; one attempt more than
# there are delays. The default is eleven attempts over about three days (Standard Webhooks).
FORGE_WEBHOOK_RETRY_DELAYS = env.list(
    "FORGE_WEBHOOK_RETRY_DELAYS",
    cast=float,
    default=[5, 300, 1800, 7200, 18000, 36000, 36000, 36000, 50400, 72000],
)
# One delivery attempt: connecting, and each wait for the receiver's bytes, are bounded, and
# so is the whole attempt (a receiver trickling its answer is cut off at the deadline).
FORGE_WEBHOOK_CONNECT_TIMEOUT = env.float("FORGE_WEBHOOK_CONNECT_TIMEOUT", default=5.0)
FORGE_WEBHOOK_READ_TIMEOUT = env.float("FORGE_WEBHOOK_READ_TIMEOUT", default=10.0)
FORGE_WEBHOOK_DEADLINE_SECONDS = env.float("FORGE_WEBHOOK_DEADLINE_SECONDS", default=30.0)
# A delivery queued but not picked up by then (its broker message lost) is queued again.
FORGE_WEBHOOK_REQUEUE_SECONDS = env.float("FORGE_WEBHOOK_REQUEUE_SECONDS", default=300.0)
# Per partner token: at most this many subscriptions, and at most this many of its deliveries
# queued or being sent at once (a slow receiver holds few workers; others' deliveries go on).
FORGE_WEBHOOK_MAX_SUBSCRIPTIONS_PER_TOKEN = env.int("FORGE_WEBHOOK_MAX_SUBSCRIPTIONS_PER_TOKEN", default=10)
FORGE_WEBHOOK_MAX_IN_FLIGHT_PER_TOKEN = env.int("FORGE_WEBHOOK_MAX_IN_FLIGHT_PER_TOKEN", default=4)
# The model of partner tokens that own webhook subscriptions (as AUTH_USER_MODEL names the
# user model): it needs `revoked_at`, `expires_at` and `member` fields, and must be created in
# its app's first migration (the subscriptions' migration depends on that one).
FORGE_PARTNER_TOKEN_MODEL = "members.PartnerToken"  # noqa: S105 - a model label, not a secret
# Turns a partner token into the actor whose view of the data its webhooks follow.
FORGE_TOKEN_ACTOR_RESOLVER = "members.permissions.actor_for_token"  # noqa: S105 - a dotted path, not a secret
# Reference and demo data loaders, in dependency order (each app adds its own).
# `load_demo` runs only with DEBUG on (demo accounts have published passwords), or where this
# says so (the test suite).
FORGE_ALLOW_DEMO_DATA = False
# Partner API tokens stop working after this many days unless issued with another expiry.
FORGE_PARTNER_TOKEN_DAYS = env.int("FORGE_PARTNER_TOKEN_DAYS", default=365)
FORGE_REFERENCE_LOADERS = ["members.reference.load", "projects.reference.load", "markets.reference.load"]
FORGE_DEMO_LOADERS = [
    "members.demo.load",
    "meetings.demo.load",
    "projects.demo.load",
    "decisions.demo.load",
    "markets.demo.load",
]
# Each app's part of the search box (core.search): one function per app, in layer order.
FORGE_SEARCH_PROVIDERS = ["members.search.search", "meetings.search.search", "projects.search.search"]
