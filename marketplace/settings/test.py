"""Test settings: fast hashing, in-memory e-mail, no manifest for static files."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, MIDDLEWARE, env

SECRET_KEY = "test-only-insecure-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media" / str(os.getpid())
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ACCOUNT_RATE_LIMITS = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL")
DEMO_DATA_ALLOWED = True
# Staff accounts made by the tests have no authenticator app; tests of the rule turn it on.
STAFF_MFA_REQUIRED = False

# Static files come from the finders here; WhiteNoise serves collectstatic output in production.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
