"""The mails of the alerts, in the subscription's language, each with a text and an HTML
part: the confirmation of a request, the note to an address that already follows a search,
and the alert itself.

Every link is absolute, on SITE_URL. Every header value is made of one line: a search typed
with line breaks cannot add headers to a mail.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from jobboard.identity import board_name
from vacancies import display
from vacancies.models import Vacancy

from .models import Subscription
from .searches import search_address, search_in_words

ADDRESS_LINK_SALT = "alerts.address"
# The longest subject: a long search is cut, with an ellipsis.
SUBJECT_LENGTH = 150


def site_url(path: str) -> str:
    if not settings.SITE_URL:
        raise ImproperlyConfigured("SITE_URL is not set: the links in e-mails need it.")
    return settings.SITE_URL.rstrip("/") + path


def address_link_path(subscription: Subscription) -> str:
    """The page listing every alert of the subscription's address: signed, so that no one
    can list another address's alerts by changing a number."""
    signed = signing.Signer(salt=ADDRESS_LINK_SALT).sign(str(subscription.pk))
    return reverse("alerts:address", kwargs={"signed": signed})


def subscription_of_address_link(signed: str) -> int | None:
    """The subscription number an address link carries, or None for a forged one."""
    try:
        return int(signing.Signer(salt=ADDRESS_LINK_SALT).unsign(signed))
    except (signing.BadSignature, ValueError):
        return None


# Line breaks and other spaces that could end a header; a no-break space stays (French puts
# one before a colon).
_LINE_BREAKS = re.compile(r"[ \t\r\n\f\v\x1c-\x1f\x85\u2028\u2029]+")


def one_line(text: str, length: int = SUBJECT_LENGTH) -> str:
    """``text`` on one line, cut to ``length`` characters: what a header may hold."""
    line = _LINE_BREAKS.sub(" ", text).strip()
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


@dataclass(frozen=True)
class Links:
    """The absolute addresses a mail about ``subscription`` gives."""

    search: str
    confirm: str
    unsubscribe: str
    address: str

    @classmethod
    def of(cls, subscription: Subscription) -> "Links":
        return cls(
            search=site_url(search_address(subscription.search)),
            confirm=site_url(subscription.confirmation_path()),
            unsubscribe=site_url(subscription.unsubscribe_path()),
            address=site_url(address_link_path(subscription)),
        )


def confirmation_message(subscription: Subscription) -> EmailMultiAlternatives:
    """The mail asking to confirm a new alert (or, for one already confirmed, saying so)."""
    with translation.override(subscription.language):
        in_words = search_in_words(subscription.search)
        if subscription.is_confirmed:
            subject = gettext("You already receive alerts for: %(search)s")
            template = "alerts/mail/already_subscribed"
        else:
            subject = gettext("Confirm your e-mail alert for: %(search)s")
            template = "alerts/mail/confirmation"
        context = {
            "subscription": subscription,
            "search_in_words": in_words,
            "links": Links.of(subscription),
            "board": board_name(subscription.language),
        }
        return _message(subscription, subject % {"search": in_words}, template, context)


@dataclass(frozen=True)
class VacancyEntry:
    """One vacancy as an alert lists it, in the text part and the HTML part."""

    text: str
    html: SafeString


def vacancy_entry(vacancy: Vacancy) -> VacancyEntry:
    """A vacancy's lines in an alert, in the active language (made once per vacancy and
    language for a whole run of send_alerts)."""
    link = site_url(vacancy.get_absolute_url())
    facts = display.in_one_line(vacancy)
    text = f"{vacancy.title}\n{facts}\n{link}\n"
    html = format_html(
        '<li><p lang="{}"><a href="{}">{}</a></p><p>{}</p></li>',
        vacancy.content_language,
        link,
        vacancy.title,
        facts,
    )
    return VacancyEntry(text, html)


def alert_message(
    subscription: Subscription,
    entries: Sequence[VacancyEntry],
    *,
    in_words: str,
    more: int = 0,
) -> EmailMultiAlternatives:
    """The alert telling ``subscription`` of new vacancies, ``entries`` made in its language
    by vacancy_entry; ``more`` found besides those listed."""
    with translation.override(subscription.language):
        count = len(entries) + more
        subject = ngettext(
            "%(count)d new vacancy: %(search)s", "%(count)d new vacancies: %(search)s", count
        ) % {"count": count, "search": in_words}
        links = Links.of(subscription)
        context = {
            "subscription": subscription,
            "search_in_words": in_words,
            "entries": entries,
            "more": more,
            "links": links,
            "board": board_name(subscription.language),
        }
        message = _message(subscription, subject, "alerts/mail/alert", context)
    # RFC 2369 and RFC 8058: mail programs offer to unsubscribe, in one click, by a POST.
    message.extra_headers["List-Unsubscribe"] = f"<{links.unsubscribe}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def _message(
    subscription: Subscription, subject: str, template: str, context: dict
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=one_line(
            gettext("%(board)s: %(subject)s") % {"board": context["board"], "subject": subject}
        ),
        body=render_to_string(f"{template}.txt", context),
        # The board's name beside the address, so that inboxes show who writes.
        from_email=formataddr((context["board"], settings.DEFAULT_FROM_EMAIL)),
        to=[subscription.email],
        headers={
            # RFC 3834: sent by a program, so that no one's holiday reply answers it.
            "Auto-Submitted": "auto-generated",
            "Content-Language": subscription.language,
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
