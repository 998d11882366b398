"""Test settings: PostgreSQL from DATABASE_URL (tests/conftest.py provides one), fast hashing, mail in memory."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789abcdef")

from .base import *  # noqa: E402, F403
from .base import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("The tests run on PostgreSQL: set DATABASE_URL=postgres://... (make test does).")
DATABASES["default"]["CONN_MAX_AGE"] = 0

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once, so a test sees the e-mails its on-commit hooks queue (the database backend is tested apart).
TASKS_IMMEDIATE = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
# The scale-out test's app servers and workers are other processes: there tasks are queued in the database for
# `db_worker`, and e-mails written to files the test counts (tests/test_scale_out.py).
if os.environ.get("TEST_TASKS_IN_DATABASE") == "1":
    TASKS_IMMEDIATE = False
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
if os.environ.get("TEST_EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["TEST_EMAIL_FILE_PATH"]
AXES_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(tempfile.gettempdir()) / "grants-test-media"  # supporting documents uploaded by the tests
WHITENOISE_AUTOREFRESH = True
