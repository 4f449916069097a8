"""A hostile notice is read or refused quickly: no line, however long and whatever it is made
of, makes the parser slow (benchmarks/worst_case_parsing.py prints the figures)."""

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vacancies.notices import MAX_LINES, NoticeParseError, parse_notice
from vacancies.notices.header import MAX_LENGTHS

NOTICES = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "notices").glob("*.txt"))
TEXTS = [path.read_text(encoding="utf-8") for path in NOTICES]

HEADER = "Security Officer-260063\nPrimary Location: Belgium-Brussels\nGrade: NATO Grade G15\n"
# Where a long line can stand: {} is the line.
PLACES = [
    "{}\nPrimary Location: Belgium-Brussels\nGrade: G15\n",
    "{}-260063\nPrimary Location: Belgium-Brussels\n",
    "{} (260063)\nPrimary Location: Belgium-Brussels\n",
    "Security Officer-260063\nPrimary Location: {}\n",
    *(
        HEADER + label + "{}\n"
        for label in (
            "Application Deadline: ",
            "Salary (Pay Basis): ",
            "Grade: ",
            "Clearance Level: ",
            "NATO Body: ",
            "Other locations: ",
            "Schedule ",
        )
    ),
    HEADER + "Description\n1. SUMMARY{}\n2. DUTIES\nText.\n",
    HEADER + "Description\n1. {}\n2. DUTIES\nText.\n",
    HEADER + "Description\n1. SUMMARY\n- {}\n2. DUTIES\nText.\n",
    HEADER + "Description\n1. SUMMARY\n{}\n2. DUTIES\nText.\n",
    HEADER + "Description\nText.\n\n{}-260063\nEmplacement principal: Belgique-Bruxelles\n",
]
# Characters the parser's patterns care about, and a few they do not.
PIECES = list(" \t*-–—().,:;/|#_'’«»0123456789aAzZéÉßIOo€$\u00a0\u2028") + [
    "risk",
    "rated",
    "accompan",
    "budg",
    "Grade",
    "Deadline",
    "NATO",
    "https://",
    "1. ",
    "- ",
    "* ",
    "Feb",
    "12:59",
]


def parse_seconds(text: str) -> float:
    start = time.perf_counter()
    try:
        parse_notice(text)
    except NoticeParseError as error:
        assert str(error), "a refusal says why"
    return time.perf_counter() - start


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    place=st.sampled_from(PLACES),
    pattern=st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join),
    ending=st.sampled_from(["", "1", "x", ")", "123456", "-260063", " *", "."]),
)
def test_a_200k_character_line_of_any_pattern_is_read_within_seconds(place, pattern, ending):
    # A pattern that backtracks over the line takes hours at this length, not seconds.
    line = (pattern * (200_000 // len(pattern) + 1))[:200_000] + ending
    assert parse_seconds(place.format(line)) < 5


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pattern=st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join),
    line_length=st.sampled_from([1, 40, 300, 5_000]),
)
def test_a_5_mb_notice_of_repeated_lines_is_read_or_refused_within_seconds(pattern, line_length):
    line = (pattern * (line_length // len(pattern) + 1))[:line_length] + "\n"
    body = (line * (5_000_000 // len(line) + 1))[:5_000_000]
    assert parse_seconds(HEADER + "Description\n" + body) < 5


@pytest.mark.parametrize(
    ("field", "line"),
    [
        ("title", "T" * 301 + "-260063"),
        ("deadline", "Application Deadline: " + "a" * 61),
        ("salary", "Salary: 1" + " EUR" * 30),
        ("clearance level", "Clearance Level: " + "NATO SECRET " * 5),
        ("organisation", "NATO Body: " + "NATO " * 50),
    ],
)
def test_header_values_longer_than_any_real_one_are_refused(field, line):
    lines = HEADER.split("\n")
    if field == "title":
        lines[0] = line
    else:
        lines.insert(1, line)
    with pytest.raises(NoticeParseError, match=f"the {field} is [0-9,]+ characters long"):
        parse_notice("\n".join(lines))


def test_a_too_long_french_value_is_a_warning_and_the_english_stands():
    text = TEXTS[0]
    french_title = "Chef de la Section CAP-260063"
    assert french_title in text
    notice = parse_notice(text.replace(french_title, "Chef " * 70 + "-260063"))
    assert notice.title.en == "Head, Comprehensive Assistance Package Section"
    assert any("French text: the title is" in warning for warning in notice.warnings)


def test_the_longest_real_values_are_still_read():
    assert MAX_LENGTHS["title"] >= 300  # the vacancy's title column holds 300 characters
    title = "T" * 300
    notice = parse_notice(f"{title}-260063\nPrimary Location: Belgium-Brussels\n")
    assert notice.title.en == title


def test_more_lines_than_any_notice_are_refused_at_once():
    text = HEADER + "Description\n" + "x\n" * MAX_LINES
    with pytest.raises(NoticeParseError, match="lines, more than the 20,000"):
        parse_notice(text)


def test_a_notice_past_its_time_budget_is_refused_saying_so():
    with pytest.raises(NoticeParseError, match="took longer than 1e-06 seconds"):
        parse_notice(TEXTS[1], time_limit=0.000001)
    assert parse_notice(TEXTS[1], time_limit=30).reference == "260066"
