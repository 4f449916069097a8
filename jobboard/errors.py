"""What a visitor sees when the site itself fails.

A database that cannot be reached is an outage, not a bug: the visitor gets a page in their
language saying the site is temporarily unavailable (503, with ``Retry-After``), the log gets
one line when the outage starts and one when it ends rather than a traceback per request,
and nothing needs restarting: each request tries the database afresh, and the next one after
it answers again is served as usual. Any other failure is the 500 page.
"""

import logging
import sys
import threading
import time

from django.db import InterfaceError, OperationalError
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

RETRY_AFTER_SECONDS = 60
logger = logging.getLogger(__name__)

_lock = threading.Lock()
_outage_started: float | None = None
_BACK = "jobboard.errors.database_back"


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called while the exception that failed the request is being handled."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable(request, error)
    return defaults.server_error(request)


def database_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    _outage_seen(error)
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Logged once per outage above, not once per request by Django.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _outage_seen(error: Exception) -> None:
    global _outage_started
    with _lock:
        if _outage_started is not None:
            return
        _outage_started = time.monotonic()
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    logger.error("The database cannot be reached (%s): pages answer 503 until it can.", reason)
    # The first connection opened after this is the end of the outage.
    connection_created.connect(_database_back, dispatch_uid=_BACK)


def _database_back(**_signal_arguments) -> None:
    global _outage_started
    with _lock:
        if _outage_started is None:
            return
        lasted, _outage_started = time.monotonic() - _outage_started, None
    connection_created.disconnect(dispatch_uid=_BACK)
    logger.warning("The database answers again, after %.0f s: pages are served again.", lasted)
