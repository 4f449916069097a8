"""Save parsed notices as vacancies: one transaction per notice.

``import_notices`` and the admin's upload both go through ``vacancy_upsert_from_notice``,
so a notice is stored the same way whichever door it comes in by.
"""

import enum
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Location, Vacancy
from .parsing import Location as ParsedLocation
from .parsing import Notice, parse_notice


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ImportResult:
    vacancy: Vacancy
    outcome: Outcome
    notice: Notice


def source_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def vacancy_upsert_from_notice(
    *, text: str, source_name: str, publish: bool = True
) -> ImportResult:
    """Parse ``text`` and create or update the vacancy with its reference.

    A reference seen before is updated in place (its publication status is kept); the
    same text again changes nothing. Raises ``NoticeParseError`` when the text is not a
    readable notice, before anything is written.
    """
    notice = parse_notice(text, time_zone=settings.NOTICE_TIME_ZONE)
    try:
        return _save(notice, source_name=source_name, publish=publish)
    except IntegrityError:
        # Another import created the same reference between our read and our write:
        # run again, now as an update.
        return _save(notice, source_name=source_name, publish=publish)


@transaction.atomic
def _save(notice: Notice, *, source_name: str, publish: bool) -> ImportResult:
    digest = source_digest(notice.text)
    vacancy = Vacancy.objects.select_for_update().filter(reference=notice.reference).first()
    if vacancy is not None and vacancy.source_sha256 == digest:
        return ImportResult(vacancy, Outcome.UNCHANGED, notice)

    outcome = Outcome.UPDATED
    if vacancy is None:
        outcome = Outcome.CREATED
        vacancy = Vacancy(reference=notice.reference)
        if publish:
            vacancy.status = Vacancy.Status.PUBLISHED
            vacancy.published_at = timezone.now()

    for name, value in _vacancy_fields(notice).items():
        setattr(vacancy, name, value)
    vacancy.source_text = notice.text
    vacancy.source_sha256 = digest
    vacancy.source_name = source_name[:255]
    primary = notice.primary_location
    vacancy.primary_location = _location(primary) if primary else None
    vacancy.save()
    vacancy.other_locations.set([_location(location) for location in notice.other_locations])
    return ImportResult(vacancy, outcome, notice)


def _vacancy_fields(notice: Notice) -> dict:
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


def _sections(sections) -> list[dict]:
    return [{"heading": section.heading, "text": section.text} for section in sections]


def _location(parsed: ParsedLocation) -> Location:
    """The stored location, created on first sight; French names fill in when known."""
    location, created = Location.objects.get_or_create(
        country=parsed.country,
        city=parsed.city,
        defaults={"country_fr": parsed.country_fr or "", "city_fr": parsed.city_fr or ""},
    )
    if not created and parsed.country_fr and not (location.country_fr and location.city_fr):
        # Editors may have corrected a French name; only fill in the blanks.
        location.country_fr = location.country_fr or parsed.country_fr
        location.city_fr = location.city_fr or parsed.city_fr or ""
        location.save(update_fields=["country_fr", "city_fr"])
    return location
