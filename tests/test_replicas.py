"""Public pages read from a real PostgreSQL streaming standby (jobboard/replicas.py).

The module takes a base backup of the embedded server the tests run on and starts it as a
hot standby of its own (socket directory and port of its own, in a scratch directory);
gunicorn, as `make serve` runs it, serves the tests' database with the standby as
DATABASE_REPLICA_URLS. The standby replays only what is committed: the tests commit
(transaction=True). Pausing its replay (pg_wal_replay_pause()) makes it lag for as long as
a test wants, without touching the primary, which the tests never stop or reconfigure.

Without the embedded server (DATABASE_URL set, as in the second leg of .ci/run) the module
is skipped: the server there is not set up for replication.
"""

import contextlib
import html
import http.cookiejar
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from alerts.models import Subscription
from jobboard import embedded_postgres
from vacancies.models import Vacancy

EMBEDDED = settings.DATABASES["default"]["ENGINE"] == "jobboard.db.embedded"

pytestmark = [
    pytest.mark.skipif(
        not EMBEDDED,
        reason="starts a streaming standby of the embedded PostgreSQL server: with "
        "DATABASE_URL the tests run on a server this module cannot set up for replication",
    ),
    pytest.mark.skipif(sys.platform != "linux", reason="runs PostgreSQL servers (Linux)"),
    pytest.mark.django_db(transaction=True),
]

# As root, the embedded-postgres package runs PostgreSQL as this system user (PostgreSQL
# refuses to run as root): the standby runs as it too, in a directory it owns.
SYSTEM_USER = "embedded_postgres" if os.geteuid() == 0 else None

# The vacancy published while the standby lags: held back as a draft until then.
LATE = "260063"
PASSWORD = "a long editor password"


def require(condition: object, message: str) -> None:
    """A step a test needs, rather than what it checks: a failure here is pytest.fail, which
    the expected failures below (xfail, raises=AssertionError) do not take for theirs."""
    if not condition:
        pytest.fail(message)


# The standby ---------------------------------------------------------------------------


