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
    """The text of a PDF notice, page after page (a form feed between pages, as text
    extracted by other tools has, so that page numbers are recognised and dropped).

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


def _read(data: bytes) -> str:
    """In the child process: the text, or NoticeParseError."""
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
    pages = [page.extract_text() or "" for page in reader.pages]
    if not any(page.strip() for page in pages):
        raise NoticeParseError(
            gettext_noop("the PDF holds no text (a scanned image needs OCR first)")
        )
    return "\n\f".join(pages)


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
        answer = {"text": _read(data)}
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
