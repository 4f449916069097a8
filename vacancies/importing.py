"""Save parsed notices as vacancies: one transaction per notice.

``import_notices`` and the admin's upload both go through ``vacancy_upsert_from_notice``,
so a notice is stored the same way whichever door it comes in by.
"""

import enum
import hashlib
import multiprocessing
import operator
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial, reduce
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from . import display
from .checks import consistency_warnings
from .models import SEARCH_VECTORS, Location, Vacancy
from .notices import Location as ParsedLocation
from .notices import (
    Notice,
    NoticeParseError,
    Section,
    notice_text_from_file,
    parse_notice,
    printable_name,
)
from .notices.errors import Message
from .services import IMPORTED_FROM, OnImport, location_renamed, vacancy_set_status


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ImportResult:
    vacancy: Vacancy
    outcome: Outcome
    notice: Notice
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldChange:
    """One field a re-imported notice would change, as an editor reads it."""

    name: str
    old: str
    new: str


@dataclass(frozen=True)
class NoticePreview:
    """What importing a notice would do, worked out without writing anything."""

    notice: Notice
    existing: Vacancy | None
    changes: tuple[FieldChange, ...]
    warnings: tuple[str, ...]
    # The notice's places as the location table names them (not saved when new).
    duty_station: Location | None
    other_locations: tuple[Location, ...]

    @property
    def unchanged(self) -> bool:
        return self.existing is not None and self.existing.source_sha256 == source_digest(
            self.notice.text
        )


@dataclass(frozen=True)
class FileImport:
    """What became of one file: an outcome and its reference, or the reason it failed."""

    path: Path
    outcome: Outcome | None = None
    reference: str = ""
    error: str = ""
    warnings: tuple[str, ...] = ()


def source_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_notice(text: str) -> Notice:
    """Parse a notice as this site reads them: deadlines in the notice time zone, and
    refused when reading it takes longer than ``NOTICE_PARSE_SECONDS``.

    Raises ``NoticeParseError`` with the reason.
    """
    return parse_notice(
        text, time_zone=settings.NOTICE_TIME_ZONE, time_limit=settings.NOTICE_PARSE_SECONDS
    )


def vacancy_upsert_from_notice(
    *, text: str, source_name: str, on_import: OnImport = OnImport.PUBLISH_NEW
) -> ImportResult:
    """Parse ``text`` and create or update the vacancy with its reference.

    A reference seen before is updated in place; the same text again changes nothing.
    ``on_import`` says what becomes of the vacancy's publication (vacancies/services.py).
    Raises ``NoticeParseError`` when the text is not a readable notice, before anything
    is written.
    """
    notice = read_notice(text)
    try:
        return _save(notice, source_name=source_name, on_import=on_import)
    except IntegrityError:
        # Another import created the same reference between our read and our write:
        # run again, now as an update.
        return _save(notice, source_name=source_name, on_import=on_import)


def preview_notice(*, text: str) -> NoticePreview:
    """Parse ``text`` and compare it with the vacancy of the same reference, if any.

    Raises ``NoticeParseError`` when the text is not a readable notice.
    """
    notice = read_notice(text)
    existing = (
        Vacancy.objects.select_related("primary_location")
        .prefetch_related("other_locations")
        .filter(reference=notice.reference)
        .first()
    )
    places = _named_locations([notice.primary_location, *notice.other_locations])
    changes = () if existing is None else tuple(_changes(existing, notice, places))
    others = tuple(place for place in places[1:] if place is not None)
    return NoticePreview(notice, existing, changes, notice_warnings(notice), places[0], others)


def notice_warnings(notice: Notice, *, duty_station: Location | None = None) -> tuple[str, ...]:
    """The parser's warnings, then the disagreements and gaps an editor should check.

    ``duty_station``, the stored location of the notice's duty station when the caller has
    it, saves looking it up.
    """
    french_names = {}
    place = notice.en.primary_location
    if place is not None:
        known = duty_station or Location.objects.filter(country=place[0], city=place[1]).first()
        if known is not None and (known.country, known.city) == place:
            french_names[place] = (known.country_fr, known.city_fr)
    read = tuple(in_editors_language(warning) for warning in notice.warnings)
    return (*read, *consistency_warnings(notice, french_names=french_names))


