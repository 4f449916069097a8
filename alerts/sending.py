"""Sending the alerts that are due: each confirmed subscription is told, once, of the
vacancies published since it last was that its search finds.

Exactly once, or rather at most once: for each subscription, which vacancies to mail is
decided and recorded (a Delivery per vacancy) by one statement that takes the subscription's
row with SKIP LOCKED, so that two runs at the same time share the work instead of waiting
for each other; the mail leaves after that statement commits. A run killed at any moment has
recorded only mails decided, and a second run finds them recorded. A mail the server
refuses, or that certainly did not reach it, is unrecorded at once, so the next run tries
it again; refused for good FAILURES_BEFORE_PAUSE times in a row, the subscription is paused.
The one mail that can be lost is the one being handed to the server when the run is killed
or the connection is lost.

Each search is searched once a run, whatever the number of its followers, and its words are
matched among the vacancies published in the last LOOK_BACK only.
"""

import logging
import smtplib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone, translation

from vacancies.models import Vacancy
from vacancies.selectors import vacancies_published_since

from .mail import VacancyEntry, alert_message, site_url, vacancy_entry
from .models import FAILURES_BEFORE_PAUSE, UNCONFIRMED_KEPT, Delivery, Subscription
from .searches import search_in_words, search_query

logger = logging.getLogger(__name__)

# How far back an alert looks for new vacancies, whatever its last mail: after a long
# pause, a candidate hears of recent posts, not of a year's worth.
LOOK_BACK = timedelta(days=14)
# The most vacancies one mail lists; it links to the search for the others.
LISTED = 50
# Subscriptions read, and matched, together.
BATCH = 500
# A run started a little before the hour a subscription is due still sends it: cron and
# timers start a few seconds late or early, and a daily alert should not slip by a day.
EARLY = timedelta(minutes=10)


class MailServerUnavailable(Exception):
    """The mail server could not be reached, or dropped the connection: the run stops, and
    what it had not sent is sent by the next run."""


@dataclass
class AlertRun:
    """What a run of send_alerts did."""

    mails_sent: int = 0
    vacancies_mailed: int = 0
    nothing_new: int = 0  # due subscriptions with no new vacancy: no mail
    refused: int = 0  # mails the server refused; tried again by the next run
    paused: int = 0  # subscriptions paused by this run after repeated refusals
    unconfirmed_deleted: int = 0
    refusals: list[str] = field(default_factory=list)  # the server's words, for the log
    # Alerts whose mail failed in a way that may have reached the server: kept as sent.
    uncertain: list[int] = field(default_factory=list)


def send_alerts(
    *,
    now: datetime | None = None,
    connection: BaseEmailBackend | None = None,
    batch: int = BATCH,
) -> AlertRun:
    """Send every alert that is due at ``now``, through one connection to the mail server."""
    site_url("/")  # refuses to start without SITE_URL, before any mail is decided
    now = now or timezone.now()
    run = AlertRun()
    run.unconfirmed_deleted = delete_expired_requests(now)
    connection = connection or get_connection()
    memo = _RunMemo(now)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        raise MailServerUnavailable(_reason(error)) from error
    try:
        for subscriptions in _due_batches(now, batch):
            found = {subscription.pk: memo.found(subscription) for subscription in subscriptions}
            _nothing_new(
                [subscription for subscription in subscriptions if not found[subscription.pk]],
                now,
                run,
            )
            for subscription in subscriptions:
                if found[subscription.pk]:
                    _send_one(subscription, found[subscription.pk], now, connection, memo, run)
    finally:
        connection.close()
    return run


def delete_expired_requests(now: datetime) -> int:
    """Delete the subscriptions left unconfirmed for UNCONFIRMED_KEPT."""
    deleted, _per_model = Subscription.objects.unconfirmed_since(now - UNCONFIRMED_KEPT).delete()
    return deleted


