"""Settings follow the environment: tests, development and production each get what they need."""

import json

import pytest
from django.conf import settings
from django.core.management.utils import get_random_secret_key

# The environment of a production process: no debug, no pytest, none of the settings given.
PRODUCTION = {
    "PYTEST_VERSION": None,
    "DJANGO_DEBUG": None,
    "DJANGO_SECRET_KEY": None,
    "ALLOWED_HOSTS": None,
    "CSRF_TRUSTED_ORIGINS": None,
    "SECURE_SSL_REDIRECT": None,
    "SECURE_HSTS_SECONDS": None,
    "BEHIND_PROXY": None,
    "ADMIN_URL": None,
    "AXES_FAILURE_LIMIT": None,
    "AXES_COOLOFF_MINUTES": None,
    "SITE_URL": None,
    "EMAIL_URL": None,
}
# ... and what it needs to serve.
SERVING = {
    **PRODUCTION,
    "DJANGO_SECRET_KEY": get_random_secret_key(),
    "ALLOWED_HOSTS": "jobs.example.org",
    "SITE_URL": "https://jobs.example.org",
}

PRINT_DATABASE = (
    "from django.db import connection; s = connection.settings_dict; "
    "print(s['ENGINE'], s['HOST'], s['PORT'], s['NAME'], s['CONN_MAX_AGE'])"
)

# The admin's login page asked of the site at jobs.example.org over http, then over https
# (`https`: how the request says so), without a server, the database or collectstatic.
REQUEST = """
import json
from django.conf import settings
from django.test import Client, override_settings
storage = {{"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
client = Client(HTTP_HOST="jobs.example.org")
with override_settings(STORAGES={{**settings.STORAGES, "staticfiles": storage}}):
    plain = client.get("/admin/login/")
    secure = client.get("/admin/login/", {https})
print(json.dumps({{
    "plain": [plain.status_code, plain.get("Location")],
    "secure": [secure.status_code, secure.get("Strict-Transport-Security")],
    "cookie_secure": "csrftoken" in secure.cookies and bool(secure.cookies["csrftoken"]["secure"]),
}}))
"""


def request_site(manage, env, https="secure=True"):
    result = manage("shell", "--no-imports", "-c", REQUEST.format(https=https), env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_tests_use_a_fast_password_hasher():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_tests_need_no_collectstatic():
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    assert backend == "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.mark.parametrize("server", ["wsgi", "asgi"])
@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY is not set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS is not set"),
    ],
)
def test_production_refuses_to_serve_without_a_required_variable(manage, server, missing, message):
    env = {**SERVING, missing: None}

    result = manage("shell", "--no-imports", "-c", f"import jobboard.{server}", env=env)

    assert result.returncode != 0
    assert message in result.stderr
    assert result.stderr.count(" is not set") == 1


def test_production_names_every_missing_variable_at_once(manage):
    result = manage("shell", "--no-imports", "-c", "import jobboard.wsgi", env=PRODUCTION)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_production_serves_with_its_settings_from_the_environment(manage):
    env = {
        **SERVING,
        "DJANGO_SECRET_KEY": "a-long-random-production-secret",
        "ALLOWED_HOSTS": "jobs.example.org, www.jobs.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://jobs.example.org",
    }
    code = (
        "import jobboard.wsgi; from django.conf import settings; "
        "print(settings.SECRET_KEY, *settings.ALLOWED_HOSTS, *settings.CSRF_TRUSTED_ORIGINS)"
    )

    result = manage("shell", "--no-imports", "-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "a-long-random-production-secret",
        "jobs.example.org",
        "www.jobs.example.org",
        "https://jobs.example.org",
    ]


def test_commands_that_sign_nothing_run_without_a_secret_key(manage):
    result = manage("check", env=PRODUCTION)

    assert result.returncode == 0, result.stderr


def test_the_deployment_checklist_passes_in_production(manage):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=SERVING)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_is_https_only_with_secure_cookies(manage):
    answers = request_site(manage, SERVING)

    assert answers["plain"] == [301, "https://jobs.example.org/admin/login/"]
    assert answers["secure"] == [200, "max-age=31536000; includeSubDomains; preload"]
    assert answers["cookie_secure"] is True


def test_development_speaks_plain_http(manage):
    env = {**PRODUCTION, "DJANGO_DEBUG": "1", "ALLOWED_HOSTS": "jobs.example.org"}

    answers = request_site(manage, env)

    assert answers["plain"] == [200, None]
    assert answers["secure"] == [200, None]
    assert answers["cookie_secure"] is False


