"""The parser, field by field on the sample notices and case by case on header variants."""

import json
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from vacancies.parsing import (
    Grade,
    NoticeParseError,
    decode_notice,
    parse_deadline,
    parse_grade,
    parse_locations,
    parse_notice,
    parse_notice_bytes,
    parse_salary,
)

ROOT = Path(__file__).resolve().parent.parent
NOTICES = ROOT / "fixtures" / "notices"
EXPECTED = Path(__file__).resolve().parent / "expected"
BRUSSELS = ZoneInfo("Europe/Brussels")


def folded(value):
    """Compare text as the contract does: whitespace collapsed, case folded."""
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, dict):
        return {key: folded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [folded(item) for item in value]
    return value


def expected_cases():
    return [
        pytest.param(path.stem, json.loads(path.read_text(encoding="utf-8")), id=path.stem)
        for path in sorted(EXPECTED.glob("*.json"))
    ]


def parsed(stem):
    return parse_notice_bytes((NOTICES / f"{stem}.txt").read_bytes()).as_json()


def section_text(result, language, heading):
    for section in result["sections"][language]:
        if folded(section["heading"]) == folded(heading):
            return " ".join(section["text"].split())
    raise AssertionError(f"no {language} section {heading!r}")


# --------------------------------------------------------------------- the sample notices

HEADER_FIELDS = [
    "reference",
    "title",
    "organisation",
    "primary_location",
    "other_locations",
    "schedule",
    "deadline",
    "deadline_ongoing",
    "salary",
    "grade",
    "clearance",
    "risk_level",
    "unaccompanied",
    "pending_budget_approval",
]


@pytest.mark.parametrize("stem, expected", expected_cases())
@pytest.mark.parametrize("field", HEADER_FIELDS)
def test_sample_notice_header_fields_match_the_contract(stem, expected, field):
    assert folded(parsed(stem)[field]) == folded(expected[field])


@pytest.mark.parametrize("stem, expected", expected_cases())
@pytest.mark.parametrize("language", ["en", "fr"])
def test_sample_notice_section_headings_match_in_both_languages(stem, expected, language):
    headings = [s["heading"] for s in parsed(stem)["sections"][language] if s["heading"]]
    assert folded(headings) == folded(expected["section_headings"][language])


@pytest.mark.parametrize(
    "stem, expected", [case for case in expected_cases() if "text_checks" in case.values[1]]
)
def test_pdf_extracted_notices_are_reflowed_without_noise(stem, expected):
    checks = expected["text_checks"]
    result = parsed(stem)
    for language, heading, snippet in checks.get("contains", []):
        assert " ".join(snippet.split()) in section_text(result, language, heading)
    everything = json.dumps(result["sections"], ensure_ascii=False)
    for noise in checks.get("absent", []):
        assert noise not in everything
    for language, heading, ending in checks.get("not_end_with", []):
        assert not section_text(result, language, heading).endswith(ending)


def body_words(raw_lines):
    """The words a reader should find again in the sections: no URLs, page numbers,
    flags, bullet signs or heading numbers."""
    for line in raw_lines:
        stripped = line.strip()
        if re.fullmatch(
            r"(https?://|www\.)\S+|\d{1,3}|PENDING BUDGET APPROVAL|SOUS RESERVE.*", stripped
        ):
            continue
        stripped = re.sub(r"^\d{1,2}\.\s+(?=[^a-z]+$)", "", stripped)  # "1. SUMMARY"
        yield from (word for word in stripped.split() if word not in "·•-")


@pytest.mark.parametrize("stem, expected", expected_cases())
def test_sample_notice_loses_and_glues_no_words(stem, expected):
    raw = (NOTICES / f"{stem}.txt").read_text(encoding="utf-8")
    french_title = raw.index(expected["title"]["fr"])
    english_body = raw[re.search(r"^\s*Description\W*$", raw, re.M).end() : french_title]
    french_body = raw[re.compile(r"^\s*Description\W*$", re.M).search(raw, french_title).end() :]
    result = parsed(stem)
    for language, raw_body in (("en", english_body), ("fr", french_body)):
        text = " ".join(s["heading"] + " " + s["text"] for s in result["sections"][language])
        found = set(text.split())
        missing = [
            word
            for word in body_words(raw_body.splitlines())
            if word not in found
            and not word.endswith("-")
            and not any(
                other.endswith(word) or other.startswith(word) for other in found if "-" in other
            )
        ]
        assert missing == []


def test_sample_notice_keeps_the_original_text_verbatim():
    raw = (NOTICES / "001_fdb992f5b67e8e86.txt").read_text(encoding="utf-8")
    assert parse_notice(raw).text == raw


def test_risk_note_is_kept_in_both_languages():
    notice = parse_notice_bytes((NOTICES / "000_0f606890594e4ec3.txt").read_bytes())
    assert notice.risk_note.en.startswith("Important Note: this post is stationed in **Kyiv")
    assert notice.risk_note.fr.startswith("Note importante : le lieu d'affectation")


def test_unnumbered_notice_keeps_text_before_the_first_heading():
    result = parsed("002_0713b456fdec9bde")
    intro = result["sections"]["en"][0]
    assert intro["heading"] == ""
    assert intro["text"].startswith("The publication of this call for interest")
    assert "PENDING BUDGET APPROVAL" not in intro["text"]


def test_competency_list_numbers_stay_inside_their_section():
    result = parsed("000_0f606890594e4ec3")
    text = next(s["text"] for s in result["sections"]["en"] if s["heading"] == "COMPETENCIES")
    assert "1. Achievement: Creates own measures of excellence" in text
    assert "\n7. Teamwork: Solicits inputs and encourages others." in text


# --------------------------------------------------------------------- a small notice

HEADER = """VACANCY NOTIFICATION/ NOTIFICATION DE LA VACANCE DU POSTE

{title}

Primary Location: Belgium-Brussels
NATO Body: NATO International Staff (NATO IS)
Schedule: Full-time
Application Deadline: {deadline}
Salary (Pay Basis): 5,000.00Euro (EUR) Monthly
Grade: {grade}

Description:

1. SUMMARY

The post holder does things.

2. CONTRACT

A contract.
"""

FRENCH = """
Titre en français-123456

Emplacement principal: Belgique-Bruxelles
Date de retrait: {deadline}
Grade: NATO Grade G15

Description

1. RÉSUMÉ

La personne titulaire fait des choses.

2. CONTRAT

Un contrat.
"""


def notice_text(
    title="Policy Officer-123456",
    deadline="26-Feb-2026, 12:59:00 AM",
    grade="NATO Grade G15",
    french="26-févr.-2026, 00:59:00",
):
    text = HEADER.format(title=title, deadline=deadline, grade=grade)
    if french is not None:
        text += FRENCH.format(deadline=french)
    return text


@pytest.mark.parametrize(
    "line, title, reference",
    [
        ("Head, CAP Section-260063", "Head, CAP Section", "260063"),
        ("Programme Assistant (CAP) (240655)", "Programme Assistant (CAP)", "240655"),
        ("Head, NSPO Secretariat – 260280", "Head, NSPO Secretariat", "260280"),
        ("Project Manager (+ Reserve list) -260066", "Project Manager (+ Reserve list)", "260066"),
        ("**Senior Officer, NRU-260885**", "Senior Officer, NRU", "260885"),
    ],
)  # fmt: skip
def test_title_and_reference_are_read_in_every_written_form(line, title, reference):
    notice = parse_notice(notice_text(title=line))
    assert (notice.title.en, notice.reference) == (title, reference)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("26-Feb-2026, 12:59:00 AM", datetime(2026, 2, 26, 0, 59)),
        ("15-Jun-2026, 12:59:00 AM", datetime(2026, 6, 15, 0, 59)),
        ("03-Mar-2026, 1:30 PM", datetime(2026, 3, 3, 13, 30)),
        ("03-Mar-2026, 12:00 PM", datetime(2026, 3, 3, 12, 0)),
        ("03-Sep-2026 14:00", datetime(2026, 9, 3, 14, 0)),
        ("05-May-2024", datetime(2024, 5, 5, 23, 59, 59)),
        ("26-févr.-2026, 00:59:00", datetime(2026, 2, 26, 0, 59)),
        ("26-fevr-2026", datetime(2026, 2, 26, 23, 59, 59)),
        ("03-mars-2026, 00:59:00", datetime(2026, 3, 3, 0, 59)),
        ("22-mar-2026", datetime(2026, 3, 22, 23, 59, 59)),
        ("05-mai-2024", datetime(2024, 5, 5, 23, 59, 59)),
        ("15-juin-2026, 00:59:00", datetime(2026, 6, 15, 0, 59)),
        ("15-juil.-2026", datetime(2026, 7, 15, 23, 59, 59)),
        ("15-août-2026", datetime(2026, 8, 15, 23, 59, 59)),
        ("15-sept.-2026", datetime(2026, 9, 15, 23, 59, 59)),
        ("1er déc. 2026, 17 h 00", datetime(2026, 12, 1, 17, 0)),
        ("15 December 2026", datetime(2026, 12, 15, 23, 59, 59)),
        ("December 15, 2026", datetime(2026, 12, 15, 23, 59, 59)),
        ("2026-12-15", datetime(2026, 12, 15, 23, 59, 59)),
    ],
)
def test_deadlines_in_either_language_are_read_in_brussels_time(value, expected):
    deadline, ongoing = parse_deadline(value, BRUSSELS)
    assert deadline == expected.replace(tzinfo=BRUSSELS)
    assert deadline.utcoffset() is not None
    assert not ongoing


