"""Laptop settings: a throwaway secret, local hosts only, debug on unless DEBUG says otherwise.

`make run` sets DEBUG=false so the demo shows the designed error pages; `make dev` (or plain
`manage.py runserver`) keeps Django's debug pages. Static files come through WhiteNoise straight
from the source folders (no collectstatic), whatever DEBUG is.
"""

from .base import *  # noqa: F403
from .base import env, env_bool, env_list

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-not-for-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
DEMO_DATA_ALLOWED = True
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# The demo's staff accounts have published passwords and no authenticator app.
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", False)
