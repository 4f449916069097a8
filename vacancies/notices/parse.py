"""Reading a whole notice: where its English and French halves start, and each half's title,
header fields and body, into a ``Notice``.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from .body import is_numbered_heading, read_body
from .budget import check_time, time_budget
from .errors import Message, NoticeParseError, gettext_noop
from .flags import flowing, is_pending_budget_approval, is_unaccompanied, risk_level
from .header import (
    DESCRIPTION,
    FRENCH_HEADER,
    MAX_LENGTHS,
    NOTE_PREFIX,
    TITLE_SEARCH_LINES,
    bare_reference,
    is_banner,
    label_of,
    rejoin_wrapped_titles,
    title_and_reference,
    too_long,
    value_on_next_line,
)
from .reading import decode_notice, notice_lines
from .results import Notice, NoticeHalf
from .values import parse_deadline, parse_grade, parse_locations, parse_salary

DEFAULT_TIME_ZONE = "Europe/Brussels"
_HALF_NAMES = {"en": gettext_noop("English text"), "fr": gettext_noop("French text")}
_T = TypeVar("_T")


def parse_notice(
    text: str, *, time_zone: str = DEFAULT_TIME_ZONE, time_limit: float | None = None
) -> Notice:
    """Parse one notice's text (English half, then the optional French half).

    With ``time_limit`` (seconds), a text still being read after that long is refused:
    reading is linear in the text's length, but a server must not give one request more.
    Raises ``NoticeParseError`` with a reason a person can act on.
    """
    with time_budget(time_limit):
        return _parse(text, ZoneInfo(time_zone))


def parse_notice_bytes(data: bytes, *, time_zone: str = DEFAULT_TIME_ZONE) -> Notice:
    """Decode a notice file's bytes, then parse it."""
    return parse_notice(decode_notice(data), time_zone=time_zone)


def _parse(text: str, zone: ZoneInfo) -> Notice:
    lines = notice_lines(text)
    rejoin_wrapped_titles(lines)
    start, french = _halves(lines)
    if french is not None and rejoin_wrapped_titles(lines, start=french, stop=french + 1):
        french -= 1  # the French title now stands on the line above
    en = _parse_half(lines[start:french], "en", zone, strict=True)
    fr = _parse_half(lines[french:], "fr", zone, strict=False) if french is not None else None
    if not en.reference and not (fr and fr.reference):
        raise NoticeParseError(
            gettext_noop("no vacancy reference found (expected a title like 'Title-260063')")
        )
    if not en.title:
        raise NoticeParseError(gettext_noop("no vacancy title found"))
    # Casefolding keeps the lines apart, so the halves are cut from the text folded once.
    lowered_lines = "\n".join(lines).casefold().split("\n")
    english_text = flowing("\n".join(lowered_lines[start:french]))
    french_text = flowing("\n".join(lowered_lines[french:])) if french is not None else ""
    whole_text = f"{english_text}\n\n{french_text}"
    return Notice(
        en=en,
        fr=fr,
        risk_level=risk_level(english_text) or risk_level(french_text),
        unaccompanied=is_unaccompanied(whole_text),
        pending_budget_approval=is_pending_budget_approval(whole_text),
        text=text,
    )


def _halves(lines: list[str]) -> tuple[int, int | None]:
    """Where the English half starts, and where the French half starts (None without one)."""
    english_title = next(
        (i for i, line in enumerate(lines[:TITLE_SEARCH_LINES]) if title_and_reference(line)),
        None,
    )
    first_label = next((i for i, line in enumerate(lines[:120]) if label_of(line)), None)
    if english_title is None and first_label is None:
        raise NoticeParseError(
            gettext_noop(
                "not a vacancy notice: no title with a reference and no header fields found"
            )
        )
    start = min(i for i in (english_title, first_label) if i is not None)
    if first_label is not None and (english_title is None or first_label < english_title):
        # The title has no reference: start a little above the first header field.
        start = next(
            (
                i
                for i in range(first_label - 1, -1, -1)
                if lines[i].strip() and not is_banner(lines[i]) and not NOTE_PREFIX.match(lines[i])
            ),
            first_label,
        )
    found = title_and_reference(lines[english_title]) if english_title is not None else None
    reference = found[1] if found else None
    return start, _french_start(lines, reference, (first_label or start) + 1)


