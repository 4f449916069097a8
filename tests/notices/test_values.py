"""Header values as written in English and French notices: deadlines, grades, salaries and
places (vacancies/notices/values.py)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from small_notice import BRUSSELS, notice_text

from vacancies.notices import NoticeParseError, parse_notice
from vacancies.notices.results import Grade
from vacancies.notices.values import parse_deadline, parse_grade, parse_locations, parse_salary


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
