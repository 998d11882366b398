"""Settings shared by every environment; the environment is read here and nowhere else.

Variables (all optional for trying the app, see README):
  DEBUG            "1"/"true" for development. Off by default, so a forgotten variable fails safe.
  SECRET_KEY       required whenever DEBUG is off.
  DATABASE_URL     e.g. postgres://user:pass@host:5432/name. Defaults to a SQLite file for trying the app;
                   PostgreSQL is the production database and the one the tests run on.
  ALLOWED_HOSTS    comma-separated host names.
  DEMO_PASSWORD    password given to the demo users by `manage.py load_demo`.
  DEMO_DATA        "1" lets `manage.py load_demo` create the demo users (`make run` sets it). Never on a real
                   installation: the users' password is published in the README.
  THREESIXTYGIVING_PREFIX  the 360Giving publisher prefix for published grant identifiers (360G-…).
  EMAIL_URL        e.g. smtp://user:pass@host:587 (console by default).
  SITE_URL         the address people open the app at, for links in e-mails (default http://127.0.0.1:8000).
  STATIC_ROOT      where `collectstatic` writes (default: staticfiles/ in the checkout).
  TWO_FACTOR_KEY   key that encrypts two-factor secrets at rest (default: derived from SECRET_KEY).
  SIGN_IN_EVENTS_RETENTION_DAYS  how long sign-in records are kept (default 400 days).
  REFUSED_REQUESTS_RETENTION_DAYS  how long the record of refused requests (403, 404) is kept (default 90 days).
  KEPT_DOCUMENTS_DAYS  how long a document made in the task queue is kept after it was last asked for (default 30).
  KEPT_PAGES       "0" makes every page afresh on every request instead of handing out a kept copy while what it
                   shows is unchanged (grants/kept_pages.py; default on).
  DEFAULT_FROM_EMAIL, CSRF_TRUSTED_ORIGINS, TIME_ZONE are also read.
  TASKS_IMMEDIATE  "1" runs background tasks (e-mails, reminders) at once in the web process instead of queueing
                   them for `manage.py db_worker`. Default: on when DEBUG is on, off otherwise (docs/deploy.md).
  MEDIA_ROOT       where supporting documents are kept when no bucket is set (default ./media).
  DOCUMENT_MAX_MB  the largest supporting document accepted, in megabytes (default 10).
  UPLOAD_MAX_MB    the largest file any upload may send, in megabytes (default: DOCUMENT_MAX_MB); the rest of a
                   larger one is read and thrown away, never kept in memory or on disk.
  DOCUMENTS_S3_BUCKET  an S3-compatible bucket for supporting documents instead of MEDIA_ROOT, with
                   DOCUMENTS_S3_ENDPOINT_URL, DOCUMENTS_S3_REGION, DOCUMENTS_S3_ACCESS_KEY_ID,
                   DOCUMENTS_S3_SECRET_ACCESS_KEY and DOCUMENTS_S3_PREFIX (all optional but the bucket).
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from import_export.formats import base_formats

from partnerships.spreadsheets import SafeCSV, SafeXLSX

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 to try the app locally).")
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler is off for the app's connections. The app's queries are short and return few rows,
    # but the planner, misjudging them, JIT-compiles some: the home page's plan query (expected 1,605 rows, got 10)
    # spent 37 of its 45 ms compiling at national size (issue 13, docs/performance.md). JIT pays off for long
    # analytical queries, which the app does not run.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="safer-demo-2026")
DEMO_DATA = env.bool("DEMO_DATA", default=False)

# 360Giving: the publisher prefix registered with 360Giving (grant identifiers are PREFIX-<area>-<award>).
THREESIXTYGIVING_PREFIX = env.str("THREESIXTYGIVING_PREFIX", default="360G-csgrants")

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Community safety grants <no-reply@localhost>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Background tasks (django-tasks, docs/decisions.md): e-mails and the reminder job never run in a web request.
# Queued in the database and run by `manage.py db_worker` (as many workers, on as many machines, as needed); in
# development they run at once unless TASKS_IMMEDIATE=0 (then `make run` starts a worker beside the server).
TASKS_IMMEDIATE = env.bool("TASKS_IMMEDIATE", default=DEBUG)
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend" if TASKS_IMMEDIATE else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "import_export",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "partnerships",
    "priorities",
    "grants",
    "django_tasks",
    "django_tasks_db",
    "partnerships.accounts",
    "config.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.operations.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "partnerships.accounts.middleware.RefusedRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "partnerships.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "partnerships.context_processors.roles",
                "grants.context_processors.oversight",
            ],
        },
    },
]

AUTH_USER_MODEL = "partnerships.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",  # kept for code that names it when calling login()
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in, two-factor sign-in, password reset and change: django-allauth (docs/decisions.md, docs/security.md).
# Accounts are made by administrators and invitations, never by sign-up; people sign in with their username.
ACCOUNT_ADAPTER = "partnerships.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "partnerships.accounts.forms.SignInForm",
    "reset_password": "partnerships.accounts.forms.PasswordResetForm",
    "reset_password_from_key": "partnerships.accounts.forms.PasswordResetFromKeyForm",
    "change_password": "partnerships.accounts.forms.PasswordChangeForm",
    "set_password": "partnerships.accounts.forms.PasswordSetForm",
    "reauthenticate": "partnerships.accounts.forms.ReauthenticateForm",
}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False  # no "remember me": a session ends when the browser closes or after 8 hours
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # no e-mail to an address that has no account (there is no sign-up to offer)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Community safety grants: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# django-axes pauses a username from an address after AXES_FAILURE_LIMIT wrong passwords; allauth's own limit on
# failed sign-ins (which also throttles wrong two-factor codes, per person) is set above it so axes answers first.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/m/ip,10/5m/key"}
MFA_ADAPTER = "partnerships.accounts.adapters.TwoFactorAdapter"
MFA_FORMS = {
    "authenticate": "partnerships.accounts.forms.TwoFactorCodeForm",
    "reauthenticate": "partnerships.accounts.forms.TwoFactorReauthenticateForm",
    "activate_totp": "partnerships.accounts.forms.ActivateTOTPForm",
}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_USER_VERIFICATION = "required"  # a passkey sign-in is then two factors: the device and its PIN/biometric
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Community Safety Grants"
MFA_TOTP_TOLERANCE = 1  # a code from the 30 seconds either side is accepted (clock drift); each code works once
MFA_RECOVERY_CODE_COUNT = 10
MFA_ALLOW_UNVERIFIED_EMAIL = True  # e-mail addresses are entered by administrators, not by self sign-up
TWO_FACTOR_KEY = env.str("TWO_FACTOR_KEY", default="")
SIGN_IN_EVENTS_RETENTION_DAYS = env.int("SIGN_IN_EVENTS_RETENTION_DAYS", default=400)
REFUSED_REQUESTS_RETENTION_DAYS = env.int("REFUSED_REQUESTS_RETENTION_DAYS", default=90)
# Documents made in the task queue (grants/documents/rendering.py): removed this many days after last asked for.
KEPT_DOCUMENTS_DAYS = env.int("KEPT_DOCUMENTS_DAYS", default=30)
KEPT_PAGES = env.bool("KEPT_PAGES", default=True)  # grants/kept_pages.py

# Five failed sign-ins lock the username from that address for an hour (WCAG-friendly message on the form).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Supporting documents (grants/services/attachments.py) go through Django's storage API: files under MEDIA_ROOT
# by default, or a private S3-compatible bucket (django-storages) when DOCUMENTS_S3_BUCKET is set, so the app can
# run on several servers. They are never served from a public address: no MEDIA_URL is routed, and the download
# view checks that the reader may see the plan.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MB", default=10) * 1024 * 1024

# Uploads are bounded before any form sees them (ASVS 5.0 V5.2.1): a file larger than UPLOAD_MAX_BYTES stops being
# kept at that size and reaches the form as a refused upload that says how large it was (grants/uploads.py), and
# each form's file field has its own, smaller or equal, limit with a message. Form fields (not files) may send at
# most DATA_UPLOAD_MAX_MEMORY_SIZE; files up to FILE_UPLOAD_MAX_MEMORY_SIZE are kept in memory, larger ones in a
# temporary file. The web server in front should refuse bodies a little larger than UPLOAD_MAX_BYTES too.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_MB", default=DOCUMENT_MAX_BYTES // (1024 * 1024)) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB of form fields: a million-character text reaches its form's message
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "grants.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
if _bucket := env.str("DOCUMENTS_S3_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env.str("DOCUMENTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("DOCUMENTS_S3_REGION", default="") or None,
            "access_key": env.str("DOCUMENTS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("DOCUMENTS_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("DOCUMENTS_S3_PREFIX", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# No inline scripts or styles anywhere: every page is built for this policy from the first commit.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# The admin's imports read CSV and XLSX; its exports write them with every cell made safe from formula injection
# (partnerships/spreadsheets.py: the one rule every CSV and XLSX writer of the product uses).
IMPORT_FORMATS = [base_formats.CSV, base_formats.XLSX]
EXPORT_FORMATS = [SafeCSV, SafeXLSX]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

AXES_VERBOSE = False

# The client's address behind a load balancer (accounts/addresses.py): how many trusted proxies append to
# X-Forwarded-For. 0 (default) means REMOTE_ADDR is the client. django-axes and the sign-in record use the same rule.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "partnerships.accounts.addresses.client_address"
AXES_DISABLE_ACCESS_LOG = True  # sign-ins and sign-outs are recorded once, in accounts.SignInEvent
ACCOUNT_EMAIL_NOTIFICATIONS = True  # e-mail the person when their password or two-factor methods change
