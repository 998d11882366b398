"""Production settings: everything in base.py, hardened. `manage.py check --deploy` passes with no warnings.

Requires SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (PostgreSQL) in the environment; DEBUG must be off.
TLS is expected to end at the service itself or at a proxy that sets X-Forwarded-Proto.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEBUG, STORAGES, env

if DEBUG:
    raise ImproperlyConfigured("config.settings.production must not run with DEBUG on.")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers probe over plain HTTP inside the network
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

# Several app servers share one cache in the database (`manage.py createcachetable`): the record of used two-factor
# codes (each works once) and allauth's rate limits must hold across servers, and the plan table's rows of frozen
# versions (grants/fragments.py) are made once for all. Past MAX_ENTRIES the backend deletes a third of the entries,
# the first by key, which would take the two-factor and rate-limit records with them: Django's default of 300 is
# far too few once each of 3,000 plans keeps its rows (a few tens of kilobytes each), so the limit is well above
# what the national data set needs. The backend is Django's with a cheaper write on PostgreSQL (one upsert, the
# table counted once a minute: config/operations/cache.py).
CACHES = {
    "default": {
        "BACKEND": "config.operations.cache.PostgresFriendlyDatabaseCache",  # Django's, one statement a write
        "LOCATION": "django_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # sessions in PostgreSQL: any server can answer any request

STORAGES = {
    "default": STORAGES["default"],  # supporting documents: MEDIA_ROOT or the S3-compatible bucket (base.py)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
