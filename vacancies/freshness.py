"""When a public page last changed, so that browsers, feed readers and shared caches can ask
"has it changed?" (If-None-Match, If-Modified-Since) and be answered 304 Not Modified.

Every public page's ETag is its content's (django.middleware.http.ConditionalGetMiddleware):
always right, whatever changed it. Its Last-Modified comes from the data it shows. A
vacancy's page changes when the vacancy is saved (or a place it names is renamed:
services.py), and also with time alone: "closes in 3 days" turns into "closes in 2 days" at
midnight, and the page says "Closed" once the deadline has passed.
"""

from datetime import datetime, timedelta

from django.db.models import Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.views.decorators.cache import cache_control

from .models import CLOSING_SOON, Vacancy

# How long a shared cache (a proxy, a CDN) may keep a public page without asking again.
SHARED_MAX_AGE = 60

# Public pages: a shared cache keeps them a minute; a browser asks each time whether its copy
# is still current (and is answered 304 when it is), so an editor's change shows at once.
public_briefly = cache_control(public=True, max_age=0, s_maxage=SHARED_MAX_AGE)


def vacancy_last_modified(request: HttpRequest, reference: str, **kwargs) -> datetime | None:
    """When the vacancy's page last changed: saved, a new day, or its deadline passed."""
    state = (
        Vacancy.objects.published()
        .filter(reference=reference)
        .values_list("updated_at", "deadline")
        .first()
    )
    return changed_at(*state) if state is not None else None  # None: the view says 404


def changed_at(updated_at: datetime, deadline: datetime | None) -> datetime:
    """When what is shown of a vacancy last changed: saved, a new day, or its deadline."""
    now = timezone.now()
    moments = [
        updated_at,
        timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0),
    ]
    if deadline is not None and deadline <= now:
        moments.append(deadline)
    return max(moments)


def next_change(now: datetime) -> datetime:
    """The first moment after ``now`` at which time alone changes a public page: a
    deadline passes (a post closes), a deadline comes within the week ("closing soon"), or
    a new day begins ("closes in 3 days" becomes "closes in 2 days"). One query."""
    tomorrow = timezone.localtime(now) + timedelta(days=1)
    moments = [tomorrow.replace(hour=0, minute=0, second=0, microsecond=0)]
    upcoming = Vacancy.objects.published().filter(deadline__gt=now).order_by("deadline")
    beyond_the_week = upcoming.filter(deadline__gt=now + CLOSING_SOON).values("deadline")[:1]
    first = (
        upcoming.annotate(first_beyond_the_week=Subquery(beyond_the_week))
        .values_list("deadline", "first_beyond_the_week")
        .first()
    )
    if first is not None:
        next_closing, first_beyond_the_week = first
        moments.append(next_closing)
        if first_beyond_the_week is not None:
            moments.append(first_beyond_the_week - CLOSING_SOON)
    return min(moments)
