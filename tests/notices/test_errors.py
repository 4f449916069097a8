"""A refusal or a warning reads in English as it is, and in the reader's language when it
is shown to them (vacancies/notices/errors.py)."""

import pytest

from vacancies.notices import NoticeParseError, parse_notice
from vacancies.notices.errors import Message

FRENCH = {
    "cannot read the grade %(value)s": "impossible de lire le grade %(value)s",
    "%(half)s: %(problem)s": "%(half)s : %(problem)s",
    "French text": "Texte français",
}


def in_french(message: str) -> str:
    return FRENCH.get(message, message)


def test_a_refusal_is_english_and_knows_its_translation():
    with pytest.raises(NoticeParseError) as refused:
        parse_notice("Analyst-123456\nPrimary Location: Belgium-Brussels\nGrade: banana\n")
    assert str(refused.value) == "cannot read the grade 'banana'"
    assert refused.value.translated(in_french) == "impossible de lire le grade 'banana'"


def test_a_warning_translates_every_sentence_it_is_made_of():
    problem = Message("cannot read the grade %(value)s", value="'banane'")
    warning = Message("%(half)s: %(problem)s", half=Message("French text"), problem=problem)
    assert warning == "French text: cannot read the grade 'banane'"
    assert warning.translated(in_french) == "Texte français : impossible de lire le grade 'banane'"


def test_a_sentence_without_values_may_hold_a_percent_sign():
    assert Message("100% sure").translated(in_french) == "100% sure"


def test_whole_numbers_are_grouped_as_the_reader_writes_them():
    message = Message("the PDF has %(count)s pages, more than the %(limit)d", count=98000, limit=50)
    assert message == "the PDF has 98,000 pages, more than the 50"
    french = {message.template: "le PDF compte %(count)s pages, plus que les %(limit)d"}
    in_french_numbers = message.translated(french.get, lambda n: f"{n:,}".replace(",", "\u00a0"))
    assert in_french_numbers == "le PDF compte 98\u00a0000 pages, plus que les 50"
