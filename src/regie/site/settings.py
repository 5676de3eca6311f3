"""Django settings for Regie, read from the environment.

Environment variables (all optional):

``DATABASE_URL``
    Where the data lives. Default: ``sqlite:///regie.sqlite3`` in the working directory.
    PostgreSQL: ``postgres://user:password@host:5432/name`` (psycopg 3).
``REGIE_SECRET_KEY``
    Django's signing key. Required, except in development (below).
``REGIE_PSEUDONYM_KEY``
    Key of the HMAC-SHA256 that pseudonymises BSNs. Required, except in development (below);
    keep it: another key gives other pseudonyms.
``REGIE_DEBUG``
    ``1`` for Django's debug pages. Default off.
``REGIE_DEMO``
    ``1`` in the demo (``regie demo`` sets it).

In development (``REGIE_DEBUG=1``, the demo, the test suite) a missing key falls back to a
fixed development key; anywhere else it is an error at start that says how to set it, and
``regie serve`` refuses the development keys (a pseudonym under a known key is reversible in
minutes: the BSNs are few enough to try them all).

``REGIE_SECURE_COOKIES``
    ``1``: session and CSRF cookies only over HTTPS. Default off (the demo runs on plain HTTP).
``REGIE_HSTS_SECONDS``
    ``Strict-Transport-Security`` max-age in seconds. Default 0 (not sent).
``REGIE_CSP``
    The ``Content-Security-Policy`` header of every response. Default :data:`DEFAULT_CSP`;
    empty to send none.
``REGIE_ALLOWED_HOSTS``
    Comma-separated host names. Default: ``127.0.0.1,localhost``.
``REGIE_TOKEN_DAYS``
    How many days an API token (``regie users token``) lasts. Default 90.
``REGIE_ARCHIVE_DIR``
    Not used yet: raw messages are archived compressed in the database.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent

DEVELOPMENT_SECRET_KEY = "regie-development-key-not-for-production"
DEVELOPMENT_PSEUDONYM_KEY = "regie-development-pseudonym-key"
DEBUG = os.environ.get("REGIE_DEBUG", "") == "1"
DEMO = os.environ.get("REGIE_DEMO", "") == "1"
#: The test suite (which sets its own pseudonym key, tests/conftest.py).
TESTING = "pytest" in sys.modules
#: A ``regie-manage`` command that reads no data (makemigrations, spectacular, ...; manage.py).
KEYLESS_COMMAND = os.environ.get("REGIE_KEYLESS_COMMAND", "") == "1"
DEVELOPMENT = DEBUG or DEMO or TESTING or KEYLESS_COMMAND


def _key(name: str, development: str) -> str:
    """A key from the environment; the development key only in development; else an error
    that says how to set it."""
    value = os.environ.get(name, "")
    if value:
        return value
    if DEVELOPMENT:
        return development
    raise ImproperlyConfigured(
        f"{name} is niet gezet. Zet een eigen geheime sleutel, bijvoorbeeld:\n"
        f"    export {name}=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')\"\n"
        "en bewaar hem (REGIE_PSEUDONYM_KEY: een andere sleutel geeft andere pseudoniemen). "
        "Alleen de demo, de testsuite en REGIE_DEBUG=1 gebruiken ontwikkelsleutels."
    )


SECRET_KEY = _key("REGIE_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
PSEUDONYM_KEY = _key("REGIE_PSEUDONYM_KEY", DEVELOPMENT_PSEUDONYM_KEY)
ALLOWED_HOSTS = [h for h in os.environ.get("REGIE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{Path.cwd() / 'regie.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 30, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "regie.site",
    "regie.accounts",
    "regie.catalog",
    "regie.traffic",
    "regie.funding",
    "regie.access",
    "regie.monitor",
    "regie.scenarios",
    "regie.relations",
    "regie.procurement",
    "regie.dossiers",
    "regie.reports",
    "regie.uploads",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "regie.site.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "regie.site.pages.period.PeriodMiddleware",
]

ROOT_URLCONF = "regie.site.urls"
WSGI_APPLICATION = "regie.site.wsgi.application"

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
                "django.template.context_processors.i18n",
                "regie.site.roles.role_context",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR.parent / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Static files are served by WhiteNoise straight from the apps (no collectstatic step needed);
# set REGIE_STATIC_ROOT to serve a collected copy instead.
STATIC_ROOT = os.environ.get("REGIE_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("REGIE_SECURE_COOKIES", "") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("REGIE_HSTS_SECONDS", "0") or 0)
#: Scripts and styles only from Regie itself; Vega compiles its chart expressions with
#: ``Function`` ('unsafe-eval'), and Vega and Redoc set inline styles.
DEFAULT_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CONTENT_SECURITY_POLICY = os.environ.get("REGIE_CSP", DEFAULT_CSP)

#: Failed logins per user name and per client address before a pause (see regie.site.security).
#: How long an API token (``regie users token``) lasts.
TOKEN_DAYS = int(os.environ.get("REGIE_TOKEN_DAYS", "90") or 90)
#: Upload jobs (regie.uploads.jobs) run in a worker thread of the web process; the test suite
#: runs them inside the request that submits them.
INGEST_JOBS_INLINE = TESTING
#: An upload may hold up to 1000 files (regie.uploads.jobs.MAX_FILES; Django's default is 100).
DATA_UPLOAD_MAX_NUMBER_FILES = 1000
LOGIN_FAILURES_ALLOWED = int(os.environ.get("REGIE_LOGIN_FAILURES", "5") or 5)
LOGIN_PAUSE_SECONDS = 15 * 60

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "regie.accounts.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "regie.site.api.problem_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Regie API",
    "DESCRIPTION": "Sturingsinformatie sociaal domein: catalogus, berichtenverkeer, bekostiging, indicatoren.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The served document is for signed-in callers, by session or token (regie.site.api_schema).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "regie.traffic.models.Signal.Kind",
        "SignalStatusEnum": "regie.traffic.models.Signal.Status",
        "RequirementKindEnum": "regie.procurement.models.Requirement.Kind",
        "TenderStatusEnum": "regie.procurement.models.Tender.Status",
        "OwnerEnum": "regie.relations.models.Agreement.Owner",
        "RiskStatusEnum": "regie.dossiers.models.Risk.Status",
        "DossierStatusEnum": "regie.dossiers.models.OpportunityDossier.Status",
        "IngestStatusEnum": "regie.uploads.models.IngestJob.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "regie.site.api.without_backend_limits",
        "regie.site.api.with_problem_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("REGIE_LOG_LEVEL", "WARNING")},
}
