"""E-mail alerts as they really leave: through a mail server the tests start (aiosmtpd),
by `send_alerts` run once, twice at the same time, killed half-way, refused by the server,
or with no server at all. Each new vacancy reaches each alert once, and never twice."""

import asyncio
import contextlib
import email
import email.message
import email.policy
import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from alerts.models import FAILURES_BEFORE_PAUSE, Delivery, Subscription
from alerts.sending import send_alerts
from jobboard.environment import email_settings
from vacancies.models import Vacancy

# The address the links in mails start with (the test client only reads their paths).
SITE = "https://jobs.example.org"
# The board's vacancies open to candidates (tests/conftest.py, `board`), and the closed one.
OPEN = ("260885", "260066", "260063", "240655")
CLOSED = "260280"


# The mail server ------------------------------------------------------------------------


@dataclass
class Received:
    """A mail the server accepted for one recipient."""

    to: str
    message: email.message.EmailMessage

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()

    @property
    def references(self) -> set[str]:
        """The vacancies the mail links to."""
        return {reference for reference in (*OPEN, CLOSED) if f"/{reference}/" in self.text}


class MailServer:
    """An SMTP server's handler: keeps the mails it accepts, and answers as a test says."""

    def __init__(self) -> None:
        self.port = 0
        self.received: list[Received] = []
        self.tried: list[str] = []  # every recipient a client gave, refused or not
        self.answers: dict[str, list[str]] = {}  # address: its next answers to RCPT, in turn
        self.refused_for_good: dict[str, str] = {}  # address: the answer, every time
        # Addresses whose next mail is taken, then the connection lost before the server's OK.
        self.taken_then_cut: set[str] = set()
        # Addresses whose next mail loses the connection before its content is sent.
        self.cut_before_content: set[str] = set()
        self.seconds_per_mail = 0.0
        # The first mails wait (30 s at most) until this many connections are sending.
        self.senders_together = 1
        # Once this many mails are accepted, the next is held, never accepted, until released.
        self.hold_after: int | None = None
        self.holding = threading.Event()
        self.held_for: list[str] = []
        self.released = threading.Event()
        self._senders: set[int] = set()
        self._together: asyncio.Event | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.tried.append(address)
        if address in self.cut_before_content:
            self.cut_before_content.discard(address)
            server.transport.abort()
            return "421 4.4.2 Connection lost"  # never reaches the client
        if address in self.refused_for_good:
            return self.refused_for_good[address]
        if self.answers.get(address):
            return self.answers[address].pop(0)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        await self._all_senders_started(session)
        if self.hold_after is not None and len(self.received) >= self.hold_after:
            self.held_for = list(envelope.rcpt_tos)
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.01)
            return "421 4.3.0 Not accepted"
        await asyncio.sleep(self.seconds_per_mail)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        for address in envelope.rcpt_tos:
            self.received.append(Received(address, message))
        if self.taken_then_cut & set(envelope.rcpt_tos):
            self.taken_then_cut -= set(envelope.rcpt_tos)
            server.transport.abort()  # the OK below never leaves
        return "250 2.0.0 Accepted"

    async def _all_senders_started(self, session) -> None:
        self._senders.add(id(session))
        if self._together is None:
            self._together = asyncio.Event()
        if len(self._senders) >= self.senders_together:
            self._together.set()
        with contextlib.suppress(TimeoutError):  # the other run never sent: the test says so
            await asyncio.wait_for(self._together.wait(), timeout=30)

    def mails_to(self, address: str) -> list[Received]:
        return [mail for mail in self.received if mail.to == address]

    def pairs(self) -> Counter:
        """How many times each (address, vacancy) was mailed."""
        return Counter(
            (mail.to, reference) for mail in self.received for reference in mail.references
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def start_mail_server():
    """Start an SMTP server on 127.0.0.1 (on ``port``, or a free one); stopped after the
    test."""
    controllers = []

    def start(port: int | None = None) -> MailServer:
        handler = MailServer()
        handler.port = port or free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
        controller.start()
        controllers.append((controller, handler))
        return handler

    yield start
    for controller, handler in controllers:
        handler.released.set()
        controller.stop()


@pytest.fixture
def mail_server(start_mail_server) -> MailServer:
    return start_mail_server()


def mail_through(settings, port: int) -> None:
    """This process's mails leave for the server on ``port`` as EMAIL_URL would send them."""
    for name, value in email_settings(f"smtp://127.0.0.1:{port}", base_dir=Path(".")).items():
        setattr(settings, name, value)
    settings.SITE_URL = SITE


# The board and the alerts ----------------------------------------------------------------


@pytest.fixture
def open_board(board):
    """The board, its four open vacancies open for a month, all published yesterday."""
    now = timezone.now()
    Vacancy.objects.filter(reference__in=OPEN).update(deadline=now + timedelta(days=30))
    Vacancy.objects.update(published_at=now - timedelta(days=1))
    return board


def publish_new(reference: str) -> None:
    Vacancy.objects.filter(reference=reference).update(
        published_at=timezone.now(), deadline=timezone.now() + timedelta(days=30)
    )


def confirmed_alerts(count: int) -> list[Subscription]:
    """``count`` alerts on every open post, confirmed two days ago (so the board's vacancies
    are new to them) and due an hour ago; every other one in French."""
    now = timezone.now()
    Subscription.objects.bulk_create(
        Subscription(
            email=f"candidate{number:02}@example.org",
            search="",
            language="fr" if number % 2 else "en",
            requested_at=now - timedelta(days=2),
            confirmed_at=now - timedelta(days=2),
            next_alert_at=now - timedelta(hours=1),
        )
        for number in range(count)
    )
    return list(Subscription.objects.order_by("email"))


def run_command() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("send_alerts", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def alerts_sent(said: str) -> int:
    found = re.search(r"^(\d+) alerts sent", said, re.MULTILINE)
    assert found, said
    return int(found.group(1))


# `manage.py send_alerts` in processes of its own, as cron starts it ----------------------


@pytest.fixture
def start_send_alerts(test_database_url):
    """Start `manage.py send_alerts` with production settings, on the tests' database (it
    sees what the test committed), mailing through the server given."""

    def start(server: MailServer) -> subprocess.Popen:
        environment = {
            name: value
            for name, value in os.environ.items()
            if name not in {"PYTEST_VERSION", "DJANGO_DEBUG", "REDIS_URL", "SITE_URL"}
        }
        environment.update(
            DATABASE_URL=test_database_url,
            EMAIL_URL=f"smtp://127.0.0.1:{server.port}",
            SITE_URL=SITE,
            DJANGO_SECRET_KEY="a secret key for the alert delivery tests only",
        )
        return subprocess.Popen(
            [sys.executable, "manage.py", "send_alerts"],
            cwd=django_settings.BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    return start


def finished(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


# The whole path ---------------------------------------------------------------------------


def ask_for_alerts(client, email: str, lang: str, query: str = ""):
    with translation.override(lang):
        form_url = reverse("alerts:subscribe")
    page = client.get(f"{form_url}?{query}" if query else form_url)
    form = page.context["form"]
    response = client.post(
        form_url,
        {
            "email": email,
            "frequency": "daily",
            "search": form.initial["search"],
            "shown": form.initial["shown"],
            "website": "",
        },
    )
    assert response.status_code == 302, response.content


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", text)


def confirm_by_mail(client, mail: Received, lang: str) -> None:
    (confirm_url,) = [link for link in links_in(mail.text) if "/confirm" in link]
    assert confirm_url.startswith(f"{SITE}/{lang}/")
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert '<form method="post">' in page.text and '<button type="submit"' in page.text
    assert not Subscription.objects.get(email=mail.to).is_confirmed  # a scanner opening it
    assert client.post(confirm_url).status_code == 200
    assert Subscription.objects.get(email=mail.to).is_confirmed


@pytest.mark.django_db
@pytest.mark.usefixtures("forms_fill_in_like_people")
def test_an_alert_goes_from_the_form_through_a_mail_server_and_stops_in_one_click(
    client, open_board, mail_server, settings
):
    mail_through(settings, mail_server.port)
    ask_for_alerts(client, "ana@example.org", "fr")
    ask_for_alerts(client, "ben@example.org", "en")  # keeps his alert all along
    ana_asked, ben_asked = mail_server.received
    assert (ana_asked.to, ben_asked.to) == ("ana@example.org", "ben@example.org")
    assert ana_asked.message["Content-Language"] == "fr"
    confirm_by_mail(client, ana_asked, "fr")
    confirm_by_mail(client, ben_asked, "en")
    mail_server.received.clear()

    publish_new("260066")
    run = send_alerts(now=timezone.now() + timedelta(days=1))
    assert run.mails_sent == 2
    (alert,) = mail_server.mails_to("ana@example.org")
    assert alert.message.get_content_type() == "multipart/alternative"
    assert alert.message["Content-Language"] == "fr"
    vacancy = open_board["260066"]
    assert vacancy.title_fr in alert.text
    assert escape(vacancy.title_fr) in alert.html
    assert vacancy.title_en not in alert.text
    with translation.override("fr"):
        vacancy_url = SITE + reverse("vacancies:detail", kwargs={"reference": "260066"})
    assert vacancy_url in alert.text and f'href="{vacancy_url}"' in alert.html
    assert alert.references == {"260066"}  # only what was published since she confirmed
    assert all(link.startswith(f"{SITE}/fr/") for link in links_in(alert.text)), alert.text
    assert '<html lang="fr">' in alert.html
    assert "Stop this alert" not in alert.text and "All open posts" not in alert.text
    unsubscribe = alert.message["List-Unsubscribe"].strip()  # folded onto a line of its own
    assert re.fullmatch(rf"<{re.escape(SITE)}/fr/[^\s<>]+>", unsubscribe), unsubscribe
    assert alert.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    mail_program = Client(enforce_csrf_checks=True)  # no cookie, no form, no token
    response = mail_program.post(
        unsubscribe.strip("<>"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.filter(email="ana@example.org").exists()
    assert Subscription.objects.filter(email="ben@example.org").exists()
    mail_server.received.clear()

    publish_new("260063")
    send_alerts(now=timezone.now() + timedelta(days=2, hours=1))
    assert [(mail.to, mail.references) for mail in mail_server.received] == [
        ("ben@example.org", {"260063"})
    ]


# Several runs, and runs that go wrong ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_mail_each_new_vacancy_to_each_alert_exactly_once(
    open_board, mail_server, start_send_alerts
):
    alerts = confirmed_alerts(60)
    mail_server.seconds_per_mail = 0.02
    mail_server.senders_together = 2  # neither run sends its second mail before both started
    runs = [start_send_alerts(mail_server), start_send_alerts(mail_server)]
    sent = [alerts_sent(finished(run)) for run in runs]
    assert sum(sent) == 60 and min(sent) > 0, sent  # both did part of the work
    twice = [pair for pair, times in mail_server.pairs().items() if times > 1]
    assert twice == []
    assert set(mail_server.pairs()) == {(alert.email, ref) for alert in alerts for ref in OPEN}
    assert Counter(mail.to for mail in mail_server.received) == {alert.email: 1 for alert in alerts}
    assert Delivery.objects.count() == 60 * len(OPEN)


@pytest.mark.django_db(transaction=True)
def test_a_run_killed_half_way_mails_nothing_twice_and_loses_one_alert_at_most(
    open_board, mail_server, settings, start_send_alerts
):
    alerts = confirmed_alerts(20)
    mail_server.hold_after = 10  # the eleventh mail is being handed over when the run dies
    killed = start_send_alerts(mail_server)
    while not mail_server.holding.wait(timeout=0.05):
        assert killed.poll() is None, killed.communicate()
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    mail_server.hold_after = None
    mail_server.released.set()
    assert len(mail_server.received) == 10

    mail_through(settings, mail_server.port)
    run_command()
    twice = [pair for pair, times in mail_server.pairs().items() if times > 1]
    assert twice == []
    addresses = {alert.email for alert in alerts}
    got_nothing = addresses - {mail.to for mail in mail_server.received}
    assert len(got_nothing) <= 1 and got_nothing <= set(mail_server.held_for), got_nothing
    assert set(mail_server.pairs()) == {
        (address, reference) for address in addresses - got_nothing for reference in OPEN
    }


@pytest.mark.django_db
def test_an_address_refused_for_a_while_gets_its_alert_from_the_next_run_once(
    open_board, mail_server, settings
):
    mail_through(settings, mail_server.port)
    first, greylisted, third = confirmed_alerts(3)
    mail_server.answers[greylisted.email] = ["451 4.7.1 Greylisted, try again later"]

    said, complained = run_command()
    assert alerts_sent(said) == 2
    assert "1 refused by the mail server" in said
    assert f"Refused: alert {greylisted.pk}: 451 4.7.1 Greylisted" in complained
    assert Counter(mail.to for mail in mail_server.received) == {first.email: 1, third.email: 1}
    assert not Delivery.objects.filter(subscription=greylisted).exists()
    greylisted.refresh_from_db()
    assert (greylisted.failures, greylisted.paused_at) == (0, None)  # only refusals for good

    said, _ = run_command()
    assert alerts_sent(said) == 1
    (late,) = mail_server.mails_to(greylisted.email)
    assert late.references == set(OPEN)
    said, _ = run_command()
    assert alerts_sent(said) == 0
    assert max(mail_server.pairs().values()) == 1
    assert Counter(mail.to for mail in mail_server.received) == {
        first.email: 1,
        greylisted.email: 1,
        third.email: 1,
    }


@pytest.mark.django_db
def test_an_address_refused_for_good_is_paused_after_three_refusals_and_others_still_hear(
    open_board, mail_server, settings
):
    mail_through(settings, mail_server.port)
    first, gone, third = confirmed_alerts(3)
    mail_server.refused_for_good[gone.email] = "550 5.1.1 No such mailbox here"
    start = timezone.now()
    for attempt in range(1, FAILURES_BEFORE_PAUSE + 1):
        run = send_alerts(now=start + timedelta(hours=attempt))
        assert (run.refused, run.mails_sent) == (1, 2 if attempt == 1 else 0)
        gone.refresh_from_db()
        assert gone.failures == attempt
        assert (gone.paused_at is not None) == (attempt == FAILURES_BEFORE_PAUSE)
        assert run.paused == (1 if attempt == FAILURES_BEFORE_PAUSE else 0)
    assert mail_server.tried.count(gone.email) == FAILURES_BEFORE_PAUSE
    mail_server.received.clear()

    publish_new(CLOSED)  # reopened, and new to everyone
    run = send_alerts(now=start + timedelta(days=1, hours=FAILURES_BEFORE_PAUSE + 1))
    assert (run.mails_sent, run.refused) == (2, 0)
    assert mail_server.tried.count(gone.email) == FAILURES_BEFORE_PAUSE  # not even tried
    assert [(mail.to, mail.references) for mail in mail_server.received] == [
        (first.email, {CLOSED}),
        (third.email, {CLOSED}),
    ]


@pytest.mark.django_db
def test_with_the_mail_server_down_the_command_says_so_and_the_next_run_sends_everything(
    open_board, start_mail_server, settings
):
    port = free_port()  # nothing listens there yet
    mail_through(settings, port)
    alerts = confirmed_alerts(3)
    with pytest.raises(CommandError, match=r"mail server could not be used .*refused"):
        run_command()
    assert not Delivery.objects.exists()
    assert Subscription.objects.due(timezone.now()).count() == 3

    mail_server = start_mail_server(port)
    said, _ = run_command()
    assert alerts_sent(said) == 3
    assert mail_server.pairs() == {(alert.email, ref): 1 for alert in alerts for ref in OPEN}


@pytest.mark.django_db
def test_a_mail_the_server_took_just_before_the_connection_was_lost_is_not_mailed_again(
    open_board, mail_server, settings
):
    mail_through(settings, mail_server.port)
    first, cut_off, third = confirmed_alerts(3)
    mail_server.taken_then_cut.add(cut_off.email)
    with pytest.raises(CommandError, match="mail server could not be used"):
        run_command()
    assert [mail.to for mail in mail_server.received] == [first.email, cut_off.email]
    said, _ = run_command()
    assert alerts_sent(said) >= 1  # the third alert, at least
    assert Counter(mail.to for mail in mail_server.received) == {
        first.email: 1,
        cut_off.email: 1,
        third.email: 1,
    }


@pytest.mark.django_db
def test_a_mail_whose_connection_was_lost_before_it_left_is_sent_by_the_next_run(
    open_board, mail_server, settings
):
    mail_through(settings, mail_server.port)
    first, cut_off, third = confirmed_alerts(3)
    mail_server.cut_before_content.add(cut_off.email)
    with pytest.raises(CommandError, match="mail server could not be used"):
        run_command()
    assert [mail.to for mail in mail_server.received] == [first.email]
    assert not Delivery.objects.filter(subscription=cut_off).exists()
    run_command()
    assert Counter(mail.to for mail in mail_server.received) == {
        first.email: 1,
        cut_off.email: 1,
        third.email: 1,
    }
