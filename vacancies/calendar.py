"""A vacancy's application deadline as an iCalendar file (RFC 5545), for the candidate's
calendar: the moment in the site's time zone, written with its VTIMEZONE, and a reminder a
few days before."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Alarm, Calendar, Event

from .display import in_one_line
from .models import Vacancy

REMINDER_BEFORE = timedelta(days=3)


def deadline_calendar(vacancy: Vacancy, *, page_url: str, host: str) -> bytes:
    """The calendar of ``vacancy``'s deadline, in the active language; ``page_url`` is the
    vacancy's public page, ``host`` names the site in the event's identifier.

    The vacancy must have a deadline.
    """
    if vacancy.deadline is None:
        raise ValueError(f"vacancy {vacancy.reference} has no deadline")
    deadline = vacancy.deadline.astimezone(ZoneInfo(settings.TIME_ZONE))
    summary = gettext("Deadline to apply: %(title)s (%(reference)s)") % {
        "title": vacancy.title,
        "reference": vacancy.reference,
    }
    event = Event()
    # The same identifier in both languages and on every download: importing the file again
    # updates the event instead of adding a second one.
    event.add("uid", f"deadline-{vacancy.reference}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", deadline)  # an instant: no end (RFC 5545, 3.6.1)
    event.add("summary", summary)
    event.add("description", f"{in_one_line(vacancy)}\n{page_url}")
    event.add("url", page_url)
    event.add("categories", [gettext("Application deadline")])
    event.add_component(_reminder(summary))

    calendar = Calendar()
    calendar.add("prodid", f"-//{host}//Vacancy deadlines//{vacancy.content_language.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    # The zone's rules around the deadline only: a year either side keeps the file short and
    # right for any year, where the default (1970 to 2038) is long and stops in 2038.
    calendar.add_missing_timezones(
        first_date=deadline.date() - timedelta(days=366),
        last_date=deadline.date() + timedelta(days=366),
    )
    return calendar.to_ical()


def _reminder(summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -REMINDER_BEFORE)
    alarm.add("description", summary)
    return alarm
