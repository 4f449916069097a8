"""How fast the e-mail alerts leave: one run of send_alerts over 10,000 subscriptions,
printed as mails per second (target: at least 200).

    make bench     # or: .venv/bin/python benchmarks/send_alerts.py [--subscriptions N] ...

A scratch database, ``jobboard_alerts_bench``, is created on the configured server and
dropped afterwards: the site's own data is never touched. It holds a board made by
``generate_vacancies`` (2,000 vacancies), 10,000 confirmed subscriptions following about 200
searches (canonical query strings of the list, made by ``followed_search``: grade ranges,
countries, risk, deadline, clearance, a few words), in English and French, daily and
weekly, confirmed a few days ago and due, and 50 open vacancies published since (every other
vacancy was published before the first confirmation).

A local SMTP server (aiosmtpd, in a process of its own so that it does not share this
process's GIL) accepts every mail, keeps none, and counts mails and connections.
``alerts.sending.send_alerts()`` runs once in this process, with Django's SMTP backend
pointed at it and the site's settings as in production, and is timed from the call to its
return: finding each search's new vacancies, deciding and recording each mail, rendering it
and handing it to the server. The server's count of connections checks that the run reused
one. "Where it goes" splits the run's time and queries between the functions sending.py
calls for each step (wrapped, not changed); queries are every SQL statement Django executes
(a transaction's BEGIN and COMMIT are not among them). Two more runs follow: one right
after, when nothing is due, and one with every subscription due again but nothing new
published, as the next day's run when HR publish nothing.

``--profile FILE`` runs the first send_alerts under cProfile, prints the functions taking
the most time and keeps the statistics in FILE (``python -m pstats FILE``).
"""

import argparse
import contextlib
import cProfile
import functools
import importlib
import io
import multiprocessing
import pstats
import random
import socket
import time
from datetime import timedelta
from unittest import mock
from urllib.parse import urlencode

TARGET_MAILS_PER_SECOND = 200
SITE_URL = "https://jobs.example.org"

# What candidates follow. The countries are those of the generated duty stations.
COUNTRIES = (
    "Belgium", "Netherlands", "Luxembourg", "Italy", "Ukraine", "Norway", "Poland", "Portugal",
    "United States", "Germany", "Türkiye", "United Kingdom", "France", "Spain", "Romania",
    "Lithuania", "Latvia", "Estonia", "Hungary", "Iraq", "Kosovo", "Georgia",
)  # fmt: skip
WORDS = {
    "en": ("security", "logistics", "finance", "engineer", "interpreter", "communications",
           "legal", "medical", "procurement", "cyber"),
    "fr": ("sécurité", "logistique", "finances", "ingénieur", "interprète", "juriste",
           "achats"),
}  # fmt: skip


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--count", type=int, default=2_000, help="vacancies to generate")
    arguments.add_argument("--subscriptions", type=int, default=10_000)
    arguments.add_argument("--searches", type=int, default=200, help="distinct searches")
    arguments.add_argument("--new", type=int, default=50, help="vacancies published since")
    arguments.add_argument("--seed", type=int, default=2026, help="generate_vacancies --seed")
    arguments.add_argument(
        "--profile", metavar="FILE", help="profile the first run, keep the statistics in FILE"
    )
    options = arguments.parse_args()

    from scratch import as_in_production, scratch_database, set_up_django

    set_up_django("alerts")

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    with scratch_database("jobboard_alerts_bench"), MailServer() as server:
        call_command("generate_vacancies", count=options.count, seed=options.seed)
        rng = random.Random(options.seed)
        new = publish_new_vacancies(options.new, rng)
        searches = make_searches(options.searches, rng)
        subscribe(options.subscriptions, searches, rng)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        mail_settings = override_settings(
            SITE_URL=SITE_URL,
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=server.port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=30,
        )
        with as_in_production(), mail_settings:
            speed_before = machine_speed()
            print_board(new)
            first = timed_run(server, profile=options.profile)
            print_first(first)
            # Right after: nothing is due.
            second = timed_run(server, profile=None)
            print_again("Second run, right after (nothing due)", second)
            # The next day's run when nothing was published meanwhile: every subscription
            # due again, its search finding the same vacancies, all of them already sent.
            make_all_due()
            third = timed_run(server, profile=None)
            print_again("Third run, all due again, nothing new", third)
            print(
                "Machine speed (parsing the sample notices on one core, before and after): "
                f"{speed_before:.0f} and {machine_speed():.0f} notices/s"
            )


