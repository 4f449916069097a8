"""Every notice file comes in by one door, text or PDF: a file that cannot be read, however
it was made to hurt, is refused quickly with a reason a person understands."""

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdf_files import (
    decompression_bomb,
    deep_page_tree,
    lying_page_count,
    many_pages,
    notice_pdf,
    password_protected,
)

from vacancies.notices import (
    NOTICE_MAX_BYTES,
    NoticeParseError,
    notice_text_from_file,
    parse_notice,
    printable_name,
)
from vacancies.notices import pdf as pdf_text

NOTICE = Path(__file__).resolve().parents[2] / "fixtures" / "notices" / "001_fdb992f5b67e8e86.txt"


def test_a_text_file_is_decoded():
    text = notice_text_from_file("notice.txt", NOTICE.read_bytes())
    assert parse_notice(text).reference == "260066"


@pytest.mark.parametrize("name", ["notice.pdf", "NOTICE.PDF", "notice.txt"])
def test_a_pdf_is_read_by_its_name_or_its_first_bytes(name):
    text = notice_text_from_file(name, notice_pdf(NOTICE.read_text(encoding="utf-8")))
    assert parse_notice(text).title.fr == "Gestionnaire de projet CAP"


def test_a_file_named_pdf_that_is_not_one_is_refused():
    with pytest.raises(NoticeParseError, match="not a PDF"):
        notice_text_from_file("notice.pdf", NOTICE.read_bytes())


def test_files_over_the_size_limit_are_refused_before_reading():
    with pytest.raises(NoticeParseError, match="more than the 5 MB"):
        notice_text_from_file("big.txt", b"a" * (NOTICE_MAX_BYTES + 1))


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: many_pages(98_000), "has 98,000 pages, more than the 50"),
        (lambda: many_pages(51), "has 51 pages, more than the 50"),
        (lambda: lying_page_count(780_000), "far more than any notice"),
        (lambda: deep_page_tree(20), "has 1,048,576 pages, more than the 50"),
        (lambda: decompression_bomb(200), "far more than any notice|memory and time"),
        (password_protected, "protected by a password"),
        (lambda: b"%PDF-1.4\n" + b"\x00garbage" * 100, "cannot be read"),
        (lambda: many_pages(1), "holds no text"),
    ],
    ids=[
        "98,000 pages",
        "51 pages",
        "a page array of 780,000 entries",
        "a tree of a million pages",
        "200 MB unpacked",
        "a password",
        "broken",
        "no text",
    ],
)
def test_a_hostile_pdf_is_refused_quickly_with_its_reason(make, reason):
    data = make()
    start = time.perf_counter()
    with pytest.raises(NoticeParseError, match=reason):
        notice_text_from_file("notice.pdf", data)
    assert time.perf_counter() - start < pdf_text.PDF_SECONDS + 2


def test_a_pdf_still_being_read_after_the_time_limit_is_given_up(monkeypatch):
    monkeypatch.setattr(pdf_text, "PDF_SECONDS", 0.001)
    with pytest.raises(NoticeParseError, match="took longer than 0.001 seconds"):
        notice_text_from_file("notice.pdf", notice_pdf(NOTICE.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("name", "shown"),
    [("notice.txt", "notice.txt"), ("bad\x00name\n.txt", "badname.txt"), ("", "?")],
)
def test_file_names_are_kept_printable(name, shown):
    assert printable_name(name) == shown


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.floats(min_value=0, max_value=1),
    noise=st.binary(min_size=1, max_size=64),
    where=st.floats(min_value=0, max_value=1),
)
def test_a_damaged_pdf_is_read_or_refused_with_a_reason(cut, noise, where):
    data = notice_pdf(NOTICE.read_text(encoding="utf-8"))
    data = data[: max(8, int(len(data) * cut))]
    at = int(len(data) * where)
    data = data[:at] + noise + data[at:]
    try:
        text = notice_text_from_file("notice.pdf", data)
    except NoticeParseError as error:
        assert str(error).startswith("the ")
    else:
        assert isinstance(text, str)


@settings(max_examples=100, deadline=None)
@given(name=st.text(max_size=300), data=st.binary(max_size=300))
def test_any_file_is_read_or_refused_with_a_reason(name, data):
    try:
        notice_text_from_file(name, data)
    except NoticeParseError as error:
        assert str(error)
    assert printable_name(name).isprintable() and len(printable_name(name)) <= 255
