import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from vacancies.notices import Notice, NoticeParseError, notice_text_from_file, parse_notice

_JSON_HELP = "Print one JSON object per file, one per line (the README lists its fields)."


class Command(BaseCommand):
    help = "Parse vacancy notice files and print what was read, without touching the database."
    # Parsing needs no database: skip the checks so the embedded server never starts.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help=_JSON_HELP)
        parser.add_argument("files", nargs="+", metavar="FILE", type=Path)

    def handle(self, *args, files, as_json, **options):
        failures = 0
        for path in files:
            try:
                notice = parse_notice(
                    notice_text_from_file(path.name, _read(path)),
                    time_zone=settings.NOTICE_TIME_ZONE,
                    time_limit=settings.NOTICE_PARSE_SECONDS,
                )
            except NoticeParseError as error:
                failures += 1
                self.stderr.write(f"{path}: {error}")
                continue
            self.stdout.write(_as_json(notice) if as_json else _as_summary(notice))
        if failures:
            # One line per bad file is the whole report: exit 2 without a summary line.
            raise SystemExit(2)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise NoticeParseError("no such file") from None
    except IsADirectoryError:
        raise NoticeParseError("is a folder, not a notice file") from None
    except OSError as error:
        raise NoticeParseError(f"cannot be read ({error.strerror})") from None


def _as_json(notice: Notice) -> str:
    return json.dumps(notice.as_json(), ensure_ascii=False)


def _as_summary(notice: Notice) -> str:
    data = notice.as_json()
    location = notice.primary_location
    lines = [
        f"{data['reference']}  {notice.title.en}",
        f"  French title:   {notice.title.fr or '(no French text)'}",
        f"  Duty station:   {f'{location.city}, {location.country}' if location else '-'}",
        f"  Grade:          {notice.grade.label if notice.grade else '-'}",
        f"  Deadline:       {'ongoing' if notice.deadline_ongoing else data['deadline'] or '-'}",
        f"  Salary:         {_salary(notice)}",
        f"  Clearance:      {notice.clearance or '-'}",
        f"  Risk level:     {notice.risk_level or '-'}",
        f"  Sections (en):  {', '.join(s.heading or '(intro)' for s in notice.sections.en)}",
        f"  Sections (fr):  {', '.join(s.heading or '(intro)' for s in notice.sections.fr or ())}",
    ]
    lines += [f"  Warning:        {warning}" for warning in notice.warnings]
    return "\n".join(lines) + "\n"


def _salary(notice: Notice) -> str:
    salary = notice.salary
    if salary is None:
        return "-"
    return " ".join(str(part) for part in (salary.amount, salary.currency, salary.period) if part)