def in_editors_language(message: Message) -> str:
    """A sentence of the parser's (English, knowing its translation) in the active language,
    its numbers written as that language writes them."""
    return message.translated(gettext, lambda number: number_format(number, force_grouping=True))


# Files looked up together by their digests, in one query: small enough that the progress
# bar moves and both workers get their share of a short import.
_BATCH = 25


def import_notice_files(
    paths: Sequence[Path], *, on_import: OnImport = OnImport.PUBLISH_NEW, jobs: int = 1
) -> Iterator[FileImport]:
    """Import files, each in its own transaction, yielding results in order.

    A file whose text is stored already (its digest) is reported unchanged without being
    parsed. With ``jobs`` > 1 the files are shared among that many worker processes:
    parsing is CPU-bound Python and each worker waits on its own database connection, so on
    a machine with several cores this imports a large batch several times faster.
    """
    parallel = jobs > 1 and len(paths) >= 2 * jobs
    if not parallel or "fork" not in multiprocessing.get_all_start_methods():
        for start in range(0, len(paths), _BATCH):
            yield from _import_batch(paths[start : start + _BATCH], on_import=on_import)
        return
    # The server must be up before forking (so that it is started, and later stopped, by
    # this process), and no connection may be shared with the workers.
    connection.ensure_connection()
    connections.close_all()
    # Smaller batches when there are few files, so that every worker has some.
    size = max(1, min(_BATCH, len(paths) // (2 * jobs)))
    batches = [paths[start : start + size] for start in range(0, len(paths), size)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for results in pool.imap(partial(_import_batch, on_import=on_import), batches):
            yield from results


def _import_batch(paths: Sequence[Path], *, on_import: OnImport) -> list[FileImport]:
    """Import these files in order: the unchanged ones known by one query, the others
    parsed and saved one by one."""
    texts = [_read_file(path) for path in paths]
    unchanged = _unchanged_references(
        [source_digest(text) for text in texts if isinstance(text, str)], on_import=on_import
    )
    results = []
    for path, text in zip(paths, texts, strict=True):
        if isinstance(text, FileImport):
            results.append(text)
            continue
        reference = unchanged.get(source_digest(text))
        # The reference in the text too: a vacancy whose reference an editor changed since
        # is not this notice's, which is then imported as it would be without the digest.
        if reference is not None and reference in text:
            results.append(FileImport(path, outcome=Outcome.UNCHANGED, reference=reference))
        else:
            results.append(_import_text(path, text, on_import=on_import))
    return results


def _unchanged_references(digests: list[str], *, on_import: OnImport) -> dict[str, str]:
    """The reference of the vacancy whose stored text has each of these digests, where
    importing that text again would do nothing and say nothing.

    Left out, to be imported as usual: vacancies whose notice gave warnings (repeated on
    every import), and, when publishing is asked, those not published yet.
    """
    if not digests:
        return {}
    stored = Vacancy.objects.filter(source_sha256__in=set(digests), warning_count=0)
    if on_import is OnImport.PUBLISH:
        stored = stored.filter(status=Vacancy.Status.PUBLISHED)
    return dict(stored.values_list("source_sha256", "reference"))


def _read_file(path: Path) -> str | FileImport:
    """The notice text of the file at ``path``, or why it cannot be read."""
    try:
        return notice_text_from_file(path.name, path.read_bytes())
    except NoticeParseError as error:
        return FileImport(path, error=str(error))
    except OSError as error:
        return FileImport(path, error=f"cannot be read ({error.strerror or error})")


def _import_text(path: Path, text: str, *, on_import: OnImport) -> FileImport:
    try:
        result = vacancy_upsert_from_notice(text=text, source_name=path.name, on_import=on_import)
    except NoticeParseError as error:
        return FileImport(path, error=str(error))
    except DatabaseError as error:
        return FileImport(path, error=f"could not be saved: {error}".strip())
    return FileImport(
        path,
        outcome=result.outcome,
        reference=result.vacancy.reference,
        warnings=result.warnings,
    )


@transaction.atomic
def _save(notice: Notice, *, source_name: str, on_import: OnImport) -> ImportResult:
    digest = source_digest(notice.text)
    # The original text and the vectors stay in the database: only written, never read here.
    vacancy = (
        Vacancy.objects.select_for_update()
        .defer("source_text", *SEARCH_VECTORS)
        .filter(reference=notice.reference)
        .first()
    )
    places = [notice.primary_location, *notice.other_locations]
    stored = _stored_locations([place for place in places if place is not None])
    # Read before _locations fills in French names the station lacked, as the notice's
    # warnings compare the notice with what was on record.
    english_station = notice.en.primary_location
    warnings = notice_warnings(
        notice, duty_station=stored.get(english_station) if english_station else None
    )
    if vacancy is not None and vacancy.source_sha256 == digest:
        if on_import is OnImport.PUBLISH:
            vacancy_set_status(vacancy, Vacancy.Status.PUBLISHED, reason=gettext_noop("Published"))
        return ImportResult(vacancy, Outcome.UNCHANGED, notice, warnings)

    outcome = Outcome.UPDATED
    if vacancy is None:
        outcome = Outcome.CREATED
        vacancy = Vacancy(reference=notice.reference)
        if on_import is not OnImport.DRAFT:
            vacancy.publish()
    elif on_import is OnImport.PUBLISH:
        vacancy.publish()

    for name, value in vacancy_fields_from_notice(notice).items():
        setattr(vacancy, name, value)
    vacancy.source_text = notice.text
    vacancy.source_sha256 = digest
    vacancy.source_name = printable_name(source_name)
    vacancy.warning_count = len(warnings)
    locations = _locations(places, stored)
    vacancy.primary_location = locations[0]
    # simple-history keeps the reason in the version it records on save().
    vacancy._change_reason = f"{IMPORTED_FROM}{vacancy.source_name}"[:100]  # type: ignore[attr-defined]
    vacancy.save()
    others = [location for location in locations[1:] if location is not None]
    if outcome == Outcome.CREATED:
        # A new vacancy has no links yet: one INSERT instead of set()'s read-then-write.
        Vacancy.other_locations.through.objects.bulk_create(
            Vacancy.other_locations.through(vacancy=vacancy, location=location)
            for location in dict.fromkeys(others)
        )
    else:
        vacancy.other_locations.set(others)
    return ImportResult(vacancy, outcome, notice, warnings)


def vacancy_fields_from_notice(notice: Notice) -> dict[str, Any]:
    """The vacancy's columns as the notice gives them ('' where a text field is missing)."""
    salary, grade = notice.salary, notice.grade
    return {
        "title_en": notice.title.en,
        "title_fr": notice.title.fr or "",
        "organisation_en": notice.organisation.en or "",
        "organisation_fr": notice.organisation.fr or "",
        "schedule_en": notice.schedule.en or "",
        "schedule_fr": notice.schedule.fr or "",
        "deadline": notice.deadline,
        "deadline_ongoing": notice.deadline_ongoing,
        "salary_amount": salary.amount if salary else None,
        "salary_currency": (salary.currency or "") if salary else "",
        "salary_period": (salary.period or "") if salary else "",
        "grade_label": grade.label if grade else "",
        "grade_min": grade.min if grade else None,
        "grade_max": grade.max if grade else None,
        "clearance": notice.clearance or "",
        "risk_level": notice.risk_level or "",
        "risk_note_en": notice.risk_note.en or "",
        "risk_note_fr": notice.risk_note.fr or "",
        "unaccompanied": notice.unaccompanied,
        "pending_budget_approval": notice.pending_budget_approval,
        "sections_en": _sections(notice.sections.en),
        "sections_fr": _sections(notice.sections.fr or ()),
    }


def _changes(
    vacancy: Vacancy, notice: Notice, places: list[Location | None]
) -> Iterator[FieldChange]:
    """Each field the notice would change, old and new values as the admin shows them."""
    for name, new in vacancy_fields_from_notice(notice).items():
        old = getattr(vacancy, name)
        if old != new:
            if name.startswith("sections_"):
                yield FieldChange(_label(name), *_sections_change(old, new))
            else:
                yield FieldChange(
                    _label(name), display.vacancy_value(name, old), display.vacancy_value(name, new)
                )
    old_places = [vacancy.primary_location, *vacancy.other_locations.all()]
    if _place_key(old_places[0]) != _place_key(places[0]):
        yield FieldChange(_label("primary_location"), _place(old_places[0]), _place(places[0]))
    if sorted(map(_place_key, old_places[1:])) != sorted(map(_place_key, places[1:])):
        yield FieldChange(
            _label("other_locations"),
            "; ".join(map(_place, old_places[1:])),
            "; ".join(map(_place, places[1:])),
        )


def _place_key(location: Location | None) -> tuple[str, str]:
    return (location.country, location.city) if location else ("", "")


def _place(location: Location | None) -> str:
    return location.name if location else ""


def _label(name: str) -> str:
    """A vacancy field's name as editors read it."""
    return capfirst(getattr(Vacancy._meta.get_field(name), "verbose_name", name))


def _sections_change(old: list[dict[str, str]], new: list[dict[str, str]]) -> tuple[str, str]:
    """Sections as their headings; where only texts differ, which sections' texts."""
    old_headings = [section["heading"] for section in old]
    new_headings = [section["heading"] for section in new]
    if old_headings != new_headings:
        return " · ".join(old_headings), " · ".join(new_headings)
    changed = [n["heading"] or _("(introduction)") for o, n in zip(old, new, strict=True) if o != n]
    return "", _("New text in: %(sections)s") % {"sections": " · ".join(changed)}


def _sections(sections: Iterable[Section]) -> list[dict[str, str]]:
    return [{"heading": section.heading, "text": section.text} for section in sections]


def _locations(
    parsed: list[ParsedLocation | None], stored: dict[tuple[str, str], Location]
) -> list[Location | None]:
    """The locations of these places (created on first sight), in the order given, from
    ``stored`` (_stored_locations), which is completed.

    French names fill in where they are missing; names an editor corrected are kept.
    """
    wanted = [p for p in parsed if p is not None]
    for place in wanted:
        location = stored.get((place.country, place.city))
        if location is None:
            location, _created = Location.objects.get_or_create(
                country=place.country,
                city=place.city,
                defaults={"country_fr": place.country_fr or "", "city_fr": place.city_fr or ""},
            )
            stored[(place.country, place.city)] = location
        elif place.country_fr and not (location.country_fr and location.city_fr):
            location.country_fr = location.country_fr or place.country_fr
            location.city_fr = location.city_fr or place.city_fr or ""
            location.save(update_fields=["country_fr", "city_fr"])
            location_renamed(location)
    return [stored[(p.country, p.city)] if p is not None else None for p in parsed]


def _named_locations(parsed: list[ParsedLocation | None]) -> list[Location | None]:
    """The stored locations of these places, in the order given, or for a place not stored
    yet an unsaved one with the notice's names: nothing is written."""
    stored = _stored_locations([p for p in parsed if p is not None])
    return [
        None
        if place is None
        else stored.get((place.country, place.city))
        or Location(
            country=place.country,
            city=place.city,
            country_fr=place.country_fr or "",
            city_fr=place.city_fr or "",
        )
        for place in parsed
    ]


def _stored_locations(places: list[ParsedLocation]) -> dict[tuple[str, str], Location]:
    """The stored locations of these places, by (country, city), in one query."""
    if not places:
        return {}
    named = reduce(operator.or_, (Q(country=p.country, city=p.city) for p in places))
    return {
        (location.country, location.city): location for location in Location.objects.filter(named)
    }
