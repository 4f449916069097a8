"""Requests per second of the public pages served by gunicorn, as a share of a bare Django
project's (the floor), printed per page with p50 and p99 latency.

    .venv/bin/python benchmarks/throughput.py [--count N] [--duration 10s] ...

Target (issue 16): the list, a filtered list, a search and a vacancy page each reach at least
40 % of the floor's requests per second.

A scratch database, ``jobboard_throughput_bench``, is created on the configured server, filled
by ``generate_vacancies`` and analysed, and dropped afterwards: the site's own data is never
touched. The board is then served as ``make serve`` serves it: production settings (DEBUG
off, ``jobboard/gunicorn.conf.py``, 2 sync workers, no access log), plain http from
127.0.0.1 (SECURE_SSL_REDIRECT=0), static files collected into a temporary directory (the
checkout's staticfiles/ is left alone), the counts cached in the local Redis
(127.0.0.1:6379, database 3, keys under the scratch database's name, deleted afterwards) if
it answers, else in each worker's memory (``--cache locmem`` asks for that). The floor
(benchmarks/floor/: one view rendering a 20-row template behind SecurityMiddleware,
SessionMiddleware, CommonMiddleware and CsrfViewMiddleware, no database) is served by
gunicorn with as many sync workers.

Each page is first asked once (it must answer 200), then loaded by ``wrk`` for a warm-up
(which also fills the counts cache, as visitors do in production) and then for the measured
run. wrk, both servers and this script share the machine's cores, for the floor as for the
board, so a share compares like with like; the requests per second alone depend on the
machine (its speed is printed last, as in the other benchmarks).
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = BASE_DIR / ".venv" / "bin" / "gunicorn"
TARGET_SHARE = 40.0  # % of the floor's requests per second
WORKER_MEMORY_MB = 200
DATABASE_NAME = "jobboard_throughput_bench"
REDIS_URL = "redis://127.0.0.1:6379/3"

# The board served with production settings, only STATIC_ROOT moved to a temporary directory
# (jobboard/settings.py reads it from no variable), so that collectstatic leaves the
# checkout's staticfiles/ alone. Written into that directory, never into the checkout.
SETTINGS_SHIM = """\
import os

from jobboard.settings import *  # noqa: F403

