import os
import subprocess
import sys

import pytest
from django.conf import settings


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
