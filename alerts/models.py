"""Candidates' e-mail alerts: an address following one search of the list.

Only what the alerts need is kept (the privacy notice says so): the address, the search,
the language and frequency, the subscription's secret token, its dates, and which
vacancies were mailed to it. No name, no IP address, nothing about the candidate's visits.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vacancies.models import Vacancy


def new_token() -> str:
    """A secret the links in mails carry: 256 random bits, in URL-safe characters."""
    return secrets.token_urlsafe(32)


# Mails that a server refused for good (an address that does not exist, say) before the
# subscription is paused: one refusal can be a server's mistake, three are not.
FAILURES_BEFORE_PAUSE = 3
# Unconfirmed subscriptions are deleted after this long (the privacy notice says so).
UNCONFIRMED_KEPT = timedelta(days=7)
# The longest search followed, as its query string: well within what an index entry holds.
SEARCH_LENGTH = 2000


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self) -> "SubscriptionQuerySet":
        return self.filter(confirmed_at__isnull=False)

    def due(self, now: datetime) -> "SubscriptionQuerySet":
        """Confirmed, not paused, and whose next mail is due at ``now``."""
        return self.confirmed().filter(paused_at__isnull=True, next_alert_at__lte=now)

    def unconfirmed_since(self, moment: datetime) -> "SubscriptionQuerySet":
        return self.filter(confirmed_at__isnull=True, requested_at__lt=moment)

    def of_address(self, email: str) -> "SubscriptionQuerySet":
        return self.filter(email=normalised_address(email))


def normalised_address(email: str) -> str:
    """One way to write an address, so that one person's alerts are found together."""
    return email.strip().lower()


class Subscription(models.Model):
    """An address that follows a search of the list, in one language, daily or weekly."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    email = models.EmailField(_("e-mail address"), max_length=254)
    # The list's query string, its parameters in a fixed order (alerts/searches.py).
    search = models.CharField(_("search"), max_length=SEARCH_LENGTH, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    requested_at = models.DateTimeField(_("requested"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    next_alert_at = models.DateTimeField(_("next alert due"), null=True, blank=True)
    last_alert_at = models.DateTimeField(_("last alert sent"), null=True, blank=True)
    # Mails refused for good in a row; paused_at is set when they reach FAILURES_BEFORE_PAUSE.
    failures = models.PositiveSmallIntegerField(_("refused mails in a row"), default=0)
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "search"], name="one_alert_per_search"),
        ]
        indexes = [
            # send_alerts asks for the confirmed subscriptions that are due.
            models.Index(
                fields=["next_alert_at"],
                condition=Q(confirmed_at__isnull=False, paused_at__isnull=True),
                name="subscription_due",
            ),
            models.Index(
                fields=["requested_at"],
                condition=Q(confirmed_at__isnull=True),
                name="subscription_unconfirmed",
            ),
        ]
        verbose_name = _("e-mail alert")
        verbose_name_plural = _("e-mail alerts")

    def __str__(self):
        return f"{self.email}: {self.search or '-'}"

    @property
    def period(self) -> timedelta:
        return timedelta(weeks=1) if self.frequency == self.Frequency.WEEKLY else timedelta(days=1)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def confirmation_path(self) -> str:
        return reverse("alerts:confirm", kwargs={"token": self.token})

    def unsubscribe_path(self) -> str:
        return reverse("alerts:unsubscribe", kwargs={"token": self.token})


class Delivery(models.Model):
    """A vacancy mailed to a subscription: recorded when it is decided, so that it is
    mailed once at most (alerts/sending.py)."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "vacancy"], name="vacancy_mailed_once_per_alert"
            ),
        ]
        verbose_name = _("vacancy mailed")
        verbose_name_plural = _("vacancies mailed")

    def __str__(self):
        return f"{self.vacancy_id} → {self.subscription_id}"
