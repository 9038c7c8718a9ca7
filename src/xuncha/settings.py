"""Django settings, all derived from xuncha.config (XUNCHA_* variables and DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from xuncha import config, datadir, filestores

CONFIG = config.load()
DATA_DIR: Path = CONFIG["XUNCHA_DATA_DIR"]
datadir.secure(DATA_DIR)  # 0700 folder, 0600 files: the server's account alone reads the data
DATA_DIR.mkdir(parents=True, exist_ok=True)
REUSE_INDEX_DIR = DATA_DIR / "reuse-index"  # the persisted 雷同 index of progress reports and notices


def _secret_key() -> str:
    if CONFIG["XUNCHA_SECRET_KEY"]:
        return CONFIG["XUNCHA_SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written once with owner-only rights; later starts reuse it so sessions survive restarts.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = CONFIG["XUNCHA_DEBUG"]
ALLOWED_HOSTS = CONFIG["XUNCHA_ALLOWED_HOSTS"]
CSRF_TRUSTED_ORIGINS = CONFIG["XUNCHA_CSRF_TRUSTED_ORIGINS"]

INSTALLED_APPS = [
    "xuncha.ledger.adminsite.SysAdminConfig",  # django.contrib.admin, for the system administrator
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "xuncha.ledger",
    "xuncha.web",
    "django_q",
    "xuncha.jobs",
    "xuncha.notify",
    "xuncha.portal",
    "xuncha.analytics",
    "xuncha.api",  # before ninja: its templates/ninja/swagger.html frames the documentation page
    "ninja",  # its bundled Swagger UI files, served from /static/ (no CDN)
    "xuncha.provenance",
    "xuncha.evaluation",
    "xuncha.exchange",
]

MIDDLEWARE = [
    "xuncha.web.requestid.RequestIdMiddleware",  # first: its id is on every log line after it
    "xuncha.web.proxy.TrustedProxyMiddleware",  # before anything reads the address or scheme
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "xuncha.portal.middleware.PortalMiddleware",  # the portal host, and cached public pages
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xuncha.web.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "xuncha.web.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "xuncha.urls"
WSGI_APPLICATION = "xuncha.wsgi.application"

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
                "xuncha.web.context.staff",
                "xuncha.notify.context.inbox",
                "xuncha.exchange.context.exchange",
            ],
        },
    },
]

_SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing mid-transaction.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
# Deleted rows and files' pages are overwritten with zeros, not left in the free pages
# (剩余信息保护, docs/security.md).
_SQLITE_OPTIONS["init_command"] += " PRAGMA secure_delete=ON;"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        DATABASES["default"].setdefault("OPTIONS", {}).update(_SQLITE_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "xuncha.sqlite3",
            "OPTIONS": _SQLITE_OPTIONS,
            # Each server thread keeps its connection: opening one (WAL pragmas, functions)
            # was a tenth of a notice page's CPU time.
            "CONN_MAX_AGE": 60,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Derived page parts (体检 of a notice) are cached: by default in a database table, which every
# server and worker process sharing the database sees (created by migration ledger 0004).
_CACHE_URL = CONFIG["XUNCHA_CACHE_URL"]
_CACHE_BACKENDS = {
    "db": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "xuncha_cache",
           "OPTIONS": {"MAX_ENTRIES": 20_000}},
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "none": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
CACHES = {"default": _CACHE_BACKENDS.get(_CACHE_URL) or {
    "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}}
# Keys are content digests, so an old entry is never read again: a week keeps the table small.
CACHES["default"]["TIMEOUT"] = 7 * 24 * 3600

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Evidence, published notices and staged imports: one storage alias per kind (filestores.KINDS).
if CONFIG["XUNCHA_STORAGE"] == "s3":
    if not CONFIG["XUNCHA_S3_BUCKET"]:
        raise config.ConfigError("XUNCHA_S3_BUCKET: required when XUNCHA_STORAGE=s3")
    STORAGES.update(filestores.s3(
        CONFIG["XUNCHA_S3_BUCKET"], CONFIG["XUNCHA_S3_ENDPOINT_URL"], CONFIG["XUNCHA_S3_REGION"],
        CONFIG["XUNCHA_S3_ACCESS_KEY"], CONFIG["XUNCHA_S3_SECRET_KEY"]))
else:
    STORAGES.update(filestores.local(DATA_DIR))
# Serve from the app folders directly: no collectstatic step for a laptop install.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Staff row with the user on every request; ModelBackend still reads sessions made before it.
AUTHENTICATION_BACKENDS = ["xuncha.web.auth.StaffBackend",
                           "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# Idle expiry: a request renews the session at most once a minute (SessionRenewalMiddleware),
# so it ends after N quiet minutes without a session write on every request.
SESSION_COOKIE_AGE = CONFIG["XUNCHA_SESSION_IDLE_MINUTES"] * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# -- HTTPS deployments and the reverse proxy (docs/configuration.md, "Production") --
HTTPS = CONFIG["XUNCHA_HTTPS"]
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
if HTTPS:  # __Host-: the browser keeps them only if Secure, for "/", for this exact host
    SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "__Host-sessionid", "__Host-csrftoken"
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and CONFIG["XUNCHA_HSTS_PRELOAD"]
# Preloading is a separate, slow-to-undo commitment to the browsers' lists (and impossible for an
# intranet name), so it is its own setting and Django's reminder of it is not a warning here.
SILENCED_SYSTEM_CHECKS = ["security.W021"] if HTTPS and not SECURE_HSTS_PRELOAD else []
# X-Forwarded-For/-Proto count only from these peers (web/proxy.py strips them from any other).
TRUSTED_PROXIES = CONFIG["XUNCHA_TRUSTED_PROXIES"]
AUDIT_ARCHIVE_DELETE = CONFIG["XUNCHA_AUDIT_ARCHIVE_DELETE"]
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# -- Content-Security-Policy on every response (django-csp): the site's own origin only --
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],  # a nonce for an inline script; no 'unsafe-inline'
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],  # no page needs <base>; ASVS 5.0 3.4.3 asks for 'none'
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}}

EVIDENCE_MAX_BYTES = CONFIG["XUNCHA_EVIDENCE_MAX_MB"] * 1024 * 1024
REUSE_MAX_BYTES = CONFIG["XUNCHA_REUSE_MAX_MB"] * 1024 * 1024
# 佐证材料核验 (xuncha.provenance): near-same images and bursts of uploads before a deadline.
PROVENANCE_NEAR_BITS = CONFIG["XUNCHA_PROVENANCE_NEAR_BITS"]
PROVENANCE_BURST_FILES = CONFIG["XUNCHA_PROVENANCE_BURST_FILES"]
PROVENANCE_BURST_MINUTES = CONFIG["XUNCHA_PROVENANCE_BURST_MINUTES"]
# Zip containers (.docx, .xlsx): the core's limit, applied by WebConfig.ready.
ZIP_MAX_MB = CONFIG["XUNCHA_ZIP_MAX_MB"]
# Uploads above this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Upload limits: each file is cut off while the request streams in (web/uploads.py), before
# any service reads it; the form fields of a request stay under DATA_UPLOAD_MAX_MEMORY_SIZE.
IMPORT_MAX_BYTES = CONFIG["XUNCHA_IMPORT_MAX_MB"] * 1024 * 1024
IMPORT_STAGING_HOURS = CONFIG["XUNCHA_IMPORT_STAGING_HOURS"]
FILE_UPLOAD_HANDLERS = [
    "xuncha.web.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_PERMISSIONS = 0o600  # temporary upload files: the server's account only
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
WARNING_DAYS = CONFIG["XUNCHA_WARNING_DAYS"]
RECTIFICATION_MONTHS = CONFIG["XUNCHA_RECTIFICATION_MONTHS"]
# 销号 policy, read by ledger.transitions
CLOSEOUT_ENDORSEMENT = CONFIG["XUNCHA_CLOSEOUT_ENDORSEMENT"]
CLOSEOUT_SEPARATE_APPROVER = CONFIG["XUNCHA_CLOSEOUT_SEPARATE_APPROVER"]
CLOSEOUT_EVIDENCE = CONFIG["XUNCHA_CLOSEOUT_EVIDENCE"]
CLOSEOUT_ACCOUNT_MIN_CHARS = CONFIG["XUNCHA_CLOSEOUT_ACCOUNT_MIN_CHARS"]
CLOSEOUT_REQUIRE_ANALYSIS = CONFIG["XUNCHA_CLOSEOUT_REQUIRE_ANALYSIS"]
PAGE_SIZE = CONFIG["XUNCHA_PAGE_SIZE"]
LINT_OVERRIDES = CONFIG["XUNCHA_LINT"]

# -- background jobs: django-q2 under xuncha.jobs (docs/architecture.md, "Background jobs") --
JOB_TIMEOUT = CONFIG["XUNCHA_JOB_TIMEOUT_SECONDS"]
JOB_RETRY_SECONDS = CONFIG["XUNCHA_JOB_RETRY_SECONDS"]
JOB_MODULES = CONFIG["XUNCHA_JOB_MODULES"]
JOB_KEEP_DAYS = CONFIG["XUNCHA_JOB_KEEP_DAYS"]
Q_CLUSTER = {
    "name": "xuncha",
    "workers": CONFIG["XUNCHA_WORKERS"],
    "timeout": JOB_TIMEOUT,
    # An unacknowledged task comes back after `retry` seconds; it must outlast the timeout.
    "retry": JOB_TIMEOUT + max(2, JOB_TIMEOUT // 10),
    "max_attempts": 0,  # our runner retries with growing delays; the broker only redelivers
    "ack_failures": True,
    "catch_up": False,  # a worker that was down runs a missed daily schedule once, not once a day
    "poll": 1,  # seconds between ORM broker polls when idle: light on SQLite
    "save_limit": 200,
    "label": "队列（django-q2）",
}
if CONFIG["XUNCHA_QUEUE"]:
    Q_CLUSTER["redis"] = CONFIG["XUNCHA_QUEUE"]
else:
    Q_CLUSTER["orm"] = "default"
REUSE_CHECK_DAYS = CONFIG["XUNCHA_REUSE_CHECK_DAYS"]
IMPORT_BACKGROUND_ROWS = CONFIG["XUNCHA_IMPORT_BACKGROUND_ROWS"]
EXPORT_BACKGROUND_MEASURES = CONFIG["XUNCHA_EXPORT_BACKGROUND_MEASURES"]
EXPORT_KEEP_DAYS = CONFIG["XUNCHA_EXPORT_KEEP_DAYS"]
REUSE_BATCH_MAX_BYTES = CONFIG["XUNCHA_REUSE_BATCH_MAX_MB"] * 1024 * 1024
REUSE_BATCH_MAX_FILES = CONFIG["XUNCHA_REUSE_BATCH_MAX_FILES"]
REUSE_DAILY_CHECKS = CONFIG["XUNCHA_REUSE_DAILY_CHECKS"]

# Every line shows the request id (or "-"); refusals (4xx) are one line, without a traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "xuncha.web.requestid.RequestIdFilter"},
                "refusals": {"()": "xuncha.web.requestid.RefusalFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s "
                                       "%(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["request_id", "refusals"]}},
    "loggers": {
        "xuncha": {"handlers": ["console"], "level": CONFIG["XUNCHA_LOG_LEVEL"]},
        "django.request": {"handlers": ["console"], "level": "WARNING"},
        "django.security": {"handlers": ["console"], "level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "xuncha.web.views.common.csrf_failure"

# -- logging in: lockout and throttle (django-axes), session lifetime, passwords --
# docs/security.md, "身份鉴别"; the settings are in docs/configuration.md.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += [
    "xuncha.web.middleware.SessionLifetimeMiddleware",  # after auth and messages
    "xuncha.web.middleware.PasswordExpiryMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a refused login into the lockout page
]
# Refused writes (403/404/405 to a POST) are audit records; after auth, so the actor is known.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "xuncha.web.refusals.RefusalAuditMiddleware")
# Every request made with an API token leaves a use-log row (xuncha.api.middleware).
MIDDLEWARE.insert(MIDDLEWARE.index("xuncha.web.refusals.RefusalAuditMiddleware"),
                  "xuncha.api.middleware.TokenUseMiddleware")
# A 404 or 405 under /api/ answers in the API's one error shape, not the site's page.
MIDDLEWARE.insert(MIDDLEWARE.index("xuncha.api.middleware.TokenUseMiddleware"),
                  "xuncha.api.middleware.ErrorShapeMiddleware")
# Axes first: it refuses a locked account before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
LOCKOUT_MINUTES = CONFIG["XUNCHA_LOCKOUT_MINUTES"]
THROTTLE_FAILURES = CONFIG["XUNCHA_THROTTLE_FAILURES"]
AXES_HANDLER = "xuncha.web.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = CONFIG["XUNCHA_LOCKOUT_FAILURES"]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOCKOUT_MINUTES)
# A lockout lasts its time from the failure that caused it; tries during it do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "xuncha.web.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "xuncha.web.context.client_ip"  # the same address the audit records
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in xuncha's own audit trail
AXES_ENABLE_ADMIN = False  # attempts are released through xuncha (audited), not the admin
SESSION_MAX_SECONDS = CONFIG["XUNCHA_SESSION_MAX_HOURS"] * 3600
PASSWORD_MIN_LENGTH = CONFIG["XUNCHA_PASSWORD_MIN_LENGTH"]
PASSWORD_MAX_DAYS = CONFIG["XUNCHA_PASSWORD_MAX_DAYS"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "xuncha.ledger.passwords.LengthValidator"},
    {"NAME": "xuncha.ledger.passwords.CharacterClassValidator"},
    {"NAME": "xuncha.ledger.passwords.CommonPasswordValidator"},
    {"NAME": "xuncha.ledger.passwords.NameLikeValidator"},
]

# -- second factor (django-otp: TOTP and recovery codes) and the 三员 (docs/security.md) --
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
# OTPMiddleware right after authentication: it tells request.user whether a device was verified.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "django_otp.middleware.OTPMiddleware")
# Before password expiry: the second factor comes first, then the password's age.
MIDDLEWARE.insert(MIDDLEWARE.index("xuncha.web.middleware.PasswordExpiryMiddleware"),
                  "xuncha.web.twofactor.SecondFactorMiddleware")
TWO_FACTOR = CONFIG["XUNCHA_2FA"]
OTP_TOTP_ISSUER = "xuncha 巡察整改"
OTP_TOTP_THROTTLE_FACTOR = 1  # a wrong code doubles the wait before the next try (1 s, 2 s, 4 s…)
OTP_STATIC_THROTTLE_FACTOR = 1
# -- notifications and the 督办 ladder (xuncha.notify, docs/notifications.md) --
# E-mail through Django's mail settings: "console" prints messages (the demo), "none" drops them.
EMAIL_BACKEND = {"smtp": "django.core.mail.backends.smtp.EmailBackend",
                 "console": "django.core.mail.backends.console.EmailBackend",
                 "none": "django.core.mail.backends.dummy.EmailBackend"}[CONFIG["XUNCHA_EMAIL_BACKEND"]]
EMAIL_HOST = CONFIG["XUNCHA_EMAIL_HOST"]
EMAIL_PORT = CONFIG["XUNCHA_EMAIL_PORT"]
EMAIL_HOST_USER = CONFIG["XUNCHA_EMAIL_USER"]
EMAIL_HOST_PASSWORD = CONFIG["XUNCHA_EMAIL_PASSWORD"]
EMAIL_USE_TLS = CONFIG["XUNCHA_EMAIL_TLS"]
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = CONFIG["XUNCHA_EMAIL_FROM"]
SITE_URL = CONFIG["XUNCHA_SITE_URL"]  # links in e-mails
# The ladder's defaults, from practice (江津's 20/10-day warnings); the office changes them on
# the 督办设置 page. Audiences per notification kind: owner, unit_editor, unit_leader,
# office_admin, requester.
NOTIFY_LADDER = {
    "reminder_days": [20, 10, 0],
    "interview_days": 30,
    "reply_days": 15,
    "issuer": "巡察工作领导小组办公室",
    "audiences": {
        "reminder": ["owner", "unit_editor"],
        "overdue": ["owner", "unit_editor", "unit_leader"],
        "supervision": ["unit_leader", "office_admin"],
        "interview": ["unit_leader", "office_admin"],
        "supervision_answered": ["office_admin"],
        "supervision_decided": ["unit_editor", "unit_leader"],
        "closeout_to_endorse": ["unit_leader"],
        "closeout_to_decide": ["office_admin"],
        "closeout_approved": ["requester", "unit_editor"],
        "closeout_returned": ["requester", "unit_editor"],
        "extension_decided": ["requester", "unit_editor"],
        "finding_reopened": ["unit_editor", "unit_leader"],
        "file_mismatch": ["office_admin", "sys_admin", "security_admin"],
        "comment_received": ["unit_editor"],
        "comment_declined": ["office_admin"],
        "comment_overdue": ["unit_editor", "unit_leader"],
        "reply_overdue": ["unit_leader", "office_admin"],
    },
}
# Kinds sent by e-mail to someone who has not chosen (the rest are in the inbox and the digest).
NOTIFY_EMAIL_KINDS = ["supervision", "interview", "closeout_to_endorse", "closeout_to_decide", "closeout_approved",
                      "closeout_returned", "extension_decided", "finding_reopened", "file_mismatch",
                      "comment_declined", "reply_overdue"]
# -- the public portal (xuncha.portal; docs/portal.md) --
PORTAL_HOST = CONFIG["XUNCHA_PORTAL_HOST"].strip().lower()
PORTAL_REPLY_DAYS = CONFIG["XUNCHA_PORTAL_REPLY_DAYS"]
PORTAL_COMMENT_LIMIT = CONFIG["XUNCHA_PORTAL_COMMENT_LIMIT"]
PORTAL_LOOKUP_LIMIT = CONFIG["XUNCHA_PORTAL_LOOKUP_LIMIT"]
PORTAL_CACHE_SECONDS = CONFIG["XUNCHA_PORTAL_CACHE_SECONDS"]
# Rate limits, challenges and the page generation must be shared and real even when derived
# parts are not cached (XUNCHA_CACHE_URL=none): then the portal keeps them in the database table.
CACHES["portal"] = dict(_CACHE_BACKENDS["db"] if _CACHE_URL == "none" else CACHES["default"])
if PORTAL_HOST and "*" not in ALLOWED_HOSTS and PORTAL_HOST not in ALLOWED_HOSTS:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, PORTAL_HOST]
