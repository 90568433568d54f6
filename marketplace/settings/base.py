"""Base settings: safe for production. Every deploy-time value comes from the environment.

dev.py and test.py relax these for a laptop; production.py tightens them and refuses to start
without its secrets.
"""

import json
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

import dj_database_url

# The project package (marketplace/) and the repository root, where templates/, static/ and the
# default var/ folder are.
PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return int(value) if value is not None else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


# Django's signing key (sessions, signed links, stored authenticator secrets); production refuses
# to start without one of 50 or more characters.
SECRET_KEY = env("SECRET_KEY")
# Earlier keys, comma-separated, still accepted while a new SECRET_KEY is rolled out (signed links,
# sessions and the stored authenticator secrets made under them keep working).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The folder for the SQLite file, local media and other run-time files of the embedded default.
VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))

# Application definition: Django, third party, local.
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
]
THIRD_PARTY_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]
LOCAL_APPS = [
    "core",
    "marketplace.accounts",
    "marketplace.pages",
    "marketplace.demo",
    "marketplace.plans",
    "marketplace.ras",
    "marketplace.openreferral",
    "safeguarding",
    "catalogue",
    "ratings",
    "market_statement",
    "search",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "marketplace.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "marketplace.accounts.middleware.StaffSecondFactorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "marketplace.accounts.middleware.StaffIdleTimeoutMiddleware",
    # Links in e-mails sent while answering a request use the address the person is using.
    "core.site_url.SiteUrlMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
ASGI_APPLICATION = "marketplace.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "marketplace.pages.context_processors.site_chrome",
                "safeguarding.context_processors.council_contacts",
                "marketplace.plans.context_processors.shortlist",
                "marketplace.plans.context_processors.plan_being_built",
                "marketplace.accounts.context_processors.account_links",
            ],
        },
    },
]
# Forms render through our templates (templates/django/forms/...) so every form, ours and
# allauth's, gets the GOV.UK field and error-message markup.
FORM_RENDERER = "core.forms.GovukFormRenderer"

# Database: a SQLite file by default; DATABASE_URL (e.g. postgres://user@host:5432/name) otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections are pointless for a file, and WAL lets the dev server read while
    # a background task writes.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Writers queue instead of failing with "database is locked": each transaction takes the
    # write lock when it begins (IMMEDIATE, so a read-then-write cannot deadlock), and a writer
    # waits up to SQLITE_BUSY_TIMEOUT seconds for it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# One account model for everyone (marketplace.accounts), signed in with an e-mail address.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "account_profile"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: e-mail is the identity, verified before first sign-in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_ADAPTER = "marketplace.accounts.adapters.AccountAdapter"
# Who the client is behind the load balancer: allauth's sign-in limits and the site's own
# per-address limits (core.limits.client_key) read the client's address through allauth. Without
# either setting the address is REMOTE_ADDR, which behind a proxy is the proxy's for everyone (one
# visitor's ten wrong passwords would lock every visitor out). TRUSTED_PROXY_COUNT is the number of
# proxies you run that append to X-Forwarded-For (the client is that many entries from the end);
# TRUSTED_CLIENT_IP_HEADER names a header your proxy sets to the client's address instead (e.g.
# X-Real-IP). Production refuses to start without one of them.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER") or None
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}

# A second factor for staff (allauth's MFA: an authenticator app, with recovery codes). Staff
# (moderators, editors, commissioners, practitioners, the safeguarding team, panel members and
# superusers) reach personal data and change what the public sees, so with STAFF_MFA_REQUIRED
# (on by default; the demo and the tests turn it off, their accounts have published passwords)
# they must set up an authenticator app before anything else, are asked for a code at every
# sign-in, and cannot remove the app (marketplace/accounts/middleware.py). Anyone else may add one.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "marketplace.accounts.adapters.MFAAdapter"
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", True)

# E-mail: console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Care Market <no-reply@caremarket.example>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files (collected into STATIC_ROOT, served by WhiteNoise) and uploads (MEDIA_URL, kept
# in MEDIA_ROOT).
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Whether the app itself serves MEDIA_URL from MEDIA_ROOT: on for the embedded default (dev and
# serve settings), off in production, where object storage or the web server in front serve it.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Security defaults that hold in every environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# Council staff (moderators, editors, commissioners, practitioners, panel, safeguarding,
# superusers) are signed out after this many minutes without a request; 0 turns it off. The
# public and provider staff are not affected (marketplace/accounts/middleware.py).
STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 30)
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Background tasks (django-tasks): run in-process by default; TASKS_BACKEND=database uses the
# database queue with `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.backend.DatabaseBackend"
            if env("TASKS_BACKEND") == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Wagtail
