import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from vacancies import board_index, counting_cache
from vacancies.importing import vacancy_upsert_from_notice
from vacancies.models import Vacancy


@pytest.fixture
def generated_board(db):
    """400 generated vacancies (published, drafts, archived; open and closed; some at
    several places), committed, as other processes see them (the tests that use it are
    transactional)."""
    call_command("generate_vacancies", count=400, seed=7, verbosity=0)
    board_index.forget()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached (the list's counts, in the cache and in this
    process's board index) and a cache that is not paused, whatever ran before it."""
    counting_cache.pause.reset()
    cache.clear()
    board_index.forget()


@pytest.fixture
def manage():
    """Run `manage.py ARGS...` in a new process and return the CompletedProcess.

    `env` entries are added to this process's environment; a None value removes the variable.
    """

    def run(*args, env=None, timeout=120):
        environ = dict(os.environ)
        for name, value in (env or {}).items():
            if value is None:
                environ.pop(name, None)
            else:
                environ[name] = str(value)
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=environ,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture
def editor(django_user_model):
    """An HR editor's account (staff, in the "HR editors" group made by a migration)."""
    user = django_user_model.objects.create_user("editor", password="a long editor password")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="HR editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def board():
    """The five sample notices, published: four open, closing 1 to 4 days from now (260885,
    260066, 260063, 240655, in that order), and 260280 closed 3 days ago.

    The test needs database access (a django_db mark, or live_server).
    """
    for path in sorted((Path(settings.BASE_DIR) / "fixtures" / "notices").glob("*.txt")):
        vacancy_upsert_from_notice(text=path.read_text(encoding="utf-8"), source_name=path.name)
    now = timezone.now()
    for days, reference in enumerate(["260885", "260066", "260063", "240655"], start=1):
        Vacancy.objects.filter(reference=reference).update(deadline=now + timedelta(days=days))
    Vacancy.objects.filter(reference="260280").update(deadline=now - timedelta(days=3))
    return {vacancy.reference: vacancy for vacancy in Vacancy.objects.all()}


@pytest.fixture
def serve(tmp_path):
    """Start gunicorn as `make serve` does, with ``env`` added to this environment (a None
    value removes a variable); returns (base URL, path of its log). Stopped after the test.

    It serves the tests' database (the test needs a django_db mark), unless ``env`` names
    another: it sees what the test committed, so with a plain django_db mark, no rows.
    """
    processes = []

    def start(env=None):
        env = env or {}
        environment = dict(os.environ)
        if "DATABASE_URL" not in env:
            environment["DATABASE_URL"] = _test_database_url()
        for name, value in env.items():
            if value is None:
                environment.pop(name, None)
            else:
                environment[name] = str(value)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        log = tmp_path / f"gunicorn-{port}.log"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn), "jobboard.wsgi", "--config", "jobboard/gunicorn.conf.py"]
        command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-"]
        with log.open("w") as output:
            process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        processes.append(process)
        for _ in range(150):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        return f"http://127.0.0.1:{port}", log

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def test_database_url() -> str:
    """The tests' database as DATABASE_URL names it, for processes the tests start."""
    return _test_database_url()


@pytest.fixture
def forms_fill_in_like_people(monkeypatch):
    """People take seconds to fill the alerts' form in (alerts/forms.py); tests, none."""
    import alerts.forms

    monkeypatch.setattr(alerts.forms, "FASTEST_SECONDS", 0)


def _test_database_url() -> str:
    from django.db import connection

    connection.ensure_connection()  # the embedded server fills in where it listens
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = quote(str(db["HOST"]), safe="")
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT']}/{db['NAME']}"
