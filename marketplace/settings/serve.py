"""The demo served as in production on the embedded default (`make serve`).

Production's rules where they can hold on one machine without secrets: DEBUG off, so people see
the designed error pages; static files collected and served by WhiteNoise (compressed, hashed
names cached for a year); gunicorn with several worker processes; tasks queued in the database
and run by a worker process; a cache the processes share (Redis when REDIS_URL is set, else a
folder under VAR_DIR), because the abuse limits count in it. It differs from production.py only
where a laptop has no HTTPS, no mail server and no secret store: plain HTTP on local hosts, e-mail
printed by the worker, and a secret key made once and kept in VAR_DIR.
"""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env, env_bool, env_list


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one made at random the first time and kept."""
    if env("SECRET_KEY"):
        return env("SECRET_KEY") or ""
    path = VAR_DIR / "secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


DEBUG = False
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
DEMO_DATA_ALLOWED = True
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL")
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
# The demo's staff accounts have published passwords and no authenticator app.
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", False)