def test_deadline_offset_follows_summer_time():
    winter, _ = parse_deadline("26-Feb-2026, 12:59:00 AM", BRUSSELS)
    summer, _ = parse_deadline("15-Jun-2026, 12:59:00 AM", BRUSSELS)
    assert winter.isoformat() == "2026-02-26T00:59:00+01:00"
    assert summer.isoformat() == "2026-06-15T00:59:00+02:00"


def test_deadline_time_zone_is_a_setting():
    deadline, _ = parse_deadline("26-Feb-2026, 09:00", ZoneInfo("America/New_York"))
    assert deadline.isoformat() == "2026-02-26T09:00:00-05:00"


def test_ongoing_vacancy_has_no_deadline():
    notice = parse_notice(notice_text(deadline="Ongoing", french="En continu"))
    assert notice.deadline is None
    assert notice.deadline_ongoing
    assert notice.as_json()["deadline"] is None


@pytest.mark.parametrize(
    "value",
    ["sometime soon", "31-Feb-2026", "26-Feb-2026, 25:00", "26-Fob-2026", "1-Jan-2026, 13:00 PM"],
)
def test_unreadable_deadline_in_the_english_header_is_an_error(value):
    with pytest.raises(NoticeParseError, match="deadline"):
        parse_notice(notice_text(deadline=value))


