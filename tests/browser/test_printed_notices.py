"""Notices printed to PDF by Chromium, with its header and footer on every page, read as
their text: each way a printed page differs from the text (a wrapped title, a sentence
wrapped or cut by a page break, a list item at a page's foot, a ligature) on a notice the
test writes itself, so that the text the PDF must give back is known."""

import html
import re

import pytest

from vacancies.notices import notice_text_from_file, parse_notice

PARAGRAPH = (
    "The Office of the Chief of Staff provides efficient support to the staff of the "
    "Division in financial affairs, file management and the effective coordination of "
    "{topic} across the Organization and with its partners."
)
TOPICS = ["planning", "budgets", "security", "logistics", "training", "reporting", "travel"]


def half(title, labels, headings, note):
    """One language's half of a notice, as text: a paragraph or a bullet a line."""
    lines = ["VACANCY NOTIFICATION/ NOTIFICATION DE LA VACANCE DU POSTE", "", title, "", note, ""]
    lines += [f"{label}: {value}" for label, value in labels] + ["", "Description:", ""]
    for number, heading in enumerate(headings, start=1):
        lines += [f"{number}. {heading}", ""]
        for topic in TOPICS:
            lines += [PARAGRAPH.format(topic=topic), ""]
        lines += [
            f"- a bullet about {topic} that runs on for a while, as they do;" for topic in TOPICS
        ]
        lines += [""]
    return lines


def notice_text(title_en, title_fr):
    english = half(
        title_en,
        [
            ("Primary Location", "Ukraine-Kyiv"),
            ("NATO Body", "NATO International Staff (NATO IS)"),
            ("Application Deadline", "26-Feb-2026, 12:59:00 AM"),
            ("Grade", "NATO Grade G20"),
        ],
        ["SUMMARY", "QUALIFICATIONS AND EXPERIENCE", "MAIN ACCOUNTABILITIES", "CONTRACT"],
        "Important Note: this post is stationed in Kyiv, Ukraine, rated as an extreme risk "
        "location. For the time being Kyiv will remain an unaccompanied post and family "
        "members will not be relocated with the incumbent.",
    )
    french = half(
        title_fr,
        [("Emplacement principal", "Ukraine-Kyiv"), ("Date de retrait", "26-févr.-2026"),
         ("Grade", "NATO Grade G20")],
        ["RÉSUMÉ", "QUALIFICATIONS ET EXPÉRIENCE", "RESPONSABILITÉS PRINCIPALES", "CONTRAT"],
        "Note importante : le lieu d'affectation est considéré comme un environnement à très "
        "haut risque.",
    )  # fmt: skip
    return "\n".join(english + french) + "\n"


def as_html(text, *, preformatted=False, title_break=None):
    """The notice as the careers site shows it: a paragraph per block, its lines (a list's
    items, written with their dashes) kept apart; or, ``preformatted``, its lines as they
    are (as a text extracted from PDF prints)."""
    if preformatted:
        body = (
            f'<pre style="white-space: pre-wrap; font: 14px sans-serif">{html.escape(text)}</pre>'
        )
    else:
        blocks = []
        for block in text.split("\n\n"):
            lines = block.strip().split("\n")
            if lines[0]:
                blocks.append(f"<p>{'<br>'.join(html.escape(line) for line in lines)}</p>")
        body = "\n".join(blocks)
        if title_break:
            body = body.replace(html.escape(title_break), "<br>" + html.escape(title_break))
    return (
        f"<!doctype html><html><head><title>Vacancy notice</title></head><body>{body}</body></html>"
    )


@pytest.fixture
def print_to_pdf(browser):
    """Print a page to PDF as a candidate's browser does: Letter paper, margins wide enough
    for Chromium's own header (date, time, title) and footer (address, page/pages)."""

    def print_page(page_html):
        context = browser.new_context()
        page = context.new_page()
        page.route(
            "http://careers.example.org/**",
            lambda route: route.fulfill(body=page_html, content_type="text/html; charset=utf-8"),
        )
        page.goto("http://careers.example.org/careersection/notice/ps.html")
        pdf = page.pdf(
            format="Letter",
            display_header_footer=True,
            margin={"top": "0.5in", "bottom": "0.5in", "left": "0.4in", "right": "0.4in"},
        )
        context.close()
        return pdf

    return print_page


def read_printed(pdf):
    return notice_text_from_file("notice.pdf", pdf)


TITLE_EN = "Programme Management Assistant for the Comprehensive Assistance Package for Ukraine"
TITLE_FR = "Assistant(e) Gestion du programme (ensemble complet de mesures d'assistance)"


def test_a_printed_notice_reads_exactly_as_its_text(print_to_pdf):
    text = notice_text(f"{TITLE_EN} (CAP) (240655)", f"{TITLE_FR} (240655)")
    printed = read_printed(print_to_pdf(as_html(text)))
    # What the test is about: pages with the browser's header and footer, cut paragraphs.
    assert re.search(r"careers\.example\.org\S* 3/\d+", printed)
    assert parse_notice(printed).as_json() == parse_notice(text).as_json()


def test_a_long_title_wrapped_at_the_page_edge_is_read_whole(print_to_pdf):
    long_title = f"{TITLE_EN} and its partners in the region, for the NATO Representation (CAP)"
    text = notice_text(f"{long_title} (240655)", f"{TITLE_FR} (240655)")
    notice = parse_notice(read_printed(print_to_pdf(as_html(text))))
    assert (notice.reference, notice.title.en) == ("240655", long_title)


def test_a_reference_put_alone_on_the_next_line_is_read_with_its_title(print_to_pdf):
    text = notice_text(f"{TITLE_EN} (240655)", f"{TITLE_FR} (240655)")
    printed = read_printed(print_to_pdf(as_html(text, title_break="(240655)")))
    assert "\n(240655)" in printed
    notice = parse_notice(printed)
    assert (notice.title.en, notice.title.fr) == (TITLE_EN, TITLE_FR)


def test_a_hard_wrapped_notice_printed_as_it_is_reads_as_its_text(print_to_pdf):
    """Text extracted from PDF once already, wrapped by hand, printed again: the flag
    sentence is cut between two lines, and lines longer than the page are wrapped again."""
    text = notice_text(f"{TITLE_EN} (240655)", f"{TITLE_FR} (240655)")
    hard_wrapped = re.sub(r"(family members will not be) ", r"\1\n", text)
    printed = read_printed(print_to_pdf(as_html(hard_wrapped, preformatted=True)))
    notice = parse_notice(printed)
    assert notice.unaccompanied
    assert notice.as_json() == parse_notice(hard_wrapped).as_json()


def test_ligatures_in_the_printed_text_are_read_as_plain_letters(print_to_pdf):
    text = notice_text(f"{TITLE_EN} (240655)", f"{TITLE_FR} (240655)")
    notice = parse_notice(read_printed(print_to_pdf(as_html(text))))
    body = " ".join(section.text for section in notice.sections.en)
    assert "Office of the Chief of Staff provides efficient support" in body
    assert not re.search("[\ufb00-\ufb06]", str(notice.as_json()))
