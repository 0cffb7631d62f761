"""MotCua settings: one module, every value read from the environment.

Each variable is documented in `.env.example`. DEBUG is off unless set (issue 20 item 7): the demo
(`bin/demo-env`) and the tests (`tests/settings.py`) turn on what they need explicitly. With DEBUG off
the site refuses to start without a real SECRET_KEY (see `_require_real_secret_key`).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from portal.embedded import celery_broker_url
from portal.oidc_keys import lazy_private_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is read when present (never committed); real deployments set the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEMO_SECRET_KEY = "insecure-demo-key-do-not-use-in-production"

# --- core -----------------------------------------------------------------------------------------
# Off unless set: an unconfigured site must never show tracebacks (issue 20 item 7).
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Public base URL, used in e-mails and QR codes on printed slips.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Province this site serves (GSO code) and the administrative scheme loaded for it.
SITE_PROVINCE_CODE = env.str("SITE_PROVINCE_CODE", default="42")
SITE_NAME = env.str("SITE_NAME", default="Cổng Dịch vụ công tỉnh Hà Tĩnh")


# Commands that only read the code (no request is served, nothing is signed) run without a secret, so
# `manage.py makemigrations --check` works on a bare checkout; everything else refuses a weak one.
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}


def _require_real_secret_key():
    import sys

    weak = not SECRET_KEY or SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5
    code_only = len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") and sys.argv[1] in CODE_ONLY_COMMANDS
    if not DEBUG and weak and not code_only:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
        )


_require_real_secret_key()

INSTALLED_APPS = [
    # django.contrib.admin whose site audits every change (IP included): dossiers/admin_audit.py.
    "dossiers.apps.AuditedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "oauth2_provider",  # OAuth2 for machine clients (issue 17 item 4; portal/api_auth.py)
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / ReDoc assets served locally (no CDN, CSP 'self')
    "django_filters",
    "django_celery_beat",
    "axes",
    "csp",
    "portal",
    "procedures",
    "dossiers",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Client IP of each request for the audit trail (portal/client_ip.py; see TRUSTED_PROXY_COUNT).
    "portal.client_ip.ClientIpMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything that writes the body (Django's advice); pages and JSON only, never files.
    "portal.middleware.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

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
                "csp.context_processors.nonce",
                "portal.context_processors.site",
                "dossiers.context_processors.roles",
            ],
        },
    },
]

# --- database and cache ---------------------------------------------------------------------------
# PostgreSQL only. `make demo` / `make test` export the URL of a local or embedded server.
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/motcua")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT", default=3)
# A read replica for the statistics pages (portal/replica.py): set REPLICA_DATABASE_URL to a streaming
# replica of the primary; the dashboard, drill-down lists, exports and reports API read from it.
if env.str("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
    DATABASES["replica"].update(CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"], CONN_HEALTH_CHECKS=True,
                                TEST={"MIRROR": "default"})
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = DATABASES["default"]["OPTIONS"]["connect_timeout"]
REPLICA_READS_ENABLED = env.bool("REPLICA_READS_ENABLED", default=True)
DATABASE_ROUTERS = ["portal.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery broker, result backend and Django cache. `redis://host:port/db` or `unix:///path?db=0`.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Prefix of every broker and cache key, for sites (or test runs: tests/settings.py) sharing one database.
REDIS_KEY_PREFIX = env.str("REDIS_KEY_PREFIX", default="")
CACHES = {
    "default": {
        # Django's RedisCache, except that Redis down is a cache miss, not a 500 (portal/cache.py).
        "BACKEND": "portal.cache.FailOpenRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"{REDIS_KEY_PREFIX}motcua",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
# Seconds a process skips the cache after Redis failed to answer (portal/cache.py), before trying again.
CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5)

# --- auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "dossiers.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "dossiers.auth.EmailOrPhoneBackend",
    # Sign-in with the national electronic identity (OpenID Connect callback only; dossiers/identity.py).
    "dossiers.identity.NationalIdentityBackend",
]
# Who may sign in with a password: "officer" (staff, agency roles), "citizen" (everyone else). Citizens
# sign in with VNeID in production; the demo and the tests add "citizen" (docs/identity.md).
PASSWORD_LOGIN_ROLES = env.list("PASSWORD_LOGIN_ROLES", default=["officer"])
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes: lock an (account, IP) pair after this many failed logins, for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# One failure count per account, however the e-mail or phone is written (issue 20 item 1).
AXES_USERNAME_CALLABLE = "dossiers.auth.axes_username"
# Lockouts count per real client address, read the same way as the audit trail's.
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_ip"

# --- i18n -----------------------------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="vi")
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates dd/mm/yyyy on every page, in both languages (portal/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
# A refused form (expired CSRF token) explains itself in the site's language.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

# --- static and stored files ----------------------------------------------------------------------
STATIC_URL = "/static/"
# Where collectstatic gathers the static files that whitenoise serves.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Private files (citizens' documents, results) live outside the web root and are only served
# through permission-checking views. S3-compatible storage when S3_BUCKET is set.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"  # never routed: files go through dossiers' download views
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("S3_URL_EXPIRE_SECONDS", default=300),
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Upload limits, bytes: one file and all files of one dossier.
UPLOAD_MAX_FILE_BYTES = env.int("UPLOAD_MAX_FILE_BYTES", default=10 * 1024 * 1024)
UPLOAD_MAX_DOSSIER_BYTES = env.int("UPLOAD_MAX_DOSSIER_BYTES", default=50 * 1024 * 1024)
# Hours a scan attached to a counter intake form that came back with an error is kept for the officer.
STAGED_UPLOAD_HOURS = env.int("STAGED_UPLOAD_HOURS", default=24)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Antivirus for uploads: dossiers.antivirus.NoScanner (no-op) or .ClamScanner (clamscan + CLAMAV_DATABASE_DIR).
ANTIVIRUS_BACKEND = env.str("ANTIVIRUS_BACKEND", default="dossiers.antivirus.NoScanner")
CLAMAV_DATABASE_DIR = env.str("CLAMAV_DATABASE_DIR", default="/var/lib/clamav")

# --- e-mail and SMS -------------------------------------------------------------------------------
# EMAIL_URL: smtp://user:pass@host:587/?tls=True in production; console by default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MotCua <no-reply@motcua.local>")
# Dotted path of the SMS gateway class; the sandbox one logs messages to the database.
SMS_BACKEND = env.str("SMS_BACKEND", default="dossiers.notifications.SandboxSmsBackend")
# Seconds the sandbox gateway takes per message (0 in use; fault tests make sends slow to kill them midway).
SMS_SANDBOX_DELAY_SECONDS = env.float("SMS_SANDBOX_DELAY_SECONDS", default=0.0)
# Dotted path of the payment provider; the sandbox simulates a bank with signed callbacks.
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="dossiers.payments.SandboxProvider")
# Merchant code of payments for agencies with no merchant account of their own (dossiers.MerchantAccount).
PAYMENT_DEFAULT_MERCHANT = env.str("PAYMENT_DEFAULT_MERCHANT", default="MOTCUA-TINH")
# Minutes a started online payment stays payable; older pending payments expire (dossiers.services.payment_settle).
PAYMENT_EXPIRY_MINUTES = env.int("PAYMENT_EXPIRY_MINUTES", default=15)
# Symbol of the electronic fee receipts' numbers ("BL26-0000001": symbol, year, number in the year).
PAYMENT_RECEIPT_SYMBOL = env.str("PAYMENT_RECEIPT_SYMBOL", default="BL")
# The sandbox's signing secret; with DEBUG off a random one of >= 32 characters (dossiers/payments.py).
DEMO_PAYMENT_SANDBOX_SECRET = "sandbox-secret-change-me"
PAYMENT_SANDBOX_SECRET = env.str("PAYMENT_SANDBOX_SECRET", default=DEMO_PAYMENT_SANDBOX_SECRET)
# With DEBUG off the sandboxes of outside services (bank, SMS, e-mail, no-op antivirus) need this explicit
# opt-in: the sandbox bank is refused without it, `check --deploy` fails or warns (issue 20 item 3).
ALLOW_SANDBOX = env.bool("ALLOW_SANDBOX", default=False)

# --- digital signatures of results (dossiers/signing.py, docs/signing.md) ---------------------------
# Dotted path of the signer; the sandbox is a test CA with one PKCS#12 key store per agency.
SIGNER_BACKEND = env.str("SIGNER_BACKEND", default="dossiers.signing.SandboxSigner")
# Where the sandbox CA keeps its root and the agencies' key stores (private: keys inside).
SIGNING_SANDBOX_DIR = env.path("SIGNING_SANDBOX_DIR", default=BASE_DIR / "var" / "signing")
# Passphrase of the sandbox key stores.
SIGNING_SANDBOX_PASSPHRASE = env.str("SIGNING_SANDBOX_PASSPHRASE", default="motcua-sandbox")
# RFC 3161 time-stamping authority of the CA (empty: the sandbox's own, or none for another signer).
SIGNING_TSA_URL = env.str("SIGNING_TSA_URL", default="")
# Let the validator fetch CRLs/OCSP answers named in certificates (off: only the signer's own lists).
SIGNING_FETCH_REVOCATION = env.bool("SIGNING_FETCH_REVOCATION", default=False)
# PEM files of the trust roots a result's certificate chain must end in (the national root CA's).
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
# Public verifications (/xac-thuc/) allowed per client IP and minute.
VERIFY_LIMIT_PER_MINUTE = env.int("VERIFY_LIMIT_PER_MINUTE", default=20)
# Questions to the virtual assistant (/tro-ly/ and /api/v1/assistant/) allowed per client IP and minute.
ASSISTANT_LIMIT_PER_MINUTE = env.int("ASSISTANT_LIMIT_PER_MINUTE", default=30)
# Tickets one address may take at one centre's public kiosk per minute (dossiers/views/counter.py).
KIOSK_TICKETS_PER_MINUTE = env.int("KIOSK_TICKETS_PER_MINUTE", default=30)
# Appointments at the counter (dossiers/services/appointments.py): minutes per slot, how many days ahead a
# citizen may book, the minimum notice in minutes, and the lunch break without slots ("HH:MM-HH:MM"; empty:
# none). Slots run from OFFICE_OPENS to OFFICE_CLOSES on working days of the calendar.
APPOINTMENT_SLOT_MINUTES = env.int("APPOINTMENT_SLOT_MINUTES", default=30)
APPOINTMENT_DAYS_AHEAD = env.int("APPOINTMENT_DAYS_AHEAD", default=14)
APPOINTMENT_NOTICE_MINUTES = env.int("APPOINTMENT_NOTICE_MINUTES", default=60)
OFFICE_LUNCH = env.str("OFFICE_LUNCH", default="11:30-13:30")
# The call display offers a chime button (the browser plays it only after someone taps it: no autoplay).
COUNTER_DISPLAY_CHIME = env.bool("COUNTER_DISPLAY_CHIME", default=True)

# --- national portal sync (dossiers/national_sync.py, docs/national-sync.md) ------------------------
# Base URL of the national portal's event endpoint ("<base>events", "<base>counts"); empty: events wait in
# the outbox unsent. The sandbox receiver of this site is SITE_URL + "/sandbox/cong-dvcqg/".
NATIONAL_PORTAL_URL = env.str("NATIONAL_PORTAL_URL", default="")
# Dotted path of the client class (another body or transport for a real endpoint: a PortalClient subclass).
NATIONAL_PORTAL_CLIENT = env.str("NATIONAL_PORTAL_CLIENT", default="dossiers.national_sync.HttpPortalClient")
# Shared HMAC-SHA256 secret of the signature header (>= 32 characters; the sandbox receiver checks it too).
NATIONAL_PORTAL_SECRET = env.str("NATIONAL_PORTAL_SECRET", default="")
# CloudEvents `source` of MotCua's events.
NATIONAL_PORTAL_SOURCE = env.str("NATIONAL_PORTAL_SOURCE", default=f"urn:motcua:tinh:{SITE_PROVINCE_CODE}")
# Seconds to wait for the receiver's answer before counting the attempt as failed.
NATIONAL_PORTAL_TIMEOUT_SECONDS = env.float("NATIONAL_PORTAL_TIMEOUT_SECONDS", default=10.0)
# Backoff: the n-th retry waits BASE × 2^(n−1) seconds, at most MAX; after MAX_ATTEMPTS the event is dead-lettered.
NATIONAL_PORTAL_RETRY_BASE_SECONDS = env.float("NATIONAL_PORTAL_RETRY_BASE_SECONDS", default=30.0)
NATIONAL_PORTAL_RETRY_MAX_SECONDS = env.float("NATIONAL_PORTAL_RETRY_MAX_SECONDS", default=3600.0)
NATIONAL_PORTAL_MAX_ATTEMPTS = env.int("NATIONAL_PORTAL_MAX_ATTEMPTS", default=12)
# Mutual TLS (optional): the province's client certificate and key (PEM paths), and the CA bundle to trust.
NATIONAL_PORTAL_CLIENT_CERT = env.str("NATIONAL_PORTAL_CLIENT_CERT", default="")
NATIONAL_PORTAL_CLIENT_KEY = env.str("NATIONAL_PORTAL_CLIENT_KEY", default="")
NATIONAL_PORTAL_CA_BUNDLE = env.str("NATIONAL_PORTAL_CA_BUNDLE", default="")

# --- working-day calendar -------------------------------------------------------------------------
# The province's default receipt cut-off ("HH:MM"; empty: none, as the Civil Code arts. 147-148 have
# none). A procedure whose sector rule sets a cut-off carries its own (Procedure.receipt_cutoff).
RECEIPT_CUTOFF = env.str("RECEIPT_CUTOFF", default="")
# Office hours: the appointment's time of day is kept within them (Circular 03/2025/TT-VPCP, Mẫu 01).
OFFICE_OPENS = env.str("OFFICE_OPENS", default="07:30")
OFFICE_CLOSES = env.str("OFFICE_CLOSES", default="17:00")

# --- reports --------------------------------------------------------------------------------------
# TrueType font with Vietnamese glyphs embedded in the monthly report PDF.
# The letterhead of the monthly report to the province (an administrative document in the form of
# Decree 30/2020/NĐ-CP, Appendix I): the issuing body under its parent, the symbol after "BC-" in the
# number, the place before the date, the signer and the recipients ("Nơi nhận"). docs/monthly-report.md.
REPORT_LETTERHEAD = {
    "parent": env.str("REPORT_ISSUER_PARENT", default="UBND TỈNH HÀ TĨNH"),
    "issuer": env.str("REPORT_ISSUER", default="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"),
    "symbol": env.str("REPORT_SYMBOL", default="TTPVHCC"),
    "place": env.str("REPORT_PLACE", default="Hà Tĩnh"),
    "signer_title": env.str("REPORT_SIGNER_TITLE", default="GIÁM ĐỐC"),
    "signer_name": env.str("REPORT_SIGNER_NAME", default=""),
    "recipients": env.list("REPORT_RECIPIENTS", default=[
        "UBND tỉnh (để báo cáo)", "Văn phòng UBND tỉnh", "Các sở, ban, ngành; UBND các xã, phường", "Lưu: VT",
    ]),
}
# The TrueType font of every PDF (forms, receipts, stamp, monthly report): portal/fonts.py. Empty: DejaVu Sans.
# REPORT_PDF_FONT is its former name, still read.
PDF_FONT = env.str("PDF_FONT", default=env.str("REPORT_PDF_FONT", default=""))
# Seconds the rendered dashboard tables stay cached; a recompute or a target change shows at once anyway.
REPORTS_DASHBOARD_CACHE_SECONDS = env.int("REPORTS_DASHBOARD_CACHE_SECONDS", default=600)

# --- Celery ---------------------------------------------------------------------------------------
# Broker and results default to REDIS_URL (a unix socket becomes Celery's redis+socket:// form).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or celery_broker_url(REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = False
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
# Seconds; the broker redelivers an unacknowledged task after the visibility timeout, so it must
# exceed the longest task (hard time limit below).
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=1500)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=1800)
# Redis down must never hang a request: publishing fails within ~1 s (the outbox keeps the promise and
# the relay below hands the messages over later), for the broker and the result store alike.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # How often a worker looks for tasks whose worker died (unacknowledged past the visibility timeout):
    # every interval x throttle seconds (kombu's defaults: 10 x 10).
    "unacked_restore_interval": env.float("CELERY_UNACKED_RESTORE_INTERVAL", default=10.0),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    # Connecting inside a publish: one attempt, no retry loop.
    "max_retries": 0,
    # Queues, unacknowledged-task records and control messages: a worker sees only its own prefix's.
    "global_keyprefix": REDIS_KEY_PREFIX,
}
CELERY_TASK_PUBLISH_RETRY = False
# Seconds a process publishes no task after the broker failed (portal/celery.py publish; the relays catch up).
BROKER_RETRY_SECONDS = env.float("BROKER_RETRY_SECONDS", default=30)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
# Subscribing to a task's result: give up after one quick retry instead of 20 one-second retries.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
}
CELERY_RESULT_EXPIRES = timedelta(days=2)
# One queue per kind of work, each with its own workers (scripts/run_demo.py, docker-compose.yml), so a
# burst of 20-70 s report builds never holds up citizens' notifications (issue 20 item 8).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name) for name in ("notifications", "statistics", "reports", CELERY_TASK_DEFAULT_QUEUE)]
CELERY_TASK_ROUTES = {
    # SMS and e-mail (the outbox) and the leaders' morning digest.
    "dossiers.tasks.*": {"queue": "notifications"},
    # Monthly statistics: compute, recompute, the nightly and month-end runs.
    "reports.compute_*": {"queue": "statistics"},
    "reports.close_previous_month": {"queue": "statistics"},
    # Monthly reports to the province (HTML, PDF, XLSX appendix).
    "reports.build_monthly_report": {"queue": "reports"},
    "reports.requeue_monthly_reports": {"queue": "reports"},
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Static schedule (django-celery-beat copies it into its tables at start); other apps add entries.
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {"task": "dossiers.tasks.relay_outbox", "schedule": 60.0, "options": {"expires": 55}},
    # National portal sync: dossiers whose sync task was lost; the nightly reconciliation of counts.
    "relay-national-sync": {"task": "dossiers.tasks.relay_national_sync", "schedule": 60.0,
                            "options": {"expires": 55}},
    "payments-expire": {"task": "dossiers.tasks.expire_payments", "schedule": 300.0, "options": {"expires": 290}},
    "national-sync-reconcile": {"task": "dossiers.tasks.reconcile_national_sync", "schedule": crontab(hour=2, minute=15)},
    # Every morning at 06:30; the task itself skips rest days (working-day calendar).
    "desk-overdue-watch": {"task": "dossiers.tasks.watch_overdue", "schedule": crontab(hour=6, minute=30)},
    # Reminders of tomorrow's appointments, hourly in the day so a late booking still gets one (idempotent).
    "counter-appointment-reminders": {"task": "dossiers.tasks.remind_appointments",
                                      "schedule": crontab(hour="8-20", minute=0)},
    # Appointments not checked in within 30 minutes of their time are marked missed (idempotent).
    "counter-appointments-missed": {"task": "dossiers.tasks.mark_missed_appointments", "schedule": 300.0,
                                    "options": {"expires": 290}},
    # Counter scans kept across a form error and never sent again (issue 21 item 9).
    "purge-staged-uploads": {"task": "dossiers.tasks.purge_staged_uploads", "schedule": crontab(minute=17)},
    # Monthly statistics: the month in progress every night, the month just ended on the 1st.
    "reports-current-month-nightly": {"task": "reports.compute_current_month", "schedule": crontab(hour=1, minute=30)},
    "reports-close-previous-month": {
        "task": "reports.close_previous_month", "schedule": crontab(hour=2, minute=30, day_of_month=1),
    },
    # Monthly reports requested while the broker was down.
    "reports-requeue-monthly-reports": {"task": "reports.requeue_monthly_reports", "schedule": 300.0,
                                        "options": {"expires": 290}},
}

# --- REST API -------------------------------------------------------------------------------------
# The API's audiences as OAuth2 scopes (portal/api_auth.py).
API_SCOPES = {"citizen": "API công dân / citizen API", "desk": "API Một cửa và xử lý / desk API",
              "reports": "API thống kê / reports API"}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: its Bearer challenge makes anonymous calls 401 with WWW-Authenticate (portal/api_auth.py).
        "portal.api_auth.ScopedOAuth2Authentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_RATES": {"lookup": "20/min", "register": "10/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MotCua API",
    "DESCRIPTION": "API của Cổng Dịch vụ công MotCua / MotCua public services API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The OAuth2 security scheme (drf-spectacular's django-oauth-toolkit extension).
    "OAUTH2_FLOWS": ["clientCredentials", "authorizationCode"],
    "OAUTH2_TOKEN_URL": "/api/oauth/token/",
    "OAUTH2_AUTHORIZATION_URL": "/api/oauth/authorize/",
    "OAUTH2_REFRESH_URL": "/api/oauth/token/",
    # The API's audiences; the sandbox identity provider's sign-in scopes open no API.
    "OAUTH2_SCOPES": API_SCOPES,
}

# --- national electronic identity (OpenID Connect relying party; docs/identity.md) ---------------------
# Show "Đăng nhập bằng VNeID" and accept its callback.
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=True)
# The sandbox provider inside MotCua (dossiers/identity_sandbox.py): its issuer, and the RSA key it signs with.
OIDC_SANDBOX_ISSUER = env.str("OIDC_SANDBOX_ISSUER", default=f"{SITE_URL}/vneid-sandbox")
OIDC_SANDBOX_KEY_FILE = env.path("OIDC_SANDBOX_KEY_FILE", default=BASE_DIR / "var" / "oidc-sandbox" / "private.pem")
# The provider's discovery document (its endpoints and issuer); default: the sandbox.
OIDC_DISCOVERY_URL = env.str("OIDC_DISCOVERY_URL", default=f"{OIDC_SANDBOX_ISSUER}/.well-known/openid-configuration")
# The issuer ID tokens must carry; empty: the discovery document's.
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
# Endpoints set explicitly win over the discovery document's (empty: discovered).
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
# MotCua's client registration at the provider; the default secret is the sandbox's (refused by dossiers.E005).
DEMO_OIDC_RP_CLIENT_SECRET = "motcua-vneid-sandbox-secret"
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="motcua-vneid-sandbox")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default=DEMO_OIDC_RP_CLIENT_SECRET)
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile vneid")
# Claim names of the provider's userinfo / ID token (VNeID's are given to connected agencies).
OIDC_CLAIM_ID_NUMBER = env.str("OIDC_CLAIM_ID_NUMBER", default="id_number")
OIDC_CLAIM_ASSURANCE = env.str("OIDC_CLAIM_ASSURANCE", default="assurance_level")
OIDC_CLAIM_NAME = env.str("OIDC_CLAIM_NAME", default="name")
OIDC_CLAIM_ADDRESS = env.str("OIDC_CLAIM_ADDRESS", default="address")
OIDC_CLAIM_EMAIL = env.str("OIDC_CLAIM_EMAIL", default="email")
OIDC_CLAIM_PHONE = env.str("OIDC_CLAIM_PHONE", default="phone_number")
# Seconds to wait for the provider; whether its TLS certificate is checked.
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10)
OIDC_VERIFY_SSL = env.bool("OIDC_VERIFY_SSL", default=True)
# mozilla-django-oidc: PKCE S256, nonce, the ID token kept in the session for RP-initiated logout.
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True
OIDC_AUTHENTICATION_CALLBACK_URL = "identity_callback"
OIDC_OP_LOGOUT_URL_METHOD = "dossiers.identity.provider_logout_url"
# Submitting online needs the procedure's identity level (Procedure.assurance_level_needed()).
IDENTITY_ASSURANCE_ENFORCED = env.bool("IDENTITY_ASSURANCE_ENFORCED", default=True)
# The population registry (dossiers/registry.py): the sandbox of demo people, or HttpRegistry.
POPULATION_REGISTRY = env.str("POPULATION_REGISTRY", default="dossiers.registry.SandboxRegistry")
POPULATION_REGISTRY_URL = env.str("POPULATION_REGISTRY_URL", default="")
POPULATION_REGISTRY_TOKEN = env.str("POPULATION_REGISTRY_TOKEN", default="")
POPULATION_REGISTRY_TIMEOUT = env.float("POPULATION_REGISTRY_TIMEOUT", default=5)

# --- OAuth2 for machine clients (docs/api-clients.md) ------------------------------------------------
OAUTH2_PROVIDER = {
    "SCOPES": {**API_SCOPES,
               # The sandbox identity provider's sign-in scopes (dossiers/identity_sandbox.py), no API audience.
               "openid": "OpenID Connect", "profile": "Họ tên, ngày sinh, địa chỉ / profile",
               "vneid": "Số định danh cá nhân, mức độ định danh / ID number, assurance level"},
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": lazy_private_key(OIDC_SANDBOX_KEY_FILE),
    "OIDC_ISS_ENDPOINT": OIDC_SANDBOX_ISSUER,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    # Seconds an access token lives (default 1 hour); there is no refresh token for client credentials.
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=3600),
    # Tokens stored only as their SHA-256 checksum (RFC 9700), client secrets as Django password hashes.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    # The other RFC 9700 gates on: no implicit or password grant, PKCE with S256 only, tokens never in a
    # query string, `iss` in authorization responses; insecure refresh/redirect/PKCE settings fail --deploy.
    **{f"COMPLIANT_BCP_RFC9700_{gate}": True for gate in (
        "IMPLICIT_GRANT", "PASSWORD_GRANT", "PKCE_METHOD", "ACCESS_TOKEN_TRANSPORT", "AUTHZ_RESPONSE_ISS",
        "REFRESH_TOKEN", "REDIRECT_URI_SCHEME", "REDIRECT_URI_MATCHING", "PKCE_REQUIRED")},
    "PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # https only; the demo and the tests on plain http add "http" (then `check --deploy` fails on it).
    "ALLOWED_REDIRECT_URI_SCHEMES": env.list("OAUTH_REDIRECT_URI_SCHEMES", default=["https"]),
    # Service accounts for client credentials, and the sandbox identity provider's claims.
    "OAUTH2_VALIDATOR_CLASS": "dossiers.identity_sandbox.SandboxIdentityValidator",
    # A client is granted only the scopes registered for it (dossiers.ApiClientScopes).
    "SCOPES_BACKEND_CLASS": "dossiers.api_clients.ApplicationScopes",
}
# Named so migrations can point at it (dossiers.ApiClientScopes); the toolkit's own model.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
# Token-endpoint requests per client address per minute (portal/ratelimit.py).
OAUTH_TOKEN_RATE_LIMIT = env.int("OAUTH_TOKEN_RATE_LIMIT", default=20)

# --- security -------------------------------------------------------------------------------------
# Reverse proxies in front that append X-Forwarded-For (0: the client is REMOTE_ADDR); portal/client_ip.py.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# Seconds a sign-in lasts: a working day (8 hours), not Django's 14 days (issue 20 item 15).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # the document preview view opts in to SAMEORIGIN for its iframe
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Session and CSRF cookies only over HTTPS; off only for the demo on plain http (bin/demo-env).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Sent as the Permissions-Policy header on every response (portal.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(self)"
# Registrations allowed per client IP in any 60 minutes (portal.ratelimit, a sliding window; fails open
# when Redis is down).
REGISTER_RATE_LIMIT_PER_HOUR = env.int("REGISTER_RATE_LIMIT_PER_HOUR", default=10)
# Password-reset requests per client IP per hour, and reset e-mails sent to one address per hour.
# Registration codes (SMS or e-mail): minutes valid and wrong tries allowed (dossiers/services/registration.py).
REGISTRATION_CODE_MINUTES = env.int("REGISTRATION_CODE_MINUTES", default=15)
REGISTRATION_CODE_ATTEMPTS = env.int("REGISTRATION_CODE_ATTEMPTS", default=5)
PASSWORD_RESET_RATE_LIMIT_PER_HOUR = env.int("PASSWORD_RESET_RATE_LIMIT_PER_HOUR", default=10)
PASSWORD_RESET_MAILS_PER_HOUR = env.int("PASSWORD_RESET_MAILS_PER_HOUR", default=3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Personal ID numbers (CCCD) and phone numbers never reach the log output in clear.
    "filters": {"mask_personal_ids": {"()": "portal.logging.MaskPersonalIdFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_personal_ids"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