def _due_batches(now: datetime, size: int) -> Iterator[list[Subscription]]:
    due = Subscription.objects.due(now + EARLY).order_by("pk").values_list("pk", flat=True)
    keys = iter(list(due))  # numbers only: a million take a few megabytes
    while chunk := list(islice(keys, size)):
        yield list(Subscription.objects.filter(pk__in=chunk).order_by("pk"))


def _looks_back_to(subscription: Subscription, now: datetime) -> datetime:
    assert subscription.confirmed_at is not None  # only confirmed subscriptions are due
    return max(subscription.confirmed_at, now - LOOK_BACK)


def _nothing_new(subscriptions: list[Subscription], now: datetime, run: AlertRun) -> None:
    """Due again a period later; no mail (nor any row of theirs held)."""
    for frequency in Subscription.Frequency:
        keys = [s.pk for s in subscriptions if s.frequency == frequency]
        if keys:
            period = Subscription(frequency=frequency).period
            due = Subscription.objects.due(now + EARLY).filter(pk__in=keys)
            run.nothing_new += due.update(next_alert_at=now + period)


def _send_one(
    subscription: Subscription,
    found: list[Vacancy],
    now: datetime,
    connection: BaseEmailBackend,
    memo: "_RunMemo",
    run: AlertRun,
) -> None:
    vacancies = _decide(subscription, found, now)
    if vacancies is None:
        return  # another run holds it, or has just sent it
    if not vacancies:
        run.nothing_new += 1  # all it finds was sent before
        return
    listed = vacancies[:LISTED]
    with translation.override(subscription.language):
        message = alert_message(
            subscription,
            [memo.entry(vacancy, subscription.language) for vacancy in listed],
            in_words=memo.in_words(subscription.search, subscription.language),
            more=len(vacancies) - len(listed),
        )
    message.connection = connection
    try:
        message.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as refusal:
        codes = _codes(refusal)
        _undo(subscription, vacancies, now, permanent=min(codes) >= 500, run=run)
        run.refusals.append(f"{subscription.pk}: {_reason(refusal)}")
        return
    except (smtplib.SMTPException, OSError) as error:
        # The server itself: unreachable, gone, or refusing our sender or credentials. A
        # mail it may have taken stays recorded: lost, perhaps, but never sent twice.
        if _may_have_left(connection):
            run.uncertain.append(subscription.pk)
            logger.warning("alert %s may not have been sent: %s", subscription.pk, error)
        else:
            _undo(subscription, vacancies, now, permanent=False, run=run)
        raise MailServerUnavailable(_reason(error)) from error
    run.mails_sent += 1
    run.vacancies_mailed += len(vacancies)
    if subscription.failures:
        Subscription.objects.filter(pk=subscription.pk).update(failures=0)


def _may_have_left(connection: BaseEmailBackend) -> bool:
    """Whether the server may hold the message that failed: unless the backend knows it
    does not (jobboard/mail.py), it may."""
    may_have_taken_last = getattr(connection, "may_have_taken_last", None)
    return may_have_taken_last() if may_have_taken_last is not None else True


# Takes the subscription if it is still due and no other run holds it (SKIP LOCKED), records
# as mailed to it the vacancies found that it was never sent (the unique constraint leaves
# the others out), and moves its next alert on: one statement, committed before the mail
# leaves. Its row: whether the subscription was taken, and the vacancies recorded.
_DECIDE = """
WITH taken AS (
    SELECT id FROM alerts_subscription
    WHERE id = %(subscription)s AND confirmed_at IS NOT NULL AND paused_at IS NULL
      AND next_alert_at <= %(due)s
    FOR UPDATE SKIP LOCKED
), new AS (
    INSERT INTO alerts_delivery (subscription_id, vacancy_id, sent_at)
    SELECT taken.id, vacancy, %(now)s FROM taken CROSS JOIN unnest(%(found)s::bigint[]) AS vacancy
    ON CONFLICT (subscription_id, vacancy_id) DO NOTHING
    RETURNING vacancy_id
), moved AS (
    UPDATE alerts_subscription SET
        next_alert_at = %(next)s,
        last_alert_at = CASE WHEN EXISTS (SELECT FROM new) THEN %(now)s ELSE last_alert_at END
    FROM taken WHERE alerts_subscription.id = taken.id
    RETURNING alerts_subscription.id
)
SELECT EXISTS (SELECT FROM moved), array(SELECT vacancy_id FROM new)
"""


