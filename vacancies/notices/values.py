"""The values of a notice's header fields: deadline, salary, grade and locations, as written
in English or French notices. Each reader takes the field's text and returns a typed value,
or raises ``NoticeParseError`` saying what it could not read.
"""

import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from .errors import NoticeParseError, gettext_noop
from .header import LINE_START
from .results import Grade, Salary

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
    LINE_START + r"(ongoing|open until filled|until filled|en continu|continu|permanent)\b",
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
        raise NoticeParseError(
            gettext_noop("cannot read the deadline %(value)s"), value=repr(value)
        )
    when = _read_time(value[day[1] :]) or time(23, 59, 59)
    return datetime.combine(day[0], when, tzinfo=time_zone), False


def _read_date(value: str) -> tuple[date, int] | None:
    """The date in ``value`` and where it ends."""
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for match in pattern.finditer(value):
            month = _MONTHS.get(_fold(match["month"]))
            if month:
                return _checked_date(match["year"], month, match["day"], value), match.end()
    numeric = _NUMERIC_DATE.search(value)
    if numeric:
        year = numeric["year"] or numeric["year2"]
        day = numeric["day"] or numeric["day2"]
        number = numeric["month"] or numeric["month2"]
        return _checked_date(year, number, day, value), numeric.end()
    return None


def _checked_date(year: str, month: int | str, day: str, value: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise NoticeParseError(
            gettext_noop("the deadline %(value)s is not a real date"), value=repr(value)
        ) from None


def _read_time(value: str) -> time | None:
    match = _TIME.search(value)
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"] or 0)
    meridiem = (match["meridiem"] or "").lower()
    if meridiem and not 1 <= hour <= 12:
        raise NoticeParseError(
            gettext_noop("the deadline time %(value)s is not a real time"),
            value=repr(match[0].strip()),
        )
    if meridiem == "a":
        hour = 0 if hour == 12 else hour
    elif meridiem == "p":
        hour = 12 if hour == 12 else hour + 12
    try:
        return time(hour, minute, second)
    except ValueError:
        raise NoticeParseError(
            gettext_noop("the deadline time %(value)s is not a real time"),
            value=repr(match[0].strip()),
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
        raise NoticeParseError(gettext_noop("cannot read the salary %(value)s"), value=repr(value))
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
        raise NoticeParseError(
            gettext_noop("cannot read the salary %(value)s"), value=repr(value)
        ) from None


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
            raise NoticeParseError(
                gettext_noop("the grade range %(value)s runs backwards"), value=repr(value)
            )
        label = f"G{low}" if low == high else f"G{low}-G{high}"
        return Grade(label=label, min=low, max=high)
    old = _OLD_GRADE.search(value)
    if old:
        return Grade(label=f"{old['letter'].upper()}.{old['step']}", min=None, max=None)
    raise NoticeParseError(gettext_noop("cannot read the grade %(value)s"), value=repr(value))


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
            raise NoticeParseError(
                gettext_noop("cannot read the location %(value)s (expected Country-City)"),
                value=repr(part),
            )
        if len(country) > MAX_PLACE_NAME or len(city) > MAX_PLACE_NAME:
            raise NoticeParseError(
                gettext_noop("the location %(value)s… is too long to be a place"),
                value=repr(part[:40]),
            )
        locations.append((country, city))
    return tuple(locations)
