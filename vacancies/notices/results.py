"""What reading a notice gives: typed values, the English and French halves kept as a pair."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any, Generic, TypeVar, cast

from .errors import Message

T = TypeVar("T")


@dataclass(frozen=True)
class Bilingual(Generic[T]):
    """The same thing in English and in French (``fr`` is None without a French half)."""

    en: T
    fr: T | None = None


@dataclass(frozen=True)
class Location:
    country: str
    city: str
    country_fr: str | None = None
    city_fr: str | None = None


@dataclass(frozen=True)
class Salary:
    amount: Decimal
    currency: str | None
    period: str | None


@dataclass(frozen=True)
class Grade:
    label: str
    min: int | None
    max: int | None


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


@dataclass(frozen=True)
class NoticeHalf:
    """What one language's half of a notice says, field by field."""

    language: str
    title: str
    reference: str | None = None
    primary_location: tuple[str, str] | None = None
    other_locations: tuple[tuple[str, str], ...] = ()
    organisation: str | None = None
    schedule: str | None = None
    deadline: datetime | None = None
    deadline_ongoing: bool = False
    salary: Salary | None = None
    grade: Grade | None = None
    clearance: str | None = None
    risk_note: str | None = None
    sections: tuple[Section, ...] = ()
    warnings: tuple[Message, ...] = ()


class _Paired(Generic[T]):
    """A notice's value that each half states in its own language, read as the pair."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._read = attrgetter(name)

    def __get__(self, notice: Notice, owner: type | None = None) -> Bilingual[T]:
        return Bilingual(self._read(notice.en), self._read(notice.fr) if notice.fr else None)


class _FromEnglish(Generic[T]):
    """A notice's value that the English half states for both (a date, an amount, a code)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._read = attrgetter(name)

    def __get__(self, notice: Notice, owner: type | None = None) -> T:
        return cast(T, self._read(notice.en))


@dataclass(frozen=True)
class Notice:
    """A whole notice: the English half is the record, the French half its translation."""

    en: NoticeHalf
    fr: NoticeHalf | None
    risk_level: str | None
    unaccompanied: bool
    pending_budget_approval: bool
    text: str = field(repr=False)

    @property
    def reference(self) -> str:
        return self.en.reference or (self.fr.reference if self.fr else None) or ""

    # Words each half says in its own language, read as the pair; dates, amounts and codes
    # the English half states for both.
    title = _Paired[str]()
    organisation = _Paired[str | None]()
    schedule = _Paired[str | None]()
    risk_note = _Paired[str | None]()
    sections = _Paired[tuple[Section, ...]]()
    deadline = _FromEnglish[datetime | None]()
    deadline_ongoing = _FromEnglish[bool]()
    salary = _FromEnglish[Salary | None]()
    grade = _FromEnglish[Grade | None]()
    clearance = _FromEnglish[str | None]()

    @property
    def primary_location(self) -> Location | None:
        if self.en.primary_location is None:
            return None
        french = self.fr.primary_location if self.fr else None
        return _pair_location(self.en.primary_location, french)

    @property
    def other_locations(self) -> tuple[Location, ...]:
        french = self.fr.other_locations if self.fr else ()
        return tuple(
            _pair_location(english, french[i] if i < len(french) else None)
            for i, english in enumerate(self.en.other_locations)
        )

    @property
    def warnings(self) -> tuple[Message, ...]:
        return self.en.warnings + (self.fr.warnings if self.fr else ())

    def as_json(self) -> dict[str, Any]:
        """The ``parse_notice --json`` contract: plain JSON types only."""

        def location(loc: Location | None) -> dict[str, str | None] | None:
            if loc is None:
                return None
            return {
                "country": loc.country,
                "city": loc.city,
                "country_fr": loc.country_fr,
                "city_fr": loc.city_fr,
            }

        def sections(half: tuple[Section, ...] | None) -> list[dict[str, str]]:
            return [{"heading": s.heading, "text": s.text} for s in half or ()]

        salary = self.salary
        grade = self.grade
        return {
            "reference": self.reference,
            "title": {"en": self.title.en, "fr": self.title.fr},
            "organisation": self.organisation.en,
            "primary_location": location(self.primary_location),
            "other_locations": [location(loc) for loc in self.other_locations],
            "schedule": self.schedule.en,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_ongoing": self.deadline_ongoing,
            "salary": (
                {"amount": str(salary.amount), "currency": salary.currency, "period": salary.period}
                if salary
                else None
            ),
            "grade": {"label": grade.label, "min": grade.min, "max": grade.max} if grade else None,
            "clearance": self.clearance,
            "risk_level": self.risk_level,
            "unaccompanied": self.unaccompanied,
            "pending_budget_approval": self.pending_budget_approval,
            "sections": {"en": sections(self.sections.en), "fr": sections(self.sections.fr)},
        }


def _pair_location(english: tuple[str, str], french: tuple[str, str] | None) -> Location:
    country, city = english
    country_fr, city_fr = french if french else (None, None)
    return Location(country=country, city=city, country_fr=country_fr, city_fr=city_fr)
