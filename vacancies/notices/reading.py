"""A notice file's bytes into the lines of its text: the one door every file comes in by,
whoever brings it (the admin's upload, ``import_notices``, ``parse_notice``,
``generate_vacancies``), with the same limits and the same reasons for refusing one.
"""

import re

from .errors import NoticeParseError, gettext_noop
from .pdf import text_from_pdf

# Notice files are text (.txt) or PDF (.pdf); a PDF is known by its first bytes too.
NOTICE_SUFFIXES = (".txt", ".pdf")
# PDF notices of a few pages weigh a few hundred kilobytes; text ones, tens.
NOTICE_MAX_BYTES = 5_000_000


def notice_text_from_file(name: str, data: bytes) -> str:
    """The text of the notice file ``name`` holding ``data``: a PDF's text, or the file's
    text decoded. Raises ``NoticeParseError`` saying why it cannot be read."""
    if len(data) > NOTICE_MAX_BYTES:
        raise NoticeParseError(
            gettext_noop("the file is %(size).1f MB, more than the %(limit)d MB a notice may be"),
            size=len(data) / 1e6,
            limit=NOTICE_MAX_BYTES // 1_000_000,
        )
    if data.startswith(b"%PDF-") or name.lower().endswith(".pdf"):
        return text_from_pdf(data)
    return decode_notice(data)


def printable_name(name: str) -> str:
    """A file's name as it can be shown and stored: no control characters, 255 at most."""
    return "".join(c for c in name if c.isprintable())[:255] or "?"


_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_notice(data: bytes) -> str:
    """Turn a file's bytes into text: UTF-8 (with or without BOM), else Windows-1252."""
    if not data.strip():
        raise NoticeParseError(gettext_noop("the file is empty"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise NoticeParseError(gettext_noop("the file is not readable text")) from None
    if b"\x00" in data:
        raise NoticeParseError(gettext_noop("the file is binary, not text"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise NoticeParseError(
            gettext_noop("the file is neither UTF-8 nor Windows-1252 text")
        ) from None


def normalise_text(text: str) -> str:
    """Unify line endings and the many kinds of space that PDF and Word produce."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text)


# A notice runs to a few hundred lines, a long one printed to PDF to a few thousand.
MAX_LINES = 20_000


def notice_lines(text: str) -> list[str]:
    """The lines of a notice's text, its spaces and line ends unified; raises
    ``NoticeParseError`` for a text that cannot be one notice."""
    text = normalise_text(text)
    line_count = text.count("\n") + 1
    if line_count > MAX_LINES:
        raise NoticeParseError(
            gettext_noop(
                "the text has %(count)s lines, more than the %(limit)s of the longest notice: "
                "it is not one notice"
            ),
            count=line_count,
            limit=MAX_LINES,
        )
    controls = len(_CONTROL.findall(text))
    if controls > max(3, len(text) // 100):
        raise NoticeParseError(
            gettext_noop("the file is full of control characters: it is not a text notice")
        )
    if controls:
        text = _CONTROL.sub("", text)  # a stray one, such as a DOS end-of-file mark
    lines = text.split("\n")
    if not any(line.strip() for line in lines):
        raise NoticeParseError(gettext_noop("the file is empty"))
    return lines
