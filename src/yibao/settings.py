"""Django settings. One environment variable chooses the database: YIBAO_DATABASE_URL."""

import os
from pathlib import Path

import dj_database_url

from yibao.core.auditlog.retention import LOG_BACKUP_DAYS

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("YIBAO_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("YIBAO_VAR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
# The sample documents (../shared/seeds): the demo's catalogues and regulation, and the tests' fixtures.
YIBAO_SEEDS = Path(os.environ.get("YIBAO_SEEDS") or BASE_DIR.parent / "shared" / "seeds")

# The built-in key only lets a development copy start; `serve --production` refuses it (org/auth/production.py).
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
SECRET_KEY = os.environ.get("YIBAO_SECRET_KEY", DEV_SECRET_KEY)
# Off unless asked for: Django's debug pages list settings and every URL to whoever reaches the server.
DEBUG = os.environ.get("YIBAO_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("YIBAO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_q",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "yibao.core",
    "yibao.org",
    "yibao.law",
    "yibao.catalog",
    "yibao.deadlines",
    "yibao.monitoring",
    "yibao.cases",
    "yibao.coercion",
    "yibao.api",
    # Installed so the API docs page serves Swagger UI from its own static files, not from a CDN.
    "ninja",
    "yibao.jobs",
    "yibao.documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Before LoginRequiredMiddleware, so the API's 401 to a caller without a session is recorded too.
    "yibao.core.auditlog.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "yibao.core.middleware.LoginRequiredMiddleware",
    # After the login check: session timeouts, the second factor and an expired password (docs/security.md).
    "yibao.org.auth.middleware.IdentityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yibao.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yibao.core.context.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "yibao.wsgi.application"

DATABASE_URL = os.environ.get("YIBAO_DATABASE_URL", f"sqlite:///{VAR_DIR / 'yibao.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an import writes; the timeout waits out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Identity (身份鉴别, GB/T 22239-2019 8.1.4.1, level 3; docs/security.md). Each number is a setting with
# the control it meets as its default.
YIBAO_PASSWORD_MIN_LENGTH = int(os.environ.get("YIBAO_PASSWORD_MIN_LENGTH", "10"))
# Of four classes (upper case, lower case, digits, symbols) a password uses at least this many.
YIBAO_PASSWORD_MIN_CLASSES = int(os.environ.get("YIBAO_PASSWORD_MIN_CLASSES", "3"))
# A new password may not be any of a user's last this many.
YIBAO_PASSWORD_HISTORY = int(os.environ.get("YIBAO_PASSWORD_HISTORY", "5"))
# A password older than this many days must be changed before anything else (0: never expires).
YIBAO_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("YIBAO_PASSWORD_MAX_AGE_DAYS", "90"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": YIBAO_PASSWORD_MIN_LENGTH}},
    {"NAME": "yibao.org.auth.passwords.CharacterClassValidator",
     "OPTIONS": {"min_classes": YIBAO_PASSWORD_MIN_CLASSES}},
    {"NAME": "yibao.org.auth.passwords.HistoryValidator", "OPTIONS": {"depth": YIBAO_PASSWORD_HISTORY}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Lockout (django-axes): this many failures for one account, or from one address, lock it; the lock lasts
# YIBAO_LOCKOUT_MINUTES and doubles with each lockout within a day, up to YIBAO_LOCKOUT_MAX_MINUTES.
YIBAO_LOCKOUT_FAILURES = int(os.environ.get("YIBAO_LOCKOUT_FAILURES", "5"))
YIBAO_LOCKOUT_MINUTES = int(os.environ.get("YIBAO_LOCKOUT_MINUTES", "15"))
YIBAO_LOCKOUT_MAX_MINUTES = int(os.environ.get("YIBAO_LOCKOUT_MAX_MINUTES", str(24 * 60)))
# Passwords as Django checks them; permissions from roles alone (三权分立, org/auth/roles.py).
AUTHENTICATION_BACKENDS = [
    "yibao.org.auth.lockout.LockoutBackend",
    "yibao.org.auth.roles.PasswordBackend",
    "yibao.org.auth.roles.RolePermissionBackend",
]
AXES_FAILURE_LIMIT = YIBAO_LOCKOUT_FAILURES
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = "yibao.org.auth.lockout.cool_off"
AXES_LOCKOUT_CALLABLE = "yibao.org.auth.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "yibao.org.auth.lockout.client_address"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions: signed out after YIBAO_SESSION_IDLE_MINUTES without a request, and YIBAO_SESSION_MAX_HOURS after
# signing in whatever the activity (the cookie's own age is the same limit).
YIBAO_SESSION_IDLE_MINUTES = int(os.environ.get("YIBAO_SESSION_IDLE_MINUTES", "30"))
YIBAO_SESSION_MAX_HOURS = int(os.environ.get("YIBAO_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = YIBAO_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Second factor (django-otp): required of the roles in org.constants.SECOND_FACTOR_ROLES and of superusers,
# available to everyone; any confirmed django-otp device counts, so a site may plug in a certificate or USB
# key device. `yibao demo` may switch it off (YIBAO_REQUIRE_2FA=0); `serve --production` refuses that.
YIBAO_REQUIRE_2FA = os.environ.get("YIBAO_REQUIRE_2FA", "1") == "1"
OTP_TOTP_ISSUER = "医保执法"

# Transport (production sets YIBAO_HTTPS=1, the default of `serve --production`): cookies only over HTTPS,
# HSTS, redirect to HTTPS. Behind a proxy that ends TLS, YIBAO_PROXY_HTTPS_HEADER=1 believes its
# X-Forwarded-Proto (set it only when that proxy overwrites the header).
YIBAO_HTTPS = os.environ.get("YIBAO_HTTPS", "0") == "1"
if os.environ.get("YIBAO_PROXY_HTTPS_HEADER", "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = YIBAO_HTTPS
SECURE_SSL_REDIRECT = YIBAO_HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("YIBAO_HSTS_SECONDS", str(365 * 24 * 3600))) if YIBAO_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = YIBAO_HTTPS
SECURE_HSTS_PRELOAD = YIBAO_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz"]

# Content security policy (django-csp 4): scripts and styles only from the site's own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # htmx sets inline styles on swapped elements; styles cannot run code.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Application logs go to the console and to files under YIBAO_LOG_DIR rotated at midnight and kept as long
# as the audit trail must be (《网络安全法》第二十一条: six months; core/auditlog/retention.py).
YIBAO_LOG_DIR = Path(os.environ.get("YIBAO_LOG_DIR", VAR_DIR / "log"))
YIBAO_LOG_DIR.mkdir(parents=True, exist_ok=True)
_ROTATED = {"class": "logging.handlers.TimedRotatingFileHandler", "formatter": "plain", "when": "midnight",
            "backupCount": LOG_BACKUP_DAYS, "encoding": "utf-8", "delay": True}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"},
                 "file": {**_ROTATED, "filename": str(YIBAO_LOG_DIR / "yibao.log")}},
    "loggers": {
        "yibao": {"handlers": ["console", "file"], "level": os.environ.get("YIBAO_LOG_LEVEL", "INFO")},
        # With DEBUG off (the demo, production) Django would only mail a failed request's traceback
        # to ADMINS, which nobody set: print it, as the 500 page tells the user it was recorded.
        "django.request": {"handlers": ["console", "file"], "level": "ERROR", "propagate": False},
    },
}

# Pre-screen (事前提醒、事中监控): API keys as "key=bureau code,…"; the dataset that holds the
# reference tables and recent claims (default: the bureau's latest screening run); days of history.
YIBAO_PRESCREEN_KEYS = os.environ.get("YIBAO_PRESCREEN_KEYS", "")
YIBAO_PRESCREEN_HISTORY_DAYS = int(os.environ.get("YIBAO_PRESCREEN_HISTORY_DAYS", "180"))
# A bureau's journal of pre-screened settlements (var/prescreen/<code>.jsonl) bigger than this many
# bytes when a worker loads the bureau is compacted then, if a quarter of its entries are older than
# the history window (0: only by `yibao monitor prescreen-compact`).
YIBAO_PRESCREEN_JOURNAL_COMPACT_BYTES = int(os.environ.get("YIBAO_PRESCREEN_JOURNAL_COMPACT_BYTES",
                                                           str(64 * 1024 * 1024)))
# A dataset folder pre-screened for every bureau instead of its latest screening run, and the rule
# configuration file to use with it (default: the default configuration).
YIBAO_PRESCREEN_DATASET = os.environ.get("YIBAO_PRESCREEN_DATASET", "")
YIBAO_PRESCREEN_CONFIG = os.environ.get("YIBAO_PRESCREEN_CONFIG", "")
# Where each bureau's journal of pre-screened settlements lives ("off": the history in memory only).
YIBAO_PRESCREEN_JOURNAL_DIR = os.environ.get("YIBAO_PRESCREEN_JOURNAL_DIR", str(VAR_DIR / "prescreen"))
# How often a web worker looks for a newer successful screening run to load (seconds; 0: never).
YIBAO_PRESCREEN_REFRESH_SECONDS = float(os.environ.get("YIBAO_PRESCREEN_REFRESH_SECONDS", "300"))
# Off ("0"): API-key requests go through Django's middleware like every other (prescreen/wsgi.py).
YIBAO_PRESCREEN_FAST_PATH = os.environ.get("YIBAO_PRESCREEN_FAST_PATH", "1") != "0"

# Folders the web may screen datasets from and read rule configurations in (os.pathsep-separated;
# default var/). A path typed in the run form must resolve inside one of them, so a web user cannot
# make the server read arbitrary folders; the command line (an administrator's) is not limited.
YIBAO_DATASET_ROOTS = [Path(p) for p in os.environ.get("YIBAO_DATASET_ROOTS", "").split(os.pathsep) if p] or [VAR_DIR]

# Evidence files (证据材料) of cases: streamed to disk under this folder while hashed, never held whole in
# memory; a file larger than YIBAO_EVIDENCE_MAX_BYTES is refused while it arrives (default 4 GiB: videos).
YIBAO_EVIDENCE_ROOT = Path(os.environ.get("YIBAO_EVIDENCE_ROOT", VAR_DIR / "evidence"))
YIBAO_EVIDENCE_MAX_BYTES = int(os.environ.get("YIBAO_EVIDENCE_MAX_BYTES", str(4 * 1024 ** 3)))

# Uploaded documents read by the server (catalogue .xlsx/.docx/.html/.txt): what one may unpack to, its rows
# and columns, and how many problems a refusal lists (defaults in yibao.core.unpack.UploadLimits).
YIBAO_UPLOAD_MAX_UNPACKED_BYTES = int(os.environ.get("YIBAO_UPLOAD_MAX_UNPACKED_BYTES", str(64 * 1024 ** 2)))
YIBAO_UPLOAD_MAX_ROWS = int(os.environ.get("YIBAO_UPLOAD_MAX_ROWS", "50000"))
YIBAO_UPLOAD_MAX_COLUMNS = int(os.environ.get("YIBAO_UPLOAD_MAX_COLUMNS", "200"))
YIBAO_UPLOAD_MAX_PROBLEMS = int(os.environ.get("YIBAO_UPLOAD_MAX_PROBLEMS", "200"))
# A JSON body of the API may nest arrays and objects this deep (yibao.api.limits); its size is bounded by
# Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB unless set), both answered in the API's error shape.
YIBAO_API_MAX_JSON_DEPTH = int(os.environ.get("YIBAO_API_MAX_JSON_DEPTH", "32"))


# Background jobs and schedules (docs/background-jobs.md): django-q2 with the database as its queue, run
# by `yibao worker`. A job runs at most YIBAO_JOBS_TIMEOUT_SECONDS; the queue hands a job taken by a
# worker that vanished to another only after `retry`, so that is longer than any job may run. A job whose
# worker died is found sooner by the surviving or restarted worker (yibao.jobs.watchdog), every
# YIBAO_JOBS_WATCHDOG_SECONDS, and run again up to YIBAO_JOBS_MAX_ATTEMPTS times in all, then failed.
YIBAO_JOBS_WORKERS = int(os.environ.get("YIBAO_JOBS_WORKERS", "2"))
YIBAO_JOBS_TIMEOUT_SECONDS = int(os.environ.get("YIBAO_JOBS_TIMEOUT_SECONDS", str(2 * 3600)))
YIBAO_JOBS_WATCHDOG_SECONDS = float(os.environ.get("YIBAO_JOBS_WATCHDOG_SECONDS", "10"))
YIBAO_JOBS_MAX_ATTEMPTS = int(os.environ.get("YIBAO_JOBS_MAX_ATTEMPTS", "3"))
Q_CLUSTER = {
    "name": "yibao",
    "orm": "default",
    "workers": YIBAO_JOBS_WORKERS,
    # Jobs wait in the database, not in a worker's memory, so a dying worker strands few of them.
    "queue_limit": YIBAO_JOBS_WORKERS,
    "timeout": YIBAO_JOBS_TIMEOUT_SECONDS,
    "retry": YIBAO_JOBS_TIMEOUT_SECONDS + 600,
    # A job that raised is failed, not run again: only a job whose worker died is retried (watchdog).
    "ack_failures": True,
    "max_attempts": 1,
    # A daily job missed while the worker was down runs once when it is back, not once per missed day.
    "catch_up": False,
    "save_limit": 1000,
    "poll": float(os.environ.get("YIBAO_JOBS_POLL_SECONDS", "0.5")),
    "label": "后台任务",
    # Tests run a job inside the caller (YIBAO_JOBS_SYNC=1) unless they start a real worker.
    "sync": os.environ.get("YIBAO_JOBS_SYNC", "0") == "1",
}


# Official documents (docs/documents.md). Uploaded seals and bureau templates go under MEDIA_ROOT, rendered
# documents under YIBAO_DOCUMENTS_DIR; neither is served directly (pages check who may download).
# YIBAO_PUBLIC_URL is where the public verification page is reached from outside (printed in the QR code).
MEDIA_ROOT = Path(os.environ.get("YIBAO_MEDIA_ROOT", VAR_DIR / "media"))
YIBAO_DOCUMENTS_DIR = Path(os.environ.get("YIBAO_DOCUMENTS_DIR", VAR_DIR / "documents"))
YIBAO_PUBLIC_URL = os.environ.get("YIBAO_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
YIBAO_SOFFICE = os.environ.get("YIBAO_SOFFICE", "soffice")
YIBAO_DOCUMENT_RENDER_TIMEOUT_SECONDS = int(os.environ.get("YIBAO_DOCUMENT_RENDER_TIMEOUT_SECONDS", "120"))
# A bureau's own template of a kind (文书设置 → 文书模板): a .docx of a few pages is tens of KB, with a logo a few
# hundred; what it unpacks to is bounded by YIBAO_UPLOAD_MAX_UNPACKED_BYTES as for every office upload.
YIBAO_DOCUMENT_TEMPLATE_MAX_BYTES = int(os.environ.get("YIBAO_DOCUMENT_TEMPLATE_MAX_BYTES", str(5 * 1024 ** 2)))


# Audit trail (docs/security.md, 安全审计). The chain's HMAC key is kept outside the database: from the
# environment, else a key file created (mode 0600) on first use; production must set YIBAO_AUDIT_KEY. The
# chain's head is anchored in YIBAO_AUDIT_ANCHOR_FILE (append-only lines a site ships elsewhere); archived
# events go to YIBAO_AUDIT_ARCHIVE_DIR; pre-screen calls to the access log under YIBAO_LOG_DIR.
YIBAO_AUDIT_KEY = os.environ.get("YIBAO_AUDIT_KEY", "")
YIBAO_AUDIT_KEY_FILE = Path(os.environ.get("YIBAO_AUDIT_KEY_FILE", VAR_DIR / "audit.key"))
YIBAO_AUDIT_ANCHOR_FILE = Path(os.environ.get("YIBAO_AUDIT_ANCHOR_FILE", VAR_DIR / "audit-anchors.log"))
YIBAO_AUDIT_ARCHIVE_DIR = Path(os.environ.get("YIBAO_AUDIT_ARCHIVE_DIR", VAR_DIR / "audit-archive"))
# How many proxies in front of the server append to X-Forwarded-For: the client address is the one they
# were handed (0: the socket's peer address; a header the client wrote itself is not believed).
YIBAO_TRUSTED_PROXIES = int(os.environ.get("YIBAO_TRUSTED_PROXIES", "0"))
