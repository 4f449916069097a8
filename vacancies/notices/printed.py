"""What printing a notice to PDF adds to its text, taken away again.

A browser or a printing system puts a header and a footer on every page (the date and time,
the page's title, its address, "3/8" or "Page 3 of 8"), and text read back from the PDF has
them between the lines of the notice, often in the middle of a sentence that the page break
cut. Pages are known by the form feeds between them (the project's PDF reader and
``pdftotext`` put one there) or, in text pasted without them, by the footer lines that end
each page. Only the lines at a page's edges can be furniture, so that a line of the notice
that happens to look like one (a date and a time, an address) is never dropped.

Like the rest of the package: pure Python, and linear in the text's length.
"""

import re
from collections import Counter

# At most this many lines at the top and at the bottom of a page are the printer's.
_EDGE_LINES = 3
# Longer lines are the notice's, whatever they hold: a header or footer is one short line.
_LONGEST_FURNITURE = 300

_DATE = r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
_TIME = r"\d{1,2}[:h]\d{2}(?::\d{2})?+(?:\s?[AaPp]\.?[Mm]\.?)?+"
_MOMENT = rf"{_DATE},?\s{{1,3}}{_TIME}"
_ADDRESS = r"(?:(?:https?|file)://|www\.)\S++"
_COUNTER = (
    r"(?:(?:page|p\.)\s?)?\d{1,3}(?:\s?(?:/|of|sur|de|von)\s?\d{1,3})?+"
    r"|[-–]\s?\d{1,3}\s?[-–]"
)
# A line the printer wrote: the moment of printing (the page's title may stand beside it), an
# address (with the page counter beside it, or a title before it), or a page counter alone.
_PRINTED_AT = re.compile(rf"(?:{_MOMENT})(?:\s.*)?+|.*\s(?:{_MOMENT})")
_FURNITURE = re.compile(
    rf"{_PRINTED_AT.pattern}"
    rf"|(?:.*\s)?{_ADDRESS}(?:\s++(?:{_COUNTER}))?+|(?:{_COUNTER})(?:\s++{_ADDRESS})?+",
    re.IGNORECASE,
)
# The footer that ends a page, in text pasted without its form feeds: an address and a
# page counter (a sentence of the notice never ends with "… http://… 3/8").
_FOOTER_LINE = re.compile(
    rf"[ \t]*+{_ADDRESS}[ \t]++\d{{1,3}}[ \t]?/[ \t]?\d{{1,3}}[ \t]*+", re.IGNORECASE
)


def without_page_furniture(text: str) -> str:
    """``text`` without the header and footer lines of its printed pages, the pages joined
    again line to line, so that a paragraph cut by a page break reads as one."""
    pages = _pages(text)
    if len(pages) < 2:
        return text
    repeated = _repeated_edge_lines(pages)
    return "\n".join("\n".join(_page_without_furniture(page, repeated)) for page in pages)


def _pages(text: str) -> list[list[str]]:
    """The text's pages, as lines: cut at form feeds, or after each page footer (a text
    that has neither is one page, and left as it is)."""
    if "\f" in text:
        return [page.split("\n") for page in text.split("\f")]
    if not _has_page_footer(text):
        return [[text]]
    pages: list[list[str]] = [[]]
    for line in text.split("\n"):
        pages[-1].append(line)
        if len(line) <= _LONGEST_FURNITURE and _FOOTER_LINE.fullmatch(line):
            pages.append([])
    return pages


def _has_page_footer(text: str) -> bool:
    """Does a line of ``text`` look like a page's footer? Only the lines that hold an
    address are looked at, each once: most texts have none, and a few links at most."""
    for mark in ("://", "www.", "WWW."):
        start = text.find(mark)
        while start >= 0:
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", start)
            line_end = len(text) if line_end < 0 else line_end
            if line_end - line_start <= _LONGEST_FURNITURE and _FOOTER_LINE.fullmatch(
                text, line_start, line_end
            ):
                return True
            start = text.find(mark, line_end)
    return False


def _edge(lines: list[str], *, bottom: bool) -> list[str]:
    """The page's first (or last) few lines that hold anything."""
    found: list[str] = []
    for line in reversed(lines) if bottom else lines:
        if line.strip():
            found.append(line)
            if len(found) == _EDGE_LINES:
                break
    return found


def _repeated_edge_lines(pages: list[list[str]]) -> set[tuple[bool, int, str]]:
    """(bottom?, place from the edge, line) for the lines that stand in the same place at
    the same edge of at least half the pages (two at least): the page's title, or an
    organisation's address, that the printer puts on every page beside its other lines."""
    printed = [page for page in pages if any(line.strip() for line in page)]
    seen: Counter[tuple[bool, int, str]] = Counter()
    for page in printed:
        for bottom in (False, True):
            seen.update(
                (bottom, place, " ".join(line.split()))
                for place, line in enumerate(_edge(page, bottom=bottom))
                if len(line) <= _LONGEST_FURNITURE
            )
    enough = max(2, (len(printed) + 1) // 2)
    return {slot for slot, count in seen.items() if count >= enough}


def _page_without_furniture(lines: list[str], repeated: set[tuple[bool, int, str]]) -> list[str]:
    top = _furniture_run(lines, repeated, bottom=False)
    bottom = _furniture_run(lines[top:][::-1], repeated, bottom=True)
    return lines[top : len(lines) - bottom]


def _furniture_run(lines: list[str], repeated: set[tuple[bool, int, str]], *, bottom: bool) -> int:
    """How many of the lines, from the page's edge (``lines`` run from the foot up for the
    ``bottom`` edge), are furniture or blank: the blank lines around furniture go with it,
    so that the page joins the next one as if the break were a wrapped line. A line in
    the same place on other pages is furniture only right after the moment of printing
    (the page's title, where the printer put it on a line of its own)."""
    edge: list[tuple[int, str]] = []  # (index, line), the edge's lines with text
    for index, line in enumerate(lines):
        if line.strip():
            edge.append((index, line))
            if len(edge) == _EDGE_LINES:
                break
    count = 0
    for place, (index, line) in enumerate(edge):
        if not _is_furniture(line):
            # The line before this one in reading order: further up for the bottom edge.
            previous = place + 1 if bottom else place - 1
            before = edge[previous][1] if 0 <= previous < len(edge) else ""
            if (bottom, place, " ".join(line.split())) not in repeated or not _printed_at(before):
                break
        count = index + 1
    return count


def _printed_at(line: str) -> bool:
    return bool(_PRINTED_AT.fullmatch(" ".join(line.split())))


def _is_furniture(line: str) -> bool:
    """Is ``line`` one that only a printer writes (a moment, an address, a page counter)?"""
    return len(line) <= _LONGEST_FURNITURE and bool(_FURNITURE.fullmatch(" ".join(line.split())))
