"""The header of each half: the title line with its reference, and labelled fields in any
order, with or without colons, in either language (vacancies/notices/header.py)."""

import pytest
from small_notice import notice_text

from vacancies.notices import parse_notice


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
