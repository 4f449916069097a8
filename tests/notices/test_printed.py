"""Text read back from a printed notice reads as the notice: the printer's headers and
footers go, a paragraph cut by a page break is one paragraph, ligatures are plain letters,
a wrapped title or sentence is read whole; and text that was never printed is left alone."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vacancies.notices import NoticeParseError, parse_notice
from vacancies.notices.pdf import _Layout, _page_text, _PrintedLine
from vacancies.notices.printed import without_page_furniture
from vacancies.notices.reading import MAX_LINES, fold_compatibility, notice_lines

HEADER = "12/1/26, 8:21 PM Vacancy notice"


def footer(page, pages=3):
    return f"http://careers.example.org/careersection/notice/ps001.html {page}/{pages}"


def printed(*pages):
    """Pages of body lines, printed as a browser prints them: its header and footer after
    each page's text, a form feed after each page."""
    return "".join(
        "\n".join([*lines, HEADER, footer(number, len(pages))]) + "\n\f"
        for number, lines in enumerate(pages, start=1)
    )


# ------------------------------------------------------------------------ page furniture


def test_the_browsers_header_and_footer_lines_are_dropped_on_every_page():
    text = printed(["First page text"], ["Second page text"], ["Third page text"])
    assert without_page_furniture(text).splitlines() == [
        "First page text",
        "Second page text",
        "Third page text",
    ]


@pytest.mark.parametrize(
    "furniture",
    [
        "12/1/26, 8:21 PM",
        "01/12/2026 20:21 Vacancy notice",
        "2026-12-01 20:21",
        "Vacancy notice 01.12.26, 20:21",
        "http://careers.example.org/notice.html",
        "file:///home/hr/notice.html 2/8",
        "www.example.org/notice 2/8",
        "Page 2 of 8",
        "Page 2 sur 8",
        "2/8",
        "- 2 -",
        "17",
    ],
)
def test_each_kind_of_printed_header_or_footer_line_is_recognised(furniture):
    text = f"end of page one\n{furniture}\n\fstart of page two\n{furniture}\n\f"
    assert without_page_furniture(text).splitlines() == ["end of page one", "start of page two"]


def test_a_title_printed_on_its_own_line_beside_the_date_is_dropped_with_it():
    pages = [
        ["12/1/26, 8:21 PM", "Programme Assistant (CAP)", f"Body line {n}", footer(n, 4)]
        for n in range(1, 5)
    ]
    text = "".join("\n".join(lines) + "\n\f" for lines in pages)
    assert without_page_furniture(text).splitlines() == [f"Body line {n}" for n in range(1, 5)]


def test_a_line_of_the_notice_repeated_at_the_foot_of_pages_is_kept():
    """Every paragraph of this notice ends alike, so pages end alike: that is still text."""
    pages = [
        [f"Paragraph {n} runs to the end of the", "Organization and its partners."]
        for n in range(4)
    ]
    text = printed(*pages)
    assert without_page_furniture(text).count("Organization and its partners.") == 4


def test_lines_that_look_like_furniture_inside_a_page_are_the_notices():
    body = [
        "Deadline:",
        "05/03/26, 11:59 PM",
        "See www.nato.int/recruitment",
        "and",
        "more",
        "text",
    ]
    text = printed(body + ["last"], ["next page"])
    kept = without_page_furniture(text).split("\n")
    assert kept[:3] == ["Deadline:", "05/03/26, 11:59 PM", "See www.nato.int/recruitment"]


def test_pages_are_known_by_their_footer_in_text_pasted_without_form_feeds():
    text = printed(["a sentence cut by"], ["the page break."]).replace("\f", "")
    assert without_page_furniture(text) == "a sentence cut by\nthe page break.\n"


def test_text_that_was_never_printed_is_left_as_it_is():
    text = "Title-260063\n\n12/1/26, 8:21 PM\nhttp://example.org\n1/2\n"
    assert without_page_furniture(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="\f"), max_size=400))
def test_text_without_page_breaks_or_page_footers_is_unchanged(text):
    if "://" in text or "www." in text:
        return  # a footer could be drawn: that is the other test's business
    assert without_page_furniture(text) == text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.text(alphabet="ab 012/:.,-PMhtpw", max_size=30), min_size=7, max_size=12),
        min_size=2,
        max_size=5,
    )
)
def test_no_line_away_from_a_pages_edges_is_ever_dropped(pages):
    text = "".join("\n".join(page) + "\n\f" for page in pages)
    kept = iter(without_page_furniture(text).split("\n"))
    for page in pages:
        lines = [line for line in page if line.strip()]
        for line in lines[3:-3]:
            assert line in kept  # in order: the iterator moves past what it has checked


def test_a_paragraph_cut_by_a_page_break_is_one_paragraph_again():
    text = printed(
        ["1. SUMMARY", "Appointment will be subject to receipt of a security clearance (provided"],
        ["by the national Authorities of the selected candidate).", "2. CONTRACT", "Text."],
    )
    notice = parse_notice("Post title-260063\nGrade: G15\nDescription:\n" + text)
    assert notice.sections.en[0].text == (
        "Appointment will be subject to receipt of a security clearance (provided by the "
        "national Authorities of the selected candidate)."
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=st.text(alphabet="0123456789/:., -PMAMhttpwww", min_size=1, max_size=300))
def test_pages_of_furniture_like_lines_are_read_in_linear_time(line):
    text = f"{line}\n{line}\n{line}\n\f" * 4_000
    started = time.perf_counter()
    without_page_furniture(text)
    assert time.perf_counter() - started < 2


