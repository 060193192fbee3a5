"""Scaffold's settings: one module, driven by environment variables.

``SCAFFOLD_ENV`` picks the profile. ``development`` (the default) runs with
nothing installed: SQLite under ``var/``, the embedded Redis, and mail kept in
the app's outbox. ``production`` demands a secret key and allowed hosts,
turns on every transport-security setting and sends mail over SMTP. Every
variable is listed, with its default, in the README's configuration table.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import Env, check_url

# Lets Django's classes take type parameters at run time (ModelAdmin[Person]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = Env()

SCAFFOLD_ENV = env.choice("SCAFFOLD_ENV", "development", ("development", "production"))
PRODUCTION = SCAFFOLD_ENV == "production"

DEBUG = env.flag("DEBUG", default=not PRODUCTION)

# The development key is published with the code: it signs nothing outside
# DEBUG=true development (one-click links signed with it would work anywhere).
DEVELOPMENT_SECRET_KEY = "development-only-key-never-use-in-production-4c1f0e8a9b"  # noqa: S105
if PRODUCTION:
    SECRET_KEY = env.text("SECRET_KEY", required=True)
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
elif DEBUG:
    SECRET_KEY = env.text("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
else:
    SECRET_KEY = env.text("SECRET_KEY", "")
    if not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(
            "DEBUG is off: set SECRET_KEY to a secret of your own (the development key "
            "is published). For example: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )

ALLOWED_HOSTS = env.items(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env.items("CSRF_TRUSTED_ORIGINS")
for _origin in CSRF_TRUSTED_ORIGINS:
    check_url("CSRF_TRUSTED_ORIGINS", _origin, schemes=("http", "https"))

# The public address of the site, for links in emails sent by workers (which
# have no request to take the host from).
if PRODUCTION and not env.is_set("SITE_URL"):
    raise ImproperlyConfigured(
        "SITE_URL must be set in production, e.g. https://scaffold.example.com"
    )
SITE_URL = env.url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")

# --------------------------------------------------------------------------
# Applications

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mentorship.core",
    "mentorship.people",
    "mentorship.plans",
    "mentorship.programs",
    "mentorship.pairings",
    "mentorship.checkins",
    "mentorship.upward",
    "mentorship.agreements",
    "mentorship.feeds",
    "mentorship.insights",
    "mentorship.notifications",
    "mentorship.audit",
    "mentorship.demo",
]

MIDDLEWARE = [
    # Requests counted and timed for /metrics, by route name.
    "mentorship.core.metrics.request_metrics",
    # /health/ for load balancers, before host validation and the HTTPS redirect.
    "mentorship.core.middleware.health_probes_first",
    # Every log line of the request, and the tasks it queues, carry its id.
    "mentorship.core.request_id.request_id_middleware",
    # An action the task queue would not take: 503 and Retry-After, not 500.
    "mentorship.core.middleware.TaskQueueOutage",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mentorship.core.middleware.private_by_default",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Whether the session named someone, before resolving them can end it.
    "mentorship.people.sessions.note_who_the_session_was_for",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session has passed its second factor (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    # Pages in the signed-in person's own time zone.
    "mentorship.people.middleware.PersonTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sessions end when idle too long, or too old however active.
    "mentorship.people.sessions.SessionTimeoutMiddleware",
    # A session that owes its second factor reaches only the code page.
    "mentorship.people.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.csp",
                "mentorship.people.context_processors.roles",
            ],
        },
    },
    {
        # Email subjects and text bodies are plain text, not HTML: what
        # people typed goes in as typed (O'Koro, not O&#x27;Koro). Only
        # notifications/emails.py renders with it; HTML bodies use the
        # engine above, which escapes.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {"autoescape": False},
    },
]

# --------------------------------------------------------------------------
# Data

if PRODUCTION and not env.is_set("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set in production, e.g. postgres://scaffold:…@db:5432/scaffold"
    )
DATABASES = {
    "default": env.database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'scaffold.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet; SQLite will not create the folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Web, worker and beat share one SQLite file in development: WAL lets
    # readers run beside a writer, and IMMEDIATE transactions take the write
    # lock up front instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so a Celery worker process started by the tests
    # can open the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-scaffold.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.number("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiler pays off on long analytical queries, not on a
    # web app's: it added 21 ms to the dashboard's at-risk statement (planned
    # above jit_above_cost) and saved nothing (docs/benchmarks.md). Off for
    # our connections; DATABASE_JIT=true restores the server's setting.
    # Behind PgBouncer, which refuses this startup parameter unless told to
    # ignore it, set DATABASE_JIT=true and `ALTER DATABASE … SET jit = off`.
    if not env.flag("DATABASE_JIT", default=False):
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The embedded Redis (started by `make dev` and by the tests) listens on a
# unix socket under var/, so it never collides with a Redis already running.
EMBEDDED_REDIS_SOCKET = VAR_DIR / "redis.sock"
REDIS_URL = env.url(
    "REDIS_URL", f"unix://{EMBEDDED_REDIS_SOCKET}", schemes=("redis", "rediss", "unix")
)
if PRODUCTION and not env.is_set("REDIS_URL"):
    raise ImproperlyConfigured("REDIS_URL must be set in production.")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "scaffold",
    }
}

# --------------------------------------------------------------------------
# People and sessions

AUTH_USER_MODEL = "people.Person"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Every password check goes through one throttled backend (the site's
# sign-in, the admin's and the API token endpoint alike).
AUTHENTICATION_BACKENDS = ["mentorship.people.backends.ThrottledModelBackend"]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
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
PASSWORD_RESET_TIMEOUT = int(timedelta(hours=2).total_seconds())

SESSION_COOKIE_AGE = env.number(
    "SESSION_COOKIE_AGE", int(timedelta(days=7).total_seconds()), minimum=300
)
# A session also ends after this long without a request (people/sessions.py);
# SESSION_COOKIE_AGE is its age from sign-in, however active.
SESSION_IDLE_TIMEOUT = env.number(
    "SESSION_IDLE_TIMEOUT", int(timedelta(hours=2).total_seconds()), minimum=300
)
SESSION_COOKIE_HTTPONLY = True
# Staff, superusers and HR must turn on two-factor sign-in before anything
# else (people/two_factor.py).
TWO_FACTOR_REQUIRED = env.flag("TWO_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Scaffold"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
SESSION_COOKIE_SAMESITE = "Lax"

# Failed sign-ins allowed per address and per client within the window.
LOGIN_ATTEMPTS_LIMIT = env.number("LOGIN_ATTEMPTS_LIMIT", 10, minimum=1)
LOGIN_ATTEMPTS_WINDOW = env.number("LOGIN_ATTEMPTS_WINDOW", 15 * 60, minimum=1)

# --------------------------------------------------------------------------
# Security

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False  # the API's session clients read it for X-CSRFToken

# One policy everywhere, development included, so a page that would break in
# production breaks in the browser tests first.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.number("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.flag("SECURE_HSTS_PRELOAD", default=True)
    # Load balancers probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if env.flag("TRUST_X_FORWARDED_PROTO", default=False):
        # Only behind a proxy that always sets this header itself.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --------------------------------------------------------------------------
# Internationalisation

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --------------------------------------------------------------------------
# Static files: committed under each app's static/ (no CDN), served by
# WhiteNoise in production.

STATIC_URL = "/static/"
# In development WhiteNoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --------------------------------------------------------------------------
# Email

EMAIL_BACKEND_NAME = env.choice(
    "EMAIL_BACKEND", "smtp" if PRODUCTION else "outbox", ("outbox", "console", "smtp")
)
_smtp_tls = env.flag("EMAIL_USE_TLS", default=False)
_smtp_ssl = env.flag("EMAIL_USE_SSL", default=False)
if _smtp_tls and _smtp_ssl:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are mutually exclusive.")
if PRODUCTION and EMAIL_BACKEND_NAME == "smtp" and not env.is_set("EMAIL_HOST"):
    raise ImproperlyConfigured("EMAIL_HOST must be set in production (or choose EMAIL_BACKEND).")
# Seconds any one SMTP command may take before the send counts as failed.
_email_timeout = env.number("EMAIL_TIMEOUT", 20, minimum=1)
MAILERS = {
    "default": {
        "outbox": {"BACKEND": "mentorship.notifications.backends.OutboxEmailBackend"},
        "console": {"BACKEND": "django.core.mail.backends.console.EmailBackend"},
        "smtp": {
            "BACKEND": "mentorship.notifications.backends.SMTPBackend",
            "OPTIONS": {
                "host": env.text("EMAIL_HOST", "localhost"),
                "port": env.number("EMAIL_PORT", 25, minimum=1, maximum=65535),
                "username": env.text("EMAIL_HOST_USER", ""),
                "password": env.text("EMAIL_HOST_PASSWORD", ""),
                "use_tls": _smtp_tls,
                "use_ssl": _smtp_ssl,
                "timeout": _email_timeout,
            },
        },
    }[EMAIL_BACKEND_NAME]
}
DEFAULT_FROM_EMAIL = env.text("DEFAULT_FROM_EMAIL", "Scaffold <scaffold@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The outbox backend also prints each message, so `make dev` shows mail in
# the terminal as well as on the outbox page.
OUTBOX_ECHO = env.flag("OUTBOX_ECHO", default=DEBUG)

# --------------------------------------------------------------------------
# API

REST_FRAMEWORK = {
    # Token first: an anonymous request then gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mentorship.people.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "mentorship.core.api.pagination.StandardCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["mentorship.core.api.filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "mentorship.core.api.schema.ScaffoldAutoSchema",
    "EXCEPTION_HANDLER": "mentorship.core.api.errors.exception_handler",
    # JSON in, JSON out: one way to send data, and the schema says so.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Scaffold API",
    "DESCRIPTION": (
        "Mentorship programs for new managers: people, programs, onboarding plans, "
        "pairings, milestones and check-ins. Every list is scoped to the person asking."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    # Deep links put a link inside each operation's toggle button: a control
    # nested in a control, which assistive technology cannot reach.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Two choice sets share the field name "kind": name each after its meaning.
    "ENUM_NAME_OVERRIDES": {
        "StepKindEnum": "mentorship.plans.models.StepKind",
        "ChangeRequestKindEnum": "mentorship.pairings.models.ChangeRequestKind",
        "StepOwnerEnum": "mentorship.plans.models.StepOwner",
        "CheckInKindEnum": "mentorship.checkins.models.CheckInKind",
        "ActionItemOwnerEnum": "mentorship.checkins.serializers.ACTION_ITEM_OWNERS",
        "ReviewAnswerEnum": "mentorship.agreements.models.ReviewAnswer",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mentorship.core.api.schema_hooks.strict_strings",
    ],
}

# --------------------------------------------------------------------------
# Celery: Redis as broker only; the database holds every schedule.

CELERY_BROKER_URL = (
    REDIS_URL.replace("unix://", "redis+socket://", 1)
    if REDIS_URL.startswith("unix://")
    else REDIS_URL
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than any task may run, so a slow task is not delivered twice.
    "visibility_timeout": 60 * 60,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_DEFAULT_QUEUE = env.text("CELERY_QUEUE", "scaffold")
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# What a task prints (the development outbox echoes each email it keeps) is
# logged as information, not as a warning.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
# Task events on, so Flower, celery-exporter or `celery events` can watch
# tasks as they are sent, start, succeed and fail. With nobody listening,
# Redis drops them (a pub/sub message per event; a send task carries 50 emails).
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = False
# Beat's record of when each job last ran (losing it is harmless: every job
# is idempotent). Outside the code in production: systemd's StateDirectory=
# when beat runs under it, else the user's state directory.
_state_dir = (
    Path(env.text("STATE_DIRECTORY", str(Path.home() / ".local" / "state" / "scaffold")))
    if PRODUCTION
    else VAR_DIR
)
CELERY_BEAT_SCHEDULE_FILENAME = env.text(
    "CELERY_BEAT_SCHEDULE_FILE", str(_state_dir / "celerybeat-schedule")
)
with contextlib.suppress(OSError):  # a read-only home stops beat only, with its own error
    Path(CELERY_BEAT_SCHEDULE_FILENAME).parent.mkdir(parents=True, exist_ok=True)

# Every periodic job lives here, in one place. Jobs are idempotent: a second
# beat, or one restarted late, repeats no work.
CELERY_BEAT_SCHEDULE = {
    "scheduler-heartbeat": {
        "task": "mentorship.core.tasks.record_scheduler_heartbeat",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    # Queue every reminder that has become due (idempotent: dedup keys).
    "sweep-reminders": {
        "task": "mentorship.notifications.tasks.sweep_reminders",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 4 * 60},
    },
    # Claim due rows (new ones, and retries whose backoff has passed) and send them.
    "dispatch-notifications": {
        "task": "mentorship.notifications.tasks.dispatch_notifications",
        "schedule": timedelta(seconds=30),
        "options": {"expires": 25},
    },
    # Complete pairings whose last day has passed (both are then asked for feedback).
    "complete-pairings-past-end": {
        "task": "mentorship.pairings.tasks.complete_pairings_past_end",
        "schedule": timedelta(hours=1),
        "options": {"expires": 50 * 60},
    },
    # Open the upward feedback rounds whose plan step has come, close those
    # whose last day has passed.
    # Ask line managers for the agreements whose plan step has come.
    "manager-agreements": {
        "task": "mentorship.agreements.tasks.agreements_sweep",
        "schedule": timedelta(minutes=15),
        "options": {"expires": 14 * 60},
    },
    "upward-feedback-rounds": {
        "task": "mentorship.upward.tasks.upward_rounds_sweep",
        "schedule": timedelta(minutes=15),
        "options": {"expires": 14 * 60},
    },
    # Return rows stuck in "sending" by a killed worker to the queue.
    "reconcile-notifications": {
        "task": "mentorship.notifications.tasks.reconcile_notifications",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 4 * 60},
    },
    # Delete what is past its keeping (the RETENTION_* settings below), nightly.
    "retention-sweep": {
        "task": "mentorship.core.tasks.retention_sweep",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 6 * 60 * 60},
    },
}

# How old the last beat → worker heartbeat may be before /health/ calls the
# scheduler stale.
SCHEDULER_STALE_AFTER = timedelta(minutes=5)

# --------------------------------------------------------------------------
# Data lifecycle (mentorship/core/retention.py): how many days each kind of
# record is kept, or "forever". Expired sessions, and used one-click links
# once the link itself has expired, are always deleted.

# The email log (sent, failed and cancelled emails; never one still to be
# sent). At least 90 days: every reminder looks back less than that for what
# it already sent, so a deleted row can never bring its email back.
RETENTION_EMAIL_LOG_DAYS = env.days_or_forever("RETENTION_EMAIL_LOG_DAYS", 365, minimum=90)
# The development outbox's copies of sent mail (EMAIL_BACKEND=outbox).
RETENTION_OUTBOX_DAYS = env.days_or_forever("RETENTION_OUTBOX_DAYS", 30, minimum=1)
# Who did what (AuditEvent) and what happened to accounts (SecurityEvent).
RETENTION_AUDIT_DAYS = env.days_or_forever("RETENTION_AUDIT_DAYS", None, minimum=90)
RETENTION_SECURITY_EVENTS_DAYS = env.days_or_forever(
    "RETENTION_SECURITY_EVENTS_DAYS", None, minimum=90
)

# --------------------------------------------------------------------------
# Reminders

# The kinds of email the engine knows; one small class each (see
# mentorship/notifications/kinds.py). A new kind is a new line here.
SCAFFOLD_REMINDER_KINDS = [
    "mentorship.people.emails.Invitation",
    "mentorship.people.emails.PasswordReset",
    "mentorship.people.emails.AccountChanged",
    "mentorship.pairings.reminders.PairingWelcome",
    "mentorship.pairings.reminders.MilestoneDueSoon",
    "mentorship.pairings.reminders.MilestoneOverdue",
    "mentorship.pairings.reminders.PairingFeedbackRequest",
    "mentorship.checkins.reminders.CheckInNudge",
    "mentorship.checkins.reminders.AssessmentDue",
    "mentorship.checkins.reminders.ActionItemOverdue",
    "mentorship.checkins.reminders.WeekSplitAsk",
    "mentorship.upward.reminders.UpwardInvitation",
    "mentorship.upward.reminders.UpwardReminder",
    "mentorship.agreements.reminders.AgreementRequest",
    "mentorship.agreements.reminders.AgreementReviewAsk",
    "mentorship.insights.reminders.WeeklyDigest",
]
# A row "sending" for longer than this belongs to a dead worker. A living
# worker never gets that far: it starts no new email after half of it and
# hands the rest of its batch back, so the timeout must leave the email in
# progress its full EMAIL_TIMEOUT.
NOTIFICATIONS_SENDING_TIMEOUT = timedelta(
    seconds=env.number("NOTIFICATIONS_SENDING_TIMEOUT", 10 * 60, minimum=1)
)
if NOTIFICATIONS_SENDING_TIMEOUT.total_seconds() < 2 * _email_timeout:
    raise ImproperlyConfigured(
        "NOTIFICATIONS_SENDING_TIMEOUT must be at least twice EMAIL_TIMEOUT "
        f"({_email_timeout} s), or an email still being sent could be sent twice."
    )
# At most this many rows out with the workers at once (claimed, queued or being
# sent); each dispatch tops it up. Keep it below what the workers send within
# NOTIFICATIONS_SENDING_TIMEOUT (one worker process sends 100 or more a second).
NOTIFICATIONS_MAX_IN_FLIGHT = env.number(
    "NOTIFICATIONS_MAX_IN_FLIGHT", 20_000, minimum=100, maximum=1_000_000
)
NOTIFICATIONS_MAX_ATTEMPTS = env.number("NOTIFICATIONS_MAX_ATTEMPTS", 5, minimum=1, maximum=20)
# The first retry waits about this long; each next one twice as long.
NOTIFICATIONS_RETRY_BASE = timedelta(seconds=env.number("NOTIFICATIONS_RETRY_BASE", 60, minimum=1))

# --------------------------------------------------------------------------
# Product rules

# HR sees mentee self-ratings only as aggregates over at least this many people.
SCAFFOLD_MIN_AGGREGATE_GROUP = env.number("SCAFFOLD_MIN_AGGREGATE_GROUP", 5, minimum=2)
# A round of upward feedback shows its results (and comments) to the new
# manager only once at least this many of their reports answered; never fewer
# than 3, or one person's answers could be read off the figures.
SCAFFOLD_UPWARD_MIN_ANSWERS = env.number("SCAFFOLD_UPWARD_MIN_ANSWERS", 3, minimum=3, maximum=50)
# How many days a round takes answers (its links die with it).
SCAFFOLD_UPWARD_ROUND_DAYS = env.number("SCAFFOLD_UPWARD_ROUND_DAYS", 10, minimum=3, maximum=30)
# How long the link in an invitation to choose a password stays valid.
SCAFFOLD_INVITATION_DAYS = env.number("SCAFFOLD_INVITATION_DAYS", 14, minimum=1, maximum=90)

# Signing in with the company's identity provider (OpenID Connect,
# people/company_sign_in.py): on when OIDC_ISSUER is set.
OIDC_ISSUER = env.text("OIDC_ISSUER", "")
if OIDC_ISSUER:
    check_url("OIDC_ISSUER", OIDC_ISSUER, schemes=("https", "http"))
OIDC_CLIENT_ID = env.text("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env.text("OIDC_CLIENT_SECRET", "")
if OIDC_ISSUER and not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too.")
# Only addresses at these domains sign in that way (empty: any the provider verified).
OIDC_ALLOWED_DOMAINS = [domain.lower() for domain in env.items("OIDC_ALLOWED_DOMAINS")]
# Make an account for someone the provider knows and Scaffold does not yet.
OIDC_CREATE_PEOPLE = env.flag("OIDC_CREATE_PEOPLE", default=False)
OIDC_BUTTON_LABEL = env.text("OIDC_BUTTON_LABEL", "Sign in with your company account")
# Whether a password still signs in (the site, the API's token endpoint);
# off, the company's provider is the only way in.
PASSWORD_SIGN_IN = env.flag("PASSWORD_SIGN_IN", default=True)
if not PASSWORD_SIGN_IN and not OIDC_ISSUER:
    raise ImproperlyConfigured(
        "PASSWORD_SIGN_IN=false needs OIDC_ISSUER: otherwise nobody could sign in."
    )

# How many proxies in front of the app append to X-Forwarded-For; sign-in
# throttling then counts per real client, not per proxy. 0: none, trust no header.
TRUSTED_PROXY_COUNT = env.number("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)

# --------------------------------------------------------------------------
# Logging

LOG_LEVEL = env.choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
# /metrics for Prometheus (mentorship/core/metrics.py): off unless a token is set.
METRICS_TOKEN = env.text("METRICS_TOKEN", "")

# Error tracking (mentorship/core/error_tracking.py): off unless a DSN is set.
SENTRY_DSN = env.text("SENTRY_DSN", "")
if SENTRY_DSN:
    from mentorship.core.error_tracking import error_tracking_start

    error_tracking_start(SENTRY_DSN, environment=SCAFFOLD_ENV)

# Production logs one JSON object per line (``mentorship.core.logging.JsonFormatter``);
# development, readable lines. Both carry the request id.
LOG_FORMAT = env.choice("LOG_FORMAT", "json" if PRODUCTION else "plain", ("json", "plain"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "mentorship.core.logging.JsonFormatter"},
    },
    "filters": {
        "request_id": {"()": "mentorship.core.request_id.RequestIdFilter"},
        # A load balancer probing every few seconds while the database is
        # down would otherwise log one error per probe.
        "not_health_probes": {"()": "mentorship.core.logging.NotHealthProbes"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["not_health_probes"]},
    },
}
