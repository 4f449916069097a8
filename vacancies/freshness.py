"""When a public page last changed, so that browsers, feed readers and shared caches can ask
"has it changed?" (If-None-Match, If-Modified-Since) and be answered 304 Not Modified.

A vacancy's page changes when the vacancy is saved, but also with time alone: "closes in 3
days" turns into "closes in 2 days" at midnight, and the page says "Closed" once the deadline
has passed. Both count as changes here. Lists, feeds, the sitemap and the API are compared by
their content (django.middleware.http.ConditionalGetMiddleware), each with a Last-Modified
from what it shows.
"""

import hashlib
from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control

from .models import Vacancy

# How long a browser or a shared cache may keep a public page without asking again.
PUBLIC_MAX_AGE = 60


# Public pages, which browsers and shared caches may keep for a minute without asking.
public_briefly = cache_control(public=True, max_age=PUBLIC_MAX_AGE)


def vacancy_last_modified(request: HttpRequest, reference: str, **kwargs) -> datetime | None:
    """The last time the vacancy's page changed: saved, a new day, or the deadline passed;
    read once per request."""
    if not hasattr(request, "_vacancy_changed"):
        request._vacancy_changed = _changed(reference)  # type: ignore[attr-defined]
    return request._vacancy_changed  # type: ignore[attr-defined]


def vacancy_etag(request: HttpRequest, reference: str, **kwargs) -> str | None:
    """The version of the vacancy's page (or calendar) in the page's language."""
    changed = vacancy_last_modified(request, reference)
    if changed is None:
        return None  # not found: the view says so
    version = f"{request.path}|{get_language()}|{changed.isoformat()}"
    return hashlib.sha256(version.encode()).hexdigest()[:32]


def _changed(reference: str) -> datetime | None:
    state = (
        Vacancy.objects.published()
        .filter(reference=reference)
        .values_list("updated_at", "deadline")
        .first()
    )
    if state is None:
        return None
    updated_at, deadline = state
    now = timezone.now()
    moments = [updated_at, timezone.localtime(now).replace(hour=0, minute=0, second=0)]
    if deadline is not None and deadline <= now:
        moments.append(deadline)
    return max(moments)