def publish_new_vacancies(count: int, rng: random.Random) -> int:
    """Every vacancy published in the last week moved a week back, before any confirmation;
    then ``count`` open vacancies published in the last 36 hours: the new ones."""
    from django.db.models import F
    from django.utils import timezone

    from vacancies.models import Vacancy

    now = timezone.now()
    week = timedelta(days=7)
    Vacancy.objects.filter(published_at__gte=now - week).update(
        published_at=F("published_at") - week
    )
    # By reference, which the seed decides, so that the same vacancies are new every time.
    references = list(
        Vacancy.objects.published().open().order_by("reference").values_list("reference", flat=True)
    )
    chosen = Vacancy.objects.filter(
        reference__in=rng.sample(references, min(count, len(references)))
    )
    vacancies = list(chosen.only("pk", "published_at"))
    for vacancy in vacancies:
        vacancy.published_at = now - timedelta(hours=rng.uniform(1, 36))
    Vacancy.objects.bulk_update(vacancies, ["published_at"])
    return len(vacancies)


def make_searches(count: int, rng: random.Random) -> list[tuple[str, str | None]]:
    """``count`` distinct searches as alerts keep them (followed_search), each with the
    language its words are in (None: no words, either language)."""
    from django.http import QueryDict

    from alerts.searches import followed_search

    searches: dict[str, str | None] = {"": None}  # all open posts
    while len(searches) < count:
        query: dict[str, str] = {}
        language = None
        kind = rng.random()
        if kind < 0.35 or rng.random() < 0.3:
            low = rng.randint(3, 20)
            query["grade_min"] = str(low)
            if rng.random() < 0.7:
                query["grade_max"] = str(min(30, low + rng.randint(0, 6)))
        if 0.25 <= kind < 0.7 or rng.random() < 0.2:
            query["country"] = rng.choice(COUNTRIES)
        if rng.random() < 0.12:
            query["risk"] = rng.choice(("extreme", "high", "none"))
        if kind >= 0.7:
            language = rng.choices(("en", "fr"), (65, 35))[0]
            query["q"] = rng.choice(WORDS[language])
        if rng.random() < 0.05:
            query["deadline"] = "week"
        if rng.random() < 0.08:
            query["clearance"] = rng.choice(("NS", "CTS"))
        if not query:
            continue
        search = followed_search(QueryDict(urlencode(query)))
        searches.setdefault(search, language)
    return list(searches.items())


