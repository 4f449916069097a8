"""When the database stops under a running server, visitors get a page saying so in their
language (503, try again in a minute), the log says it once, and the site recovers by itself
when the database is back.

The server is gunicorn, as `make serve` runs it, in front of a PostgreSQL server of its own
(the embedded server's binaries, in a scratch directory), which the test stops and starts.
"""

import contextlib
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from jobboard import embedded_postgres

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="starts a PostgreSQL server of its own (Linux)"
)


def _pg_ctl(data_dir: Path, *args: str) -> None:
    package = embedded_postgres._package()
    user = "embedded_postgres" if os.geteuid() == 0 else None
    package.pg_ctl(["-w", *args], pgdata=data_dir, user=user, timeout=30)


def _get(url: str, language: str = "en") -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def site_on_its_own_database(tmp_path, serve):
    """(base URL, data directory, server log) of gunicorn serving a database it alone uses."""
    data_dir = tmp_path / "postgres"
    server = embedded_postgres.ensure_server(data_dir)
    embedded_postgres.ensure_database(server, "jobboard")
    host = quote(str(server.socket_dir), safe="")
    environment = {
        "DATABASE_URL": f"postgres://postgres@{host}:{server.port}/jobboard",
        "DJANGO_DEBUG": None,
        "TEST_REDIS_URL": None,
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": environment["DATABASE_URL"]},
        check=True,
        capture_output=True,
        timeout=300,
    )
    base, log = serve(environment)
    try:
        yield base, data_dir, log
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # stopped by the test
            _pg_ctl(data_dir, "stop", "-m", "fast")


def test_a_stopped_database_is_a_503_page_and_the_site_recovers_by_itself(
    site_on_its_own_database,
):
    base, data_dir, log = site_on_its_own_database
    # A vacancy's page always asks the database (the list's counts may come from a cache).
    page = "/vacancies/123456/"
    assert _get(base + "/en" + page)[0] == 404

    info = embedded_postgres._package().utils.PostmasterInfo.read_from_pgdata(data_dir)
    socket_dir = info.socket_dir
    _pg_ctl(data_dir, "stop", "-m", "fast")
    for _ in range(3):
        status, headers, html = _get(base + "/en" + page)
        assert status == 503
        assert headers["Retry-After"] == "60"
        assert "Temporarily unavailable" in html and "try again in a minute" in html
    status, _headers, html = _get(base + "/fr/postes/123456/", language="fr")
    assert status == 503 and "Réessayez dans une minute" in html
    outage_lines = [line for line in log.read_text().splitlines() if "cannot be reached" in line]
    assert len(outage_lines) == 1, "an outage is logged once, not once per request"
    assert "Traceback" not in log.read_text()

    _pg_ctl(
        data_dir, "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(data_dir / "log.txt"),
        "start",
    )  # fmt: skip
    assert _get(base + "/en" + page)[0] == 404, "back without a restart"
    assert "answers again" in log.read_text()
