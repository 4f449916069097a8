"""Reads spread over PostgreSQL streaming replicas (DATABASE_REPLICA_URLS).

The public pages, feeds and API read from a replica; everything else uses the primary: the
admin, imports, alerts, every command and every write. A request that carries a session
cookie (an HR editor, signed in) reads from the primary too, so an editor always sees their
own changes, on the public pages as well.

A replica is used only while it answers and has replayed what the primary wrote within
REPLICA_MAX_LAG_SECONDS; each process checks each replica at most every
REPLICA_CHECK_SECONDS, and a replica that fails a page is left out until its next check,
the page made again from the primary. With no replica usable, reads go to the primary.
"""

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA_PREFIX = "replica"

# How far the replica is behind the primary's position read just before (%s): 0 when it has
# replayed up to it; otherwise the age of the last transaction it replayed (None: it has
# replayed none since it started). NULL for the first column when it is not a standby.
_LAG = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_replay_lsn() >= %s::pg_lsn THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END
"""

# The replica the current request reads from; None: the primary.
_reading_from: ContextVar[str | None] = ContextVar("reading_from", default=None)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


@contextmanager
def public_reads() -> Iterator[None]:
    """Reads inside go to one replica, chosen now, if one is usable."""
    token = _reading_from.set(replica_for_reading())
    try:
        yield
    finally:
        _reading_from.reset(token)


def reading_from_replica() -> bool:
    """Whether what is read now may be behind the primary (REPLICA_MAX_LAG_SECONDS)."""
    return _reading_from.get() is not None


def reads_primary(view):
    """Mark a public view that must see what was just written: the pages that links in
    mails open, say, right after the visitor's request was saved."""
    view.reads_primary = True
    return view


class _Health:
    """Which replicas this process may read from, checked now and then."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked: dict[str, tuple[float, bool]] = {}  # alias: (when, usable)

    def usable(self, alias: str) -> bool:
        now = time.monotonic()
        checked_at, usable = self._checked.get(alias, (float("-inf"), False))
        if now - checked_at < settings.REPLICA_CHECK_SECONDS:
            return usable
        usable = _caught_up(alias)
        with self._lock:
            self._checked[alias] = (now, usable)
        return usable

    def failed(self, alias: str) -> None:
        with self._lock:
            self._checked[alias] = (time.monotonic(), False)


health = _Health()


def _caught_up(alias: str) -> bool:
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_flush_lsn()")
            (primary_position,) = cursor.fetchone()
        with connections[alias].cursor() as cursor:
            cursor.execute(_LAG, [primary_position])
            standby, lag = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("replica %s left out: %s", alias, str(error).strip().splitlines()[0])
        connections[alias].close()
        return False
    if not standby:
        logger.warning("replica %s left out: it is not a standby", alias)
        return False
    if lag is None or lag > settings.REPLICA_MAX_LAG_SECONDS:
        behind = "nothing replayed yet" if lag is None else f"{lag:.1f} s behind"
        logger.info("replica %s left out: %s", alias, behind)
        return False
    return True


def replica_for_reading() -> str | None:
    """A replica to read from now, or None for the primary."""
    aliases = replica_aliases()
    random.shuffle(aliases)  # share the reads
    return next((alias for alias in aliases if health.usable(alias)), None)


class ReplicaRouter:
    """Reads on the request's replica inside public_reads(); everything else on the
    primary."""

    def db_for_read(self, model, **hints) -> str:
        return _reading_from.get() or PRIMARY

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, copied

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY


class PublicReadsMiddleware:
    """Public pages read from a replica: GET and HEAD requests without a session cookie,
    outside the admin. A page that fails on a replica is made again from the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _reads_publicly(request):
            return self.get_response(request)
        with public_reads():
            return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if getattr(view_func, "reads_primary", False):
            _reading_from.set(None)  # undone with public_reads() when the request ends
        return None

    def process_exception(self, request: HttpRequest, exception: Exception):
        """A replica that failed the view (it stopped, say): left out until its next check,
        and the page made again from the primary (public pages only read)."""
        alias = _reading_from.get()
        if alias is None or not isinstance(exception, DatabaseError):
            return None
        if not connections[alias].errors_occurred:
            return None  # the primary failed, not the replica
        health.failed(alias)
        connections[alias].close()
        logger.warning(
            "replica %s failed a page, made again from the primary: %s", alias, exception
        )
        token = _reading_from.set(None)
        try:
            match = request.resolver_match
            assert match is not None  # the view failed: it was found
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # while the primary is still the one read
            return response
        finally:
            _reading_from.reset(token)


def _reads_publicly(request: HttpRequest) -> bool:
    return (
        bool(replica_aliases())
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith("/" + settings.ADMIN_URL)
    )
