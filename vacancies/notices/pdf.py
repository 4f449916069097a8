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

from .errors import NoticeParseError

# A notice is a few pages; printed from a browser, a long one runs to a dozen.
MAX_PDF_PAGES = 50
PDF_SECONDS = 10
PDF_MEMORY_BYTES = 1024 * 1024 * 1024  # the reading process's whole address space
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def text_from_pdf(data: bytes) -> str:
    """The text of a PDF notice, page after page (a form feed between pages, as text
    extracted by other tools has, so that page numbers are recognised and dropped).

    Raises ``NoticeParseError`` saying why a PDF cannot be read.
    """
    if not data.startswith(b"%PDF-"):
        raise NoticeParseError("the file is not a PDF (it does not start with %PDF-)")
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
            f"reading the PDF took longer than {PDF_SECONDS:g} seconds: it is not a notice "
            "this site can read"
        ) from None
    try:
        answer = json.loads(finished.stdout)
    except ValueError:
        # Killed for its memory or processor time, or crashed: no answer at all.
        raise NoticeParseError(
            "the PDF could not be read within the memory and time a notice may take "
            "(it may unpack into far more than it weighs)"
        ) from None
    if "error" in answer:
        raise NoticeParseError(answer["error"])
    return str(answer["text"])


def _read(data: bytes) -> str:
    """In the child process: the text, or NoticeParseError."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise NoticeParseError("the PDF is protected by a password")
    root: Any = reader.trailer["/Root"]  # a dictionary, as pypdf reads it
    declared = root["/Pages"].get("/Count", 0)
    if not isinstance(declared, int) or declared > MAX_PDF_PAGES:
        raise NoticeParseError(_too_many_pages(declared))
    if len(reader.pages) > MAX_PDF_PAGES:  # the page tree may hold more than it declares
        raise NoticeParseError(_too_many_pages(len(reader.pages)))
    pages = [page.extract_text() or "" for page in reader.pages]
    if not any(page.strip() for page in pages):
        raise NoticeParseError("the PDF holds no text (a scanned image needs OCR first)")
    return "\n\f".join(pages)


def _too_many_pages(count: object) -> str:
    shown = f"{count:,}" if isinstance(count, int) else "an unreadable number of"
    return f"the PDF has {shown} pages, more than the {MAX_PDF_PAGES} a notice may have"


def _main() -> None:
    memory = PDF_MEMORY_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (PDF_SECONDS, PDF_SECONDS + 1))
    data = sys.stdin.buffer.read()
    from pypdf.errors import LimitReachedError

    try:
        answer = {"text": _read(data)}
    except NoticeParseError as error:
        answer = {"error": str(error)}
    except LimitReachedError as error:
        # pypdf's own guards: streams that unpack into gigabytes, page trees without end.
        answer = {"error": f"the PDF holds far more than any notice ({error})"}
    except Exception as error:  # noqa: BLE001 (whatever pypdf raises, the file is unreadable)
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        answer = {"error": f"the PDF cannot be read ({reason or type(error).__name__})"}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    _main()
