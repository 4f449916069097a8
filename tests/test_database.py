"""The database is a real PostgreSQL: embedded unless DATABASE_URL says otherwise, started only
by commands that use it, stopped when the last process using it exits."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.db import connection

from jobboard import embedded_postgres

embedded_only = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="DATABASE_URL points at another server"
)


@pytest.fixture
def data_dir(tmp_path):
    """A data directory of its own for an embedded server run by subprocesses."""
    data_dir = tmp_path / "var" / "postgres"
    yield data_dir
    # A failing test may leave its server behind.
    embedded_postgres.stop_if_unused(data_dir)


def embedded_env(data_dir: Path) -> dict:
    return {"EMBEDDED_POSTGRES_DIR": str(data_dir), "DATABASE_URL": None}


def start_manage(data_dir: Path, *args, **popen_options) -> subprocess.Popen:
    """Start `manage.py ARGS...` on the embedded server of `data_dir`, without waiting."""
    env = {**os.environ, "EMBEDDED_POSTGRES_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, **popen_options
    )


def users(data_dir: Path) -> list[int]:
    """The processes using the server of `data_dir`, as the package records them."""
    try:
        return json.loads((data_dir / ".handle_pids.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):  # not yet written, or being written
        return []


def postmaster(data_dir: Path) -> psutil.Process | None:
    """The running server for `data_dir`, if any."""
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return None
    try:
        return psutil.Process(int(pid_file.read_text().split()[0]))
    except psutil.NoSuchProcess:
        return None


def test_database_is_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL ")
    # pytest-django created a database of its own for the tests.
    assert connection.settings_dict["NAME"].startswith("test_")


@embedded_only
def test_tests_run_on_the_embedded_server(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        assert Path(cursor.fetchone()[0]) == Path(settings.EMBEDDED_POSTGRES_DIR).resolve()
    assert (
        Path(connection.settings_dict["HOST"]) / f".s.PGSQL.{connection.settings_dict['PORT']}"
    ).is_socket()


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["check"],
        ["parse_notice", "--json", "fixtures/notices/000_0f606890594e4ec3.txt"],
    ],
    ids=lambda args: args[0],
)
def test_commands_that_need_no_database_do_not_start_the_server(manage, data_dir, args):
    result = manage(*args, env=embedded_env(data_dir))

    assert not data_dir.parent.exists(), result.stderr
    if args[0] != "parse_notice":  # its own tests check its output
        assert result.returncode == 0, result.stderr


def test_server_lives_while_a_process_uses_it_and_keeps_its_data(manage, data_dir):
    holder = start_manage(
        data_dir,
        *("shell", "--no-imports", "-c", HOLD_CONNECTION),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "connected"
        server = postmaster(data_dir)
        assert server is not None and server.is_running()

        # Another process uses the server and exits: the server stays up for the holder.
        result = manage("shell", "--no-imports", "-c", CREATE_TABLE, env=embedded_env(data_dir))
        assert result.returncode == 0, result.stderr
        assert server.is_running()

        # The holder is terminated: as the last user, it stops the server on its way out.
        holder.send_signal(signal.SIGTERM)
        assert holder.wait(timeout=60) == 128 + signal.SIGTERM
        server.wait(timeout=30)
        assert postmaster(data_dir) is None
    finally:
        holder.kill()
        holder.wait()

    # The data survived; the server starts again for the next command (dbshell runs psql on
    # it) and stops after it.
    sql = "SELECT note FROM kept"
    result = manage("dbshell", "--", "--tuples-only", "--command", sql, env=embedded_env(data_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "kept between runs"
    assert postmaster(data_dir) is None


def test_terminated_runserver_stops_the_server(data_dir, tmp_path):
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    output = (tmp_path / "runserver.log").open("w")
    runserver = start_manage(
        data_dir, "runserver", f"127.0.0.1:{port}", stdout=output, stderr=subprocess.STDOUT
    )
    try:
        # The autoreloader's child checks migrations, so connects, as soon as it starts.
        deadline = time.monotonic() + 60
        while not users(data_dir):
            assert runserver.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        [child] = [psutil.Process(pid) for pid in users(data_dir)]
        server = postmaster(data_dir)

        runserver.send_signal(signal.SIGTERM)  # the parent only, as `kill PID` does
        runserver.wait(timeout=60)

        child.wait(timeout=30)
        server.wait(timeout=30)
        assert postmaster(data_dir) is None
    finally:
        runserver.kill()
        runserver.wait()
        output.close()


HOLD_CONNECTION = """
import sys
from django.db import connection
connection.ensure_connection()
print("connected", flush=True)
sys.stdin.read()
"""

CREATE_TABLE = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE kept (note text)")
    cursor.execute("INSERT INTO kept VALUES ('kept between runs')")
"""


def test_server_starts_whatever_the_locale_of_the_user(manage, data_dir):
    env = {**embedded_env(data_dir), "LANG": "xx_XX.UTF-8", "LC_ALL": "xx_XX.UTF-8"}

    result = manage("shell", "--no-imports", "-c", UPPER_CASE, env=env)

    assert result.returncode == 0, result.stderr
    # Upper case beyond ASCII, as case-insensitive lookups (icontains) need.
    assert result.stdout.split() == ["ÉCOLE"]


UPPER_CASE = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT upper('école')")
    print(cursor.fetchone()[0])
"""


def assert_one_clear_line(result, *fragments):
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_unusable_data_directory_is_reported_in_one_sentence(manage, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")

    result = manage("migrate", env=embedded_env(blocker / "var" / "postgres"))

    assert_one_clear_line(result, "embedded PostgreSQL", str(blocker / "var"), "Not a directory")


def test_runserver_reports_the_failure_in_one_sentence_too(manage, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")

    # With the autoreloader, the first connection is made in a thread of a child process.
    result = manage(
        "runserver", "127.0.0.1:8999", env=embedded_env(blocker / "postgres"), timeout=60
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: The embedded PostgreSQL")


def test_server_that_fails_to_start_is_reported_with_its_log(manage, data_dir):
    result = manage(
        "shell",
        "-c",
        "from django.db import connection; connection.ensure_connection()",
        env=embedded_env(data_dir),
    )
    assert result.returncode == 0, result.stderr
    with (data_dir / "postgresql.conf").open("a") as conf:
        conf.write("\nshared_buffers = 'plenty'\n")

    result = manage("migrate", env=embedded_env(data_dir))

    log = data_dir.with_name("postgres.log")
    assert_one_clear_line(result, "embedded PostgreSQL", "could not start", "pg_ctl", str(log))
    assert "shared_buffers" in log.read_text()
    assert postmaster(data_dir) is None


def test_the_embedded_server_package_still_offers_what_this_site_relies_on():
    # Beyond its public API, jobboard/embedded_postgres.py uses two internals of the
    # package (jobboard.embedded_postgres.package_internals): a new release that moves
    # them must fail here, not when a developer's server will not start.
    internals = embedded_postgres.package_internals()
    with internals.lock:
        pass
    for program in ("psql", "pg_ctl", "initdb", "postgres", "pg_basebackup"):
        assert (internals.bin_path / program).exists(), program
