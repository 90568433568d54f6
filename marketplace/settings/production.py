"""Production settings: everything from the environment; refuse to start without secrets, or on
what only suits one machine: a SQLite file, e-mail printed to the console, a per-process cache
(the abuse limits and sessions must count in a cache every app server shares, with an atomic
increment: Redis), or without being told how the proxy in front passes the client's address."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER,
    ALLAUTH_TRUSTED_PROXY_COUNT,
    ALLOWED_HOSTS,
    CACHES,
    DATABASES,
    EMAIL_HOST,
    SECRET_KEY,
    env_bool,
    env_int,
)

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment in production.")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters of random text.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "DATABASE_URL must name a PostgreSQL database in production "
        "(postgres://user:password@host:5432/name), not a SQLite file."
    )
if not (EMAIL_HOST or "").strip():
    raise ImproperlyConfigured(
        "EMAIL_HOST must name the mail server in production: without it e-mail (password reset "
        "links among it) would only be printed to the log."
    )
if CACHES["default"]["BACKEND"] != "django.core.cache.backends.redis.RedisCache":
    raise ImproperlyConfigured(
        "REDIS_URL must be set in production: the app servers share the cache the abuse limits "
        "and sessions count in."
    )
if ALLAUTH_TRUSTED_PROXY_COUNT < 1 and not ALLAUTH_TRUSTED_CLIENT_IP_HEADER:
    raise ImproperlyConfigured(
        "Production runs behind a proxy: set TRUSTED_PROXY_COUNT (the proxies that append to "
        "X-Forwarded-For, usually 1) or TRUSTED_CLIENT_IP_HEADER (the header your proxy sets to "
        "the client's address, e.g. X-Real-IP). Otherwise every visitor has the proxy's address "
        "and one visitor's failed sign-ins lock everyone out."
    )

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
