"""A notice file's bytes into the lines of its text: the one door every file comes in by,
whoever brings it (the admin's upload, ``import_notices``, ``parse_notice``,
``generate_vacancies``), with the same limits and the same reasons for refusing one.
"""

import re
import unicodedata

from .errors import NoticeParseError, gettext_noop
from .pdf import text_from_pdf
from .printed import without_page_furniture

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
    """Unify line endings, the many kinds of space that PDF and Word produce, and the
    characters that only look like letters (see ``fold_compatibility``); take away what
    printing to PDF put on each page."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = without_page_furniture(text).replace("\f", "\n")
    text = _INVISIBLE.sub("", text)
    return fold_compatibility(_SPACES.sub(" ", text))


# Where the characters that stand for plain letters are: ligatures (Ĳ, ŉ, ſ, Ǆ…, ﬁ, ﬀ, ﬃ…),
# letter-like symbols, full- and half-width forms, mathematical letters.
_COMPATIBILITY_RANGES = (
    (0x0132, 0x0133), (0x013F, 0x0140), (0x0149, 0x0149), (0x017F, 0x017F),
    (0x01C4, 0x01CC), (0x01F1, 0x01F3), (0x2100, 0x214F), (0xFB00, 0xFB4F),
    (0xFF00, 0xFFEF), (0x1D400, 0x1D7FF),
)  # fmt: skip
# The kinds of compatibility character that are the same letter in another form. Others
# are not: a superscript (m², 1ᵉʳ, nº), a fraction (½) or a circled number means
# something its plain form does not, and NFKC would change it.
_SAME_LETTER = ("<font>", "<wide>", "<narrow>")


def _plain_form(character: str) -> str | None:
    kind = unicodedata.decomposition(character).split(" ", 1)[0]
    plain = unicodedata.normalize("NFKC", character)
    if kind in _SAME_LETTER or (kind == "<compat>" and plain.isalpha()):
        return plain
    return None


_PLAIN_FORMS = {
    code: plain
    for first, last in _COMPATIBILITY_RANGES
    for code in range(first, last + 1)
    if (plain := _plain_form(chr(code))) is not None
}


_ANY_COMPATIBILITY = re.compile(
    "[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in _COMPATIBILITY_RANGES) + "]"
)


def fold_compatibility(text: str) -> str:
    """``text`` with ligatures and other compatibility letters written plainly ('Staﬀ' is
    'Staff'): NFKC, but only where it keeps the meaning, so that search and comparison
    find the words a PDF spelt with them."""
    # Looking for one is ten times faster than translating a text that holds none.
    return text.translate(_PLAIN_FORMS) if _ANY_COMPATIBILITY.search(text) else text


# A notice runs to a few hundred lines, a long one printed to PDF to a few thousand.
MAX_LINES = 20_000


def notice_lines(text: str) -> list[str]:
    """The lines of a notice's text, its spaces and line ends unified; raises
    ``NoticeParseError`` for a text that cannot be one notice."""
    # Counted before anything else reads the lines (a page break is a line break too).
    line_count = sum(map(text.count, ("\n", "\r", "\f"))) - text.count("\r\n") + 1
    if line_count > MAX_LINES:
        raise NoticeParseError(
            gettext_noop(
                "the text has %(count)s lines, more than the %(limit)s of the longest notice: "
                "it is not one notice"
            ),
            count=line_count,
            limit=MAX_LINES,
        )
    text = normalise_text(text)
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