WAGTAIL_SITE_NAME = env("SITE_NAME", "Care Market")
WAGTAILADMIN_BASE_URL = env("BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_PASSWORD_RESET_ENABLED = False  # people reset their password through the site's own pages
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
# No avatars from gravatar.com: staff e-mail hashes would leave the council's site.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Catalogue search: the database backend unless ELASTICSEARCH_URL is set.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", "caremarket")
# Seconds to wait for Elasticsearch before the search answers from the database instead.
ELASTICSEARCH_TIMEOUT = float(env("ELASTICSEARCH_TIMEOUT", "5") or 5)
# Seconds an index update waits for Elasticsearch (a provider's save may wait on it) before it
# goes to the search outbox (`manage.py replay_search_outbox`).
ELASTICSEARCH_WRITE_TIMEOUT = float(env("ELASTICSEARCH_WRITE_TIMEOUT", "2") or 2)
# "elasticsearch" or "database"; follows ELASTICSEARCH_URL (search.backends.get_backend()).
CATALOGUE_SEARCH_BACKEND = "elasticsearch" if ELASTICSEARCH_URL else "database"
# A search that finds fewer services than this is recorded (no personal data) as unmet demand
# for the market statement (search.services.few_results_threshold).
SEARCH_FEW_RESULTS = env_int("SEARCH_FEW_RESULTS", 3)
# At most this many low-result searches are recorded an hour from one visitor; records older
# than SEARCH_DEMAND_RETENTION_DAYS are deleted by prune_personal_data.
SEARCH_DEMAND_PER_HOUR = env_int("SEARCH_DEMAND_PER_HOUR", 30)
SEARCH_DEMAND_RETENTION_DAYS = env_int("SEARCH_DEMAND_RETENTION_DAYS", 1095)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# The demo loader writes accounts with public passwords; dev and test settings allow it.
DEMO_DATA_ALLOWED = env_bool("DEMO_DATA_ALLOWED", False)

ACCOUNT_FORMS = {
    "login": "marketplace.accounts.forms.LoginForm",
    "signup": "marketplace.accounts.forms.SignupForm",
    "reset_password": "marketplace.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "marketplace.accounts.forms.ResetPasswordKeyForm",
    "change_password": "marketplace.accounts.forms.ChangePasswordForm",
    "set_password": "marketplace.accounts.forms.SetPasswordForm",
    "add_email": "marketplace.accounts.forms.AddEmailForm",
}

# Limits on what providers upload (listing photos, the services spreadsheet).
CATALOGUE_PHOTO_MAX_BYTES = env_int("CATALOGUE_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
CATALOGUE_PHOTO_MAX_PIXELS = env_int("CATALOGUE_PHOTO_MAX_PIXELS", 25_000_000)
CATALOGUE_UPLOAD_MAX_BYTES = env_int("CATALOGUE_UPLOAD_MAX_BYTES", 1024 * 1024)
CATALOGUE_UPLOAD_MAX_ROWS = env_int("CATALOGUE_UPLOAD_MAX_ROWS", 1000)

# Reviews (ratings/limits.py): one account may write or edit at most RATINGS_SUBMISSIONS_PER_ACCOUNT
# reviews or replies, one address (IP) at most RATINGS_SUBMISSIONS_PER_ADDRESS, per
# RATINGS_SUBMISSION_WINDOW_SECONDS; one address may send RATINGS_REPORTS_PER_ADDRESS reports an
# hour; RATINGS_REPORTS_TO_HIDE open reports hide a review until a moderator decides.
RATINGS_SUBMISSIONS_PER_ACCOUNT = env_int("RATINGS_SUBMISSIONS_PER_ACCOUNT", 5)
RATINGS_SUBMISSIONS_PER_ADDRESS = env_int("RATINGS_SUBMISSIONS_PER_ADDRESS", 20)
RATINGS_SUBMISSION_WINDOW_SECONDS = env_int("RATINGS_SUBMISSION_WINDOW_SECONDS", 24 * 60 * 60)
RATINGS_REPORTS_PER_ADDRESS = env_int("RATINGS_REPORTS_PER_ADDRESS", 10)
RATINGS_REPORTS_TO_HIDE = env_int("RATINGS_REPORTS_TO_HIDE", 3)

# Enquiries (marketplace/plans/limits.py): every enquiry e-mails a provider, so one account may ask
# at most PLANS_ENQUIRIES_PER_ACCOUNT services, one address PLANS_ENQUIRIES_PER_ADDRESS, per
# PLANS_ENQUIRY_WINDOW_SECONDS.
PLANS_ENQUIRIES_PER_ACCOUNT = env_int("PLANS_ENQUIRIES_PER_ACCOUNT", 20)
PLANS_ENQUIRIES_PER_ADDRESS = env_int("PLANS_ENQUIRIES_PER_ADDRESS", 60)
PLANS_ENQUIRY_WINDOW_SECONDS = env_int("PLANS_ENQUIRY_WINDOW_SECONDS", 24 * 60 * 60)

# Invitations e-mail a typed address: one account may send at most PLANS_SHARES_PER_DAY plan
# invitations and CATALOGUE_INVITATIONS_PER_DAY organisation invitations a day.
PLANS_SHARES_PER_DAY = env_int("PLANS_SHARES_PER_DAY", 10)
# A plan invitation not accepted within this many days can no longer be accepted.
PLANS_SHARE_INVITATION_DAYS = env_int("PLANS_SHARE_INVITATION_DAYS", 14)
CATALOGUE_INVITATIONS_PER_DAY = env_int("CATALOGUE_INVITATIONS_PER_DAY", 10)

# Seconds the market statement's live figures are cached (market_statement.metrics).
MARKET_STATEMENT_CACHE_SECONDS = env_int("MARKET_STATEMENT_CACHE_SECONDS", 300)

# The Open Referral UK API and exports: the age from which the catalogue's services are for
# (adult social care: 18), and the county every address is in.
OPENREFERRAL_MINIMUM_AGE = env_int("OPENREFERRAL_MINIMUM_AGE", 18)
OPENREFERRAL_COUNTY = env("OPENREFERRAL_COUNTY", "England")

# What employing a personal assistant directly costs on top of pay: the rates support plans cost
# a PA line at, each with its source and year. A council updates them each April; a deploy may
# override any of them with PLANS_EMPLOYER_COSTS='{"insurance_yearly": "120.00", ...}' (JSON).
# Rates are fractions (0.15 = 15%); amounts are pounds. A plan line keeps the rates it was costed
# at, so changing them never re-prices an agreed plan.
PLANS_EMPLOYER_COSTS = {
    "year": "2025/26",
    "ni_rate": "0.15",
    "ni_threshold_weekly": "96.00",
    "ni_source": "HMRC, Rates and thresholds for employers 2025 to 2026: employer (secondary) "
    "Class 1 rate 15% above the secondary threshold of £96 a week (£5,000 a year)",
    "holiday_rate": "0.1207",
    "holiday_source": "GOV.UK, Holiday entitlement: 5.6 weeks' paid leave a year; "
    "5.6 / 46.4 working weeks = 12.07% of pay",
    "pension_rate": "0.03",
    "pension_lower_weekly": "120.00",
    "pension_upper_weekly": "967.00",
    "pension_trigger_weekly": "192.00",
    "pension_source": "The Pensions Regulator, automatic enrolment 2025/26: employer minimum 3% "
    "of qualifying earnings between £120 and £967 a week, for earnings of £192 a week or more",
    "insurance_yearly": "150.00",
    "insurance_source": "Council's direct payment guidance: allowance for a PA employer's "
    "liability insurance policy (set your council's figure)",
    "payroll_yearly": "180.00",
    "payroll_source": "Council's direct payment guidance: allowance for a payroll service "
    "(£15 a month; set your council's figure)",
}
PLANS_EMPLOYER_COSTS.update(json.loads(env("PLANS_EMPLOYER_COSTS", "{}") or "{}"))

# Reviews of agreed plans (Care Act guidance: the first soon after agreement, then at least
# every 12 months). The first falls PLANS_FIRST_REVIEW_WEEKS (6 to 8) after agreement, the next
# PLANS_REVIEW_INTERVAL_MONTHS (1 to 12) after each review; send_review_reminders e-mails the
# person and the practitioner PLANS_REVIEW_REMIND_DAYS before a review is due.
PLANS_FIRST_REVIEW_WEEKS = env_int("PLANS_FIRST_REVIEW_WEEKS", 6)
PLANS_REVIEW_INTERVAL_MONTHS = env_int("PLANS_REVIEW_INTERVAL_MONTHS", 12)
PLANS_REVIEW_REMIND_DAYS = env_int("PLANS_REVIEW_REMIND_DAYS", 14)
# The no-panel band of a council-funded plan ("a practitioner can agree a plan costing from £x
# to £y a week") is shown to practitioners, panel members and commissioners; the person and
# their helpers see the verdict and the cost against the budget but not the band, unless the
# council chooses to publish it (some councils do, others find plans then drift to its edge).
PLANS_SHOW_TOLERANCE_BAND_TO_PUBLIC = env_bool("PLANS_SHOW_TOLERANCE_BAND_TO_PUBLIC", False)
# Enquiries hold names, phone numbers and health needs: ENQUIRY_RETENTION_DAYS after their last
# activity `prune_personal_data` (run daily) empties them, keeping only the service, the dates
# and the status the response times and the market statement count.
ENQUIRY_RETENTION_DAYS = env_int("ENQUIRY_RETENTION_DAYS", 730)
# A finished background task keeps its arguments (an e-mail's addresses and body): deleted this
# many days after it finished, by prune_personal_data.
TASKS_KEEP_FINISHED_DAYS = env_int("TASKS_KEEP_FINISHED_DAYS", 7)