def test_page_breaks_count_as_lines_before_anything_reads_them():
    with pytest.raises(NoticeParseError, match="lines, more than"):
        notice_lines("\f" * (MAX_LINES + 1))


# --------------------------------------------------------------------- characters and flags


@pytest.mark.parametrize(
    "printed_form, plain",
    [
        ("Staﬀ", "Staff"),
        ("ﬁle", "file"),
        ("Oﬃce", "Office"),
        ("eﬄuent", "effluent"),
        ("ﬂow", "flow"),
        ("Ĳssel", "IJssel"),
        ("ＮＡＴＯ", "NATO"),
        ("𝐁old", "Bold"),
    ],
)
def test_ligatures_and_letter_forms_are_plain_letters(printed_form, plain):
    assert fold_compatibility(printed_form) == plain


@pytest.mark.parametrize("kept", ["50 m²", "1ᵉʳ janvier", "nº 5", "½ day", "①", "Café", "…"])
def test_characters_whose_plain_form_means_something_else_are_kept(kept):
    assert fold_compatibility(kept) == kept


def test_a_notice_spelt_with_ligatures_is_read_with_plain_letters():
    notice = parse_notice("Chief of Staﬀ Oﬃce-260063\nNATO Body: NATO International Staﬀ\n")
    assert notice.title.en == "Chief of Staff Office"
    assert notice.organisation.en == "NATO International Staff"


def test_a_flag_sentence_wrapped_across_lines_is_read_whole():
    notice = parse_notice(
        "Post title-260063\nGrade: G15\nDescription:\nFor the time being Kyiv is a post where "
        "family members will not be\nrelocated with the incumbent.\n"
    )
    assert notice.unaccompanied


def test_a_risk_rating_wrapped_across_lines_is_read_whole():
    notice = parse_notice(
        "Post title-260063\nGrade: G15\nDescription:\nThis post is rated as an extreme\n"
        "risk location by the Office of Security.\n"
    )
    assert notice.risk_level == "extreme"


# ------------------------------------------------------------------------- wrapped titles


@pytest.mark.parametrize(
    "title_lines",
    [
        ["Programme Management Assistant for the Comprehensive Assistance Package", "(240655)"],
        ["Assistant(e) Gestion du programme CAP (ensemble complet de mesures en faveur de",
         "l'Ukraine) (240655)"],
        ["Head, Comprehensive Assistance Package", "Section-240655"],
    ],
)  # fmt: skip
def test_a_title_wrapped_onto_a_second_line_is_read_whole(title_lines):
    text = "VACANCY NOTIFICATION\n" + "\n".join(title_lines) + "\nGrade: G8\n"
    notice = parse_notice(text)
    assert notice.reference == "240655"
    whole = " ".join(title_lines)
    assert notice.title.en == whole[: whole.rindex("240655")].rstrip(" -(")


@pytest.mark.parametrize(
    "french_lines",
    [
        ["Assistant(e) Gestion du programme CAP (ensemble complet de mesures en faveur de",
         "l'Ukraine) (240655)"],
        ["Assistant(e) Gestion du programme CAP", "(240655)"],
    ],
)  # fmt: skip
def test_a_french_title_wrapped_onto_a_second_line_is_read_whole(french_lines):
    text = (
        "Programme Assistant (240655)\nGrade: G8\nDescription:\n"
        + "An English paragraph.\n\n" * 60  # the French title far below the first lines
        + "\n".join(french_lines)
        + "\nNote importante : le lieu est considéré comme un environnement à très haut\n"
        + "risque.\nEmplacement principal : Belgique-Bruxelles\nGrade : G8\n"
    )
    whole = " ".join(french_lines)
    assert parse_notice(text).title.fr == whole[: whole.rindex("(240655)")].rstrip()


def test_a_sentence_above_a_french_title_is_not_taken_into_it():
    notice = parse_notice(
        "Post title-260063\nGrade: G15\nDescription:\nThe last English sentence.\n"
        "Titre du poste-260063\nGrade : G15\n"
    )
    assert notice.title.fr == "Titre du poste"


# ------------------------------------------------------- where a printed page's text stops


def _page(*lines):
    """Printed lines from the top (height 700) down, one 13-point step apart: (text, how
    far across the line ends)."""
    return [
        _PrintedLine(pieces=[text], height=700 - 13 * number, right=right)
        for number, (text, right) in enumerate(lines)
    ]


FULL = ("The Office of the Chief of Staff provides efficient support to the staff of the", 540.0)


@pytest.mark.parametrize(
    "last, ends_the_paragraph",
    [
        (("management and the effective coordination of travel with its partners.", 360.9), True),
        (("management and the effective coordination of travel with its partners.", 538.0), False),
        (("management and the effective coordination of travel with its partners,", 360.9), False),
    ],
)
def test_a_paragraph_ending_on_a_pages_last_line_is_told_by_where_the_line_ends(
    last, ends_the_paragraph
):
    pages = [_page(FULL, FULL, last), _page(FULL, FULL, FULL, FULL, last)]
    layout = _Layout.of(pages)
    text = _page_text(pages[1], layout)
    assert text.endswith("partners.\n\n" if ends_the_paragraph else "\n") and (
        text.endswith("\n\n") == ends_the_paragraph
    )
