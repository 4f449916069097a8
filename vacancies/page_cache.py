"""Public pages kept as rendered, between changes of the board.

Most visitors ask for the same pages: the list, a few filters, a few searches, the vacancies
of the day. Rendering one takes a server process several milliseconds, answering from the
cache a fraction of one. A view marked ``@kept_rendered`` has its page kept, and answered
as it was to the next visitors who ask for the same address, until

- the board changes: each entry holds the board's version (vacancies/counting_cache.py),
  which every save or delete through Django changes, and is not used under another;
- time alone changes the page: a deadline passes or comes within the week, or a day begins
  (vacancies/freshness.py's ``next_change``);
- ``PAGE_CACHE_SECONDS`` have passed (writes that bypass Django's signals are seen then).

Only the pages of visitors without a session are kept and answered: an HR editor signed in
is always answered by the view. Only a 200 that sets no cookie is kept, with its headers and
an ETag, so that a client that has it is answered 304. Pages read from a replica within the
lag limit after a change are not kept (it may not have replayed the change yet).

One round trip to the cache answers a page: its entry and the board's version are read
together. A cache that fails is left alone for a while (counting_cache.pause): the views
answer meanwhile.
"""

import hashlib
import time
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import set_response_etag

from jobboard.replicas import reading_from_replica

from .counting_cache import VERSION_KEY, board_version, pause, version_made_at
from .freshness import next_change

# Part of every key: raise it when an entry's shape changes, so that entries written by the
# previous release (still in a shared cache during a deploy) are never read.
ENTRY_FORMAT = 1
# Pages of addresses longer than this are made each time: nobody shares them.
LONGEST_ADDRESS_KEPT = 2_000


class _Entry(NamedTuple):
    version: str  # the board's version the page was made under
    valid_until: float  # Unix time
    status: int
    headers: list[tuple[str, str]]
    content: bytes


def kept_rendered(view: Callable) -> Callable:
    """Mark a public view whose pages may be kept and answered again (see above)."""
    view.kept_rendered = True  # type: ignore[attr-defined]
    return view


class RenderedPagesMiddleware:
    """Answer a kept page from the cache; keep the page of a marked view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _may_be_kept(request):
            return self.get_response(request)
        key = _key(request)
        version, entry = _read(key)
        if entry is not None and entry.version == version and time.time() < entry.valid_until:
            return _answer(entry)
        if version is None:
            version = _first_version()
        response = self.get_response(request)
        if version is not None and getattr(request, "kept_rendered", False):
            _keep(key, version, response)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if getattr(view_func, "kept_rendered", False):
            request.kept_rendered = True  # type: ignore[attr-defined]
        return None


def _may_be_kept(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and len(request.get_full_path()) <= LONGEST_ADDRESS_KEPT
        and pause.allows()
    )


def _key(request: HttpRequest) -> str:
    """The page's address as the visitor asked for it, host and scheme included (a page
    names its own address)."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"vacancies:page:{ENTRY_FORMAT}:{digest}"


def _read(key: str) -> tuple[str | None, _Entry | None]:
    """The board's version and the page's entry, in one round trip."""
    try:
        found = cache.get_many([VERSION_KEY, key])
    except Exception as error:  # whatever the backend raises: the view answers instead
        pause.failed("read", error)
        return None, None
    entry = found.get(key)
    return found.get(VERSION_KEY), _Entry(*entry) if entry is not None else None


def _first_version() -> str | None:
    """The board's version when the cache has none yet (it was emptied, say)."""
    try:
        return board_version()
    except Exception as error:
        pause.failed("read", error)
        return None


def _answer(entry: _Entry) -> HttpResponse:
    response = HttpResponse(entry.content, status=entry.status)
    for name, value in entry.headers:
        response[name] = value
    return response


def _keep(key: str, version: str, response: HttpResponse) -> None:
    """Keep a page made under ``version`` (the version read before it was made: a change
    made meanwhile gives the board another, and the entry is never used)."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return
    now = time.time()
    if reading_from_replica() and now - version_made_at(version) < settings.REPLICA_MAX_LAG_SECONDS:
        return
    try:
        changes_at = next_change(timezone.now()).timestamp()
    except DatabaseError:
        return  # the page is answered all the same, only not kept
    valid_until = min(now + settings.PAGE_CACHE_SECONDS, changes_at)
    if not response.has_header("ETag"):
        set_response_etag(response)
    entry = _Entry(
        version, valid_until, response.status_code, list(response.items()), response.content
    )
    try:
        if board_version() == version:  # else the board changed while the page was made
            cache.set(key, tuple(entry), max(1, int(valid_until - now)))
    except Exception as error:
        pause.failed("written", error)
