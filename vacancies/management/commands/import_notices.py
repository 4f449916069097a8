import sys
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from vacancies.importing import import_notice_files
from vacancies.notices import NOTICE_SUFFIXES
from vacancies.services import OnImport


class Command(BaseCommand):
    help = (
        "Import vacancy notice files, text or PDF (or every .txt and .pdf file in the folders "
        "given). Each file is "
        "saved in its own transaction; re-importing a reference updates that vacancy."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", type=Path)
        parser.add_argument(
            "--draft",
            action="store_true",
            help="Keep new vacancies as drafts instead of publishing them.",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            metavar="N",
            help="Import with N worker processes (faster for large batches on several cores).",
        )

    def handle(self, *args, paths, draft, jobs, **options):
        if jobs < 1:
            raise CommandError("--jobs takes a whole number of worker processes, 1 or more.")
        files, missing = _notice_files(paths)
        counts = Counter()
        for path in missing:
            counts["failed"] += 1
            self.stderr.write(f"{path}: no such file or folder")
        on_import = OnImport.DRAFT if draft else OnImport.PUBLISH_NEW
        results = import_notice_files(files, on_import=on_import, jobs=jobs)
        show_progress = sys.stderr.isatty() and len(files) > 20
        for result in tqdm(
            results, total=len(files), unit="notice", disable=not show_progress, file=sys.stderr
        ):
            if result.error:
                counts["failed"] += 1
                self.stderr.write(f"{result.path}: {result.error}")
                continue
            counts[result.outcome] += 1
            for warning in result.warnings:
                self.stderr.write(f"{result.path}: warning: {warning}")
            if options["verbosity"] > 1:
                self.stdout.write(f"{result.path}: {result.outcome} {result.reference}")
        self.stdout.write(
            f"{sum(counts.values())} file(s): {counts['created']} created, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{counts['failed']} failed."
        )
        if counts["failed"]:
            raise SystemExit(1)


def _notice_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(files to import, paths that do not exist); folders give their notice files, sorted."""
    files, missing = [], []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in NOTICE_SUFFIXES
            )
        elif path.exists():
            files.append(path)
        else:
            missing.append(path)
    return files, missing