def test_production_https_redirect_and_hsts_can_be_configured(manage):
    env = {**SERVING, "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "3600"}

    answers = request_site(manage, env)

    assert answers["plain"] == [200, None]
    assert answers["secure"] == [200, "max-age=3600; includeSubDomains; preload"]


@pytest.mark.parametrize(("behind_proxy", "https_answer"), [("1", 200), ("0", 301)])
def test_the_https_header_of_a_proxy_is_trusted_only_behind_one(manage, behind_proxy, https_answer):
    env = {**SERVING, "BEHIND_PROXY": behind_proxy}
    forwarded = 'headers={"X-Forwarded-Proto": "https"}'

    answers = request_site(manage, env, https=forwarded)

    assert answers["plain"][0] == 301
    assert answers["secure"][0] == https_answer


def test_a_mistyped_flag_is_refused_rather_than_read_as_off(manage):
    result = manage("check", env={**SERVING, "SECURE_SSL_REDIRECT": "flase"})

    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT='flase'" in result.stderr


def test_the_admin_url_comes_from_the_environment(manage):
    code = (
        "from django.test import Client; client = Client(HTTP_HOST='localhost'); "
        "print(client.get('/hr-desk/login/').status_code, client.get('/admin/login/').status_code)"
    )

    result = manage("shell", "--no-imports", "-c", code, env={"ADMIN_URL": "hr-desk/"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "404"]


def test_production_throttles_logins(manage):
    code = (
        "from django.conf import settings; "
        "print(settings.AXES_ENABLED, settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)"
    )

    default = manage("shell", "--no-imports", "-c", code, env=SERVING)
    configured = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={**SERVING, "AXES_FAILURE_LIMIT": "3", "AXES_COOLOFF_MINUTES": "60"},
    )

    assert default.returncode == 0, default.stderr
    assert default.stdout.split() == ["True", "5", "0:15:00"]
    assert configured.stdout.split() == ["True", "3", "1:00:00"]


def test_database_url_selects_that_server(manage):
    env = {"DATABASE_URL": "postgres://jobs:secret@db.example.org:5433/vacancies"}

    result = manage("shell", "--no-imports", "-c", PRINT_DATABASE, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.example.org",
        "5433",
        "vacancies",
        "60",
    ]


PRINT_CACHE = (
    "from django.conf import settings; c = settings.CACHES['default']; "
    "print(c['BACKEND'], c.get('LOCATION', '-'), c.get('KEY_PREFIX', '-'), "
    "c.get('OPTIONS', {}).get('socket_timeout', '-'), settings.FACET_CACHE_SECONDS)"
)


def test_redis_url_gives_the_processes_one_shared_cache(manage):
    env = {
        **PRODUCTION,
        "REDIS_URL": "redis://cache.example.org:6379/2",
        "FACET_CACHE_SECONDS": "300",
        "DATABASE_URL": "postgres://jobs@db.example.org/vacancies",
    }

    result = manage("shell", "--no-imports", "-c", PRINT_CACHE, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache.example.org:6379/2",
        "vacancies",  # keys start with the database's name
        "0.5",  # a silent server is given up on at once
        "300",
    ]


def test_without_redis_url_each_process_caches_in_its_own_memory(manage):
    env = {**PRODUCTION, "REDIS_URL": None}

    result = manage("shell", "--no-imports", "-c", PRINT_CACHE, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "-",
        "-",
        "-",
        "60",
    ]


def test_tests_never_use_the_redis_of_redis_url(manage):
    """Tests empty their cache: a REDIS_URL left in the shell must not be the one emptied."""
    env = {"REDIS_URL": "redis://cache.example.org:6379/0", "TEST_REDIS_URL": None}

    result = manage("shell", "--no-imports", "-c", PRINT_CACHE, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "django.core.cache.backends.locmem.LocMemCache"


def test_without_database_url_the_embedded_server_is_used(manage, tmp_path):
    env = {"DATABASE_URL": None, "EMBEDDED_POSTGRES_DIR": tmp_path / "postgres"}

    result = manage("shell", "--no-imports", "-c", PRINT_DATABASE, env=env)

    assert result.returncode == 0, result.stderr
    # HOST and PORT are known once the server runs, and nothing here has connected.
    assert result.stdout.split() == ["jobboard.db.embedded", "jobboard", "0"]
    assert not (tmp_path / "postgres").exists()


# ----------------------------------------------------------------- security headers


def policy(response):
    """The Content-Security-Policy of a response, as {directive: [sources]}."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/", "/fr/", "/fr/postes/260885/", "/admin/login/"])
def test_pages_forbid_framing_inline_scripts_and_content_sniffing(client, board, url):
    response = client.get(url)

    assert response.status_code == 200
    assert policy(response) == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_development_and_tests_speak_plain_http(client):
    response = client.get("/admin/login/")

    # No redirect to https, and cookies the browser sends back over http.
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response
    assert not response.cookies["csrftoken"]["secure"]


def test_the_deploy_check_asks_for_the_sites_address_that_mails_link_to(manage):
    result = manage("check", "--deploy", env={**SERVING, "SITE_URL": None})
    assert result.returncode != 0
    assert "alerts.E001" in result.stderr and "SITE_URL is not set" in result.stderr
    plain = manage("check", "--deploy", env={**SERVING, "SITE_URL": "http://jobs.example.org"})
    assert "alerts.W001" in plain.stderr  # mail programs unsubscribe by https only
    fixed = manage("check", "--deploy", env={**SERVING, "SITE_URL": "https://jobs.example.org"})
    assert "alerts.E001" not in fixed.stderr and "alerts.W001" not in fixed.stderr
