"""Read a bilingual vacancy notice into structured data.

A notice is the English text followed by the French text. Each half starts with a
title line carrying the vacancy reference (``Title-260063``, ``Title (240655)``), then
header fields (``Label: value``, in any order, colons optional), then a body of
sections. Notices arrive as clean text or as text extracted from PDF, with hard-wrapped
lines, page numbers, dumped link URLs and typographic bullets; the body is reflowed so
that none of that noise survives.

This module is pure Python: no ORM, no Django settings. ``parse_notice`` returns a
``Notice`` or raises ``NoticeParseError`` with a reason a person can act on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from time import monotonic
from typing import Generic, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

DEFAULT_TIME_ZONE = "Europe/Brussels"

T = TypeVar("T")


class NoticeParseError(ValueError):
    """The text is not a vacancy notice this module can read; the message says why."""


# --------------------------------------------------------------------------- results


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
    warnings: tuple[str, ...] = ()


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

    @property
    def title(self) -> Bilingual[str]:
        return Bilingual(self.en.title, self.fr.title if self.fr else None)

    @property
    def organisation(self) -> Bilingual[str | None]:
        return Bilingual(self.en.organisation, self.fr.organisation if self.fr else None)

    @property
    def schedule(self) -> Bilingual[str | None]:
        return Bilingual(self.en.schedule, self.fr.schedule if self.fr else None)

    @property
    def risk_note(self) -> Bilingual[str | None]:
        return Bilingual(self.en.risk_note, self.fr.risk_note if self.fr else None)

    @property
    def sections(self) -> Bilingual[tuple[Section, ...]]:
        return Bilingual(self.en.sections, self.fr.sections if self.fr else None)

    @property
    def deadline(self) -> datetime | None:
        return self.en.deadline

    @property
    def deadline_ongoing(self) -> bool:
        return self.en.deadline_ongoing

    @property
    def salary(self) -> Salary | None:
        return self.en.salary

    @property
    def grade(self) -> Grade | None:
        return self.en.grade

    @property
    def clearance(self) -> str | None:
        return self.en.clearance

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
    def warnings(self) -> tuple[str, ...]:
        return self.en.warnings + (self.fr.warnings if self.fr else ())

    def as_json(self) -> dict:
        """The ``parse_notice --json`` contract: plain JSON types only."""

        def location(loc: Location | None) -> dict | None:
            if loc is None:
                return None
            return {
                "country": loc.country,
                "city": loc.city,
                "country_fr": loc.country_fr,
                "city_fr": loc.city_fr,
            }

        def sections(half: tuple[Section, ...] | None) -> list[dict]:
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


# --------------------------------------------------------------------------- decoding

_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_notice(data: bytes) -> str:
    """Turn a file's bytes into text: UTF-8 (with or without BOM), else Windows-1252."""
    if not data.strip():
        raise NoticeParseError("the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise NoticeParseError("the file is not readable text") from None
    if b"\x00" in data:
        raise NoticeParseError("the file is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise NoticeParseError("the file is neither UTF-8 nor Windows-1252 text") from None


def normalise_text(text: str) -> str:
    """Unify line endings and the many kinds of space that PDF and Word produce."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text)


# --------------------------------------------------------------------------- header

# Header labels in either language; the value follows, with or without a colon.
_LABELS: dict[str, tuple[str, ...]] = {
    "primary_location": (
        "primary location",
        "emplacement principal",
        "lieu d'affectation principal",
        "duty station",
        "lieu d'affectation",
    ),
    "other_locations": (
        "other locations",
        "other location",
        "autres emplacements",
        "autre emplacement",
        "autres lieux d'affectation",
    ),
    "organisation": ("nato body", "organisation", "organization", "organisme"),
    "schedule": ("work schedule", "schedule", "horaire"),
    "deadline": (
        "application deadline",
        "closing date",
        "deadline",
        "date de retrait",
        "date limite de candidature",
        "date limite",
    ),
    "salary": (
        "salary (pay basis)",
        "salaire (base de paie)",
        "salary",
        "salaire",
        "rémunération",
    ),
    "grade": ("grade",),
    "clearance": (
        "clearance level",
        "security clearance",
        "clearance",
        "niveau de l'habilitation de sécurité",
        "niveau d'habilitation de sécurité",
        "habilitation de sécurité",
    ),
    "reference": ("vacancy reference", "reference", "référence", "vacancy number"),
}
# Every pattern here runs over text from outside, so none may backtrack over unbounded text:
# runs are possessive (``*+``) where what follows cannot start with what they match, and
# quantifiers are bounded elsewhere. Patterns for the start of a line allow its indent and
# then at most ten characters of decoration (``** ``, ``• ``), so that a long line of
# punctuation is given up at once. benchmarks/worst_case_parsing.py times the worst cases.
_LINE_START = r"^\s*+\W{0,10}+"
_LABEL_PATTERN = re.compile(
    _LINE_START
    + "(?P<label>"
    + "|".join(
        re.escape(label).replace("'", "['’]").replace("\\ ", "\\s++")
        for label in sorted(
            (label for labels in _LABELS.values() for label in labels), key=len, reverse=True
        )
    )
    + r")(?![\w(])[\s*]*+[:：]?(?P<value>.*)",
    re.IGNORECASE,
)
_FIELD_BY_LABEL = {label.casefold(): name for name, labels in _LABELS.items() for label in labels}
# Labels only the French header uses: where the French half starts.
_FRENCH_HEADER = re.compile(
    _LINE_START + r"(emplacement\s++principal|date\s++de\s++retrait|"
    r"salaire\s++\(base\s++de\s++paie\)|horaire)\b",
    re.IGNORECASE,
)
_DESCRIPTION = re.compile(_LINE_START + r"description\W*+$", re.IGNORECASE)
# A title line ends with its reference: 'Title-260063', 'Title – 260280', 'Title (240655)'.
# Matched on the line reversed, from its end, so that a long line is read once: the
# characters after the reference, the reference (reversed), then the dash or bracket.
_REFERENCE_AT_END = re.compile(r"(?P<after>\W*+)(?P<digits>\d{5,8})(?!\d)\s*+(?P<mark>[-–—(])")
_LEADING_NON_WORD = re.compile(r"\W*+")
_NOTE_PREFIX = re.compile(
    _LINE_START + r"(important note|note importante|important\s*+:)", re.IGNORECASE
)
_BANNER = re.compile(
    r"vacancy notification|notification de la vacance|north atlantic treaty|"
    r"traité de l'atlantique|^\W*+(?:nato|otan)\W*+(?:(?:nato|otan)\W*+)?$",
    re.IGNORECASE,
)


def _label_of(line: str) -> tuple[str, str] | None:
    """(field name, value) when the line is a header field, else None."""
    match = _LABEL_PATTERN.match(line)
    if not match or _is_banner(line):
        return None
    label = " ".join(match["label"].casefold().replace("’", "'").split())
    return _FIELD_BY_LABEL[label], _squeezed(match["value"]).strip(" *")


def _squeezed(text: str) -> str:
    """``text`` with each run of spaces made one. A text longer than any value is only
    stripped: it is refused as too long anyway, and splitting it would cost the most on
    the most hostile lines."""
    if len(text) > 10 * max(MAX_LENGTHS.values()):
        return text.strip()
    return " ".join(text.split())


def _is_banner(line: str) -> bool:
    """The organisation's name or the form's name, above the header: short lines."""
    return len(line) <= 200 and bool(_BANNER.search(" ".join(line.split())))


def _title_and_reference(line: str) -> tuple[str, str] | None:
    """(title, reference) when the line is a title line ending with its reference."""
    end = line.rstrip()[-1:]
    if not end or not (end.isdigit() or end in ")*"):
        return None  # cheap test first: most lines are not title lines
    match = _REFERENCE_AT_END.match(line[::-1])
    if not match:
        return None
    after = match["after"][::-1]
    if match["mark"] == "(" and not after.lstrip().startswith(")"):
        return None  # '(240655' without its closing bracket
    title = _squeezed(line[: len(line) - match.end()])
    if not title or title[-1] in "-–—(" or _label_of(line):
        return None
    # Leading punctuation ('** Title') is not part of the title, unless it is all there is.
    title = title[_LEADING_NON_WORD.match(title).end() :] or title[-1]
    return title.strip(" *"), match["digits"][::-1]


# --------------------------------------------------------------------------- values

_MONTHS = {
    "jan": 1, "janv": 1, "january": 1, "janvier": 1,
    "feb": 2, "febr": 2, "february": 2, "fev": 2, "fevr": 2, "fevrier": 2,
    "mar": 3, "march": 3, "mars": 3,
    "apr": 4, "april": 4, "avr": 4, "avril": 4,
    "may": 5, "mai": 5,
    "jun": 6, "june": 6, "juin": 6,
    "jul": 7, "july": 7, "juil": 7, "juillet": 7,
    "aug": 8, "august": 8, "aou": 8, "aout": 8,
    "sep": 9, "sept": 9, "september": 9, "septembre": 9,
    "oct": 10, "october": 10, "octobre": 10,
    "nov": 11, "november": 11, "novembre": 11,
    "dec": 12, "december": 12, "decembre": 12,
}  # fmt: skip
# Month names are 3 to 12 letters ('mai', 'septembre'), read from the start of a word.
_DAY_MONTH_YEAR = re.compile(
    r"(?P<day>\d{1,2})(?:er)?[\s./-]{1,3}(?<![^\W\d_])(?P<month>[^\W\d_]{3,12})(?![^\W\d_])"
    r"\.?[\s./-]{1,3}(?P<year>\d{4})"
)
_MONTH_DAY_YEAR = re.compile(
    r"(?<![^\W\d_])(?P<month>[^\W\d_]{3,12})(?![^\W\d_])\.?\s{1,3}(?P<day>\d{1,2}),?\s{1,3}"
    r"(?P<year>\d{4})"
)
_NUMERIC_DATE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})|"
    r"(?P<day2>\d{1,2})[./](?P<month2>\d{1,2})[./](?P<year2>\d{4})"
)
_TIME = re.compile(
    r"(?<![\d.])(?P<hour>\d{1,2})\s{0,3}(?::|h)\s{0,3}(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"\s{0,3}(?P<meridiem>[ap])?\.?\s{0,3}(?:m\b\.?)?",
    re.IGNORECASE,
)
_ONGOING = re.compile(
    _LINE_START + r"(ongoing|open until filled|until filled|en continu|continu|permanent)\b",
    re.IGNORECASE,
)


def _fold(word: str) -> str:
    """Lower case without accents: 'Févr.' -> 'fevr'."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip(".")


def parse_deadline(value: str, time_zone: ZoneInfo) -> tuple[datetime | None, bool]:
    """(aware deadline, ongoing) from '26-Feb-2026, 12:59:00 AM', '05-mai-2024', 'Ongoing'."""
    if _ONGOING.match(value):
        return None, True
    day = _read_date(value)
    if day is None:
        raise NoticeParseError(f"cannot read the deadline {value!r}")
    when = _read_time(value[day[1] :]) or time(23, 59, 59)
    return datetime.combine(day[0], when, tzinfo=time_zone), False


def _read_date(value: str) -> tuple[date, int] | None:
    """The date in ``value`` and where it ends."""
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for match in pattern.finditer(value):
            month = _MONTHS.get(_fold(match["month"]))
            if month:
                return _checked_date(match["year"], month, match["day"], value), match.end()
    match = _NUMERIC_DATE.search(value)
    if match:
        year = match["year"] or match["year2"]
        month = match["month"] or match["month2"]
        day = match["day"] or match["day2"]
        return _checked_date(year, month, day, value), match.end()
    return None


def _checked_date(year: str, month: int | str, day: str, value: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise NoticeParseError(f"the deadline {value!r} is not a real date") from None


def _read_time(value: str) -> time | None:
    match = _TIME.search(value)
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"] or 0)
    meridiem = (match["meridiem"] or "").lower()
    if meridiem and not 1 <= hour <= 12:
        raise NoticeParseError(f"the deadline time {match[0].strip()!r} is not a real time")
    if meridiem == "a":
        hour = 0 if hour == 12 else hour
    elif meridiem == "p":
        hour = 12 if hour == 12 else hour + 12
    try:
        return time(hour, minute, second)
    except ValueError:
        raise NoticeParseError(
            f"the deadline time {match[0].strip()!r} is not a real time"
        ) from None


_AMOUNT = re.compile(r"\d[\d ,.'’]*")
_CURRENCY_CODE = re.compile(r"\b([A-Z]{3})\b")
_CURRENCY_NAMES = {"euro": "EUR", "€": "EUR", "usd": "USD", "$": "USD", "£": "GBP", "chf": "CHF"}
_PERIODS = (
    (re.compile(r"month|mensu|par mois|/\s*mois", re.IGNORECASE), "monthly"),
    (re.compile(r"year|annual|annuel|par an\b|/\s*an\b", re.IGNORECASE), "yearly"),
    (re.compile(r"hour|horaire|heure", re.IGNORECASE), "hourly"),
)


def parse_salary(value: str) -> Salary:
    """'9,784.44Euro (EUR) Monthly' or '9 784,44Euro (EUR) Mensuelle' -> Salary."""
    match = _AMOUNT.search(value)
    if not match:
        raise NoticeParseError(f"cannot read the salary {value!r}")
    amount = _read_amount(match[0].strip(" ,.'’"), value)
    code = _CURRENCY_CODE.search(value)
    currency = code[1] if code else None
    if currency is None:
        lowered = value.casefold()
        currency = next((c for name, c in _CURRENCY_NAMES.items() if name in lowered), None)
    period = next((name for pattern, name in _PERIODS if pattern.search(value)), None)
    return Salary(amount=amount, currency=currency, period=period)


def _read_amount(digits: str, value: str) -> Decimal:
    """The last '.' or ',' followed by one or two digits is the decimal mark; others group."""
    compact = re.sub(r"[ '’]", "", digits)
    decimal_mark = re.search(r"[.,](\d{1,2})$", compact)
    if decimal_mark:
        whole = re.sub(r"[.,]", "", compact[: decimal_mark.start()])
        number = f"{whole}.{decimal_mark[1]}"
    else:
        number = re.sub(r"[.,]", "", compact)
    try:
        return Decimal(number)
    except InvalidOperation:
        raise NoticeParseError(f"cannot read the salary {value!r}") from None


_NATO_GRADE = re.compile(
    r"\bG\s?(?P<low>\d{1,2})(?:\s*[-–—/]\s*G?\s?(?P<high>\d{1,2}))?\b", re.IGNORECASE
)
_OLD_GRADE = re.compile(r"\b(?P<letter>[A-CL])\s?\.\s?(?P<step>\d{1,2})\b")


def parse_grade(value: str) -> Grade:
    """'NATO Grade G20', 'G8-G10', 'A.2 / NATO Grade G15' (G wins), 'C.3' (label only)."""
    nato = _NATO_GRADE.search(value)
    if nato:
        low = int(nato["low"])
        high = int(nato["high"] or low)
        if high < low:
            raise NoticeParseError(f"the grade range {value!r} runs backwards")
        label = f"G{low}" if low == high else f"G{low}-G{high}"
        return Grade(label=label, min=low, max=high)
    old = _OLD_GRADE.search(value)
    if old:
        return Grade(label=f"{old['letter'].upper()}.{old['step']}", min=None, max=None)
    raise NoticeParseError(f"cannot read the grade {value!r}")


# Countries whose own name has a hyphen, so 'Pays-Bas-La Haye' splits after 'Pays-Bas'.
_HYPHENATED_COUNTRIES = (
    "guinea-bissau",
    "guinée-bissau",
    "timor-leste",
    "pays-bas",
    "royaume-uni",
    "états-unis",
    "etats-unis",
    "bosnie-herzégovine",
)


MAX_PLACE_NAME = 100  # characters in a country's or a city's name


def parse_locations(value: str) -> tuple[tuple[str, str], ...]:
    """'Belgium-Brussels, Netherlands-The Hague' -> (('Belgium', 'Brussels'), ...)."""
    locations = []
    for part in re.split(r"\s*[;,|/]\s*|\s+(?:and|et)\s+", value.strip(" .")):
        if not part:
            continue
        lowered = part.casefold()
        split_at = next(
            (len(c) for c in _HYPHENATED_COUNTRIES if lowered.startswith(c + "-")),
            None,
        )
        if split_at is None:
            split_at = part.find("-")
        country, city = part[:split_at].strip(" -–"), part[split_at + 1 :].strip(" -–")
        if split_at < 0 or not country or not city:
            raise NoticeParseError(f"cannot read the location {part!r} (expected Country-City)")
        if len(country) > MAX_PLACE_NAME or len(city) > MAX_PLACE_NAME:
            raise NoticeParseError(f"the location {part[:40]!r}… is too long to be a place")
        locations.append((country, city))
    return tuple(locations)


# --------------------------------------------------------------------------- flags

# These read casefolded text: a plain search of it is several times faster than a
# case-blind one, which matters over a 5 MB upload.
_RISK_LEVELS = (
    (re.compile(r"\bextreme[- ]risk\b|très haut risque|risque extrême"), "extreme"),
    (re.compile(r"\bhigh[- ]risk\b|haut risque|risque élevé"), "high"),
    (re.compile(r"\b(medium|moderate)[- ]risk\b|risque (moyen|modéré)"), "medium"),
    (re.compile(r"\blow[- ]risk\b|faible risque|risque faible"), "low"),
)
_RISK_STATEMENT = re.compile(
    r"(rated|considered|assessed|classified|considérée?|évaluée?)[^.]{0,120}risk|"
    r"environnement à [^.]{0,20}risque|"
    r"\b(extreme|high|medium|moderate|low)[- ]risk (location|area|duty station|environment)"
)
_UNACCOMPANIED = re.compile(
    r"unaccompanied|family members will not be relocated|non-family (post|duty station)|"
    r"ne peuvent pas les accompagner|non accompagné"
)
_PENDING_BUDGET = re.compile(
    r"pending budget(ary)? approval|sous r[ée]serve d.approbation par les autorit[ée]s budg\w*"
)


def _mentions(lowered: str, pattern: re.Pattern, words: tuple[str, ...]) -> bool:
    """Does ``pattern`` occur in the casefolded text? Each of its matches holds one of the
    plain ``words`` and starts at most 80 characters before it: finding the words costs
    little, and the pattern is then searched from just before the first one (most notices
    hold none of them at all)."""
    found = [position for position in map(lowered.find, words) if position >= 0]
    return bool(found) and bool(pattern.search(lowered, max(0, min(found) - 80)))


def _risk_level(lowered: str) -> str | None:
    """The level named in the first sentence that rates the duty station's risk, in the
    casefolded text ``lowered``."""
    position = lowered.find("risk")  # also finds 'risque'; cheaper than a regex scan
    sentence_end = 0
    # A notice rates its duty station early; past a hundred sentences about risk, any
    # further one is not a rating either.
    for _sentence in range(100):
        if position < 0:
            break
        # Look back no further than the sentence read last, so that the text is read once.
        start = max(
            lowered.rfind(". ", sentence_end, position), lowered.rfind("\n", sentence_end, position)
        )
        start = sentence_end if start < 0 else start + 1
        end = lowered.find(". ", position)
        sentence_end = len(lowered) if end < 0 else end
        sentence = lowered[start:sentence_end]
        if _RISK_STATEMENT.search(sentence):
            for pattern, level in _RISK_LEVELS:
                if pattern.search(sentence):
                    return level
        position = lowered.find("risk", sentence_end)
    return None


# --------------------------------------------------------------------------- body

_PAGE_NUMBER = re.compile(
    r"^\s*+(?:page\s*+)?\d{1,3}(?:\s*+(?:/|of|sur|de)\s*+\d{1,3})?\s*+$", re.IGNORECASE
)
_BARE_URL = re.compile(r"^\s*+<?(?:https?://|www\.)\S++\s*+$", re.IGNORECASE)
_BULLET_SIGNS = "-–•·▪◦●■*o"
_BULLET = re.compile(r"^\s*+(?:[-–•·▪◦●■*]|o(?=\s))\s++(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^\W*+(?P<number>\d{1,2})\s*+[.)]\s++(?P<text>\S.*)$")
# What re's \s matches (str.isspace), for str.rstrip: no whitespace lies above U+3000.
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_CLOSERS = " )]}\"'’”»*_"
_CONNECTOR_WORDS = frozenset({
    "a", "à", "and", "au", "aux", "de", "des", "du", "en", "et", "for", "in", "la", "le",
    "les", "of", "on", "or", "ou", "par", "pour", "the", "to", "with",
})  # fmt: skip
# Sub-titles inside a numbered section that are not the wrapped end of its heading.
_INNER_LABELS = frozenset(
    {"essential", "desirable", "acquis essentiels", "acquis souhaitables", "note", "notes"}
)
_FLAG_LINE = re.compile(_PENDING_BUDGET.pattern + r"|^\W*+note\W*+$", re.IGNORECASE)


class _Numbered(NamedTuple):
    number: str  # as written: '1', '01'
    text: str


def _numbered(line: str) -> _Numbered | None:
    """'1. SUMMARY' or '2. Analytical Thinking: ...' (cheap test first)."""
    if not line.lstrip(" *#")[:1].isdigit():
        return None
    match = _NUMBERED.match(line)
    if not match:
        return None
    # Trailing spaces and emphasis stars go; a text of one star stays one star.
    text = match["text"]
    return _Numbered(match["number"], text[0] + text[1:].rstrip(_WHITESPACE + "*"))


def _is_capitals(text: str) -> bool:
    if len(text) > 150:
        return False
    letters = sum(map(str.isalpha, text))
    return letters >= 3 and sum(map(str.isupper, text)) >= 0.9 * letters


def _clean_heading(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("*", "").replace("#", "")).strip(" :")


def _ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSERS)[-1:] in (".", "!", "?", ":", ";")


def _ends_hyphenated(text: str) -> bool:
    return text[-1:] == "-" and text[-2:-1].isalnum()


@dataclass
class _Block:
    kind: str  # "para", "bullet" or "item"
    lines: list[str]
    marker: str = ""

    def render(self) -> str:
        text = self.lines[0]
        for line in self.lines[1:]:
            if _ends_hyphenated(text):
                text += line  # a word hyphenated across lines: 'non-' / 'voting'
            else:
                text += " " + line
        text = " ".join(text.split())
        if self.kind == "bullet":
            return "- " + text
        if self.kind == "item":
            return f"{self.marker} {text}"
        return text


def _drop_double_spacing(lines: list[str]) -> list[str]:
    """Some PDF extractions put an empty line after every line; there, only lines of
    spaces separate paragraphs, so the empty lines carry nothing and go."""
    spaced = tight = 0
    for i in range(len(lines) - 2):
        if lines[i].strip():
            if lines[i + 1].strip():
                tight += 1
            elif lines[i + 1] == "" and lines[i + 2].strip():
                spaced += 1
    has_space_lines = any(line and not line.strip() for line in lines)
    if has_space_lines and spaced > tight:
        return [line for line in lines if line != ""]
    return lines


def _wrap_width(lines: list[str]) -> int:
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if not lengths:
        return 0
    return lengths[int(len(lengths) * 0.8)]


def _is_numbered_heading(line: str, previous_number: int) -> tuple[int, str] | None:
    match = _numbered(line)
    # Cheap tests first: a heading is short, even with its emphasis marks.
    if not match or int(match.number) <= previous_number or len(match.text) > 300:
        return None
    text = _clean_heading(match.text)
    if len(text) > 150 or not _is_capitals(text):
        return None
    return int(match.number), text


def _continues_heading(heading: str, line: str) -> bool:
    """Is ``line`` the second half of a heading wrapped onto two lines?"""
    text = _clean_heading(line)
    if not _is_capitals(text) or len(text.split()) > 6 or _ends_sentence(text):
        return False
    if text.casefold() in _INNER_LABELS or _FLAG_LINE.search(text):
        return False
    first_word = text.split()[0].casefold()
    last_word = heading.split()[-1].casefold()
    return first_word in _CONNECTOR_WORDS or last_word in _CONNECTOR_WORDS or len(text.split()) == 1


def _split_sections(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Group body lines under their headings: numbered ones when the half numbers them,
    standalone lines in capitals otherwise."""
    numbered: list[tuple[int, int, str]] = []
    previous = 0
    for index, line in enumerate(lines):
        if not index % 32:
            _check_time()
        if not line.lstrip(" *#")[:1].isdigit():
            continue  # cheap test first: most lines are not numbered
        found = _is_numbered_heading(line, previous)
        if found:
            previous = found[0]
            numbered.append((index, found[0], found[1]))
    sections: list[tuple[str, list[str]]] = [("", [])]
    if len(numbered) >= 2:
        starts = {index: heading for index, _, heading in numbered}
        skip_next = False
        for index, line in enumerate(lines):
            if not index % 32:
                _check_time()
            if skip_next:
                skip_next = False
                continue
            if index in starts:
                heading = starts[index]
                following = lines[index + 1] if index + 1 < len(lines) else ""
                if following.strip() and _continues_heading(heading, following):
                    heading = f"{heading} {_clean_heading(following)}"
                    skip_next = True
                sections.append((heading, []))
            else:
                sections[-1][1].append(line)
    else:
        for index, line in enumerate(lines):
            if not index % 32:
                _check_time()
            text = _clean_heading(line) if _is_capitals(line) else ""
            if (
                text
                and _is_capitals(text)
                and not _FLAG_LINE.search(text)
                and not _ends_sentence(text)
                and len(text) <= 150
                and not _numbered(line)
                and not _BULLET.match(line)
            ):
                sections.append((text, []))
            else:
                sections[-1][1].append(line)
    if not sections[0][1] or not any(line.strip() for line in sections[0][1]):
        sections.pop(0)
    return sections


def _blocks(lines: list[str], width: int) -> list[_Block]:
    """Reflow hard-wrapped lines into paragraphs, bullet items and numbered items."""
    blocks: list[_Block] = []
    after_break = False
    short = 0.7 * width
    for index, raw in enumerate(lines):
        if not index % 32:
            _check_time()
        if not raw.strip():
            after_break = True
            continue
        line = raw.strip()
        first = line[0]
        bullet = _BULLET.match(raw) if first in _BULLET_SIGNS else None
        numbered = _numbered(raw) if first.isdigit() or first in "*#" else None
        if bullet and not line.startswith("**"):
            blocks.append(_Block("bullet", [bullet["text"].strip()]))
        elif numbered and not _is_capitals(numbered.text):
            blocks.append(_Block("item", [numbered.text.strip()], f"{numbered.number}."))
        elif blocks and _joins(blocks[-1], raw, after_break, short):
            blocks[-1].lines.append(line)
        else:
            blocks.append(_Block("para", [line]))
        after_break = False
    return blocks


def _joins(block: _Block, raw: str, after_break: bool, short: float) -> bool:
    """Does ``raw`` carry on the paragraph or item that ``block`` ends with?"""
    previous = block.lines[-1]
    line = raw.strip()
    starts_lower = line[0].islower() or line[0] in "(«\"'"
    ends_open = not _ends_sentence(previous)
    if _ends_hyphenated(previous) and line[0].isalpha():
        return True
    if after_break:
        # Across an empty line or a page break only a sentence left open carries on.
        return ends_open and line[0].islower()
    if raw[:1].isspace() and not ends_open:
        return False  # an indented line after a full stop starts a new text block
    if len(previous) >= short:
        return True
    return ends_open and starts_lower


def _render(blocks: list[_Block]) -> str:
    parts: list[str] = []
    for index, block in enumerate(blocks):
        if index:
            tight = block.kind != "para" and blocks[index - 1].kind != "para"
            parts.append("\n" if tight else "\n\n")
        parts.append(block.render())
    return "".join(parts)


def _clean_body(lines: list[str]) -> list[str]:
    lines = _drop_double_spacing(lines)
    return [
        "" if _is_page_number_or_url(line) or _is_flag(line) else line.rstrip() for line in lines
    ]


def _is_page_number_or_url(line: str) -> bool:
    first = line.lstrip()[:1]
    if not first or not (first.isdigit() or first in "<hHwWpP"):
        return False  # cheap test first: most lines are text
    return bool(_PAGE_NUMBER.match(line) or _BARE_URL.match(line))


def _is_flag(line: str) -> bool:
    """A standalone flag such as PENDING BUDGET APPROVAL: kept as a field, not as text."""
    return ("BUDG" in line or "budg" in line or "Budg" in line) and bool(
        _PENDING_BUDGET.fullmatch(_clean_heading(line).casefold())
    )


# --------------------------------------------------------------------------- halves


def _parse_half(
    lines: list[str], language: str, time_zone: ZoneInfo, *, strict: bool
) -> NoticeHalf:
    """Read one language's half: title line, header fields, then the body."""
    title, reference, title_index = "", None, None
    for index, line in enumerate(lines[:60]):
        if _label_of(line):
            break
        found = _title_and_reference(line)
        if found:
            title, reference = found
            title_index = index
            break
    fields: dict[str, str] = {}
    preamble: list[str] = []
    body_start = len(lines)
    index = 0 if title_index is None else title_index + 1
    last_field = None
    while index < len(lines):
        if not index % 32:
            _check_time()
        line = lines[index]
        if _DESCRIPTION.match(line):
            body_start = index + 1
            break
        if _is_numbered_heading(line, 0) and fields:
            body_start = index
            break
        labelled = _label_of(line)
        if labelled and labelled[0] not in fields:
            name, value = labelled
            if not value:
                value, index = _value_on_next_line(lines, index)
            fields[name] = value
            last_field = index
        elif line.strip() and title_index is None and not fields and not _is_banner(line):
            title_index = index  # a title line without its reference
            title = line.strip(" *")
        elif not line.strip() or not _is_banner(line):
            preamble.append(line)
        index += 1
    else:
        if last_field is not None:
            # No 'Description' line: the body starts after the last header field.
            body_start = last_field + 1
            preamble = []
    warnings: list[str] = []
    for problem in _too_long(title, fields):
        if strict:
            raise NoticeParseError(problem)
        warnings.append(f"{_HALF_NAMES[language]}: {problem}")
    if len(title) > MAX_LENGTHS["title"]:
        title = ""
    fields = {name: value for name, value in fields.items() if len(value) <= MAX_LENGTHS[name]}
    if reference is None and fields.get("reference"):
        digits = re.search(r"\d{4,8}", fields["reference"])
        reference = digits[0] if digits else None

    def read(name: str, reader, *args):
        value = fields.get(name)
        if not value:
            return None
        try:
            return reader(value, *args)
        except NoticeParseError as error:
            if strict:
                raise
            warnings.append(f"{_HALF_NAMES[language]}: {error}")
            return None

    deadline = read("deadline", parse_deadline, time_zone) or (None, False)
    primary = read("primary_location", parse_locations) or ()
    body = _clean_body(lines[body_start:])
    width = _wrap_width(body)
    sections = tuple(
        Section(heading=heading, text=_render(_blocks(section_lines, width)))
        for heading, section_lines in _split_sections(body)
    )
    preamble_text = [b.render() for b in _blocks(_clean_body(preamble), width or 1)]
    intro = [s.text for s in sections if not s.heading][:1]
    risk_note = next(
        (
            paragraph
            for paragraph in preamble_text + "\n\n".join(intro).split("\n\n")
            if _NOTE_PREFIX.match(paragraph)
        ),
        None,
    )
    return NoticeHalf(
        language=language,
        title=title,
        reference=reference,
        primary_location=primary[0] if primary else None,
        other_locations=read("other_locations", parse_locations) or (),
        organisation=fields.get("organisation") or None,
        schedule=fields.get("schedule") or None,
        deadline=deadline[0],
        deadline_ongoing=deadline[1],
        salary=read("salary", parse_salary),
        grade=read("grade", parse_grade),
        clearance=fields.get("clearance") or None,
        risk_note=risk_note,
        sections=sections,
        warnings=tuple(warnings),
    )


_HALF_NAMES = {"en": "English text", "fr": "French text"}

# The longest title and header values a notice can have (the vacancy's columns hold no
# more); a longer one is not a value but something else, such as a whole paragraph.
MAX_LENGTHS = {
    "title": 300,
    "reference": 60,
    "primary_location": 210,
    "other_locations": 2000,
    "organisation": 200,
    "schedule": 100,
    "deadline": 60,
    "salary": 100,
    "grade": 60,
    "clearance": 50,
}
_FIELD_NAMES = {
    "title": "title",
    "reference": "reference",
    "primary_location": "primary location",
    "other_locations": "other locations",
    "organisation": "organisation",
    "schedule": "schedule",
    "deadline": "deadline",
    "salary": "salary",
    "grade": "grade",
    "clearance": "clearance level",
}


def _too_long(title: str, fields: dict[str, str]) -> Iterator[str]:
    """A sentence for the title and each header value longer than it can be."""
    for name, value in (("title", title), *fields.items()):
        if len(value) > MAX_LENGTHS[name]:
            yield (
                f"the {_FIELD_NAMES[name]} is {len(value):,} characters long, more than the "
                f"{MAX_LENGTHS[name]} it can have: it cannot be read"
            )


def _value_on_next_line(lines: list[str], index: int) -> tuple[str, int]:
    """A label alone on its line, with its value on the next non-empty line."""
    for following in range(index + 1, min(index + 3, len(lines))):
        line = lines[following].strip()
        if line:
            if _label_of(line) or _DESCRIPTION.match(line):
                return "", index
            return line, following
    return "", index


def _french_start(lines: list[str], reference: str | None, after: int) -> int | None:
    """Index of the French half's first line (its title line), or None."""
    for index in range(after, len(lines)):
        if not index % 32:
            _check_time()
        found = _title_and_reference(lines[index])
        if found and reference and found[1] == reference:
            return index
    for index in range(after, len(lines)):
        if not index % 32:
            _check_time()
        if _FRENCH_HEADER.match(lines[index]):
            # The title is the nearest line above that is not part of a risk note.
            candidate = index
            for above in range(index - 1, after - 1, -1):
                line = lines[above].strip()
                if not line:
                    continue
                if _NOTE_PREFIX.match(line) or len(line) > 200:
                    candidate = above
                    continue
                return above
            return candidate
    return None


def parse_notice(
    text: str, *, time_zone: str = DEFAULT_TIME_ZONE, time_limit: float | None = None
) -> Notice:
    """Parse one notice's text (English half, then the optional French half).

    With ``time_limit`` (seconds), a text still being read after that long is refused:
    reading is linear in the text's length, but a server must not give one request more.
    """
    budget = _time_budget.set(
        None if time_limit is None else (monotonic() + time_limit, time_limit)
    )
    try:
        return _parse(text, ZoneInfo(time_zone))
    finally:
        _time_budget.reset(budget)


# A notice runs to a few hundred lines, a long one printed to PDF to a few thousand.
MAX_LINES = 20_000

# When the notice being read must be given up, and the limit it was given.
_time_budget: ContextVar[tuple[float, float] | None] = ContextVar("time_budget", default=None)


def _check_time() -> None:
    """Refuse the notice once its time budget is spent. Called every 32 lines of each loop
    over lines: reading the clock costs about as much as reading a line."""
    budget = _time_budget.get()
    if budget is not None and monotonic() > budget[0]:
        raise NoticeParseError(
            f"reading the notice took longer than {budget[1]:g} seconds, the limit for one "
            "notice: it is not a notice this site can read"
        )


def _parse(text: str, zone: ZoneInfo) -> Notice:
    original = text
    text = normalise_text(text)
    line_count = text.count("\n") + 1
    if line_count > MAX_LINES:
        raise NoticeParseError(
            f"the text has {line_count:,} lines, more than the {MAX_LINES:,} of the longest "
            "notice: it is not one notice"
        )
    controls = len(_CONTROL.findall(text))
    if controls > max(3, len(text) // 100):
        raise NoticeParseError("the file is full of control characters: it is not a text notice")
    if controls:
        text = _CONTROL.sub("", text)  # a stray one, such as a DOS end-of-file mark
    lines = text.split("\n")
    if not any(line.strip() for line in lines):
        raise NoticeParseError("the file is empty")

    english_title = next(
        (i for i, line in enumerate(lines[:80]) if _title_and_reference(line)), None
    )
    first_label = next((i for i, line in enumerate(lines[:120]) if _label_of(line)), None)
    if english_title is None and first_label is None:
        raise NoticeParseError(
            "not a vacancy notice: no title with a reference and no header fields found"
        )
    start = min(i for i in (english_title, first_label) if i is not None)
    if english_title is None or (first_label is not None and first_label < english_title):
        # The title has no reference: start a little above the first header field.
        start = next(
            (
                i
                for i in range(first_label - 1, -1, -1)
                if lines[i].strip()
                and not _is_banner(lines[i])
                and not _NOTE_PREFIX.match(lines[i])
            ),
            first_label,
        )
    reference = _title_and_reference(lines[english_title])[1] if english_title is not None else None
    header_end = (first_label or start) + 1
    french = _french_start(lines, reference, header_end)
    english_lines = lines[start:french] if french is not None else lines[start:]
    en = _parse_half(english_lines, "en", zone, strict=True)
    fr = _parse_half(lines[french:], "fr", zone, strict=False) if french is not None else None

    if not en.reference and not (fr and fr.reference):
        raise NoticeParseError("no vacancy reference found (expected a title like 'Title-260063')")
    if not en.title:
        raise NoticeParseError("no vacancy title found")
    # Casefolding keeps the lines apart, so the halves are cut from the text folded once.
    lowered = text.casefold()
    lowered_lines = lowered.split("\n")
    english_text = "\n".join(lowered_lines[start:french])
    french_text = "\n".join(lowered_lines[french:]) if french is not None else ""
    return Notice(
        en=en,
        fr=fr,
        risk_level=_risk_level(english_text) or _risk_level(french_text),
        unaccompanied=_mentions(lowered, _UNACCOMPANIED, ("accompan", "relocated", "non-family")),
        pending_budget_approval=_mentions(lowered, _PENDING_BUDGET, ("budg",)),
        text=original,
    )


def parse_notice_bytes(data: bytes, *, time_zone: str = DEFAULT_TIME_ZONE) -> Notice:
    """Decode a notice file's bytes, then parse it."""
    return parse_notice(decode_notice(data), time_zone=time_zone)