def subscribe(count: int, searches: list[tuple[str, str | None]], rng: random.Random) -> None:
    """``count`` confirmed subscriptions, due: a few searches followed by many, most by a
    few; some addresses follow two searches."""
    from django.utils import timezone

    from alerts.models import Subscription

    now = timezone.now()
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(searches))]
    addresses = max(1, count * 4 // 5)
    followed: dict[int, set[str]] = {}
    subscriptions = []
    for number in range(count):
        address = number % addresses
        while True:
            search, words_language = rng.choices(searches, weights)[0]
            if search not in followed.setdefault(address, set()):
                break
        followed[address].add(search)
        confirmed_at = now - timedelta(days=rng.uniform(2, 6))
        subscriptions.append(
            Subscription(
                email=f"candidate{address}@example.org",
                search=search,
                language=words_language or rng.choices(("en", "fr"), (65, 35))[0],
                frequency=rng.choices(("daily", "weekly"), (75, 25))[0],
                requested_at=confirmed_at - timedelta(minutes=rng.uniform(1, 120)),
                confirmed_at=confirmed_at,
                next_alert_at=now - timedelta(hours=rng.uniform(0.1, 20)),
            )
        )
    Subscription.objects.bulk_create(subscriptions, batch_size=2000)


class Steps:
    """Where a run's time and queries go: the steps of alerts/sending.py, each timed by
    wrapping the function that does it (its behaviour unchanged), and every SQL statement
    counted against the step running it (connection.execute_wrapper)."""

    WRAPPED = {
        # step: (module, name of the function as alerts/sending.py calls it)
        "searching": ("alerts.sending", "vacancies_published_since"),  # a search's new posts
        "deciding": ("alerts.sending", "_decide"),  # recording a mail's deliveries
        "composing": ("alerts.sending", "alert_message"),  # a mail's text and HTML
        # The MIME message made and written out, and the SMTP exchange.
        "handing over": ("django.core.mail.backends.smtp", "EmailBackend.send_messages"),
    }

    def __init__(self):
        self.seconds: dict[str, float] = dict.fromkeys([*self.WRAPPED, "other"], 0.0)
        self.queries: dict[str, int] = dict.fromkeys(self.seconds, 0)
        self.current = "other"
        self.missing: list[str] = []  # functions not found, their steps left in "other"

    def __call__(self, execute, sql, params, many, context):
        self.queries[self.current] += 1
        return execute(sql, params, many, context)

    @contextlib.contextmanager
    def measured(self):
        from django.db import connection

        with contextlib.ExitStack() as stack:
            for step, (module, name) in self.WRAPPED.items():
                owner = importlib.import_module(module)
                *path, attribute = name.split(".")
                for part in path:
                    owner = getattr(owner, part)
                if not hasattr(owner, attribute):  # alerts/sending.py has changed
                    self.missing.append(f"{module}.{name}")
                    continue
                timed = self._timed(step, getattr(owner, attribute))
                stack.enter_context(mock.patch.object(owner, attribute, timed))
            stack.enter_context(connection.execute_wrapper(self))
            start = time.perf_counter()
            yield
            self.seconds["other"] = (time.perf_counter() - start) - sum(self.seconds.values())

    def _timed(self, step, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            outer, self.current = self.current, step
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[step] += time.perf_counter() - start
                self.current = outer

        return timed


def timed_run(server: "MailServer", *, profile: str | None) -> dict:
    from alerts.sending import send_alerts

    before = server.counts()
    steps = Steps()
    profiler = cProfile.Profile() if profile else None
    with steps.measured():
        start, cpu_start = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        run = send_alerts()
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    after = server.counts()
    if profiler:
        print_profile(profiler, profile)
    return {
        "run": run,
        "seconds": seconds,
        "cpu": cpu,
        "steps": steps,
        "queries": sum(steps.queries.values()),
        **{name: after[name] - before[name] for name in after},
    }


def make_all_due() -> None:
    from django.utils import timezone

    from alerts.models import Subscription

    Subscription.objects.update(next_alert_at=timezone.now() - timedelta(minutes=1))


def print_board(new: int) -> None:
    from django.utils import timezone

    from alerts.models import Subscription

    subscriptions = Subscription.objects.due(timezone.now()).count()
    searches = Subscription.objects.values("search").distinct().count()
    pairs = Subscription.objects.values("search", "language").distinct().count()
    print()
    print(f"Subscriptions:        {subscriptions:,} (confirmed, due)")
    print(f"Distinct searches:    {searches} ({pairs} with their language)")
    print(f"New vacancies:        {new}")


def print_first(first: dict) -> None:
    from alerts.models import Delivery

    run, seconds = first["run"], first["seconds"]
    mails = run.mails_sent
    rate = mails / seconds if seconds else 0.0
    print(
        f"Mails sent:           {mails:,} ({run.nothing_new:,} subscriptions had nothing new, "
        f"{run.refused} mails refused)"
    )
    print(
        f"Vacancies mailed:     {run.vacancies_mailed:,} ({Delivery.objects.count():,} "
        "deliveries recorded)"
    )
    print(
        f"Seconds:              {seconds:.2f} ({first['cpu']:.2f} s of CPU in this process, "
        f"{first['cpu_seconds']:.2f} s in the mail server's)"
    )
    print(f"Mails per second:     {rate:.0f}")
    if mails:
        print(f"Per mail:             {seconds / mails * 1000:.2f} ms")
        print(
            f"Queries:              {first['queries']:,} ({first['queries'] / mails:.2f} per mail)"
        )
    print(
        f"Mail server:          {first['mails']:,} mails received over "
        f"{first['connections']} connection(s), {first['bytes'] / max(1, first['mails']):,.0f} "
        "bytes each"
    )
    steps = first["steps"]
    print(
        "Where it goes:        "
        + ", ".join(
            f"{step} {steps.seconds[step]:.1f} s ({steps.queries[step]:,} queries)"
            for step in steps.seconds
        )
    )
    if steps.missing:
        print(f"                      (not measured apart: {', '.join(steps.missing)})")
    verdict = "met" if rate >= TARGET_MAILS_PER_SECOND else "NOT met"
    print(f"Target:               ≥ {TARGET_MAILS_PER_SECOND} mails/s: {verdict}")
    if first["mails"] != mails:
        print(f"Problem: the server received {first['mails']} mails, send_alerts counted {mails}")
    if first["connections"] != 1:
        print(f"Problem: {first['connections']} connections to the server instead of one")


def print_again(title: str, again: dict) -> None:
    run = again["run"]
    print(
        f"{title}: {again['seconds']:.2f} s, {run.mails_sent} mails, {run.nothing_new:,} "
        f"subscriptions with nothing new, {again['queries']:,} queries, "
        f"{again['connections']} connection(s)"
    )
    steps = again["steps"]
    print(
        "  of which " + ", ".join(f"{step} {steps.seconds[step]:.2f} s" for step in steps.seconds)
    )
    if run.mails_sent or again["mails"]:
        print("Problem: mails sent again")


def print_profile(profiler: cProfile.Profile, path: str) -> None:
    profiler.dump_stats(path)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    print(out.getvalue())


class MailServer:
    """The SMTP server in a child process; ``counts()`` asks it what it has received."""

    def __enter__(self) -> "MailServer":
        context = multiprocessing.get_context("spawn")
        self._pipe, child_end = context.Pipe()
        self._process = context.Process(target=serve_smtp, args=(child_end,), daemon=True)
        self._process.start()
        if not self._pipe.poll(30):
            raise RuntimeError("The SMTP server did not start within 30 seconds.")
        self.port = self._pipe.recv()
        return self

    def counts(self) -> dict[str, float]:
        self._pipe.send("counts")
        return self._pipe.recv()

    def __exit__(self, *exc_info) -> None:
        with contextlib.suppress(OSError):  # the server has gone already
            self._pipe.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()


def serve_smtp(pipe) -> None:
    """Accept every mail on a free port of 127.0.0.1, keep none, count mails, bytes and
    connections; send the port over ``pipe``, then answer "counts" (with the CPU time used
    so far) until "stop"."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    class Counting:
        def __init__(self):
            self.counts = {"connections": 0, "mails": 0, "bytes": 0}

        async def handle_DATA(self, server, session, envelope):
            self.counts["mails"] += 1
            self.counts["bytes"] += len(envelope.original_content or b"")
            return "250 Message accepted"

    class CountingSMTP(SMTP):
        def connection_made(self, transport):
            self.event_handler.counts["connections"] += 1
            super().connection_made(transport)

    class CountingController(Controller):
        def factory(self):
            return CountingSMTP(self.handler, **self.SMTP_kwargs)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Counting()
    controller = CountingController(handler, hostname="127.0.0.1", port=port)
    controller.start()
    pipe.send(port)
    try:
        while (asked := pipe.recv()) != "stop":
            assert asked == "counts"
            pipe.send({**handler.counts, "cpu_seconds": time.process_time()})
    except EOFError:
        pass
    finally:
        controller.stop()


def machine_speed(seconds=2.0) -> float:
    """Notices parsed per second: pure Python work, to compare runs made on machines (or at
    moments) of different speeds, as benchmarks/run.py reports it."""
    from run import NOTICES, bench_parse

    texts = [path.read_text(encoding="utf-8") for path in NOTICES]
    parsed, elapsed = bench_parse(texts, seconds)
    return parsed / elapsed


if __name__ == "__main__":
    main()
