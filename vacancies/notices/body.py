"""The body of a notice's half: its sections, and their text reflowed.

Text extracted from PDF comes hard-wrapped, with page numbers, dumped link URLs and
typographic bullets: lines are joined into paragraphs, bullet items (``- ``) and numbered
items, and none of that noise survives. Sections start at the numbered headings
(``1. SUMMARY``), or at standalone headings in capitals when a half numbers none.
"""

import re
from dataclasses import dataclass
from typing import NamedTuple

from .budget import check_time
from .flags import PENDING_BUDGET
from .results import Section

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
_FLAG_LINE = re.compile(PENDING_BUDGET.pattern + r"|^\W*+note\W*+$", re.IGNORECASE)


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


def is_numbered_heading(line: str, previous_number: int) -> tuple[int, str] | None:
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
            check_time()
        if not line.lstrip(" *#")[:1].isdigit():
            continue  # cheap test first: most lines are not numbered
        found = is_numbered_heading(line, previous)
        if found:
            previous = found[0]
            numbered.append((index, found[0], found[1]))
    sections: list[tuple[str, list[str]]] = [("", [])]
    if len(numbered) >= 2:
        starts = {index: heading for index, _, heading in numbered}
        skip_next = False
        for index, line in enumerate(lines):
            if not index % 32:
                check_time()
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
                check_time()
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
            check_time()
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
        PENDING_BUDGET.fullmatch(_clean_heading(line).casefold())
    )


def read_body(body: list[str], preamble: list[str]) -> tuple[tuple[Section, ...], list[str]]:
    """The sections of a half's body, and the paragraphs of the text between its header
    fields (where a risk note may stand), both reflowed."""
    body = _clean_body(body)
    width = _wrap_width(body)
    sections = tuple(
        Section(heading=heading, text=_render(_blocks(section_lines, width)))
        for heading, section_lines in _split_sections(body)
    )
    paragraphs = [block.render() for block in _blocks(_clean_body(preamble), width or 1)]
    return sections, paragraphs
