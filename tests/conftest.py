import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from vacancies import counting_cache
from vacancies.importing import vacancy_upsert_from_notice
from vacancies.models import Vacancy


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached (the list's counts) and a cache that is not
    paused, whatever ran before it."""
    counting_cache.pause.reset()
    cache.clear()


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
