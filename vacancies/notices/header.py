"""The header of a notice's half: its title line with the reference, and its labelled fields
(``Label: value``, in any order, colons optional), in English or French.

Every pattern here runs over text from outside, so none may backtrack over unbounded text:
runs are possessive (``*+``) where what follows cannot start with what they match, and
quantifiers are bounded elsewhere. Patterns for the start of a line allow its indent and
then at most ten characters of decoration (``** ``, ``• ``), so that a long line of
punctuation is given up at once. benchmarks/worst_case_parsing.py times the worst cases.
"""

import re
from collections.abc import Iterator

from .errors import Message, gettext_noop

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
# The start of a line: its indent, then at most ten characters of decoration.
LINE_START = r"^\s*+\W{0,10}+"
_LABEL_PATTERN = re.compile(
    LINE_START
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
FRENCH_HEADER = re.compile(
    LINE_START + r"(emplacement\s++principal|date\s++de\s++retrait|"
    r"salaire\s++\(base\s++de\s++paie\)|horaire)\b",
    re.IGNORECASE,
)
DESCRIPTION = re.compile(LINE_START + r"description\W*+$", re.IGNORECASE)
# A title line ends with its reference: 'Title-260063', 'Title – 260280', 'Title (240655)'.
# Matched on the line reversed, from its end, so that a long line is read once: the
# characters after the reference, the reference (reversed), then the dash or bracket.
_REFERENCE_AT_END = re.compile(r"(?P<after>\W*+)(?P<digits>\d{5,8})(?!\d)\s*+(?P<mark>[-–—(])")
_LEADING_NON_WORD = re.compile(r"\W*+")
NOTE_PREFIX = re.compile(
    LINE_START + r"(important note|note importante|important\s*+:)", re.IGNORECASE
)
_BANNER = re.compile(
    r"vacancy notification|notification de la vacance|north atlantic treaty|"
    r"traité de l'atlantique|^\W*+(?:nato|otan)\W*+(?:(?:nato|otan)\W*+)?$",
    re.IGNORECASE,
)


def label_of(line: str) -> tuple[str, str] | None:
    """(field name, value) when the line is a header field, else None."""
    match = _LABEL_PATTERN.match(line)
    if not match or is_banner(line):
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


def is_banner(line: str) -> bool:
    """The organisation's name or the form's name, above the header: short lines."""
    return len(line) <= 200 and bool(_BANNER.search(" ".join(line.split())))


def title_and_reference(line: str) -> tuple[str, str] | None:
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
    if not title or title[-1] in "-–—(" or label_of(line):
        return None
    # Leading punctuation ('** Title') is not part of the title, unless it is all there is.
    leading = _LEADING_NON_WORD.match(title)
    title = title[leading.end() if leading else 0 :] or title[-1]
    return title.strip(" *"), match["digits"][::-1]


# A title's reference alone on its line: '(240655)', '- 260063', '260063'.
_BARE_REFERENCE = re.compile(r"\s*+[-–—(]?\s*+\d{5,8}\)?\s*+")


def bare_reference(line: str) -> str | None:
    """The reference of a line that holds only a title's reference ('(240655)'), which a
    printer wrapped off its title's line."""
    match = _BARE_REFERENCE.fullmatch(line)
    return re.sub(r"\D", "", match[0]) if match else None


# A half's title stands among its first lines.
TITLE_SEARCH_LINES = 80


def rejoin_wrapped_titles(lines: list[str], start: int = 0, stop: int = TITLE_SEARCH_LINES) -> int:
    """Join again, in place, a title that a printer wrapped at the page's edge onto the
    next line, for the title lines between ``start`` and ``stop``: a reference alone on its
    line, the end of a title that cannot start one (a small letter, an unopened bracket),
    or a title line whose line above stands under the form's name, goes back to the line
    above, leaving an empty line so that every other line keeps its place. Returns how
    many titles were joined."""
    joined = 0
    for index in range(max(1, start), min(stop, len(lines))):
        line = lines[index]
        end = line.rstrip()[-1:]
        if not end or not (end.isdigit() or end in ")*"):
            continue  # cheap test first: most lines end otherwise than a title line
        if bare_reference(line) is None:
            found = title_and_reference(line)
            if found is None:
                continue  # most lines: no title ends there
            if not _ends_a_title(found[0]) and not (index > 1 and is_banner(lines[index - 2])):
                continue
        above = lines[index - 1]
        if _starts_a_title(above):
            lines[index - 1] = f"{above.rstrip()} {line.strip()}"
            lines[index] = ""
            joined += 1
    return joined


def _ends_a_title(text: str) -> bool:
    """Is ``text`` the end of a wrapped title rather than a title of its own?"""
    return text[:1].islower() or text.count(")") > text.count("(")


def _starts_a_title(line: str) -> bool:
    """Can ``line`` be the first part of a title wrapped onto the next line?"""
    text = line.strip()
    return (
        0 < len(text) <= MAX_LENGTHS["title"]
        and text[-1] not in ".!?:;"
        and not label_of(line)
        and not is_banner(line)
        and not DESCRIPTION.match(line)
        and not NOTE_PREFIX.match(line)
        and title_and_reference(line) is None
    )


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
# Each in a sentence of its own, which translations need whole.
_TOO_LONG = {
    "title": gettext_noop("the title is %(length)s characters long, more than the %(limit)d "
                          "it can have: it cannot be read"),
    "reference": gettext_noop("the reference is %(length)s characters long, more than the "
                              "%(limit)d it can have: it cannot be read"),
    "primary_location": gettext_noop("the primary location is %(length)s characters long, "
                                     "more than the %(limit)d it can have: it cannot be read"),
    "other_locations": gettext_noop("the other locations are %(length)s characters long, "
                                    "more than the %(limit)d they can have: they cannot be read"),
    "organisation": gettext_noop("the organisation is %(length)s characters long, more than "
                                 "the %(limit)d it can have: it cannot be read"),
    "schedule": gettext_noop("the schedule is %(length)s characters long, more than the "
                             "%(limit)d it can have: it cannot be read"),
    "deadline": gettext_noop("the deadline is %(length)s characters long, more than the "
                             "%(limit)d it can have: it cannot be read"),
    "salary": gettext_noop("the salary is %(length)s characters long, more than the %(limit)d "
                           "it can have: it cannot be read"),
    "grade": gettext_noop("the grade is %(length)s characters long, more than the %(limit)d "
                          "it can have: it cannot be read"),
    "clearance": gettext_noop("the clearance level is %(length)s characters long, more than "
                              "the %(limit)d it can have: it cannot be read"),
}  # fmt: skip


def too_long(title: str, fields: dict[str, str]) -> Iterator[Message]:
    """A sentence for the title and each header value longer than it can be."""
    for name, value in (("title", title), *fields.items()):
        if len(value) > MAX_LENGTHS[name]:
            yield Message(_TOO_LONG[name], length=len(value), limit=MAX_LENGTHS[name])


def value_on_next_line(lines: list[str], index: int) -> tuple[str, int]:
    """A label alone on its line, with its value on the next non-empty line."""
    for following in range(index + 1, min(index + 3, len(lines))):
        line = lines[following].strip()
        if line:
            if label_of(line) or DESCRIPTION.match(line):
                return "", index
            return line, following
    return "", index