def _decide(
    subscription: Subscription, found: list[Vacancy], now: datetime
) -> list[Vacancy] | None:
    """Take the subscription, and record the vacancies ``found`` that it was never sent as
    mailed to it: those are its mail's. None when another run holds it, or has taken it since
    it was read."""
    parameters: dict[str, Any] = {
        "subscription": subscription.pk,
        "due": now + EARLY,
        "now": now,
        "next": now + subscription.period,
        "found": [vacancy.pk for vacancy in found],
    }
    with connections[Subscription.objects.db].cursor() as cursor:
        cursor.execute(_DECIDE, parameters)
        taken, recorded = cursor.fetchone()
    if not taken:
        return None
    new = set(recorded)
    return [vacancy for vacancy in found if vacancy.pk in new]


def _undo(
    subscription: Subscription,
    vacancies: Iterable[Vacancy],
    now: datetime,
    *,
    permanent: bool,
    run: AlertRun,
) -> None:
    """A mail that did not leave: its vacancies are unrecorded and the subscription due
    again, so that the next run sends them; a refusal for good counts towards a pause."""
    run.refused += 1
    with transaction.atomic():
        Delivery.objects.filter(subscription=subscription, vacancy__in=list(vacancies)).delete()
        again = Subscription.objects.filter(pk=subscription.pk)
        again.update(next_alert_at=now, last_alert_at=subscription.last_alert_at)
        if permanent:
            again.update(failures=F("failures") + 1)
            run.paused += Subscription.objects.filter(
                pk=subscription.pk, failures__gte=FAILURES_BEFORE_PAUSE, paused_at__isnull=True
            ).update(paused_at=now)


def _codes(refusal: smtplib.SMTPException) -> list[int]:
    if isinstance(refusal, smtplib.SMTPRecipientsRefused):
        return [code for code, _text in refusal.recipients.values()]
    assert isinstance(refusal, smtplib.SMTPResponseException)
    return [refusal.smtp_code]


def _reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {_text(text)}" for code, text in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return str(error) or type(error).__name__


def _text(said: bytes | str) -> str:
    return said.decode(errors="replace") if isinstance(said, bytes) else said


class _RunMemo:
    """What a run works out once: each search's vacancies, each vacancy's lines and each
    search in words, per language."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._found: dict[tuple[str, str], list[Vacancy]] = {}
        self._entries: dict[tuple[int, str], VacancyEntry] = {}
        self._words: dict[tuple[str, str], str] = {}

    def found(self, subscription: Subscription) -> list[Vacancy]:
        """The vacancies the subscription's search finds among those published since it
        could last hear of them, sent to it or not. Each search is searched once a run, over
        LOOK_BACK; each subscription's own start is applied after."""
        key = (subscription.search, subscription.language)
        if key not in self._found:
            with translation.override(subscription.language):
                self._found[key] = vacancies_published_since(
                    search_query(subscription.search),
                    since=self.now - LOOK_BACK,
                    language=subscription.language,
                    now=self.now,
                )
        since = _looks_back_to(subscription, self.now)
        return [
            vacancy
            for vacancy in self._found[key]
            if vacancy.published_at is not None and vacancy.published_at >= since
        ]

    def entry(self, vacancy: Vacancy, language: str) -> VacancyEntry:
        key = (vacancy.pk, language)
        if key not in self._entries:
            self._entries[key] = vacancy_entry(vacancy)
        return self._entries[key]

    def in_words(self, search: str, language: str) -> str:
        key = (search, language)
        if key not in self._words:
            self._words[key] = search_in_words(search)
        return self._words[key]
