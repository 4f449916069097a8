"""The body: sections, and text extracted from PDF reflowed without its noise
(vacancies/notices/body.py)."""

import pytest

from vacancies.notices import parse_notice

# --------------------------------------------------------------------- reflowing the body


def body(text):
    """Sections of a notice whose English body is ``text``."""
    notice = parse_notice(f"Analyst-123456\n\nGrade: G10\n\nDescription:\n\n{text}")
    return {section.heading: section.text for section in notice.sections.en}


def test_hard_wrapped_lines_are_joined_into_paragraphs():
    sections = body(
        "1. SUMMARY\n\nThe office is an independent office that supports\n"
        "enhanced governance across NATO agencies and\nbodies.\n\n"
        "A second paragraph.\n\n2. CONTRACT\n\nText.\n"
    )
    assert sections["SUMMARY"] == (
        "The office is an independent office that supports enhanced governance across "
        "NATO agencies and bodies.\n\nA second paragraph."
    )


def test_page_numbers_and_dumped_urls_disappear_and_split_paragraphs_rejoin():
    sections = body(
        "1. SUMMARY\n\nNATO reserves the right to screen\n\n13\n\n"
        "https://nato.taleo.net/careersection/1/jobsearch.ftl?lang=en\n"
        "www.youtube.com/watch?v=LoP9YmLG7k8\n"
        " applications to identify the use of such tools.\n\n2. CONTRACT\n\nText.\n"
    )
    assert sections["SUMMARY"] == (
        "NATO reserves the right to screen applications to identify the use of such tools."
    )


def test_words_hyphenated_across_lines_are_joined_as_written():
    sections = body(
        "1. SUMMARY\n\nensuring that both voting and non-\n"
        "voting stakeholders contribute to the decision-\n"
        "making.\n\n2. CONTRACT\n\nText.\n"
    )
    assert (
        "both voting and non-voting stakeholders contribute to the decision-making."
        in (sections["SUMMARY"])
    )


@pytest.mark.parametrize("bullet", ["·", "•", "-", "*", "▪"])
def test_bullets_become_dash_items_with_their_wrapped_lines(bullet):
    sections = body(
        f"1. SUMMARY\n\nThe incumbent must:\n{bullet}       possess a university degree in\n"
        f"economics or law;\n{bullet} have 4 years of experience.\n\n2. CONTRACT\n\nText.\n"
    )
    assert sections["SUMMARY"] == (
        "The incumbent must:\n\n- possess a university degree in economics or law;\n"
        "- have 4 years of experience."
    )


def test_heading_wrapped_onto_two_lines_is_joined():
    sections = body(
        "1. SUMMARY\n\nText.\n\n7. USEFUL INFORMATION REGARDING APPLICATION AND RECRUITMENT\n"
        "PROCESS\n\nPlease apply.\n\n"
        "8. INFORMATIONS UTILES CONCERNANT LA PROCÉDURE DE CANDIDATURE ET\n"
        "DE RECRUTEMENT\n\nVeuillez postuler.\n"
    )
    assert list(sections) == [
        "SUMMARY",
        "USEFUL INFORMATION REGARDING APPLICATION AND RECRUITMENT PROCESS",
        "INFORMATIONS UTILES CONCERNANT LA PROCÉDURE DE CANDIDATURE ET DE RECRUTEMENT",
    ]


def test_sub_titles_in_capitals_stay_inside_numbered_sections():
    sections = body(
        "1. SUMMARY\n\nText.\n\n2. QUALIFICATIONS AND EXPERIENCE\nESSENTIAL\nThe incumbent must:\n"
        "- read.\n\nDESIRABLE\n\n- write.\n"
    )
    assert list(sections) == ["SUMMARY", "QUALIFICATIONS AND EXPERIENCE"]
    assert sections["QUALIFICATIONS AND EXPERIENCE"].startswith("ESSENTIAL\n\nThe incumbent must:")
    assert "DESIRABLE" in sections["QUALIFICATIONS AND EXPERIENCE"]


def test_double_spaced_pdf_text_keeps_its_real_paragraphs():
    sections = body(
        "1. SUMMARY \n\n  \n\nThe NATO Representation to Ukraine facilitates political \n\n"
        "dialogue and cooperation. \n\n  \n\nThe second paragraph starts here and \n\n"
        "ends here. \n\n  \n\n2. CONTRACT \n\nText. \n"
    )
    assert sections["SUMMARY"] == (
        "The NATO Representation to Ukraine facilitates political dialogue and cooperation."
        "\n\nThe second paragraph starts here and ends here."
    )