def _french_start(lines: list[str], reference: str | None, after: int) -> int | None:
    """Index of the French half's first line (its title line), or None."""
    for index in range(after, len(lines)):
        if not index % 32:
            check_time()
        found = title_and_reference(lines[index])
        if found and reference and found[1] == reference:
            return index
        if reference and reference in lines[index] and bare_reference(lines[index]) == reference:
            return index  # the title's second line: the title is joined again from it
    for index in range(after, len(lines)):
        if not index % 32:
            check_time()
        if FRENCH_HEADER.match(lines[index]):
            # The title is the nearest line above that is not part of a risk note.
            candidate = index
            for above in range(index - 1, after - 1, -1):
                line = lines[above].strip()
                if not line:
                    continue
                if NOTE_PREFIX.match(line) or len(line) > 200:
                    candidate = above
                    continue
                return above
            return candidate
    return None


@dataclass
class _Header:
    """A half's title line and header fields, as written, and where its body starts."""

    title: str = ""
    reference: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    preamble: list[str] = field(default_factory=list)
    body_start: int = 0


def _parse_half(lines: list[str], language: str, zone: ZoneInfo, *, strict: bool) -> NoticeHalf:
    """Read one language's half: title line, header fields, then the body.

    A value that cannot be read stops the English half (``strict``), and is a warning in
    the French one, whose values only translate the English.
    """
    header = _read_header(lines)
    warnings: list[Message] = []

    def refused(problem: Message) -> None:
        if strict:
            raise NoticeParseError(problem.template, **problem.values)
        half = Message(_HALF_NAMES[language])
        warnings.append(Message(gettext_noop("%(half)s: %(problem)s"), half=half, problem=problem))

    for problem in too_long(header.title, header.fields):
        refused(problem)
    title = header.title if len(header.title) <= MAX_LENGTHS["title"] else ""
    fields = {
        name: value for name, value in header.fields.items() if len(value) <= MAX_LENGTHS[name]
    }
    reference = header.reference
    if reference is None and fields.get("reference"):
        digits = re.search(r"\d{4,8}", fields["reference"])
        reference = digits[0] if digits else None

    def read(name: str, reader: Callable[..., _T], *args: Any) -> _T | None:
        try:
            return reader(fields[name], *args) if fields.get(name) else None
        except NoticeParseError as error:
            refused(error.message)
            return None

    deadline, ongoing = read("deadline", parse_deadline, zone) or (None, False)
    primary = read("primary_location", parse_locations) or ()
    sections, preamble = read_body(lines[header.body_start :], header.preamble)
    intro = [section.text for section in sections if not section.heading][:1]
    paragraphs = preamble + "\n\n".join(intro).split("\n\n")
    return NoticeHalf(
        language=language,
        title=title,
        reference=reference,
        primary_location=primary[0] if primary else None,
        other_locations=read("other_locations", parse_locations) or (),
        organisation=fields.get("organisation") or None,
        schedule=fields.get("schedule") or None,
        deadline=deadline,
        deadline_ongoing=ongoing,
        salary=read("salary", parse_salary),
        grade=read("grade", parse_grade),
        clearance=fields.get("clearance") or None,
        risk_note=next((p for p in paragraphs if NOTE_PREFIX.match(p)), None),
        sections=sections,
        warnings=tuple(warnings),
    )


def _read_header(lines: list[str]) -> _Header:
    header = _Header(body_start=len(lines))
    title_index = None
    for index, line in enumerate(lines[:60]):
        if label_of(line):
            break
        found = title_and_reference(line)
        if found:
            header.title, header.reference = found
            title_index = index
            break
    index = 0 if title_index is None else title_index + 1
    last_field = None
    while index < len(lines):
        if not index % 32:
            check_time()
        line = lines[index]
        if DESCRIPTION.match(line):
            header.body_start = index + 1
            return header
        if is_numbered_heading(line, 0) and header.fields:
            header.body_start = index
            return header
        labelled = label_of(line)
        if labelled and labelled[0] not in header.fields:
            name, value = labelled
            if not value:
                value, index = value_on_next_line(lines, index)
            header.fields[name] = value
            last_field = index
        elif line.strip() and title_index is None and not header.fields and not is_banner(line):
            title_index = index  # a title line without its reference
            header.title = line.strip(" *")
        elif not line.strip() or not is_banner(line):
            header.preamble.append(line)
        index += 1
    if last_field is not None:
        # No 'Description' line: the body starts after the last header field.
        header.body_start = last_field + 1
        header.preamble = []
    return header
