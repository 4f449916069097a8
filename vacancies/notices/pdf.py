"""The text of a PDF notice, read in a separate process with limits on time and memory.

A PDF is a program of sorts: a few hundred kilobytes can unpack into gigabytes, or declare
hundreds of thousands of pages. So the reading happens in a child process (``python -m
vacancies.notices.pdf``) that limits its own memory and processor time, and that this process
stops waiting for after ``PDF_SECONDS``. Whatever goes wrong there (a broken file, a
password, a decompression bomb, a page tree without end) comes back as a
``NoticeParseError`` with a sentence for the person who sent the file.

Like the parser, this module is pure Python: no ORM, no Django settings.
"""

import io
import json
import resource
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from .errors import NoticeParseError, gettext_noop

# A notice is a few pages; printed from a browser, a long one runs to a dozen.
MAX_PDF_PAGES = 50
PDF_SECONDS = 10
PDF_MEMORY_BYTES = 1024 * 1024 * 1024  # the reading process's whole address space
# The folder that holds the vacancies package: the child imports it from there.
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def text_from_pdf(data: bytes) -> str:
    """The text of a PDF notice, each page ended by a form feed (as ``pdftotext`` ends
    them), so that what the printer put at the pages' edges is known and taken away.

    Raises ``NoticeParseError`` saying why a PDF cannot be read.
    """
    if not data.startswith(b"%PDF-"):
        raise NoticeParseError(
            gettext_noop("the file is not a PDF (it does not start with %(start)s)"), start="%PDF-"
        )
    try:
        finished = subprocess.run(
            [sys.executable, "-m", __name__],
            input=data,
            capture_output=True,
            timeout=PDF_SECONDS,
            cwd=_PACKAGE_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise NoticeParseError(
            gettext_noop(
                "reading the PDF took longer than %(seconds)s seconds: it is not a notice this "
                "site can read"
            ),
            seconds=f"{PDF_SECONDS:g}",
        ) from None
    try:
        answer = json.loads(finished.stdout)
    except ValueError:
        # Killed for its memory or processor time, or crashed: no answer at all.
        raise NoticeParseError(
            gettext_noop(
                "the PDF could not be read within the memory and time a notice may take (it "
                "may unpack into far more than it weighs)"
            )
        ) from None
    if "error" in answer:
        raise NoticeParseError(answer["error"]["template"], **answer["error"]["values"])
    return str(answer["text"])


def read_in_this_process(data: bytes) -> str:
    """What the child process does: the PDF's text, or NoticeParseError. Without the child's
    limits on memory and time, so only for a PDF known to be harmless (a benchmark's)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise NoticeParseError(gettext_noop("the PDF is protected by a password"))
    root: Any = reader.trailer["/Root"]  # a dictionary, as pypdf reads it
    declared = root["/Pages"].get("/Count", 0)
    if not isinstance(declared, int) or declared > MAX_PDF_PAGES:
        raise _too_many_pages(declared)
    if len(reader.pages) > MAX_PDF_PAGES:  # the page tree may hold more than it declares
        raise _too_many_pages(len(reader.pages))
    printed = [_page_lines(page) for page in reader.pages]
    layout = _Layout.of(printed)
    pages = [_page_text(lines, layout) for lines in printed]
    if not any(page.strip() for page in pages):
        raise NoticeParseError(
            gettext_noop("the PDF holds no text (a scanned image needs OCR first)")
        )
    return "".join(f"{page}\f" for page in pages)


@dataclass
class _PrintedLine:
    """One line as it stands on the page."""

    pieces: list[str] = field(default_factory=list)
    height: float | None = None  # of its first letters, from the page's foot
    wraps: bool = False  # it ends where the printer wrapped it, at the right margin
    right: float = 0.0  # how far across its last piece starts (a browser ends each run
    # of text with an empty piece: then, where the line ends)

    @property
    def text(self) -> str:
        return "".join(self.pieces)


def _page_lines(page: Any) -> list[_PrintedLine]:
    """The page's lines as pypdf reads them, with where each stands. A browser that
    wraps a line at the right margin leaves the space it wrapped at there, on its own:
    that is how a wrapped line is told from one that ends where the text ended it."""
    right_half = float(page.mediabox.width) / 2
    lines = [_PrintedLine()]

    def visit(text: str, cm: list[float], tm: list[float], *_font: Any) -> None:
        height = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        across = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        for number, piece in enumerate(text.split("\n")):
            if number:
                lines.append(_PrintedLine())
            line = lines[-1]
            line.right = max(line.right, across)
            if not piece:
                continue
            line.pieces.append(piece)
            line.wraps = not piece.strip() and across > right_half
            if line.height is None and piece.strip():
                line.height = height

    page.extract_text(visitor_text=visit)
    return lines


def _line_step(pages: list[list[_PrintedLine]]) -> float | None:
    """The distance from one line to the next within a paragraph: the smallest that
    recurs (a notice typed double-spaced has lines one or two steps apart)."""
    steps: Counter[int] = Counter()
    for lines in pages:
        heights = [line.height for line in lines if line.height is not None]
        steps.update(round(above - below) for above, below in pairwise(heights) if above > below)
    recurring = [step for step, count in steps.items() if count >= 3]
    return min(recurring) if recurring else None


@dataclass(frozen=True)
class _Layout:
    """What the pages have in common: where a page's text starts and ends, the distance
    from one line to the next within a paragraph, and how many characters a full line
    holds."""

    line_step: float
    top: float
    bottom: float
    full_line: float  # how far across a wrapped line ends, as a rule

    @classmethod
    def of(cls, pages: list[list[_PrintedLine]]) -> "_Layout | None":
        line_step = _line_step(pages)
        edges = [_text_edges(lines) for lines in pages]
        tops = Counter(round(top) for top, _bottom in filter(None, edges))
        bottoms = [bottom for _top, bottom in filter(None, edges)]
        if line_step is None or not tops:
            return None
        top = float(tops.most_common(1)[0][0])
        return cls(line_step, top, min(bottoms), _full_line(pages, line_step))

    def ends_a_paragraph(self, line: _PrintedLine) -> bool:
        """Whether a page's last line ends its paragraph: there was room below it for
        another, or it stops well short of a full line after a sentence's end (a line
        the printer wrapped is full)."""
        if line.wraps:
            return False
        if (line.height or 0) > self.bottom + self.line_step / 2:
            return True
        sentence_ends = line.text.rstrip().endswith((".", "!", "?", ":"))
        return sentence_ends and line.right < self.full_line * 0.8


def _full_line(pages: list[list[_PrintedLine]], line_step: float) -> float:
    """How far across a full line ends: the middle of where the lines end that a
    paragraph's next line follows one step below."""
    ends = []
    for lines in pages:
        standing = [line for line in lines if line.height is not None]
        for line, below in pairwise(standing):
            if abs((line.height or 0) - line_step - (below.height or 0)) < line_step / 2:
                ends.append(line.right)
    return sorted(ends)[len(ends) // 2] if ends else 0.0


def _text_edges(lines: list[_PrintedLine]) -> tuple[float, float] | None:
    """The heights of the page's first line and of its last before the printer's own."""
    first = next((line.height for line in lines if line.height is not None), None)
    last = _last_text_line(lines)
    if first is None or last is None or last.height is None:
        return None
    return first, last.height


def _last_text_line(lines: list[_PrintedLine]) -> _PrintedLine | None:
    """The page's last line of text: the printer's own lines follow it a step up the page
    (the header, then the footer), or there are none."""
    standing = [line for line in lines if line.height is not None]
    for line, after in pairwise(standing):
        if (after.height or 0) > (line.height or 0):
            return line
    return standing[-1] if standing else None


def _page_text(lines: list[_PrintedLine], layout: "_Layout | None") -> str:
    """The page's text as it was written: the lines the printer wrapped joined again, and
    a blank line where the page leaves a gap (between paragraphs, around a heading, above
    a page's first line or below its last where there was room for one more): a printed
    page says where a paragraph ends only by that gap."""
    if layout is None:
        return "\n".join(line.text for line in lines) + "\n"
    line_step = layout.line_step
    last = _last_text_line(lines)
    text: list[str] = []
    above: float | None = layout.top + line_step
    below = _heights_below(lines)
    for line, next_height in zip(lines, below, strict=True):
        if line.height is not None:
            # Only a step down the page: a step up is to what the printer put at the top.
            if above is not None and line.height < above - line_step * 1.5:
                text.append("\n")
            above = line.height
        text.append(line.text)
        one_step_below = (
            line.height is not None
            and next_height is not None
            and abs(line.height - line_step - next_height) < line_step / 2
        )
        if not (line.wraps and one_step_below):
            text.append("\n")  # the line ends here, or carries on at the next page's top
        if line is last and layout.ends_a_paragraph(line):
            text.append("\n")  # the page's text ended with a paragraph
    return "".join(text)


def _heights_below(lines: list[_PrintedLine]) -> list[float | None]:
    """For each line, the height of the next line with text (None after the last)."""
    below: list[float | None] = []
    height = None
    for line in reversed(lines):
        below.append(height)
        if line.height is not None:
            height = line.height
    return below[::-1]


def _too_many_pages(count: object) -> NoticeParseError:
    if not isinstance(count, int):
        return NoticeParseError(gettext_noop("the PDF does not say how many pages it has"))
    return NoticeParseError(
        gettext_noop("the PDF has %(count)s pages, more than the %(limit)d a notice may have"),
        count=count,
        limit=MAX_PDF_PAGES,
    )


def _as_json(error: NoticeParseError) -> dict[str, Any]:
    return {"template": error.message.template, "values": dict(error.message.values)}


def _main() -> None:
    memory = PDF_MEMORY_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (PDF_SECONDS, PDF_SECONDS + 1))
    data = sys.stdin.buffer.read()
    from pypdf.errors import LimitReachedError

    answer: dict[str, Any]
    try:
        answer = {"text": read_in_this_process(data)}
    except NoticeParseError as error:
        answer = {"error": _as_json(error)}
    except LimitReachedError as error:
        # pypdf's own guards: streams that unpack into gigabytes, page trees without end.
        refused = NoticeParseError(
            gettext_noop("the PDF holds far more than any notice (%(reason)s)"), reason=str(error)
        )
        answer = {"error": _as_json(refused)}
    except Exception as error:  # noqa: BLE001 (whatever pypdf raises, the file is unreadable)
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        refused = NoticeParseError(
            gettext_noop("the PDF cannot be read (%(reason)s)"),
            reason=reason or type(error).__name__,
        )
        answer = {"error": _as_json(refused)}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    _main()
