"""What every benchmark of the pages needs: Django set up as in production, a scratch
database of its own that is dropped afterwards, and production's page settings."""

import logging
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def set_up_django(name: str) -> None:
    """Django with the site's settings, for the benchmark called ``name``."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
    # Each process caches in its own memory here: a shared cache named by REDIS_URL is never
    # written to (let alone emptied) by a benchmark.
    os.environ.pop("REDIS_URL", None)
    # Production settings want a secret key; this one signs nothing that leaves the process.
    os.environ.setdefault("DJANGO_SECRET_KEY", f"{name}-benchmark-only")
    import django

    django.setup()
    # Errors are reported by the benchmark; the request log would repeat each traceback. No
    # static file is requested, so WhiteNoise need not find collected ones.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    logging.getLogger("django.request").setLevel(logging.CRITICAL)


@contextmanager
def scratch_database(name: str) -> Iterator[None]:
    """A database ``name`` on the configured server, migrated, dropped afterwards: the site's
    own data is never touched."""
    from django.db import connection

    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    original_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.close()
        connection.creation.destroy_test_db(original_name, verbosity=0)


def as_in_production():
    """Pages rendered as in production (DEBUG off), for the test client's host; templates'
    {% static %} without running collectstatic first, as in the tests."""
    from django.test.utils import override_settings

    return override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
