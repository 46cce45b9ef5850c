"""Settings shared by every environment; values come from the environment."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from citymgmt.env import (
    BASE_DIR,
    read_bool,
    read_broker,
    read_cache,
    read_choice,
    read_database,
    read_email,
    read_http_url,
    read_int,
    read_list,
    read_periods,
    read_proxy_count,
    read_rate,
    read_str,
)

VAR_DIR = BASE_DIR / "var"

DEBUG = read_bool("DJANGO_DEBUG", False)
SECRET_KEY = read_str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = read_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = read_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# Absolute address printed into QR codes on contact cards; falls back to the
# address of the request when empty.
PUBLIC_BASE_URL = read_str("PUBLIC_BASE_URL").rstrip("/")

INSTALLED_APPS = [
    "citymgmt.admin_config.CityDeskAdminConfig",  # Django's admin, the project's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "import_export",
    "citymgmt",
    "citymgmt.workdays",
    "citymgmt.notifications",
    "citymgmt.exports",
    "squads",
    "complaints",
    "vendors",
    "campaigns",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "citymgmt.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "citymgmt.middleware.RefuseNulBytesMiddleware",
    "citymgmt.middleware.RefuseUnreadableBodiesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "citymgmt.urls"
WSGI_APPLICATION = "citymgmt.wsgi.application"

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
                "citymgmt.context_processors.site",
                "citymgmt.notifications.context_processors.bell",
                "citymgmt.workdays.context_processors.calendar_warning",
            ],
        },
    },
]

DATABASES = {
    "default": read_database(
        "DATABASE_URL", f"sqlite:///{VAR_DIR / 'citydesk.sqlite3'}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Whether the queries compiled once per process (citymgmt.compiled) are also
# prepared once per PostgreSQL connection. "auto": when connections outlive a
# request (CONN_MAX_AGE other than 0, e.g. DATABASE_URL=...?conn_max_age=60);
# over a connection per request, preparing would cost a round trip more.
# "off" behind a pooler that shares server connections between clients
# (PgBouncer in transaction mode), where a statement prepared on one is
# missing on the next.
PREPARED_QUERIES: bool | None = {"auto": None, "on": True, "off": False}[
    read_choice("PREPARED_QUERIES", "auto", {"auto", "on", "off"})
]

_VALIDATION = "django.contrib.auth.password_validation"
# One backend: Django's login and permissions; the member record, the
# permissions and the bell's count read with the user (squads.auth).
AUTHENTICATION_BACKENDS = ["squads.auth.StaffBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATION}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATION}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATION}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATION}.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = read_str("MEDIA_ROOT") or str(VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Seconds any call to Redis (the cache, publishing to the broker) may take to
# connect or to answer before it is given up: a stalled Redis must not hang
# a request. Also the worker's; above kombu's 1 s BRPOP wait.
REDIS_TIMEOUT = read_int("REDIS_TIMEOUT", 2, minimum=2)
CACHES = {"default": read_cache(timeout=REDIS_TIMEOUT)}
# How many proxies of ours stand in front of the web process, each appending
# to X-Forwarded-For: 0 takes the peer's address as the client's; N takes the
# Nth entry from the right (citymgmt.ratelimit.client_ip, used by every limit).
TRUSTED_PROXY_COUNT = read_proxy_count()
# Seconds rate limits count in-process after the shared cache failed.
RATELIMIT_FALLBACK_SECONDS = 30
# Seconds a process trusts the reference-data token it last read from the
# shared cache (citymgmt.refdata): an edit made through another process is
# seen within this time; one made in this process at once. 0 asks every time.
REFDATA_RECHECK_SECONDS = read_int("REFDATA_RECHECK_SECONDS", 1, minimum=0)

_email = read_email()
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = read_str("DEFAULT_FROM_EMAIL", "citydesk@localhost")

# Celery: a filesystem broker under var/ by default, Redis in production.
CELERY_BROKER_URL = read_broker()
CELERY_BROKER_FOLDER = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {
        "visibility_timeout": 3600,
        "socket_connect_timeout": REDIS_TIMEOUT,
        "socket_timeout": REDIS_TIMEOUT,
    }
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = read_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker (and beat) that loses the broker reconnects for as long as it takes:
# Celery's default gives up after 100 attempts (about 47 minutes, 2-30 s apart)
# and the worker exits. Publishing from a request is not affected (see below).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "citymgmt.openapi.AutoSchema",
    # Session auth for the staff's pages; tokens (Authorization: Token …) for
    # integrations. Token first, so a request without either gets 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's own, keyed on citymgmt.ratelimit.client_ip like the pages.
        "citymgmt.ratelimit.AnonRateThrottle",
        "citymgmt.ratelimit.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": read_str("API_ANON_RATE", "120/min"),
        "user": read_str("API_USER_RATE", "600/min"),
    },
    # Workflow refusals, service validation errors and throttles in one place.
    "EXCEPTION_HANDLER": "citymgmt.exceptions.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CityDesk API",
    "DESCRIPTION": (
        "城管服务台 REST API. Public: areas, squad units and their contact cards, "
        "complaint categories, filing and tracking complaints. Staff (session or "
        "`Authorization: Token …`): the scoped complaint list, detail and "
        "workflow actions."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Separate request components, so uploads show as binary files.
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set used by several fields.
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStatusEnum": "complaints.models.Status",
        "PriorityEnum": "complaints.models.Category.Priority",
        "SquadKindEnum": "squads.models.Squad.Kind",
        "MarketKindEnum": "vendors.models.MarketKind",
        "StallRequestStatusEnum": "vendors.models.StallRequestStatus",
        "RelocationStatusEnum": "vendors.models.RelocationStatus",
        "RelocationActionEnum": "vendors.models.RelocationAction",
        "MethodEnum": "complaints.models.Method",
        "StatsPeriodKindEnum": "dashboard.periods.PeriodKind",
        "StatsValueKindEnum": "dashboard.kpis.ValueKind",
    },
}

LOGIN_URL = "admin:login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": read_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Exports from the admin's lists (citymgmt.exports): up to EXPORT_SYNC_MAX_ROWS
# rows download at once, more run as a Celery task; files are kept for
# EXPORT_TTL_HOURS, under EXPORT_ROOT (the web processes and the workers
# must share it; it is never served as media).
EXPORT_SYNC_MAX_ROWS = read_int("EXPORT_SYNC_MAX_ROWS", 10_000, minimum=0)
EXPORT_TTL_HOURS = read_int("EXPORT_TTL_HOURS", 24, minimum=1)
EXPORT_ROOT = read_str("EXPORT_ROOT") or str(Path(MEDIA_ROOT) / "exports")
# The Celery app queued exports are published through (a dotted path or an app).
EXPORT_CELERY_APP = "citymgmt.celery.app"

HEALTH_BROKER_TIMEOUT = read_int("HEALTH_BROKER_TIMEOUT", 2, minimum=1)

# Complaints: intake limits, rating window, rate limits (count/seconds).
PHOTO_MAX_BYTES = read_int("PHOTO_MAX_MB", 10, minimum=1) * 1024 * 1024
PHOTO_MAX_PIXELS = read_int("PHOTO_MAX_MEGAPIXELS", 40, minimum=1) * 1_000_000
PHOTO_MAX_COUNT = 6
# All the photos of one request together, read from their headers before any
# is decoded (six 36 MP photos would hold a worker for many seconds).
PHOTO_MAX_TOTAL_PIXELS = (
    read_int("PHOTO_MAX_TOTAL_MEGAPIXELS", 100, minimum=1) * 1_000_000
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A whole multipart body: the photos at their largest and the text. Larger
# bodies get 413 on their Content-Length, before any byte is read.
REQUEST_MAX_BYTES = PHOTO_MAX_COUNT * PHOTO_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE
COMPLAINT_RATING_DAYS = read_int("COMPLAINT_RATING_DAYS", 7, minimum=1)
COMPLAINT_DUPLICATE_HOURS = read_int("COMPLAINT_DUPLICATE_HOURS", 72, minimum=1)
COMPLAINT_SUBMIT_RATE = read_rate("COMPLAINT_SUBMIT_RATE", "5/600")
COMPLAINT_TRACK_RATE = read_rate("COMPLAINT_TRACK_RATE", "10/60")
# Wrong last-4 digits per reference, whatever the address, before it locks.
COMPLAINT_TRACK_FAILURES = read_rate("COMPLAINT_TRACK_FAILURES", "5/3600")

# Vendors and markets: present follow-ups (over at least 30 days) before a
# relocation may be marked stable; days after which a moved vendor is due a
# visit; consecutive check-ins with no vendors before a hotspot may be cleared.
VENDOR_STABLE_FOLLOWUPS = read_int("VENDOR_STABLE_FOLLOWUPS", 3, minimum=1)
VENDOR_FOLLOWUP_DAYS = read_int("VENDOR_FOLLOWUP_DAYS", 14, minimum=1)
HOTSPOT_CLEAN_CHECKINS = read_int("HOTSPOT_CLEAN_CHECKINS", 3, minimum=1)
# Hotspot suggestions (vendors.suggestions): this many complaints in one
# community within HOTSPOT_SUGGEST_DAYS, in the street-order categories, whose
# local times of day fall within HOTSPOT_SUGGEST_MINUTES suggest a hotspot.
# The categories are GB/T 47678.5-2026 小类 codes: 09001 无照经营游商 (流动摊贩),
# 09005 店外经营, 09006 占道经营.
HOTSPOT_CATEGORY_CODES = read_list(
    "HOTSPOT_CATEGORY_CODES", ["09001", "09005", "09006"]
)
HOTSPOT_SUGGEST_COMPLAINTS = read_int("HOTSPOT_SUGGEST_COMPLAINTS", 3, minimum=2)
HOTSPOT_SUGGEST_DAYS = read_int("HOTSPOT_SUGGEST_DAYS", 14, minimum=1)
HOTSPOT_SUGGEST_MINUTES = read_int("HOTSPOT_SUGGEST_MINUTES", 60, minimum=1)

# The public stall request (/markets/request/ and its API): requests per
# address; tracking one shares COMPLAINT_TRACK_RATE and _FAILURES' numbers.
STALL_REQUEST_RATE = read_rate("STALL_REQUEST_RATE", "5/600")

# Working time (citymgmt.workdays): office periods on working days, in the
# bureau's time zone. OFFICE_HOURS=08:30-12:00,13:30-17:30 overrides them.
WORKDAY_PERIODS = read_periods("OFFICE_HOURS", "08:30-12:00,13:30-17:30")
# Seconds a process keeps one year of the calendar table before reading it again.
WORKDAY_CACHE_SECONDS = read_int("WORKDAY_CACHE_SECONDS", 60, minimum=0)

# Dashboard KPIs (dashboard.kpis, docs/kpis.md): the denominator of the rework
# rate (返工率), 应结案数 (to_close) or 立案数 (registered), as the bureau's
# assessment counts it; the on-time disposal rate the per-unit chart draws as
# its target line, in percent.
KPI_REWORK_DENOMINATOR = read_choice(
    "KPI_REWORK_DENOMINATOR", "to_close", {"to_close", "registered"}
)
KPI_ON_TIME_DISPOSAL_TARGET = min(
    read_int("KPI_ON_TIME_DISPOSAL_TARGET", 90, minimum=1), 100
)
# How long the public statistics (/stats/, /api/v1/public/stats/) are kept
# before they are counted again, in seconds.
PUBLIC_STATS_SECONDS = read_int("PUBLIC_STATS_SECONDS", 300, minimum=0)

# Notifications: the outbox's delivery and the SMS gateway (log or http).
SMS_BACKEND = read_choice("SMS_BACKEND", "log", {"log", "http"})
SMS_GATEWAY_URL = read_http_url("SMS_GATEWAY_URL", required=SMS_BACKEND == "http")
SMS_GATEWAY_KEY = read_str("SMS_GATEWAY_KEY")
SMS_GATEWAY_TIMEOUT = read_int("SMS_GATEWAY_TIMEOUT", 5, minimum=1)
NOTIFY_MAX_ATTEMPTS = read_int("NOTIFY_MAX_ATTEMPTS", 6, minimum=1)
# Longer than the delivery task's hard time limit, so a live worker keeps its row.
NOTIFY_LEASE_SECONDS = read_int("NOTIFY_LEASE_SECONDS", 300, minimum=60)
NOTIFY_CELERY_APP = "citymgmt.celery.app"
# A web process (citymgmt/wsgi.py) publishes the deliveries its requests queue
# from a thread of its own, gathering for this many milliseconds the messages
# committed meanwhile into one task (citymgmt.notifications.publisher); 0:
# each request publishes its own after its commit. Workers always publish inline.
NOTIFY_PUBLISH_LINGER_MS = read_int("NOTIFY_PUBLISH_LINGER_MS", 50, minimum=0)
# Seconds a `celery worker` keeps its database connection between tasks
# (checked before each task, see citymgmt.celery; 0: a new one for every task).
WORKER_DB_CONN_MAX_AGE = read_int("WORKER_DB_CONN_MAX_AGE", 300, minimum=0)
# Celery's Django fix-up closes every connection after each task unless this
# is set (then every this many tasks); citymgmt.celery closes them as they age.
CELERY_DB_REUSE_MAX = 1000 if WORKER_DB_CONN_MAX_AGE else None
# Publishing fails fast when the broker is down (one connection attempt of at
# most 2 s, no retries; kombu otherwise sleeps and retries inside the request);
# the outbox sweep sends later. The worker's own reconnects are unaffected.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "max_retries": 0}

# Campaigns: the Excel import of tallies. An upload is kept (in its own
# folder, outside MEDIA_ROOT, per user) between its preview and the
# confirmation for TALLY_IMPORT_KEEP_SECONDS; larger or longer files are
# refused with a message.
TALLY_IMPORT_DIR = read_str("TALLY_IMPORT_DIR") or str(VAR_DIR / "imports")
TALLY_IMPORT_KEEP_SECONDS = read_int("TALLY_IMPORT_KEEP_SECONDS", 3600, minimum=60)
TALLY_IMPORT_MAX_BYTES = read_int("TALLY_IMPORT_MAX_MB", 10, minimum=1) * 1024 * 1024
TALLY_IMPORT_MAX_ROWS = read_int("TALLY_IMPORT_MAX_ROWS", 50_000, minimum=1)
