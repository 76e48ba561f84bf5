"""Django settings for Rogatory, read from environment variables.

Every variable has a safe default for a single local machine (SQLite under ``var/``, no
HTTPS, console e-mail). Production sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and
HTTPS=1; see docs/decisions/0003-settings-from-environment.md.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from rogatory.lib.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

# Where the embedded database, uploaded documents and the generated secret key live.
DATA_DIR = Path(env.string("DATA_DIR", str(BASE_DIR / "var"))).resolve()
# The test suite runs in parallel (pytest-xdist, scripts/test.sh): each worker has its own
# database and, here, its own data folder (documents, search index, keys).
if _worker := os.environ.get("PYTEST_XDIST_WORKER"):
    DATA_DIR = DATA_DIR / _worker

DEBUG = env.boolean("DEBUG", False)
# HTTPS=1 when a TLS-terminating proxy sits in front: secure cookies, HSTS, redirects.
HTTPS = env.boolean("HTTPS", False)


def _secret_key() -> str:
    """Use SECRET_KEY, or a key generated once and kept in DATA_DIR for local installs."""
    key = env.string("SECRET_KEY", "")
    if key:
        if len(key) < 50 and not DEBUG:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.csv_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.csv_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    # The Django admin behind a verified second factor (accounts/admin_site.py, decision 0018).
    "rogatory.accounts.admin_site.RogatoryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI from its own static files, not from a CDN
    # Second factors (decision 0018): TOTP, recovery codes, WebAuthn security keys/passkeys.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "rogatory.web",
    "rogatory.reference",
    "rogatory.accounts",
    "rogatory.audit",
    "rogatory.treaties",
    "rogatory.directory",
    "rogatory.cases",
    "rogatory.notifications",  # e-mail at once or in the daily digest (decision 0027)
    "rogatory.drafting",
    "rogatory.knowledge",
    "rogatory.exchange",
    "rogatory.assets",  # asset recovery from tracing to return (decision 0037)
    "rogatory.demo",
    "rogatory.operations",  # manage.py backup / restore (decision 0023)
    "rogatory.auditreview",  # the review of the audit trail and access log (decision 0020)
    "rogatory.statistics",  # statistics with their counting rules (decision 0038)
    "axes",  # login lock-out (decision 0019)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CSP, Permissions-Policy, no-store for casework (decision 0022); after static files
    "rogatory.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # 400 for control characters (NUL…) in a path, query string or form (decision 0021)
    "rogatory.lib.middleware.RefuseControlCharacters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Second factor and session life (decision 0018): which device verified the session, the
    # idle timeout and the sessions list, then "verify or enrol first".
    "django_otp.middleware.OTPMiddleware",
    "rogatory.accounts.middleware.SessionActivityMiddleware",
    "rogatory.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked-out login into its page (last)
]

ROOT_URLCONF = "rogatory.urls"
WSGI_APPLICATION = "rogatory.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rogatory" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'rogatory.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during a write; IMMEDIATE avoids "database is locked" upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in-memory for tests
# Reuse connections between requests (the exchange endpoint answers many small ones).
DATABASES["default"]["CONN_MAX_AGE"] = env.integer("DB_CONN_MAX_AGE", 60, minimum=0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Breached and guessable passwords, from zxcvbn's offline lists (decision 0019).
    {"NAME": "rogatory.accounts.passwords.GuessablePasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Sessions and CSRF: HttpOnly, SameSite and, behind HTTPS, Secure.
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 60 * 60 * 8, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sessions know their user, client address, browser and last activity, so users see and end
# them (accounts/session_store.py); a session unused this long (seconds) ends.
SESSION_ENGINE = "rogatory.accounts.session_store"
SESSION_IDLE_TIMEOUT = env.integer("SESSION_IDLE_TIMEOUT", 30 * 60, minimum=60)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = HTTPS

# E-mail: the console locally; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env.string("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.integer("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env.string("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "rogatory@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where links in e-mails sent by the daily jobs point (e.g. https://rogatory.example.org);
# e-mails sent while a person uses the site take the address of their request.
SITE_URL = env.string("SITE_URL", "")

# Languages: the six official languages of the United Nations, in UN order.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day first, as the UN writes them (rogatory/formats/en/formats.py).
FORMAT_MODULE_PATH = ["rogatory.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.string("TIME_ZONE", "UTC")

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# English first, then any language the text was written in (e.g. an authority named only in
# French still shows its name in Chinese).
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "fr", "es", "ru", "ar", "zh-hans")}

# A directory record not verified for this many days is shown with a warning.
DIRECTORY_STALE_AFTER_DAYS = env.integer("DIRECTORY_STALE_AFTER_DAYS", 365, minimum=1)
# Statistics reports (decision 0041): counts from 1 to this minus one are hidden in reports that
# leave the authority; a ministry's own report layouts (TOML) are read from this folder.
STATISTICS_SUPPRESSION_THRESHOLD = env.integer("STATISTICS_SUPPRESSION_THRESHOLD", 3, minimum=1)
# Days a report run (its PDF, workbook and figures) is kept after it was written; a report
# marked as sent is a snapshot of its own and stays.
STATISTICS_REPORT_RUN_DAYS = env.integer("STATISTICS_REPORT_RUN_DAYS", 30, minimum=1)
STATISTICS_REPORT_LAYOUTS_DIR = Path(
    env.string("STATISTICS_REPORT_LAYOUTS_DIR", str(DATA_DIR / "report-layouts"))
)

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "rogatory" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "documents"  # outside the web root; served only by access-checked views
# Largest file an officer may bring into a case through the resumable upload (phone images,
# bank exports); its chunks wait in DATA_DIR/uploads until `manage.py process_uploads` checks it.
CASE_LARGE_UPLOAD_MAX = env.integer("CASE_LARGE_UPLOAD_MAX", 8 * 1024**3, minimum=1)
# Uploads (decision 0022). Request bodies over 2.5 MB wait in FILE_UPLOAD_TEMP_DIR, a private
# folder of ours that `manage.py secure_storage` sweeps after a crash (the system's /tmp is
# shared); what Django stores is readable by the service user only.
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "tmp"
# A read-only checkout (docs, checks) cannot make it: uploads are not served from it.
with contextlib.suppress(OSError):
    FILE_UPLOAD_TEMP_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Longest the structural check of one upload may inflate a package (DOCX, XLSX, ODT…), and
# longest the knowledge base's import page works on one upload (the rest: upload it again).
UPLOAD_CHECK_SECONDS = env.integer("UPLOAD_CHECK_SECONDS", 60, minimum=1)
KNOWLEDGE_IMPORT_SECONDS = env.integer("KNOWLEDGE_IMPORT_SECONDS", 60, minimum=1)

# Secure exchange between nodes (decision 0017). The key-encryption key protects this node's
# private keys in the database; it lives outside it: EXCHANGE_KEK (comma-separated, newest
# first, for rotation) or the file EXCHANGE_KEK_FILE, made by `manage.py exchange_init`.
# Back it up with the database: without it the node's keys cannot be read.
EXCHANGE_KEK = env.csv_list("EXCHANGE_KEK", [])
EXCHANGE_KEK_FILE = Path(env.string("EXCHANGE_KEK_FILE", str(DATA_DIR / "exchange.kek")))
# Clock skew tolerated between nodes, and how long a message may take to arrive (message ids
# are kept for ever, so a replay is refused well beyond this age).
EXCHANGE_MAX_SKEW_SECONDS = env.integer("EXCHANGE_MAX_SKEW_SECONDS", 300, minimum=0)
EXCHANGE_MAX_MESSAGE_AGE_HOURS = env.integer("EXCHANGE_MAX_MESSAGE_AGE_HOURS", 168, minimum=1)
# Evidence timeouts: e-CODEX's defaults (relay 12 h, delivery 24 h, retrieval 36 h).
EXCHANGE_RELAY_TIMEOUT_HOURS = env.integer("EXCHANGE_RELAY_TIMEOUT_HOURS", 12, minimum=1)
EXCHANGE_DELIVERY_TIMEOUT_HOURS = env.integer("EXCHANGE_DELIVERY_TIMEOUT_HOURS", 24, minimum=1)
EXCHANGE_RETRIEVAL_TIMEOUT_HOURS = env.integer("EXCHANGE_RETRIEVAL_TIMEOUT_HOURS", 36, minimum=1)
# Attachments travel in chunks of this size; a part larger than the maximum is refused.
EXCHANGE_CHUNK_SIZE = env.integer("EXCHANGE_CHUNK_SIZE", 8 * 1024 * 1024, minimum=4096)
EXCHANGE_MAX_PART_SIZE = env.integer("EXCHANGE_MAX_PART_SIZE", 8 * 1024**3, minimum=1)
# A message whose attachments add up to more than this is checked and filed by the worker
# rather than within the request that brought its last chunk.
EXCHANGE_FILE_INLINE_MAX = env.integer("EXCHANGE_FILE_INLINE_MAX", 64 * 1024 * 1024, minimum=0)
# Requests per minute and client address on the exchange endpoint, and the lower limit for
# input we could not authenticate.
EXCHANGE_RATE_LIMIT_PER_MINUTE = env.integer("EXCHANGE_RATE_LIMIT_PER_MINUTE", 30000, minimum=1)
EXCHANGE_JUNK_LIMIT_PER_MINUTE = env.integer("EXCHANGE_JUNK_LIMIT_PER_MINUTE", 120, minimum=1)
# How long a worker holds a message it is delivering (renewed with every chunk): a worker
# killed mid-transfer blocks the message no longer than this.
EXCHANGE_LEASE_SECONDS = env.integer("EXCHANGE_LEASE_SECONDS", 60, minimum=1)
# First wait before a delivery is retried, doubled at each attempt (with jitter), up to 1 h.
EXCHANGE_RETRY_BASE_MS = env.integer("EXCHANGE_RETRY_BASE_MS", 5000, minimum=1)
EXCHANGE_HTTP_TIMEOUT_SECONDS = env.integer("EXCHANGE_HTTP_TIMEOUT_SECONDS", 60, minimum=1)

# --- Lock-out, limits and API tokens (decision 0019) ---
# django-axes: failures counted per username and client address together, in the database.
AUTHENTICATION_BACKENDS = [
    "rogatory.accounts.throttle.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.integer("LOGIN_FAILURE_LIMIT", 10, minimum=3)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.integer("LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "rogatory.accounts.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "rogatory.accounts.throttle.axes_client_ip"
AXES_ENABLE_ADMIN = True  # site administrators see and delete attempts in the Django admin
AXES_DISABLE_ACCESS_LOG = True  # successful logins go to the audit trail, not a second log
# Masked in the form data axes keeps with each failure (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
# Reverse proxies in front of the server whose X-Forwarded-For we believe (one behind HTTPS).
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 1 if HTTPS else 0, minimum=0)
# Password-reset mails per address and reset requests per client address, per hour.
PASSWORD_RESET_MAILS_PER_ADDRESS = env.integer("PASSWORD_RESET_MAILS_PER_ADDRESS", 3, minimum=1)
PASSWORD_RESET_REQUESTS_PER_CLIENT = env.integer(
    "PASSWORD_RESET_REQUESTS_PER_CLIENT", 10, minimum=1
)
# zxcvbn score (0-4) a new password must reach.
PASSWORD_MIN_SCORE = env.integer("PASSWORD_MIN_SCORE", 3, minimum=0)
# API tokens: default and longest life in days; calls per minute per user; failed tokens per
# client address in ten minutes.
API_TOKEN_DAYS = env.integer("API_TOKEN_DAYS", 90, minimum=1)
API_TOKEN_MAX_DAYS = env.integer("API_TOKEN_MAX_DAYS", 366, minimum=1)
API_RATE_LIMIT_PER_MINUTE = env.integer("API_RATE_LIMIT_PER_MINUTE", 120, minimum=1)
API_BAD_TOKENS_PER_10_MINUTES = env.integer("API_BAD_TOKENS_PER_10_MINUTES", 20, minimum=1)
# Calls without a token (legal basis, knowledge) per minute and client address.
API_ANONYMOUS_RATE_LIMIT_PER_MINUTE = env.integer(
    "API_ANONYMOUS_RATE_LIMIT_PER_MINUTE", 120, minimum=1
)

# --- Audit: security events, access log, checkpoints (decision 0020) ---
# Keys kept outside the database, made on first use (mode 0600): the HMAC keys of the access
# log (one hex key a line, newest first) and the Ed25519 key that signs checkpoints of the
# chain head. Back up the first with the database (without it the access log cannot be
# checked); the second may live on other storage (a lost one is replaced, kept checkpoints
# still verify with the public key printed on them).
AUDIT_ACCESS_LOG_KEY_FILE = Path(
    env.string("AUDIT_ACCESS_LOG_KEY_FILE", str(DATA_DIR / "audit-access-log.key"))
)
AUDIT_CHECKPOINT_KEY_FILE = Path(
    env.string("AUDIT_CHECKPOINT_KEY_FILE", str(DATA_DIR / "audit-checkpoint.key"))
)
# Where `manage.py audit_checkpoint` keeps a copy of each checkpoint (copy them off the machine).
AUDIT_CHECKPOINT_DIR = Path(env.string("AUDIT_CHECKPOINT_DIR", str(DATA_DIR / "audit-checkpoints")))
# Access-log entries younger than this are left for the next seal (still being written).
AUDIT_ACCESS_SEAL_GRACE_SECONDS = env.integer("AUDIT_ACCESS_SEAL_GRACE_SECONDS", 300, minimum=0)

# --- Second factors (decision 0018) ---
# Required for site administrators and staff always, and for the members of an authority
# whose administrators turn it on. TOTP works everywhere; WebAuthn (security keys, passkeys)
# needs the browser to reach the site by a host name over HTTPS (or http://localhost):
# WEBAUTHN_RP_ID is that host name, WEBAUTHN_ORIGINS the exact origins users type.
OTP_TOTP_ISSUER = env.string("OTP_TOTP_ISSUER", "Rogatory")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_WEBAUTHN_RP_ID = env.string("WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_RP_NAME = "Rogatory"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.csv_list(
    "WEBAUTHN_ORIGINS",
    [f"https://{OTP_WEBAUTHN_RP_ID}", f"http://localhost:{env.string('PORT', '8000')}"],
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a passkey is the second factor, after the password
# How many recovery codes a user gets (each works once).
MFA_RECOVERY_CODES = 10

# --- Backup and restore (decision 0023) ---
# `manage.py backup` encrypts to age recipients (public keys, "age1..."): BACKUP_RECIPIENTS
# (comma-separated) and the file BACKUP_RECIPIENTS_FILE (one a line; `manage.py backup_keygen`
# appends to it). The identity (private key) that restores is needed only by `manage.py
# restore` (--identity or BACKUP_IDENTITY_FILE; its passphrase, if any, from
# BACKUP_IDENTITY_PASSPHRASE or a prompt) and belongs off this machine.
BACKUP_RECIPIENTS = env.csv_list("BACKUP_RECIPIENTS", [])
BACKUP_RECIPIENTS_FILE = Path(
    env.string("BACKUP_RECIPIENTS_FILE", str(DATA_DIR / "backup-recipients.txt"))
)
BACKUP_IDENTITY_FILE = env.string("BACKUP_IDENTITY_FILE", "")
# The folder of pg_dump/pg_restore of the server's major version (default: found on PATH).
BACKUP_PG_BINDIR = env.string("BACKUP_PG_BINDIR", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
    # fpdf2's font subsetting logs a dozen INFO lines per font per PDF: warnings only.
    "loggers": {"fontTools": {"level": "WARNING"}},
}

# The covering index case_statistics (cases.Case, decision 0044) INCLUDEs columns on
# PostgreSQL; SQLite keeps the key columns only and Django warns about it on every command.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
