"""Reading vacancy notices: a notice file or text in, a typed, bilingual ``Notice`` out.

A notice is the English text followed by the French text. Each half starts with a title
line carrying the vacancy reference (``Title-260063``, ``Title (240655)``), then header
fields (``Label: value``, in any order, colons optional), then a body of sections. Notices
arrive as files (text or PDF) or as pasted text; the body is reflowed so that hard-wrapped
lines, page numbers and dumped link URLs do not survive.

Pure Python: no ORM, no Django settings. The modules, in the order a notice goes through
them: ``reading`` (a file's bytes into lines; ``pdf`` for PDF files, ``printed`` for what
printing put on the pages), ``parse`` (the halves),
``header`` (title line and labelled fields), ``values`` (deadline, salary, grade, places),
``body`` (sections and reflow), ``flags`` (risk level and the post's conditions), with
``results`` (what comes out), ``errors`` and ``budget`` (the time one notice may take).
"""

from .errors import NoticeParseError
from .parse import DEFAULT_TIME_ZONE, parse_notice, parse_notice_bytes
from .reading import (
    MAX_LINES,
    NOTICE_MAX_BYTES,
    NOTICE_SUFFIXES,
    decode_notice,
    notice_text_from_file,
    printable_name,
)
from .results import Bilingual, Grade, Location, Notice, NoticeHalf, Salary, Section

__all__ = [
    "DEFAULT_TIME_ZONE",
    "MAX_LINES",
    "NOTICE_MAX_BYTES",
    "NOTICE_SUFFIXES",
    "Bilingual",
    "Grade",
    "Location",
    "Notice",
    "NoticeHalf",
    "NoticeParseError",
    "Salary",
    "Section",
    "decode_notice",
    "notice_text_from_file",
    "parse_notice",
    "parse_notice_bytes",
    "printable_name",
]
