"""The list's counts, kept in the cache between requests.

Most visitors ask for the same few lists, and counting every facet reads every open
vacancy. The counts change only when

- a vacancy, a location, a place name or a link between them is saved or deleted: every
  save or delete through Django (the admin, imports, the commands) gives the board a new
  version, which is part of every key, so counts made before it are never read again.
  Signals carry it, so that no way of saving (the admin's forms, actions, history restores,
  imports) is missed;
- a deadline passes, or comes within the week: each entry keeps the moment the first of
  its counts would change, and is not used from then on.

Writes that bypass Django's signals (``QuerySet.update()``, SQL typed by hand) are seen when
the entry expires, ``FACET_CACHE_SECONDS`` after it was made. A save made in one process
(a server worker, ``import_notices``) reaches the others at once only through a shared cache
(``REDIS_URL``); with each process's own memory it reaches them within that time.
"""

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from jobboard.replicas import reading_from_replica

VERSION_KEY = "vacancies:board-version"
# Part of every entry's key: raise it when the counts' shape changes, so that entries written
# by the previous release (still in a shared cache during a deploy) are never read.
ENTRY_FORMAT = 4

logger = logging.getLogger(__name__)
CACHE_PAUSE_SECONDS = 30

# What is counted and kept (vacancies/facets.py's Counted).
T = TypeVar("T")


class _Pause:
    """After the cache fails, it is left alone for ``CACHE_PAUSE_SECONDS``: pages are counted
    in the database meanwhile, instead of each one waiting on a cache that does not answer.
    Both switches are logged, once each."""

    def __init__(self):
        self._lock = threading.Lock()
        self._until = 0.0  # time.monotonic() before which the cache is not asked
        self._paused = False

    def allows(self) -> bool:
        return time.monotonic() >= self._until

    def failed(self, what: str, error: Exception) -> None:
        with self._lock:
            self._until = time.monotonic() + CACHE_PAUSE_SECONDS
            first, self._paused = not self._paused, True
        if first:
            logger.warning(
                "The cache could not be %s; counting in the database for the next %d s: %s",
                what,
                CACHE_PAUSE_SECONDS,
                error,
            )

    def answered(self) -> bool:
        """Note that the cache answered; True when that ends a pause."""
        if not self._paused:
            return False
        with self._lock:
            back, self._paused = self._paused, False
        if back:
            logger.warning("The cache answers again: the list's counts are kept in it again.")
        return back

    def reset(self) -> None:
        with self._lock:
            self._until, self._paused = 0.0, False


pause = _Pause()


def cached_counts(
    *, key_parts: tuple[Any, ...], now: datetime, count: Callable[[], tuple[T, datetime | None]]
) -> T:
    """The counts ``count()`` gives for ``key_parts``, from the cache while they still hold.

    ``count()`` returns the counts and the first moment after ``now`` at which they may
    differ (None: only a change to the data would change them). A cache that cannot be
    reached is left out for a while: the page is counted as if nothing were cached.
    """
    if not pause.allows():
        return count()[0]
    try:
        key, version_made = _key(key_parts)
        entry = cache.get(key)
    except Exception as error:  # whatever the backend raises: the counts do not need it
        pause.failed("read", error)
        return count()[0]
    if pause.answered():
        # Saves made during the pause could not tell the cache: start a new version.
        _new_version()
        (key, version_made), entry = _key(key_parts), None
    if entry is not None:
        valid_until, counts = entry
        if valid_until is None or now.timestamp() < valid_until:
            return counts
    counts, changes_at = count()
    timeout = settings.FACET_CACHE_SECONDS
    if changes_at is not None:
        timeout = min(timeout, int(changes_at.timestamp() - now.timestamp()))
    if reading_from_replica() and time.time() - version_made < settings.REPLICA_MAX_LAG_SECONDS:
        # Counted on a replica that may not have replayed yet the change that made this
        # version: not kept, so that no count older than the change outlives the lag.
        timeout = 0
    if timeout > 0:
        valid_until = changes_at.timestamp() if changes_at is not None else None
        try:
            cache.set(key, (valid_until, counts), timeout)
        except Exception as error:
            pause.failed("written", error)
    return counts


def forget_counts(**signal_arguments):
    """Give the board a new version: counts made before now are not read again.

    Done at once, so that this process sees its own change, and again when the transaction
    commits, in case another request counted in between without seeing it.
    """
    if signal_arguments.get("action", "post_").startswith("pre_"):
        return  # m2m_changed also announces changes about to be made
    _new_version()
    transaction.on_commit(_new_version)


def connect_signals():
    """Called once, when the app is ready."""
    from .models import Location, PlaceName, Vacancy

    for model in (Vacancy, Location, PlaceName):
        name = model.__name__
        post_save.connect(forget_counts, sender=model, dispatch_uid=f"forget_counts_{name}_saved")
        post_delete.connect(
            forget_counts, sender=model, dispatch_uid=f"forget_counts_{name}_deleted"
        )
    m2m_changed.connect(
        forget_counts,
        sender=Vacancy.other_locations.through,
        dispatch_uid="forget_counts_other_locations",
    )


def _key(key_parts) -> tuple[str, float]:
    """The entry's key, and when the board's version in it was made (a Unix time)."""
    version = board_version()
    digest = hashlib.sha256(repr(key_parts).encode()).hexdigest()
    return f"vacancies:counts:{ENTRY_FORMAT}:{version}:{digest}", version_made_at(version)


def board_version() -> str:
    """The board's version: it changes with every save or delete of what the public pages
    show. Raises whatever the cache raises."""
    version = cache.get(VERSION_KEY)
    return version if version is not None else _new_version()


def version_made_at(version: str) -> float:
    """When ``version`` was made, as a Unix time (0 for one made by an older release)."""
    made = version.rpartition("@")[2]
    return float(made) if made.replace(".", "", 1).isdigit() else 0.0


def _new_version():
    version = f"{uuid.uuid4().hex}@{time.time():.3f}"
    if not pause.allows():
        return version  # a new one is made when the cache answers again
    try:
        cache.set(VERSION_KEY, version, timeout=None)
    except Exception as error:  # a save must not fail for the cache: its entries expire
        pause.failed("told of a change", error)
    return version
