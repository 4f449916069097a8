"""The five sample notices, field by field against the contract of parse_notice --json, as
text files and as the same notices printed to PDF by a browser."""

import functools
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from contract import as_read, folded

from vacancies.notices import notice_text_from_file, parse_notice, parse_notice_bytes

ROOT = Path(__file__).resolve().parents[2]
NOTICES = ROOT / "fixtures" / "notices"
PRINTED = ROOT / "fixtures" / "pdf"
EXPECTED = Path(__file__).resolve().parents[1] / "expected"
BRUSSELS = ZoneInfo("Europe/Brussels")
FORMS = ["text", "pdf"]


def expected_cases():
    return [
        pytest.param(path.stem, json.loads(path.read_text(encoding="utf-8")), id=path.stem)
        for path in sorted(EXPECTED.glob("*.json"))
    ]


@functools.cache
def parsed(stem, form="text"):
    if form == "pdf":
        path = PRINTED / f"{stem}.pdf"
        return parse_notice(notice_text_from_file(path.name, path.read_bytes())).as_json()
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


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("stem, expected", expected_cases())
@pytest.mark.parametrize("field", HEADER_FIELDS)
def test_sample_notice_header_fields_match_the_contract(stem, expected, field, form):
    assert folded(parsed(stem, form)[field]) == folded(expected[field])


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("stem, expected", expected_cases())
@pytest.mark.parametrize("language", ["en", "fr"])
def test_sample_notice_section_headings_match_in_both_languages(stem, expected, language, form):
    headings = [s["heading"] for s in parsed(stem, form)["sections"][language] if s["heading"]]
    assert folded(headings) == folded(expected["section_headings"][language])


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    "stem, expected", [case for case in expected_cases() if "text_checks" in case.values[1]]
)
def test_pdf_extracted_notices_are_reflowed_without_noise(stem, expected, form):
    checks = expected["text_checks"]
    result = parsed(stem, form)
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


# ----------------------------------------------------------------- printed and text alike


@pytest.mark.parametrize("stem", [case.id for case in expected_cases()])
def test_a_printed_notice_reads_exactly_as_its_text(stem):
    """Every field and every paragraph, bullet and heading of every section: the PDF's
    parse equals the text's, but for the Markdown marks only the text has."""
    assert parsed(stem, "pdf") == as_read(parsed(stem, "text"))
