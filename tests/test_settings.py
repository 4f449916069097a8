"""Settings follow the environment: tests, development and production each get what they need."""

from django.conf import settings

# The environment of a production process: no debug, no pytest, no secret key.
PRODUCTION = {"PYTEST_VERSION": None, "DJANGO_DEBUG": None, "DJANGO_SECRET_KEY": None}

PRINT_DATABASE = (
    "from django.db import connection; s = connection.settings_dict; "
    "print(s['ENGINE'], s['HOST'], s['PORT'], s['NAME'], s['CONN_MAX_AGE'])"
)


def test_tests_use_a_fast_password_hasher():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_tests_need_no_collectstatic():
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    assert backend == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_production_refuses_to_serve_without_a_secret_key(manage):
    result = manage("shell", "--no-imports", "-c", "import jobboard.wsgi", env=PRODUCTION)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_serves_with_a_secret_key_from_the_environment(manage):
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": "a-long-random-production-secret"}
    code = "import jobboard.wsgi; from django.conf import settings; print(settings.SECRET_KEY)"

    result = manage("shell", "--no-imports", "-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["a-long-random-production-secret"]


def test_commands_that_sign_nothing_run_without_a_secret_key(manage):
    result = manage("check", env=PRODUCTION)

    assert result.returncode == 0, result.stderr


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


def test_without_database_url_the_embedded_server_is_used(manage, tmp_path):
    env = {"DATABASE_URL": None, "EMBEDDED_POSTGRES_DIR": tmp_path / "postgres"}

    result = manage("shell", "--no-imports", "-c", PRINT_DATABASE, env=env)

    assert result.returncode == 0, result.stderr
    # HOST and PORT are known once the server runs, and nothing here has connected.
    assert result.stdout.split() == ["jobboard.db.embedded", "jobboard", "0"]
    assert not (tmp_path / "postgres").exists()