def test_unreadable_french_deadline_is_a_warning_not_an_error():
    notice = parse_notice(notice_text(french="bientôt"))
    assert notice.deadline == datetime(2026, 2, 26, 0, 59, tzinfo=BRUSSELS)
    assert notice.fr.deadline is None
    assert any("deadline" in warning for warning in notice.warnings)


@pytest.mark.parametrize(
    "value, label, low, high",
    [
        ("NATO Grade G20", "G20", 20, 20),
        ("NATO Grade G8-G10", "G8-G10", 8, 10),
        ("NATO Grade G8–G10", "G8-G10", 8, 10),
        ("G 12 - G 14", "G12-G14", 12, 14),
        ("A.2 / NATO Grade G15", "G15", 15, 15),
        ("C.3", "C.3", None, None),
        ("B.5", "B.5", None, None),
    ],
)
def test_grades_of_both_schemes_are_read(value, label, low, high):
    assert parse_grade(value) == Grade(label=label, min=low, max=high)


@pytest.mark.parametrize("value", ["banana", "G10-G8"])
def test_unreadable_grade_is_an_error(value):
    with pytest.raises(NoticeParseError, match="grade"):
        parse_grade(value)


@pytest.mark.parametrize(
    "value, amount, currency, period",
    [
        ("9,784.44Euro (EUR) Monthly", "9784.44", "EUR", "monthly"),
        ("9 784,44Euro (EUR) Mensuelle", "9784.44", "EUR", "monthly"),
        ("13,039.44 (EUR) Monthly", "13039.44", "EUR", "monthly"),
        ("13.039,44 € par mois", "13039.44", "EUR", "monthly"),
        ("120,000 USD per year", "120000", "USD", "yearly"),
        ("9784", "9784", None, None),
    ],
)
def test_salaries_are_read_in_either_number_format(value, amount, currency, period):
    salary = parse_salary(value)
    assert (salary.amount, salary.currency, salary.period) == (Decimal(amount), currency, period)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Ukraine-Kyiv", (("Ukraine", "Kyiv"),)),
        ("Belgium-Mons; Italy-Rome", (("Belgium", "Mons"), ("Italy", "Rome"))),
        ("Netherlands-The Hague", (("Netherlands", "The Hague"),)),
        ("Pays-Bas-La Haye", (("Pays-Bas", "La Haye"),)),
        ("Royaume-Uni-Northwood", (("Royaume-Uni", "Northwood"),)),
        ("Belgium - Mons", (("Belgium", "Mons"),)),
    ],
)  # fmt: skip
def test_locations_are_split_into_country_and_city(value, expected):
    assert parse_locations(value) == expected


