"""A file's bytes as text, whatever its encoding, line ends and spaces, or a reason why not
(vacancies/notices/reading.py)."""

import pytest
from small_notice import notice_text

from vacancies.notices import NoticeParseError, decode_notice, parse_notice, parse_notice_bytes

# --------------------------------------------------------------------- decoding and errors


def test_utf8_with_byte_order_mark_is_read():
    data = "\ufeff".encode() + notice_text().encode("utf-8")
    assert parse_notice_bytes(data).title.fr == "Titre en français"


def test_windows_1252_text_is_read():
    data = notice_text().encode("cp1252")
    notice = parse_notice_bytes(data)
    assert notice.title.fr == "Titre en français"
    assert [s.heading for s in notice.sections.fr] == ["RÉSUMÉ", "CONTRAT"]


def test_windows_line_endings_and_unusual_spaces_are_normalised():
    text = (
        notice_text()
        .replace("\n", "\r\n")
        .replace("Primary Location: ", "Primary\u00a0Location:\u202f")
    )
    notice = parse_notice(text)
    assert notice.primary_location.country == "Belgium"
    assert all("\r" not in s.text for s in notice.sections.en)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"Dear colleagues,\n\nThe canteen is closed on Friday.\n", "not a vacancy notice"),
        (b"Analyst-123456\n\nApplication Deadline: whenever\n", "deadline"),
        (b"Analyst-123456\n\nSalary (Pay Basis): negotiable\n", "salary"),
        (b"Analyst-123456\n\nPrimary Location: somewhere\n", "location"),
        (b"Primary Location: Belgium-Mons\nGrade: G12\n", "reference"),
    ],
)
def test_files_that_are_not_readable_notices_get_a_reason(data, reason):
    with pytest.raises(NoticeParseError, match=reason):
        parse_notice_bytes(data)


def test_decoding_rejects_bytes_that_are_not_text():
    with pytest.raises(NoticeParseError):
        decode_notice(b"\x00\x01\x02")


def test_page_breaks_and_a_stray_end_of_file_mark_are_harmless():
    text = notice_text().replace("The post holder does things.", "The post holder\fdoes things.")
    notice = parse_notice(text + "\x1a")
    assert notice.sections.en[0].text == "The post holder does things."


def test_text_full_of_control_characters_is_refused():
    with pytest.raises(NoticeParseError, match="control characters"):
        parse_notice(notice_text() + "\x01\x02\x03\x04" * 200)
