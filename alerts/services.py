"""Every change to a subscription: requested, confirmed, deleted."""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .limits import mails_to_address
from .mail import confirmation_message
from .models import Subscription, normalised_address

logger = logging.getLogger(__name__)


def alert_request(
    *, email: str, search: str, language: str, frequency: str, now: datetime | None = None
) -> None:
    """Ask ``email`` to confirm an alert for ``search``: a new request, or one made again
    (it replaces the unconfirmed one). An address that already follows the search is told so
    instead, by mail: whoever made the request learns nothing about who is subscribed.

    Beyond ALERT_MAILS_PER_ADDRESS_PER_DAY mails, nothing is sent, quietly. A mail server
    that refuses or fails raises (smtplib.SMTPException, OSError), and nothing is saved.
    """
    now = now or timezone.now()
    email = normalised_address(email)
    if not mails_to_address().allows(email):
        logger.info("alert request: the address's mails for today were all sent")
        return
    with transaction.atomic():
        subscription = _requested(email, search, now)
        if not subscription.is_confirmed or subscription.paused_at is not None:
            subscription.language = language
            subscription.frequency = frequency
            subscription.requested_at = now
            subscription.save(update_fields=["language", "frequency", "requested_at"])
        confirmation_message(subscription).send()


def _requested(email: str, search: str, now: datetime) -> Subscription:
    """The subscription of ``email`` to ``search``, locked, made if need be."""
    try:
        with transaction.atomic():
            subscription, _created = Subscription.objects.get_or_create(
                email=email, search=search, defaults={"requested_at": now, "language": "en"}
            )
    except IntegrityError:  # made at the same moment by another request
        pass
    return Subscription.objects.select_for_update().get(email=email, search=search)


def alert_confirm(subscription: Subscription, *, now: datetime | None = None) -> None:
    """Start (or resume, after a pause) sending alerts; the first tells of vacancies
    published from now on."""
    if subscription.is_confirmed and subscription.paused_at is None:
        return
    now = now or timezone.now()
    subscription.confirmed_at = now
    subscription.next_alert_at = now + subscription.period
    subscription.paused_at = None
    subscription.failures = 0
    subscription.save(update_fields=["confirmed_at", "next_alert_at", "paused_at", "failures"])


def alert_delete(subscription: Subscription) -> None:
    """Stop the alert: the subscription and the record of what it was sent are deleted."""
    subscription.delete()


def alerts_of_address_delete(email: str) -> int:
    """Delete every alert of ``email``; how many there were."""
    _deleted, per_model = Subscription.objects.of_address(email).delete()
    return per_model.get(Subscription._meta.label, 0)
