"""Notice files as text: the one door every file comes in by, whoever brings it (the admin's
upload, ``import_notices``, ``parse_notice``, ``generate_vacancies``), with the same limits
and the same reasons for refusing one.

Pure Python like the parser: no ORM, no Django settings.
"""

from .parsing import NoticeParseError, decode_notice
from .pdf_text import text_from_pdf

# Notice files are text (.txt) or PDF (.pdf); a PDF is known by its first bytes too.
NOTICE_SUFFIXES = (".txt", ".pdf")
# PDF notices of a few pages weigh a few hundred kilobytes; text ones, tens.
NOTICE_MAX_BYTES = 5_000_000


def notice_text_from_file(name: str, data: bytes) -> str:
    """The text of the notice file ``name`` holding ``data``: a PDF's text, or the file's
    text decoded. Raises ``NoticeParseError`` saying why it cannot be read."""
    if len(data) > NOTICE_MAX_BYTES:
        raise NoticeParseError(
            f"the file is {len(data) / 1e6:.1f} MB, more than the "
            f"{NOTICE_MAX_BYTES / 1e6:.0f} MB a notice may be"
        )
    if data.startswith(b"%PDF-") or name.lower().endswith(".pdf"):
        return text_from_pdf(data)
    return decode_notice(data)


def printable_name(name: str) -> str:
    """A file's name as it can be shown and stored: no control characters, 255 at most."""
    return "".join(c for c in name if c.isprintable())[:255] or "?"