def test_location_without_a_city_is_an_error():
    with pytest.raises(NoticeParseError, match="Country-City"):
        parse_locations("Brussels")


def test_header_fields_are_read_in_any_order_with_or_without_colons():
    text = """Analyst (123456)

Grade NATO Grade G12
Clearance Level CTS
Application Deadline 05-May-2024
Schedule Full-time
Primary Location Belgium-Mons
NATO Body NATO International Staff (NATO IS)

Description

Text.
"""
    notice = parse_notice(text)
    assert notice.grade.label == "G12"
    assert notice.clearance == "CTS"
    assert notice.deadline.date().isoformat() == "2024-05-05"
    assert notice.primary_location.city == "Mons"
    assert notice.organisation.en == "NATO International Staff (NATO IS)"


def test_missing_header_fields_are_empty_not_errors():
    notice = parse_notice("Analyst-123456\n\nDescription:\n\nSome text.\n")
    data = notice.as_json()
    assert data["reference"] == "123456"
    assert data["deadline"] is None and data["salary"] is None and data["grade"] is None
    assert data["primary_location"] is None and data["other_locations"] == []


def test_value_on_the_line_after_its_label_is_read():
    text = notice_text().replace("Application Deadline: ", "Application Deadline:\n")
    assert parse_notice(text).deadline.date().isoformat() == "2026-02-26"


def test_notice_without_french_half_has_no_french_values():
    notice = parse_notice(notice_text(french=None))
    data = notice.as_json()
    assert notice.fr is None
    assert data["title"] == {"en": "Policy Officer", "fr": None}
    assert data["sections"]["fr"] == []
    assert data["primary_location"]["city_fr"] is None


def test_french_half_supplies_french_title_locations_and_sections():
    data = parse_notice(notice_text()).as_json()
    assert data["title"]["fr"] == "Titre en français"
    assert data["primary_location"] == {
        "country": "Belgium",
        "city": "Brussels",
        "country_fr": "Belgique",
        "city_fr": "Bruxelles",
    }
    assert [s["heading"] for s in data["sections"]["fr"]] == ["RÉSUMÉ", "CONTRAT"]


def test_french_half_is_found_even_when_its_title_has_no_reference():
    text = notice_text().replace("Titre en français-123456", "Titre en français")
    notice = parse_notice(text)
    assert notice.title.fr == "Titre en français"
    assert [s.heading for s in notice.sections.en] == ["SUMMARY", "CONTRACT"]


@pytest.mark.parametrize(
    "sentence, level",
    [
        (
            "this post is rated as an extreme risk location by the NATO Office of Security",
            "extreme",
        ),
        ("Kyiv is considered a high risk location.", "high"),
        ("The duty station is rated as a medium risk location.", "medium"),
        ("We manage risk registers and mitigation plans.", None),
    ],
)
def test_risk_level_comes_from_the_risk_note(sentence, level):
    text = notice_text().replace("The post holder does things.", f"Important Note: {sentence}")
    assert parse_notice(text).risk_level == level


@pytest.mark.parametrize(
    "sentence, unaccompanied",
    [
        ("Family members will not be relocated with the incumbent.", True),
        ("Kyiv will remain an unaccompanied post.", True),
        ("Family members are welcome.", False),
    ],
)
def test_unaccompanied_posts_are_flagged(sentence, unaccompanied):
    text = notice_text().replace("The post holder does things.", sentence)
    assert parse_notice(text).unaccompanied is unaccompanied


@pytest.mark.parametrize(
    "flag", ["PENDING BUDGET APPROVAL", "SOUS RESERVE D'APPROBATION PAR LES AUTORITES BUDGETAIRES"]
)
def test_pending_budget_approval_is_flagged_in_either_language(flag):
    text = notice_text().replace("1. SUMMARY", f"{flag}\n\n1. SUMMARY")
    notice = parse_notice(text)
    assert notice.pending_budget_approval
    assert all(flag not in s.heading for s in notice.sections.en)


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