@dataclass
class Standby:
    """A hot standby of the embedded server, streaming from it; `folder` holds its data
    directory, its log and its socket."""

    folder: Path
    port: int
    primary_conninfo: str = field(default="")

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "standby.log"

    def url(self, database: str) -> str:
        """DATABASE_REPLICA_URLS for `database` on the standby."""
        return f"postgres://postgres@{quote(str(self.folder), safe='')}:{self.port}/{database}"

    def pg_ctl(self, *args: str) -> None:
        _run("pg_ctl", "-D", str(self.data_dir), "-w", "-t", "30", *args)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=''"
        self.pg_ctl("-l", str(self.log), "-o", options, "start")

    def stop(self) -> None:
        """Stopped at once, as a crash would."""
        self.pg_ctl("-m", "immediate", "stop")

    def is_running(self) -> bool:
        status = [str(_binary("pg_ctl")), "-D", str(self.data_dir), "status"]
        return subprocess.run(status, user=SYSTEM_USER, capture_output=True).returncode == 0

    def query(self, sql: str, params=None):
        """The first row of `sql`, run on the standby."""
        import psycopg

        where = {"host": str(self.folder), "port": self.port, "dbname": "postgres"}
        with psycopg.connect(**where, user="postgres", autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchone() if cursor.description else None

    def pause(self) -> None:
        self.query("SELECT pg_wal_replay_pause()")

    def resume(self) -> None:
        self.query("SELECT pg_wal_replay_resume()")

    def catch_up(self, timeout: float = 15) -> None:
        """Wait until the standby has replayed all the primary had written (committed)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_flush_lsn()::text")
            (written,) = cursor.fetchone()
        deadline = time.monotonic() + timeout
        while True:
            (replayed,) = self.query(
                "SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [written]
            )
            if replayed:
                return
            require(time.monotonic() < deadline, f"not replayed up to {written}:\n{self.tail()}")
            time.sleep(0.02)

    def set_primary_conninfo(self, conninfo: str) -> None:
        from psycopg import sql

        statement = sql.SQL("ALTER SYSTEM SET primary_conninfo = {}").format(sql.Literal(conninfo))
        self.query(statement.as_string())
        self.query("SELECT pg_reload_conf()")

    def streams(self) -> bool:
        receiving = "SELECT count(*) > 0 FROM pg_stat_wal_receiver WHERE status = 'streaming'"
        return self.query(receiving)[0]

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def _binary(name: str) -> Path:
    return embedded_postgres.package_internals().bin_path / name


def _run(name: str, *args: str) -> None:
    completed = subprocess.run(
        [str(_binary(name)), *args],
        user=SYSTEM_USER,
        capture_output=True,
        text=True,
        timeout=120,
    )
    require(completed.returncode == 0, f"{name} failed:\n{completed.stderr}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def standby_server(django_db_setup):
    """The standby, made once for the module once the tests' database exists."""
    primary = embedded_postgres.ensure_server(settings.EMBEDDED_POSTGRES_DIR)
    # Short (a socket's path is limited to about 100 characters) and reachable by the
    # PostgreSQL user: not under pytest's tmp_path, which only root may enter.
    folder = Path(tempfile.mkdtemp(prefix="jobboard-standby-"))
    try:
        if SYSTEM_USER is not None:
            account = pwd.getpwnam(SYSTEM_USER)
            os.chown(folder, account.pw_uid, account.pw_gid)
        standby = Standby(folder=folder, port=_free_port())
        # The primary allows local replication connections (initdb's pg_hba.conf with
        # --auth-local=trust) and streams WAL by default (wal_level=replica): nothing of its
        # configuration changes. -c fast: no waiting for a spread checkpoint.
        _run(
            "pg_basebackup",
            *("-D", str(standby.data_dir), "-R", "-X", "stream", "-c", "fast", "--no-sync"),
            *("-h", str(primary.socket_dir), "-p", str(primary.port), "-U", "postgres"),
        )
        standby.start()
        (standby.primary_conninfo,) = standby.query("SHOW primary_conninfo")
        yield standby
    finally:
        with contextlib.suppress(pytest.fail.Exception, subprocess.SubprocessError, OSError):
            if (folder / "data" / "postmaster.pid").exists():
                Standby(folder=folder, port=0).stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def standby(standby_server, board):
    """The standby, running, replaying, streaming from the primary, and up to date with
    the board (whatever an earlier test did to it). `LATE` is a draft, on both."""
    if not standby_server.is_running():
        standby_server.start()
    (conninfo,) = standby_server.query("SHOW primary_conninfo")
    if conninfo != standby_server.primary_conninfo:
        standby_server.set_primary_conninfo(standby_server.primary_conninfo)
    standby_server.resume()
    Vacancy.objects.filter(reference=LATE).update(status=Vacancy.Status.DRAFT)
    standby_server.catch_up()
    yield standby_server
    with contextlib.suppress(Exception):  # left paused, say: the next test resumes it
        standby_server.resume()


def heartbeat() -> None:
    """Commit a transaction on the primary (it writes nothing): the standby's last replayed
    transaction, once replayed, is from now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()")


def publish_late_vacancy() -> None:
    """Publish `LATE` on the primary, committed, as an import would."""
    vacancy = Vacancy.objects.get(reference=LATE)
    vacancy.publish()
    vacancy.save()


# The site --------------------------------------------------------------------------------


@pytest.fixture
def site(serve, standby, tmp_path):
    """Start gunicorn reading public pages from the standby; returns (base URL, log)."""

    def start(**env):
        environment = {
            "DATABASE_REPLICA_URLS": standby.url(connection.settings_dict["NAME"]),
            "REPLICA_CHECK_SECONDS": "0",
            "REPLICA_MAX_LAG_SECONDS": "3600",
            # The list's counts made from the database at each request, not from a cache
            # that another request filled from the other database.
            "FACET_CACHE_SECONDS": "0",
            "EMAIL_URL": f"file://{tmp_path / 'mail'}",
            "DJANGO_DEBUG": None,
            "TEST_REDIS_URL": None,
            **env,
        }
        return serve(environment)

    return start


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Page:
    status: int
    text: str
    headers: dict

    def form_value(self, name: str) -> str:
        """The value of the form's field `name` (hidden ones, as a browser sends them)."""
        found = re.search(rf'<input[^>]* name="{name}"(?: value="([^"]*)")?', self.text)
        require(found, f"no {name} in the page ({self.status})")
        assert found is not None
        return html.unescape(found.group(1) or "")


class Browser:
    """A visitor: keeps cookies, follows no redirects."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def get(self, path: str) -> Page:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict) -> Page:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self.opener.open(request, timeout=20) as response:
                return Page(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Page(error.code, error.read().decode(), dict(error.headers))

    def has_session(self) -> bool:
        return any(cookie.name == settings.SESSION_COOKIE_NAME for cookie in self.cookies)


def log_in(base: str) -> Browser:
    """The HR editor, signed in through the admin's login page."""
    editor = Browser(base)
    form = editor.get(f"/{settings.ADMIN_URL}login/")
    require(form.status == 200, f"the login page: {form.status}")
    answer = editor.post(
        f"/{settings.ADMIN_URL}login/",
        {
            "username": "editor",
            "password": PASSWORD,
            "csrfmiddlewaretoken": form.form_value("csrfmiddlewaretoken"),
            "next": f"/{settings.ADMIN_URL}",
        },
    )
    require(answer.status == 302 and editor.has_session(), f"not signed in: {answer.text[:2000]}")
    return editor


def public_view(visitor: Browser, title: str) -> dict[str, bool]:
    """Where a visitor sees the vacancy `LATE` (whose title is `title`): the list, its page,
    the list's feed, the API. Every one of them answers."""
    listing = visitor.get("/en/")
    page = visitor.get(f"/en/vacancies/{LATE}/")
    feed = visitor.get("/en/feed/")
    api = visitor.get(f"/api/v1/vacancies/{LATE}/")
    statuses = [listing.status, page.status, feed.status, api.status]
    require(statuses[0] == statuses[2] == 200 and {*statuses} <= {200, 404}, f"{statuses}")
    return {
        "list": title in listing.text,
        "page": page.status == 200 and title in page.text,
        "feed": title in feed.text,
        "api": api.status == 200 and f'"reference":"{LATE}"' in api.text.replace(" ", ""),
    }


def vacancies_listed(visitor: Browser) -> int:
    """The number of open vacancies the list says it has."""
    heading = re.search(r'<h2 id="results-heading">\s*(\d+) vacanc', visitor.get("/en/").text)
    require(heading, "no results heading in the list")
    assert heading is not None
    return int(heading.group(1))


SEEN = {"list": True, "page": True, "feed": True, "api": True}
UNSEEN = {"list": False, "page": False, "feed": False, "api": False}


def open_titles(board) -> list[str]:
    """The titles of the open vacancies the board always shows."""
    return [board[reference].title_en for reference in ("260885", "260066", "240655")]


# The tests -------------------------------------------------------------------------------


@pytest.fixture
def hr_editors_group():
    """The editors' group, as its migration makes it: the transactional tests run before
    this one may have emptied every table."""
    from django.apps import apps

    migration = import_module("vacancies.migrations.0007_hr_editors_group")
    migration.create_hr_editors_group(apps, None)


@pytest.fixture
def editor(hr_editors_group, editor):
    return editor


def test_public_pages_read_the_standby_and_an_editor_reads_their_own_writes(
    site, standby, board, editor
):
    base, log = site()
    title = board[LATE].title_en
    anonymous = Browser(base)
    assert public_view(anonymous, title) == UNSEEN  # a draft everywhere

    standby.pause()
    hr = log_in(base)  # the login writes its session: on the primary
    # The editor publishes the vacancy in the admin (the HR desk).
    changelist = hr.get(f"/{settings.ADMIN_URL}vacancies/vacancy/")
    assert changelist.status == 200
    published = hr.post(
        f"/{settings.ADMIN_URL}vacancies/vacancy/",
        {
            "action": "publish",
            "_selected_action": str(board[LATE].pk),
            "index": "0",
            "csrfmiddlewaretoken": changelist.form_value("csrfmiddlewaretoken"),
        },
    )
    assert published.status == 302, published.text[:2000]
    assert Vacancy.objects.get(reference=LATE).status == Vacancy.Status.PUBLISHED

    # Visitors read the standby, which has not replayed the publication yet.
    assert public_view(anonymous, title) == UNSEEN
    listing = anonymous.get("/en/").text
    assert all(other in listing for other in open_titles(board))  # the standby's data

    # The editor sees it in the admin, and on the public pages too: they read the primary.
    in_admin = hr.get(f"/{settings.ADMIN_URL}vacancies/vacancy/?status__exact=published&q={LATE}")
    assert in_admin.status == 200 and f"/{board[LATE].pk}/change/" in in_admin.text
    assert public_view(hr, title) == SEEN
    assert vacancies_listed(hr) == 4

    # Once the standby has replayed it, everyone sees it.
    standby.resume()
    standby.catch_up()
    assert public_view(anonymous, title) == SEEN
    assert vacancies_listed(anonymous) == 4
    assert "left out" not in log.read_text()


def test_a_standby_further_behind_than_the_limit_is_left_out(site, standby, board):
    base, log = site(REPLICA_MAX_LAG_SECONDS="1")
    title = board[LATE].title_en
    anonymous = Browser(base)

    beat_at = time.monotonic()
    heartbeat()  # the last transaction the standby replays before it is paused
    standby.catch_up()
    standby.pause()
    publish_late_vacancy()
    # Within the limit, the standby still answers: it has not replayed the publication.
    page = anonymous.get(f"/en/vacancies/{LATE}/")
    took = time.monotonic() - beat_at
    assert page.status == 404, f"{took:.2f} s after the standby's last transaction"

    time.sleep(max(0.0, beat_at + 2 - time.monotonic()))
    assert public_view(anonymous, title) == SEEN  # from the primary
    assert re.search(r"replica replica1 left out: [0-9.]+ s behind", log.read_text())


def test_a_stopped_standby_is_left_out_and_pages_come_from_the_primary(site, standby, board):
    title = board[LATE].title_en
    # One server checks the standby before each read; the other trusts its last check for
    # an hour, so that the page it makes fails on the stopped standby and is made again.
    checking, checking_log = site()
    trusting, trusting_log = site(REPLICA_CHECK_SECONDS="3600")
    first, second = Browser(checking), Browser(trusting)

    standby.pause()
    publish_late_vacancy()
    assert public_view(first, title) == UNSEEN  # both read the standby
    assert public_view(second, title) == UNSEEN

    standby.stop()
    for visitor in (first, second):
        assert public_view(visitor, title) == SEEN  # from the primary
        listing = visitor.get("/en/")
        assert listing.status == 200
        assert all(other in listing.text for other in open_titles(board))
        assert visitor.get("/en/vacancies/260885/").status == 200
    assert re.search(r"replica replica1 left out: .*(connect|socket)", checking_log.read_text())
    failed = trusting_log.read_text()
    assert "replica replica1 failed a page, made again from the primary" in failed
    for log in (checking_log, trusting_log):
        assert not re.search(r'" (500|503) ', log.read_text()), log.read_text()[-3000:]


def ask_for_alert(visitor: Browser, form: Page) -> Page:
    """Send the alerts' form ``form`` as Ana fills it in."""
    return visitor.post(
        "/en/alerts/",
        {
            "email": "ana@example.org",
            "frequency": "daily",
            "search": form.form_value("search"),
            "shown": form.form_value("shown"),
            "website": "",
            "csrfmiddlewaretoken": form.form_value("csrfmiddlewaretoken"),
        },
    )


def test_an_alert_request_is_written_to_the_primary(site, standby, tmp_path):
    base, log = site()
    visitor = Browser(base)
    form = visitor.get("/en/alerts/?grade_min=15")
    assert form.status == 200
    time.sleep(2.1)  # alerts.forms.FASTEST_SECONDS: people take a moment to fill it in
    # The standby, read-only, serves the public pages meanwhile (it lags, visibly).
    standby.pause()
    publish_late_vacancy()
    assert visitor.get(f"/en/vacancies/{LATE}/").status == 404
    sent = ask_for_alert(visitor, form)
    assert sent.status == 302, sent.text[:2000]
    assert sent.headers["Location"] == "/en/alerts/requested/"
    assert Subscription.objects.filter(email="ana@example.org", search="grade_min=15").exists()
    (mail,) = (tmp_path / "mail").iterdir()
    assert "/en/alerts/" in mail.read_text()
    assert "read-only" not in log.read_text()
    assert visitor.get(f"/en/vacancies/{LATE}/").status == 404  # still the standby


def test_the_confirmation_link_works_at_once_while_the_standby_lags(site, standby, tmp_path):
    base, _log = site(REPLICA_MAX_LAG_SECONDS="10")  # the default limit
    visitor = Browser(base)
    form = visitor.get("/en/alerts/")
    time.sleep(2.1)
    heartbeat()
    standby.catch_up()
    standby.pause()  # a standby a moment behind, well within its limit
    sent = ask_for_alert(visitor, form)
    require(sent.status == 302, f"the alert was not asked for: {sent.status}")
    (mail,) = (tmp_path / "mail").iterdir()
    link = re.search(r"https?://[^/\s]+(/en/alerts/[\w-]+/confirm/)", mail.read_text())
    require(link, f"no confirmation link in {mail.read_text()}")
    assert link is not None
    confirm = visitor.get(link.group(1))
    assert confirm.status == 200, "the link in the mail just received says it is gone"


def test_a_standby_cut_off_from_the_primary_is_left_out(site, standby, board):
    base, _log = site(REPLICA_MAX_LAG_SECONDS="1")
    standby.set_primary_conninfo("")  # its primary unreachable: it stops receiving
    deadline = time.monotonic() + 10
    while standby.streams():
        require(time.monotonic() < deadline, f"still streaming:\n{standby.tail()}")
        time.sleep(0.05)
    publish_late_vacancy()
    time.sleep(2.5)
    assert Browser(base).get(f"/en/vacancies/{LATE}/").status == 200


def test_the_list_counts_the_vacancies_it_lists_while_the_standby_lags(site, standby, board):
    base, _log = site()
    anonymous = Browser(base)
    standby.pause()
    publish_late_vacancy()
    in_list = public_view(anonymous, board[LATE].title_en)["list"]
    require(not in_list, "the list shows what the standby has not replayed")
    assert vacancies_listed(anonymous) == 3  # the four open less the one not replayed