STATIC_ROOT = os.environ["THROUGHPUT_STATIC_ROOT"]
"""


@dataclass
class Result:
    name: str
    path: str
    requests_per_second: float = 0.0
    p50: str = ""
    p99: str = ""
    requests: int = 0
    non_2xx: int = 0
    socket_errors: str = ""
    problem: str = ""


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--count", type=int, default=10_000, help="vacancies to generate")
    arguments.add_argument("--seed", type=int, default=2026, help="generate_vacancies --seed")
    arguments.add_argument("--threads", type=int, default=2, help="wrk -t")
    arguments.add_argument("--connections", type=int, default=20, help="wrk -c")
    arguments.add_argument("--duration", default="10s", help="wrk -d of each measured run")
    arguments.add_argument("--warmup", default="3s", help="wrk -d of each page's warm-up")
    arguments.add_argument("--workers", type=int, default=2, help="gunicorn sync workers each")
    arguments.add_argument(
        "--cache",
        choices=["auto", "redis", "locmem"],
        default="auto",
        help="the counts cache: the local Redis if it answers (auto), or each worker's memory",
    )
    options = arguments.parse_args()

    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit(
            "benchmarks/throughput.py needs wrk, the HTTP load generator, and it is not "
            "installed.\nOn Debian or Ubuntu: sudo apt-get install -y wrk"
        )

    from scratch import scratch_database, set_up_django

    set_up_django("throughput")

    from django.core.management import call_command
    from django.db import connection

    if options.cache == "redis" and not redis_answers():
        sys.exit(f"--cache redis: no Redis answers at {REDIS_URL}")
    redis_url = REDIS_URL if options.cache != "locmem" and redis_answers() else None
    with scratch_database(DATABASE_NAME), tempfile.TemporaryDirectory() as scratch_dir:
        start = time.perf_counter()
        call_command("generate_vacancies", count=options.count, seed=options.seed)
        print(f"Generated {options.count:,} vacancies in {time.perf_counter() - start:.1f} s")
        with connection.cursor() as cursor:
            # What autovacuum would have done by now on a live site.
            cursor.execute("VACUUM ANALYZE")
        pages = board_pages()
        database_url = scratch_database_url(connection.settings_dict)
        connection.close()

        servers = []
        try:
            board_port, floor_port = free_port(), free_port()
            board_env = board_environment(database_url, redis_url, scratch_dir)
            collect_static(board_env)
            servers.append(
                start_server(
                    "board",
                    ["jobboard.wsgi", "--config", "jobboard/gunicorn.conf.py"],
                    board_port,
                    options.workers,
                    BASE_DIR,
                    board_env,
                    scratch_dir,
                )
            )
            servers.append(
                start_server(
                    "floor",
                    ["floor.wsgi:application"],
                    floor_port,
                    options.workers,
                    BASE_DIR / "benchmarks",
                    floor_environment(),
                    scratch_dir,
                )
            )
            for server, port in zip(servers, (board_port, floor_port), strict=True):
                wait_until_serving(server, f"http://127.0.0.1:{port}/")

            print(
                "Counts cache: "
                + (
                    f"Redis at {redis_url} (shared by the workers)"
                    if redis_url
                    else "each worker's memory (locmem)"
                    + (", no Redis answered at 127.0.0.1:6379" if options.cache == "auto" else "")
                )
            )
            print(
                f"Servers: gunicorn, {options.workers} sync workers each; load: wrk "
                f"-t{options.threads} -c{options.connections} -d{options.duration} per page, "
                f"after -d{options.warmup} of warm-up"
            )
            speed_before = machine_speed()
            print()
            print(COLUMNS.format("page", "req/s", "share", "p50", "p99", "target", "").rstrip())
            floor = Result("floor (bare Django, 20 rows)", "/")
            load(wrk, f"http://127.0.0.1:{floor_port}", floor, options)
            print_row(floor, floor)
            results = []
            for name, path in pages:
                result = Result(name, path)
                load(wrk, f"http://127.0.0.1:{board_port}", result, options)
                print_row(result, floor)
                results.append(result)
            print_summary(results, floor)
            print_worker_memory(servers[0])
            print(
                "Machine speed (parsing the sample notices on one core, before and after): "
                f"{speed_before:.0f} and {machine_speed():.0f} notices/s"
            )
        finally:
            for server in servers:
                stop_server(server)
            if redis_url:
                forget_cache_keys(redis_url, DATABASE_NAME)


def print_worker_memory(server) -> None:
    """The board's workers' resident memory now and at its peak (Linux /proc), against the
    target: under 200 MB each."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue  # the process ended meanwhile
        if fields.get("PPid", "").strip() == str(server.pid):
            now, peak = (int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM"))
            sizes.append(f"{now:.0f} MB (peak {peak:.0f} MB)")
    print(f"Board's workers' memory: {', '.join(sizes)}; target: under {WORKER_MEMORY_MB} MB each")


def board_pages() -> list[tuple[str, str]]:
    """The pages loaded, with a published, open vacancy's page."""
    from django.urls import reverse
    from django.utils import translation

    from vacancies.models import Vacancy

    def url(name, query=None, **kwargs):
        with translation.override("en"):
            path = reverse(name, kwargs=kwargs or None)
        return f"{path}?{urlencode(query)}" if query else path

    reference = (
        Vacancy.objects.published()
        .open()
        .filter(source_name="generated")
        .order_by("reference")
        .values_list("reference", flat=True)
        .first()
    )
    return [
        ("list (no filter)", url("vacancies:list")),
        ("list grade=15", url("vacancies:list", {"grade": 15})),
        ("search q=security", url("vacancies:list", {"q": "security"})),
        ("search q=logistics&grade=17", url("vacancies:list", {"q": "logistics", "grade": 17})),
        (f"vacancy {reference}", url("vacancies:detail", reference=reference)),
    ]


def scratch_database_url(settings_dict) -> str:
    """DATABASE_URL for the scratch database, wherever the configured server listens (the
    embedded server's socket directory included)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}@" if password else f"{user}@"
    host = quote(str(settings_dict.get("HOST") or ""), safe="")
    port = settings_dict.get("PORT")
    return f"postgres://{credentials}{host}{f':{port}' if port else ''}/{settings_dict['NAME']}"


def board_environment(database_url: str, redis_url: str | None, scratch_dir: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing left in the shell may turn production into development or a test run.
        if key not in {"DJANGO_DEBUG", "PYTEST_VERSION", "REDIS_URL", "DATABASE_REPLICA_URLS"}
    }
    static_root = Path(scratch_dir) / "static"
    (Path(scratch_dir) / "throughput_board_settings.py").write_text(SETTINGS_SHIM)
    env.update(
        DJANGO_SETTINGS_MODULE="throughput_board_settings",
        THROUGHPUT_STATIC_ROOT=str(static_root),
        PYTHONPATH=os.pathsep.join([scratch_dir, str(BASE_DIR)]),
        DJANGO_SECRET_KEY="throughput-benchmark-only-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SITE_URL="https://jobs.example.org",
        DATABASE_URL=database_url,
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def floor_environment() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "floor.settings"
    env["DJANGO_SECRET_KEY"] = "floor-benchmark-only-" + "x" * 40
    return env


def collect_static(env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )


def start_server(name, app, port, workers, cwd, env, scratch_dir):
    log_path = Path(scratch_dir) / f"{name}.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [str(GUNICORN), *app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.name = name  # type: ignore[attr-defined]
    process.log_path = log_path  # type: ignore[attr-defined]
    return process


def wait_until_serving(process, url: str, seconds: float = 60.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if process.poll() is not None:
            break
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers; the page itself is checked before it is loaded
        except OSError:
            time.sleep(0.2)
    log = process.log_path.read_text()[-3000:]
    raise SystemExit(f"The {process.name} server did not start; its log ends:\n{log}")


def stop_server(process) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def first_status(url: str) -> int:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def load(wrk: str, origin: str, result: Result, options) -> None:
    url = origin + result.path
    status = first_status(url)
    if status != 200:
        result.problem = f"HTTP {status} before loading: not measured"
        return
    base = [wrk, f"-t{options.threads}", f"-c{options.connections}"]
    subprocess.run([*base, f"-d{options.warmup}", url], capture_output=True, check=True)
    output = subprocess.run(
        [*base, f"-d{options.duration}", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    parse_wrk(output, result)


def parse_wrk(output: str, result: Result) -> None:
    rate = re.search(r"Requests/sec:\s*([\d.]+)", output)
    if not rate:
        result.problem = "wrk printed no Requests/sec: " + " ".join(output.split())[:100]
        return
    result.requests_per_second = float(rate.group(1))
    if match := re.search(r"^\s*50%\s+(\S+)", output, re.MULTILINE):
        result.p50 = match.group(1)
    if match := re.search(r"^\s*99%\s+(\S+)", output, re.MULTILINE):
        result.p99 = match.group(1)
    if match := re.search(r"(\d+) requests in", output):
        result.requests = int(match.group(1))
    if match := re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output):
        result.non_2xx = int(match.group(1))
    if match := re.search(r"Socket errors:\s*(.+)", output):
        result.socket_errors = match.group(1).strip()
    if result.non_2xx:
        result.problem = f"!!! {result.non_2xx} of {result.requests} responses not 2xx/3xx !!!"
    elif result.socket_errors:
        result.problem = f"socket errors: {result.socket_errors}"


COLUMNS = "{:<32} {:>9} {:>7} {:>9} {:>9} {:>8}  {}"


def print_row(result: Result, floor: Result) -> None:
    if not result.requests_per_second:
        print(COLUMNS.format(result.name, "", "", "", "", "", result.problem), flush=True)
        return
    share = share_of(result, floor)
    if result is floor:
        verdict = ""
    elif result.non_2xx:
        verdict = "INVALID"
    else:
        verdict = "met" if share >= TARGET_SHARE else "not met"
    print(
        COLUMNS.format(
            result.name,
            f"{result.requests_per_second:.1f}",
            f"{share:.1f} %",
            result.p50,
            result.p99,
            verdict,
            result.problem,
        ).rstrip(),
        flush=True,
    )


def share_of(result: Result, floor: Result) -> float:
    if not floor.requests_per_second:
        return 0.0
    return 100 * result.requests_per_second / floor.requests_per_second


def print_summary(results: list[Result], floor: Result) -> None:
    met = sum(
        1
        for result in results
        if result.requests_per_second and not result.non_2xx
        if share_of(result, floor) >= TARGET_SHARE
    )
    print(f"Target: at least {TARGET_SHARE:g} % of the floor's requests per second")
    print(f"Met by {met} of {len(results)} pages.")
    invalid = [result for result in results + [floor] if result.non_2xx or result.problem]
    for result in invalid:
        print(f"WARNING: {result.name} ({result.path}): {result.problem}")


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def forget_cache_keys(redis_url: str, prefix: str) -> None:
    """Delete the keys the board wrote (the cache's keys start with the database's name)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def machine_speed() -> float:
    from pages import machine_speed as speed

    return speed()


if __name__ == "__main__":
    main()
