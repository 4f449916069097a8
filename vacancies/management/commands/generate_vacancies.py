"""Fill the database with synthetic vacancies, to try the public pages at scale and time them
(vacancies/generation/), or remove them.

    python manage.py generate_vacancies [--count N] [--seed S] [--jobs N]
    python manage.py generate_vacancies --if-none-open   # what `make run` does
    python manage.py generate_vacancies --delete

Generated vacancies are demonstration data, and every page showing them says so.
"""

import os
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vacancies.generation import (
    MAX_COUNT,
    GenerationError,
    delete_generated_vacancies,
    generate_vacancies,
)
from vacancies.models import Vacancy


class Command(BaseCommand):
    help = (
        "Create synthetic vacancies from the sample notices (to try and measure the public "
        "pages at scale), or delete them with --delete."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--count", type=int, default=20_000, metavar="N", help="How many (default 20,000)."
        )
        parser.add_argument(
            "--seed",
            type=int,
            metavar="S",
            help="Random seed: the same seed gives the same vacancies (default: a new one).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            metavar="N",
            help="Database connections writing at once (default: one per core).",
        )
        parser.add_argument(
            "--if-none-open",
            action="store_true",
            help="Only when no published vacancy is open, so that a new development board "
            "has something to browse; refused without DJANGO_DEBUG.",
        )
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Delete the generated vacancies, and only them, instead of creating any.",
        )

    def handle(self, *args, count, seed, jobs, delete, if_none_open, **options):
        start = time.perf_counter()
        if if_none_open and delete:
            raise CommandError(
                "--if-none-open adds vacancies, --delete removes them: one or the other."
            )
        if if_none_open:
            if not settings.DEBUG:
                raise CommandError(
                    "Demonstration vacancies are added to a development board only "
                    "(DJANGO_DEBUG=1): a real board never shows them."
                )
            if Vacancy.objects.published().open().exists():
                self.stdout.write("Vacancies are open: no demonstration vacancies added.")
                return
        if delete:
            deleted = delete_generated_vacancies()
            elapsed = time.perf_counter() - start
            self.stdout.write(f"Deleted {deleted:,} generated vacancies in {elapsed:.1f} s.")
            return
        if not 1 <= count <= MAX_COUNT:
            raise CommandError(f"--count takes a whole number from 1 to {MAX_COUNT:,}.")
        if jobs < 1:
            raise CommandError("--jobs takes a whole number of connections, 1 or more.")
        if seed is None:
            seed = random.randrange(1_000_000)
        try:
            generate_vacancies(count=count, seed=seed, jobs=jobs)
        except GenerationError as error:
            raise CommandError(str(error)) from None
        elapsed = time.perf_counter() - start
        self.stdout.write(
            f"Created {count:,} generated vacancies (seed {seed}) in {elapsed:.1f} s."
        )
        if if_none_open:
            self.stdout.write(
                "No vacancy was open: these demonstration vacancies give the board something "
                "to browse, and say so on every page. Remove them with:\n"
                "    python manage.py generate_vacancies --delete"
            )
