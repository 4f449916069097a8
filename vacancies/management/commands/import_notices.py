import sys
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from vacancies.importing import vacancy_upsert_from_notice
from vacancies.parsing import NoticeParseError, decode_notice


class Command(BaseCommand):
    help = (
        "Import vacancy notice files (or every .txt file in the folders given). Each file is "
        "saved in its own transaction; re-importing a reference updates that vacancy."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", type=Path)
        parser.add_argument(
            "--draft",
            action="store_true",
            help="Keep new vacancies as drafts instead of publishing them.",
        )

    def handle(self, *args, paths, draft, **options):
        files, missing = _notice_files(paths)
        counts = Counter()
        for path in missing:
            counts["failed"] += 1
            self.stderr.write(f"{path}: no such file or folder")
        show_progress = sys.stderr.isatty() and len(files) > 20
        for path in tqdm(files, unit="notice", disable=not show_progress, file=sys.stderr):
            try:
                result = vacancy_upsert_from_notice(
                    text=decode_notice(path.read_bytes()),
                    source_name=path.name,
                    publish=not draft,
                )
            except (NoticeParseError, OSError) as error:
                counts["failed"] += 1
                reason = error.strerror if isinstance(error, OSError) else error
                self.stderr.write(f"{path}: {reason}")
                continue
            counts[result.outcome] += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"{path}: {result.outcome} {result.vacancy.reference}")
        self.stdout.write(
            f"{sum(counts.values())} file(s): {counts['created']} created, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{counts['failed']} failed."
        )
        if counts["failed"]:
            raise SystemExit(1)


def _notice_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(files to import, paths that do not exist); folders give their .txt files, sorted."""
    files, missing = [], []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix == ".txt")
        elif path.exists():
            files.append(path)
        else:
            missing.append(path)
    return files, missing
