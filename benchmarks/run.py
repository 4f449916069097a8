"""Parse and import throughput, printed as notices per second.

    make bench                      # or: .venv/bin/python benchmarks/run.py [--imports N]

Parsing runs the five sample notices over and over in this one process, pinned to one
core: their text, then the same notices printed to PDF (fixtures/pdf), each read through
the one door every file comes in by (a child process per PDF, as on the site). Importing
writes synthetic variants of them (distinct references) to a temporary folder and imports
the files as ``import_notices`` does, first in one process, then with one worker per core,
then the last of these files again, unchanged (a re-import), into a scratch database,
``jobboard_bench``, created on the configured server and dropped afterwards: the site's
own data is never touched.
"""

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
NOTICES = sorted((BASE_DIR / "fixtures" / "notices").glob("*.txt"))
PRINTED = sorted((BASE_DIR / "fixtures" / "pdf").glob("*.pdf"))


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--seconds", type=float, default=5.0, help="time spent parsing")
    arguments.add_argument("--imports", type=int, default=3000, help="notices to import")
    options = arguments.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
    # Each process caches in its own memory here: a shared cache named by REDIS_URL is never
    # written to (let alone emptied) by a benchmark.
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()

    texts = [path.read_text(encoding="utf-8") for path in NOTICES]
    cores = os.cpu_count() or 1
    parsed, seconds = bench_parse(texts, options.seconds)
    print(f"parse:  {parsed / seconds:6.0f} notices/s  ({parsed} in {seconds:.1f} s, one core)")
    pdfs = [(path.name, path.read_bytes()) for path in PRINTED]
    parsed, seconds = bench_parse(pdfs, options.seconds)
    print(
        f"parse:  {parsed / seconds:6.1f} PDF notices/s  ({parsed} in {seconds:.1f} s, one core "
        "and its PDF reader)"
    )
    for kind, jobs, (imported, seconds, spent) in bench_import(texts, options.imports, [1, cores]):
        if kind == "new":
            print(
                f"import: {imported / seconds:6.0f} notices/s  ({imported} new notices in "
                f"{seconds:.1f} s, --jobs {jobs}; processor time a notice: "
                f"{spent.importing / imported * 1000:.1f} ms importing, "
                f"{spent.database / imported * 1000:.1f} ms PostgreSQL)"
            )
        else:
            print(
                f"re-import: {imported / seconds:6.0f} notices/s  ({imported} unchanged notices "
                f"in {seconds:.1f} s, --jobs {jobs})"
            )


def bench_parse(notices, budget):
    """Parse ``notices`` (texts, or (file name, bytes) to read first) for ``budget``
    seconds: (notices parsed, seconds)."""
    from django.conf import settings

    from vacancies.notices import notice_text_from_file, parse_notice

    def parse(notice):
        text = notice if isinstance(notice, str) else notice_text_from_file(*notice)
        parse_notice(text, time_zone=settings.NOTICE_TIME_ZONE)

    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if affinity:
        os.sched_setaffinity(0, {min(affinity)})
    for notice in notices:  # warm up regex caches and imports
        parse(notice)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < budget:
        for notice in notices:
            parse(notice)
        count += len(notices)
    elapsed = time.perf_counter() - start
    if affinity:
        os.sched_setaffinity(0, affinity)
    return count, elapsed


def variants(texts, count):
    """``count`` notices made from the samples, each with its own reference."""
    for number in range(count):
        text = texts[number % len(texts)]
        reference = re.search(r"\d{6}", text[text.index("NOTIFICATION") :])[0]
        yield text.replace(reference, str(700000 + number))


def bench_import(texts, count, job_counts):
    """Yield ("new", jobs, (notices imported, seconds)) for each number of worker processes,
    then ("unchanged", jobs, ...) for the last batch imported again, with the most workers."""
    from django.db import connection

    from vacancies.importing import Outcome

    connection.settings_dict.setdefault("TEST", {})["NAME"] = "jobboard_bench"
    original_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with tempfile.TemporaryDirectory() as folder:
            notices = list(variants(texts, count * len(job_counts)))
            paths = []
            for number, text in enumerate(notices):
                path = Path(folder) / f"{number:06}.txt"
                path.write_text(text, encoding="utf-8")
                paths.append(path)
            for round_number, jobs in enumerate(job_counts):
                batch = paths[round_number * count : (round_number + 1) * count]
                yield "new", jobs, time_import(batch, jobs, Outcome.CREATED)
            # The same files again, unchanged: each must be recognised, and nothing written.
            jobs = max(job_counts)
            yield "unchanged", jobs, time_import(batch, jobs, Outcome.UNCHANGED)
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)


def time_import(paths, jobs, expected):
    """Import ``paths`` with ``jobs`` workers: (notices imported, seconds); exits when one
    fails or has another outcome than ``expected``."""
    from vacancies.importing import import_notice_files

    before = ProcessorTime.now()
    start = time.perf_counter()
    results = list(import_notice_files(paths, jobs=jobs))
    elapsed = time.perf_counter() - start
    spent = ProcessorTime.now() - before
    failed = [r for r in results if r.error]
    if failed:
        sys.exit(f"{len(failed)} benchmark notices failed: {failed[0].error}")
    other = [r for r in results if r.outcome != expected]
    if other:
        sys.exit(f"{len(other)} benchmark notices were {other[0].outcome}, not {expected}")
    return len(paths), elapsed, spent


@dataclass(frozen=True)
class ProcessorTime:
    """Seconds of processor time spent so far by this process and its finished children
    (the import's workers), and by the PostgreSQL server's processes (read from /proc, on
    Linux; 0 elsewhere). On one machine both share its cores; on a site, the database
    server has its own."""

    importing: float
    database: float

    @classmethod
    def now(cls) -> "ProcessorTime":
        own, children = (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
        importing = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
        return cls(importing=importing, database=_postgres_seconds())

    def __sub__(self, other: "ProcessorTime") -> "ProcessorTime":
        return ProcessorTime(self.importing - other.importing, self.database - other.database)


def _postgres_seconds() -> float:
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            if "(postgres" not in fields[0]:
                continue
            values = fields[1].split()
            # Its own time and its finished children's: a backend that ends during the run
            # is counted in its server's.
            ticks += sum(int(value) for value in values[11:15])  # utime, stime, cutime, cstime
        except (OSError, IndexError, ValueError):
            continue  # a process that ended meanwhile
    return ticks / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
